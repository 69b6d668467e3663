"""The public API the lessons rely on."""

import numpy as np
import pytest

import dlmath as dm


@pytest.fixture
def graph():
    with dm.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    return dm.Session().run(fetches, feed)


# ------------------------------------------------------------ graphs and names

def test_as_default_as_a_with_block_restores_the_previous_default():
    before = dm.get_default_graph()
    g = dm.Graph()
    with g.as_default() as inside:
        assert inside is g and dm.get_default_graph() is g
        x = dm.placeholder()
    assert dm.get_default_graph() is before
    assert x.graph is g and g.nodes == [x]


def test_as_default_as_a_plain_statement_switches_for_good():
    before = dm.get_default_graph()
    try:
        g = dm.Graph()
        g.as_default()
        assert dm.get_default_graph() is g
        assert dm.placeholder().graph is g
    finally:
        before.as_default()


def test_module_level_default_graph_just_works():
    x = dm.placeholder()
    assert x.graph is dm.get_default_graph()
    assert run(x + 1, {x: 1}) == 2


def test_automatic_names_per_type_and_graph(graph):
    x, y = dm.placeholder(), dm.placeholder()
    w = dm.Variable(1.0)
    m1, m2, m3 = x @ w, y @ w, dm.matmul(x, y)
    assert (x.name, y.name, w.name) == ("placeholder_1", "placeholder_2", "Variable_1")
    assert [m.name for m in (m1, m2, m3)] == ["MatMul_1", "MatMul_2", "MatMul_3"]
    named = dm.placeholder(name="x")
    again = dm.placeholder(name="x")            # names stay unique
    assert named.name == "x" and again.name != "x"
    assert graph.get_node("MatMul_2") is m2
    with dm.Graph().as_default():
        assert dm.placeholder().name == "placeholder_1"   # counts are per graph


def test_nodes_listed_in_creation_order_with_inputs_and_consumers(graph):
    x = dm.placeholder(name="x")
    w = dm.Variable([[1.0]], name="w")
    y = x @ w
    z = dm.sigmoid(y)
    unused = y * 2
    assert graph.nodes == [x, w, y, z, unused.inputs[1], unused]
    assert y.inputs == (x, w) and z.inputs == (y,)
    assert y.consumers == [z, unused] and x.consumers == [y]
    assert [n.kind for n in (x, w, y, unused.inputs[1])] == \
        ["placeholder", "variable", "operation", "constant"]
    assert y.label == "@" and z.label == "sigmoid" and dm.ops.Add.label == "+"
    assert graph.placeholders == [x] and graph.variables == [w]


def test_reprs_have_no_memory_addresses(graph):
    x = dm.placeholder(name="x")
    assert repr(x) == "<Placeholder 'x'>"
    assert repr(dm.Graph().as_default()) == "<dlmath.Graph with 0 nodes>"
    graph.as_default()
    assert repr(dm.Session()) == "<dlmath.Session>"
    assert repr(dm.train.AdamOptimizer()) == \
        "AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08)"
    assert repr(dm.train.MomentumOptimizer(0.1)) == \
        "MomentumOptimizer(learning_rate=0.1, momentum=0.9)"


def test_graphs_are_isolated():
    with dm.Graph().as_default() as g1:
        a = dm.placeholder()
        a + 1
    with dm.Graph().as_default() as g2:
        b = dm.placeholder()
    assert len(g1.nodes) == 3 and g2.nodes == [b]
    assert run(b * 3, {b: 2}) == 6


# ------------------------------------------------------------ operators

def test_operators_build_the_same_nodes(graph):
    x = dm.placeholder()
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    cases = {
        "+": (x + a, a + x, dm.ops.Add), "-": (x - a, a - x, dm.ops.Subtract),
        "*": (x * a, a * x, dm.ops.Multiply), "/": (x / a, a / x, dm.ops.Divide),
        "@": (x @ a, a @ x, dm.ops.MatMul)}
    xv = np.array([[2.0, 1.0], [1.0, 3.0]])
    for symbol, (right, left, cls) in cases.items():
        assert isinstance(right, cls) and isinstance(left, cls), symbol
        assert left.inputs[1] is x and right.inputs[0] is x
    np.testing.assert_allclose(run(a @ x, {x: xv}), a @ xv)
    np.testing.assert_allclose(run(a - x, {x: xv}), a - xv)
    np.testing.assert_allclose(run(2 / x, {x: xv}), 2 / xv)
    np.testing.assert_allclose(run(-x, {x: xv}), -xv)
    assert isinstance(-x, dm.ops.Negative)
    assert isinstance(3.0 * x, dm.ops.Multiply) and isinstance(np.float64(3) + x, dm.ops.Add)
    np.testing.assert_allclose(run(x ** 2, {x: xv}), xv ** 2)
    np.testing.assert_allclose(run(x.T, {x: xv}), xv.T)


# ------------------------------------------------------------ running

def test_fetch_single_list_and_tuple(graph):
    x = dm.placeholder()
    y = x * 2
    assert run(y, {x: 3}) == 6
    assert run([x, y], {x: 3}) == [3, 6]
    assert run((y,), {x: 3}) == [6]


def test_feed_lists_of_lists_and_names(graph):
    x = dm.placeholder(name="x")
    w = dm.Variable([[1.0], [1.0]])
    np.testing.assert_array_equal(run(x @ w, {x: [[1, 2], [3, 4]]}), [[3.0], [7.0]])
    np.testing.assert_array_equal(run(x @ w, {"x": [[1, 2]]}), [[3.0]])


def test_values_are_not_stored_on_nodes(graph):
    x = dm.placeholder()
    y = x * 2
    run(y, {x: 1.0})
    assert not any(isinstance(v, np.ndarray) for v in vars(y).values())


def test_a_session_reuses_its_plan_until_the_graph_grows(graph):
    sess = dm.Session(graph)
    x = dm.placeholder()
    y = x + 1
    assert sess.run(y, {x: 1}) == 2
    version = graph.version
    w = dm.Variable(2.0)
    z = y * w
    assert graph.version > version          # the session sees the graph grew
    assert sess.run([y, z], {x: 1}) == [2, 4]
    step = dm.train.GradientDescentOptimizer(0.5).minimize(z)
    sess.run(step, {x: 1})                  # dz/dw = y = 2: w = 2 - 0.5 * 2
    assert sess.run(z, {x: 1}) == 2.0


def test_a_session_bound_to_a_graph_refuses_nodes_of_another_graph():
    g1, g2 = dm.Graph(name="model"), dm.Graph(name="other")
    with g1.as_default():
        a = dm.constant(1.0, name="a")
    with g2.as_default():
        b = dm.constant(2.0, name="b")
    sess = dm.Session(graph=g1)
    assert sess.run(a) == 1.0
    with pytest.raises(dm.DlmathError, match=r"'b' belongs to graph 'other'.*graph 'model'"):
        sess.run(b)
    with pytest.raises(dm.GraphError, match=r"'b' belongs to graph 'other'"):
        dm.Session().run([a, b])            # one run, one graph


def test_graphs_without_names_are_told_apart_in_messages():
    g1, g2 = dm.Graph(), dm.Graph()
    with g1.as_default():
        dm.constant(1.0, name="a")
    with g2.as_default():
        b = dm.constant(2.0, name="b")
    with pytest.raises(dm.GraphError) as info:
        dm.Session(graph=g1).run(b)
    assert "first 'b'" in str(info.value) and "first 'a'" in str(info.value)


def test_a_training_step_runs_forward_backward_and_update_in_the_session(graph):
    x = dm.placeholder()
    w = dm.Variable([1.0, -2.0])
    loss = dm.reduce_sum(dm.square(w * x))
    seen = []

    class Recording(dm.train.GradientDescentOptimizer):
        def apply_gradients(self, grads_and_vars):
            seen.extend((np.array(g), v) for g, v in grads_and_vars)
            super().apply_gradients(grads_and_vars)

    step = Recording(0.25).minimize(loss)
    before, _ = dm.Session().run([loss, step], {x: 1.0})
    assert before == 5.0                    # fetched values come from before the step
    (grad, var), = seen
    assert var is w and np.allclose(grad, [2.0, -4.0])   # d/dw w^2 = 2w
    assert np.allclose(w.value, [0.5, -1.0])


def test_fetched_variable_is_a_copy(graph):
    w = dm.Variable([1.0, 2.0])
    fetched = run(w)
    fetched[0] = 100.0
    assert w.value[0] == 1.0
    train = dm.GradientDescentOptimizer(1.0).minimize(dm.reduce_sum(w))
    before = run(w)
    run(train)
    np.testing.assert_array_equal(before, [1.0, 2.0])
    np.testing.assert_array_equal(run(w), [0.0, 1.0])


def test_session_context_manager(graph):
    x = dm.placeholder()
    with dm.Session() as sess:
        assert sess.run(x, {x: 5}) == 5


# ------------------------------------------------------------ gradients

def test_gradients_single_and_list(graph):
    x = dm.placeholder()
    w = dm.Variable([1.0, 2.0])
    b = dm.Variable(0.5)
    loss = dm.reduce_sum(x * w + b)
    feed = {x: [3.0, 4.0]}
    np.testing.assert_array_equal(dm.gradients(loss, w, feed), [3.0, 4.0])
    gw, gb = dm.gradients(loss, [w, b], feed)
    assert gb.shape == () and gb == 2.0


def test_compute_gradients_covers_every_node_the_loss_depends_on(graph):
    x = dm.placeholder()
    w = dm.Variable(3.0)
    y = x * w
    loss = dm.square(y)
    unrelated = dm.sigmoid(w)
    grads = dm.compute_gradients(loss, {x: 2.0})
    assert set(grads) == {x, w, y, loss}
    assert grads[loss] == 1 and grads[y] == 12 and grads[w] == 24 and grads[x] == 36
    assert unrelated not in grads


def test_diamond_graph_accumulates_both_paths(graph):
    x = dm.Variable(2.0)
    a = dm.square(x)          # x^2
    loss = a * a + a          # x^4 + x^2 -> 4x^3 + 2x
    assert dm.gradients(loss, x) == 4 * 8 + 2 * 2


def test_unused_consumer_does_not_affect_gradients(graph):
    x = dm.Variable(2.0)
    y = x * 3
    dm.exp(y) * 100           # a consumer of y not on the path to the loss
    assert dm.gradients(dm.square(y), x) == 2 * 6 * 3


def test_gradients_are_fresh_on_every_call(graph):
    w = dm.Variable([1.0, 2.0])
    loss = dm.reduce_sum(dm.square(w))
    first = dm.gradients(loss, w)
    first += 100
    np.testing.assert_array_equal(dm.gradients(loss, w), [2.0, 4.0])


def test_deep_chain_of_ten_thousand_ops(graph):
    x = dm.Variable(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    assert np.isclose(run(y), 1.0001 ** 10_000)
    assert np.isclose(dm.gradients(y, x), 1.0001 ** 10_000)


def test_register_gradient_overrides_and_reset_restores(graph):
    w = dm.Variable([0.0, 1.0])
    loss = dm.reduce_sum(dm.sigmoid(w))
    builtin = dm.gradients(loss, w)
    calls = []

    @dm.register_gradient(dm.ops.Sigmoid)
    def my_sigmoid_grad(op, grad, inputs, output):
        calls.append((op, inputs[0].shape, output.shape))
        return 2 * grad * output * (1 - output)

    try:
        np.testing.assert_allclose(dm.gradients(loss, w), 2 * builtin)
        assert calls[0][0] is loss.inputs[0] and calls[0][1:] == ((2,), (2,))
    finally:
        dm.reset_gradient(dm.ops.Sigmoid)
    np.testing.assert_allclose(dm.gradients(loss, w), builtin)

    with dm.gradient_override(dm.ops.Sigmoid, lambda op, g, i, o: g * 0):
        np.testing.assert_array_equal(dm.gradients(loss, w), [0.0, 0.0])
    np.testing.assert_allclose(dm.gradients(loss, w), builtin)


def test_custom_operation_with_its_own_backward(graph):
    class Cube(dm.Operation):
        label = "cube"

        def forward(self, x):
            return x ** 3

        def backward(self, grad, inputs, output):
            (x,) = inputs
            return grad * 3 * x ** 2

    w = dm.Variable([1.0, 2.0])
    loss = dm.reduce_sum(Cube(w))
    np.testing.assert_array_equal(dm.gradients(loss, w), [3.0, 12.0])
    assert dm.check_gradients(loss)


def test_unbroadcast():
    g = np.ones((2, 3, 4))
    assert dm.unbroadcast(g, (3, 1)).tolist() == [[8.0]] * 3
    assert dm.unbroadcast(g, ()) == 24
    assert dm.unbroadcast(g, (4,)).tolist() == [6.0] * 4
    assert dm.unbroadcast(g, (2, 3, 4)) is g


# ------------------------------------------------------------ training

def test_gradient_descent_updates_variables_in_place(graph):
    x = dm.placeholder()
    w = dm.Variable([1.0, -1.0], name="w")
    loss = dm.reduce_sum(dm.square(x * w))
    train = dm.train.GradientDescentOptimizer(0.1).minimize(loss)
    before = run(w).copy()
    result, loss_before = run([train, loss], {x: [1.0, 2.0]})
    assert result is None
    assert loss_before == 1 + 4                  # the loss before the update
    # dL/dw = 2 x^2 w = [2, -8]
    np.testing.assert_allclose(w.value, before - 0.1 * np.array([2.0, -8.0]))
    assert run(loss, {x: [1.0, 2.0]}) < loss_before


def test_minimize_trains_only_the_variables_of_the_loss(graph):
    w, other = dm.Variable(3.0), dm.Variable(5.0)
    dm.square(other)
    train = dm.GradientDescentOptimizer(0.25).minimize(dm.square(w))
    run(train)
    assert w.value == 3.0 - 0.25 * 6.0 and other.value == 5.0


@pytest.mark.parametrize("optimizer", [
    dm.train.GradientDescentOptimizer(0.1),
    dm.train.MomentumOptimizer(0.05, momentum=0.9),
    dm.train.AdamOptimizer(0.1),
], ids=["sgd", "momentum", "adam"])
def test_optimizers_converge_on_a_quadratic(graph, optimizer):
    target = np.array([1.0, -2.0, 3.0])
    w = dm.Variable(np.zeros(3))
    loss = dm.reduce_sum(dm.square(w - target))
    train = optimizer.minimize(loss)
    sess = dm.Session()
    for _ in range(500):
        sess.run(train)
    np.testing.assert_allclose(w.value, target, atol=1e-4)


def test_adam_first_step_is_learning_rate_sized(graph):
    w = dm.Variable([5.0, -5.0])
    train = dm.train.AdamOptimizer(learning_rate=0.01).minimize(dm.reduce_sum(dm.square(w)))
    run(train)
    np.testing.assert_allclose(w.value, [4.99, -4.99])


def test_mlp_learns_xor(graph):
    rng = np.random.default_rng(0)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    labels = np.array([0, 1, 1, 0])
    x, y = dm.placeholder(shape=(None, 2)), dm.placeholder(shape=(None,))
    W1, b1 = dm.Variable(rng.standard_normal((2, 8))), dm.Variable(np.zeros(8))
    W2, b2 = dm.Variable(rng.standard_normal((8, 2))), dm.Variable(np.zeros(2))
    logits = dm.tanh(x @ W1 + b1) @ W2 + b2
    loss = dm.softmax_cross_entropy(logits, y)
    train = dm.train.AdamOptimizer(0.05).minimize(loss)
    sess = dm.Session()
    for _ in range(300):
        sess.run(train, {x: X, y: labels})
    assert sess.run(loss, {x: X, y: labels}) < 0.05
    assert (sess.run(logits, {x: X}).argmax(axis=1) == labels).all()


# ------------------------------------------------------------ gradient check

def test_check_gradients_report_is_stable_and_truthy(graph):
    x = dm.placeholder()
    W = dm.Variable([[0.1, -0.2], [0.3, 0.4]], name="W")
    b = dm.Variable([0.0, 0.1], name="b")
    loss = dm.softmax_cross_entropy(x @ W + b, [0, 1])
    result = dm.check_gradients(loss, {x: [[1.0, 2.0], [3.0, -1.0]]})
    assert result
    assert repr(result) == ("W: shape (2, 2), max relative error < 1e-6: OK\n"
                            "b: shape (2,), max relative error < 1e-6: OK")
    assert result[0].max_error < 1e-6 and result[0].numeric.shape == (2, 2)
    assert dm.check_gradients(loss, {x: [[1.0, 2.0]] * 2}, wrt=x)


def test_check_gradients_catches_a_wrong_rule(graph):
    w = dm.Variable([0.5, -1.0], name="w")
    loss = dm.reduce_sum(dm.tanh(w))
    with dm.gradient_override(dm.ops.Tanh, lambda op, g, i, out: g * (1 + out * out)):
        result = dm.check_gradients(loss)
    assert not result
    assert repr(result).startswith("w: shape (2,), max relative error ~ 1e0: FAILED (at index (1,)")


def test_a_direct_backward_call_after_backprop_computes_every_input_gradient():
    import numpy as np
    import dlmath as dm

    with dm.Graph().as_default():
        X = dm.placeholder(name="X")
        W = dm.Variable(np.ones((2, 1)), name="W")
        Y = X @ W
        dm.gradients(dm.reduce_sum(Y), W, {X: [[1.0, 2.0]]})  # only dW was needed here
        dX, dW = Y.backward(np.ones((1, 1)), (np.array([[1.0, 2.0]]), np.ones((2, 1))), None)
    assert dX is not None and dW is not None
    np.testing.assert_allclose(dX, [[1.0, 1.0]])


def test_assigning_a_plain_number_to_a_variable_keeps_gradients_working():
    import numpy as np
    import dlmath as dm

    with dm.Graph().as_default():
        b = dm.Variable(0.0, name="b")
        loss = dm.square(b)
        b.value = 1.0
        assert isinstance(b.value, np.ndarray) and b.value.dtype == np.float64
        np.testing.assert_allclose(dm.gradients(loss, b), 2.0)
        with pytest.raises(dm.FeedError, match="Variable b needs numbers"):
            b.value = "one"
