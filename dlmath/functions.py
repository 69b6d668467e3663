"""The course's elementwise functions on NumPy arrays, each written once in its stable form.

The engine's operations (``dlmath.ops``), the fused losses, the topic modules
(``dlmath.course``), the demos and the checkers all call these: a formula
printed in a chapter has one implementation. They take and return plain NumPy
arrays (no graph); ``dlmath.ops`` wraps them as graph nodes.
"""

import numpy as np


def sigmoid(x):
    """sigma(x) = 1 / (1 + e^-x), computed without overflow.

    Split on the sign: with z = e^-|x| (always in (0, 1]),
    sigma(x) = 1 / (1 + z) for x >= 0 and z / (1 + z) for x < 0.
    """
    z = np.exp(-np.abs(x))
    return np.where(np.asarray(x) >= 0, 1 / (1 + z), z / (1 + z))


def relu(x):
    """max(x, 0), elementwise."""
    return np.maximum(x, 0.0)  # a float 0: NumPy's float loop, not a slower mixed-type one


def logsumexp(x, axis=-1, keepdims=True):
    """log sum_j e^(x_j), shifted by the max m so that no exponential overflows:
    log sum e^x = m + log sum e^(x - m)."""
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=axis, keepdims=True)
    out = m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis=-1):
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j), computed as e^(x - max) / sum e^(x - max).

    Unchanged by a shift of x, so subtracting the max loses nothing and no
    exponential overflows.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """log softmax(x) = x - logsumexp(x), computed as (x - m) - log sum e^(x - m)
    with m the max: never the log of 0, no overflow."""
    shifted = np.asarray(x, dtype=np.float64)
    shifted = shifted - shifted.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

