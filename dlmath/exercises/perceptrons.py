"""Checkers for the perceptrons lesson.

* ``check_predict(predict)``: ``predict(X, w, b)`` returns the class (0 or 1)
  of every row of ``X``: 1 where ``X @ w + b > 0``, else 0.
* ``check_signed_distance(signed_distance)``: ``signed_distance(X, w, b)``
  returns ``(X @ w + b) / ||w||`` for every row of ``X``.
* ``check_perceptron_update(update)``: ``update(w, b, x, y)`` applies the
  perceptron rule for one point ``x`` with label ``y`` (0 or 1) and returns
  the new ``(w, b)``.
* ``check_perceptron_loss_gradient(gradient)``: ``gradient(w, b, x, y)``
  returns the perceptron's subgradient ``(grad_w, grad_b)`` of the loss
  ``max(0, -t (x @ w + b))``, t = 2y - 1: ``(-t x, -t)`` on a mistake, zeros
  otherwise.
"""

import numpy as np

from dlmath.course.perceptrons import perceptron_loss_gradient as _loss_gradient
from dlmath.course.perceptrons import perceptron_update as _update, predict as _predict

from .checking import Case, function_exercise, pair_packer


def _cases_X(seed, n, d=2):
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(scale=2.0, size=(n, d)), 2)


# --- class prediction ----------------------------------------------------------


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


check_predict = function_exercise(
    "predict(X, w, b)", _predict, _PREDICT_CASES, title="predict", mistakes=_PREDICT_MISTAKES,
    random_cases=_random_points_case, exact=True,
    doc="""Check ``predict(X, w, b)``: class 1 where ``X @ w + b > 0``, else 0.

    ``X`` has shape (n, d) (one point per row), ``w`` shape (d,), ``b`` is a
    number; the result has shape (n,).
    """)


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


check_signed_distance = function_exercise(
    "signed_distance(X, w, b)", _signed_distance, _DISTANCE_CASES, title="signed distance",
    mistakes=_DISTANCE_MISTAKES, random_cases=_random_distance_case,
    doc="""Check ``signed_distance(X, w, b)``: ``(X @ w + b) / ||w||`` for every row of ``X``.

    Positive on the side ``w`` points to, negative on the other side.
    """)


# --- the perceptron rule ------------------------------------------------------------


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


# (w, b) -> [w..., b]
_pack = pair_packer(
    "return w_new, b_new",
    "the new w should have the shape (d,) of the w it received, and the new b should be a single number.",
    "Keep w a 1-D array: avoid x[:, None] or reshape; b + error is a number.",
    "(w, b): the new weight vector and the new bias.")


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


check_perceptron_update = function_exercise(
    "update(w, b, x, y)", _update, _UPDATE_CASES, title="perceptron update", name="check_perceptron_update",
    pack=_pack, part_names=("the new w", "the new b"), mistakes=_UPDATE_MISTAKES,
    random_cases=_random_update_case, shown_as=" (The new w and b are shown together as [w_1, ..., w_d, b].)",
    doc="""Check ``update(w, b, x, y)``: one step of the perceptron rule, returning ``(w, b)``.

    ``w`` has shape (d,), ``b`` is a number, ``x`` is one point of shape (d,),
    ``y`` its label, 0 (red) or 1 (blue). Predict 1 when ``x @ w + b > 0``;
    after a mistake, move the line towards the right answer.
    """)


# --- the perceptron loss's gradient -----------------------------------------------------


# (grad_w, grad_b) -> [grad_w..., grad_b]
_pack_gradient = pair_packer(
    "return grad_w, grad_b",
    "the gradient with respect to w has the shape (d,) of w, and the one with respect to b is a single number.",
    "Keep grad_w a 1-D array shaped like x: avoid x[:, None] or reshape.",
    "(grad_w, grad_b): the gradient of the loss with respect to w and with respect to b.")


def _score(w, b, x):
    return float(x @ w + b)


# the update's cases, named for a gradient: where the rule changes nothing, the gradient is zero
_LOSS_GRADIENT_CASES = [Case(case.label.replace("no change", "zero gradient"), *case.args) for case in _UPDATE_CASES]


_LOSS_GRADIENT_MISTAKES = [
    (lambda w, b, x, y: ((y - (_score(w, b, x) > 0)) * x, float(y - (_score(w, b, x) > 0))),
     "Sign error: you returned t x, the direction the perceptron moves the line. The gradient "
     "points uphill, the other way: -t x and -t on a mistake (the SGD step then subtracts it)."),
    (lambda w, b, x, y: ((-_t(y) * x, float(-_t(y))) if _t(y) * _score(w, b, x) <= 0 else (0 * x, 0.0)),
     "At a score of exactly 0 the loss has a kink, and the exercise asks for the perceptron's "
     "choice there: a score 0 counts as red, so a red point on the line is correct (zero gradient) "
     "and a blue point on the line is a mistake. Test the mistake with the prediction: "
     "int(x @ w + b > 0) != y."),
    (lambda w, b, x, y: ((-_t(y) * x, float(-_t(y))) if _t(y) * _score(w, b, x) < 0 else (0 * x, 0.0)),
     "A blue point with score exactly 0 is predicted red (a score 0 counts as class 0): it is a "
     "mistake, with gradient (-x, -1). Test the mistake with the prediction: int(x @ w + b > 0) != y."),
    (lambda w, b, x, y: (-_t(y) * x, float(-_t(y))),
     "A correctly classified point has loss max(0, -t z) = 0, and the loss stays 0 nearby, so its "
     "gradient is zero: return zeros unless the point is misclassified."),
    (lambda w, b, x, y: ((-y * x, float(-y)) if (_score(w, b, x) > 0) != y else (0 * x, 0.0)),
     "Use the labels t = 2y - 1 (+1 for blue, -1 for red), not y itself: with y = 0 your gradient "
     "vanishes on every red mistake."),
    (lambda w, b, x, y: ((-_t(y) * x, 0.0) if (_score(w, b, x) > 0) != y else (0 * x, 0.0)),
     "The bias's gradient is missing: z = w . x + b has dz/db = 1, so on a mistake dl/db = -t."),
    (lambda w, b, x, y: ((-_t(y) * x, float(-_t(y))) if (float(x @ w) > 0) != y else (0 * x, 0.0)),
     "The test for a mistake ignores the bias: the score is x @ w + b."),
    (lambda w, b, x, y: ((x * _score(w, b, x), _score(w, b, x)) if (_score(w, b, x) > 0) != y
                         else (0 * x, 0.0)),
     "Your gradient is scaled by the score z: that is the gradient of max(0, -t z)^2 / 2. The loss "
     "max(0, -t z) grows with slope -t in z, so dl/dw = -t x on a mistake."),
]


check_perceptron_loss_gradient = function_exercise(
    "gradient(w, b, x, y)", _loss_gradient, _LOSS_GRADIENT_CASES, title="perceptron loss gradient",
    name="check_perceptron_loss_gradient", pack=_pack_gradient, part_names=("grad_w", "grad_b"),
    mistakes=_LOSS_GRADIENT_MISTAKES, random_cases=_random_update_case,
    shown_as=" (The two gradients are shown together as [dl/dw_1, ..., dl/dw_d, dl/db].)",
    doc="""Check ``gradient(w, b, x, y)``: the perceptron's subgradient of max(0, -t (w . x + b)), t = 2y - 1.

    Returns ``(grad_w, grad_b)``: ``(-t x, -t)`` when the point is misclassified
    (prediction 1 where ``x @ w + b > 0``, so a score 0 counts as class 0), else zeros.
    """)
