"""From dlmath to real frameworks: a tiny define-by-run autodiff, and pictures of both styles.

* ``Tensor``, ``tanh``, ``softmax_cross_entropy``, ``backward``: a tape-based,
  define-by-run automatic differentiation in a few dozen lines, the way
  PyTorch works. Every operation computes its value at once (ordinary NumPy)
  and appends a record ``(output, inputs, vjp)`` to the tape; ``backward(loss)``
  walks the tape in reverse and applies each vector-Jacobian product. The
  chapter writes the same code out in full.
* ``grad(f)``: JAX-style, a function that returns the gradients of ``f``.
* ``mlp_three_ways(...)``: the same two-layer network on the moons, trained
  with dlmath (define-then-run), with the tape (define-by-run) and with
  hand-written NumPy backprop; returns the three loss curves.
* ``tape_demo()``: a slider over the steps of one forward and backward pass,
  the graph built before running (dlmath, TensorFlow 1) beside the tape
  recorded while running (PyTorch).
* ``tape_animation()``: the same, kernel-free.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import FancyBboxPatch

import dlmath as dm
from dlmath import data

from .figure import LiveFigure, animation, new_figure

# ----------------------------------------------------------------- the tape

TAPE = []  # records (output, inputs, vjp) in the order the operations ran


class Tensor:
    """A NumPy value that remembers how it was computed."""

    def __init__(self, value, name=None):
        self.value = np.asarray(value, dtype=float)
        self.grad = None
        self.name = name

    def __add__(self, other):
        return _record(self.value + other.value, (self, other),
                       lambda g: (_unbroadcast(g, self.value.shape), _unbroadcast(g, other.value.shape)), "+")

    def __matmul__(self, other):
        return _record(self.value @ other.value, (self, other),
                       lambda g: (g @ other.value.T, self.value.T @ g), "@")

    def __repr__(self):
        return f"Tensor(shape {self.value.shape}{', ' + self.name if self.name else ''})"


def _unbroadcast(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    return g


def _record(value, inputs, vjp, label):
    out = Tensor(value, name=label)
    TAPE.append((out, inputs, vjp))
    return out


def tanh(x):
    t = np.tanh(x.value)
    return _record(t, (x,), lambda g: (g * (1 - t**2),), "tanh")


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of integer ``labels`` (a NumPy array, not differentiated)."""
    z = logits.value - logits.value.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    one_hot = np.eye(p.shape[1])[labels]
    return _record(loss, (logits,), lambda g: (g * (p - one_hot) / n,), "softmax_xent")


def backward(loss):
    """Fill ``.grad`` of every tensor on the tape that leads to ``loss``; then clear the tape."""
    grads = {id(loss): np.ones_like(loss.value)}
    for out, inputs, vjp in reversed(TAPE):
        g = grads.pop(id(out), None)
        if g is None:
            continue
        for x, gx in zip(inputs, vjp(g)):
            grads[id(x)] = grads.get(id(x), 0) + gx
            x.grad = grads[id(x)]
    TAPE.clear()


def grad(f):
    """JAX style: ``grad(f)(params)`` is the list of d f / d p for the arrays in ``params``."""
    def gradient(params, *args):
        tensors = [Tensor(p) for p in params]
        backward(f(tensors, *args))
        return [t.grad if t.grad is not None else np.zeros_like(t.value) for t in tensors]
    return gradient


# ----------------------------------------------------------------- one model, three ways


def init_params(hidden=8, seed=0):
    """``[W1, b1, W2, b2]`` for a 2-hidden-2 network, seeded."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(2, hidden)) / np.sqrt(2), np.zeros(hidden),
            rng.normal(size=(hidden, 2)) / np.sqrt(hidden), np.zeros(2)]


def numpy_loss_and_grads(params, X, y):
    """Forward and backward pass written out by hand in NumPy."""
    W1, b1, W2, b2 = params
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    Z0 = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z0) / np.exp(Z0).sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(P[np.arange(n), y]).mean()
    dZ = (P - np.eye(2)[y]) / n
    dH = dZ @ W2.T
    dA = dH * (1 - H**2)
    return loss, [X.T @ dA, dA.sum(axis=0), H.T @ dZ, dZ.sum(axis=0)]


def tape_loss(params, X, y):
    """The same network with the tape (``params`` are Tensors)."""
    W1, b1, W2, b2 = params
    H = tanh(Tensor(X) @ W1 + b1)
    return softmax_cross_entropy(H @ W2 + b2, y)


def mlp_three_ways(steps=200, learning_rate=0.5, hidden=8, seed=0):
    """Train the same network three ways; returns ``{style: losses}`` (``steps + 1`` values each)."""
    X, y = data.moons(200, noise=0.1, seed=seed)
    curves = {}

    # 1. define-then-run: dlmath builds the graph once, then runs it
    start = init_params(hidden, seed)
    graph = dm.Graph()
    with graph.as_default():
        Xp, yp = dm.placeholder(name="X"), dm.placeholder(name="y")
        W1, b1, W2, b2 = (dm.Variable(p, name=n) for p, n in zip(start, ["W1", "b1", "W2", "b2"]))
        loss = dm.softmax_cross_entropy(dm.tanh(Xp @ W1 + b1) @ W2 + b2, yp)
        train_op = dm.train.GradientDescentOptimizer(learning_rate).minimize(loss)
        session = dm.Session()
        losses = [session.run([train_op, loss], {Xp: X, yp: y})[1] for _ in range(steps)]
        losses.append(session.run(loss, {Xp: X, yp: y}))
    curves["dlmath (define-then-run)"] = np.array(losses)

    # 2. define-by-run: the tape is recorded anew at every step
    params = [Tensor(p) for p in init_params(hidden, seed)]
    losses = []
    for _ in range(steps):
        loss = tape_loss(params, X, y)
        losses.append(float(loss.value))
        backward(loss)
        for p in params:
            p.value = p.value - learning_rate * p.grad
    losses.append(float(tape_loss(params, X, y).value))
    TAPE.clear()
    curves["tape (define-by-run)"] = np.array(losses)

    # 3. NumPy with the gradients written by hand
    params = init_params(hidden, seed)
    losses = []
    for _ in range(steps):
        value, grads = numpy_loss_and_grads(params, X, y)
        losses.append(value)
        params = [p - learning_rate * g for p, g in zip(params, grads)]
    losses.append(numpy_loss_and_grads(params, X, y)[0])
    curves["NumPy by hand"] = np.array(losses)
    return curves


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
