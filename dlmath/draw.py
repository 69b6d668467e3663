"""Pictures of computational graphs, drawn as SVG with nothing but Python.

``draw_graph(loss)`` returns a :class:`GraphPicture` that Jupyter, JupyterLab,
Binder and the HTML book all display, because it hands them SVG text through
``_repr_svg_`` / ``_repr_html_``. There is no dependency on the graphviz
program and no network access: the layout is computed here.

How the picture is laid out (the classic "layered" drawing of a directed
graph, in four steps):

1. **Layers.** Data flows left to right. Every operation sits one column to
   the right of its furthest input (longest path from the inputs), so each
   arrow points rightwards. Placeholders, Variables and constants are moved
   to the column just left of their first consumer, so a weight sits next to
   the operation that uses it rather than far away in column 0.
2. **Long edges.** An arrow that jumps over several columns gets an invisible
   waypoint in every column it crosses, so it can bend around the boxes.
3. **Order within a column.** Boxes are reordered by the average position
   of their neighbours (the barycenter heuristic), sweeping back and forth a
   few times, and the order with the fewest arrow crossings is kept.
4. **Positions.** Each box is placed as close as possible to the average
   height of its neighbours, without overlapping the boxes above and below
   it (a small least-squares problem solved exactly by pool-adjacent-
   violators).

Boxes have one shape per kind of node: a parallelogram for a placeholder
(the flowchart symbol for input), a double-bordered rectangle for a Variable
(state that persists between runs), a plain grey rectangle for a constant
and an ellipse for an operation. Optionally each box also shows the value the
node took in a run (black) and the gradient of the loss with respect to it
(red), so a lesson can show the forward pass and the backward pass on the
same picture; ``highlight`` outlines chosen boxes, e.g. to step through the
backward pass one node at a time.

The SVG text is deterministic: the same graph and values always give the
same bytes (no random ids, fixed number formatting), which the strict
notebook comparison of the course's tests relies on.
"""

from __future__ import annotations

import math
import os
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from .graph import topological_order

__all__ = ["GraphPicture", "draw_graph", "format_value"]


# --------------------------------------------------------------------------
# looks
# --------------------------------------------------------------------------

FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"

# fill, stroke and a word for each kind of node; fills are set explicitly so
# the picture reads the same on a light or a dark page
STYLE = {
    "placeholder": ("#dbeafe", "#1d4ed8"),
    "Variable": ("#dcfce7", "#15803d"),
    "constant": ("#f3f4f6", "#6b7280"),
    "op": ("#fef3c7", "#b45309"),
}
TEXT_COLOUR = "#111827"
KIND_COLOUR = "#4b5563"
VALUE_COLOUR = "#111827"
GRADIENT_COLOUR = "#b91c1c"
HIGHLIGHT_COLOUR = "#7c3aed"
EDGE_COLOUR = "#4b5563"
BACKGROUND = "#ffffff"

NAME_SIZE = 13
SMALL_SIZE = 11
LINE_GAP = 3
PAD_X = 10
PAD_Y = 7
SLANT = 10  # horizontal lean of the placeholder parallelogram
COLUMN_GAP = 56
ROW_GAP = 20
MARGIN = 16
ARROW = 8
DUMMY_HEIGHT = 6


def _text_width(text, size, mono=False, bold=False):
    """A safe guess of how wide ``text`` is drawn, in pixels.

    SVG has no way to measure text before it is shown, so box sizes use
    average character widths of the fonts named above (slightly generous).
    """
    per_char = 0.61 if mono else (0.66 if bold else 0.6)
    return len(text) * size * per_char


# --------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------

def _number(x):
    """A number in at most 3 significant digits, without a '-0'."""
    if isinstance(x, (bool, np.bool_)):
        return "True" if x else "False"
    if isinstance(x, (complex, np.complexfloating)):
        return f"{complex(x):.3g}"
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.3g}"


def format_value(value, max_items=5, max_rows=3, max_cols=4):
    """Lines of text that show ``value`` compactly.

    * a scalar: ``['0.25']``;
    * a short vector: ``['[1 2 3]']``;
    * a small matrix: one line per row, ``['[[1 2]', ' [3 4]]']``;
    * anything bigger: its shape and the first few numbers,
      ``['(64, 16): 0.12 -0.3 0.5 …']``.

    Numbers have at most 3 significant digits and round-off noise below
    1e-12 (relative to the largest entry) prints as 0, so the text (and the
    picture) is the same on every machine.
    """
    if value is None:
        return ["—"]
    array = np.asarray(value)
    if array.dtype == object:
        return [str(value)]
    if np.issubdtype(array.dtype, np.floating) and array.size:
        # round-off noise such as 2.8e-17 where the exact answer is 0 depends
        # on the machine's BLAS; show it as 0 so pictures match everywhere
        finite = np.abs(array[np.isfinite(array)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        array = np.where(np.abs(array) < 1e-12 * scale, 0.0, array)
    if array.ndim == 0:
        return [_number(array.item())]
    if array.ndim == 1 and array.size <= max_items:
        return ["[" + " ".join(_number(v) for v in array) + "]"]
    if array.ndim == 2 and array.shape[0] <= max_rows and array.shape[1] <= max_cols and array.size:
        rows = [" ".join(_number(v) for v in row) for row in array]
        lines = []
        for i, row in enumerate(rows):
            opening = "[[" if i == 0 else " ["
            closing = "]]" if i == len(rows) - 1 else "]"
            lines.append(opening + row + closing)
        return lines
    shape = "(" + ", ".join(str(d) for d in array.shape) + ("," if array.ndim == 1 else "") + ")"
    flat = array.ravel()
    if not flat.size:
        return [f"{shape}: empty"]
    shown = " ".join(_number(v) for v in flat[:3])
    more = " …" if flat.size > 3 else ""
    return [f"{shape}: {shown}{more}"]


# --------------------------------------------------------------------------
# reading the engine's graph
# --------------------------------------------------------------------------

_KINDS = {"placeholder": "placeholder", "variable": "Variable", "constant": "constant",
          "operation": "op", "update": "op"}


def _kind(node):
    """'placeholder', 'Variable', 'constant' or 'op' from the engine's ``node.kind``
    (a training step, or a node of a kind this module does not know, counts as an op)."""
    return _KINDS.get(node.kind, "op")


def _op_label(node):
    """What an operation computes, e.g. '@' or 'sigmoid' (the engine's ``label``)."""
    label = getattr(node, "label", None)
    if isinstance(label, str) and label:
        return label
    return type(node).__name__.lower()


# --------------------------------------------------------------------------
# the picture
# --------------------------------------------------------------------------

class GraphPicture:
    """An SVG drawing of a computational graph.

    Jupyter shows it inline (``_repr_html_`` embeds the SVG so the tooltips
    work; ``_repr_svg_`` is there for front ends that prefer images).
    ``picture.svg`` is the SVG text and ``picture.save(path)`` writes it.
    """

    def __init__(self, svg, node_count, edge_count, title):
        self.svg = svg
        self.node_count = node_count
        self.edge_count = edge_count
        self.title = title

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        # let the picture shrink to the page width, keeping its proportions
        svg = self.svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
        return f'<div class="dlmath-graph" style="overflow-x:auto">{svg}</div>'


    def __repr__(self):
        # deterministic, because notebooks store it as the text/plain output
        return f"<GraphPicture: {self.node_count} nodes, {self.edge_count} edges>"

    def __str__(self):
        return self.svg

    def save(self, path):
        """Write the SVG to ``path`` (a ``.svg`` file) and return the path."""
        with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(self.svg)
        return path


class _Box:
    """A node, or an invisible waypoint of a long edge, in the layout."""

    __slots__ = ("index", "node", "kind", "lines", "width", "height", "layer",
                 "pos", "x", "y", "ins", "outs", "dummy", "highlight", "tooltip")

    def __init__(self, index, node=None):
        self.index = index
        self.node = node
        self.dummy = node is None
        self.kind = None
        self.lines = []
        self.width = 0.0
        self.height = DUMMY_HEIGHT
        self.layer = 0
        self.pos = 0.0
        self.x = 0.0
        self.y = 0.0
        self.ins = []   # boxes one layer to the left that have an edge to this one
        self.outs = []  # boxes one layer to the right
        self.highlight = False
        self.tooltip = ""


def _as_list(node_or_nodes):
    if isinstance(node_or_nodes, (list, tuple, set, frozenset)):
        nodes = list(node_or_nodes)
    else:
        nodes = [node_or_nodes]
    if not nodes:
        raise ValueError("draw_graph needs at least one node to draw")
    return nodes


def _lookup(mapping, node):
    """``mapping[node]``, where the keys may be nodes or node names."""
    if mapping is None:
        return None
    try:
        if node in mapping:
            return mapping[node]
    except TypeError:
        pass
    name = getattr(node, "name", None)
    if name is not None and name in mapping:
        return mapping[name]
    return None


def _compute_values(nodes, feed_dict):
    """Run the graph once and return ``{node: value}``.

    A training step (the node ``minimize`` returns) is left out: running it
    would change the Variables, and drawing a picture must not train.
    """
    from .session import Session

    wanted = [node for node in nodes if getattr(node, "kind", None) != "update"]
    if not wanted:
        return {}
    results = Session().run(wanted, feed_dict=feed_dict)
    return dict(zip(wanted, results))


def _compute_gradients(loss, feed_dict):
    """``{node: d loss / d node}`` for every node the loss depends on."""
    from .session import compute_gradients
    return compute_gradients(loss, feed_dict=feed_dict)


def _needs_feed(kinds):
    return "placeholder" in kinds


def _check_nodes(nodes):
    from .errors import GraphError

    for node in nodes:
        if not hasattr(node, "inputs") or not hasattr(node, "name"):
            raise GraphError(
                f"draw_graph draws nodes of a dlmath graph, got "
                f"{type(node).__name__} {node!r:.60}; pass the loss (or a list of "
                "nodes) returned by dlmath functions")


def draw_graph(node_or_nodes, feed_dict=None, *, values=True, gradients=None,
               highlight=None, title=None, legend=None, max_items=5):
    """Draw the graph that computes ``node_or_nodes``.

    Parameters
    ----------
    node_or_nodes:
        A node (usually the loss) or a list of nodes; the picture holds them
        and everything they are computed from.
    feed_dict:
        Values for the placeholders. When given (or when the graph has no
        placeholders) the graph is run once and each box shows its value.
    values:
        ``True`` to show values when they can be computed, ``False`` for the
        bare structure, or a dict ``{node or name: value}`` to show values you
        computed yourself.
    gradients:
        ``None`` for no gradients; a node (the loss) to compute and show
        d loss / d node on every box, using ``feed_dict``; or a dict
        ``{node or name: gradient}`` you computed yourself, e.g. the result of
        ``compute_gradients``.
    highlight:
        A node, a name, or a list of them, to outline in purple.
    title:
        Text for the accessible title (what a screen reader announces and a
        browser shows on hover). A sensible description is made up if omitted.
    legend:
        Draw a key of the box shapes under the graph. By default the key is
        drawn only when gradients are shown.
    max_items:
        Vectors with up to this many numbers are printed in full; bigger
        arrays are summarised by their shape and first numbers.

    Returns a :class:`GraphPicture`.
    """
    outputs = _as_list(node_or_nodes)
    _check_nodes(outputs)
    nodes = topological_order(outputs)   # the engine's order: inputs before consumers
    kinds = [_kind(node) for node in nodes]

    # --- what to print in each box ----------------------------------------
    value_of = None
    if isinstance(values, dict):
        value_of = values
    elif values and (feed_dict is not None or not _needs_feed(kinds)):
        value_of = _compute_values(nodes, feed_dict)

    gradient_of = None
    loss_name = None
    if isinstance(gradients, dict):
        gradient_of = gradients
    elif gradients is not None:
        _check_nodes([gradients])
        gradient_of = _compute_gradients(gradients, feed_dict)
        loss_name = getattr(gradients, "name", None)

    highlighted = set()
    if highlight is not None:
        for item in _as_list(highlight):
            highlighted.add(("name", item) if isinstance(item, str) else ("id", id(item)))

    boxes = []
    box_of = {}
    for index, (node, kind) in enumerate(zip(nodes, kinds)):
        box = _Box(index, node)
        box.kind = kind
        name = getattr(node, "name", None) or f"{kind}_{index}"
        label = _op_label(node) if kind == "op" else kind
        lines = [("name", str(name)), ("kind", str(label))]
        tip = [f"{name} ({label})"]
        value = None
        if value_of is not None:
            value = _lookup(value_of, node)
        elif values is not False and kind == "constant":
            value = getattr(node, "value", None)  # known without running anything
        if value is not None:
            text = format_value(value, max_items=max_items)
            lines += [("value", ("= " if i == 0 else "  ") + t) for i, t in enumerate(text)]
            shape = np.shape(value)
            tip.append(f"value{' ' + str(shape) if shape else ''}: " + " ".join(text))
        if gradient_of is not None:
            grad = _lookup(gradient_of, node)
            if grad is not None:
                text = format_value(grad, max_items=max_items)
                lines += [("grad", ("∂L " if i == 0 else "   ") + t) for i, t in enumerate(text)]
                tip.append("gradient of the loss: " + " ".join(text))
        box.lines = lines
        box.tooltip = "\n".join(tip)
        box.highlight = ("id", id(node)) in highlighted or ("name", name) in highlighted
        _size(box)
        boxes.append(box)
        box_of[id(node)] = box

    edges = []  # (source box, target box, input position)
    for box in boxes:
        for position, child in enumerate(box.node.inputs):
            edges.append((box_of[id(child)], box, position))

    layers, chains = _layer(boxes, edges)
    _order(layers)
    _place(layers)
    svg = _render(boxes, layers, chains, edges, outputs, loss_name, title,
                  legend if legend is not None else gradient_of is not None,
                  value_of is not None, gradient_of is not None)
    return GraphPicture(svg, len(boxes), len(edges), _title_text(boxes, outputs, title))


# --------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------

def layered_positions(outputs):
    """``{node: (column, row)}``: where ``draw_graph`` puts each node the outputs depend on.

    Columns count from the left (data flows left to right; an operation one
    column right of its furthest input, a leaf just left of its first
    consumer); rows are the order within a column after crossing reduction,
    centred on 0 (waypoints of long edges take rows too). The matplotlib demos
    (``dlmath.widgets.computational_graphs``) use it, so both pictures agree.
    """
    nodes = topological_order(_as_list(outputs))
    boxes = [_Box(i, node) for i, node in enumerate(nodes)]
    box_of = {id(node): box for node, box in zip(nodes, boxes)}
    edges = [(box_of[id(child)], box, position)
             for box in boxes for position, child in enumerate(box.node.inputs)]
    layers, _ = _layer(boxes, edges)
    _order(layers)
    return {box.node: (box.layer, i - (len(layer) - 1) / 2)
            for layer in layers for i, box in enumerate(layer) if not box.dummy}


def _size(box):
    width = 0.0
    height = 0.0
    for role, text in box.lines:
        if role == "name":
            width = max(width, _text_width(text, NAME_SIZE, bold=True))
            height += NAME_SIZE + LINE_GAP
        else:
            width = max(width, _text_width(text, SMALL_SIZE, mono=role in ("value", "grad")))
            height += SMALL_SIZE + LINE_GAP
    height -= LINE_GAP
    width += 2 * PAD_X
    height += 2 * PAD_Y
    if box.kind == "op":  # the ellipse must reach around the text's corners
        width *= 1.3
        height *= 1.35
    elif box.kind == "placeholder":
        width += 2 * SLANT
    elif box.kind == "Variable":
        width += 6
        height += 6
    box.width = max(width, 44.0)
    box.height = max(height, 30.0)


def _layer(boxes, edges):
    """Columns for the boxes, and waypoints for edges that skip columns."""
    sources = {}
    consumers = {}
    for source, target, _ in edges:
        sources.setdefault(target.index, []).append(source)
        consumers.setdefault(source.index, []).append(target)
    for box in boxes:  # boxes are in topological order: inputs first
        ins = sources.get(box.index)
        box.layer = max(s.layer for s in ins) + 1 if ins else 0
    for box in boxes:  # leaves move next to their first consumer
        if not sources.get(box.index) and box.index in consumers:
            box.layer = min(t.layer for t in consumers[box.index]) - 1
    shift = min(box.layer for box in boxes)
    for box in boxes:
        box.layer -= shift

    layer_count = max(box.layer for box in boxes) + 1
    layers = [[] for _ in range(layer_count)]
    for box in boxes:
        layers[box.layer].append(box)

    chains = {}  # edge number -> list of boxes from source to target
    next_index = len(boxes)
    for number, (source, target, _) in enumerate(edges):
        chain = [source]
        previous = source
        for layer in range(source.layer + 1, target.layer):
            dummy = _Box(next_index)
            next_index += 1
            dummy.layer = layer
            layers[layer].append(dummy)
            previous.outs.append(dummy)
            dummy.ins.append(previous)
            chain.append(dummy)
            previous = dummy
        previous.outs.append(target)
        target.ins.append(previous)
        chain.append(target)
        chains[number] = chain
    return layers, chains


def _crossings(layers):
    total = 0
    for left, right in zip(layers, layers[1:]):
        position = {id(box): i for i, box in enumerate(right)}
        pairs = sorted(
            (i, position[id(out)]) for i, box in enumerate(left) for out in box.outs
        )
        targets = [t for _, t in pairs]
        # count inversions (pairs of edges that cross); layers are small
        for a in range(len(targets)):
            ta = targets[a]
            for b in range(a + 1, len(targets)):
                if targets[b] < ta and pairs[b][0] != pairs[a][0]:
                    total += 1
    return total


def _order(layers, sweeps=8):
    """Reorder each column by the barycenter of the neighbours' positions."""
    for layer in layers:
        for i, box in enumerate(layer):
            box.pos = float(i)
    best = [list(layer) for layer in layers]
    best_crossings = _crossings(layers)
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        sequence = range(1, len(layers)) if forward else range(len(layers) - 2, -1, -1)
        for k in sequence:
            layer = layers[k]
            keyed = []
            for box in layer:
                neighbours = box.ins if forward else box.outs
                if neighbours:
                    centre = sum(n.pos for n in neighbours) / len(neighbours)
                else:
                    centre = box.pos
                keyed.append((centre, box.pos, box.index, box))
            keyed.sort(key=lambda item: item[:3])
            layers[k] = [item[3] for item in keyed]
            for i, box in enumerate(layers[k]):
                box.pos = float(i)
        crossings = _crossings(layers)
        if crossings < best_crossings:
            best_crossings = crossings
            best = [list(layer) for layer in layers]
        if best_crossings == 0:
            break
    layers[:] = best
    for layer in layers:
        for i, box in enumerate(layer):
            box.pos = float(i)


def _isotonic(targets, weights):
    """Non-decreasing sequence closest to ``targets`` (pool adjacent violators)."""
    blocks = []  # [mean, weight, count]
    for value, weight in zip(targets, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            w = w1 + w2
            blocks.append([(m1 * w1 + m2 * w2) / w, w, c1 + c2])
    result = []
    for mean, _, count in blocks:
        result.extend([mean] * count)
    return result


def _fit_column(layer, wanted):
    """Centres as close to ``wanted`` as the boxes' heights allow, order kept."""
    offsets = []
    offset = 0.0
    for i, box in enumerate(layer):
        if i:
            offset += (layer[i - 1].height + box.height) / 2 + _gap(layer[i - 1], box)
        offsets.append(offset)
    weights = [0.2 if box.dummy else 1.0 for box in layer]
    fitted = _isotonic([w - o for w, o in zip(wanted, offsets)], weights)
    for box, z, o in zip(layer, fitted, offsets):
        box.y = z + o


def _gap(upper, lower):
    return ROW_GAP / 2 if (upper.dummy or lower.dummy) else ROW_GAP


def _place(layers):
    """x from the column widths, y by repeatedly pulling boxes to their neighbours."""
    x = MARGIN
    for layer in layers:
        width = max(box.width for box in layer)
        for box in layer:
            box.x = x + width / 2
        x += width + COLUMN_GAP
    for layer in layers:
        _fit_column(layer, [0.0] * len(layer))
    for sweep in range(6):
        forward = sweep % 2 == 0
        sequence = range(len(layers)) if forward else range(len(layers) - 1, -1, -1)
        for k in sequence:
            layer = layers[k]
            wanted = []
            for box in layer:
                neighbours = box.ins + box.outs
                if neighbours:
                    wanted.append(sum(n.y for n in neighbours) / len(neighbours))
                else:
                    wanted.append(box.y)
            _fit_column(layer, wanted)
    top = min(box.y - box.height / 2 for layer in layers for box in layer)
    for layer in layers:
        for box in layer:
            box.y += MARGIN - top


# --------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------

def _f(v):
    """Fixed formatting of coordinates: one decimal, no '-0.0'."""
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


def _title_text(boxes, outputs, title):
    if title:
        return str(title)
    counts = {}
    for box in boxes:
        counts[box.kind] = counts.get(box.kind, 0) + 1
    words = {"placeholder": "placeholder", "Variable": "Variable",
             "constant": "constant", "op": "operation"}
    parts = []
    for kind in ("placeholder", "Variable", "constant", "op"):
        k = counts.get(kind, 0)
        if k:
            parts.append(f"{k} {words[kind]}{'s' if k != 1 else ''}")
    names = ", ".join(str(getattr(o, "name", "?")) for o in outputs)
    return f"Computational graph of {names}: " + ", ".join(parts)


def _port_offsets(count, height):
    """Vertical offsets of ``count`` arrow ends spread along a box side."""
    if count <= 1:
        return [0.0]
    spread = min(height * 0.5, 10.0 * (count - 1))
    return [-spread / 2 + spread * i / (count - 1) for i in range(count)]


def _side_x(box, dy, side):
    """x where a horizontal line at height ``box.y + dy`` meets the box side."""
    half_w = box.width / 2
    if box.dummy:
        return box.x
    if box.kind == "op":
        ry = box.height / 2
        t = min(abs(dy) / ry, 0.95)
        return box.x + side * half_w * math.sqrt(1 - t * t)
    if box.kind == "placeholder":
        # parallelogram leaning right: the left side is further left at the bottom
        lean = SLANT * (dy / (box.height / 2)) / 2
        return box.x + side * (half_w - SLANT / 2) - lean
    return box.x + side * half_w


def _shape(box):
    fill, stroke = STYLE[box.kind]
    x, y, w, h = box.x, box.y, box.width, box.height
    width = "1.5"
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"'
    if box.kind == "op":
        return [f'<ellipse cx="{_f(x)}" cy="{_f(y)}" rx="{_f(w / 2)}" ry="{_f(h / 2)}" {common}/>']
    if box.kind == "placeholder":
        left, right, top, bottom = x - w / 2, x + w / 2, y - h / 2, y + h / 2
        points = [(left + SLANT, top), (right, top), (right - SLANT, bottom), (left, bottom)]
        text = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
        return [f'<polygon points="{text}" {common}/>']
    if box.kind == "Variable":
        return [
            f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" rx="7" {common}/>',
            f'<rect x="{_f(x - w / 2 + 3)}" y="{_f(y - h / 2 + 3)}" width="{_f(w - 6)}" height="{_f(h - 6)}" '
            f'rx="5" fill="none" stroke="{stroke}" stroke-width="1"/>',
        ]
    return [f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" {common}/>']


def _highlight_shape(box):
    x, y, w, h = box.x, box.y, box.width + 10, box.height + 10
    common = f'fill="none" stroke="{HIGHLIGHT_COLOUR}" stroke-width="3.5"'
    if box.kind == "op":
        return f'<ellipse cx="{_f(x)}" cy="{_f(y)}" rx="{_f(w / 2)}" ry="{_f(h / 2)}" {common}/>'
    return (f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" '
            f'rx="9" {common}/>')


def _text_lines(box):
    """The box's lines of text, centred as a block.

    Names and kinds are centred line by line; the lines of a value (or a
    gradient) are left-aligned as a block, so the rows of a matrix line up.
    Leading spaces become no-break spaces, which SVG never collapses.
    """
    sizes = [NAME_SIZE if role == "name" else SMALL_SIZE for role, _ in box.lines]
    block_width = {}
    for role, text in box.lines:
        if role in ("value", "grad"):
            width = _text_width(text, SMALL_SIZE, mono=True)
            block_width[role] = max(block_width.get(role, 0.0), width)
    total = sum(size + LINE_GAP for size in sizes) - LINE_GAP
    baseline = box.y - total / 2
    out = []
    for (role, text), size in zip(box.lines, sizes):
        baseline += size
        y = baseline - size * 0.18  # visual centring of the glyphs
        x, anchor = box.x, "middle"
        if role == "name":
            attrs = f'font-family="{FONT}" font-size="{NAME_SIZE}" font-weight="bold" fill="{TEXT_COLOUR}"'
        elif role == "kind":
            attrs = f'font-family="{FONT}" font-size="{SMALL_SIZE}" font-style="italic" fill="{KIND_COLOUR}"'
        else:
            colour, css = (VALUE_COLOUR, "value") if role == "value" else (GRADIENT_COLOUR, "gradient")
            attrs = f'font-family="{MONO}" font-size="{SMALL_SIZE}" fill="{colour}" class="{css}"'
            x, anchor = box.x - block_width[role] / 2, "start"
            stripped = text.lstrip(" ")
            text = "\u00a0" * (len(text) - len(stripped)) + stripped
        out.append(
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" {attrs}>{escape(text)}</text>'
        )
        baseline += LINE_GAP
    return out


def _edge_path(points):
    """A smooth path through ``points`` that leaves and enters horizontally."""
    (x0, y0) = points[0]
    parts = [f"M{_f(x0)},{_f(y0)}"]
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        dx = (x2 - x1) / 2
        parts.append(f"C{_f(x1 + dx)},{_f(y1)} {_f(x2 - dx)},{_f(y2)} {_f(x2)},{_f(y2)}")
    return " ".join(parts)


def _render(boxes, layers, chains, edges, outputs, loss_name, title, legend,
            has_values, has_gradients):
    # where each edge leaves its source and enters its target: spread the ends
    # along the box side, ordered by the height of the other end so they do not cross
    leave = {}
    enter = {}
    by_source = {}
    by_target = {}
    for number, chain in chains.items():
        by_source.setdefault(chain[0].index, []).append(number)
        by_target.setdefault(chain[-1].index, []).append(number)
    for index, numbers in by_source.items():
        numbers.sort(key=lambda n: (chains[n][1].y, edges[n][1].index, edges[n][2]))
        box = chains[numbers[0]][0]
        for n, dy in zip(numbers, _port_offsets(len(numbers), box.height)):
            leave[n] = dy
    for index, numbers in by_target.items():
        numbers.sort(key=lambda n: (chains[n][-2].y, edges[n][2]))
        box = chains[numbers[0]][-1]
        for n, dy in zip(numbers, _port_offsets(len(numbers), box.height)):
            enter[n] = dy

    body = []
    for number in sorted(chains):
        chain = chains[number]
        source, target = chain[0], chain[-1]
        start = (_side_x(source, leave[number], +1), source.y + leave[number])
        end_y = target.y + enter[number]
        end = (_side_x(target, enter[number], -1), end_y)
        middle = [(b.x, b.y) for b in chain[1:-1]]
        points = [start] + middle + [(end[0] - ARROW, end_y)]
        head = (f"{_f(end[0])},{_f(end_y)} {_f(end[0] - ARROW)},{_f(end_y - ARROW / 2)} "
                f"{_f(end[0] - ARROW)},{_f(end_y + ARROW / 2)}")
        src_name = _name(source)
        dst_name = _name(target)
        body.append(
            f'<g class="edge"><title>{escape(src_name)} → {escape(dst_name)} '
            f'(input {edges[number][2] + 1})</title>'
            f'<path d="{_edge_path(points)}" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.4"/>'
            f'<polygon points="{head}" fill="{EDGE_COLOUR}"/></g>'
        )
    for box in boxes:
        classes = "node " + box.kind + (" highlighted" if box.highlight else "")
        parts = [f'<g class="{classes}"><title>{escape(box.tooltip)}</title>']
        if box.highlight:
            parts.append(_highlight_shape(box))
        parts += _shape(box)
        parts += _text_lines(box)
        parts.append("</g>")
        body.append("".join(parts))

    width = max(box.x + box.width / 2 for box in boxes) + MARGIN
    height = max(box.y + box.height / 2 for box in boxes) + MARGIN
    footer = []
    if legend:
        footer, legend_width, legend_height = _legend(height, loss_name, has_values, has_gradients)
        width = max(width, legend_width)
        height += legend_height

    heading = _title_text(boxes, outputs, title)
    description = "; ".join(
        f"{_name(edges[n][0])} → {_name(edges[n][1])}" for n in sorted(chains)
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" aria-label={quoteattr(heading)}>'
        f"<title>{escape(heading)}</title>"
        f"<desc>{escape('Edges: ' + description if description else 'No edges.')}</desc>"
        f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="{BACKGROUND}" rx="6"/>'
    )
    return head + "\n" + "\n".join(body + footer) + "\n</svg>\n"


def _name(box):
    return str(getattr(box.node, "name", None) or f"{box.kind}_{box.index}")


def _legend(top, loss_name, has_values, has_gradients):
    """A key of the box shapes (and of the value/gradient colours)."""
    items = [("placeholder", "placeholder (input)"), ("Variable", "Variable (learned)"),
             ("constant", "constant"), ("op", "operation")]
    parts = ['<g class="legend">']
    x = MARGIN
    y = top + 4
    for kind, words in items:
        fake = _Box(-1)
        fake.kind, fake.dummy = kind, False
        fake.width, fake.height = 34.0, 18.0
        fake.x, fake.y = x + 17, y + 9
        parts += _shape(fake)
        parts.append(
            f'<text x="{_f(x + 40)}" y="{_f(y + 13)}" font-family="{FONT}" '
            f'font-size="{SMALL_SIZE}" fill="{KIND_COLOUR}">{escape(words)}</text>'
        )
        x += 40 + _text_width(words, SMALL_SIZE) + 18
    width = x
    height = 28.0
    notes = []
    if has_values:
        notes.append(("= value in this run", VALUE_COLOUR))
    if has_gradients:
        of = f"of {loss_name} " if loss_name else ""
        notes.append((f"∂L gradient {of}with respect to the node", GRADIENT_COLOUR))
    x = MARGIN
    for text, colour in notes:
        parts.append(
            f'<text x="{_f(x)}" y="{_f(y + height + 9)}" font-family="{MONO}" '
            f'font-size="{SMALL_SIZE}" fill="{colour}">{escape(text)}</text>'
        )
        x += _text_width(text, SMALL_SIZE, mono=True) + 24
    if notes:
        height += 18
        width = max(width, x)
    parts.append("</g>")
    return parts, width + MARGIN, height + 6
