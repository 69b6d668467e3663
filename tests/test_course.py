"""The topic modules in dlmath.course agree with the engine, and the tape's gradients have the right shapes."""

import numpy as np
import pytest

import dlmath as dm
from dlmath.course import frameworks as fw


@pytest.fixture(autouse=True)
def empty_tape():
    fw.TAPE.clear()
    yield
    fw.TAPE.clear()


def test_tape_gradient_of_a_broadcast_bias_has_the_bias_shape():
    """A (1, 3) bias added to a (4, 3) batch gets a (1, 3) gradient: the sum over the batch."""
    x = fw.Tensor(np.arange(12.0).reshape(4, 3))
    b = fw.Tensor([[0.5, -1.0, 2.0]])
    W = fw.Tensor(np.ones((3, 2)))
    loss = fw.softmax_cross_entropy((x + b) @ W, np.array([0, 1, 1, 0]))
    fw.backward(loss)
    assert b.grad.shape == (1, 3)
    assert x.grad.shape == (4, 3)
    assert np.allclose(b.grad, x.grad.sum(axis=0, keepdims=True))


@pytest.mark.parametrize("bias_shape", [(3,), (1, 3)])
def test_tape_and_engine_give_the_same_gradients(bias_shape):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=bias_shape)
    W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=(2,))
    grads = fw.grad(fw.tape_loss)([W1, b1, W2, b2], X, y)
    with dm.Graph().as_default():
        variables = [dm.Variable(v) for v in (W1, b1, W2, b2)]
        A, c, B, d = variables
        loss = dm.softmax_cross_entropy(dm.tanh(X @ A + c) @ B + d, y)
        expected = dm.gradients(loss, variables)
    for got, want in zip(grads, expected):
        assert got.shape == want.shape
        assert np.allclose(got, want, rtol=1e-12, atol=1e-14)


def test_tape_gradients_add_up_over_several_uses():
    """L = x * x + x at x = 3 by names: dL/dx = 2x + 1 = 7."""
    x = 3.0
    tape = [("s", ("x", "x"), lambda g: (g * x, g * x)),
            ("L", ("s", "x"), lambda g: (g, g))]
    assert fw.tape_gradients(tape, "L")["x"] == pytest.approx(7.0)


def test_numpy_by_hand_matches_the_tape():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 2)), np.array([0, 1, 0, 1, 1, 0])
    params = fw.init_params(hidden=4, seed=2)
    loss, by_hand = fw.numpy_loss_and_grads(params, X, y)
    taped = fw.grad(fw.tape_loss)(params, X, y)
    assert loss == pytest.approx(float(fw.tape_loss([fw.Tensor(p) for p in params], X, y).value))
    for a, b in zip(by_hand, taped):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
