"""Checkers for the perceptrons lesson.

* ``check_predict(predict)``: ``predict(X, w, b)`` returns the class (0 or 1)
  of every row of ``X``: 1 where ``X @ w + b > 0``, else 0.
* ``check_signed_distance(signed_distance)``: ``signed_distance(X, w, b)``
  returns ``(X @ w + b) / ||w||`` for every row of ``X``.
* ``check_perceptron_update(update)``: ``update(w, b, x, y)`` applies the
  perceptron rule for one point ``x`` with label ``y`` (0 or 1) and returns
  the new ``(w, b)``.
"""

import numpy as np

from .checking import Case, Problem, checker, grade_function
from .feedback import format_value


def _cases_X(seed, n, d=2):
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(scale=2.0, size=(n, d)), 2)


# --- class prediction ----------------------------------------------------------


def _predict(X, w, b):
    return (X @ w + b > 0).astype(int)


_PREDICT_CASES = [
    # n != d everywhere, so a transposed product fails loudly instead of passing by luck
    Case("5 points in the plane, w = (1, 2), b = 0.5", _cases_X(0, 5), np.array([1.0, 2.0]), 0.5),
    Case("6 points, w = (-1, 0.5), b = 3 (the bias decides several points)",
         _cases_X(1, 6), np.array([-1.0, 0.5]), 3.0),
    Case("4 points with 3 features, b = -1", _cases_X(2, 4, 3), np.array([0.5, -1.0, 2.0]), -1.0),
    Case("points exactly on the line (score 0 is class 0), w = (1, 2), b = 0.5",
         np.array([[0.5, -0.5], [-0.5, 0.0], [1.0, 1.0], [-2.5, 1.0], [0.0, 0.0]]), np.array([1.0, 2.0]), 0.5),
    Case("a single point with a single feature, w = (2,), b = -1", np.array([[0.5]]), np.array([2.0]), -1.0),
]


def _random_points_case(rng):
    """Small whole-number points and weights, so that some points fall exactly on the line."""
    n, d = int(rng.integers(1, 9)), int(rng.integers(1, 4))
    X = rng.integers(-3, 4, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    w[rng.integers(d)] = rng.choice([-1.0, 1.0, 2.0])  # never the zero vector
    b = float(rng.integers(-3, 4))
    return Case(f"{n} points with {d} features, whole-number coordinates", X, w, b)

_PREDICT_MISTAKES = [
    (lambda X, w, b: (X @ w > 0).astype(int),
     "The bias is missing: the score of a point is X @ w + b, not X @ w alone."),
    (lambda X, w, b: (X @ w + b < 0).astype(int),
     "The classes are swapped: class 1 is the side the weight vector points to, where X @ w + b > 0."),
    (lambda X, w, b: np.sign(X @ w + b),
     "np.sign gives -1 and +1; the classes here are 0 and 1 (use X @ w + b > 0)."),
    (lambda X, w, b: X @ w + b,
     "You returned the scores; turn them into classes: 1 where the score is positive, 0 elsewhere."),
    (lambda X, w, b: 1 / (1 + np.exp(-(X @ w + b))),
     "You returned probabilities; the prediction is the class, 1 where the probability exceeds 0.5."),
    (lambda X, w, b: np.round(1 / (1 + np.exp(-(X @ w - b)))),
     "The bias has the wrong sign: the score is X @ w + b."),
    (lambda X, w, b: (X @ w - b > 0).astype(int),
     "The bias has the wrong sign: the score is X @ w + b."),
    (lambda X, w, b: (X @ w + b >= 0).astype(int),
     "A point exactly on the line (score 0) is class 0: predict 1 only where X @ w + b > 0, not >= 0."),
]


@checker
def check_predict(predict=...):
    """Check ``predict(X, w, b)``: class 1 where ``X @ w + b > 0``, else 0.

    ``X`` has shape (n, d) (one point per row), ``w`` shape (d,), ``b`` is a
    number; the result has shape (n,).
    """
    return grade_function(predict, _predict, _PREDICT_CASES, title="predict",
                          signature="predict(X, w, b)", mistakes=_PREDICT_MISTAKES,
                          random_cases=_random_points_case, exact=True)


# --- signed distance to the line -------------------------------------------------


def _signed_distance(X, w, b):
    return (X @ w + b) / np.linalg.norm(w)


_DISTANCE_CASES = [
    Case("3 points, w = (3, 4), b = -5", np.array([[0.0, 0.0], [3.0, 4.0], [1.0, -2.0]]),
         np.array([3.0, 4.0]), -5.0),
    Case("5 points, w = (1, -2), b = 0.5", _cases_X(3, 5), np.array([1.0, -2.0]), 0.5),
    Case("4 points with 3 features, w = (2, 0, -1), b = 1", _cases_X(4, 4, 3),
         np.array([2.0, 0.0, -1.0]), 1.0),
    Case("a point on the line and one at the origin, w = (0, 2), b = -2",
         np.array([[5.0, 1.0], [0.0, 0.0]]), np.array([0.0, 2.0]), -2.0),
]


def _random_distance_case(rng):
    case = _random_points_case(rng)
    X, w, b = case.args
    return Case(case.label, X + np.round(rng.normal(scale=0.5, size=X.shape), 2), w, b)

_DISTANCE_MISTAKES = [
    (lambda X, w, b: X @ w + b,
     "That is the score w . x + b; divide it by the length of w, np.linalg.norm(w), to get a distance."),
    (lambda X, w, b: (X @ w + b) / (w @ w),
     "You divided by the squared length w . w; divide by the length itself, np.linalg.norm(w)."),
    (lambda X, w, b: np.abs(X @ w + b) / np.linalg.norm(w),
     "The distance should keep its sign: positive on the side w points to, negative on the other."),
    (lambda X, w, b: X @ w / np.linalg.norm(w),
     "The bias is missing: the line is w . x + b = 0, so use X @ w + b."),
    (lambda X, w, b: (X @ w + b) / np.sum(np.abs(w)),
     "Divide by the Euclidean length sqrt(w1^2 + w2^2 + ...), not by the sum of absolute values."),
    (lambda X, w, b: (X @ w + b) / np.linalg.norm(X, axis=1),
     "Divide by the length of w (the line's normal), not by the length of each point."),
]


@checker
def check_signed_distance(signed_distance=...):
    """Check ``signed_distance(X, w, b)``: ``(X @ w + b) / ||w||`` for every row of ``X``.

    Positive on the side ``w`` points to, negative on the other side.
    """
    return grade_function(signed_distance, _signed_distance, _DISTANCE_CASES, title="signed distance",
                          signature="signed_distance(X, w, b)", mistakes=_DISTANCE_MISTAKES,
                          random_cases=_random_distance_case)


# --- the perceptron rule ------------------------------------------------------------


def _update(w, b, x, y):
    predicted = 1 if x @ w + b > 0 else 0
    return w + (y - predicted) * x, b + (y - predicted)


_UPDATE_CASES = [
    Case("a blue point (y = 1) on the red side", np.array([1.0, -1.0]), 0.5, np.array([-1.0, 2.0]), 1),
    Case("a red point (y = 0) on the blue side", np.array([1.0, 2.0]), 0.0, np.array([2.0, 1.0]), 0),
    Case("a blue point already on the blue side", np.array([0.5, 0.5]), -1.0, np.array([2.0, 3.0]), 1),
    Case("a red point already on the red side", np.array([2.0, -1.0]), 1.0, np.array([-2.0, 0.5]), 0),
    Case("a blue point that the bias puts on the red side", np.array([0.5, 0.5]), -3.0,
         np.array([2.0, 3.0]), 1),
    Case("a blue point exactly on the line (score 0 counts as red)", np.array([1.0, 1.0]), -3.0,
         np.array([1.0, 2.0]), 1),
    Case("3 features, a red point on the blue side", np.array([0.5, -1.0, 2.0]), 1.0,
         np.array([1.0, 0.0, 1.0]), 0),
    Case("a red point exactly on the line (score 0 already says red: no change)",
         np.array([1.0, 1.0]), -3.0, np.array([2.0, 1.0]), 0),
    Case("one feature, a blue point at x = 0 with b = 0 (score 0 counts as red)",
         np.array([1.5]), 0.0, np.array([0.0]), 1),
]


def _random_update_case(rng):
    case = _random_points_case(rng)
    X, w, b = case.args
    x = X[0]
    y = int(rng.integers(0, 2))
    return Case(f"w = {tuple(float(v) for v in w)}, b = {b:g}, x = {tuple(float(v) for v in x)}, y = {y}",
                w, b, x, y)


def _pack(result):
    """(w, b) -> one array [w..., b], so the framework can compare it; a Problem if it is no such pair."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        w, b = result
        try:
            w = np.asarray(w, dtype=float)
            b = np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return Problem("the two parts of your result are not numbers.",
                           "End with `return w_new, b_new`.")
        if w.ndim == 1 and b.size == 1:
            return np.concatenate([w, b.reshape(1)])
        return Problem(f"your function returned a pair with shapes {w.shape}, {b.shape}; the new w "
                       "should have the shape (d,) of the w it received, and the new b should be a "
                       "single number.",
                       "Keep w a 1-D array: avoid x[:, None] or reshape; b + error is a number.")
    return Problem(f"your function returned {format_value(result)}; it should return the pair (w, b): "
                   "the new weight vector and the new bias.", "End with `return w_new, b_new`.")


def _t(y):
    return 2 * y - 1


_UPDATE_MISTAKES = [
    (lambda w, b, x, y: ((w + _t(y) * x, b + _t(y)) if _t(y) * (x @ w + b) <= 0 else (w, b)),
     "With labels t = +1/-1, the rule 'update when t * score <= 0' also moves the line for a red "
     "point exactly on it, which is already classified red (score 0 counts as class 0). Use the "
     "0/1 rule: error = y - prediction."),
    (lambda w, b, x, y: (w + _t(y) * x, b + _t(y)),
     "You update even when the point is already on the right side; the perceptron only "
     "changes the line after a mistake."),
    (lambda w, b, x, y: (w - (y - (x @ w + b > 0)) * x, b - (y - (x @ w + b > 0))),
     "The line moves the wrong way: after a mistake on a blue point (y = 1), add x to w; on a "
     "red point, subtract it."),
    (lambda w, b, x, y: (w + (y - (x @ w + b > 0)) * x, b),
     "The bias is not updated: it changes by the same error (y - prediction) as w, as if it "
     "were a weight on a constant input 1."),
    (lambda w, b, x, y: (w + y * x, b + y),
     "You added y * x; the step is (y - prediction) * x, which is 0 when the prediction is right "
     "and -x after a mistake on a red point."),
    (lambda w, b, x, y: (w + (y - (x @ w + b >= 0)) * x, b + (y - (x @ w + b >= 0))),
     "A score of exactly 0 counts as class 0 (red): predict 1 only when x @ w + b > 0."),
    (lambda w, b, x, y: (w + (y - (x @ w > 0)) * x, b + (y - (x @ w > 0))),
     "The prediction ignores the bias: use x @ w + b > 0."),
]


@checker
def check_perceptron_update(update=...):
    """Check ``update(w, b, x, y)``: one step of the perceptron rule, returning ``(w, b)``.

    ``w`` has shape (d,), ``b`` is a number, ``x`` is one point of shape (d,),
    ``y`` its label, 0 (red) or 1 (blue). Predict 1 when ``x @ w + b > 0``;
    after a mistake, move the line towards the right answer.
    """
    feedback = grade_function(update, lambda *args: _pack(_update(*args)), _UPDATE_CASES,
                              title="perceptron update", signature="update(w, b, x, y)",
                              mistakes=_UPDATE_MISTAKES, random_cases=_random_update_case,
                              unpack=_pack, part_names=("the new w", "the new b"))
    if feedback.details:
        feedback.message += " (The new w and b are shown together as [w_1, ..., w_d, b].)"
    return feedback
