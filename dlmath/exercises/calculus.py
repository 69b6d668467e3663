"""Checkers for the calculus lesson.

* ``check_central_difference(central_difference)``: ``central_difference(f, x, h)``
  returns the central-difference estimate ``(f(x + h) - f(x - h)) / (2 h)`` of
  ``f'(x)``; ``x`` may be a number or an array (then element-wise).
* ``check_gradient(gradient)``: ``gradient(w)`` returns the gradient of
  ``f(w) = w[0]**2 * w[1] + 3 * w[1]`` at the point ``w`` (an array of shape (2,)),
  as an array of shape (2,).
* ``check_chain_rule(dy_dw)``: ``dy_dw(x, w, b)`` returns the derivative with
  respect to ``w`` of one sigmoid neuron's output ``y = sigmoid(w * x + b)``.
* ``check_quadratic_gradient(grad_quadratic)``: ``grad_quadratic(A, w)`` returns the
  gradient ``1/2 (A + A^T) w`` of ``f(w) = 1/2 w^T A w`` for any square ``A``.
* ``check_softmax_ce_gradient(dce_dz)``: ``dce_dz(z, y)`` returns the gradient
  ``softmax(z) - y`` of the cross-entropy ``-sum(y * log(softmax(z)))`` with respect to
  the logits ``z``, stable for large logits.
* ``check_weight_gradient(weight_gradient)``: ``weight_gradient(X, G)`` returns
  ``dL/dW = X^T G`` for a layer ``Z = X W`` (row convention) with ``G = dL/dZ``.
"""

import numpy as np

from dlmath.course import calculus as reference, linear_algebra
from dlmath.course.training_criterion import softmax_cross_entropy_gradient
from dlmath.functions import sigmoid as _sigmoid, softmax as _softmax

from .checking import Case, function_exercise, rounded_normal

# --- central difference --------------------------------------------------------


def _cube(x):
    return x**3


def _bump(x):
    return np.exp(-x**2)


_CENTRAL_CASES = [
    Case("f = sin at x = 1, h = 0.1", np.sin, 1.0, 0.1),
    Case("f(x) = x**3 at x = 2, h = 0.5", _cube, 2.0, 0.5),
    Case("f(x) = exp(-x**2) at x = [-1, 0.5, 2], h = 0.01", _bump, np.array([-1.0, 0.5, 2.0]), 0.01),
    Case("f(x) = x**3 at x = 0 (a flat point), h = 0.25", _cube, 0.0, 0.25),
]

_FUNCTIONS = [("sin", np.sin), ("x**3", _cube), ("exp(-x**2)", _bump), ("exp", np.exp)]


def _random_central_case(rng):
    name, f = _FUNCTIONS[int(rng.integers(len(_FUNCTIONS)))]
    h = float(rng.choice([0.5, 0.1, 0.01]))
    x = float(np.round(rng.uniform(-2, 2), 2)) if rng.random() < 0.5 else np.round(
        rng.uniform(-2, 2, size=int(rng.integers(1, 6))), 2)
    return Case(f"f(x) = {name} at x = {x}, h = {h:g}", f, x, h)

_CENTRAL_MISTAKES = [
    (lambda f, x, h: (f(x + h) - f(x - h)) / h,
     "Twice the expected slope: the two points x - h and x + h are 2h apart, so divide by 2 * h."),
    (lambda f, x, h: (f(x + h) - f(x)) / h,
     "That is the forward difference (f(x + h) - f(x)) / h. The central difference uses the points "
     "on both sides: x - h and x + h."),
    (lambda f, x, h: (f(x) - f(x - h)) / h,
     "That is the backward difference. The central difference uses the points on both sides: "
     "x - h and x + h."),
    (lambda f, x, h: f(x + h) - f(x - h),
     "You computed the rise but not the slope: divide by the run, the distance 2 * h between the points."),
    (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
     "Sign error: subtract the left value from the right one, f(x + h) - f(x - h)."),
    (lambda f, x, h: f(x + h) - f(x - h) / (2 * h),
     "Brackets: only f(x - h) was divided. Write (f(x + h) - f(x - h)) / (2 * h)."),
    (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     "Brackets: '/ 2 * h' divides by 2 and then multiplies by h. Write / (2 * h)."),
]


check_central_difference = function_exercise(
    "central_difference(f, x, h)", reference.central_difference, _CENTRAL_CASES,
    title="central difference", mistakes=_CENTRAL_MISTAKES, rtol=1e-9, random_cases=_random_central_case,
    doc="""Check ``central_difference(f, x, h)``: the central-difference estimate of f'(x).""")


# --- gradient of a function of two variables ------------------------------------


def _gradient(w):
    w1, w2 = w
    return np.array([2 * w1 * w2, w1**2 + 3])


_GRADIENT_CASES = [
    Case("at w = (1, 3)", np.array([1.0, 3.0])),
    Case("at w = (-1.5, 0.5)", np.array([-1.5, 0.5])),
    Case("at w = (3, -2)", np.array([3.0, -2.0])),
    Case("at w = (0, 0)", np.array([0.0, 0.0])),
]


def _random_gradient_case(rng):
    w = np.round(rng.uniform(-3, 3, size=2), 2)
    return Case(f"at w = ({w[0]:g}, {w[1]:g})", w)

_GRADIENT_MISTAKES = [
    (lambda w: np.array([2 * w[0], w[0]**2 + 3]),
     "The first entry: when you differentiate w1**2 * w2 with respect to w1, w2 is held fixed, "
     "but it stays as a factor: d/dw1 (w1**2 * w2) = 2 * w1 * w2."),
    (lambda w: np.array([2 * w[0] * w[1], w[0]**2]),
     "The second entry misses the derivative of 3 * w2 with respect to w2, which is 3."),
    (lambda w: np.array([2 * w[0] * w[1], w[0]**2 + 3 * w[1]]),
     "The second entry: the derivative of 3 * w2 with respect to w2 is the constant 3, not 3 * w2."),
    (lambda w: np.array([w[0]**2 + 3, 2 * w[0] * w[1]]),
     "The entries are swapped: the first is the partial derivative with respect to w1 (w[0]), "
     "the second with respect to w2 (w[1])."),
    (lambda w: np.array([2 * w[0] * w[1] + 3, w[0]**2]),
     "The 3 belongs to the second entry: 3 * w2 does not change when only w1 moves."),
    (lambda w: np.array([2 * w[1], 2 * w[0]]),
     "Differentiate w1**2 * w2 one variable at a time, holding the other fixed: "
     "with respect to w1 it gives 2 * w1 * w2, with respect to w2 it gives w1**2."),
]


check_gradient = function_exercise(
    "gradient(w)", _gradient, _GRADIENT_CASES, title="gradient", mistakes=_GRADIENT_MISTAKES,
    random_cases=_random_gradient_case,
    doc="""Check ``gradient(w)``: the gradient of ``f(w) = w[0]**2 * w[1] + 3 * w[1]``, shape (2,).""")


# --- chain rule: one sigmoid neuron ---------------------------------------------


def _dy_dw(x, w, b):
    y = _sigmoid(w * x + b)
    return y * (1 - y) * x


_CHAIN_CASES = [
    Case("x = 2, w = 0.5, b = -0.5", 2.0, 0.5, -0.5),
    Case("x = -1.5, w = 2, b = 0.5", -1.5, 2.0, 0.5),
    Case("a batch: x = [0.5, -2, 3], w = -0.8, b = 0.3", np.array([0.5, -2.0, 3.0]), -0.8, 0.3),
    Case("x = 0: the derivative is 0", 0.0, 1.5, 2.0),
]


def _random_chain_case(rng):
    w, b = (float(v) for v in np.round(rng.normal(size=2), 2))
    x = float(np.round(rng.normal(scale=2), 2)) if rng.random() < 0.5 else np.round(
        rng.normal(scale=2, size=int(rng.integers(1, 6))), 2)
    return Case(f"x = {x}, w = {w:g}, b = {b:g}", x, w, b)

_CHAIN_MISTAKES = [
    (lambda x, w, b: _sigmoid(w * x + b) * (1 - _sigmoid(w * x + b)),
     "You stopped at the outer derivative sigmoid'(z). The chain rule multiplies it by the inner "
     "derivative dz/dw, and z = w * x + b gives dz/dw = x."),
    (lambda x, w, b: _sigmoid(w * x + b) * (1 - _sigmoid(w * x + b)) * w,
     "That is dy/dx: you multiplied by dz/dx = w. With respect to w, the inner derivative is dz/dw = x."),
    (lambda x, w, b: _sigmoid(w) * (1 - _sigmoid(w)) * x,
     "The outer derivative must be taken at the inner value z = w * x + b, not at w: "
     "use sigmoid(z) * (1 - sigmoid(z)) with z = w * x + b."),
    (lambda x, w, b: _sigmoid(w * x + b) * x,
     "The sigmoid's derivative is sigmoid(z) * (1 - sigmoid(z)), not sigmoid(z): "
     "the factor (1 - sigmoid(z)) is missing."),
    (lambda x, w, b: (1 - _sigmoid(w * x + b)) * x,
     "The sigmoid's derivative is sigmoid(z) * (1 - sigmoid(z)): the factor sigmoid(z) is missing."),
    (lambda x, w, b: _sigmoid(w * x + b) * (1 - _sigmoid(w * x + b)) * x + 1,
     "The bias b only shifts z; it adds nothing to dz/dw = x."),
]


check_chain_rule = function_exercise(
    "dy_dw(x, w, b)", _dy_dw, _CHAIN_CASES, title="chain rule", name="check_chain_rule",
    mistakes=_CHAIN_MISTAKES, random_cases=_random_chain_case,
    doc="""Check ``dy_dw(x, w, b)``: d/dw of the neuron output ``y = sigmoid(w * x + b)``.""")


# --- gradient of a quadratic form: 1/2 w^T A w ------------------------------------


def _grad_half_quadratic(A, w):
    return 0.5 * (A + A.T) @ w


_QUADRATIC_CASES = [
    Case("a symmetric A = [[2, 1], [1, 3]], w = (1, -1)", np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, -1.0])),
    Case("A = identity (then f = ||w||^2 / 2), w = (0.5, -2, 1)", np.eye(3), np.array([0.5, -2.0, 1.0])),
    Case("a non-symmetric A = [[1, 4], [0, 2]], w = (1, 1)", np.array([[1.0, 4.0], [0.0, 2.0]]), np.array([1.0, 1.0])),
    Case("a non-symmetric A = [[0, 2, 0], [0, 0, 0], [1, 0, 3]], w = (1, 2, -1)",
         np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 3.0]]), np.array([1.0, 2.0, -1.0])),
]


def _random_quadratic_case(rng):
    n = int(rng.integers(2, 6))
    A = np.round(rng.normal(size=(n, n)), 2)
    kind = "a non-symmetric"
    if rng.random() < 0.3:
        A, kind = np.round(A + A.T, 2), "a symmetric"
    w = np.round(rng.normal(size=n), 2)
    return Case(f"{kind} {n} x {n} A, w of shape ({n},)", A, w)


_QUADRATIC_MISTAKES = [
    (lambda A, w: A @ w,
     "A @ w is the gradient only when A is symmetric. In f = 1/2 sum_ij A_ij w_i w_j the entry w_k "
     "appears as w_i (giving (A w)_k) and as w_j (giving (A^T w)_k): the gradient is 1/2 (A + A^T) w. "
     "A transpose is missing."),
    (lambda A, w: A.T @ w,
     "A.T @ w (or w @ A) is only half of the story: w_k appears both as w_i and as w_j in "
     "sum_ij A_ij w_i w_j, giving (A w)_k and (A^T w)_k. Average the two: 1/2 (A + A^T) w."),
    (lambda A, w: (A + A.T) @ w,
     "Factor 2: (A + A^T) w is the gradient of w^T A w. This f has a factor 1/2 in front, so its "
     "gradient is 1/2 (A + A^T) w."),
    (lambda A, w: 0.5 * A @ w,
     "The 1/2 is cancelled by differentiating the square: w_k appears twice in sum_ij A_ij w_i w_j "
     "(as w_i and as w_j). The gradient is 1/2 (A w + A^T w)."),
    (lambda A, w: -0.5 * (A + A.T) @ w,
     "Sign error: your result is the negative of the gradient. The gradient points uphill; "
     "gradient descent adds the minus sign later."),
    (lambda A, w: 0.5 * (A + A.T),
     "You returned the Hessian (A + A^T)/2, not the gradient: multiply it by w."),
]


check_quadratic_gradient = function_exercise(
    "grad_quadratic(A, w)", _grad_half_quadratic, _QUADRATIC_CASES, title="quadratic gradient",
    name="check_quadratic_gradient", mistakes=_QUADRATIC_MISTAKES, random_cases=_random_quadratic_case,
    forbid_mutation=True,
    doc="""Check ``grad_quadratic(A, w)``: the gradient of ``f(w) = 1/2 w^T A w`` for a square ``A``,
    which is ``1/2 (A + A^T) w`` (``A w`` only when ``A`` is symmetric).""")


# --- softmax with cross-entropy: d loss / d logits -------------------------------------


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum()


_SOFTMAX_CE_CASES = [
    Case("z = (2, -1, 0.5), true class 0", np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 0.0])),
    Case("z = (0, 0, 0, 0): all classes equally likely, true class 3", np.zeros(4), np.array([0.0, 0.0, 0.0, 1.0])),
    Case("two classes, z = (1.5, -0.5), true class 1", np.array([1.5, -0.5]), np.array([0.0, 1.0])),
    Case("a soft label y = (0.1, 0.8, 0.1) (label smoothing), z = (1, 2, 3)",
         np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.8, 0.1])),
    Case("large logits z = (1000, 0, -1000) (exp(1000) overflows), true class 1",
         np.array([1000.0, 0.0, -1000.0]), np.array([0.0, 1.0, 0.0])),
]


def _random_softmax_ce_case(rng):
    k = int(rng.integers(2, 7))
    z = np.round(rng.normal(scale=2, size=k), 2)
    true_class = int(rng.integers(k))
    y = np.eye(k)[true_class]
    return Case(f"{k} classes, z = {z.tolist()}, true class {true_class}", z, y)


_SOFTMAX_CE_MISTAKES = [
    (lambda z, y: y - _softmax(z),
     "Sign error: the gradient is p - y (prediction minus label), not y - p. It is positive for "
     "the classes that got too much probability."),
    (lambda z, y: _softmax(z),
     "You returned p = softmax(z). The loss also depends on the label: the gradient is p - y."),
    (lambda z, y: -y / _softmax(z),
     "That is the gradient with respect to the probabilities p, -y / p. Take it back through the "
     "softmax with the chain rule: J^T (-y / p) with J = diag(p) - p p^T gives p - y."),
    (lambda z, y: _softmax(z) * (1 - _softmax(z)) - y,
     "p * (1 - p) is only the diagonal of the softmax Jacobian diag(p) - p p^T: each logit moves "
     "every probability. Multiplying the full Jacobian by -y / p gives p - y."),
    (lambda z, y: _softmax(z) - 1,
     "Subtract the label y, not 1 in every entry: only the true class's probability should move "
     "up. The gradient is p - y."),
    (lambda z, y: _naive_softmax(z) - y,
     "Your softmax overflows for large logits: exp(1000) is inf, and inf / inf is NaN. Subtract "
     "the largest logit before exp, e = np.exp(z - z.max()): the softmax does not change, because "
     "adding the same number to every logit changes nothing."),
]


check_softmax_ce_gradient = function_exercise(
    "dce_dz(z, y)", softmax_cross_entropy_gradient, _SOFTMAX_CE_CASES, title="softmax ce gradient",
    name="check_softmax_ce_gradient", mistakes=_SOFTMAX_CE_MISTAKES, random_cases=_random_softmax_ce_case,
    forbid_mutation=True,
    doc="""Check ``dce_dz(z, y)``: the gradient of ``-sum(y * log(softmax(z)))`` with respect to the
    logits ``z`` (shape (K,)), for a label ``y`` that sums to 1: ``softmax(z) - y``, computed
    with the stable softmax ``exp(z - max(z))``.""")


# --- the weight gradient of a layer: dL/dW = X^T G ------------------------------------


_WEIGHT_CASES = [
    Case("one example: X of shape (1, 2), G of shape (1, 3)", np.array([[1.0, -2.0]]), np.array([[0.5, 1.0, -1.0]])),
    Case("X of shape (3, 2), G of shape (3, 2)",
         np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 3.0]]), np.array([[1.0, -1.0], [0.0, 2.0], [-0.5, 0.5]])),
    Case("X of shape (4, 3), G of shape (4, 2)", np.arange(12.0).reshape(4, 3) / 4 - 1,
         np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 2.0], [0.5, 0.5]])),
]


def _random_weight_case(rng):
    n, d, h = (int(v) for v in rng.integers(1, 6, size=3))
    X, G = rounded_normal(rng, (n, d), (n, h))
    return Case(f"X of shape ({n}, {d}), G of shape ({n}, {h})", X, G)


_WEIGHT_MISTAKES = [
    (lambda X, G: G.T @ X,
     "You computed G^T X, the transpose of the answer: it has shape (h, d), but dL/dW must have the "
     "shape of W, (d, h). Put X first and transpose it: X^T G."),
    (lambda X, G: X.T @ G / X.shape[0],
     "No division by N here: G = dL/dZ already contains whatever 1/N the loss has. The chain rule "
     "only sums over the examples: dL/dW = X^T G."),
    (lambda X, G: -X.T @ G,
     "Sign error: the chain rule introduces no minus sign here, dL/dW = X^T G."),
    (lambda X, G: X.sum(axis=0)[:, None] * G.sum(axis=0)[None, :],
     "Each example's row of X pairs with its own row of G: dL/dW[i, j] = sum_n X[n, i] G[n, j], "
     "which is X^T G. Summing X and G over the batch separately multiplies examples with each other."),
]


check_weight_gradient = function_exercise(
    "weight_gradient(X, G)", linear_algebra.weight_gradient, _WEIGHT_CASES, title="weight gradient",
    mistakes=_WEIGHT_MISTAKES, random_cases=_random_weight_case, forbid_mutation=True,
    doc="""Check ``weight_gradient(X, G)``: for a layer ``Z = X @ W`` in the row convention (``X`` is
    N x d, ``W`` is d x h) and ``G = dL/dZ`` (N x h), the gradient ``dL/dW = X^T G`` (d x h).""")
