"""Recognise common mistakes by comparing a wrong answer with the right one.

Each detector looks at the received and the expected value of one test case
and, if the difference has a telling shape, returns a hint. They know nothing
about a particular exercise, which is why they live apart from the checkers:
a sign flip, a transpose, a factor of the batch size or an offset look the
same in every lesson.
"""

from __future__ import annotations

import numpy as np


def close(a, b, rtol=1e-6, atol=1e-9, equal_nan=False) -> bool:
    """True when a and b have the same shape and numerically equal entries.

    ``equal_nan`` lets a NaN match a NaN: used to recognise a known wrong answer that
    produces NaN (like 0 * log 0), never to accept an answer as correct.
    """
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def shape_hint(received: np.ndarray, expected: np.ndarray, reveal: bool = True):
    """Explain a shape mismatch, or return None if the shapes agree."""
    r, e = received.shape, expected.shape
    if r == e:
        return None
    if expected.ndim == 0:
        return f"A single number was expected, not an array of shape {r}."
    if received.ndim == 2 and expected.ndim == 2 and r == e[::-1] and close(received, expected.T):
        return ("Your result is the transpose of the expected one: check the order of a "
                "matrix product or a missing/extra .T.")
    if received.size == expected.size:
        if received.ndim == expected.ndim + 1 and 1 in r:
            return (f"Right numbers, wrong shape: you returned shape {r} where {e} was expected. "
                    "An extra axis of length 1 remains; use .ravel(), .squeeze() or index [:, 0].")
        if received.ndim + 1 == expected.ndim and 1 in e:
            return (f"You returned shape {r} where {e} was expected: an axis of length 1 is "
                    "missing; keep it with keepdims=True or reshape.")
        return f"You returned shape {r} where {e} was expected; the sizes agree, so check your reshape."
    if received.ndim > expected.ndim and received.size > expected.size:
        return (f"You returned shape {r} where {e} was expected. A result with an extra axis usually "
                "comes from broadcasting: adding a (n,) array to a (n, 1) array gives an (n, n) matrix. "
                "Print the .shape of every intermediate array.")
    if received.ndim == 0 and expected.ndim > 0:
        return (f"You returned a single number where an array of shape {e} was expected: did you "
                "sum or average over every axis instead of one (axis=...)?")
    if received.ndim + 1 == expected.ndim or received.ndim < expected.ndim:
        return (f"You returned shape {r} where {e} was expected: did you sum or average over an "
                "axis that should stay (check axis=...)?")
    return f"You returned shape {r} where {e} was expected."


def generic_hint(received: np.ndarray, expected: np.ndarray, batch_size=None, reveal: bool = True):
    """Return a hint for a received value that has the right shape but wrong numbers.

    ``batch_size`` is the number of examples n in the case, if it has one, so
    that a factor of n (summing instead of averaging, or the reverse) can be
    named. With ``reveal=False`` (value exercises) only the NaN and shape hints
    are given: "exactly the negative", "n times too large" or "a constant
    multiple" of a hidden value would give the answer away.
    """
    if received.shape != expected.shape:
        return shape_hint(received, expected, reveal)
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(received)):
            return ("Your result contains NaN or infinity: look for a division by zero, a log of "
                    "zero or a value that overflowed.")
        if not np.any(expected):
            return None
        if not reveal:
            # a value exercise: a sign, factor or transpose hint would hand over the answer
            return None
        if close(received, -expected):
            return "Sign error: your result is exactly the negative of the expected one."
        if received.ndim == 2 and received.shape[0] == received.shape[1] and close(received, expected.T):
            return ("Your result is the transpose of the expected one: check the order of a "
                    "matrix product or a missing/extra .T.")
        if batch_size and batch_size > 1:
            if close(received, expected * batch_size):
                return (f"Your result is {batch_size} times too large, and {batch_size} is the number "
                        "of examples: you summed where the mean was wanted (divide by n).")
            if close(received, expected / batch_size):
                return (f"Your result is {batch_size} times too small, and {batch_size} is the number "
                        "of examples: you averaged where a sum was wanted (or divided by n twice).")
        if received.size > 1:
            mask = np.abs(expected) > 1e-12
            ratios = received[mask] / expected[mask]
            if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-6) and close(received, ratios[0] * expected):
                factor = ratios[0]
                if reveal:
                    return (f"Your result is the expected one times {factor:.4g}: look for a missing "
                            "or extra constant factor (a 2 from differentiating a square, a 1/2, a 1/n).")
                return "Your result is a constant multiple of the right one: look for a missing or extra constant factor."
            offset = received - expected
            if np.allclose(offset, offset.flat[0], rtol=1e-6, atol=1e-9):
                return ("Every entry is off by the same constant: a constant term is missing or "
                        "extra (did you forget the bias?).")
    return None
