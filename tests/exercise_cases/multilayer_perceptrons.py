"""Reference answers and typical wrong answers for dlmath.exercises.multilayer_perceptrons.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def relu(z):
    return np.maximum(z, 0)


def xor_solution():
    """h1 = x1 + x2, h2 = relu(x1 + x2 - 1); s = h1 - 2 h2 - 0.5."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([1.0, -2.0])
    b2 = -0.5
    return W1, b1, W2, b2


W1, b1, W2, b2 = xor_solution()

CASES = {
    "check_forward": {
        "solution": lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2 + b2,
        "wrong": [
            (lambda X, W1, b1, W2, b2: relu(X @ W1) @ W2 + b2, "bias b1 is missing"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2, "bias b2 is missing"),
            (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2, "no non-linearity"),
            (lambda X, W1, b1, W2, b2: (relu(X @ W1) + b1) @ W2 + b2, "add the bias b1 first"),
            (lambda X, W1, b1, W2, b2: relu((X @ W1 + b1) @ W2 + b2), "not to the output"),
            (lambda X, W1, b1, W2, b2: relu(relu(X @ W1 + b1) @ W2 + b2), "Do not apply relu to the output"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2.T + b2, "weights are transposed"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2 + b2, "W1 is transposed"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2.T + b2, "W2 is transposed"),
            (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2, "used tanh"),
            (lambda X, W1, b1, W2, b2: 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2, "sigmoid"),
            (lambda X, W1, b1, W2, b2: np.exp(relu(X @ W1 + b1) @ W2 + b2)
             / np.exp(relu(X @ W1 + b1) @ W2 + b2).sum(axis=1, keepdims=True), "before any softmax"),
            (lambda X, W1, b1, W2, b2: -(relu(X @ W1 + b1) @ W2 + b2), "Sign error"),
            (lambda X, W1, b1, W2, b2: (W2.T @ relu(W1.T @ X.T + b1[:, None]) + b2[:, None]),
             "transpose"),
            (lambda X, W1, b1, W2: X, "callable as forward(X, W1, b1, W2, b2)"),
        ],
    },
    "check_xor_weights": {
        "solution": xor_solution,
        "wrong": [
            ((W1, b1, -W2, 0.5), "XNOR"),
            ((W1, np.array([-5.0, -5.0]), W2, b2), "Both hidden units output 0"),
            ((W1, np.array([0.0, 0.0]), W2, b2), "same class at all four corners"),
            ((W1, np.array([0.0, 0.0]), np.array([1.0, 0.0]), -0.5), "same information"),
            ((W1, b1, np.array([1.0, -0.5]), -0.5), "Three corners out of four"),
            ((np.ones((3, 2)), b1, W2, b2), "W1 has shape (3, 2)"),
            ((W1, b1, W2), "as a tuple (W1, b1, W2, b2)"),
            ({"W1": W1, "b1": b1, "W2": W2}, "lacks the key(s) b2"),
            ((W1, b1, W2, ...), "b2 is still empty"),
            ((W1, b1, np.array([np.nan, 1.0]), b2), "NaN"),
            ((W1, "b1", W2, b2), "b1 is not an array of numbers"),
            (lambda: 1 / 0, "ZeroDivisionError"),
        ],
    },
}
