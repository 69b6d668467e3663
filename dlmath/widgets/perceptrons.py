"""A linear classifier on the red and blue clouds, and the perceptron learning rule.

The perceptron rule itself (``perceptron``, ``best_separator``, ``margin``) is in
``dlmath.course.perceptrons``; this module draws it.

* ``boundary_demo()``: live widget. Turn the weight vector (angle), stretch it
  (length) and shift the line (bias); the background shows the probability of
  "blue", the right panel the mean cross-entropy as the angle varies.
* ``perceptron_animation()``: the kernel-free version for the book page: the
  perceptron rule correcting the line one mistake at a time.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import matplotlib
import numpy as np

from dlmath import data
from dlmath.course.perceptrons import BOX, SHIFT, line_points, perceptron
from dlmath.course.training_criterion import mean_cross_entropy
from dlmath.functions import sigmoid

from .figure import LiveFigure, animation, new_figure

RED, BLUE = "#d62728", "#1f77b4"
GRID = 80
SHADES = matplotlib.colormaps["RdBu"].resampled(12)


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
