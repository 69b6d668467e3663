"""Tests for dlmath.data: shapes, determinism, balance, and what each dataset shows."""

import numpy as np
import pytest

from dlmath import data

DATASETS = [data.blobs, data.clouds, data.xor, data.circles, data.moons, data.spirals]


@pytest.mark.parametrize("make", DATASETS)
@pytest.mark.parametrize("n", [2, 3, 7, 100, 201])
def test_shapes_dtypes_and_labels(make, n):
    X, y = make(n=n)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1}
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", DATASETS)
def test_classes_are_balanced(make):
    for n in (10, 11, 200):
        _, y = make(n=n)
        assert np.count_nonzero(y == 0) == (n + 1) // 2
        assert np.count_nonzero(y == 1) == n // 2


@pytest.mark.parametrize("make", DATASETS)
def test_same_seed_same_points_other_seed_other_points(make):
    X1, y1 = make(n=50, seed=3)
    X2, y2 = make(n=50, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make(n=50, seed=4)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", DATASETS)
def test_global_random_state_is_left_alone(make):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make(n=20)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("make", DATASETS)
def test_zero_noise_is_allowed(make):
    X, _ = make(n=20, noise=0)
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", DATASETS)
@pytest.mark.parametrize(
    "kwargs",
    [{"n": 1}, {"n": 0}, {"n": -5}, {"n": 2.5}, {"n": True}, {"n": "10"},
     {"noise": -0.1}, {"noise": float("nan")}, {"noise": float("inf")}, {"noise": "x"},
     {"seed": -1}, {"seed": 1.5}],
)
def test_bad_arguments_raise_a_clear_error(make, kwargs):
    with pytest.raises(data.DataError) as info:
        make(**kwargs)
    assert list(kwargs)[0] in str(info.value)
    assert isinstance(info.value, ValueError)


def test_data_error_is_a_dlmath_error():
    from dlmath.errors import DlmathError

    assert issubclass(data.DataError, DlmathError)


def test_spirals_reject_bad_turns():
    with pytest.raises(data.DataError, match="turns"):
        data.spirals(turns=0)


# -- what the datasets show ------------------------------------------------

def _with_bias(X):
    return np.column_stack([X, np.ones(len(X))])


def perceptron_accuracy(X, y, epochs=200):
    """Rosenblatt's perceptron with the 'pocket' trick: best accuracy seen."""
    Xb = _with_bias(X)
    target = 2 * y - 1
    w = np.zeros(3)
    best = 0.0
    for _ in range(epochs):
        for xi, ti in zip(Xb, target):
            if ti * (xi @ w) <= 0:
                w += ti * xi
        best = max(best, np.mean(np.sign(Xb @ w) == target))
        if best == 1.0:
            break
    return best


def least_squares_accuracy(X, y):
    Xb = _with_bias(X)
    w, *_ = np.linalg.lstsq(Xb, 2.0 * y - 1.0, rcond=None)
    return np.mean((Xb @ w > 0) == (y == 1))


def best_line_accuracy(X, y, angles=360):
    """Best accuracy of any line: try many directions, every threshold."""
    best = 0.0
    for theta in np.linspace(0, np.pi, angles, endpoint=False):
        proj = X @ np.array([np.cos(theta), np.sin(theta)])
        order = np.argsort(proj)
        ys = y[order]
        # points left of the cut are called class 0 (or class 1, the flip side)
        ones_left = np.concatenate([[0], np.cumsum(ys)])
        k = np.arange(len(ys) + 1)
        correct = (k - ones_left) + (ys.sum() - ones_left)
        acc = np.max(np.maximum(correct, len(ys) - correct)) / len(ys)
        best = max(best, acc)
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blobs_are_linearly_separable(seed):
    X, y = data.blobs(n=200, seed=seed)
    assert perceptron_accuracy(X, y) == 1.0
    assert least_squares_accuracy(X, y) == 1.0


def test_classic_clouds_are_separated_by_a_line():
    X, y = data.clouds(n=100)
    assert perceptron_accuracy(X, y) == 1.0
    assert np.allclose(X[y == 0].mean(axis=0), (-2, -2), atol=0.4)
    assert np.allclose(X[y == 1].mean(axis=0), (2, 2), atol=0.4)


@pytest.mark.parametrize("seed", [0, 1])
def test_no_line_separates_xor(seed):
    X, y = data.xor(n=200, seed=seed)
    assert least_squares_accuracy(X, y) < 0.75
    assert perceptron_accuracy(X, y, epochs=50) <= 0.8
    assert best_line_accuracy(X, y) <= 0.8
    # ...but the product of the centred coordinates (what a hidden unit can learn) does
    feature = (X[:, 0] - 0.5) * (X[:, 1] - 0.5)
    assert np.mean((feature < 0) == (y == 1)) > 0.95


def test_circles_are_separated_by_the_radius():
    X, y = data.circles(n=200)
    assert best_line_accuracy(X, y) < 0.8
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.mean((radius > 0.75) == (y == 1)) > 0.95


def test_moons_and_spirals_are_not_linearly_separable():
    for make in (data.moons, data.spirals):
        X, y = make(n=200)
        assert best_line_accuracy(X, y) < 0.95, make.__name__


def test_one_hot():
    encoded = data.one_hot(np.array([0, 1, 1, 0]), 2)
    np.testing.assert_array_equal(encoded, [[1, 0], [0, 1], [0, 1], [1, 0]])
    assert encoded.dtype == np.float64
    assert data.one_hot([2, 0]).shape == (2, 3)
    assert data.one_hot([0.0, 1.0], 2).tolist() == [[1, 0], [0, 1]]
    _, y = data.xor(n=10)
    np.testing.assert_array_equal(data.one_hot(y, 2).argmax(axis=1), y)


@pytest.mark.parametrize(
    "args", [([0, 2], 2), ([-1, 0], 2), ([[0, 1]], 2), ([0.5], 2), ([0, 1], 1.5)]
)
def test_one_hot_rejects_bad_labels(args):
    with pytest.raises(data.DataError):
        data.one_hot(*args)
