"""The backward pass of a small graph, one operation at a time.

* ``neuron_loss_graph()``: one neuron with a squared-error loss and weight
  decay, ``L = (sigmoid(w * x + b) - t)^2 + lam * w^2``, built in a fresh
  ``dm.Graph``. The weight ``w`` is used twice (by the neuron and by the
  decay term), so its gradient is a sum of two contributions.
* ``backward_steps(loss, feed_dict)``: reverse-mode accumulation written out
  with each operation's own ``backward`` rule, recording the gradients after
  every operation, so a picture can replay it.
* ``backward_pass_demo()``: live widget. Sliders for the input ``x``, the
  weight ``w``, the target ``t`` and the step of the backward pass; the
  operation being processed is outlined, the arrows to its inputs turn red,
  and the text says which product of the chain rule was added where.
* ``backward_pass_animation()``: the kernel-free version for the book page.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

import dlmath as dm

from .computational_graphs import GRADIENT, GraphFigure, _short, graph_and_text_figure
from .figure import LiveFigure, animation

PARAMETERS = {"w": 0.6, "b": -0.3, "lam": 0.1}
INPUTS = {"x": 1.5, "t": 1.0}
POSITIONS = {  # (column, row), a hand-tidied layered layout
    "w": (0, 1.6), "x": (0, 0.4), "m": (1, 1.0), "b": (1, -0.2), "s": (2, 0.5), "z": (3, 0.5),
    "t": (3, -0.7), "d": (4, 0.0), "e": (5, 0.0), "r": (4, 2.0), "lam": (4, 3.05), "q": (5, 2.5),
    "L": (6, 1.25),
}


def neuron_loss_graph(w=PARAMETERS["w"], b=PARAMETERS["b"], lam=PARAMETERS["lam"]):
    """``L = (sigmoid(w*x + b) - t)^2 + lam * w^2`` in a new graph; returns a dict of its nodes by name."""
    with dm.Graph().as_default():
        x, t = dm.placeholder(name="x"), dm.placeholder(name="t")
        W, B = dm.Variable(w, name="w"), dm.Variable(b, name="b")
        lam_node = dm.constant(lam, name="lam")
        m = dm.multiply(W, x, name="m")
        s = dm.add(m, B, name="s")
        z = dm.sigmoid(s, name="z")
        d = dm.subtract(z, t, name="d")
        e = dm.square(d, name="e")
        r = dm.square(W, name="r")
        q = dm.multiply(lam_node, r, name="q")
        L = dm.add(e, q, name="L")
    return {n.name: n for n in (x, t, W, B, lam_node, m, s, z, d, e, r, q, L)}


def backward_steps(loss, feed_dict=None):
    """Reverse-mode accumulation, recorded step by step.

    Returns ``(values, steps)``: the forward value of every node, and a list
    whose first item describes the seed (``dL/dL = 1``) and each further item
    one operation, as a dict with ``op`` (None for the seed), ``grads`` (every
    gradient known after this step, a new dict) and ``sent`` (a list of
    ``(input node, contribution)`` pairs this operation added).
    """
    order = dm.topological_order([loss])
    values = dict(zip(order, dm.Session().run(order, feed_dict=feed_dict)))
    grads = {loss: np.ones_like(values[loss])}
    steps = [{"op": None, "grads": dict(grads), "sent": []}]
    for op in reversed(order):                     # consumers before their inputs
        if not isinstance(op, dm.Operation) or op not in grads:
            continue
        inputs = tuple(values[node] for node in op.inputs)
        input_grads = op.backward(grads[op], inputs, values[op])
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        sent = []
        for node, g in zip(op.inputs, input_grads):
            if g is None:
                continue
            g = dm.unbroadcast(g, np.shape(values[node]))
            grads[node] = grads[node] + g if node in grads else g   # sum over consumers
            sent.append((node, g))
        steps.append({"op": op, "grads": dict(grads), "sent": sent})
    return values, steps


def _consumers_in(node, nodes):
    return [c for c in node.consumers if c in nodes]


def describe_backward_step(step, values, nodes, number, total):
    """Two or three lines saying what this step of the backward pass did."""
    op = step["op"]
    if op is None:
        return (f"step 0/{total}: the forward pass is done (values in black). Seed the backward "
                f"pass: dL/dL = 1.\nNext, each operation, consumers first, sends gradients to its inputs.")
    upstream = step["grads"][op]
    lines = [f"step {number}/{total}: {op.name} = {op.label}({', '.join(i.name for i in op.inputs)}), "
             f"dL/d{op.name} = {_short(upstream)}"]
    for node, g in step["sent"]:
        local = ""
        if np.size(upstream) == 1 and float(upstream) != 0:
            local = f" = {_short(upstream)} * d{op.name}/d{node.name} ({_short(g / upstream)})"
        users = _consumers_in(node, nodes)
        share = (f"; {node.name} has {len(users)} consumers, sum so far {_short(step['grads'][node])}"
                 if len(users) > 1 else "")
        lines.append(f"  dL/d{node.name} += {_short(g)}{local}{share}")
    return "\n".join(lines)


def _picture(ax_graph, ax_text, nodes):
    graph = GraphFigure(ax_graph, nodes["L"], positions=POSITIONS)
    text = ax_text.text(0.0, 0.97, "", ha="left", va="top", fontsize=8.5, family="monospace",
                        transform=ax_text.transAxes)
    ax_text.axis("off")
    return graph, text


def _show_backward_step(graph, text, values, steps, k):
    step = steps[k]
    op = step["op"]
    graph.show(values=values, grads=step["grads"],
               highlight=[op] if op is not None else [graph.node("L")],
               lit_edges=[(node, op) for node, _ in step["sent"]], edge_colour=GRADIENT)
    text.set_text(describe_backward_step(step, values, set(graph.nodes), k, len(steps) - 1))


def backward_pass_demo():
    """Step the backward pass of L = (sigmoid(w*x + b) - t)^2 + lam*w^2, with sliders for x, w, t."""
    nodes = neuron_loss_graph()
    _, steps = backward_steps(nodes["L"], {nodes["x"]: INPUTS["x"], nodes["t"]: INPUTS["t"]})
    fig, ax_graph, ax_text = graph_and_text_figure(width=8.6, height=4.7, dpi=72, text_share=0.2)
    graph, text = _picture(ax_graph, ax_text, nodes)

    def update(x, w, t, step):
        nodes["w"].value = np.array(w)
        values, steps = backward_steps(nodes["L"], {nodes["x"]: x, nodes["t"]: t})
        _show_backward_step(graph, text, values, steps, min(step, len(steps) - 1))

    controls = {
        "x": widgets.FloatSlider(value=INPUTS["x"], min=-3, max=3, step=0.1, description="x (fed)"),
        "w": widgets.FloatSlider(value=PARAMETERS["w"], min=-2, max=2, step=0.1,
                                 description="w (Variable)", style={"description_width": "initial"}),
        "t": widgets.FloatSlider(value=INPUTS["t"], min=0, max=1, step=0.05, description="t (fed)"),
        "step": widgets.IntSlider(value=len(steps) - 1, min=0, max=len(steps) - 1,
                                  description="backward step", style={"description_width": "initial"}),
    }
    live = LiveFigure(fig, update, controls, animated=[*graph.artists, text])
    return live.widget


def backward_pass_animation(x=INPUTS["x"], t=INPUTS["t"]):
    """Kernel-free: the backward pass of the neuron's loss, one operation per frame."""
    nodes = neuron_loss_graph()
    values, steps = backward_steps(nodes["L"], {nodes["x"]: x, nodes["t"]: t})
    fig, ax_graph, ax_text = graph_and_text_figure(width=8.0, height=4.4, dpi=72, text_share=0.2)
    graph, text = _picture(ax_graph, ax_text, nodes)

    def update(k):
        _show_backward_step(graph, text, values, steps, k)

    return animation(fig, update, range(len(steps)), interval=900)
