"""A one-hidden-layer perceptron trained with dlmath, and its forward pass in NumPy.

The reference maths of the chapter *Multilayer perceptrons* (used by the
chapter, the lesson and ``dlmath.widgets.multilayer_perceptrons``):

* ``train_mlp(X, y, hidden)``: train ``softmax(act(X W1 + b1) W2 + b2)`` with
  dlmath (placeholders, Variables, ``softmax_cross_entropy``, Adam), full batch
  and seeded; returns the loss per epoch and the parameters at chosen epochs.
* ``class_probability(params, points)`` and ``hidden_activations(params,
  points)`` evaluate a trained network with plain NumPy (the same formulas as
  the graph), for plotting over a grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import dlmath as dm
from dlmath import functions


EPOCHS = 300


SNAPSHOT_EVERY = 10


# each activation as a graph op (to train) and as a NumPy function (to plot)
ACTIVATIONS = {"tanh": (dm.tanh, np.tanh), "relu": (dm.relu, functions.relu),
               "sigmoid": (dm.sigmoid, functions.sigmoid)}


def init_params(hidden=8, seed=0, inputs=2, classes=2):
    """``[W1, b1, W2, b2]`` of an inputs-hidden-classes network: weights drawn from
    ``default_rng(seed)`` as normal / sqrt(fan_in) (W1 first), biases 0."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(inputs, hidden)) / np.sqrt(inputs), np.zeros(hidden),
            rng.normal(size=(hidden, classes)) / np.sqrt(hidden), np.zeros(classes)]


@dataclass
class TrainingRun:
    """What ``train_mlp`` returns: the loss before each epoch's step, and snapshots of the parameters."""

    losses: np.ndarray  # losses[t] = loss after t steps, t = 0..epochs
    snapshots: dict  # epoch -> dict(W1, b1, W2, b2, activation)
    accuracy: float  # on the training data, after the last epoch

    @property
    def final(self):
        return self.snapshots[max(self.snapshots)]


def train_mlp(X, y, hidden, epochs=EPOCHS, learning_rate=0.05, seed=0, activation="tanh",
              snapshot_epochs=None) -> TrainingRun:
    """Train ``softmax(act(X W1 + b1) W2 + b2)`` on (X, y) with Adam, full batch, in its own graph.

    The weights start from ``init_params(hidden, seed)``. ``snapshot_epochs`` (default: every ``SNAPSHOT_EVERY``)
    are the epochs whose parameters are kept.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    classes = int(y.max()) + 1
    if snapshot_epochs is None:
        snapshot_epochs = range(0, epochs + 1, SNAPSHOT_EVERY)
    wanted = set(snapshot_epochs)
    act_node, _ = ACTIVATIONS[activation]
    start = init_params(hidden, seed, inputs=X.shape[1], classes=classes)
    with dm.Graph().as_default():
        inputs = dm.placeholder(name="X")
        labels = dm.placeholder(name="y")
        W1, b1, W2, b2 = (dm.Variable(p, name=n) for p, n in zip(start, ("W1", "b1", "W2", "b2")))
        logits = act_node(inputs @ W1 + b1) @ W2 + b2
        loss = dm.softmax_cross_entropy(logits, labels)
        train_op = dm.train.AdamOptimizer(learning_rate).minimize(loss)
        session = dm.Session()
        feed = {inputs: X, labels: y}

        def snapshot():
            return {"W1": W1.value.copy(), "b1": b1.value.copy(), "W2": W2.value.copy(),
                    "b2": b2.value.copy(), "activation": activation}

        losses, snapshots = [], {}
        for epoch in range(epochs + 1):
            if epoch in wanted:
                snapshots[epoch] = snapshot()
            if epoch == epochs:
                final_loss, final_logits = session.run([loss, logits], feed)
                losses.append(final_loss)
            else:
                _, value = session.run([train_op, loss], feed)  # loss before this step
                losses.append(value)
    accuracy = float(np.mean(final_logits.argmax(axis=1) == y))
    return TrainingRun(np.array(losses), snapshots, accuracy)


def hidden_activations(params, points):
    """The hidden layer's outputs, shape (n, hidden), for points of shape (n, 2)."""
    _, act = ACTIVATIONS[params["activation"]]
    return act(points @ params["W1"] + params["b1"])


def class_probability(params, points, cls=1):
    """The network's probability of class ``cls`` at each point (NumPy, no graph)."""
    logits = hidden_activations(params, points) @ params["W2"] + params["b2"]
    return functions.softmax(logits, axis=1)[:, cls]


def engine_gradients(X, Y, weights, activation="tanh"):
    """The engine's gradients of the mean softmax cross-entropy of an MLP, one array per weight.

    ``weights`` is ``[W1, b1, W2, b2, ..., WL, bL]`` (row convention: ``X`` is (N, d),
    ``W1`` is (d, h1)); the network is ``Z_l = H_{l-1} W_l + b_l``, ``H_l = act(Z_l)``
    for the hidden layers and the logits ``Z_L`` with no activation; ``Y`` holds one-hot
    (or probability) rows of the logits' shape, or integer classes. Computed by
    ``dm.gradients`` in a fresh graph, in the order of ``weights``.
    """
    if len(weights) % 2 or not weights:
        raise ValueError(f"weights must be [W1, b1, ..., WL, bL], an even number of arrays; got {len(weights)}")
    act_node, _ = ACTIVATIONS[activation]
    with dm.Graph().as_default():
        variables = [dm.Variable(np.array(w, dtype=float), name=f"{'Wb'[i % 2]}{i // 2 + 1}")
                     for i, w in enumerate(weights)]
        out = dm.constant(np.asarray(X, dtype=float))
        layers = len(variables) // 2
        for layer in range(layers):
            out = out @ variables[2 * layer] + variables[2 * layer + 1]
            if layer < layers - 1:
                out = act_node(out)
        loss = dm.softmax_cross_entropy(out, np.asarray(Y))
        return dm.gradients(loss, variables)


def matmul_flops(widths, batch):
    """Multiply-adds of an MLP's matrix products (2 flops each), forward and backward.

    ``widths`` is ``[d, h1, ..., k]``. Forward: one product ``H_{l-1} W_l`` per layer,
    ``2 N n_{l-1} n_l`` flops. Backward: the weight gradient ``H_{l-1}^T dZ_l`` for every
    layer and the input gradient ``dZ_l W_l^T`` for every layer but the first (nothing
    needs dL/dX), each as costly as the forward product. Returns ``(forward, backward)``.
    """
    products = [2 * batch * a * b for a, b in zip(widths[:-1], widths[1:])]
    return sum(products), 2 * sum(products) - products[0]
