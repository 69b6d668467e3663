"""Small two-class datasets for the lessons.

Every function here draws ``n`` points in the plane and returns ``(X, y)``:

* ``X`` is an ``(n, 2)`` float64 array, one point per row;
* ``y`` is an ``(n,)`` integer array of class labels, 0 or 1.

The datasets are chosen for what they show about classifiers:

=============  ===============================================================
``clouds``     two round clouds, the red and blue points of the classic
               perceptron tutorial; a single line separates them.
``blobs``      two tight, well separated clouds; the easiest case.
``xor``        four clusters on the corners of a square; no line separates
               them, one hidden layer does.
``circles``    a disc inside a ring; no line separates them, but the
               feature ``x1**2 + x2**2`` does.
``moons``      two interleaving half circles; needs a curved boundary.
``spirals``    two interleaving spirals; needs a deep or wide network.
=============  ===============================================================

Randomness comes only from ``np.random.default_rng(seed)``, never from
NumPy's global generator, so the same ``seed`` always gives the same points
(the executed notebooks of the book depend on that). The classes are
balanced: class 0 gets ``ceil(n/2)`` points, class 1 gets ``floor(n/2)``.
The rows are shuffled, so that taking the first ``k`` rows gives a fair
mini-batch.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import DlmathError


__all__ = [
    "DataError",
    "blobs",
    "circles",
    "clouds",
    "moons",
    "one_hot",
    "spirals",
    "xor",
]


class DataError(DlmathError, ValueError):
    """A dataset function was called with an argument it cannot use."""


# --------------------------------------------------------------------------
# argument checks and shared helpers
# --------------------------------------------------------------------------

def _check_n(n, minimum=2):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise DataError(f"n must be a whole number of points, got {n!r}")
    if n < minimum:
        raise DataError(
            f"n must be at least {minimum} so that both classes get points, got {n}"
        )
    return int(n)


def _check_noise(noise):
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real):
        raise DataError(f"noise must be a number, got {noise!r}")
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0:
        raise DataError(f"noise must be a finite number >= 0, got {noise}")
    return noise


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise DataError(
            f"seed must be a whole number >= 0 (or a numpy Generator), got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def _class_sizes(n):
    """Split ``n`` points into two classes as evenly as possible."""
    return (n + 1) // 2, n // 2


def _shuffled(rng, X, y):
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order].astype(np.int64)


def _two_gaussians(n, noise, seed, centre):
    """Class 0 around ``-centre``, class 1 around ``+centre``."""
    rng = _rng(seed)
    n0, n1 = _class_sizes(n)
    centre = np.asarray(centre, dtype=np.float64)
    X = np.concatenate([
        -centre + noise * rng.standard_normal((n0, 2)),
        +centre + noise * rng.standard_normal((n1, 2)),
    ])
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _shuffled(rng, X, y)


# --------------------------------------------------------------------------
# the datasets
# --------------------------------------------------------------------------

def clouds(n=100, noise=1.0, seed=0):
    """The red and blue clouds of the classic perceptron tutorial.

    Class 0 ("red") is a round Gaussian cloud around (-2, -2), class 1
    ("blue") one around (2, 2); ``noise`` is the standard deviation of each
    coordinate. With the default noise the clouds nearly touch, yet a single
    straight line still separates them: this is the dataset on which a
    perceptron learns its first decision boundary.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    return _two_gaussians(n, noise, seed, centre=(2.0, 2.0))


def blobs(n=100, noise=0.5, seed=0):
    """Two tight clouds, far apart: linearly separable with a wide margin.

    Class 0 is centred on (-2, -2), class 1 on (2, 2), with standard
    deviation ``noise`` in each coordinate. At the default noise the gap
    between the clouds is so wide that any reasonable training run reaches
    100% accuracy, which makes it a good first check that a model works.
    Raise ``noise`` to about 2 to make the clouds overlap and see that no
    line can then be perfect.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    return _two_gaussians(n, noise, seed, centre=(2.0, 2.0))


def xor(n=200, noise=0.2, seed=0):
    """Four clusters on the corners of the unit square, labelled like XOR.

    Points near (0, 0) and (1, 1) are class 0, points near (0, 1) and
    (1, 0) are class 1; ``noise`` is the standard deviation around each
    corner. No straight line separates the classes: the best line gets three
    corners right and one wrong, about 75% accuracy. A network with one
    hidden layer solves it, which is why XOR is the textbook argument for
    hidden layers.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _rng(seed)
    n0, n1 = _class_sizes(n)
    corners = [
        ((0.0, 0.0), (n0 + 1) // 2, 0),
        ((1.0, 1.0), n0 // 2, 0),
        ((0.0, 1.0), (n1 + 1) // 2, 1),
        ((1.0, 0.0), n1 // 2, 1),
    ]
    X = np.concatenate([
        np.asarray(c) + noise * rng.standard_normal((k, 2)) for c, k, _ in corners
    ])
    y = np.concatenate([np.full(k, label, dtype=np.int64) for _, k, label in corners])
    return _shuffled(rng, X, y)


def circles(n=200, noise=0.1, seed=0):
    """A disc of class 0 inside a ring of class 1.

    Class 0 lies on a circle of radius 0.5, class 1 on a circle of radius
    1.0, both centred on the origin and jittered by Gaussian noise of
    standard deviation ``noise``. No line separates them, but the single
    feature ``x1**2 + x2**2`` (the squared distance to the centre) does:
    the dataset shows what a good feature, or a hidden layer that learns
    one, buys.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _rng(seed)
    n0, n1 = _class_sizes(n)
    parts = []
    for k, radius in ((n0, 0.5), (n1, 1.0)):
        angle = rng.uniform(0.0, 2.0 * np.pi, size=k)
        ring = radius * np.column_stack([np.cos(angle), np.sin(angle)])
        parts.append(ring + noise * rng.standard_normal((k, 2)))
    X = np.concatenate(parts)
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _shuffled(rng, X, y)


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles ("moons").

    Class 0 is the upper half of a unit circle centred on (0, 0); class 1 is
    the lower half of a unit circle centred on (1, 0.5), so each moon reaches
    into the other's hollow. Points are spread evenly along each arc and
    jittered by Gaussian noise of standard deviation ``noise``. A line gets
    most points right but not all; a small hidden layer bends the boundary
    around the tips.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _rng(seed)
    n0, n1 = _class_sizes(n)
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _shuffled(rng, X, y)


def spirals(n=200, noise=0.05, seed=0, turns=1.5):
    """Two interleaving spirals around the origin.

    Both arms start at the centre and wind outwards for ``turns`` full
    turns; class 1 is class 0 rotated by half a turn. The radius grows from
    0 to 1 along each arm, and ``noise`` is the standard deviation of the
    Gaussian jitter. The classes wrap around each other, so the boundary
    must wind too: the hardest of these datasets, used to show what depth
    and width buy.
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    if isinstance(turns, bool) or not isinstance(turns, numbers.Real) or not (
        math.isfinite(turns) and turns > 0
    ):
        raise DataError(f"turns must be a finite number > 0, got {turns!r}")
    rng = _rng(seed)
    n0, n1 = _class_sizes(n)
    parts = []
    for k, phase in ((n0, 0.0), (n1, np.pi)):
        r = np.linspace(0.05, 1.0, k)  # start just off the centre, where the arms meet
        angle = 2.0 * np.pi * float(turns) * r + phase
        arm = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        parts.append(arm + noise * rng.standard_normal((k, 2)))
    X = np.concatenate(parts)
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _shuffled(rng, X, y)


def one_hot(y, num_classes=None):
    """Turn integer labels into one-hot rows.

    ``one_hot([0, 1, 1], 2)`` is ``[[1, 0], [0, 1], [0, 1]]``: row ``i`` has a
    single 1 in column ``y[i]``. This is the form ``softmax_cross_entropy``
    expects for its labels. ``num_classes`` defaults to ``max(y) + 1``.
    Returns a float64 array of shape ``(len(y), num_classes)``.
    """
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise DataError(f"one_hot expects a 1-D array of labels, got shape {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.equal(np.mod(labels, 1), 0)):
            raise DataError("one_hot expects whole-number labels")
        labels = labels.astype(np.int64)
    labels = labels.astype(np.int64, copy=False)
    if labels.size and labels.min() < 0:
        raise DataError(f"labels must be >= 0, got {labels.min()}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise DataError(f"num_classes must be a whole number, got {num_classes!r}")
    num_classes = int(num_classes)
    if num_classes < 1 and labels.size:
        raise DataError(f"num_classes must be at least 1, got {num_classes}")
    if labels.size and labels.max() >= num_classes:
        raise DataError(
            f"label {labels.max()} does not fit in {num_classes} classes "
            f"(labels must be < num_classes)"
        )
    encoded = np.zeros((labels.size, max(num_classes, 0)), dtype=np.float64)
    encoded[np.arange(labels.size), labels] = 1.0
    return encoded
