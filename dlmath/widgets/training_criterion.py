"""Three ways to score a classifier: cross-entropy, squared error and the 0-1 loss.

The losses and their derivatives (``losses``, ``loss_gradients``) are in
``dlmath.course.training_criterion``.

* ``loss_demo()``: live widget. Slide the logit of one example and choose its
  label; the left panel shows the three losses as functions of the logit, the
  right one their slopes, with the current logit marked on every curve.
* ``loss_animation()``: the kernel-free version for the book page: a line
  sliding across the red and blue clouds, with the mean of each loss over the
  data as a function of the line's offset (the 0-1 loss moves in flat steps).
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from dlmath import data
from dlmath.course.training_criterion import loss_gradients, losses, mean_losses_along_offset
from dlmath.functions import sigmoid

from .figure import LiveFigure, animation, new_figure

RED, BLUE = "#d62728", "#1f77b4"
COLOURS = {"cross-entropy": "tab:purple", "squared error": "tab:green", "0-1 loss": "tab:orange"}
Z_RANGE = (-8.0, 8.0)


def loss_demo():
    """Slide one example's logit: its cross-entropy, squared error and 0-1 loss, and their slopes."""
    fig, (ax, ax_grad) = new_figure(width=8.0, height=3.4, ncols=2,
                                    margins={"left": 0.08, "right": 0.98, "top": 0.84, "bottom": 0.15,
                                             "wspace": 0.25})
    zs = np.linspace(*Z_RANGE, 401)
    curves, grad_curves, dots, grad_dots = {}, {}, {}, {}
    for name, colour in COLOURS.items():
        (curves[name],) = ax.plot([], [], color=colour, lw=2, label=name)
        (grad_curves[name],) = ax_grad.plot([], [], color=colour, lw=2, label=name)
        (dots[name],) = ax.plot([], [], "o", color=colour, mec="black", ms=7)
        (grad_dots[name],) = ax_grad.plot([], [], "o", color=colour, mec="black", ms=7)
    cursor = ax.axvline(0, color="0.4", lw=0.8, ls=":")
    grad_cursor = ax_grad.axvline(0, color="0.4", lw=0.8, ls=":")
    ax.set_xlim(*Z_RANGE)
    ax.set_ylim(-0.1, 4.0)
    ax.set_xlabel("logit z")
    ax.set_ylabel("loss")
    ax.legend(loc="upper center", fontsize=8)
    ax_grad.set_xlim(*Z_RANGE)
    ax_grad.set_ylim(-1.1, 1.1)
    ax_grad.axhline(0, color="0.7", lw=0.8)
    ax_grad.set_xlabel("logit z")
    ax_grad.set_ylabel("slope d loss / dz")
    title = ax.set_title("", fontsize=9)
    grad_title = ax_grad.set_title("", fontsize=9)
    state = {"label": None}

    def update(logit, label):
        y = 1 if label.startswith("blue") else 0
        if state["label"] != y:  # the curves change only with the label: a new background
            values = losses(zs, y)
            slopes = loss_gradients(zs, y)
            for name in COLOURS:
                curves[name].set_data(zs, values[name])
                grad_curves[name].set_data(zs, slopes[name])
            state["label"] = y
        here = losses(np.array([logit]), y)
        here_slopes = loss_gradients(np.array([logit]), y)
        for name in COLOURS:
            dots[name].set_data([logit], [min(here[name][0], 3.95)])
            grad_dots[name].set_data([logit], [here_slopes[name][0]])
        cursor.set_xdata([logit, logit])
        grad_cursor.set_xdata([logit, logit])
        p = sigmoid(logit)
        title.set_text(f"p(blue) = {p:.4f}: CE {here['cross-entropy'][0]:.3f}, "
                       f"SE {here['squared error'][0]:.3f}, 0-1 {here['0-1 loss'][0]:.0f}")
        grad_title.set_text(f"slopes: CE {here_slopes['cross-entropy'][0]:.2e}, "
                            f"SE {here_slopes['squared error'][0]:.2e}")
        return y  # names the background: the curves of this label

    controls = {
        "logit": widgets.FloatSlider(value=-3.0, min=Z_RANGE[0], max=Z_RANGE[1], step=0.25,
                                     description="logit z"),
        "label": widgets.Dropdown(options=["blue (y = 1)", "red (y = 0)"], value="blue (y = 1)",
                                  description="true label"),
    }
    animated = [*dots.values(), *grad_dots.values(), cursor, grad_cursor, title, grad_title]
    live = LiveFigure(fig, update, controls, animated=animated)
    return live.widget


@lru_cache(maxsize=None)
def _clouds():
    return data.clouds(100, noise=2.0, seed=0)


def loss_animation(frames=15):
    """Kernel-free: a line slides across the clouds; the three mean losses follow it."""
    X, y = _clouds()
    w = np.array([1.0, 1.0]) / np.sqrt(2.0)
    fine = np.linspace(-6, 6, 481)
    means = mean_losses_along_offset(X, y, w, fine)
    offsets = np.linspace(-6, 6, frames)
    fig, (ax, ax_loss) = new_figure(width=7.2, height=3.2, ncols=2, dpi=72,
                                    margins={"left": 0.07, "right": 0.98, "top": 0.86, "bottom": 0.15,
                                             "wspace": 0.25})
    ax.scatter(*X[y == 0].T, s=9, c=RED, edgecolors="black", linewidths=0.3)
    ax.scatter(*X[y == 1].T, s=9, c=BLUE, edgecolors="black", linewidths=0.3)
    (line,) = ax.plot([], [], color="black", lw=1.8)
    ax.set_xlim(-7, 7)
    ax.set_ylim(-7, 7)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    title = ax.set_title("", fontsize=9)
    dots = {}
    for name, colour in COLOURS.items():
        ax_loss.plot(fine, means[name], color=colour, lw=1.8, label=name)
        (dots[name],) = ax_loss.plot([], [], "o", color=colour, mec="black", ms=6)
    ax_loss.set_xlabel("offset b of the line")
    ax_loss.set_ylabel("mean loss over the points")
    ax_loss.set_ylim(0, 2.5)
    # few tick labels: every label is text drawn again in each frame
    ax.set_xticks([-5, 0, 5])
    ax.set_yticks([-5, 0, 5])
    ax_loss.set_xticks([-6, -3, 0, 3, 6])
    ax_loss.set_yticks([0, 1, 2])
    ax_loss.legend(fontsize=8, loc="upper right")
    ax_loss.set_title("w = (1, 1)/√2 fixed, the line moves with b", fontsize=9)

    def update(b):
        xs = np.array([-7.0, 7.0])
        line.set_data(xs, -xs - np.sqrt(2.0) * b)
        here = mean_losses_along_offset(X, y, w, [b])
        for name in COLOURS:
            dots[name].set_data([b], [here[name][0]])
        title.set_text(f"b = {b:+.1f}: {here['0-1 loss'][0]:.0%} misclassified, "
                       f"cross-entropy {here['cross-entropy'][0]:.2f}")

    return animation(fig, update, offsets, interval=350)
