"""Reference answers and typical wrong answers for dlmath.exercises.linear_algebra.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np

CASES = {
    "check_layer": {
        "solution": lambda X, W, b: X @ W + b,
        "wrong": [
            (lambda X, W, b: X @ W, "bias is missing"),
            (lambda X, W, b: X @ W.T + b, "without .T"),
            (lambda X, W, b: X @ W + b[:, None], "wrong axis"),
            (lambda X, W, b: X @ W + b.reshape(-1, 1), "wrong axis"),
            (lambda X, W, b: W @ X + b, "not W @ X"),
            (lambda X, W, b: X * W + b, "matrix product"),
            (lambda X, W, b: (X @ W + b).T, "one row per example"),
            (lambda X, W, b: X @ W + b.sum(), "its own bias"),
            (lambda X, W, b: np.dot(X, W) - b, "add the bias"),
            (lambda X, W: X @ W, "layer(X, W, b)"),
        ],
    },
    "check_matmul_shape": {
        "solution": (32, 10),
        "wrong": [
            ((10, 32), "Rows are examples"),
            ((32, 128), "hidden layer"),
            ((784, 10), "W1 @ W2"),
            ((32, 128, 10), "inner dimension"),
            ([32, 12], "left to right"),
            (10, "two numbers"),
            ((32.5, 10), "tuple of whole numbers"),
        ],
    },
    "check_cosine_similarity": {
        "solution": lambda u, v: np.dot(u, v) / np.sqrt(np.dot(u, u) * np.dot(v, v)),
        "wrong": [
            (lambda u, v: u @ v, "plain dot product"),
            (lambda u, v: u @ v / np.linalg.norm(u), "not only |u|"),
            (lambda u, v: u @ v / (u @ u * (v @ v)), "square root"),
            (lambda u, v: u @ v / (np.abs(u).sum() * np.abs(v).sum()), "L1 norm"),
            (lambda u, v: np.arccos(u @ v / (np.linalg.norm(u) * np.linalg.norm(v))), "angle itself"),
            (lambda u, v: u @ v / np.linalg.norm(u * v), "element-wise product"),
            (lambda u, v: np.linalg.norm(u - v), "distance"),
            (lambda u, v: -(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v)), "Sign error"),
        ],
    },
}
