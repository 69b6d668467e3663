"""Losses of a binary classifier: cross-entropy, squared error and the 0-1 loss.

The reference maths of the chapter *The training criterion* (used by the
chapter, the lesson, ``dlmath.widgets.training_criterion`` and the perceptron
demo). Logits z, labels y in {0, 1}, p = sigma(z) from ``dlmath.functions``.

* ``losses(z, y)``: the three losses, element-wise, computed stably;
  ``loss_gradients(z, y)``: their derivatives with respect to z.
* ``mean_cross_entropy(scores, y)``: the mean cross-entropy as one number.
* ``softmax_cross_entropy_gradient(Z, Y)``: with K classes, the gradient
  ``(softmax(Z) - Y) / n`` of the mean softmax cross-entropy over n rows.
* ``mean_losses_along_offset(X, y, w, offsets)``: each mean loss for a family
  of parallel lines.
"""

from __future__ import annotations

import numpy as np

from dlmath.functions import sigmoid, softmax


def mean_cross_entropy(scores, y):
    """Mean of -[y log s(z) + (1 - y) log(1 - s(z))] in the stable form log(1 + e^z) - y z."""
    return float(np.mean(np.logaddexp(0.0, scores) - y * scores))


def softmax_cross_entropy_gradient(Z, Y):
    """d/dZ of ``mean_i -sum_k Y_ik log softmax(Z_i)_k``: ``(softmax(Z) - Y) / n``, softmax along the last axis.

    ``Z`` holds n rows of logits (shape (n, K)) or one row (shape (K,), n = 1);
    ``Y`` the matching one-hot (or probability) rows, each summing to 1. The
    softmax is the stable one of ``dlmath.functions``.
    """
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0] if Z.ndim > 1 else 1
    return (softmax(Z) - Y) / n


def losses(z, y):
    """Cross-entropy, squared error (sigma(z) - y)^2 and 0-1 loss of logits z with labels y (0/1)."""
    z = np.asarray(z, dtype=float)
    p = sigmoid(z)
    return {
        "cross-entropy": np.logaddexp(0.0, z) - y * z,          # -[y log p + (1 - y) log(1 - p)]
        "squared error": (p - y) ** 2,
        "0-1 loss": ((z > 0) != (y == 1)).astype(float),       # a point on the line counts as 0
    }


def loss_gradients(z, y):
    """d loss / d z for the three losses: sigma - y, 2 (sigma - y) sigma (1 - sigma), and 0."""
    p = sigmoid(z)
    return {
        "cross-entropy": p - y,
        "squared error": 2 * (p - y) * p * (1 - p),
        "0-1 loss": np.zeros_like(p),
    }


def mean_losses_along_offset(X, y, w, offsets):
    """The mean of each loss over (X, y) for the lines w . x + b = 0, one per offset b."""
    Z = X @ np.asarray(w, dtype=float) + np.asarray(offsets, dtype=float)[:, None]
    return {name: values.mean(axis=1) for name, values in losses(Z, y[None, :]).items()}
