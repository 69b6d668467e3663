"""Gradient checking: compare backprop with central differences.

For each element w_i, (L(w_i + eps) - L(w_i - eps)) / (2 eps) approximates
dL/dw_i with an error of order eps^2, which is what backprop should give.
"""

import math

import numpy as np

from .autodiff import backward
from .session import as_fetch_list, evaluate, prepare_feed, single_loss, variables_of


class NodeCheck:
    """The check of one node: ``name``, ``shape``, ``analytic`` (backprop),
    ``numeric`` (central difference), ``max_error`` and ``passed``."""

    def __init__(self, node, analytic, numeric, tolerance):
        self.node, self.name, self.shape = node, node.name, np.shape(numeric)
        self.analytic, self.numeric, self.tolerance = analytic, numeric, tolerance
        # relative error |a - n| / max(|a|, |n|, 1): absolute for small values
        errors = np.abs(analytic - numeric) / np.maximum(
            np.maximum(np.abs(analytic), np.abs(numeric)), 1.0)
        self.errors = errors
        self.max_error = float(errors.max()) if errors.size else 0.0
        self.worst_index = np.unravel_index(np.argmax(errors), errors.shape) \
            if errors.size else ()
        self.passed = self.max_error < tolerance

    def __repr__(self):
        head = f"{self.name}: shape {self.shape}, max relative error"
        if self.passed:
            return f"{head} < {_power(self.tolerance)}: OK"
        i = tuple(int(k) for k in self.worst_index)
        return (f"{head} ~ {_power(self.max_error)}: FAILED (at index {i}: "
                f"backprop {self.analytic[i]:.3g}, central difference "
                f"{self.numeric[i]:.3g})")


def _power(x):
    """x rounded up to a power of ten, as text: 3e-8 -> '1e-7'."""
    return f"1e{math.ceil(math.log10(x))}" if x > 0 else "0"


class GradientCheck:
    """Result of :func:`check_gradients`: truthy if every node passed.

    ``checks`` is the list of :class:`NodeCheck`; its repr prints one line per
    node with rounded orders of magnitude so notebook outputs stay stable.
    """

    def __init__(self, checks):
        self.checks = checks

    @property
    def passed(self):
        return all(c.passed for c in self.checks)

    def __bool__(self):
        return self.passed

    def __iter__(self):
        return iter(self.checks)

    def __getitem__(self, i):
        return self.checks[i]

    def __len__(self):
        return len(self.checks)

    def __repr__(self):
        return "\n".join(repr(c) for c in self.checks) or "(nothing to check)"


def check_gradients(loss, feed_dict=None, wrt=None, eps=1e-6, tolerance=1e-6):
    """Check d loss / d w by central differences for the Variables of the
    loss (default) or the given nodes ``wrt`` (any nodes, even placeholders or
    intermediate operations, whose value is then perturbed directly)."""
    loss = single_loss(loss)
    nodes = variables_of(loss) if wrt is None else as_fetch_list(wrt)[0]
    feed = prepare_feed(feed_dict, loss.graph)
    values = evaluate([loss, *nodes], dict(feed))
    grads = backward(loss, values, nodes)

    def loss_at(node, value):
        return float(evaluate([loss], {**feed, node: value})[loss])

    checks = []
    for node in nodes:
        x = np.array(values[node], dtype=np.float64)  # a copy we can nudge
        numeric = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            original = x[i]
            x[i] = original + eps
            up = loss_at(node, x)
            x[i] = original - eps
            down = loss_at(node, x)
            x[i] = original
            numeric[i] = (up - down) / (2 * eps)
        analytic = np.asarray(grads.get(node, np.zeros_like(x)), dtype=np.float64)
        checks.append(NodeCheck(node, analytic, numeric, tolerance))
    return GradientCheck(checks)
