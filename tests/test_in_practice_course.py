"""The reference maths of chapter 12's later sections (dlmath/course/in_practice.py).

Folds (plain and stratified), the bias-variance estimates, double descent on
random relu features, shift augmentation, early stopping against ridge, and
the sigmoid network with or without ``dm.batch_norm``; each against a
property stated in the chapter, computed here independently.
"""

import numpy as np
import pytest

from dlmath.course.in_practice import (augment_shifts, bar_images, bias_variance, double_descent,
                                       gradient_descent_least_squares, kfold_indices, ridge_solution,
                                       smooth_target, stratified_folds, train_deep_mlp)


@pytest.mark.parametrize("n, k", [(10, 2), (11, 3), (40, 5), (7, 7)])
def test_kfold_indices_cover_every_example_once_in_near_equal_folds(n, k):
    folds = kfold_indices(n, k, seed=1)
    assert len(folds) == k
    assert np.array_equal(np.sort(np.concatenate(folds)), np.arange(n))
    assert max(map(len, folds)) - min(map(len, folds)) <= 1


@pytest.mark.parametrize("counts, k", [([6, 4], 2), ([18, 6], 3), ([5, 5, 5], 4), ([27, 3], 5), ([1, 9, 13], 6)])
def test_stratified_folds_keep_each_class_share(counts, k):
    y = np.random.default_rng(0).permutation(np.repeat(np.arange(len(counts)) * 3 + 1, counts))
    folds = stratified_folds(y, k, seed=2)
    assert np.array_equal(np.sort(np.concatenate(folds)), np.arange(len(y)))
    for label, n_c in zip(np.arange(len(counts)) * 3 + 1, counts):
        per_fold = [int((y[f] == label).sum()) for f in folds]
        assert min(per_fold) >= n_c // k and max(per_fold) <= -(-n_c // k), (label, per_fold)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert all(np.array_equal(a, b) for a, b in zip(folds, stratified_folds(y, k, seed=2)))


@pytest.mark.parametrize("k", [1, 11])
def test_folds_reject_a_bad_k(k):
    with pytest.raises(ValueError, match="2 <= k <= n"):
        kfold_indices(10, k)
    with pytest.raises(ValueError, match="2 <= k <= n"):
        stratified_folds(np.zeros(10), k)


def test_bias_variance_parts_add_up_and_trade_off():
    bv = bias_variance([1, 3, 8], n=30, noise=0.3, repeats=100, seed=1)
    squared = ((bv["predictions"] - smooth_target(bv["x_test"])) ** 2).mean(axis=(1, 2))
    np.testing.assert_allclose(squared, bv["bias2"] + bv["variance"], rtol=1e-12)
    np.testing.assert_allclose(bv["error"], bv["noise2"] + bv["bias2"] + bv["variance"], rtol=0.05)
    assert bv["bias2"][0] > bv["bias2"][1] and bv["variance"][2] > bv["variance"][1]


def test_double_descent_peaks_at_the_interpolation_threshold():
    counts = np.array([10, 20, 30, 40, 50, 80, 200])
    dd = double_descent(counts, n=40, repeats=3)
    test_error = np.median(dd["test_error"], axis=0)
    assert counts[test_error.argmax()] == 40
    assert np.all(dd["train_error"][:, counts >= 40] < 1e-12)            # interpolation from p = N on
    assert np.all(dd["train_error"][:, counts < 40] > 1e-6)
    assert test_error[-1] < test_error[counts < 40].min()                # the second descent


def test_gradient_descent_from_zero_is_the_spectral_filter_and_close_to_ridge():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 5)) * [2, 1, 0.5, 0.2, 0.1]
    y = rng.standard_normal(30)
    H = X.T @ X / 30
    lam, Q = np.linalg.eigh(H)
    w_star = np.linalg.solve(H, X.T @ y / 30)
    eta, steps = 1 / lam.max(), 50
    w_t = gradient_descent_least_squares(X, y, eta, steps)
    np.testing.assert_allclose(w_t, Q @ ((1 - (1 - eta * lam) ** steps) * (Q.T @ w_star)), atol=1e-12)
    alpha = 1 / (eta * steps)
    w_alpha = ridge_solution(X, y, alpha)
    np.testing.assert_allclose((H + alpha * np.eye(5)) @ w_alpha, X.T @ y / 30, atol=1e-12)
    assert np.linalg.norm(w_t - w_alpha) < 0.5 * np.linalg.norm(w_t - w_star)


def test_augmented_copies_keep_the_label():
    X, y = bar_images(4, columns=[0], noise=0.0, seed=0)
    copies = augment_shifts(X).reshape(-1, 4, 6, 6)
    assert copies.shape[0] == 72
    has_bar = (copies == 1).all(axis=2).any(axis=-1)        # some column entirely bright
    assert np.array_equal(has_bar, np.broadcast_to(y == 1, has_bar.shape))


def test_batch_norm_network_trains_faster():
    from dlmath import data
    X, y = data.moons(100, noise=0.2, seed=0)
    plain = train_deep_mlp(X, y, batch_norm=False, steps=30, learning_rate=1.0)
    normalised = train_deep_mlp(X, y, batch_norm=True, steps=30, learning_rate=1.0)
    assert len(plain) == 31 and normalised[-1] < 0.8 * plain[-1]
