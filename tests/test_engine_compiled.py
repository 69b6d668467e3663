"""The fast path (``dlmath.compiled``) against the readable passes.

``Session.run`` replays a compiled plan for fetches it has seen before; the
readable path (``Session(compiled=False)``: ``session.evaluate``-style forward
pass, ``autodiff.backward``, the optimizer) is the reference. On random graphs
both must give the same loss, the same gradients and the same trained
Variables to the last bit, and every error the readable path explains must
still be explained when the fast path is on.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import dlmath as dm
from dlmath.autodiff import backward
from dlmath.compiled import CompiledRun

# name -> (number of operands, builder); every pool value has shape (3, 4);
# "v" (4,) and "c" (3, 1) broadcast, "M" (4, 4) multiplies.
OPS = {
    "add": (2, lambda a, b, e: a + b),
    "sub": (2, lambda a, b, e: a - b),
    "mul": (2, lambda a, b, e: a * b),
    "div": (2, lambda a, b, e: a / (1 + dm.square(b))),
    "matmul": (1, lambda a, e: a @ e["M"]),
    "abba": (2, lambda a, b, e: 0.1 * (a @ dm.transpose(b)) @ a),
    "add_row": (1, lambda a, e: a + e["v"]),
    "mul_col": (1, lambda a, e: e["c"] * a),
    "neg": (1, lambda a, e: -a),
    "tanh": (1, lambda a, e: dm.tanh(a)),
    "sigmoid": (1, lambda a, e: dm.sigmoid(a)),
    "relu": (1, lambda a, e: dm.relu(a)),
    "exp_tanh": (1, lambda a, e: dm.exp(dm.tanh(a))),
    "log1p_sq": (1, lambda a, e: dm.log(1 + dm.square(a))),
    "softmax0": (1, lambda a, e: dm.softmax(a, axis=0)),
    "log_softmax": (1, lambda a, e: dm.log_softmax(a)),
    "center": (1, lambda a, e: a - dm.reduce_mean(a, axis=0, keepdims=True)),
    "rowsum": (1, lambda a, e: a * dm.reduce_sum(a, axis=1, keepdims=True) * 0.1),
}
SHAPES = {"A": (3, 4), "B": (3, 4), "v": (4,), "c": (3, 1), "M": (4, 4)}
LOSSES = ["sum", "mse", "softmax_xent", "softmax_xent_classes", "sigmoid_xent"]

programs = st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 99),
                              st.integers(0, 99)), min_size=1, max_size=8)
values = st.fixed_dictionaries({
    name: hnp.arrays(np.float64, shape, elements=st.floats(-1, 1))
    for name, shape in SHAPES.items()})


def build(steps, loss_kind, start):
    """A graph from ``steps``: A and v are placeholders, the rest Variables."""
    graph = dm.Graph()
    with graph.as_default():
        env = {"A": dm.placeholder("A", shape=(None, 4)), "v": dm.placeholder("v")}
        env.update({n: dm.Variable(start[n], name=n) for n in ("B", "c", "M")})
        pool = [env["A"], env["B"]]
        for name, i, j in steps:
            arity, f = OPS[name]
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            pool.append(f(a, b, env) if arity == 2 else f(a, env))
        out = pool[-1] * env["B"]                  # the loss depends on a Variable
        target = np.linspace(0, 1, 12).reshape(3, 4)
        loss = {"sum": lambda: dm.reduce_sum(out * target),
                "mse": lambda: dm.mse(out, target),
                "softmax_xent": lambda: dm.softmax_cross_entropy(out, target / 2),
                "softmax_xent_classes": lambda: dm.softmax_cross_entropy(out, [3, 0, 1]),
                "sigmoid_xent": lambda: dm.sigmoid_cross_entropy(out, target)}[loss_kind]()
        train = dm.train.MomentumOptimizer(0.1).minimize(loss)
    return graph, env, loss, train


@settings(max_examples=60, deadline=None)
@given(steps=programs, start=values, loss_kind=st.sampled_from(LOSSES))
def test_training_steps_match_the_readable_path_to_the_last_bit(steps, start, loss_kind):
    trained = []
    for compiled in (False, True):
        graph, env, loss, train = build(steps, loss_kind, start)
        session = dm.Session(compiled=compiled)
        feed = {env["A"]: start["A"], env["v"]: start["v"]}
        losses = [session.run([train, loss], feed)[1] for _ in range(3)]
        variables = [v.value for v in graph.variables]
        trained.append((losses, variables))
    (losses_r, vars_r), (losses_c, vars_c) = trained
    program = " -> ".join(s[0] for s in steps) + f" -> {loss_kind}"
    for a, b in zip(losses_r, losses_c):
        assert np.array_equal(a, b, equal_nan=True), f"loss differs for {program}"
    for a, b in zip(vars_r, vars_c):
        assert np.array_equal(a, b, equal_nan=True), f"trained Variable differs for {program}"


@settings(max_examples=60, deadline=None)
@given(steps=programs, start=values, loss_kind=st.sampled_from(LOSSES))
def test_compiled_gradients_equal_autodiff_backward(steps, start, loss_kind):
    graph, env, loss, train = build(steps, loss_kind, start)
    feed = {env["A"]: start["A"], env["v"]: start["v"]}
    done = CompiledRun([train], graph).run(dict(feed))
    assert done is not None
    values, grads = done
    reference = backward(loss, dict(values), train.variables)
    for v in train.variables:
        assert (v in grads) == (v in reference)
        if v in grads:
            assert np.array_equal(grads[v], reference[v], equal_nan=True), v.name


def small_model():
    x = dm.placeholder("x", shape=(None, 2))
    W = dm.Variable([[1.0], [2.0]], name="W")
    loss = dm.reduce_mean(dm.square(x @ W))
    return x, W, loss, dm.train.GradientDescentOptimizer(0.1).minimize(loss)


def test_errors_are_explained_after_the_plan_is_compiled():
    with dm.Graph().as_default():
        x, W, loss, train = small_model()
        session = dm.Session()
        session.run(train, {x: [[1.0, 2.0]]})            # compiled and cached
        before = W.value
        with pytest.raises(dm.FeedError, match="placeholder 'x' has no value"):
            session.run(train)
        with pytest.raises(dm.FeedError, match=r"declared with shape \(None, 2\) but was fed shape \(1, 3\)"):
            session.run(train, {x: [[1.0, 2.0, 3.0]]})
        assert np.array_equal(W.value, before), "a failed run must not train"


def test_a_shape_error_names_the_operation_on_the_fast_path():
    with dm.Graph().as_default():
        x = dm.placeholder("x")
        W = dm.Variable(np.ones((2, 1)), name="W")
        loss = dm.reduce_sum(dm.matmul(x, W, name="layer"))
        train = dm.train.GradientDescentOptimizer(0.1).minimize(loss)
        session = dm.Session()
        session.run(train, {x: np.ones((1, 2))})
        with pytest.raises(dm.ShapeError, match="layer: cannot multiply shapes"):
            session.run(train, {x: np.ones((1, 3))})


def test_a_gradient_rule_registered_later_is_used():
    with dm.Graph().as_default():
        x = dm.placeholder("x")
        w = dm.Variable(1.0, name="w")
        loss = dm.reduce_sum(dm.sigmoid(x * w))
        train = dm.train.GradientDescentOptimizer(1.0).minimize(loss)
        session = dm.Session()
        session.run(train, {x: 1.0})
        with dm.gradient_override(dm.ops.Sigmoid, lambda op, g, inputs, out: g * 0):
            before = w.value
            session.run(train, {x: 1.0})
            assert w.value == before            # the zero rule was used
        session.run(train, {x: 1.0})
        assert w.value != before


def test_a_grown_graph_is_compiled_again_and_several_steps_run_in_order():
    with dm.Graph().as_default():
        x, W, loss, train = small_model()
        fast, slow = dm.Session(), dm.Session(compiled=False)
        feed = {x: [[1.0, 2.0]]}
        fast.run(train, feed)
        second = dm.train.GradientDescentOptimizer(0.05).minimize(loss)  # the graph grew
        W.value = [[1.0], [2.0]]
        fast.run([train, second, loss], feed)
        after_fast = W.value
        W.value = [[1.0], [2.0]]
        slow.run([train, second, loss], feed)
        assert np.array_equal(after_fast, W.value)


def test_a_wrong_number_of_gradients_is_still_explained():
    with dm.Graph().as_default():
        x, W, loss, train = small_model()
        session = dm.Session()
        session.run(train, {x: [[1.0, 2.0]]})
        with dm.gradient_override(dm.ops.Square, lambda op, g, inputs, out: (g, g)):
            with pytest.raises(dm.GradientError, match="returned 2 gradients for 1 inputs"):
                session.run(train, {x: [[1.0, 2.0]]})
