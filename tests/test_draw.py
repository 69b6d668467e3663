"""Tests for dlmath.draw: the SVG pictures of graphs used in the lessons."""

import re
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from dlmath import ops
from dlmath.draw import GraphPicture, draw_graph, format_value
from dlmath.graph import Graph, Variable, constant, placeholder

SVG = "{http://www.w3.org/2000/svg}"


def small_graph():
    """x -> x @ W + b -> sigmoid -> squared error with target t, summed."""
    graph = Graph()
    with graph.as_default():
        x = placeholder("x")
        t = placeholder("t")
        W = Variable([[0.5], [-1.0]], name="W")
        b = Variable([0.25], name="b")
        z = ops.add(ops.matmul(x, W, name="z0"), b, name="z")
        p = ops.sigmoid(z, name="p")
        loss = ops.reduce_sum(ops.square(p - t, name="err2"), name="loss")
    feed = {x: [[1.0, 2.0]], t: [[1.0]]}
    return graph, loss, feed


def parse(picture):
    return ET.fromstring(picture.svg)


def texts(root):
    return ["".join(el.itertext()) for el in root.iter(SVG + "text")]


def nodes_of(root):
    return [g for g in root.iter(SVG + "g") if "node" in g.get("class", "").split()]


def edges_of(root):
    return [g for g in root.iter(SVG + "g") if g.get("class") == "edge"]


def test_every_node_is_drawn_once_with_its_name_and_kind():
    graph, loss, _ = small_graph()
    picture = draw_graph(loss, values=False)
    root = parse(picture)
    assert len(nodes_of(root)) == len(graph.nodes) == picture.node_count
    words = texts(root)
    for node in graph.nodes:
        assert node.name in words
    for kind in ("placeholder", "Variable", "@", "+", "sigmoid", "square", "-"):
        assert kind in words
    kinds = [g.get("class").split()[1] for g in nodes_of(root)]
    assert kinds.count("placeholder") == 2 and kinds.count("Variable") == 2


def test_shapes_differ_by_kind():
    _, loss, _ = small_graph()
    root = parse(draw_graph(loss, values=False))
    first_shape = {}
    for g in nodes_of(root):
        kind = g.get("class").split()[1]
        first_shape[kind] = next(child.tag for child in g if child.tag != SVG + "title")
    assert first_shape["placeholder"] == SVG + "polygon"
    assert first_shape["Variable"] == SVG + "rect"
    assert first_shape["op"] == SVG + "ellipse"


def test_one_arrow_per_input():
    graph, loss, _ = small_graph()
    picture = draw_graph(loss, values=False)
    expected = sum(len(node.inputs) for node in graph.nodes)
    assert picture.edge_count == expected == len(edges_of(parse(picture)))


def test_a_node_used_twice_gets_two_arrows():
    with Graph().as_default():
        x = placeholder("x")
        y = ops.multiply(x, x, name="xx")
    picture = draw_graph(y, values=False)
    assert picture.edge_count == 2 and len(edges_of(parse(picture))) == 2


def test_values_appear_when_fed_and_not_otherwise():
    _, loss, feed = small_graph()
    bare = texts(parse(draw_graph(loss)))  # no feed: structure only
    assert not any(t.startswith("=") for t in bare)
    shown = texts(parse(draw_graph(loss, feed)))
    z = 1 * 0.5 + 2 * -1.0 + 0.25
    p = 1 / (1 + np.exp(-z))
    assert f"= [[{p:.3g}]]" in shown
    assert f"= {(p - 1) ** 2:.3g}" in shown
    assert "= [[1 2]]" in shown  # the fed placeholder
    assert not any(t.startswith("=") for t in texts(parse(draw_graph(loss, feed, values=False))))


def test_gradients_appear_in_their_own_colour():
    _, loss, feed = small_graph()
    root = parse(draw_graph(loss, feed, gradients=loss))
    grads = [el for el in root.iter(SVG + "text") if el.get("class") == "gradient"]
    values = [el for el in root.iter(SVG + "text") if el.get("class") == "value"]
    assert grads and values
    assert {el.get("fill") for el in grads}.isdisjoint({el.get("fill") for el in values})
    z = 1 * 0.5 + 2 * -1.0 + 0.25
    p = 1 / (1 + np.exp(-z))
    dp = 2 * (p - 1)
    dz = dp * p * (1 - p)
    text = ["".join(el.itertext()) for el in grads]
    assert "∂L 1" in text  # d loss / d loss
    assert f"∂L [[{dp:.3g}]]" in text
    assert f"∂L [{dz:.3g}]" in text  # b
    assert f"∂L [[{dz:.3g}]" in text and f"\u00a0\u00a0\u00a0\u00a0[{2 * dz:.3g}]]" in text  # W


def test_gradients_from_a_dict_and_values_from_a_dict():
    _, loss, _ = small_graph()
    picture = draw_graph(loss, values={"W": np.array([[7.0], [8.0]])}, gradients={"b": np.array([0.125])})
    words = texts(parse(picture))
    assert "= [[7]" in words and "\u00a0\u00a0\u00a0[8]]" in words  # rows line up
    assert "∂L [0.125]" in words


def test_drawing_a_training_step_does_not_train():
    from dlmath.graph import Update

    _, loss, feed = small_graph()

    class Fake:
        def apply_gradients(self, *args):
            raise AssertionError("drawing must not run the training step")

    W = loss.graph.get_node("W")
    step = Update(loss, Fake(), [W])
    picture = draw_graph(step, feed)
    assert "minimize" in texts(parse(picture))


def test_highlight_by_node_or_name():
    _, loss, _ = small_graph()
    p = loss.graph.get_node("p")
    for which in (p, "p", [p]):
        root = parse(draw_graph(loss, values=False, highlight=which))
        marked = [g for g in nodes_of(root) if "highlighted" in g.get("class")]
        assert len(marked) == 1 and "p" in texts(marked[0])


def test_output_is_deterministic():
    def build_and_draw():
        _, loss, feed = small_graph()
        return draw_graph(loss, feed, gradients=loss, highlight="z").svg

    first = build_and_draw()
    assert build_and_draw() == first
    assert not re.search(r"0x[0-9a-f]{6,}", first)  # no memory addresses
    assert repr(draw_graph(small_graph()[1], values=False)) == "<GraphPicture: 10 nodes, 9 edges>"


def test_accessible_and_readable_on_dark_pages():
    _, loss, _ = small_graph()
    picture = draw_graph(loss, values=False, title="A neuron and its loss")
    root = parse(picture)
    assert root.get("role") == "img" and root.get("aria-label") == "A neuron and its loss"
    assert root[0].tag == SVG + "title" and root[0].text == "A neuron and its loss"
    background = root.find(SVG + "rect")
    assert background.get("fill") == "#ffffff" and background.get("width") == root.get("width")
    default_title = parse(draw_graph(loss, values=False)).get("aria-label")
    assert "loss" in default_title and "2 placeholders" in default_title


def test_repr_methods_and_save(tmp_path):
    _, loss, _ = small_graph()
    picture = draw_graph(loss, values=False)
    assert isinstance(picture, GraphPicture)
    assert picture._repr_svg_() == picture.svg
    assert picture._repr_html_().startswith('<div class="dlmath-graph"')
    assert "max-width:100%" in picture._repr_html_()
    path = picture.save(tmp_path / "graph.svg")
    assert path.read_text(encoding="utf-8") == picture.svg


def test_every_arrow_points_right():
    _, loss, _ = small_graph()
    root = parse(draw_graph(loss, values=False))
    for edge in edges_of(root):
        d = edge.find(SVG + "path").get("d")
        xs = [float(v) for v in re.findall(r"(-?\d+\.\d),(?:-?\d+\.\d)", d)]
        assert xs[-1] > xs[0]


def test_a_100_node_graph_is_quick():
    graph = Graph()
    with graph.as_default():
        x = placeholder("x")
        h = x
        for i in range(20):
            W = Variable(np.full((3, 3), 0.1), name=f"W{i}")
            h = ops.tanh(ops.add(ops.matmul(h, W), constant([0.1, 0.0, -0.1])))
        loss = ops.reduce_sum(h, name="loss")
    assert len(graph.nodes) >= 100
    feed = {x: np.ones((4, 3))}
    draw_graph(loss, values=False)  # warm up imports
    start = time.perf_counter()
    picture = draw_graph(loss, feed, gradients=loss)
    assert time.perf_counter() - start < 0.5
    assert picture.node_count == len(graph.nodes)


def test_bad_input_is_explained():
    from dlmath.errors import DlmathError

    with pytest.raises(DlmathError, match="draw_graph"):
        draw_graph(np.ones(3))


@pytest.mark.parametrize(
    "value, lines",
    [
        (0.25, ["0.25"]),
        (-0.0, ["0"]),
        (np.array([1.0, 2.0, 3.0]), ["[1 2 3]"]),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), ["[[1 2]", " [3 4]]"]),
        (np.arange(12.0).reshape(4, 3), ["(4, 3): 0 1 2 …"]),
        (np.arange(8.0), ["(8,): 0 1 2 …"]),
        (np.array([1.0, 1e-18]), ["[1 0]"]),
        (np.float64(1 / 3), ["0.333"]),
        (None, ["—"]),
    ],
)
def test_format_value(value, lines):
    assert format_value(value) == lines


def test_the_demos_place_nodes_where_draw_graph_does():
    import matplotlib.pyplot as plt

    from dlmath.draw import layered_positions
    from dlmath.graph import Operation, topological_order
    from dlmath.widgets.computational_graphs import GraphFigure

    _, loss, _ = small_graph()
    layout = layered_positions(loss)
    assert {node.name for node in layout} == {node.name for node in topological_order([loss])}
    assert all(layout[node][0] > max(layout[i][0] for i in node.inputs)
               for node in layout if isinstance(node, Operation))   # data flows to the right
    fig, ax = plt.subplots()
    try:
        picture = GraphFigure(ax, loss, x_gap=1.0, y_gap=1.0)
        assert all(picture.xy[node] == (column, -row) for node, (column, row) in layout.items())
    finally:
        plt.close(fig)
