"""Reference answers and typical wrong answers for dlmath.exercises.calculus.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


CASES = {
    "check_central_difference": {
        "solution": lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        "wrong": [
            (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2 * h"),
            (lambda f, x, h: (f(x + h) - f(x)) / h, "forward difference"),
            (lambda f, x, h: (f(x) - f(x - h)) / h, "backward difference"),
            (lambda f, x, h: f(x + h) - f(x - h), "rise but not the slope"),
            (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), "Sign error"),
            (lambda f, x, h: f(x + h) - f(x - h) / (2 * h), "only f(x - h) was divided"),
            (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, "'/ 2 * h'"),
            (lambda f, x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "central_difference(f, x, h)"),
            (lambda f, x, h: float((f(x + h) - f(x - h)) / (2 * h)), "TypeError"),
        ],
    },
    "check_gradient": {
        "solution": lambda w: np.array([2 * w[0] * w[1], w[0] ** 2 + 3]),
        "wrong": [
            (lambda w: np.array([2 * w[0], w[0] ** 2 + 3]), "stays as a factor"),
            (lambda w: np.array([2 * w[0] * w[1], w[0] ** 2]), "derivative of 3 * w2"),
            (lambda w: np.array([2 * w[0] * w[1], w[0] ** 2 + 3 * w[1]]), "constant 3"),
            (lambda w: np.array([w[0] ** 2 + 3, 2 * w[0] * w[1]]), "swapped"),
            (lambda w: np.array([2 * w[0] * w[1] + 3, w[0] ** 2]), "belongs to the second entry"),
            (lambda w: np.array([2 * w[1], 2 * w[0]]), "one variable at a time"),
            (lambda w: 2 * w[0] * w[1] + w[0] ** 2 + 3, "single number"),
            (lambda w: -np.array([2 * w[0] * w[1], w[0] ** 2 + 3]), "Sign error"),
        ],
    },
    "check_chain_rule": {
        "solution": lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * x,
        "wrong": [
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)), "inner derivative"),
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * w, "dy/dx"),
            (lambda x, w, b: sigmoid(w) * (1 - sigmoid(w)) * x, "inner value"),
            (lambda x, w, b: sigmoid(w * x + b) * x, "(1 - sigmoid(z)) is missing"),
            (lambda x, w, b: (1 - sigmoid(w * x + b)) * x, "factor sigmoid(z) is missing"),
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * x + 1, "bias b"),
            (lambda x, w: x, "dy_dw(x, w, b)"),
        ],
    },
}
