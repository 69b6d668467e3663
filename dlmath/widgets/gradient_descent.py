"""Gradient descent on a 2-D loss, step by step.

* ``descent_demo()``: live widget. Pick a loss (an elongated quadratic bowl
  or Rosenbrock's banana-shaped valley), a learning rate (log scale) and a
  number of steps; the contour plot shows the path so far in bold over the
  whole run in faint, and a second panel shows the loss per step.
* ``descent_animation()``: the kernel-free version for the book page: the
  bowl with three learning rates (too small, about right, too large),
  stepping together.

The losses and the descent path are in ``dlmath.course.gradient_descent``
(plain NumPy, so the demo depends on nothing but the formulas it shows).
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, NullFormatter

from dlmath.course.gradient_descent import LOSSES, MAX_STEPS, descent_path

from .figure import LiveFigure, animation, new_figure


@lru_cache(maxsize=None)
def _grid(name):
    """The loss on a grid over its view box, computed once per loss."""
    loss = LOSSES[name]
    x0, x1, y0, y1 = loss.box
    X, Y = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
    Z = loss.value(X, Y)
    levels = np.geomspace(max(Z.min(), 1e-2), Z.max(), 10)
    return X, Y, Z, levels


def _contours(ax, loss):
    X, Y, Z, levels = _grid(loss.name)
    contour = ax.contour(X, Y, Z, levels=levels, colors="0.6", linewidths=0.8)
    ax.set_xlim(loss.box[:2])
    ax.set_ylim(loss.box[2:])
    return contour


def descent_demo():
    """Step gradient descent by hand: loss, learning rate (log scale) and number of steps."""
    fig, (ax, ax_loss) = new_figure(width=8.0, height=3.4, ncols=2, width_ratios=[1.4, 1],
                                    margins={"left": 0.08, "top": 0.84, "bottom": 0.14})
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    (full,) = ax.plot([], [], "-", color="tab:red", alpha=0.25, lw=1)
    (done,) = ax.plot([], [], "o-", color="tab:red", ms=2.5, lw=1.5)
    (here,) = ax.plot([], [], "o", color="black", ms=6)
    (best,) = ax.plot([], [], "*", color="gold", mec="black", ms=12)
    (curve,) = ax_loss.plot([], [], "-", color="tab:red", alpha=0.35)
    (curve_now,) = ax_loss.plot([], [], "o", color="black", ms=5)
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_minor_formatter(NullFormatter())  # fewer labels: each costs render time
    ax_loss.yaxis.set_major_locator(LogLocator(numticks=5))
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss")
    ax_loss.set_xlim(0, MAX_STEPS)
    status_text = ax_loss.text(0.5, 1.03, "", transform=ax_loss.transAxes, ha="center", va="bottom",
                               fontsize=10)
    contours = {name: _contours(ax, loss) for name, loss in LOSSES.items()}
    state = {"loss": None}

    def update(loss_name, learning_rate, steps):
        loss = LOSSES[loss_name]
        if state["loss"] != loss_name:  # the only expensive change: new contours
            for name, contour in contours.items():  # drawn once, shown or hidden
                contour.set_visible(name == loss_name)
            ax.set_xlim(loss.box[:2])
            ax.set_ylim(loss.box[2:])
            best.set_data([loss.minimum[0]], [loss.minimum[1]])
            state["loss"] = loss_name
            ax.set_title(loss.formula, fontsize=10)
            ax_loss.set_ylim(*loss.loss_range)
        path = descent_path(loss, learning_rate)
        k = min(steps, len(path) - 1)
        values = loss.value(path[:, 0], path[:, 1])
        full.set_data(path[:, 0], path[:, 1])
        done.set_data(path[: k + 1, 0], path[: k + 1, 1])
        here.set_data([path[k, 0]], [path[k, 1]])
        curve.set_data(np.arange(len(values)), values)
        curve_now.set_data([k], [values[k]])
        status = f"step {k}: loss {values[k]:.3g}"
        if len(path) <= MAX_STEPS:
            status += f" (diverged after {len(path) - 1} steps)"
        status_text.set_text(f"learning rate {learning_rate:.3g}\n{status}")
        return loss_name  # names the static background: contours and axes of this loss

    loss_menu = widgets.Dropdown(options=list(LOSSES), value="elongated bowl", description="loss")
    rate = widgets.FloatLogSlider(value=LOSSES["elongated bowl"].learning_rate, base=10, min=-4, max=0,
                                  step=0.05, description="learning rate", readout_format=".3g",
                                  style={"description_width": "initial"})
    steps = widgets.IntSlider(value=10, min=0, max=MAX_STEPS, description="steps")
    reset = widgets.Button(description="reset", tooltip="back to step 0 and the suggested learning rate")

    def restart(_=None):
        with live.hold():
            steps.value = 0
            rate.value = LOSSES[loss_menu.value].learning_rate

    def new_loss(change):
        with live.hold():
            rate.value = LOSSES[change["new"]].learning_rate

    reset.on_click(restart)
    loss_menu.observe(new_loss, names="value")  # before LiveFigure's observer: one redraw per change
    live = LiveFigure(fig, update, {"loss_name": loss_menu, "learning_rate": rate, "steps": steps},
                      extras=[reset], animated=[full, done, here, curve, curve_now, status_text])
    return live.widget


def descent_animation(learning_rates=(0.03, 0.15, 0.205), steps=20):
    """Kernel-free: three learning rates on the elongated bowl, stepping together."""
    loss = LOSSES["elongated bowl"]
    fig, ax = new_figure(width=5.0, height=3.0, dpi=72, margins={"left": 0.1, "bottom": 0.1, "top": 0.9})
    _contours(ax, loss)
    ax.plot(*loss.minimum, "*", color="gold", mec="black", ms=11)
    colours = ["tab:blue", "tab:green", "tab:red"]
    verdicts = ["too small", "about right", "too large"]
    paths, lines = [], []
    for rate, colour, verdict in zip(learning_rates, colours, verdicts):
        paths.append(descent_path(loss, rate, steps))
        (line,) = ax.plot([], [], "o-", color=colour, ms=3, lw=1.3, label=f"{rate:g} ({verdict})")
        lines.append(line)
    ax.legend(loc="lower right", fontsize=8, title="learning rate", title_fontsize=8)
    title = ax.set_title("", fontsize=10)

    def update(step):
        for path, line in zip(paths, lines):
            k = min(step, len(path) - 1)
            line.set_data(path[: k + 1, 0], path[: k + 1, 1])
        title.set_text(f"gradient descent on {loss.formula}: step {step}")

    return animation(fig, update, range(steps + 1))
