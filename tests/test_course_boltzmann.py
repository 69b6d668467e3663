"""The monitoring, persistent-CD and AIS maths of dlmath.course.boltzmann_machines, checked by
enumeration on RBMs small enough to list every state."""

import numpy as np
import pytest

from dlmath.course import boltzmann_machines as bm


def small_rbm(seed=6, m=4, n=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)


DATA = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0], [1, 0, 1, 0]], dtype=float)


def model_marginals(W, a, b):
    V = bm.all_states(len(a))
    p_v = np.exp(-bm.free_energy(V, W, a, b) - bm.rbm_log_partition(W, a, b))
    return p_v @ V


def test_initial_visible_biases_make_the_zero_weight_model_match_the_data_on_rates():
    a = bm.initial_visible_biases(DATA)
    assert np.allclose(model_marginals(np.zeros((4, 3)), a, np.zeros(3)), DATA.mean(axis=0), atol=1e-12)


def test_initial_visible_biases_stay_finite_for_a_unit_that_is_never_on():
    a = bm.initial_visible_biases(np.array([[0.0, 1.0], [0.0, 0.0]]))
    assert np.all(np.isfinite(a)) and a[0] < -6 and a[1] == 0


@pytest.mark.parametrize("bad, words", [(np.ones(3), "2-D"), (np.array([[0.0, 2.0]]), "between 0 and 1")])
def test_initial_visible_biases_reject_bad_data_with_a_clear_error(bad, words):
    with pytest.raises(ValueError, match=words):
        bm.initial_visible_biases(bad)


def test_exact_gradients_match_central_differences_of_the_log_likelihood():
    W, a, b = small_rbm()
    params = [W, a, b]
    grads = bm.exact_log_likelihood_gradients(DATA, W, a, b)
    h = 1e-6
    for param, grad in zip(params, grads):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            old = param[index]
            param[index] = old + h
            up = bm.rbm_log_likelihood(DATA, *params)
            param[index] = old - h
            down = bm.rbm_log_likelihood(DATA, *params)
            param[index] = old
            numeric[index] = (up - down) / (2 * h)
        assert np.allclose(grad, numeric, atol=1e-7)


def test_expected_cd1_update_is_the_mean_of_many_sampled_updates():
    W, a, b = small_rbm()
    expected = bm.expected_cd1_gradients(DATA, W, a, b)
    rng = np.random.default_rng(0)
    # The mean of 20000 sampled updates on DATA is one update on 20000 copies of DATA: each row
    # draws its own h0 and v1, and every term of the update is an average over the rows.
    means = bm.cd1_gradients(np.tile(DATA, (20000, 1)), W, a, b, rng)
    for k in range(3):
        assert np.abs(means[k] - expected[k]).max() < 0.01  # Monte Carlo error about 0.003


def test_pcd_negative_phase_uses_the_advanced_particles_and_returns_them():
    W, a, b = small_rbm()
    fantasy = DATA[[0, 1, 3]]
    dW, da, db, new = bm.pcd_gradients(DATA, fantasy, W, a, b, np.random.default_rng(1))
    again = bm.gibbs_step(fantasy, W, a, b, np.random.default_rng(1))
    assert np.array_equal(new, again)
    ph_data, ph_new = bm.hidden_probabilities(DATA, W, b), bm.hidden_probabilities(new, W, b)
    assert np.allclose(dW, DATA.T @ ph_data / 4 - new.T @ ph_new / 3)
    assert np.allclose(da, DATA.mean(axis=0) - new.mean(axis=0))
    assert np.allclose(db, ph_data.mean(axis=0) - ph_new.mean(axis=0))


def test_gibbs_steps_leave_the_exact_distribution_unchanged():
    """Many chains started from the exact p(v) are still distributed as p(v) after one step."""
    W, a, b = small_rbm(m=3, n=2)
    V = bm.all_states(3)
    p_v = np.exp(-bm.free_energy(V, W, a, b) - bm.rbm_log_partition(W, a, b))
    rng = np.random.default_rng(2)
    start = V[rng.choice(8, size=200000, p=p_v)]
    after = bm.gibbs_step(start, W, a, b, rng)
    frequencies = np.bincount(bm.state_index(after), minlength=8) / len(after)
    assert np.abs(frequencies - p_v).max() < 0.005


def test_ais_estimates_log_z_of_the_trained_rbm():
    W, a, b, _ = bm.trained_rbm()
    exact = bm.rbm_log_partition(W, a, b)
    estimate, log_w = bm.ais_log_partition(W, a, b, bm.initial_visible_biases(bm.bars_and_stripes(3)),
                                           n_chains=100, n_temperatures=300)
    assert abs(estimate - exact) < 0.05 and log_w.shape == (100,)


def test_ais_is_exact_when_the_target_is_the_base():
    a = np.array([0.3, -1.0])
    estimate, _ = bm.ais_log_partition(np.zeros((2, 2)), a, np.zeros(2), a, n_chains=3, n_temperatures=5)
    assert np.isclose(estimate, bm.rbm_log_partition(np.zeros((2, 2)), a, np.zeros(2)))


def test_train_rbm_defaults_are_unchanged_and_pcd_and_monitoring_run():
    data = bm.bars_and_stripes(3)
    W, a, b, history = bm.train_rbm(data, epochs=20, record_every=10)
    assert [len(row) for row in history] == [2, 2, 2]
    W2, a2, b2, history2 = bm.train_rbm(data, epochs=20, record_every=10, method="pcd", n_particles=30,
                                        visible_biases="data", weight_decay=1e-4,
                                        monitor=("log_likelihood", "reconstruction_error"),
                                        decay_learning_rate=True, weight_scale=0.0)
    assert [len(row) for row in history2] == [3, 3, 3]
    # zero weights and on-rates 1/2: every one of the 512 grids has probability 2**-9 at the start
    assert np.isclose(history2[0][1], 9 * np.log(0.5))
    assert np.isclose(history2[0][2], bm.reconstruction_error(data, np.zeros((9, 12)), np.zeros(9), np.zeros(12)))
    assert np.isclose(history2[0][2], 9 * 0.25)  # every pixel reconstructed as 1/2


def test_recorded_parameters_are_those_of_a_shorter_run():
    data = bm.bars_and_stripes(3)
    _, _, _, history = bm.train_rbm(data, epochs=30, record_every=10, monitor=("parameters",))
    assert [epoch for epoch, _ in history] == [0, 10, 20, 30]
    for epoch, recorded in history:
        shorter = bm.train_rbm(data, epochs=epoch)[:3]
        # (the records are copies: training on in place must not change an earlier one)
        assert all(np.array_equal(x, y) for x, y in zip(recorded, shorter)), f"epoch {epoch}"


@pytest.mark.parametrize("option, words", [({"method": "cd7"}, "method"), ({"visible_biases": "one"}, "visible"),
                                           ({"monitor": ("energy",)}, "cannot monitor")])
def test_train_rbm_rejects_unknown_options(option, words):
    with pytest.raises(ValueError, match=words):
        bm.train_rbm(bm.bars_and_stripes(3), epochs=1, **option)


def test_ais_names_a_base_of_the_wrong_shape():
    W, a, b = small_rbm()
    with pytest.raises(ValueError, match="base visible biases"):
        bm.ais_log_partition(W, a, b, np.zeros(3))
