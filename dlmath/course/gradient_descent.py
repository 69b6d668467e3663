"""Gradient descent on two 2-D losses: the step w <- w - eta grad L(w), repeated.

The reference maths of the chapter *Gradient descent* (used by the chapter,
the lesson and ``dlmath.widgets.gradient_descent``): an elongated quadratic
bowl and Rosenbrock's valley, each with its gradient, and ``descent_path``,
the points gradient descent visits. The optimisers that train graphs
(``GradientDescentOptimizer``, ``MomentumOptimizer``, ``AdamOptimizer``) are
the engine's, in ``dlmath.train``, and so are the steps on arrays they take
(``gradient_step``, ``momentum_step``), which this module re-exports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlmath.train import gradient_step, momentum_step

__all__ = ["Loss", "Bowl", "Rosenbrock", "LOSSES", "descent_path", "gradient_step",
           "momentum_step", "MAX_STEPS", "ESCAPE"]


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
