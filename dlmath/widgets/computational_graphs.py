"""The forward pass of a small computational graph, one node at a time.

* ``GraphFigure``: draws a dlmath graph on a matplotlib axes (a layered
  layout, one box per node) and can then change, cheaply, what each box
  shows: its value, its gradient, whether it is computed yet, an outline.
  The SVG pictures of ``dlmath.draw`` are for pages; this one is for
  widgets and animations, which need a matplotlib figure. The backpropagation
  demos reuse it.
* ``neuron_graph()``: the graph of one artificial neuron with two inputs,
  ``z = sigmoid(w1 * x1 + w2 * x2 + b)``, built in a fresh ``dm.Graph``.
* ``forward_pass_demo()``: live widget. Sliders for the inputs ``x1`` and
  ``x2``, the weight ``w1`` and the step of the forward pass; nodes are
  computed in dlmath's topological order, and a node lights up only when all
  its inputs have.
* ``forward_pass_animation()``: the kernel-free version for the book page:
  the same forward pass, one node per frame.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import dlmath as dm
from dlmath import draw
from dlmath.draw import format_value

from .figure import LiveFigure, animation, new_figure

# the colours of dlmath.draw, by the engine's node.kind, so both kinds of picture read the same
_DRAW_KIND = {"placeholder": "placeholder", "variable": "Variable", "constant": "constant",
              "operation": "op"}
FILL = {kind: draw.STYLE[word][0] for kind, word in _DRAW_KIND.items()}
EDGE = {kind: draw.STYLE[word][1] for kind, word in _DRAW_KIND.items()}
HIGHLIGHT = draw.HIGHLIGHT_COLOUR
GRADIENT = draw.GRADIENT_COLOUR
BOX_WIDTH, BOX_HEIGHT = 1.45, 1.0
KIND_WORD = {"placeholder": "placeholder", "variable": "Variable", "constant": "constant"}


def _short(value):
    """One line of text for a value (dlmath.draw's format, rows joined)."""
    return " ".join(line.strip() for line in format_value(value, max_items=3))


class GraphFigure:
    """A dlmath graph drawn on a matplotlib axes, with text that can change.

    ``positions`` (optional) maps node names to (x, y) centres in box units,
    overriding the automatic layered layout. After construction, call
    :meth:`show` to set what every box displays; ``artists`` lists everything
    :meth:`show` may change (for ``LiveFigure(animated=...)``).
    """

    def __init__(self, ax, outputs, positions=None, x_gap=2.05, y_gap=1.25):
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        self.ax = ax
        self.nodes = dm.topological_order(outputs)
        layout = draw.layered_positions(outputs)          # the layout of dlmath.draw
        self.xy = {}
        for node in self.nodes:
            if positions and node.name in positions:
                c, r = positions[node.name]
                self.xy[node] = (c * x_gap, r * y_gap)
            else:
                c, r = layout[node]
                self.xy[node] = (c * x_gap, -r * y_gap)
        self.veils, self.outlines, self.values, self.grads, self.arrows = {}, {}, {}, {}, {}
        # The axes limits are set at the end from the boxes' centres, so the patches go in with
        # add_artist: add_patch would also compute each curved patch's data limits (most of the
        # cost of building the picture), which nothing here uses. The pixels are the same.
        add = ax.add_artist
        for node in self.nodes:
            x, y = self.xy[node]
            for source in node.inputs:
                sx, sy = self.xy[source]
                ends = ((sx + BOX_WIDTH / 2, sy), (x - BOX_WIDTH / 2, y))
                style = dict(arrowstyle="-|>", mutation_scale=11, shrinkA=0, shrinkB=1)
                add(FancyArrowPatch(*ends, lw=1.1, color="#4b5563", **style))
                # a thick copy drawn on top when the arrow is "lit"; hidden (so not drawn) otherwise
                arrow = FancyArrowPatch(*ends, lw=2.4, color=HIGHLIGHT, visible=False, zorder=2,
                                        **style)
                add(arrow)
                self.arrows[(source, node)] = arrow
        for node in self.nodes:
            x, y = self.xy[node]
            rounding = 0.3 if node.kind == "operation" else 0.06
            style = f"round,pad=0,rounding_size={rounding}"
            corner = (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2)
            add(FancyBboxPatch(corner, BOX_WIDTH, BOX_HEIGHT, boxstyle=style,
                                        fc=FILL.get(node.kind, FILL["operation"]),
                                        ec=EDGE.get(node.kind, EDGE["operation"]), lw=1.3))
            # what changes from frame to frame is drawn over the static box: a veil
            # that fades a node not computed yet, an outline, and two lines of text
            self.veils[node] = add(FancyBboxPatch(
                corner, BOX_WIDTH, BOX_HEIGHT, boxstyle=style, fc="white", ec="none", alpha=0.72,
                visible=False, zorder=3))
            self.outlines[node] = add(FancyBboxPatch(
                (corner[0] - 0.05, corner[1] - 0.05), BOX_WIDTH + 0.1, BOX_HEIGHT + 0.1,
                boxstyle=f"round,pad=0,rounding_size={rounding + 0.05}", fc="none", ec=HIGHLIGHT,
                lw=3.0, visible=False, zorder=3))
            kind = KIND_WORD.get(node.kind)
            ax.text(x, y + 0.3, node.name, ha="center", va="center", fontsize=9, fontweight="bold")
            if kind is None:                   # an operation: show what it computes
                ax.text(x, y + 0.1, node.label, ha="center", va="center", fontsize=9,
                        color="#92400e")
            else:
                ax.text(x, y + 0.1, kind, ha="center", va="center", fontsize=7.5, style="italic",
                        color="#4b5563")
            self.values[node] = ax.text(x, y - 0.12, "", ha="center", va="center", fontsize=8,
                                        family="monospace", zorder=4)
            self.grads[node] = ax.text(x, y - 0.33, "", ha="center", va="center", fontsize=8,
                                       family="monospace", color=GRADIENT, zorder=4)
        xs = [p[0] for p in self.xy.values()]
        ys = [p[1] for p in self.xy.values()]
        ax.set_xlim(min(xs) - BOX_WIDTH / 2 - 0.1, max(xs) + BOX_WIDTH / 2 + 0.1)
        ax.set_ylim(min(ys) - BOX_HEIGHT / 2 - 0.1, max(ys) + BOX_HEIGHT / 2 + 0.1)
        ax.set_aspect("equal")
        ax.axis("off")

    @property
    def artists(self):
        return [*self.arrows.values(), *self.veils.values(), *self.outlines.values(),
                *self.values.values(), *self.grads.values()]

    def node(self, name):
        return next(n for n in self.nodes if n.name == name)

    def show(self, values=None, grads=None, active=None, highlight=(), lit_edges=(),
             edge_colour="#4b5563"):
        """Set what each box shows.

        ``values``/``grads``: dicts node -> array (missing nodes show nothing).
        ``active``: the nodes drawn in colour (None: all); the others are
        drawn faded, as "not computed yet". ``highlight``: nodes outlined in
        purple. ``lit_edges``: (source, target) pairs drawn thick in
        ``edge_colour``.
        """
        values = values or {}
        grads = grads or {}
        highlight = set(highlight)
        lit = set(lit_edges)
        for node in self.nodes:
            on = active is None or node in active
            self.veils[node].set_visible(not on)
            self.outlines[node].set_visible(node in highlight)
            self.values[node].set_text("= " + _short(values[node]) if node in values else "")
            self.grads[node].set_text("∂ " + _short(grads[node]) if node in grads else "")
        for pair, arrow in self.arrows.items():
            arrow.set_visible(pair in lit)
            arrow.set_color(edge_colour)


# ------------------------------------------------------------------ the neuron

WEIGHTS = {"w1": 0.5, "w2": -1.0, "b": 0.2}
POSITIONS = {  # (column, row): a hand-tidied version of the layered layout
    "w1": (0, 2.0), "x1": (0, 1.0), "x2": (0, -0.2), "w2": (0, -1.2), "b": (2, -1.2),
    "m1": (1, 1.5), "m2": (1, -0.7), "s1": (2, 0.4), "s": (3, -0.4), "z": (4, -0.4),
}


def neuron_graph(w1=WEIGHTS["w1"], w2=WEIGHTS["w2"], b=WEIGHTS["b"]):
    """``z = sigmoid(w1 * x1 + w2 * x2 + b)`` in a new graph; returns a dict of its nodes by name."""
    with dm.Graph().as_default():
        x1 = dm.placeholder(name="x1")
        x2 = dm.placeholder(name="x2")
        W1 = dm.Variable(w1, name="w1")
        W2 = dm.Variable(w2, name="w2")
        B = dm.Variable(b, name="b")
        m1 = dm.multiply(W1, x1, name="m1")
        m2 = dm.multiply(W2, x2, name="m2")
        s1 = dm.add(m1, m2, name="s1")
        s = dm.add(s1, B, name="s")
        z = dm.sigmoid(s, name="z")
    return {n.name: n for n in (x1, x2, W1, W2, B, m1, m2, s1, s, z)}


def forward_values(nodes, x1, x2):
    """Run the neuron graph once: {node: value} for every node, in one Session.run."""
    order = dm.topological_order([nodes["z"]])
    results = dm.Session().run(order, feed_dict={nodes["x1"]: x1, nodes["x2"]: x2})
    return dict(zip(order, results))


def _fmt(value):
    return _short(value)


def describe_step(node, values):
    """One sentence saying what computing ``node`` means, with its numbers."""
    if node.kind == "placeholder":
        return f"{node.name} is a placeholder: read its fed value, {_fmt(values[node])}"
    if node.kind == "variable":
        return f"{node.name} is a Variable: read its current value, {_fmt(values[node])}"
    if node.kind == "constant":
        return f"{node.name} is a constant: {_fmt(values[node])}"
    args = [f"{i.name}={_fmt(values[i])}" for i in node.inputs]
    return (f"{node.name} = {node.label}({', '.join(i.name for i in node.inputs)}) with "
            f"{', '.join(args)}: {_fmt(values[node])}")


def graph_and_text_figure(width, height, dpi=80, text_share=0.27):
    """A figure with a graph panel on top and a text panel under it (outside pyplot)."""
    fig, ax_graph = new_figure(width=width, height=height, dpi=dpi,
                               margins={"left": 0.01, "right": 0.99, "bottom": text_share,
                                        "top": 0.99})
    ax_text = fig.add_axes((0.02, 0.0, 0.96, text_share - 0.01))
    return fig, ax_graph, ax_text


def _forward_picture(ax_graph, ax_text, nodes):
    graph = GraphFigure(ax_graph, nodes["z"], positions=POSITIONS)
    order_text = ax_text.text(0.0, 0.97, "", ha="left", va="top", fontsize=9, family="monospace",
                              transform=ax_text.transAxes)
    step_text = ax_text.text(0.0, 0.38, "", ha="left", va="top", fontsize=9,
                             transform=ax_text.transAxes)
    ax_text.axis("off")
    return graph, order_text, step_text


def _show_forward_step(graph, order_text, step_text, values, step):
    """Show the forward pass after ``step`` nodes of the topological order are computed."""
    order = graph.nodes
    done = order[:step]
    shown = {n: values[n] for n in done}
    nxt = order[step] if step < len(order) else None
    graph.show(values=shown, active=set(done), highlight=[nxt] if nxt is not None else [],
               lit_edges=[(i, nxt) for i in nxt.inputs] if nxt is not None else [],
               edge_colour=HIGHLIGHT)
    waiting = [n.name for n in order[step + 1:]]
    order_text.set_text("computed: " + (" ".join(n.name for n in done) or "-")
                        + "\nnext:     " + (nxt.name if nxt is not None else "-")
                        + "\nwaiting:  " + (" ".join(waiting) or "-"))
    if nxt is None:
        step_text.set_text(f"step {step}/{len(order)}: all done, z = {_fmt(values[order[-1]])}")
    else:
        ready = ", ".join(i.name for i in nxt.inputs)
        why = (f"its inputs {ready} are all computed" if nxt.inputs
               else "a leaf: it has no inputs to wait for")
        step_text.set_text(f"step {step}/{len(order)}: next {describe_step(nxt, values)}\n"
                           f"({why})")


def forward_pass_demo():
    """Step the forward pass of one neuron, z = sigmoid(w1*x1 + w2*x2 + b), with sliders for x1, x2, w1."""
    nodes = neuron_graph()
    order = dm.topological_order([nodes["z"]])
    fig, ax_graph, ax_text = graph_and_text_figure(width=7.4, height=5.1)
    graph, order_text, step_text = _forward_picture(ax_graph, ax_text, nodes)

    def update(x1, x2, w1, step):
        nodes["w1"].value = np.array(w1)
        values = forward_values(nodes, x1, x2)
        _show_forward_step(graph, order_text, step_text, values, step)

    controls = {
        "x1": widgets.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="x1 (fed)"),
        "x2": widgets.FloatSlider(value=0.8, min=-3, max=3, step=0.1, description="x2 (fed)"),
        "w1": widgets.FloatSlider(value=WEIGHTS["w1"], min=-2, max=2, step=0.1,
                                  description="w1 (Variable)", style={"description_width": "initial"}),
        "step": widgets.IntSlider(value=len(order), min=0, max=len(order), description="step"),
    }
    live = LiveFigure(fig, update, controls,
                      animated=[*graph.artists, order_text, step_text])
    return live.widget


def forward_pass_animation(x1=1.0, x2=0.8):
    """Kernel-free: the forward pass of the neuron lighting up node by node, in topological order."""
    nodes = neuron_graph()
    values = forward_values(nodes, x1, x2)
    fig, ax_graph, ax_text = graph_and_text_figure(width=6.8, height=4.7, dpi=72)
    graph, order_text, step_text = _forward_picture(ax_graph, ax_text, nodes)

    def update(step):
        _show_forward_step(graph, order_text, step_text, values, step)

    return animation(fig, update, range(len(graph.nodes) + 1), interval=700)
