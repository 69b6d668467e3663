"""A multi-layer perceptron learning a curved decision boundary, epoch by epoch.

The network and its trainer (``train_mlp``, ``class_probability``,
``hidden_activations``) are in ``dlmath.course.multilayer_perceptrons``.

* ``mlp_demo()``: live widget. Pick a dataset, the number of hidden units and
  the training epoch; the left panel shows the decision boundary at that
  epoch over the data, the right one the loss curve. Each (dataset, width) is
  trained once, on first use, and cached: moving the epoch slider only swaps
  the image and moves a marker.
* ``mlp_animation()``: the kernel-free version for the book page: the
  boundary on the moons dataset at chosen epochs, with the loss curve.
"""

from __future__ import annotations

from functools import lru_cache

import warnings

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from dlmath import data
from dlmath.course.multilayer_perceptrons import (EPOCHS, SNAPSHOT_EVERY, class_probability,
                                                train_mlp)

from .figure import LiveFigure, animation, new_figure

WIDTHS = (1, 2, 3, 4, 8, 16, 32)
# ten flat shades of the class probability: cheap to render and small as PNG
PROBABILITY_COLOURS = matplotlib.colormaps["RdBu"].resampled(10)
GRID = 90  # points per side of the probability image

DATASETS = {
    "xor": dict(make=lambda: data.xor(200, noise=0.15, seed=0), box=(-0.6, 1.6, -0.6, 1.6)),
    "moons": dict(make=lambda: data.moons(200, noise=0.1, seed=0), box=(-1.5, 2.5, -1.0, 1.5)),
    "spirals": dict(make=lambda: data.spirals(200, noise=0.03, seed=0), box=(-1.2, 1.2, -1.2, 1.2)),
}


def grid(box, n=GRID):
    """Points of an n x n grid over box = (xmin, xmax, ymin, ymax): (xs, ys, points of shape (n*n, 2))."""
    xs = np.linspace(box[0], box[1], n)
    ys = np.linspace(box[2], box[3], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


@lru_cache(maxsize=None)
def dataset(name):
    return DATASETS[name]["make"]()


@lru_cache(maxsize=None)
def _trained(name, hidden):
    """Train once per (dataset, width); probability images are drawn per snapshot when first shown."""
    X, y = dataset(name)
    return train_mlp(X, y, hidden), {}


def _probability_image(name, hidden, epoch):
    run, images = _trained(name, hidden)
    if epoch not in images:  # one image costs a few ms; all 31 at once would delay the first move
        _, _, points = grid(DATASETS[name]["box"])
        images[epoch] = class_probability(run.snapshots[epoch], points).reshape(GRID, GRID)
    return images[epoch]


def _draw_data(ax, X, y, size=10):
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=size, c="tab:red", edgecolors="black", linewidths=0.3,
               label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=size, c="tab:blue", edgecolors="black", linewidths=0.3,
               label="class 1")


def _log_axis(ax):
    """A log-scale loss axis with few labels (each tick label costs render time)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=4))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(4))


def _few_ticks(ax):
    """At most about four labelled ticks per axis: text is most of a frame's render time."""
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_major_locator(MaxNLocator(4))


def mlp_demo():
    """Train a one-hidden-layer network: dataset, number of hidden units, and the epoch to look at."""
    fig, (ax, ax_loss) = new_figure(width=8.0, height=3.5, ncols=2, width_ratios=[1.1, 1],
                                    margins={"left": 0.08, "right": 0.97, "top": 0.9, "bottom": 0.14})
    image = ax.imshow(np.zeros((GRID, GRID)), origin="lower", cmap=PROBABILITY_COLOURS, interpolation="nearest", vmin=0, vmax=1,
                      aspect="auto", alpha=0.6)
    scatters = {}
    for name in DATASETS:
        X, y = dataset(name)
        before = len(ax.collections)
        _draw_data(ax, X, y)
        scatters[name] = ax.collections[before:]
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    (curve,) = ax_loss.plot([], [], color="tab:purple", lw=1.5)
    (marker,) = ax_loss.plot([], [], "o", color="black", ms=5)
    _log_axis(ax_loss)
    ax_loss.set_xlim(0, EPOCHS)
    ax_loss.set_ylim(1e-4, 2)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    title = ax.set_title("", fontsize=10)
    status = ax_loss.set_title("", fontsize=10)
    state = {"dataset": None}

    def update(dataset_name, hidden_units, epoch):
        run, _ = _trained(dataset_name, hidden_units)
        if state["dataset"] != dataset_name:
            box = DATASETS[dataset_name]["box"]
            for name, artists in scatters.items():
                for artist in artists:
                    artist.set_visible(name == dataset_name)
            ax.set_xlim(box[:2])
            ax.set_ylim(box[2:])
            image.set_extent(box)
            state["dataset"] = dataset_name
        epoch = min(epoch - epoch % SNAPSHOT_EVERY, EPOCHS)
        image.set_data(_probability_image(dataset_name, hidden_units, epoch))
        curve.set_data(np.arange(len(run.losses)), run.losses)
        marker.set_data([epoch], [run.losses[epoch]])
        X, y = dataset(dataset_name)
        accuracy = np.mean((class_probability(run.snapshots[epoch], X) > 0.5) == y)
        title.set_text(f"{hidden_units} hidden units, epoch {epoch}")
        status.set_text(f"loss {run.losses[epoch]:.3f}, accuracy {accuracy:.0%}")
        return dataset_name

    menu = widgets.Dropdown(options=list(DATASETS), value="moons", description="data")
    width = widgets.SelectionSlider(options=list(WIDTHS), value=4, description="hidden units",
                                    style={"description_width": "initial"})
    epoch = widgets.IntSlider(value=EPOCHS, min=0, max=EPOCHS, step=SNAPSHOT_EVERY, description="epoch")
    live = LiveFigure(fig, update, {"dataset_name": menu, "hidden_units": width, "epoch": epoch},
                      animated=[image, *[a for group in scatters.values() for a in group],
                                curve, marker, title, status])  # the points are drawn over the image
    return live.widget


ANIMATION_EPOCHS = (0, 10, 20, 40, 60, 80, 100, 150, 200, 300)


def mlp_animation(dataset_name="moons", hidden_units=8, epochs=ANIMATION_EPOCHS):
    """Kernel-free: the decision boundary and the loss at chosen epochs of one training run."""
    X, y = dataset(dataset_name)
    box = DATASETS[dataset_name]["box"]
    if all(e % SNAPSHOT_EVERY == 0 and e <= EPOCHS for e in epochs):
        run = _trained(dataset_name, hidden_units)[0]  # the demo's run, shared when already trained
    else:
        run = train_mlp(X, y, hidden_units, epochs=max(epochs), snapshot_epochs=epochs)
    xs, ys, points = grid(box, 70)
    fig, (ax, ax_loss) = new_figure(width=7.0, height=3.0, dpi=72, ncols=2, width_ratios=[1.1, 1],
                                    margins={"left": 0.09, "right": 0.97, "top": 0.86, "bottom": 0.16})
    image = ax.imshow(np.zeros((70, 70)), origin="lower", cmap=PROBABILITY_COLOURS, interpolation="nearest", vmin=0, vmax=1, extent=box,
                      aspect="auto", alpha=0.6)
    _draw_data(ax, X, y, size=8)
    ax.set_xlim(box[:2])
    ax.set_ylim(box[2:])
    _few_ticks(ax)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    title = ax.set_title("", fontsize=10)
    ax_loss.plot(np.arange(len(run.losses)), run.losses, color="tab:purple", alpha=0.3)
    (done,) = ax_loss.plot([], [], color="tab:purple", lw=1.5)
    (marker,) = ax_loss.plot([], [], "o", color="black", ms=5)
    _log_axis(ax_loss)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    status = ax_loss.set_title("", fontsize=10)
    contour = {"artist": None}

    def update(epoch):
        params = run.snapshots[epoch]
        probability = class_probability(params, points).reshape(70, 70)
        image.set_data(probability)
        if contour["artist"] is not None:
            contour["artist"].remove()
        with warnings.catch_warnings():  # a boundary may not cross the picture yet
            warnings.simplefilter("ignore")
            contour["artist"] = ax.contour(xs, ys, probability, levels=[0.5], colors="black",
                                           linewidths=1.2)
        done.set_data(np.arange(epoch + 1), run.losses[: epoch + 1])
        marker.set_data([epoch], [run.losses[epoch]])
        accuracy = np.mean((class_probability(params, X) > 0.5) == y)
        title.set_text(f"{dataset_name}, {hidden_units} hidden units: epoch {epoch}")
        status.set_text(f"loss {run.losses[epoch]:.3f}, accuracy {accuracy:.0%}")

    return animation(fig, update, epochs, interval=400)
