"""Checkers for the gradient-descent lesson.

* ``check_gradient_step(step)``: ``step(w, grad, learning_rate)`` returns the
  weights after one step of gradient descent.
* ``check_mse_gradient(mse_gradient)``: ``mse_gradient(X, y, w, b)`` returns the
  gradient with respect to ``w`` of the mean squared error
  ``L(w, b) = sum((X @ w + b - y) ** 2) / (2 * n)`` for ``n`` examples.
* ``check_largest_stable_learning_rate(value)``: for the loss
  ``f(w) = w @ A @ w / 2`` with ``A = [[3, 1], [1, 3]]``, the learning rate
  above which gradient descent diverges.
* ``check_momentum_step(momentum_step)``: ``momentum_step(w, v, grad,
  learning_rate, momentum)`` returns ``(w, v)`` after one step of gradient
  descent with momentum, the rule of ``dm.train.MomentumOptimizer``.
* ``check_adam_step(adam_step)``: ``adam_step(w, grad, m, s, t, learning_rate,
  beta1, beta2, epsilon)`` returns ``(w, m, s)`` after step number ``t`` (1 for
  the first) of Adam with bias correction, the rule of ``dm.train.AdamOptimizer``.
* ``check_nesterov_step(nesterov_step)``: ``nesterov_step(w, v, gradient,
  learning_rate, momentum)`` returns ``(w, v)`` after one step of Nesterov
  momentum; ``gradient`` is a function of the weights.
"""

import numpy as np

from dlmath.course.gradient_descent import adam_step as _adam_step, nesterov_step as _nesterov_step
from dlmath.course.gradient_descent import gradient_step as _step, momentum_step as _momentum_step

from .checking import Case, Problem, checker, function_exercise, grade_value, numeric_parts, rounded_normal


def _random_shape(rng, max_dims=2):
    """A vector or a matrix, from a single entry up to 6 x 6."""
    return tuple(int(k) for k in rng.integers(1, 7, size=rng.integers(1, max_dims + 1)))


def _array(rng, shape, scale=1.0):
    return np.round(scale * rng.normal(size=shape), 2)

# --- one gradient step -------------------------------------------------------


_STEP_CASES = [
    Case("a 2-vector, learning rate 0.1", np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1),
    Case("a 2x2 weight matrix, learning rate 0.01",
         np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0, -20.0], [30.0, 5.0]]), 0.01),
    Case("a 3x2 weight matrix, learning rate 0.5",
         np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]]),
         np.array([[2.0, 1.0], [-1.0, 4.0], [0.0, 0.5]]), 0.5),
    Case("a single weight, a zero gradient", np.array([0.7]), np.array([0.0]), 0.3),
]


def _random_step_case(rng):
    shape = _random_shape(rng)
    lr = float(rng.choice([0.001, 0.01, 0.1, 0.5, 1.0]))
    return Case(f"w of shape {shape}, learning rate {lr:g}", _array(rng, shape), _array(rng, shape), lr)

_STEP_MISTAKES = [
    (lambda w, g, lr: w + lr * g,
     "You moved uphill: the gradient points to where the loss grows, so subtract it."),
    (lambda w, g, lr: w - g,
     "The learning rate is missing: scale the gradient by learning_rate before subtracting."),
    (lambda w, g, lr: -lr * g,
     "You returned the change, not the new weights: add the change to w."),
    (lambda w, g, lr: w - lr * g.T,
     "The gradient has the shape of w; no transpose is needed."),
    (lambda w, g, lr: g - lr * w,
     "The roles of w and grad are swapped."),
]


check_gradient_step = function_exercise(
    "step(w, grad, learning_rate)", _step, _STEP_CASES, title="gradient step", name="check_gradient_step",
    mistakes=_STEP_MISTAKES, random_cases=_random_step_case, forbid_mutation=True,
    doc="""Check ``step(w, grad, learning_rate)``: one step of gradient descent, leaving ``w`` unchanged.""")


# --- gradient of the mean squared error ---------------------------------------


def _mse_gradient(X, y, w, b):
    n = X.shape[0]
    return X.T @ (X @ w + b - y) / n


def _regression_case(label, n, d, seed, b):
    rng = np.random.default_rng(seed)
    X, y, w = rounded_normal(rng, (n, d), n, d)
    return Case(label, X, y, w, b, batch_size=n)


_MSE_CASES = [
    _regression_case("4 examples, 2 features, bias 0.5", 4, 2, 0, 0.5),
    _regression_case("5 examples, 3 features, bias -1", 5, 3, 1, -1.0),
    _regression_case("1 example, 3 features, bias 2", 1, 3, 2, 2.0),
    _regression_case("6 examples, 1 feature, bias 0", 6, 1, 3, 0.0),
]


def _random_regression_case(rng):
    n, d = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    b = float(np.round(rng.normal(), 2))
    return Case(f"{n} examples, {d} features, bias {b:g}", _array(rng, (n, d)), _array(rng, n),
                _array(rng, d), b, batch_size=n)

_MSE_MISTAKES = [
    (lambda X, y, w, b: X.T @ (X @ w - y) / X.shape[0],
     "The bias is missing from the prediction: use X @ w + b."),
    (lambda X, y, w, b: X.T @ (X @ w + b - y) * 2 / X.shape[0],
     "A factor of 2 too much: the 1/2 in the loss cancels the 2 from differentiating the square."),
    (lambda X, y, w, b: np.sum(X * (X @ w + b - y)[:, None], axis=1) / X.shape[0],
     "You summed over the features (axis=1); the gradient sums over the examples (axis=0)."),
]


check_mse_gradient = function_exercise(
    "mse_gradient(X, y, w, b)", _mse_gradient, _MSE_CASES, title="MSE gradient", mistakes=_MSE_MISTAKES,
    random_cases=_random_regression_case,
    doc="""Check ``mse_gradient(X, y, w, b)``: the gradient of the mean squared error with respect to w.

    ``X`` has shape (n, d), ``y`` shape (n,), ``w`` shape (d,), ``b`` is a number;
    the result has shape (d,).
    """)


# --- largest stable learning rate ---------------------------------------------

_A = np.array([[3.0, 1.0], [1.0, 3.0]])  # eigenvalues 2 and 4


@checker
def check_largest_stable_learning_rate(value=...):
    """Check the learning rate above which gradient descent on ``w @ A @ w / 2`` diverges.

    ``A = [[3, 1], [1, 3]]``. Give a number, to 3 significant digits (or more).
    """
    top = np.linalg.eigvalsh(_A).max()
    low = np.linalg.eigvalsh(_A).min()
    return grade_value(value, 2 / top, title="largest stable learning rate", mistakes=[
        (1 / top, "That learning rate converges fastest along the steepest direction; "
                  "the limit of stability is larger (when does |1 - lr * lambda| reach 1?)."),
        (2 / low, "You used the flattest direction; the steepest direction diverges first."),
        (1 / low, "Use the steepest direction (the largest eigenvalue), and find where |1 - lr * lambda| = 1."),
        (2 / 3, "3 is a diagonal entry of A, not a curvature: use the eigenvalues of A."),
        (2 / 6, "The curvatures are the eigenvalues of A, not the row sums or the trace."),
    ], digits=3)


# --- one step of gradient descent with momentum --------------------------------


_MOMENTUM_CASES = [
    Case("a 2-vector with a velocity from earlier steps",
         np.array([1.0, -2.0]), np.array([0.5, 0.25]), np.array([2.0, -1.0]), 0.1, 0.9),
    Case("a 2x2 weight matrix, momentum 0.5",
         np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, -1.0], [0.0, 2.0]]),
         np.array([[0.5, 0.5], [-1.0, 3.0]]), 0.01, 0.5),
    Case("the first step (velocity still 0), learning rate 0.2",
         np.array([0.5, 1.5, -1.0]), np.zeros(3), np.array([1.0, -2.0, 4.0]), 0.2, 0.9),
    Case("momentum 0 (plain gradient descent), one weight",
         np.array([2.0]), np.array([1.0]), np.array([-0.5]), 0.1, 0.0),
]


def _random_momentum_case(rng):
    shape = _random_shape(rng)
    lr, mu = float(rng.choice([0.01, 0.1, 0.5])), float(rng.choice([0.0, 0.5, 0.9, 0.99]))
    return Case(f"w of shape {shape}, learning rate {lr:g}, momentum {mu:g}",
                _array(rng, shape), _array(rng, shape), _array(rng, shape), lr, mu)

_MOMENTUM_MISTAKES = [
    (lambda w, v, g, lr, mu: (w - lr * v, mu * v + g),
     "You stepped with the old velocity: first update v <- momentum * v + grad, then step with the new v."),
    (lambda w, v, g, lr, mu: (w + mu * v - lr * g, mu * v - lr * g),
     "That is the other common convention, where the velocity already contains the learning rate. "
     "Here (as in dm.train.MomentumOptimizer) v <- momentum * v + grad and w <- w - learning_rate * v."),
    (lambda w, v, g, lr, mu: (w - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
     "That is a moving average of the gradients (like Adam's m); momentum adds the whole gradient: "
     "v <- momentum * v + grad."),
    (lambda w, v, g, lr, mu: (w - lr * (v + g), v + g),
     "The old velocity must decay: multiply it by momentum before adding the gradient."),
    (lambda w, v, g, lr, mu: (w - lr * g, mu * v + g),
     "Your weights take a plain gradient step: step along the new velocity, w - learning_rate * v."),
    (lambda w, v, g, lr, mu: (mu * v + g, w - lr * (mu * v + g)),
     "Right values, wrong order: return (new w, new v)."),
    (lambda w, v, g, lr, mu: (w + lr * (mu * v + g), mu * v + g),
     "You moved uphill: subtract learning_rate * v from w."),
    (lambda w, v, g, lr, mu: w - lr * (mu * v + g),
     "Return both the new weights and the new velocity, as a tuple (w, v)."),
]


def _pair(result):
    """The pair (w, v) as one array [w, v], so that it can be compared; a Problem otherwise."""
    parts = numeric_parts(result, 2, ("the two parts of your result are not arrays of numbers.",
                                      "Return the new weights and the new velocity: return w, v."),
                          "the pair (w, v).", "Return both the new weights and the new velocity, as a tuple (w, v).")
    if isinstance(parts, Problem):
        return parts
    w, v = parts
    if w.shape != v.shape:
        return Problem(f"the new w has shape {w.shape} but the new v has shape {v.shape}; both "
                       "should have the shape of w.", "Keep the shapes: v <- momentum * v + grad.")
    return np.stack([w, v])


check_momentum_step = function_exercise(
    "momentum_step(w, v, grad, learning_rate, momentum)", lambda *args: np.stack(_momentum_step(*args)),
    _MOMENTUM_CASES, title="momentum step", mistakes=_MOMENTUM_MISTAKES,
    random_cases=_random_momentum_case, unpack=_pair, part_names=("the new w", "the new v"),
    doc="""Check ``momentum_step(w, v, grad, learning_rate, momentum)``: one step of momentum.

    Returns ``(w, v)`` after ``v <- momentum * v + grad`` and ``w <- w - learning_rate * v``
    (the rule of ``dm.train.MomentumOptimizer``).
    """)


# --- one step of Adam, with bias correction ---------------------------------------


_ADAM_CASES = [
    Case("the first step (t = 1, m and s still 0), the defaults",
         np.array([1.0, -2.0, 0.5]), np.array([0.3, -4.0, 0.01]), np.zeros(3), np.zeros(3), 1,
         0.001, 0.9, 0.999, 1e-8),
    Case("step t = 3 of a 2-vector, learning rate 0.1",
         np.array([0.5, 1.5]), np.array([2.0, -1.0]), np.array([0.4, -0.1]), np.array([0.02, 0.003]), 3,
         0.1, 0.9, 0.999, 1e-8),
    Case("a 2x2 weight matrix at step t = 10, beta1 0.8, beta2 0.99",
         np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5, -0.5], [1.0, 0.0]]),
         np.array([[0.1, 0.0], [-0.2, 0.3]]), np.array([[0.01, 0.02], [0.5, 0.04]]), 10,
         0.01, 0.8, 0.99, 1e-8),
    Case("tiny gradients at step t = 2, epsilon 0.1 (where epsilon's place shows)",
         np.array([1.0, -1.0]), np.array([1e-3, -2e-3]), np.array([1e-4, 0.0]), np.array([1e-6, 4e-6]), 2,
         0.01, 0.9, 0.999, 0.1),
]


def _random_adam_case(rng):
    shape = _random_shape(rng)
    t = int(rng.choice([1, 2, 3, 5, 20, 100]))
    beta1, beta2 = float(rng.choice([0.5, 0.8, 0.9])), float(rng.choice([0.9, 0.99, 0.999]))
    lr, eps = float(rng.choice([0.001, 0.01, 0.1])), float(rng.choice([1e-8, 1e-3, 0.1]))
    m = np.zeros(shape) if t == 1 else _array(rng, shape, 0.5)
    s = np.zeros(shape) if t == 1 else np.round(rng.uniform(0.01, 1.0, size=shape), 2)
    return Case(f"w of shape {shape}, step t = {t}, learning rate {lr:g}, beta1 {beta1:g}, "
                f"beta2 {beta2:g}, epsilon {eps:g}",
                _array(rng, shape), _array(rng, shape), m, s, t, lr, beta1, beta2, eps)


def _adam_variant(*, correct=True, shift=0, eps_inside=False, beta_square=None, plain_square=False):
    """Adam with one of the usual slips, for the hints."""
    def step(w, g, m, s, t, lr, b1, b2, eps):
        m = b1 * m + (1 - b1) * g
        b = b1 if beta_square == "beta1" else b2
        s = b * s + (1 - b) * (g if plain_square else g * g)
        tt = t + shift
        m_hat = m / (1 - b1**tt) if correct else m
        s_hat = s / (1 - b2**tt) if correct else s
        root = np.sqrt(s_hat + eps) if eps_inside else np.sqrt(s_hat) + eps
        return w - lr * m_hat / root, m, s
    return step


_ADAM_MISTAKES = [
    (_adam_variant(correct=False),
     "The bias correction is missing: divide m by (1 - beta1**t) and s by (1 - beta2**t) before the "
     "step (but keep the uncorrected m and s as the new state)."),
    (_adam_variant(shift=1),
     "Your bias correction uses t + 1: t is already the number of this step (1 for the first), so "
     "use 1 - beta1**t and 1 - beta2**t as they are."),
    (_adam_variant(eps_inside=True),
     "epsilon belongs outside the square root: m_hat / (sqrt(s_hat) + epsilon)."),
    (_adam_variant(beta_square="beta1"),
     "The average of the squared gradients uses beta2, not beta1: s <- beta2 * s + (1 - beta2) * grad**2."),
    (lambda w, g, m, s, t, lr, b1, b2, eps: _adam_step(w, g, m, s, t, lr, b1, b1, eps),
     "The average of the squared gradients uses beta2, not beta1, both in s <- beta2 * s + "
     "(1 - beta2) * grad**2 and in its correction 1 - beta2**t."),
    (_adam_variant(plain_square=True),
     "s averages the squared gradient, grad * grad, entry by entry."),
    (lambda w, g, m, s, t, lr, b1, b2, eps: (
        w - lr * (m * b1 + (1 - b1) * g) / (1 - b1**t) / (np.sqrt((s * b2 + (1 - b2) * g * g) / (1 - b2**t)) + eps),
        (m * b1 + (1 - b1) * g) / (1 - b1**t), (s * b2 + (1 - b2) * g * g) / (1 - b2**t)),
     "You returned the bias-corrected m_hat and s_hat as the new state: keep the raw running "
     "averages m and s, and use the corrected ones only for the step."),
    (lambda w, g, m, s, t, lr, b1, b2, eps: _adam_step(w, g, m, s, t, -lr, b1, b2, eps),
     "You moved uphill: subtract the step from w."),
]


def _triple(result):
    """The triple (w, m, s) as one array [w, m, s], so that it can be compared; a Problem otherwise."""
    parts = numeric_parts(result, 3, ("the three parts of your result are not arrays of numbers.",
                                      "Return the new weights and the two new running averages: return w, m, s."),
                          "the triple (w, m, s).",
                          "Return the new weights and the two new running averages, as a tuple (w, m, s).")
    if isinstance(parts, Problem):
        return parts
    if len({part.shape for part in parts}) > 1:
        return Problem(f"the parts of your result have shapes {[p.shape for p in parts]}; all three "
                       "should have the shape of w.", "Every operation in Adam is entry by entry.")
    return np.stack(parts)


check_adam_step = function_exercise(
    "adam_step(w, grad, m, s, t, learning_rate, beta1, beta2, epsilon)",
    lambda *args: np.stack(_adam_step(*args)), _ADAM_CASES, title="Adam step", mistakes=_ADAM_MISTAKES,
    random_cases=_random_adam_case, unpack=_triple, part_names=("the new w", "the new m", "the new s"),
    doc="""Check ``adam_step(w, grad, m, s, t, learning_rate, beta1, beta2, epsilon)``: step ``t`` of Adam.

    Returns ``(w, m, s)``: the running averages are updated, bias-corrected by ``1 - beta**t``
    for the step, and ``w <- w - learning_rate * m_hat / (sqrt(s_hat) + epsilon)``
    (the rule of ``dm.train.AdamOptimizer``; ``t`` is 1 for the first step).
    """)


# --- one step of Nesterov momentum ---------------------------------------------------


class _QuadraticGradient:
    """The gradient w -> H @ w + c of the loss w @ H @ w / 2 + c @ w, for a vector w."""

    def __init__(self, H, c):
        self.H, self.c = np.asarray(H, dtype=float), np.asarray(c, dtype=float)

    def __call__(self, w):
        return self.H @ w + self.c

    def __repr__(self):
        return f"<gradient of w @ H @ w / 2 + c @ w, H = {self.H.tolist()}, c = {self.c.tolist()}>"


_NESTEROV_CASES = [
    Case("a 2-vector with a velocity, H = diag(1, 10)", np.array([1.0, -1.0]), np.array([0.5, 2.0]),
         _QuadraticGradient([[1.0, 0.0], [0.0, 10.0]], [0.0, 0.0]), 0.1, 0.9),
    Case("the first step (velocity 0): a plain gradient step", np.array([2.0, 1.0]), np.zeros(2),
         _QuadraticGradient([[2.0, 1.0], [1.0, 3.0]], [1.0, -1.0]), 0.05, 0.9),
    Case("one weight, momentum 0.5", np.array([3.0]), np.array([-1.0]),
         _QuadraticGradient([[4.0]], [0.5]), 0.2, 0.5),
]


def _random_nesterov_case(rng):
    n = int(rng.integers(1, 5))
    A = _array(rng, (n, n))
    H = np.round(A @ A.T + np.eye(n), 2)
    lr, mu = float(rng.choice([0.01, 0.05, 0.1])), float(rng.choice([0.5, 0.9, 0.99]))
    return Case(f"{n} weights, learning rate {lr:g}, momentum {mu:g}", _array(rng, n), _array(rng, n),
                _QuadraticGradient(H, _array(rng, n)), lr, mu)


_NESTEROV_MISTAKES = [
    (lambda w, v, grad, lr, mu: _momentum_step(w, v, grad(w), lr, mu),
     "That is plain momentum: Nesterov evaluates the gradient at the look-ahead point "
     "w - learning_rate * momentum * v, not at w."),
    (lambda w, v, grad, lr, mu: (w - lr * (mu * v + grad(w + lr * mu * v)), mu * v + grad(w + lr * mu * v)),
     "The look-ahead point is w - learning_rate * momentum * v (the velocity moves w downhill), not w + ..."),
    (lambda w, v, grad, lr, mu: (w - lr * (mu * v + grad(w - mu * v)), mu * v + grad(w - mu * v)),
     "The look-ahead point is where the velocity will carry w: w - learning_rate * momentum * v; "
     "the learning rate is missing."),
    (lambda w, v, grad, lr, mu: (w - lr * v, mu * v + grad(w - lr * mu * v)),
     "You stepped with the old velocity: update v first, then move w along the new v."),
    (lambda w, v, grad, lr, mu: (mu * v + grad(w - lr * mu * v), w - lr * (mu * v + grad(w - lr * mu * v))),
     "Right values, wrong order: return (new w, new v)."),
    (lambda w, v, grad, lr, mu: _nesterov_step(w, v, grad, lr, mu)[0],
     "Return both the new weights and the new velocity, as a tuple (w, v)."),
]


check_nesterov_step = function_exercise(
    "nesterov_step(w, v, gradient, learning_rate, momentum)",
    lambda *args: np.stack(_nesterov_step(*args)), _NESTEROV_CASES, title="Nesterov step",
    mistakes=_NESTEROV_MISTAKES, random_cases=_random_nesterov_case, unpack=_pair,
    part_names=("the new w", "the new v"),
    doc="""Check ``nesterov_step(w, v, gradient, learning_rate, momentum)``: one step of Nesterov momentum.

    ``gradient`` is a function of the weights. Returns ``(w, v)`` after
    ``v <- momentum * v + gradient(w - learning_rate * momentum * v)`` and ``w <- w - learning_rate * v``.
    """)
