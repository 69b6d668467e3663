"""Fused losses: one node each, computed in a numerically stable form.

Fusing the last activation with the loss avoids ever taking log(0): the
combined gradient is also simpler than the chain of its parts.
"""

import numpy as np

from . import functions as F
from .errors import ShapeError
from .graph import Operation


class SoftmaxCrossEntropy(Operation):
    """Mean over the batch of -sum_k y_k log softmax(z)_k.

    ``logits`` z has shape (..., classes). ``labels`` y are either integer
    class indices of shape (...,), or weights of z's shape: one-hot rows,
    probabilities, smoothed labels, or rows that do not sum to 1 (counts, a
    typo). The loss is the formula above whatever the row sums are, and the
    gradient is exactly the gradient of that loss (it is linear in y, so this
    holds for any real y, which lets central differences nudge a 0 label).
    Stable form: log softmax(z) = z - logsumexp(z).

    Gradient, with s = sum_k y_k the row sum of the labels:
    dL/dz = (s softmax(z) - y) / batch, which is (softmax(z) - y) / batch for
    rows that sum to 1; dL/dy = -log softmax(z) / batch (integer labels get no
    gradient).
    """

    label = "softmax_xent"

    def forward(self, logits, labels):
        return self._loss(self._log_probs(logits), logits, labels)

    def _loss(self, saved, logits, labels):
        logp, batch = saved
        if labels.shape == logits.shape:
            return -(labels * logp).sum() / batch
        return -np.take_along_axis(logp, self._classes(logits, labels), -1).sum() / batch

    def backward(self, grad, inputs, output):
        return self.backward_some(grad, inputs, output, (True, True))

    def backward_some(self, grad, inputs, output, needs):
        return self.backward_saved(grad, inputs, output, self._log_probs(inputs[0]), needs)

    # The fast path (``dlmath.compiled``) keeps the forward pass's log-probabilities
    # for the backward pass instead of computing them twice; same numbers.
    def forward_saving(self, logits, labels):
        """(the loss, what ``backward_saved`` needs: log softmax(z) and the batch size)."""
        saved = self._log_probs(logits)
        return self._loss(saved, logits, labels), saved

    def backward_saved(self, grad, inputs, output, saved, needs):
        """``backward_some``, given the forward pass's ``saved`` log-probabilities."""
        logits, labels = inputs
        logp, batch = saved
        p, scale = np.exp(logp), grad / batch
        if labels.shape == logits.shape:
            row_sums = labels.sum(axis=-1, keepdims=True)   # 1 for probabilities
            return ((row_sums * p - labels) * scale,        # dL/dz = (s p - y) / batch
                    -logp * scale if needs[1] else None)    # dL/dy = -log p / batch
        _subtract_one_at(p, self._classes(logits, labels))   # softmax - one_hot
        return p * scale, None

    def _log_probs(self, logits):
        if np.ndim(logits) == 0:
            raise ShapeError(f"{self.name}: logits must have a class axis, got a scalar")
        logp = F.log_softmax(logits)
        return logp, logp.size // logp.shape[-1]

    def _classes(self, logits, labels):
        """Integer labels of shape (...,) as an index array of shape (..., 1)."""
        if labels.shape != logits.shape[:-1]:
            raise ShapeError(
                f"{self.name}: labels of shape {labels.shape} do not fit logits "
                f"of shape {logits.shape}: give one-hot labels of shape "
                f"{logits.shape} or integer classes of shape {logits.shape[:-1]}")
        classes = labels.astype(np.intp)
        if np.any(classes != labels) or np.any(classes < 0) or \
                np.any(classes >= logits.shape[-1]):
            raise ShapeError(
                f"{self.name}: integer labels must be whole numbers in "
                f"0..{logits.shape[-1] - 1} (one per class), got values from "
                f"{labels.min():g} to {labels.max():g}")
        return classes[..., None]


def _subtract_one_at(p, index):
    """p - one_hot(index), in place: softmax minus the one-hot label."""
    np.put_along_axis(p, index, np.take_along_axis(p, index, -1) - 1, -1)


class SigmoidCrossEntropy(Operation):
    """Mean over all elements of -[y log s(z) + (1 - y) log(1 - s(z))].

    Labels y are 0/1 (or probabilities), same shape as the logits z (a label
    of shape (n,) with logits (n, 1) is refused rather than broadcast to
    (n, n)). Stable form: log(1 + e^z) - z y, with log(1 + e^z) =
    logaddexp(0, z). Gradient: dL/dz = (s(z) - y) / N, dL/dy = -z / N.
    """

    label = "sigmoid_xent"

    def forward(self, logits, labels):
        _check_same_shape(self, logits, labels, "logits", "labels")
        return (np.logaddexp(0, logits) - logits * labels).mean()

    def backward(self, grad, inputs, output):
        z, y = inputs
        scale = grad / z.size
        return (F.sigmoid(z) - y) * scale, -z * scale


class MeanSquaredError(Operation):
    """mean((p - t)^2) over all elements. dL/dp = 2 (p - t) / N, dL/dt = -dL/dp."""

    label = "mse"

    def forward(self, prediction, target):
        _check_same_shape(self, prediction, target, "prediction", "target")
        diff = prediction - target
        return (diff * diff).mean()

    def backward(self, grad, inputs, output):
        p, t = inputs
        d = 2 * (p - t) * (grad / p.size)
        return d, -d


def _check_same_shape(op, a, b, a_name, b_name):
    """The second input may broadcast into the first, never make it bigger."""
    try:
        ok = np.broadcast_shapes(a.shape, b.shape) == a.shape
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(
            f"{op.name}: {a_name} of shape {a.shape} and {b_name} of shape "
            f"{b.shape} do not match; reshape {b_name} to {a.shape} (e.g. "
            f"{b_name}.reshape({a.shape})), since broadcasting would compare "
            "every prediction with every target")


def softmax_cross_entropy(logits, labels, name=None):
    """Softmax + cross-entropy in one stable op; mean over the batch.

    ``labels``: integer class indices, or rows of the logits' shape (one-hot,
    probabilities, smoothed; any row sum, with the exact gradient)."""
    return SoftmaxCrossEntropy(logits, labels, name=name)


def sigmoid_cross_entropy(logits, labels, name=None):
    """Sigmoid + binary cross-entropy in one stable op; mean over all elements."""
    return SigmoidCrossEntropy(logits, labels, name=name)


def mse(prediction, target, name=None):
    """Mean squared error, mean over all elements."""
    return MeanSquaredError(prediction, target, name=name)
