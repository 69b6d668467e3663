"""The classification maths of chapters 5-6 (issue 17): the perceptron as SGD, the Gaussian posterior,
logistic regression on separable data. Each claim the chapters make is tested here on many cases."""

import numpy as np
import pytest

from dlmath import data
from dlmath.course import perceptrons as pc
from dlmath.course import training_criterion as tc
from dlmath.functions import sigmoid


def _whole_number_states(seed, n=500, d=2):
    """Random whole-number (w, b, x, y): scores of exactly 0 (the kink) are frequent."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield (rng.integers(-2, 3, size=d).astype(float), float(rng.integers(-2, 3)),
               rng.integers(-2, 3, size=d).astype(float), int(rng.integers(2)))


@pytest.mark.parametrize("d", [1, 2, 3])
def test_an_sgd_step_with_learning_rate_1_is_the_perceptron_update(d):
    ties = 0
    for w, b, x, y in _whole_number_states(d, d=d):
        rule, sgd = pc.perceptron_update(w, b, x, y), pc.perceptron_sgd_step(w, b, x, y, learning_rate=1.0)
        np.testing.assert_array_equal(rule[0], sgd[0])
        assert rule[1] == sgd[1]
        ties += x @ w + b == 0
    assert ties > 10, "the cases should include points exactly on the line"


def test_the_loss_gradient_is_zero_on_correct_points_and_minus_t_x_on_mistakes():
    for w, b, x, y in _whole_number_states(7):
        grad_w, grad_b = pc.perceptron_loss_gradient(w, b, x, y)
        t = 2 * y - 1
        if pc.predict(x, w, b) == y:
            assert not grad_w.any() and grad_b == 0
        else:
            np.testing.assert_array_equal(grad_w, -t * x)
            assert grad_b == -t


def test_the_loss_gradient_matches_central_differences_away_from_the_kink():
    rng = np.random.default_rng(1)
    h = 1e-6
    for _ in range(300):
        theta, x, y = rng.normal(size=4), rng.normal(scale=2, size=3), int(rng.integers(2))
        if abs(theta[:3] @ x + theta[3]) < 1e-3:
            continue
        grad_w, grad_b = pc.perceptron_loss_gradient(theta[:3], theta[3], x, y)

        def loss(th):
            return pc.perceptron_loss(th[:3] @ x + th[3], y)

        central = [(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(4)]
        np.testing.assert_allclose(np.append(grad_w, grad_b), central, atol=1e-7)


def test_the_perceptron_subgradient_is_a_subgradient_at_the_kink():
    """At z = 0 the chosen slope lies between -t and 0, so the loss stays above its tangent line."""
    rng = np.random.default_rng(2)
    for y in (0, 1):
        w, b = np.array([1.0, -1.0]), 0.0
        x = np.array([2.0, 2.0])                                  # score exactly 0
        grad_w, grad_b = pc.perceptron_loss_gradient(w, b, x, y)
        for _ in range(100):
            dw, db = rng.normal(size=2), rng.normal()
            moved = pc.perceptron_loss((w + dw) @ x + b + db, y)
            assert moved >= pc.perceptron_loss(0.0, y) + grad_w @ dw + grad_b * db - 1e-12


@pytest.mark.parametrize("learning_rate", [0.01, 0.5, 3.0])
def test_the_learning_rate_only_rescales_the_perceptron_from_zero(learning_rate):
    X, y = data.clouds(60, noise=0.8, seed=3)
    X = X + pc.SHIFT
    reference = pc.perceptron(X, y)
    w, b, mistakes = np.zeros(2), 0.0, []
    for _ in range(100):
        count = 0
        for x_i, y_i in zip(X, y):
            if pc.predict(x_i, w, b) != y_i:
                w, b = pc.perceptron_sgd_step(w, b, x_i, y_i, learning_rate)
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    assert mistakes == reference.mistakes_per_epoch
    np.testing.assert_allclose(w, learning_rate * reference.weights[-1], rtol=1e-12)
    assert np.isclose(b, learning_rate * reference.biases[-1], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_bayes_rule_for_two_gaussians_is_the_sigmoid_of_a_linear_score(seed):
    rng = np.random.default_rng(seed)
    for d in (1, 2, 3, 5):
        A = rng.normal(size=(d, d))
        Sigma = A @ A.T + 0.3 * np.eye(d)
        mu0, mu1 = rng.normal(size=(2, d))
        prior1 = rng.uniform(0.05, 0.95)
        points = rng.normal(scale=2, size=(40, d))
        w, b = tc.gaussian_posterior_weights(mu0, mu1, Sigma, prior1)
        np.testing.assert_allclose(sigmoid(points @ w + b),
                                   tc.gaussian_class_posterior(points, mu0, mu1, Sigma, prior1),
                                   rtol=1e-10, atol=1e-13)


def test_the_gaussian_density_integrates_to_one_and_matches_the_one_dimensional_formula():
    xs = np.linspace(-12, 12, 24001)[:, None]
    p = tc.gaussian_density(xs, np.array([1.0]), np.array([[2.0]]))
    assert abs(np.trapezoid(p, xs[:, 0]) - 1) < 1e-9
    np.testing.assert_allclose(p, np.exp(-(xs[:, 0] - 1) ** 2 / 4) / np.sqrt(4 * np.pi), rtol=1e-12)


def test_the_gaussian_weights_with_equal_priors_and_identity_covariance_are_the_mean_difference():
    mu0, mu1 = np.array([-1.0, 0.5]), np.array([2.0, 1.5])
    w, b = tc.gaussian_posterior_weights(mu0, mu1, np.eye(2), 0.5)
    np.testing.assert_allclose(w, mu1 - mu0)
    # the boundary passes through the midpoint of the means
    assert abs(w @ (mu0 + mu1) / 2 + b) < 1e-12


@pytest.mark.parametrize("args, message", [
    ((np.zeros(2), np.zeros(3), np.eye(2), 0.5), "same length"),
    ((np.zeros(2), np.ones(2), np.eye(3), 0.5), "2 x 2 covariance"),
    ((np.zeros(2), np.ones(2), np.eye(2), 1.0), "strictly between 0 and 1"),
    ((np.zeros(2), np.ones(2), np.eye(2), 0.0), "strictly between 0 and 1"),
])
def test_bad_gaussian_arguments_get_a_clear_error(args, message):
    with pytest.raises(ValueError, match=message):
        tc.gaussian_posterior_weights(*args)


def test_the_regularised_gradient_matches_central_differences():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(15, 3)), rng.integers(0, 2, size=15).astype(float)
    for l2 in (0.0, 0.1):
        w, b = rng.normal(size=3), float(rng.normal())
        grad_w, grad_b = tc.regularised_gradient(X, y, w, b, l2)
        theta, h = np.append(w, b), 1e-6

        def J(th):
            return tc.regularised_loss(X, y, th[:3], th[3], l2)

        central = [(J(theta + h * e) - J(theta - h * e)) / (2 * h) for e in np.eye(4)]
        np.testing.assert_allclose(np.append(grad_w, grad_b), central, atol=1e-8)


def test_on_separable_data_the_norm_grows_and_the_loss_falls_while_l2_levels_off():
    X, y = data.clouds(20, seed=1)
    plain = tc.train_logistic(X, y, steps=2000, learning_rate=1.0, record_at=[10, 100, 1000, 2000])
    assert np.all(np.diff(plain.weight_norms) > 0) and np.all(np.diff(plain.losses) < 0)
    # scaling the final separator up lowers the loss further: no minimiser exists
    scores = X @ plain.w + plain.b
    assert np.all((scores > 0) == (y == 1))
    values = [tc.mean_cross_entropy(c * scores, y) for c in (1, 2, 4, 8)]
    assert all(a > b for a, b in zip(values, values[1:]))
    decayed = tc.train_logistic(X, y, steps=2000, learning_rate=1.0, l2=0.01, record_at=[1000, 2000])
    assert abs(decayed.weight_norms[1] / decayed.weight_norms[0] - 1) < 1e-3
    grad_w, grad_b = tc.regularised_gradient(X, y, decayed.w, decayed.b, 0.01)
    assert np.abs(np.append(grad_w, grad_b)).max() < 1e-8


def test_train_logistic_records_every_step_by_default():
    X, y = data.clouds(10, seed=0)
    run = tc.train_logistic(X, y, steps=5)
    np.testing.assert_array_equal(run.steps, [1, 2, 3, 4, 5])
    assert run.losses.shape == run.weight_norms.shape == (5,)
