"""The batch-normalisation op: forward properties, gradients against central differences, errors.

``dm.batch_norm(x, gamma, beta)`` normalises every feature over the batch axis 0
and then scales and shifts it. Its gradient rule is the compact formula
dX = (gamma / sigma) / N (N dY - sum dY - Xhat sum(dY Xhat)); here it is
compared with central differences (through ``check_op`` of the engine's
gradient tests: loss = sum(Y * R) with a fixed random R, so the upstream
gradient is not all ones) for inputs of several shapes, and with the same
normalisation built from the primitive ops, whose gradients dlmath composes.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import dlmath as dm

EPS = 1e-6


def values(shape, low, high):
    """Strategy for a float64 array of ``shape`` with entries in [low, high]."""
    return hnp.arrays(np.float64, shape,
                      elements=st.floats(low, high, allow_nan=False, allow_infinity=False))


def check_op(build, *inputs):
    """``dm.gradients`` of loss = sum(build(*inputs) * R) against central differences, every input."""
    graph = dm.Graph()
    with graph.as_default():
        holders = [dm.placeholder(name=f"in{i}") for i in range(len(inputs))]
        out = build(*holders)
        feed = dict(zip(holders, inputs))
        session = dm.Session()
        weights = np.random.default_rng(0).standard_normal(np.shape(session.run(out, feed)))
        loss = dm.reduce_sum(out * weights)
        for i, name in enumerate(["x", "gamma", "beta"][:len(inputs)]):
            analytic = dm.gradients(loss, holders[i], feed)
            assert analytic.shape == np.shape(inputs[i]), (
                f"the gradient for {name} has shape {analytic.shape}, expected {np.shape(inputs[i])}")
            numeric = np.zeros_like(analytic)
            x = np.array(inputs[i], dtype=np.float64)
            for idx in np.ndindex(x.shape):
                saved = x[idx]
                x[idx] = saved + EPS
                up = session.run(loss, {**feed, holders[i]: x})
                x[idx] = saved - EPS
                down = session.run(loss, {**feed, holders[i]: x})
                x[idx] = saved
                numeric[idx] = (up - down) / (2 * EPS)
            bad = ~np.isclose(analytic, numeric, rtol=1e-5, atol=1e-6)
            assert not bad.any(), (
                f"batch_norm's derivative for {name} at index {tuple(int(k) for k in np.argwhere(bad)[0])} is "
                f"{analytic[bad][0]:.8g}, central differences give {numeric[bad][0]:.8g} "
                f"(input shapes {[np.shape(v) for v in inputs]})")

SHAPES = [(2,), (5,), (4, 3), (7, 1), (3, 2, 2), (6, 2, 3)]


def case(shape, seed, scale=2.0, offset=1.0):
    """x of ``shape`` (batch axis first), and gamma, beta of shape ``shape[1:]``."""
    rng = np.random.default_rng(seed)
    x = offset + scale * rng.standard_normal(shape)
    gamma = rng.uniform(0.5, 2.0, size=shape[1:]) * rng.choice([-1, 1], size=shape[1:])
    beta = rng.standard_normal(shape[1:])
    return x, gamma, beta


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_central_differences(shape, seed):
    check_op(dm.batch_norm, *case(shape, seed))


@pytest.mark.parametrize("eps", [0.0, 1e-3, 0.5])
def test_gradients_with_other_eps(eps):
    check_op(lambda x, g, b: dm.batch_norm(x, g, b, eps=eps), *case((5, 3), 7))


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_gradients_property(data):
    """Any batch of 2 to 5 examples whose features all vary (a constant feature is pure eps)."""
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
                      .filter(lambda s: s[0] >= 2))
    x = data.draw(values(shape, -3.0, 3.0))
    assume(x.std(axis=0).min() > 0.3)
    gamma = data.draw(values(shape[1:], -2.0, 2.0))
    beta = data.draw(values(shape[1:], -2.0, 2.0))
    check_op(dm.batch_norm, x, gamma, beta)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_forward_has_mean_beta_and_spread_gamma(shape):
    x, gamma, beta = case(shape, 3)
    y = dm.Session().run(dm.batch_norm(dm.constant(x), gamma, beta, eps=0.0))
    assert y.shape == x.shape
    np.testing.assert_allclose(y.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), np.abs(gamma), rtol=1e-10)


def test_same_gradients_as_the_primitive_ops():
    """batch_norm against the normalisation written with reduce_mean, square, divide..."""
    x, gamma, beta = case((6, 4), 5)
    weights = np.random.default_rng(9).standard_normal((6, 4))
    eps = 1e-5
    graph = dm.Graph()
    with graph.as_default():
        X = dm.placeholder(name="X")
        G = dm.Variable(gamma, name="gamma")
        B = dm.Variable(beta, name="beta")
        centred = X - dm.reduce_mean(X, axis=0)
        variance = dm.reduce_mean(dm.square(centred), axis=0) + eps
        composed = dm.reduce_sum((G * centred / _sqrt(variance) + B) * weights)
        fused = dm.reduce_sum(dm.batch_norm(X, G, B, eps=eps) * weights)
        feed = {X: x}
        np.testing.assert_allclose(dm.Session().run(fused, feed), dm.Session().run(composed, feed),
                                   rtol=1e-12, atol=1e-12)
        for mine, reference in zip(dm.gradients(fused, [X, G, B], feed),
                                   dm.gradients(composed, [X, G, B], feed)):
            np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


def _sqrt(node):
    """sqrt as exp(log(v) / 2): dlmath has no sqrt op, and v > 0 here."""
    return dm.exp(dm.log(node) * 0.5)


def test_input_gradient_sums_to_zero_over_the_batch():
    """Shifting every example by the same amount does not change Y, so sum_n dX_n = 0."""
    x, gamma, beta = case((8, 3), 4)
    graph = dm.Graph()
    with graph.as_default():
        X = dm.placeholder(name="X")
        loss = dm.reduce_sum(dm.square(dm.batch_norm(X, gamma, beta)) * np.arange(24.0).reshape(8, 3))
        dx = dm.gradients(loss, X, {X: x})
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-9)


@pytest.mark.parametrize("gamma_shape", [(4,), (3, 1), (1, 3), (), (2, 3)])
def test_wrong_gamma_shape_names_the_operation(gamma_shape):
    x = np.random.default_rng(0).standard_normal((5, 3))
    y = dm.batch_norm(dm.constant(x), np.ones(gamma_shape), np.zeros(3))
    with pytest.raises(dm.DlmathError) as info:
        dm.Session().run(y)
    message = str(info.value)
    assert isinstance(info.value, dm.ShapeError)
    assert "batch_norm" in message and "gamma" in message
    assert str(gamma_shape) in message and "(3,)" in message, message


def test_wrong_beta_shape_names_beta():
    x = np.random.default_rng(0).standard_normal((5, 3))
    with pytest.raises(dm.ShapeError, match=r"batch_norm.*beta has shape \(2,\)"):
        dm.Session().run(dm.batch_norm(dm.constant(x), np.ones(3), np.zeros(2)))


@pytest.mark.parametrize("shape", [(1, 3), (1,), ()])
def test_a_batch_of_one_is_an_error(shape):
    y = dm.batch_norm(dm.constant(np.ones(shape)), np.ones(shape[1:]), np.zeros(shape[1:]))
    with pytest.raises(dm.ShapeError, match="batch_norm.*at least 2 examples"):
        dm.Session().run(y)


@pytest.mark.parametrize("eps", [-1e-5, float("nan"), "small", None])
def test_bad_eps_is_an_error(eps):
    with pytest.raises(dm.DlmathError, match="batch_norm: eps"):
        dm.batch_norm(dm.constant(np.ones((3, 2))), np.ones(2), np.zeros(2), eps=eps)


def test_exported_like_the_other_ops():
    assert dm.batch_norm is dm.ops.batch_norm
    assert isinstance(dm.batch_norm(dm.constant(np.ones((2, 1))), np.ones(1), np.zeros(1)),
                      dm.ops.BatchNorm)
