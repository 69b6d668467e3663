"""Gradient descent on two 2-D losses: the step w <- w - eta grad L(w), repeated.

The reference maths of the chapter *Gradient descent* (used by the chapter,
the lesson and ``dlmath.widgets.gradient_descent``): an elongated quadratic
bowl and Rosenbrock's valley, each with its gradient, and ``descent_path``,
the points gradient descent visits. The optimisers that train graphs
(``GradientDescentOptimizer``, ``MomentumOptimizer``, ``AdamOptimizer``) are
the engine's, in ``dlmath.train``, and so are the steps on arrays they take
(``gradient_step``, ``momentum_step``), which this module re-exports.
The steps of the chapter's later sections are written here once, on arrays:
``nesterov_step``, ``adagrad_step``, ``rmsprop_step``, ``adam_step`` (the rule
of ``dm.train.AdamOptimizer``) and ``adamw_step``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlmath.train import gradient_step, momentum_step

__all__ = ["Loss", "Bowl", "Rosenbrock", "LOSSES", "descent_path", "gradient_step",
           "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step",
           "adamw_step", "MAX_STEPS", "ESCAPE"]


MAX_STEPS = 100


ESCAPE = 1e3  # a path further than this from the origin has diverged


@dataclass(frozen=True)
class Loss:
    """A 2-D loss with its gradient, a start point, a view box and a sensible learning rate."""

    name: str
    formula: str
    start: tuple
    minimum: tuple
    box: tuple  # (xmin, xmax, ymin, ymax)
    learning_rate: float
    loss_range: tuple  # y limits of the loss panel

    def value(self, x, y):
        raise NotImplementedError

    def gradient(self, x, y):
        raise NotImplementedError


class Bowl(Loss):
    def value(self, x, y):
        return 0.5 * (x**2 + 10 * y**2)

    def gradient(self, x, y):
        return np.array([x, 10 * y])


class Rosenbrock(Loss):
    def value(self, x, y):
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    def gradient(self, x, y):
        return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


LOSSES = {
    "elongated bowl": Bowl("elongated bowl", r"$(x^2 + 10y^2)/2$", (-4.5, 1.5), (0.0, 0.0),
                           (-5, 5, -2.5, 2.5), 0.15, (1e-6, 1e4)),
    "Rosenbrock valley": Rosenbrock("Rosenbrock valley", r"$(1-x)^2 + 100(y-x^2)^2$", (-1.2, 1.0),
                                    (1.0, 1.0), (-2, 2, -1, 3), 0.001, (1e-2, 1e6)),
}


def descent_path(loss: Loss, learning_rate: float, steps: int = MAX_STEPS) -> np.ndarray:
    """The points visited by gradient descent, shape (k + 1, 2); stops early if it diverges."""
    points = [np.array(loss.start, dtype=float)]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            new = gradient_step(points[-1], loss.gradient(*points[-1]), learning_rate)
            if not np.all(np.isfinite(new)) or np.abs(new).max() > ESCAPE:
                break
            points.append(new)
    return np.array(points)


# --- the later optimisers, one step each, on arrays ----------------------------------


def nesterov_step(w, v, gradient, learning_rate, momentum):
    """One step of Nesterov momentum, returning (w, v); ``gradient`` is a function of w.

    v <- momentum * v + grad L(w - learning_rate * momentum * v)   (look ahead first)
    w <- w - learning_rate * v
    With the look-ahead point replaced by w it is ``momentum_step``.
    """
    v = momentum * v + gradient(w - learning_rate * momentum * v)
    return w - learning_rate * v, v


def adagrad_step(w, grad, s, learning_rate, epsilon=1e-8):
    """One step of AdaGrad, returning (w, s): s <- s + g^2;  w <- w - lr * g / (sqrt(s) + eps)."""
    s = s + grad * grad
    return w - learning_rate * grad / (np.sqrt(s) + epsilon), s


def rmsprop_step(w, grad, s, learning_rate, rho=0.9, epsilon=1e-8):
    """One step of RMSProp, returning (w, s): s <- rho s + (1 - rho) g^2;  w <- w - lr g / (sqrt(s) + eps)."""
    s = rho * s + (1 - rho) * grad * grad
    return w - learning_rate * grad / (np.sqrt(s) + epsilon), s


def adam_step(w, grad, m, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Step number ``t`` (1 for the first) of Adam, returning (w, m, s).

    m <- beta1 m + (1 - beta1) g;      m_hat = m / (1 - beta1^t)
    s <- beta2 s + (1 - beta2) g^2;    s_hat = s / (1 - beta2^t)
    w <- w - learning_rate * m_hat / (sqrt(s_hat) + epsilon)
    The rule of ``dm.train.AdamOptimizer``; epsilon is added outside the square root.
    """
    if t < 1:
        raise ValueError(f"t is the number of this step, 1 for the first step; got t = {t}")
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    s_hat = s / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def adamw_step(w, grad, m, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
               weight_decay=0.01):
    """Step ``t`` of AdamW, returning (w, m, s): Adam's step plus the decoupled decay
    ``- learning_rate * weight_decay * w`` (applied to the weights before the step, not
    added to the gradient, so Adam's rescaling does not touch it)."""
    new_w, m, s = adam_step(w, grad, m, s, t, learning_rate, beta1, beta2, epsilon)
    return new_w - learning_rate * weight_decay * w, m, s
