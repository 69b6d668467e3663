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


# --- the one MLP trainer ----------------------------------------------------------


def _moons():
    return dm.data.moons(40, noise=0.2, seed=1)


def test_a_stacked_network_trains_exactly_as_it_would_alone():
    """Stacking networks must not mix them: network m of a stack follows its own gradient."""
    from dlmath.course.multilayer_perceptrons import training_steps
    X, y = _moons()
    alone = list(training_steps(X, y, 5, epochs=30, learning_rate=0.05, seed=3))
    stacked = list(training_steps(X, y, 5, epochs=30, learning_rate=0.05, seed=3,
                                  weight_decays=(0.0, 0.05, 0.5)))
    for p_alone, p_stacked in zip(alone[-1][2], stacked[-1][2]):
        assert np.allclose(p_alone.reshape(p_stacked[0].shape), p_stacked[0], rtol=1e-9, atol=1e-12)
    # with weight decay the other networks end with smaller weights, the largest decay the smallest
    W1 = stacked[-1][2][0]
    sizes = [float(np.sum(W1[m] ** 2)) for m in range(3)]
    assert sizes[0] > sizes[1] > sizes[2]


def test_stacked_training_loss_is_the_sum_of_the_networks_losses():
    from dlmath.course.in_practice import cross_entropy
    from dlmath.course.multilayer_perceptrons import training_steps
    X, y = _moons()
    for epoch, loss, params in training_steps(X, y, 4, epochs=3, weight_decays=(0.0, 0.1)):
        assert np.isclose(loss, cross_entropy(params, X, y).sum(), rtol=1e-12)


def test_train_mlp_and_train_mlps_share_the_initialisation():
    from dlmath.course.in_practice import train_mlps
    from dlmath.course.multilayer_perceptrons import init_params, train_mlp
    X, y = _moons()
    one = train_mlp(X, y, 6, epochs=0, seed=2, snapshot_epochs=[0])
    many = train_mlps(X, y, 6, weight_decays=(0.0, 0.1), epochs=0, seed=2)
    start = init_params(6, seed=2)
    assert np.array_equal(one.snapshots[0]["W1"], start[0])
    for m in range(2):
        assert np.array_equal(many["params"][0][m], start[0])
        assert np.array_equal(many["params"][1][m, 0], start[1])


def test_train_mlp_loss_falls_and_accuracy_matches_the_numpy_forward():
    from dlmath.course.multilayer_perceptrons import class_probability, train_mlp
    X, y = _moons()
    run = train_mlp(X, y, 8, epochs=60, snapshot_epochs=[0, 60])
    assert run.losses[-1] < 0.5 * run.losses[0]
    assert run.accuracy == np.mean((class_probability(run.final, X) > 0.5) == y)


# --- finite differences and the dense layer's gradients ------------------------------


def test_central_difference_error_shrinks_like_h_squared_forward_like_h():
    from dlmath.course.calculus import central_difference, forward_difference
    x, exact = 0.7, np.cos(0.7)
    for estimate, order in ((forward_difference, 1), (central_difference, 2)):
        e1 = abs(estimate(np.sin, x, 1e-2) - exact)
        e2 = abs(estimate(np.sin, x, 1e-3) - exact)
        assert np.isclose(np.log10(e1 / e2), order, atol=0.1), (estimate.__name__, e1, e2)


def test_dense_layer_gradients_match_the_engine():
    from dlmath.course.linear_algebra import dense, input_gradient, weight_gradient
    from dlmath.course.training_criterion import softmax_cross_entropy_gradient
    rng = np.random.default_rng(4)
    X, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    Y = np.eye(4)[rng.integers(4, size=6)]
    with dm.Graph().as_default():
        Xn, Wn = dm.Variable(X), dm.Variable(W)
        Z = Xn @ Wn + b
        loss = dm.softmax_cross_entropy(Z, Y)
        dX, dW, dZ = dm.gradients(loss, [Xn, Wn, Z])
    G = softmax_cross_entropy_gradient(dense(X, W, b), Y)
    assert np.allclose(G, dZ)
    assert np.allclose(weight_gradient(X, G), dW)
    assert np.allclose(input_gradient(G, W), dX)
