"""Checkers for the calculus lesson.

* ``check_central_difference(central_difference)``: ``central_difference(f, x, h)``
  returns the central-difference estimate ``(f(x + h) - f(x - h)) / (2 h)`` of
  ``f'(x)``; ``x`` may be a number or an array (then element-wise).
* ``check_gradient(gradient)``: ``gradient(w)`` returns the gradient of
  ``f(w) = w[0]**2 * w[1] + 3 * w[1]`` at the point ``w`` (an array of shape (2,)),
  as an array of shape (2,).
* ``check_chain_rule(dy_dw)``: ``dy_dw(x, w, b)`` returns the derivative with
  respect to ``w`` of one sigmoid neuron's output ``y = sigmoid(w * x + b)``.
"""

import numpy as np

from .checking import Case, checker, grade_function

# --- central difference --------------------------------------------------------


def _central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


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


@checker
def check_central_difference(central_difference=...):
    """Check ``central_difference(f, x, h)``: the central-difference estimate of f'(x)."""
    return grade_function(central_difference, _central_difference, _CENTRAL_CASES,
                          title="central difference", signature="central_difference(f, x, h)",
                          mistakes=_CENTRAL_MISTAKES, rtol=1e-9, random_cases=_random_central_case)


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


@checker
def check_gradient(gradient=...):
    """Check ``gradient(w)``: the gradient of ``f(w) = w[0]**2 * w[1] + 3 * w[1]``, shape (2,)."""
    return grade_function(gradient, _gradient, _GRADIENT_CASES, title="gradient",
                          signature="gradient(w)", mistakes=_GRADIENT_MISTAKES,
                          random_cases=_random_gradient_case)


# --- chain rule: one sigmoid neuron ---------------------------------------------


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


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


@checker
def check_chain_rule(dy_dw=...):
    """Check ``dy_dw(x, w, b)``: d/dw of the neuron output ``y = sigmoid(w * x + b)``."""
    return grade_function(dy_dw, _dy_dw, _CHAIN_CASES, title="chain rule",
                          signature="dy_dw(x, w, b)", mistakes=_CHAIN_MISTAKES,
                          random_cases=_random_chain_case)
