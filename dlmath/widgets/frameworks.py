"""Pictures of the two styles of framework: a graph built before running, a tape recorded while running.

The tape autodiff itself (``Tensor``, ``backward``, ``grad``, ``mlp_three_ways``)
is in ``dlmath.course.frameworks``.

* ``tape_demo()``: a slider over the steps of one forward and backward pass,
  the graph built before running (dlmath, TensorFlow 1) beside the tape
  recorded while running (PyTorch).
* ``tape_animation()``: the same, kernel-free."""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.patches import FancyBboxPatch

from .figure import LiveFigure, animation, new_figure



# ----------------------------------------------------------------- pictures of the two styles

# The network's forward pass: (name, label, inputs), leaves first, in execution order.
_NODES = [
    ("X", "X", ()), ("W1", "W1", ()), ("b1", "b1", ()), ("W2", "W2", ()), ("b2", "b2", ()),
    ("y", "y", ()),
    ("XW1", "@", ("X", "W1")), ("A", "+", ("XW1", "b1")), ("H", "tanh", ("A",)),
    ("HW2", "@", ("H", "W2")), ("Z", "+", ("HW2", "b2")), ("L", "softmax_xent", ("Z", "y")),
]
_POSITIONS = {"X": (0, 3), "W1": (0, 2), "b1": (0, 1), "W2": (0, 0), "b2": (0, -1), "y": (0, -2),
              "XW1": (1, 2.5), "A": (2, 2), "H": (3, 1.5), "HW2": (4, 1), "Z": (5, 0.5), "L": (6, 0)}
_OPS = [n for n, _, inputs in _NODES if inputs]
_LEAVES = [n for n, _, inputs in _NODES if not inputs]
STEPS = 2 * len(_OPS)   # forward: one op per step; backward: one op per step


def _state(step):
    """Which ops have run forward, and which have been visited backward, after ``step`` steps."""
    forward = _OPS[:min(step, len(_OPS))]
    backward_done = list(reversed(_OPS))[:max(0, step - len(_OPS))]
    return forward, backward_done


def _caption(step):
    if step == 0:
        return "before running: dlmath has the whole graph, the tape is empty"
    if step <= len(_OPS):
        name = _OPS[step - 1]
        label = dict((n, l) for n, l, _ in _NODES)[name]
        return f"forward step {step}: {label} runs (and the tape records it)"
    k = step - len(_OPS)
    name = list(reversed(_OPS))[k - 1]
    label = dict((n, l) for n, l, _ in _NODES)[name]
    return f"backward step {k}: gradient through {label} (tape read in reverse)"


def _panel(ax, title):
    """Draw nodes and edges once; return the artists to restyle per step."""
    ax.set_xlim(-0.6, 6.9)
    ax.set_ylim(-2.7, 3.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    boxes, labels, edges = {}, {}, {}
    for name, label, inputs in _NODES:
        x, y = _POSITIONS[name]
        for source in inputs:
            sx, sy = _POSITIONS[source]
            (edges[(source, name)],) = ax.plot([sx + 0.3, x - 0.3], [sy, y], color="0.5", lw=1, zorder=1)
        width = 0.62 if len(label) < 5 else 1.1
        box = FancyBboxPatch((x - width / 2, y - 0.25), width, 0.5, boxstyle="round,pad=0.05",
                             fc="white", ec="0.3", lw=1, zorder=2)
        ax.add_patch(box)
        boxes[name] = box
        labels[name] = ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=3)
    return boxes, labels, edges


def _style(step, graph_artists, tape_artists, tape_text, caption):
    forward, back = _state(step)
    for artists, shows_all in ((graph_artists, True), (tape_artists, False)):
        boxes, labels, edges = artists
        for name, label, inputs in _NODES:
            exists = shows_all or not inputs or name in forward
            done = not inputs or name in forward
            colour = "#f4b183" if name in back else ("#9dc3e6" if done and inputs else "white")
            boxes[name].set_facecolor(colour)
            boxes[name].set_visible(exists)
            boxes[name].set_linestyle("-" if done else "--")
            labels[name].set_visible(exists)
            labels[name].set_alpha(1.0 if done else 0.45)
            for source in inputs:
                edges[(source, name)].set_visible(exists)
                carries_gradient = name in back and source not in ("X", "y")  # data get no gradient
                edges[(source, name)].set_color("#c55a11" if carries_gradient else "0.5")
    lines = [f"{i + 1}. {dict((n, l) for n, l, _ in _NODES)[name]}" for i, name in enumerate(forward)]
    tape_text.set_text("tape:\n" + ("\n".join(lines) if lines else "(empty)"))
    caption.set_text(_caption(step))


def _figure(dpi=None):
    kwargs = {} if dpi is None else {"dpi": dpi}
    fig, (ax_graph, ax_tape) = new_figure(width=9.0, height=3.4, ncols=2, **kwargs,
                                          margins={"left": 0.01, "right": 0.99, "top": 0.86,
                                                   "bottom": 0.09, "wspace": 0.04})
    graph_artists = _panel(ax_graph, "define-then-run (dlmath, TensorFlow 1)")
    tape_artists = _panel(ax_tape, "define-by-run (PyTorch): the tape")
    tape_text = ax_tape.text(5.4, 3.45, "", ha="left", va="top", fontsize=7, family="monospace")
    caption = fig.text(0.5, 0.015, "", ha="center", va="bottom", fontsize=9)
    return fig, graph_artists, tape_artists, tape_text, caption


def tape_demo():
    """Step through one forward and backward pass: the graph built upfront vs the tape recorded as code runs."""
    fig, graph_artists, tape_artists, tape_text, caption = _figure()

    def update(step):
        _style(step, graph_artists, tape_artists, tape_text, caption)

    slider = widgets.IntSlider(value=3, min=0, max=STEPS, description="step")
    return LiveFigure(fig, update, {"step": slider}).widget


def tape_animation():
    """Kernel-free: the forward pass recorded on the tape, then the backward pass reading it in reverse."""
    fig, graph_artists, tape_artists, tape_text, caption = _figure(dpi=72)

    def update(step):
        _style(step, graph_artists, tape_artists, tape_text, caption)

    return animation(fig, update, range(STEPS + 1), interval=700)
