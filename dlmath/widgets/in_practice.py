"""Deep learning in practice: overfitting, weight decay, early stopping, vanishing gradients.

The experiments of the chapter and the lesson, and their demos:

* ``noisy_moons()``: the course's running example for overfitting: 300 noisy
  moons points split (seeded) into 60 training, 120 validation and 120 test
  points. The training set is kept small on purpose: with little data a large
  network can memorise it.
* ``split_indices(n, val_fraction, test_fraction, seed)``: a seeded split of
  ``range(n)`` into three disjoint shuffled index arrays.
* ``train_mlps(...)``: trains several one-hidden-layer tanh networks at once
  with dlmath (one per weight-decay value, or one per set of labels), stacked
  along a leading axis so that one ``session.run`` steps them all. Each
  network's gradient is exactly the gradient of its own loss: the stacked loss
  is the *sum* of the networks' losses, and no parameter is shared.
* ``grid()``: the trained models behind the demo, computed once per process:
  every hidden width in ``WIDTHS`` times every weight decay in ``DECAYS``.
* ``layer_gradient_norms(depth, activation)``: the norm of dL/dW for every
  layer of a deep, untrained network, computed by dlmath's backprop.
* ``capacity_demo()``: sliders for the hidden width and the weight decay
  showing the decision boundary and the training and validation losses.
* ``overfitting_animation()``: kernel-free, the boundary of a too large
  network over the epochs, with the two loss curves drawn as it trains.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

import dlmath as dm
from dlmath import data

from .figure import LiveFigure, animation, new_figure

WIDTHS = (2, 4, 8, 16, 32, 64)
DECAYS = (0.0, 3e-4, 1e-3, 3e-3, 1e-2)
EPOCHS = 300
LEARNING_RATE = 0.03
RECORD_EVERY = 5            # epochs between recorded losses
SNAPSHOT_EVERY = 20         # epochs between stored parameter snapshots (16 snapshots)
BOX = (-1.8, 2.8, -1.6, 2.0)  # the plotted part of the plane
GRID_POINTS = 56             # the boundary is computed on GRID_POINTS x GRID_POINTS points


# ----------------------------------------------------------------- data


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


# ----------------------------------------------------------------- training


def cross_entropy(params, X, y):
    """Mean softmax cross-entropy of each stacked network on ``(X, y)``: shape ``(M,)``.

    ``params`` is ``(W1, b1, W2, b2)`` with a leading axis of M networks
    (``W1`` of shape ``(M, 2, h)``, ``b1`` ``(M, 1, h)``, ...). ``y`` has
    shape ``(n,)`` (the same labels for all) or ``(M, n)``.
    """
    logits = forward(params, X)
    logits = logits - logits.max(axis=-1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    y = np.broadcast_to(y, logits.shape[:-1])
    return -np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0].mean(axis=-1)


def forward(params, X):
    """The logits of each stacked network: ``tanh(X W1 + b1) W2 + b2``, shape ``(M, n, 2)``."""
    W1, b1, W2, b2 = params
    return np.tanh(X @ W1 + b1) @ W2 + b2


def probability(params, X):
    """Probability of class 1 for each stacked network, shape ``(M, n)``."""
    z = forward(params, X)
    return 1 / (1 + np.exp(z[..., 0] - z[..., 1]))


def accuracy(params, X, y):
    """Fraction of correctly classified points for each stacked network, shape ``(M,)``."""
    return ((probability(params, X) > 0.5) == np.broadcast_to(y, (len(params[0]), len(y)))).mean(axis=-1)


def init_params(hidden, seed=0):
    """Initial ``(W1, b1, W2, b2)`` of one network: random weights, zero biases."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(2, hidden)), np.zeros(hidden),
            rng.normal(size=(hidden, 2)) / np.sqrt(hidden), np.zeros(2))


def train_mlps(X_train, y_train, hidden, weight_decays=(0.0,), epochs=EPOCHS,
               learning_rate=LEARNING_RATE, seed=0, val=None, snapshot_every=None, record_every=RECORD_EVERY):
    """Train M = len(weight_decays) tanh networks side by side with dlmath (Adam, full batch).

    All start from the same seeded weights. Network m minimises its own loss
    ``cross-entropy + weight_decays[m] * (||W1||^2 + ||W2||^2)`` (biases are not
    decayed). ``y_train`` may have shape ``(n,)`` or ``(M, n)`` (one set of
    labels per network, e.g. with different label noise).

    Returns a dict: ``params`` (final, stacked), ``train_loss`` and
    ``val_loss`` (cross-entropy without the penalty, one row of M values every
    ``record_every`` epochs, at the epochs listed in ``epochs``; ``val_loss``
    only if ``val=(X, y)`` is given) and ``snapshots`` (list of
    ``(epoch, params)`` every ``snapshot_every`` epochs, if given).
    """
    decays = np.asarray(weight_decays, dtype=float)
    M = len(decays)
    labels = np.broadcast_to(y_train, (M, len(X_train)))
    W1_0, b1_0, W2_0, b2_0 = init_params(hidden, seed)
    graph = dm.Graph()
    with graph.as_default():
        X = dm.placeholder(name="X")
        y = dm.placeholder(name="y")
        W1 = dm.Variable(np.tile(W1_0, (M, 1, 1)), name="W1")          # (M, 2, h)
        b1 = dm.Variable(np.tile(b1_0, (M, 1, 1)), name="b1")          # (M, 1, h)
        W2 = dm.Variable(np.tile(W2_0, (M, 1, 1)), name="W2")          # (M, h, 2)
        b2 = dm.Variable(np.tile(b2_0, (M, 1, 1)), name="b2")          # (M, 1, 2)
        logits = dm.tanh(X @ W1 + b1) @ W2 + b2                         # (M, n, 2)
        # softmax_cross_entropy averages over all M * n rows: times M gives the sum of the
        # M networks' mean losses, so each network gets exactly its own gradient.
        data_loss = M * dm.softmax_cross_entropy(logits, y)
        lam = decays[:, None, None]
        penalty = dm.reduce_sum(lam * dm.square(W1)) + dm.reduce_sum(lam * dm.square(W2))
        train_op = dm.train.AdamOptimizer(learning_rate).minimize(data_loss + penalty)
        session = dm.Session()
        feed = {X: X_train, y: labels}
        variables = [W1, b1, W2, b2]
        history = {"epochs": [], "train_loss": [], "val_loss": [], "snapshots": []}
        for epoch in range(epochs + 1):
            recording = epoch % record_every == 0 or epoch == epochs
            snapshot = bool(snapshot_every) and epoch % snapshot_every == 0
            if recording or snapshot:
                params = tuple(session.run(variables))
            if recording:
                history["epochs"].append(epoch)
                history["train_loss"].append(cross_entropy(params, X_train, labels))
                if val is not None:
                    history["val_loss"].append(cross_entropy(params, *val))
            if snapshot:
                history["snapshots"].append((epoch, params))
            if epoch < epochs:
                session.run(train_op, feed)
    return {"params": params, "epochs": np.array(history["epochs"]),
            "train_loss": np.array(history["train_loss"]),
            "val_loss": np.array(history["val_loss"]) if val is not None else None,
            "snapshots": history["snapshots"], "weight_decays": decays, "hidden": hidden}


def pick(params, m):
    """The parameters of network ``m`` of a stack, keeping the leading axis (of size 1)."""
    return tuple(p[m:m + 1] for p in params)


@lru_cache(maxsize=None)
def grid():
    """Every width in WIDTHS trained with every decay in DECAYS: ``{width: train_mlps result}``."""
    moons = noisy_moons()
    return {width: train_mlps(*moons["train"], width, DECAYS, val=moons["val"],
                              snapshot_every=SNAPSHOT_EVERY)
            for width in WIDTHS}


def plane(n=GRID_POINTS):
    """``(xs, ys, points)``: an n x n grid over BOX, points of shape (n * n, 2)."""
    xs = np.linspace(BOX[0], BOX[1], n)
    ys = np.linspace(BOX[2], BOX[3], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def boundary(params, n=GRID_POINTS):
    """The 0.5 level line(s) of each stacked network, as one array with NaN between pieces."""
    import contourpy

    xs, ys, points = plane(n)
    result = []
    for p in probability(params, points):
        lines = contourpy.contour_generator(xs, ys, p.reshape(n, n)).lines(0.5)
        pieces = []
        for line in lines:
            pieces.extend([line, [[np.nan, np.nan]]])
        result.append(np.concatenate(pieces) if pieces else np.empty((0, 2)))
    return result


# ----------------------------------------------------------------- vanishing gradients


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


# ----------------------------------------------------------------- pictures


def _scatter_data(ax, moons):
    for (X, y), style in ((moons["train"], dict(s=22, edgecolors="black", linewidths=0.6)),
                          (moons["val"], dict(s=9, alpha=0.35, linewidths=0))):
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:blue", "tab:red"), **style)
    ax.set_xlim(BOX[:2])
    ax.set_ylim(BOX[2:])
    ax.set_xticks([])
    ax.set_yticks([])


def _loss_axes(ax, top=1.2):
    ax.set_xlim(0, EPOCHS)
    ax.set_ylim(0, top)
    ax.set_xticks([0, 100, 200, 300])
    ax.set_yticks([0, 0.4, 0.8, 1.2])
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")


def capacity_demo():
    """Hidden width and weight decay: decision boundary, training and validation loss."""
    moons = noisy_moons()
    trained = grid()
    xs, ys, points = plane()
    shading = {(w, m): probability(pick(trained[w]["params"], m), points)[0].reshape(len(ys), len(xs))
               for w in WIDTHS for m in range(len(DECAYS))}
    lines = {w: boundary(trained[w]["params"]) for w in WIDTHS}

    fig, (ax, ax_loss) = new_figure(width=8.4, height=3.6, ncols=2, width_ratios=[1, 1.1],
                                    margins={"left": 0.03, "right": 0.98, "top": 0.86, "bottom": 0.14,
                                             "wspace": 0.22})
    image = ax.imshow(shading[(64, 0)], origin="lower", extent=BOX, cmap="RdBu", vmin=0, vmax=1,
                      alpha=0.45, aspect="auto")
    (edge,) = ax.plot([], [], color="black", lw=1.4)
    _scatter_data(ax, moons)
    _loss_axes(ax_loss)
    (train_curve,) = ax_loss.plot([], [], color="tab:green", label="training")
    (val_curve,) = ax_loss.plot([], [], color="tab:purple", label="validation")
    (best,) = ax_loss.plot([], [], "v", color="tab:purple", ms=8, label="lowest validation loss")
    ax_loss.legend(loc="upper right", fontsize=8)
    title = ax.set_title("", fontsize=10)
    loss_title = ax_loss.set_title("", fontsize=10)

    def update(hidden_units, weight_decay):
        m = [f"{d:g}" for d in DECAYS].index(weight_decay)
        run = trained[hidden_units]
        image.set_data(shading[(hidden_units, m)])
        edge.set_data(lines[hidden_units][m][:, 0], lines[hidden_units][m][:, 1])
        train_curve.set_data(run["epochs"], run["train_loss"][:, m])
        val_curve.set_data(run["epochs"], run["val_loss"][:, m])
        k = int(np.argmin(run["val_loss"][:, m]))
        best.set_data([run["epochs"][k]], [run["val_loss"][k, m]])
        params = pick(run["params"], m)
        acc_train = accuracy(params, *moons["train"])[0]
        acc_val = accuracy(params, *moons["val"])[0]
        title.set_text(f"{hidden_units} hidden units, decay {weight_decay}\n"
                       f"accuracy: training {acc_train:.0%}, validation {acc_val:.0%}")
        loss_title.set_text(f"after {EPOCHS} epochs: training {run['train_loss'][-1, m]:.2f}, "
                            f"validation {run['val_loss'][-1, m]:.2f}")

    width = widgets.SelectionSlider(options=list(WIDTHS), value=64, description="hidden units",
                                    style={"description_width": "initial"})
    # the decay values as text options ("0", "0.0003", ...), shown exactly as written
    decay = widgets.SelectionSlider(options=[f"{d:g}" for d in DECAYS], value="0.0003", description="weight decay",
                                    style={"description_width": "initial"})
    decay.value = "0"  # set after creation: a first option given to the constructor leaves .label empty
    live = LiveFigure(fig, update, {"hidden_units": width, "weight_decay": decay},
                      animated=[image, edge, train_curve, val_curve, best, title, loss_title])
    return live.widget


def overfitting_animation(hidden_units=64):
    """Kernel-free: a too large network (no weight decay) overfits the 60 training points."""
    moons = noisy_moons()
    run = grid()[hidden_units]
    xs, ys, points = plane()
    fig, (ax, ax_loss) = new_figure(width=6.8, height=2.9, dpi=72, ncols=2, width_ratios=[1, 1.1],
                                    margins={"left": 0.03, "right": 0.98, "top": 0.85, "bottom": 0.17,
                                             "wspace": 0.25})
    image = ax.imshow(np.zeros((len(ys), len(xs))), origin="lower", extent=BOX, cmap="RdBu", vmin=0,
                      vmax=1, alpha=0.45, aspect="auto")
    (edge,) = ax.plot([], [], color="black", lw=1.4)
    _scatter_data(ax, moons)
    _loss_axes(ax_loss)
    (train_curve,) = ax_loss.plot([], [], color="tab:green", label="training")
    (val_curve,) = ax_loss.plot([], [], color="tab:purple", label="validation")
    ax_loss.legend(loc="upper right", fontsize=8)
    title = ax.set_title("", fontsize=10)
    snapshots = run["snapshots"]

    def update(frame):
        epoch, params = snapshots[frame]
        p = pick(params, 0)
        image.set_data(probability(p, points)[0].reshape(len(ys), len(xs)))
        line = boundary(p)[0]
        edge.set_data(line[:, 0], line[:, 1])
        seen = run["epochs"] <= epoch
        train_curve.set_data(run["epochs"][seen], run["train_loss"][seen, 0])
        val_curve.set_data(run["epochs"][seen], run["val_loss"][seen, 0])
        title.set_text(f"{hidden_units} hidden units, epoch {epoch}\n"
                       f"validation accuracy {accuracy(p, *moons['val'])[0]:.0%}")

    return animation(fig, update, range(len(snapshots)), interval=400)
