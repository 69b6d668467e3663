"""Demos of deep learning in practice: capacity, weight decay and overfitting.

The experiments themselves (``noisy_moons``, ``train_mlps``,
``layer_gradient_norms``...) are in ``dlmath.course.in_practice``.

* ``grid()``: the trained models behind the demo, computed once per process:
  every hidden width in ``WIDTHS`` times every weight decay in ``DECAYS``.
* ``plane()``, ``boundary(params)``: the plotted part of the plane, and the
  decision boundary of each stacked network over it.
* ``capacity_demo()``: sliders for the hidden width and the weight decay
  showing the decision boundary and the training and validation losses.
* ``overfitting_animation()``: kernel-free, the boundary of a too large
  network over the epochs, with the two loss curves drawn as it trains."""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from dlmath.course.in_practice import EPOCHS, accuracy, noisy_moons, pick, probability, train_mlps

from .figure import LiveFigure, animation, new_figure
from .multilayer_perceptrons import grid as grid_over

WIDTHS = (2, 4, 8, 16, 32, 64)
DECAYS = (0.0, 3e-4, 1e-3, 3e-3, 1e-2)
SNAPSHOT_EVERY = 20         # epochs between stored parameter snapshots (16 snapshots)
BOX = (-1.8, 2.8, -1.6, 2.0)  # the plotted part of the plane
GRID_POINTS = 56             # the boundary is computed on GRID_POINTS x GRID_POINTS points


# ----------------------------------------------------------------- data


# ----------------------------------------------------------------- training


@lru_cache(maxsize=None)
def grid():
    """Every width in WIDTHS trained with every decay in DECAYS: ``{width: train_mlps result}``."""
    moons = noisy_moons()
    return {width: train_mlps(*moons["train"], width, DECAYS, val=moons["val"],
                              snapshot_every=SNAPSHOT_EVERY)
            for width in WIDTHS}


def plane(n=GRID_POINTS):
    """``(xs, ys, points)``: an n x n grid over BOX, points of shape (n * n, 2)."""
    return grid_over(BOX, n)


def boundary(params, n=GRID_POINTS):
    """The 0.5 level line(s) of each stacked network, as one array with NaN between pieces."""
    import contourpy

    xs, ys, points = plane(n)
    result = []
    for p in probability(params, points):
        lines = contourpy.contour_generator(xs, ys, p.reshape(n, n)).lines(0.5)
        pieces = []
        for line in lines:
            pieces.extend([line, [[np.nan, np.nan]]])
        result.append(np.concatenate(pieces) if pieces else np.empty((0, 2)))
    return result


# ----------------------------------------------------------------- vanishing gradients


# ----------------------------------------------------------------- pictures


def _scatter_data(ax, moons):
    for (X, y), style in ((moons["train"], dict(s=22, edgecolors="black", linewidths=0.6)),
                          (moons["val"], dict(s=9, alpha=0.35, linewidths=0))):
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:blue", "tab:red"), **style)
    ax.set_xlim(BOX[:2])
    ax.set_ylim(BOX[2:])
    ax.set_xticks([])
    ax.set_yticks([])


def _loss_axes(ax, top=1.2):
    ax.set_xlim(0, EPOCHS)
    ax.set_ylim(0, top)
    ax.set_xticks([0, 100, 200, 300])
    ax.set_yticks([0, 0.4, 0.8, 1.2])
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")


def capacity_demo():
    """Hidden width and weight decay: decision boundary, training and validation loss."""
    moons = noisy_moons()
    trained = grid()
    xs, ys, points = plane()
    shading = {(w, m): probability(pick(trained[w]["params"], m), points)[0].reshape(len(ys), len(xs))
               for w in WIDTHS for m in range(len(DECAYS))}
    lines = {w: boundary(trained[w]["params"]) for w in WIDTHS}

    fig, (ax, ax_loss) = new_figure(width=8.4, height=3.6, ncols=2, width_ratios=[1, 1.1],
                                    margins={"left": 0.03, "right": 0.98, "top": 0.86, "bottom": 0.14,
                                             "wspace": 0.22})
    image = ax.imshow(shading[(64, 0)], origin="lower", extent=BOX, cmap="RdBu", vmin=0, vmax=1,
                      alpha=0.45, aspect="auto")
    (edge,) = ax.plot([], [], color="black", lw=1.4)
    _scatter_data(ax, moons)
    _loss_axes(ax_loss)
    (train_curve,) = ax_loss.plot([], [], color="tab:green", label="training")
    (val_curve,) = ax_loss.plot([], [], color="tab:purple", label="validation")
    (best,) = ax_loss.plot([], [], "v", color="tab:purple", ms=8, label="lowest validation loss")
    ax_loss.legend(loc="upper right", fontsize=8)
    title = ax.set_title("", fontsize=10)
    loss_title = ax_loss.set_title("", fontsize=10)

    def update(hidden_units, weight_decay):
        m = [f"{d:g}" for d in DECAYS].index(weight_decay)
        run = trained[hidden_units]
        image.set_data(shading[(hidden_units, m)])
        edge.set_data(lines[hidden_units][m][:, 0], lines[hidden_units][m][:, 1])
        train_curve.set_data(run["epochs"], run["train_loss"][:, m])
        val_curve.set_data(run["epochs"], run["val_loss"][:, m])
        k = int(np.argmin(run["val_loss"][:, m]))
        best.set_data([run["epochs"][k]], [run["val_loss"][k, m]])
        params = pick(run["params"], m)
        acc_train = accuracy(params, *moons["train"])[0]
        acc_val = accuracy(params, *moons["val"])[0]
        title.set_text(f"{hidden_units} hidden units, decay {weight_decay}\n"
                       f"accuracy: training {acc_train:.0%}, validation {acc_val:.0%}")
        loss_title.set_text(f"after {EPOCHS} epochs: training {run['train_loss'][-1, m]:.2f}, "
                            f"validation {run['val_loss'][-1, m]:.2f}")

    width = widgets.SelectionSlider(options=list(WIDTHS), value=64, description="hidden units",
                                    style={"description_width": "initial"})
    # the decay values as text options ("0", "0.0003", ...), shown exactly as written
    decay = widgets.SelectionSlider(options=[f"{d:g}" for d in DECAYS], value="0.0003", description="weight decay",
                                    style={"description_width": "initial"})
    decay.value = "0"  # set after creation: a first option given to the constructor leaves .label empty
    live = LiveFigure(fig, update, {"hidden_units": width, "weight_decay": decay},
                      animated=[image, edge, train_curve, val_curve, best, title, loss_title])
    return live.widget


def overfitting_animation(hidden_units=64):
    """Kernel-free: a too large network (no weight decay) overfits the 60 training points."""
    moons = noisy_moons()
    run = grid()[hidden_units]
    xs, ys, points = plane()
    fig, (ax, ax_loss) = new_figure(width=6.8, height=2.9, dpi=72, ncols=2, width_ratios=[1, 1.1],
                                    margins={"left": 0.03, "right": 0.98, "top": 0.85, "bottom": 0.17,
                                             "wspace": 0.25})
    image = ax.imshow(np.zeros((len(ys), len(xs))), origin="lower", extent=BOX, cmap="RdBu", vmin=0,
                      vmax=1, alpha=0.45, aspect="auto")
    (edge,) = ax.plot([], [], color="black", lw=1.4)
    _scatter_data(ax, moons)
    _loss_axes(ax_loss)
    (train_curve,) = ax_loss.plot([], [], color="tab:green", label="training")
    (val_curve,) = ax_loss.plot([], [], color="tab:purple", label="validation")
    ax_loss.legend(loc="upper right", fontsize=8)
    title = ax.set_title("", fontsize=10)
    snapshots = run["snapshots"]

    def update(frame):
        epoch, params = snapshots[frame]
        p = pick(params, 0)
        image.set_data(probability(p, points)[0].reshape(len(ys), len(xs)))
        line = boundary(p)[0]
        edge.set_data(line[:, 0], line[:, 1])
        seen = run["epochs"] <= epoch
        train_curve.set_data(run["epochs"][seen], run["train_loss"][seen, 0])
        val_curve.set_data(run["epochs"][seen], run["val_loss"][seen, 0])
        title.set_text(f"{hidden_units} hidden units, epoch {epoch}\n"
                       f"validation accuracy {accuracy(p, *moons['val'])[0]:.0%}")

    return animation(fig, update, range(len(snapshots)), interval=400)
