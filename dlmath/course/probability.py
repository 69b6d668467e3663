"""Softmax with a temperature, and entropy: the reference maths of the chapter *Probability*.

Used by the lesson's demo (``dlmath.widgets.probability``) and its checker
(``dlmath.exercises.probability``).
"""

import numpy as np

from dlmath.functions import softmax


def softmax_t(logits, T):
    """Probabilities proportional to exp(logits / T), computed stably (max shift)."""
    return softmax(np.asarray(logits, dtype=float) / T)


def entropy_bits(p):
    """Entropy in bits, -sum p log2 p, with 0 log 0 = 0."""
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-np.sum(p * np.log2(p)))


def bernoulli_log_probabilities(p, y, log=np.log):
    """log P(y) of each 0/1 outcome y when P(y = 1) = p: y log p + (1 - y) log(1 - p).

    Summed over coin flips, the log-likelihood of p; averaged and negated over labelled
    examples, the binary cross-entropy. ``log`` sets the unit (np.log: nats, np.log2: bits).
    """
    return y * log(p) + (1 - y) * log(1 - p)
