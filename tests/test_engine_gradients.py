"""Every op's gradient rule against central differences (property-based).

Each test builds ``loss = sum(op(inputs) * R)`` with a fixed random R, so the
upstream gradient is not just ones, then compares ``dm.gradients`` with
(L(x + eps) - L(x - eps)) / (2 eps), element by element.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import dlmath as dm

SETTINGS = settings(max_examples=25, deadline=None)
EPS = 1e-6


def values(shape, low=-3.0, high=3.0, avoid_zero=False):
    """Strategy for a float64 array of ``shape`` with entries in [low, high]."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if avoid_zero:   # keep away from kinks (relu) and poles (division)
        elements = elements.filter(lambda v: abs(v) > 0.05)
    return hnp.arrays(np.float64, shape, elements=elements)


def check_op(build, *inputs, differentiable=None):
    """Compare backprop and central differences for ``build(*placeholders)``.

    ``differentiable``: indices of the inputs to check (default all).
    """
    graph = dm.Graph()
    with graph.as_default():
        holders = [dm.placeholder(name=f"in{i}") for i in range(len(inputs))]
        out = build(*holders)
        feed = dict(zip(holders, inputs))
        sess = dm.Session()
        out_value = np.asarray(sess.run(out, feed))
        weights = np.random.default_rng(0).standard_normal(out_value.shape)
        loss = dm.reduce_sum(out * weights)
        op_name = type(out).__name__
        for i in (range(len(inputs)) if differentiable is None else differentiable):
            analytic = dm.gradients(loss, holders[i], feed)
            assert analytic.shape == np.shape(inputs[i]), (
                f"gradient for input {i} of {op_name} has shape "
                f"{analytic.shape}, expected {np.shape(inputs[i])}")
            numeric = np.zeros_like(analytic)
            x = np.array(inputs[i], dtype=np.float64)
            for idx in np.ndindex(x.shape):
                saved = x[idx]
                x[idx] = saved + EPS
                up = sess.run(loss, {**feed, holders[i]: x})
                x[idx] = saved - EPS
                down = sess.run(loss, {**feed, holders[i]: x})
                x[idx] = saved
                numeric[idx] = (up - down) / (2 * EPS)
            bad = ~np.isclose(analytic, numeric, rtol=1e-5, atol=1e-6)
            if bad.any():
                idx = tuple(int(k) for k in np.argwhere(bad)[0])
                raise AssertionError(
                    f"received derivative {analytic[idx]:.8g} for input {i} of "
                    f"{op_name} at index {idx}, expected {numeric[idx]:.8g} from "
                    f"central difference (input shapes "
                    f"{[np.shape(v) for v in inputs]})")


# ------------------------------------------------------------ elementwise binary

broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)
FIXED_PAIRS = [((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)), ((2, 3), ())]


@st.composite
def two_broadcastable(draw, avoid_zero_b=False):
    shapes = draw(st.one_of(st.sampled_from(FIXED_PAIRS),
                            broadcast_pairs.map(lambda s: s.input_shapes)))
    a = draw(values(shapes[0]))
    b = draw(values(shapes[1], avoid_zero=avoid_zero_b))
    return a, b


@pytest.mark.parametrize("build", [dm.add, dm.subtract, dm.multiply,
                                   lambda a, b: a + b, lambda a, b: a * b],
                         ids=["add", "subtract", "multiply", "+", "*"])
@SETTINGS
@given(pair=two_broadcastable())
def test_binary_elementwise(build, pair):
    check_op(build, *pair)


@SETTINGS
@given(pair=two_broadcastable(avoid_zero_b=True))
def test_divide(pair):
    a, b = pair
    b = np.where(np.abs(b) < 0.5, np.sign(b) * 0.5 + b, b)   # stay off the pole
    check_op(dm.divide, a, b)


# ------------------------------------------------------------ unary

small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)


@pytest.mark.parametrize("build", [dm.negative, dm.square, dm.exp, dm.sigmoid,
                                   dm.tanh, lambda x: -x],
                         ids=["negative", "square", "exp", "sigmoid", "tanh", "neg"])
@SETTINGS
@given(data=st.data())
def test_unary(build, data):
    check_op(build, data.draw(values(data.draw(small_shapes))))


@SETTINGS
@given(data=st.data())
def test_log(data):
    check_op(dm.log, data.draw(values(data.draw(small_shapes), 0.2, 5.0)))


@SETTINGS
@given(data=st.data())
def test_relu_away_from_kink(data):
    check_op(dm.relu, data.draw(values(data.draw(small_shapes), avoid_zero=True)))


@pytest.mark.parametrize("build", [dm.softmax, dm.log_softmax])
@SETTINGS
@given(data=st.data())
def test_softmax_family(build, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(lambda x: build(x, axis=axis), data.draw(values(shape, -10, 10)))


# ------------------------------------------------------------ matrices, reductions

@st.composite
def matmul_pair(draw):
    m, n, p = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["mm", "vm", "mv", "vv", "batched"]))
    a_shape = {"mm": (m, n), "vm": (n,), "mv": (m, n), "vv": (n,), "batched": (2, m, n)}[kind]
    b_shape = {"mm": (n, p), "vm": (n, p), "mv": (n,), "vv": (n,), "batched": (n, p)}[kind]
    return draw(values(a_shape)), draw(values(b_shape))


@SETTINGS
@given(pair=matmul_pair())
def test_matmul(pair):
    check_op(dm.matmul, *pair)


@SETTINGS
@given(pair=matmul_pair())
def test_matmul_operator_numpy_on_left(pair):
    a, b = pair
    check_op(lambda y: a @ y, b)


@st.composite
def reduce_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    axes = [None] + list(range(-len(shape), len(shape)))
    if len(shape) >= 2:
        axes.append((0, len(shape) - 1))
    return draw(values(shape)), draw(st.sampled_from(axes)), draw(st.booleans())


@pytest.mark.parametrize("build", [dm.reduce_sum, dm.reduce_mean])
@SETTINGS
@given(case=reduce_case())
def test_reductions(build, case):
    x, axis, keepdims = case
    check_op(lambda t: build(t, axis=axis, keepdims=keepdims), x)


@SETTINGS
@given(data=st.data())
def test_transpose(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    axes = data.draw(st.one_of(st.none(), st.permutations(range(len(shape)))))
    check_op(lambda t: dm.transpose(t, axes), data.draw(values(shape)))


# ------------------------------------------------------------ fused losses

@SETTINGS
@given(data=st.data())
def test_softmax_cross_entropy_one_hot(data):
    n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    logits = data.draw(values((n, k), -20, 20))
    labels = np.eye(k)[data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))]
    check_op(dm.softmax_cross_entropy, logits, labels)


@SETTINGS
@given(data=st.data())
def test_softmax_cross_entropy_soft_labels(data):
    """Probability rows (each sums to 1), e.g. a teacher's softmax."""
    n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    logits = data.draw(values((n, k), -20, 20))
    weights = data.draw(values((n, k), 0.01, 1))
    check_op(dm.softmax_cross_entropy, logits, weights / weights.sum(axis=1, keepdims=True))


@SETTINGS
@given(data=st.data())
def test_softmax_cross_entropy_smoothed_labels(data):
    """Label smoothing written by hand, right ((1 - a) y + a / k) or with a typo
    (a row sum other than 1): the gradient is that of the loss computed."""
    n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    logits = data.draw(values((n, k), -20, 20))
    one_hot = np.eye(k)[data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))]
    alpha = data.draw(st.floats(0.0, 0.5))
    spread = data.draw(st.sampled_from([alpha / k, alpha]))     # alpha alone: rows sum != 1
    check_op(dm.softmax_cross_entropy, logits, (1 - alpha) * one_hot + spread)


@SETTINGS
@given(data=st.data())
def test_softmax_cross_entropy_unnormalised_labels(data):
    """Any non-negative weights, e.g. counts per class."""
    n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    logits = data.draw(values((n, k), -20, 20))
    check_op(dm.softmax_cross_entropy, logits, data.draw(values((n, k), 0, 5)))


def test_softmax_cross_entropy_with_smoothed_labels_passes_check_gradients():
    """The case from issue 12: rows summing to 0.9 used to give 0.129 for 0.443."""
    with dm.Graph().as_default():
        z = dm.Variable([[2.0, -1.0, 0.5], [0.0, 1.0, -2.0]], name="z")
        labels = np.array([[0.8, 0.05, 0.05], [0.05, 0.8, 0.05]])   # rows sum to 0.9
        result = dm.check_gradients(dm.softmax_cross_entropy(z, labels))
        assert result.passed, repr(result)
        s = labels.sum(axis=1, keepdims=True)
        p = np.exp(z.value) / np.exp(z.value).sum(axis=1, keepdims=True)
        assert np.allclose(result[0].analytic, (s * p - labels) / 2)


@SETTINGS
@given(data=st.data())
def test_softmax_cross_entropy_integer_labels(data):
    n, k = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    logits = data.draw(values((n, k), -20, 20))
    classes = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    check_op(dm.softmax_cross_entropy, logits, classes, differentiable=[0])


@SETTINGS
@given(data=st.data())
def test_sigmoid_cross_entropy(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4))
    logits = data.draw(values(shape, -20, 20))
    labels = data.draw(values(shape, 0, 1))
    check_op(dm.sigmoid_cross_entropy, logits, labels)


@SETTINGS
@given(data=st.data())
def test_mse(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
    check_op(dm.mse, data.draw(values(shape)), data.draw(values(shape)))


def test_failure_message_teaches():
    """A wrong rule is reported with the op, the input and both numbers."""
    def wrong(op, grad, inputs, output):
        a, b = inputs
        return grad * a, grad * b                # swapped on purpose
    with dm.gradient_override(dm.ops.Multiply, wrong):
        with pytest.raises(AssertionError,
                           match=r"received derivative .* for input 0 of Multiply.*"
                                 r"expected .* from central difference"):
            check_op(dm.multiply, np.array([1.0, 2.0]), np.array([3.0, 5.0]))
