"""Reference answers and typical wrong answers for dlmath.exercises.perceptrons.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def _update(w, b, x, y):
    predicted = 1 if x @ w + b > 0 else 0
    error = y - predicted
    return w + error * x, b + error


def _update_in_place(w, b, x, y):
    if (2 * y - 1) * (x @ w + b) <= 0 and not (y == 0 and x @ w + b <= 0):
        w += (2 * y - 1) * x
        b += 2 * y - 1
    return w, b


def _plus_minus_rule(w, b, x, y):
    t = 2 * y - 1
    if t * (x @ w + b) <= 0:
        return w + t * x, b + t
    return w, b


def _always(w, b, x, y):
    t = 2 * y - 1
    return w + t * x, b + t


def _loss_gradient(w, b, x, y):
    """d/d(w, b) of max(0, -t (x . w + b)), with the perceptron's choice at the kink."""
    score = x @ w + b
    misclassified = (score > 0) != (y == 1)
    t = 1.0 if y == 1 else -1.0
    if misclassified:
        return -t * x, -t
    return np.zeros(len(x)), 0.0


def _loss_gradient_kink(w, b, x, y, strict):
    """The gradient with the mistake tested on t * score alone (< 0 or <= 0): wrong at the kink."""
    t = 2 * y - 1
    score = x @ w + b
    wrong_side = t * score < 0 if strict else t * score <= 0
    return (-t * x, -t) if wrong_side else (0 * x, 0)


CASES = {
    "check_predict": {
        "solution": lambda X, w, b: (X @ w + b > 0).astype(int),
        "wrong": [
            (lambda X, w, b: (X @ w > 0).astype(int), "bias is missing"),
            (lambda X, w, b: (X @ w + b < 0).astype(int), "classes are swapped"),
            (lambda X, w, b: np.sign(X @ w + b), "np.sign"),
            (lambda X, w, b: X @ w + b, "returned the scores"),
            (lambda X, w, b: 1 / (1 + np.exp(-(X @ w + b))), "returned probabilities"),
            (lambda X, w, b: (X @ w - b > 0).astype(int), "wrong sign"),
            (lambda X, w, b: (X.T @ w + b > 0).astype(int), "Shapes do not fit"),
            (lambda X, w, b: (X @ w + b > 0).astype(int)[:, None], "shape"),
            (lambda X: X, "callable as predict(X, w, b)"),
            (lambda X, w, b: (X @ w + b >= 0).astype(int), "not >= 0"),
            (lambda X, w, b: (X @ w + b > 0) * 1.0004, "compared exactly"),
        ],
    },
    "check_signed_distance": {
        "solution": lambda X, w, b: (X @ w + b) / np.sqrt(np.sum(w ** 2)),
        "wrong": [
            (lambda X, w, b: X @ w + b, "divide it by the length of w"),
            (lambda X, w, b: (X @ w + b) / (w @ w), "squared length"),
            (lambda X, w, b: np.abs(X @ w + b) / np.linalg.norm(w), "keep its sign"),
            (lambda X, w, b: X @ w / np.linalg.norm(w), "bias is missing"),
            (lambda X, w, b: (X @ w + b) / np.sum(np.abs(w)), "Euclidean length"),
            (lambda X, w, b: -(X @ w + b) / np.linalg.norm(w), "Sign error"),
        ],
    },
    "check_perceptron_update": {
        "solution": _update,
        "wrong": [
            (_always, "only changes the line after a mistake"),
            (_plus_minus_rule, "t * score <= 0"),
            (lambda w, b, x, y: (_update(w, b, x, y)[0], None), "Partly done"),
            (lambda w, b, x, y: (w - (y - (x @ w + b > 0)) * x, b - (y - (x @ w + b > 0))),
             "moves the wrong way"),
            (lambda w, b, x, y: (w + (y - (x @ w + b > 0)) * x, b), "bias is not updated"),
            (lambda w, b, x, y: (w + y * x, b + y), "You added y * x"),
            (lambda w, b, x, y: (w + (y - (x @ w + b >= 0)) * x, b + (y - (x @ w + b >= 0))),
             "exactly 0"),
            (lambda w, b, x, y: (w + (y - (x @ w > 0)) * x, b + (y - (x @ w > 0))), "ignores the bias"),
            (lambda w, b, x, y: w + (y - (x @ w + b > 0)) * x, "should return the pair (w, b)"),
            (lambda w, b, x: (w, b), "callable as update(w, b, x, y)"),
            (lambda w, b, x, y: (_update(w, b, x, y)[0][:, None], _update(w, b, x, y)[1]), "1-D array"),
        ],
    },
    "check_perceptron_loss_gradient": {
        "solution": _loss_gradient,
        "wrong": [
            (lambda w, b, x, y: tuple(-g for g in _loss_gradient(w, b, x, y)), "Sign error"),
            (lambda w, b, x, y: (-(2 * y - 1) * x, -(2 * y - 1)), "gradient is zero"),
            (lambda w, b, x, y: _loss_gradient_kink(w, b, x, y, strict=False), "red point on the line"),
            (lambda w, b, x, y: _loss_gradient_kink(w, b, x, y, strict=True), "blue point with score exactly 0"),
            (lambda w, b, x, y: (_loss_gradient(w, b, x, y)[0] * (y == 1),
                                 _loss_gradient(w, b, x, y)[1] * (y == 1)), "t = 2y - 1"),
            (lambda w, b, x, y: (_loss_gradient(w, b, x, y)[0], 0.0), "bias's gradient is missing"),
            (lambda w, b, x, y: _loss_gradient(w, 0.0, x, y), "ignores the bias"),
            (lambda w, b, x, y: _loss_gradient(w, b, x, y)[0], "pair (grad_w, grad_b)"),
            (lambda w, b, x: (w, b), "callable as gradient(w, b, x, y)"),
        ],
    },
}
