"""Deep learning in practice: overfitting, weight decay, early stopping, vanishing gradients.

The experiments of the chapter *In practice* and its lesson (the demos over
them are in ``dlmath.widgets.in_practice``):

* ``noisy_moons()``: the course's running example for overfitting: 300 noisy
  moons points split (seeded) into 60 training, 120 validation and 120 test
  points. The training set is kept small on purpose: with little data a large
  network can memorise it.
* ``split_indices(n, val_fraction, test_fraction, seed)``: a seeded split of
  ``range(n)`` into three disjoint shuffled index arrays.
* ``train_mlps(...)``: trains several one-hidden-layer tanh networks at once
  (one per weight-decay value, or one per set of labels) with the course's one
  MLP trainer, ``multilayer_perceptrons.training_steps``, which stacks them
  along a leading axis so that one ``session.run`` steps them all.
* ``cross_entropy``, ``forward``, ``probability``, ``accuracy``: the stacked
  networks evaluated with NumPy.
* ``layer_gradient_norms(depth, activation)``: the norm of dL/dW for every
  layer of a deep, untrained network, computed by dlmath's backprop.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import dlmath as dm
from dlmath import data
from dlmath.course.multilayer_perceptrons import logits, training_steps
from dlmath.functions import log_softmax, sigmoid


EPOCHS = 300


LEARNING_RATE = 0.03


RECORD_EVERY = 5            # epochs between recorded losses


def split_indices(n, val_fraction=0.2, test_fraction=0.2, seed=0):
    """Shuffle ``range(n)`` with ``default_rng(seed)`` and cut it into three parts.

    Returns ``(train, val, test)``: disjoint index arrays covering every
    example once, of sizes ``n - n_val - n_test``, ``n_val = int(n * val_fraction)``
    and ``n_test = int(n * test_fraction)``.
    """
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


@lru_cache(maxsize=None)
def noisy_moons():
    """``{"train": (X, y), "val": (X, y), "test": (X, y)}``: 60 / 120 / 120 noisy moons points."""
    X, y = data.moons(300, noise=0.35, seed=3)
    train, val, test = split_indices(len(X), 0.4, 0.4, seed=0)
    return {"train": (X[train], y[train]), "val": (X[val], y[val]), "test": (X[test], y[test])}


def cross_entropy(params, X, y):
    """Mean softmax cross-entropy of each stacked network on ``(X, y)``: shape ``(M,)``.

    ``params`` is ``(W1, b1, W2, b2)`` with a leading axis of M networks
    (``W1`` of shape ``(M, 2, h)``, ``b1`` ``(M, 1, h)``, ...). ``y`` has
    shape ``(n,)`` (the same labels for all) or ``(M, n)``.
    """
    log_p = log_softmax(forward(params, X))
    y = np.broadcast_to(y, log_p.shape[:-1])
    return -np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0].mean(axis=-1)


def forward(params, X):
    """The logits of each stacked network: ``tanh(X W1 + b1) W2 + b2``, shape ``(M, n, 2)``."""
    return logits(params, X, "tanh")


def probability(params, X):
    """Probability of class 1 for each stacked network, shape ``(M, n)``."""
    z = forward(params, X)
    return sigmoid(z[..., 1] - z[..., 0])             # softmax of two logits


def accuracy(params, X, y):
    """Fraction of correctly classified points for each stacked network, shape ``(M,)``."""
    return ((probability(params, X) > 0.5) == np.broadcast_to(y, (len(params[0]), len(y)))).mean(axis=-1)


def train_mlps(X_train, y_train, hidden, weight_decays=(0.0,), epochs=EPOCHS,
               learning_rate=LEARNING_RATE, seed=0, val=None, snapshot_every=None, record_every=RECORD_EVERY):
    """Train M = len(weight_decays) tanh networks side by side with the course's MLP trainer.

    ``multilayer_perceptrons.training_steps`` with ``weight_decays``: Adam, full
    batch, all networks start from ``init_params(hidden, seed)``, and network m
    minimises its own ``cross-entropy + weight_decays[m] * (||W1||^2 + ||W2||^2)``
    (biases are not decayed). ``y_train`` may have shape ``(n,)`` or ``(M, n)``
    (one set of labels per network, e.g. with different label noise).

    Returns a dict: ``params`` (final, stacked), ``train_loss`` and
    ``val_loss`` (cross-entropy without the penalty, one row of M values every
    ``record_every`` epochs, at the epochs listed in ``epochs``; ``val_loss``
    only if ``val=(X, y)`` is given) and ``snapshots`` (list of
    ``(epoch, params)`` every ``snapshot_every`` epochs, if given).
    """
    decays = np.asarray(weight_decays, dtype=float)
    labels = np.broadcast_to(y_train, (len(decays), len(X_train)))
    history = {"epochs": [], "train_loss": [], "val_loss": [], "snapshots": []}
    for epoch, _, params in training_steps(X_train, labels, hidden, epochs, learning_rate, seed,
                                           activation="tanh", weight_decays=decays):
        if epoch % record_every == 0 or epoch == epochs:
            history["epochs"].append(epoch)
            history["train_loss"].append(cross_entropy(params, X_train, labels))
            if val is not None:
                history["val_loss"].append(cross_entropy(params, *val))
        if snapshot_every and epoch % snapshot_every == 0:
            history["snapshots"].append((epoch, params))
    return {"params": params, "epochs": np.array(history["epochs"]),
            "train_loss": np.array(history["train_loss"]),
            "val_loss": np.array(history["val_loss"]) if val is not None else None,
            "snapshots": history["snapshots"], "weight_decays": decays, "hidden": hidden}


def pick(params, m):
    """The parameters of network ``m`` of a stack, keeping the leading axis (of size 1)."""
    return tuple(p[m:m + 1] for p in params)


def layer_gradient_norms(depth, activation="sigmoid", width=16, n=64, seed=0):
    """The norm of dL/dW_l for each layer l = 1..depth of an untrained network.

    ``depth`` layers of ``width`` units with the given activation ("sigmoid",
    "tanh" or "relu"), then a linear output; the loss is the mean squared
    output. Weights are drawn with the scale that keeps the forward signal's
    size from layer to layer: 1/sqrt(fan-in) for sigmoid and tanh (LeCun et al.
    1998), sqrt(2/fan-in) for relu (He et al.). Computed by dlmath.
    """
    rng = np.random.default_rng(seed)
    act = {"sigmoid": dm.sigmoid, "tanh": dm.tanh, "relu": dm.relu}[activation]
    gain = np.sqrt(2.0) if activation == "relu" else 1.0
    graph = dm.Graph()
    with graph.as_default():
        h = dm.constant(rng.normal(size=(n, width)), name="X")
        weights = []
        for layer in range(depth):
            W = dm.Variable(rng.normal(size=(width, width)) * gain / np.sqrt(width), name=f"W{layer + 1}")
            b = dm.Variable(np.zeros(width), name=f"b{layer + 1}")
            h = act(h @ W + b)
            weights.append(W)
        out = h @ dm.Variable(rng.normal(size=(width, 1)) / np.sqrt(width), name="w_out")
        loss = dm.reduce_mean(dm.square(out))
        grads = dm.gradients(loss, weights)
    return np.array([np.linalg.norm(g) for g in grads])
