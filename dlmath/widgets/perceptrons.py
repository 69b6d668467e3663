"""A linear classifier on the red and blue clouds, and the perceptron learning rule.

* ``perceptron(X, y, epochs)``: Rosenblatt's rule in plain NumPy, visiting the
  points in order; returns every update (weights, bias, which point, which
  epoch) and the number of mistakes in each epoch.
* ``best_separator(X, y)`` and ``margin(X, y)``: a good separating direction
  (found by scanning unit vectors) and its margin, to evaluate the convergence
  bound (R / gamma)^2.
* ``boundary_demo()``: live widget. Turn the weight vector (angle), stretch it
  (length) and shift the line (bias); the background shows the probability of
  "blue", the right panel the mean cross-entropy as the angle varies.
* ``perceptron_animation()``: the kernel-free version for the book page: the
  perceptron rule correcting the line one mistake at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import ipywidgets as widgets
import matplotlib
import numpy as np

from dlmath import data

from .figure import LiveFigure, animation, new_figure

RED, BLUE = "#d62728", "#1f77b4"
BOX = (-6.0, 6.0, -6.0, 6.0)
GRID = 80
SHADES = matplotlib.colormaps["RdBu"].resampled(12)
# the perceptron animation moves the clouds off-centre, so the bias has work to do
SHIFT = np.array([3.0, 1.0])


def sigmoid(z):
    """1 / (1 + e^-z), without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def mean_cross_entropy(scores, y):
    """Mean of -[y log s(z) + (1 - y) log(1 - s(z))] in the stable form log(1 + e^z) - y z."""
    return float(np.mean(np.logaddexp(0.0, scores) - y * scores))


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


def perceptron(X, y, epochs=100, w=None, b=0.0):
    """Rosenblatt's rule: for each point in turn, if it is on the wrong side, move the line.

    Labels ``y`` are 0/1 and the prediction is 1 where w . x + b > 0 (a point
    exactly on the line counts as class 0). After a mistake, with t = 2y - 1
    (-1 or +1): w += t x, b += t, which is the same as w += (y - prediction) x.
    Stops after the first epoch without a mistake (or after ``epochs`` passes).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    t = 2 * y - 1
    w = np.zeros(X.shape[1]) if w is None else np.array(w, dtype=float)
    b = float(b)
    run = PerceptronRun([w.copy()], [b])
    for epoch in range(epochs):
        mistakes = 0
        for i, (x, ti) in enumerate(zip(X, t)):
            if (x @ w + b > 0) != (y[i] == 1):
                w = w + ti * x
                b = b + ti
                mistakes += 1
                run.weights.append(w.copy())
                run.biases.append(b)
                run.points.append(i)
                run.epochs.append(epoch)
        run.mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return run


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


@lru_cache(maxsize=None)
def clouds():
    return data.clouds(100, seed=0)


@lru_cache(maxsize=None)
def _grid():
    xs = np.linspace(BOX[0], BOX[1], GRID)
    ys = np.linspace(BOX[2], BOX[3], GRID)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _scatter(ax, X, y, size=16):
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=size, c=RED, edgecolors="black", linewidths=0.4,
               label="red (class 0)", zorder=3)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=size, c=BLUE, edgecolors="black", linewidths=0.4,
               label="blue (class 1)", zorder=3)


def boundary_demo():
    """Move the separating line by hand: the angle and length of w, and the bias b."""
    X, y = clouds()
    fig, (ax, ax_loss) = new_figure(width=8.0, height=3.6, ncols=2, width_ratios=[1.1, 1],
                                    margins={"left": 0.07, "right": 0.98, "top": 0.86, "bottom": 0.14,
                                             "wspace": 0.28})
    image = ax.imshow(np.zeros((GRID, GRID)), extent=BOX, origin="lower", cmap=SHADES, vmin=0, vmax=1,
                      alpha=0.35, interpolation="nearest", zorder=0)
    _scatter(ax, X, y)
    (line,) = ax.plot([], [], color="black", lw=1.8, zorder=4)
    (normal,) = ax.plot([], [], color="black", lw=1.2, zorder=5)
    (tip,) = ax.plot([], [], marker="o", color="black", ms=4, zorder=5)
    ax.set_xlim(BOX[:2])
    ax.set_ylim(BOX[2:])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    title = ax.set_title("", fontsize=9)

    angles = np.linspace(-180, 180, 181)
    (curve,) = ax_loss.plot([], [], color="tab:purple")
    (marker,) = ax_loss.plot([], [], "o", color="black", ms=5)
    ax_loss.set_xlim(-180, 180)
    ax_loss.set_yscale("log")
    ax_loss.set_ylim(1e-3, 30)
    ax_loss.set_xticks([-180, -90, 0, 90, 180])
    ax_loss.set_xlabel("angle of w (degrees)")
    ax_loss.set_ylabel("mean cross-entropy")
    ax_loss.set_title("loss as w turns (length and b fixed)", fontsize=9)
    points = _grid()

    def update(angle, length, bias):
        rad = np.deg2rad(angle)
        w = length * np.array([np.cos(rad), np.sin(rad)])
        image.set_data(sigmoid(points @ w + bias).reshape(GRID, GRID))
        line.set_data(*line_points(w, bias))
        # the normal vector, drawn from the point of the line closest to the origin
        foot = -bias * w / (w @ w)
        direction = w / np.linalg.norm(w)
        normal.set_data([foot[0], foot[0] + 1.5 * direction[0]], [foot[1], foot[1] + 1.5 * direction[1]])
        tip.set_data([foot[0] + 1.5 * direction[0]], [foot[1] + 1.5 * direction[1]])
        scores = X @ w + bias
        loss = mean_cross_entropy(scores, y)
        accuracy = np.mean((scores > 0) == (y == 1))
        title.set_text(f"accuracy {accuracy:.0%}, loss {loss:.3f}")
        directions = np.deg2rad(angles)
        W = length * np.column_stack([np.cos(directions), np.sin(directions)])
        S = X @ W.T + bias
        curve.set_data(angles, np.mean(np.logaddexp(0.0, S) - y[:, None] * S, axis=0))
        marker.set_data([angle], [loss])

    controls = {
        "angle": widgets.FloatSlider(value=20, min=-180, max=180, step=5, description="angle of w"),
        "length": widgets.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="length of w"),
        "bias": widgets.FloatSlider(value=2.0, min=-5, max=5, step=0.25, description="bias b"),
    }
    for control in controls.values():
        control.style = {"description_width": "initial"}
    live = LiveFigure(fig, update, controls,
                      animated=[image, line, normal, tip, title, curve, marker])
    return live.widget


def perceptron_animation(frames=18):
    """Kernel-free: the perceptron rule on the off-centre clouds, one correction per frame."""
    X, y = clouds()
    X = X + SHIFT
    run = perceptron(X, y)
    box = (-3.0, 8.0, -5.0, 6.0)
    fig, ax = new_figure(width=4.6, height=3.9, dpi=72,
                         margins={"left": 0.12, "right": 0.97, "bottom": 0.12, "top": 0.88})
    _scatter(ax, X, y, size=12)
    (line,) = ax.plot([], [], color="black", lw=1.8)
    (ring,) = ax.plot([], [], "o", ms=11, mfc="none", mec="gold", mew=2.2, zorder=5)
    ax.set_xlim(box[:2])
    ax.set_ylim(box[2:])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xticks([-2, 0, 2, 4, 6, 8])
    ax.set_yticks([-4, -2, 0, 2, 4, 6])
    title = ax.set_title("", fontsize=9)
    steps = np.unique(np.linspace(1, run.updates, min(frames, run.updates)).round().astype(int))

    def update(k):
        w, b = run.weights[k], run.biases[k]
        if np.any(w):
            line.set_data(*line_points(w, b, box))
        else:
            line.set_data([], [])
        i = run.points[k - 1]
        ring.set_data([X[i, 0]], [X[i, 1]])
        wrong = int(np.sum((X @ w + b > 0) != (y == 1)))
        done = " (converged)" if k == run.updates and run.converged else ""
        title.set_text(f"update {k} of {run.updates}, epoch {run.epochs[k - 1] + 1}: "
                       f"{wrong} points misclassified{done}")

    return animation(fig, update, steps, interval=400)
