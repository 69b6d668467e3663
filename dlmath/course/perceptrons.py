"""The perceptron: Rosenblatt's learning rule and the convergence bound, in plain NumPy.

The reference maths of the chapter *Perceptrons*: the chapter, the lesson, the
demo (``dlmath.widgets.perceptrons``) and the checker
(``dlmath.exercises.perceptrons``) all use these.

* ``perceptron(X, y, epochs)``: Rosenblatt's rule, visiting the points in order;
  returns every update (weights, bias, which point, which epoch) and the
  number of mistakes in each epoch.
* ``best_separator(X, y)`` and ``margin(X, y)``: a good separating direction
  (found by scanning unit vectors) and its margin, to evaluate the convergence
  bound (R / gamma)^2.
* ``line_points(w, b)``: two points of the line w . x + b = 0, for plotting.
* ``perceptron_loss(z, y)``, ``perceptron_loss_gradient(w, b, x, y)`` and
  ``perceptron_sgd_step(w, b, x, y, learning_rate)``: the rule read as
  stochastic gradient descent on the loss max(0, -t z), t = 2y - 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


BOX = (-6.0, 6.0, -6.0, 6.0)


# the perceptron animation moves the clouds off-centre, so the bias has work to do
SHIFT = np.array([3.0, 1.0])


@dataclass
class PerceptronRun:
    """What ``perceptron`` returns."""

    weights: list = field(default_factory=list)  # w after 0, 1, 2, ... updates
    biases: list = field(default_factory=list)   # b after 0, 1, 2, ... updates
    points: list = field(default_factory=list)   # index of the point that caused update k (k >= 1)
    epochs: list = field(default_factory=list)   # epoch of update k (k >= 1)
    mistakes_per_epoch: list = field(default_factory=list)

    @property
    def updates(self) -> int:
        return len(self.points)

    @property
    def converged(self) -> bool:
        return bool(self.mistakes_per_epoch) and self.mistakes_per_epoch[-1] == 0


def predict(X, w, b):
    """The perceptron's class, 1 where w . x + b > 0 and 0 elsewhere (on the line too)."""
    return (np.asarray(X) @ w + b > 0).astype(int)


def perceptron_update(w, b, x, y):
    """Rosenblatt's update for one point x with label y (0/1): (w + (y - yhat) x, b + (y - yhat)).

    Nothing changes when the prediction yhat is right; a mistake moves the line
    towards the point's side (y - yhat is +1 or -1).
    """
    error = y - predict(x, w, b)
    return w + error * x, b + error


def perceptron(X, y, epochs=100, w=None, b=0.0):
    """Rosenblatt's rule: for each point in turn, if it is on the wrong side, move the line.

    Labels ``y`` are 0/1 and the prediction is 1 where w . x + b > 0 (a point
    exactly on the line counts as class 0). After a mistake, with t = 2y - 1
    (-1 or +1): w += t x, b += t, which is the same as w += (y - prediction) x.
    Stops after the first epoch without a mistake (or after ``epochs`` passes).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    w = np.zeros(X.shape[1]) if w is None else np.array(w, dtype=float)
    b = float(b)
    run = PerceptronRun([w.copy()], [b])
    for epoch in range(epochs):
        mistakes = 0
        for i, x in enumerate(X):
            if predict(x, w, b) != y[i]:
                w, b = perceptron_update(w, b, x, y[i])
                mistakes += 1
                run.weights.append(w.copy())
                run.biases.append(b)
                run.points.append(i)
                run.epochs.append(epoch)
        run.mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return run


def perceptron_loss(z, y):
    """The perceptron loss max(0, -t z) of scores ``z`` with labels ``y`` (0/1), t = 2y - 1, element-wise.

    Zero on the correct side of the line, and on a mistake the size of the
    score, |z|: how far (in units of ||w||) the point sits on the wrong side.
    """
    t = 2 * np.asarray(y) - 1
    return np.maximum(0.0, -t * np.asarray(z, dtype=float))


def perceptron_loss_gradient(w, b, x, y):
    """The subgradient (dl/dw, dl/db) of l = max(0, -t (w . x + b)) that the perceptron uses.

    Chain rule through z = w . x + b: dl/dz = -t where t z < 0 (a mistake) and 0
    where t z > 0 (the loss is flat there), and dz/dw = x, dz/db = 1, so a
    mistake gives (-t x, -t) and a correct point (0, 0). At the kink z = 0 any
    dl/dz between -t and 0 is a subgradient; the perceptron takes the one that
    matches ``predict`` (a score 0 counts as class 0): (-x, -1) for a blue
    point (a mistake), (0, 0) for a red one.
    """
    x = np.asarray(x, dtype=float)
    t = 2 * y - 1
    mistake = predict(x, w, b) != y
    return (-t * x, float(-t)) if mistake else (np.zeros_like(x), 0.0)


def perceptron_sgd_step(w, b, x, y, learning_rate=1.0):
    """One step of SGD on the perceptron loss of one point: (w, b) - learning_rate * gradient.

    With ``learning_rate = 1`` this is ``perceptron_update``: w + t x, b + t after a
    mistake, no change otherwise.
    """
    grad_w, grad_b = perceptron_loss_gradient(w, b, x, y)
    return np.asarray(w, dtype=float) - learning_rate * grad_w, b - learning_rate * grad_b


def best_separator(X, y, resolution=181):
    """(u, gamma, R) for the points with a constant 1 appended (the bias as a third weight).

    ``u`` is the unit vector with the largest margin gamma = min_i t_i (u . [x_i, 1])
    among ``resolution`` x 2 ``resolution`` directions spread over the sphere. It is a
    true separator with a true margin, so (R / gamma)^2 is a valid bound (only perhaps
    not the tightest one); gamma <= 0 means no direction found separates the data.
    R is the largest length of a point [x_i, 1].
    """
    X = np.asarray(X, dtype=float)
    t = 2 * np.asarray(y) - 1
    Xa = np.column_stack([X, np.ones(len(X))])
    theta, phi = np.meshgrid(np.linspace(0, np.pi, resolution),
                             np.linspace(-np.pi, np.pi, 2 * resolution))
    U = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)],
                 axis=-1).reshape(-1, 3)
    margins = (t[:, None] * (Xa @ U.T)).min(axis=0)
    best = int(np.argmax(margins))
    return U[best], float(margins[best]), float(np.linalg.norm(Xa, axis=1).max())


def margin(X, y, resolution=181):
    """(gamma, R): the margin of ``best_separator`` and the largest length of a point [x_i, 1]."""
    _, gamma, R = best_separator(X, y, resolution)
    return gamma, R


def line_points(w, b, box=BOX):
    """Two points of the line w . x + b = 0 inside (or across) the box, for plotting."""
    w1, w2 = w
    x0, x1, y0, y1 = box
    if abs(w2) >= abs(w1):  # not steep: x2 as a function of x1
        xs = np.array([x0, x1])
        return xs, -(w1 * xs + b) / w2
    ys = np.array([y0, y1])
    return -(w2 * ys + b) / w1, ys
