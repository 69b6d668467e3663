"""Reference answers and typical wrong answers for dlmath.exercises.linear_algebra.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def _broadcast_by_hand(a, b):
    """Pad the shorter shape with 1s on the left, then take the larger size on each axis."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    assert all(x == y or 1 in (x, y) for x, y in zip(a, b)), "incompatible shapes"
    return tuple(max(x, y) for x, y in zip(a, b))


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
    "check_spectral_norm": {
        "solution": lambda W: float(np.sqrt(np.max(np.linalg.eigvalsh(W.T @ W)))),
        "wrong": [
            (lambda W: np.sqrt(np.sum(W ** 2)), "Frobenius"),
            (lambda W: np.max(np.linalg.eigvalsh(W.T @ W)), "square root"),
            (lambda W: np.sum(np.linalg.svd(W)[1]), "sum of all singular values"),
            (lambda W: np.linalg.svd(W)[1][-1], "smallest singular value"),
            (lambda W: np.max(np.abs(W)), "largest entry in absolute value"),
            (lambda W: np.max(np.sqrt(np.sum(W ** 2, axis=0))), "longest column"),
            (lambda W: np.max(np.linalg.eigvals(W).real), "largest eigenvalue of W"),
            (lambda W: W.max(), "largest entry"),
        ],
        "also_correct": [
            lambda W: np.linalg.norm(W, 2),
            lambda W: max(np.linalg.svd(W)[1]),
        ],
    },
    "check_weight_gradient": {
        "solution": lambda X, Delta: sum(np.outer(x, delta) for x, delta in zip(X, Delta)),
        "wrong": [
            (lambda X, Delta: (X.T @ Delta).T, "the transpose"),
            (lambda X, Delta: np.mean([np.outer(x, d) for x, d in zip(X, Delta)], axis=0), "not their mean"),
            (lambda X, Delta: np.outer(X.sum(axis=0), Delta.sum(axis=0)), "outer product of the sums"),
            (lambda X, Delta: np.outer(X[0], Delta[0]), "first example"),
            (lambda X, Delta: np.outer(X[len(X) - 1], Delta[len(X) - 1]), "grad +="),
            (lambda X, Delta: -X.T @ Delta, "Sign"),
            (lambda X, Delta: X.T @ Delta + Delta.sum(axis=0), "bias gradient"),
        ],
        "also_correct": [
            lambda X, Delta: X.T @ Delta,
            lambda X, Delta: np.einsum("ni,nj->ij", X, Delta),
        ],
    },
    "check_broadcast_shape": {
        "solution": _broadcast_by_hand,
        "wrong": [
            (lambda a, b: tuple(max(x, y) for x, y in zip(a[::-1], b[::-1]))[::-1], "too few axes"),
            (lambda a, b: tuple(max(x, y) for x, y in zip(tuple(a) + (1,) * 4, tuple(b) + (1,) * 4))[:max(len(a), len(b))],
             "from the left"),
            (lambda a, b: _broadcast_by_hand(a, b)[::-1], "reverse order"),
            (lambda a, b: max(tuple(a), tuple(b), key=len), "longer shape unchanged"),
            (lambda a, b: tuple(min(x, y) for x, y in zip((1,) * (4 - len(a)) + tuple(a), (1,) * (4 - len(b)) + tuple(b)))[4 - max(len(a), len(b)):],
             "not the smaller"),
        ],
        "also_correct": [
            lambda a, b: np.broadcast_shapes(a, b),
            lambda a, b: (np.zeros(a) + np.zeros(b)).shape,
            lambda a, b: list(np.broadcast_shapes(a, b)),
        ],
    },
}
