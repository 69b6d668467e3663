"""A one-hidden-layer perceptron trained with dlmath, and its forward pass in NumPy.

The reference maths of the chapter *Multilayer perceptrons* (used by the
chapter, the lesson, ``dlmath.widgets.multilayer_perceptrons``, the chapter
*In practice* and the checkers):

* ``init_params(hidden, seed)``: the course's one initialisation, weights
  normal / sqrt(fan_in), biases 0.
* ``logits(params, X, activation)``: ``act(X W1 + b1) W2 + b2`` in NumPy, for one
  network or a stack of networks (a leading axis on every parameter).
* ``training_steps(X, y, hidden, epochs, ...)``: the course's one MLP trainer:
  dlmath (placeholders, Variables, ``softmax_cross_entropy``, Adam), full
  batch, seeded; one network, or a stack of networks with weight decay trained
  by one ``session.run`` per step. It yields the parameters at every epoch.
* ``train_mlp(X, y, hidden)``: one network through ``training_steps``; returns the
  loss per epoch and the parameters at chosen epochs.
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


def logits(params, X, activation="tanh"):
    """The logits ``act(X W1 + b1) W2 + b2`` in NumPy.

    ``params`` is ``(W1, b1, W2, b2)`` of one network (``W1`` of shape ``(d, h)``,
    result ``(n, classes)``) or of a stack of M networks (``W1`` of shape
    ``(M, d, h)``, ``b1`` ``(M, 1, h)``, ...; result ``(M, n, classes)``).
    """
    W1, b1, W2, b2 = params
    _, act = ACTIVATIONS[activation]
    return act(X @ W1 + b1) @ W2 + b2


def _stacked(start, M):
    """M copies of each parameter along a new leading axis; a bias (h,) becomes (M, 1, h)."""
    return [np.tile(p.reshape(-1, p.shape[-1]), (M, 1, 1)) for p in start]


def training_steps(X, y, hidden, epochs=EPOCHS, learning_rate=0.05, seed=0, activation="tanh",
                   weight_decays=None):
    """Train ``softmax(act(X W1 + b1) W2 + b2)`` on (X, y) with Adam, full batch, in its own graph.

    The weights start from ``init_params(hidden, seed)``. Yields ``(epoch, loss,
    params)`` for epoch = 0..epochs: ``params`` (copies of ``W1, b1, W2, b2``) as
    they are before that epoch's step (after ``epochs`` steps for the last one),
    and ``loss`` the mean cross-entropy they give.

    With ``weight_decays`` (a sequence of M values), M networks are trained side
    by side from the same start, stacked along a leading axis so that one
    ``session.run`` steps them all: network m minimises its own
    ``cross-entropy + weight_decays[m] * (||W1||^2 + ||W2||^2)`` (biases are not
    decayed); ``y`` may then have shape ``(n,)`` or ``(M, n)`` (one set of labels
    per network). The stacked objective is the *sum* of the networks' objectives
    and no parameter is shared, so each network gets exactly its own gradient.
    ``loss`` is then that sum of the M mean cross-entropies (without penalty).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    act_node, _ = ACTIVATIONS[activation]
    start = init_params(hidden, seed, inputs=X.shape[-1], classes=int(y.max()) + 1)
    if weight_decays is not None:
        decays = np.asarray(weight_decays, dtype=float)
        M = len(decays)
        start = _stacked(start, M)                        # W1 (M, d, h), b1 (M, 1, h), ...
        y = np.broadcast_to(y, (M, len(X)))
    with dm.Graph().as_default():
        inputs = dm.placeholder(name="X")
        labels = dm.placeholder(name="y")
        variables = [dm.Variable(p, name=n) for p, n in zip(start, ("W1", "b1", "W2", "b2"))]
        W1, b1, W2, b2 = variables
        out = act_node(inputs @ W1 + b1) @ W2 + b2
        loss = dm.softmax_cross_entropy(out, labels)
        objective = loss
        if weight_decays is not None:
            # softmax_cross_entropy averages over all M * n rows: times M gives the sum of
            # the M networks' mean losses.
            loss = M * loss
            lam = decays[:, None, None]
            objective = loss + dm.reduce_sum(lam * dm.square(W1)) + dm.reduce_sum(lam * dm.square(W2))
        train_op = dm.train.AdamOptimizer(learning_rate).minimize(objective)
        session = dm.Session()
        feed = {inputs: X, labels: y}
        for epoch in range(epochs + 1):
            params = tuple(v.value.copy() for v in variables)
            if epoch == epochs:
                value = session.run(loss, feed)
            else:
                _, value = session.run([train_op, loss], feed)  # loss before this step
            yield epoch, float(value), params


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
    """Train one network with ``training_steps`` and keep its loss per epoch.

    ``snapshot_epochs`` (default: every ``SNAPSHOT_EVERY``) are the epochs whose
    parameters are kept.
    """
    if snapshot_epochs is None:
        snapshot_epochs = range(0, epochs + 1, SNAPSHOT_EVERY)
    wanted = set(snapshot_epochs)
    losses, snapshots = [], {}
    for epoch, loss, params in training_steps(X, y, hidden, epochs, learning_rate, seed, activation):
        losses.append(loss)
        if epoch in wanted:
            snapshots[epoch] = dict(zip(("W1", "b1", "W2", "b2"), params), activation=activation)
    final = logits(params, np.asarray(X, dtype=float), activation)
    accuracy = float(np.mean(final.argmax(axis=-1) == np.asarray(y)))
    return TrainingRun(np.array(losses), snapshots, accuracy)


def _params(params):
    return params["W1"], params["b1"], params["W2"], params["b2"]


def hidden_activations(params, points):
    """The hidden layer's outputs, shape (n, hidden), for points of shape (n, 2)."""
    _, act = ACTIVATIONS[params["activation"]]
    return act(points @ params["W1"] + params["b1"])


def class_probability(params, points, cls=1):
    """The network's probability of class ``cls`` at each point (NumPy, no graph)."""
    z = logits(_params(params), points, params["activation"])
    return functions.softmax(z, axis=1)[:, cls]


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
