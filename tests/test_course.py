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


def test_mlp_engine_gradients_match_central_differences():
    """engine_gradients (the reference of check_mlp_backward) is dm.gradients of the right network."""
    from dlmath.course.multilayer_perceptrons import engine_gradients

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 3)), np.eye(3)[[0, 2, 1, 2]]
    weights = [rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 3)), rng.normal(size=3)]

    def loss(ws):
        Z = np.tanh(X @ ws[0] + ws[1]) @ ws[2] + ws[3]
        Z = Z - Z.max(axis=1, keepdims=True)
        return -np.mean(np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))), axis=1))

    for index, grad in enumerate(engine_gradients(X, Y, weights)):
        numeric = np.zeros_like(weights[index])
        for position in np.ndindex(numeric.shape):
            up = [w.copy() for w in weights]
            down = [w.copy() for w in weights]
            up[index][position] += 1e-6
            down[index][position] -= 1e-6
            numeric[position] = (loss(up) - loss(down)) / 2e-6
        assert grad.shape == weights[index].shape
        assert np.allclose(grad, numeric, atol=1e-7)
    with pytest.raises(ValueError, match="even number"):
        engine_gradients(X, Y, weights[:3])


def test_mlp_matmul_flops_counts_two_products_per_layer_backwards_but_one_for_the_first():
    from dlmath.course.multilayer_perceptrons import matmul_flops

    forward, backward = matmul_flops([5, 7, 3], batch=2)
    assert forward == 2 * 2 * (5 * 7 + 7 * 3)
    assert backward == 2 * 2 * (5 * 7 + 2 * 7 * 3)
