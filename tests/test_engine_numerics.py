"""Extreme inputs give exact, finite values and gradients, with no RuntimeWarning.

pytest.ini turns RuntimeWarning into an error, and we make sure of it here
too, so an overflow inside an op fails the test.
"""

import warnings

import numpy as np
import pytest

import dlmath as dm

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def graph():
    with dm.Graph().as_default() as g:
        yield g


def run(node, feed=None):
    return dm.Session().run(node, feed)


def test_sigmoid_extremes(graph):
    z = dm.placeholder()
    s = dm.sigmoid(z)
    feed = {z: [-1000.0, -40.0, 0.0, 40.0, 1000.0]}
    out = run(s, feed)
    assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5
    assert np.isclose(out[1], np.exp(-40.0), rtol=1e-12)
    grad = dm.gradients(dm.reduce_sum(s), z, feed)
    assert np.all(np.isfinite(grad))
    assert grad[0] == 0.0 and grad[-1] == 0.0 and grad[2] == 0.25


def test_softmax_of_huge_logits(graph):
    z = dm.placeholder()
    out = run(dm.softmax(z), {z: [[1000.0, 0.0], [-1000.0, 1000.0]]})
    np.testing.assert_array_equal(out, [[1.0, 0.0], [0.0, 1.0]])
    grad = dm.gradients(dm.reduce_sum(dm.softmax(z) * [[1.0, 2.0]]), z,
                        {z: [[1000.0, 0.0]]})
    assert np.all(np.isfinite(grad))


def test_log_softmax_is_exact(graph):
    z = dm.placeholder()
    out = run(dm.log_softmax(z), {z: [1000.0, 0.0]})
    np.testing.assert_array_equal(out, [0.0, -1000.0])
    grad = dm.gradients(dm.reduce_sum(dm.log_softmax(z)), z, {z: [1000.0, 0.0]})
    np.testing.assert_allclose(grad, [-1.0, 1.0])


@pytest.mark.parametrize("labels", [[[0.0, 1.0]], [1]], ids=["one-hot", "integer"])
def test_softmax_cross_entropy_wrong_and_confident(graph, labels):
    logits, y = dm.placeholder(), dm.placeholder()
    loss = dm.softmax_cross_entropy(logits, y)
    feed = {logits: [[1000.0, 0.0]], y: labels}
    assert run(loss, feed) == 1000.0            # -log softmax = 1000 exactly
    np.testing.assert_array_equal(dm.gradients(loss, logits, feed), [[1.0, -1.0]])


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot_over_batch(graph):
    logits, y = dm.placeholder(), dm.placeholder()
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    onehot = np.array([[0, 0, 1], [1, 0, 0]], dtype=float)
    loss = dm.softmax_cross_entropy(logits, y)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dm.gradients(loss, logits, {logits: z, y: onehot}),
                               (p - onehot) / 2)
    # integer labels (given as ints) give the same gradient
    np.testing.assert_allclose(dm.gradients(loss, logits, {logits: z, y: np.array([2, 0])}),
                               (p - onehot) / 2)


def test_sigmoid_cross_entropy_extremes(graph):
    z, y = dm.placeholder(), dm.placeholder()
    loss = dm.sigmoid_cross_entropy(z, y)
    feed = {z: [1000.0, -1000.0, 1000.0, -1000.0], y: [1.0, 0.0, 0.0, 1.0]}
    assert run(loss, feed) == 500.0             # two perfect, two off by 1000
    np.testing.assert_array_equal(dm.gradients(loss, z, feed), [0, 0, 0.25, -0.25])


def test_mse_value_and_gradient(graph):
    p, t = dm.placeholder(), dm.placeholder()
    loss = dm.mse(p, t)
    feed = {p: [[1.0], [3.0]], t: [[0.0], [0.0]]}
    assert run(loss, feed) == 5.0
    np.testing.assert_array_equal(dm.gradients(loss, p, feed), [[1.0], [3.0]])


def test_everything_is_float64(graph):
    x = dm.placeholder()
    assert run(x, {x: [1, 2]}).dtype == np.float64
    assert dm.Variable(np.array([1, 2], dtype=np.int32)).value.dtype == np.float64
    assert run(dm.constant(3) * x, {x: [[1, 2]]}).dtype == np.float64


def test_log_of_zero_raises_not_minus_inf(graph):
    x = dm.placeholder(name="probs")
    with pytest.raises(dm.NumericError, match=r"Log_1: log of a non-positive"):
        run(dm.log(x), {x: [0.5, 0.0]})


def test_no_warning_escapes_stable_ops(graph):
    z = dm.placeholder()
    big = {z: np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4]])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for node in [dm.sigmoid(z), dm.softmax(z), dm.log_softmax(z), dm.tanh(z),
                     dm.softmax(z, axis=0)]:
            value = run(node, big)
            grad = dm.gradients(dm.reduce_sum(node), z, big)
            assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
