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


# --- bias and variance -------------------------------------------------------------------


def smooth_target(x):
    """The regression function of the bias-variance experiment: f(x) = sin(pi x) + x / 2 on [-1, 1]."""
    return np.sin(np.pi * x) + 0.5 * x


def polynomial_fit(x, y, degree):
    """Least-squares polynomial of ``degree`` through ``(x, y)``, in the Legendre basis (well
    conditioned on [-1, 1]); returns a function of new points."""
    coefficients = np.linalg.lstsq(np.polynomial.legendre.legvander(x, degree), y, rcond=None)[0]
    return lambda x_new: np.polynomial.legendre.legvander(x_new, degree) @ coefficients


def bias_variance(degrees, n=20, noise=0.3, repeats=200, n_test=101, seed=0):
    """Bias^2, variance and expected test error of polynomial regression, by resampling.

    ``repeats`` training sets of ``n`` points are drawn (x uniform on [-1, 1],
    y = smooth_target(x) + noise * N(0, 1)), each is fitted with every degree,
    and the fits are compared at ``n_test`` evenly spaced points x0:

    * ``bias2``: mean over x0 of (mean over sets of fhat(x0) - f(x0))^2;
    * ``variance``: mean over x0 of the variance over sets of fhat(x0);
    * ``error``: mean over sets and x0 of (fhat(x0) - y0)^2 with a fresh noisy label
      y0 = f(x0) + noise * N(0, 1) per set and point, an estimate of the expected error
      whose decomposition is bias2 + variance + noise^2;
    * ``predictions``: shape (len(degrees), repeats, n_test), and ``x_test``.
    """
    rng = np.random.default_rng(seed)
    x_test = np.linspace(-1, 1, n_test)
    fresh = smooth_target(x_test) + noise * rng.standard_normal((repeats, n_test))
    x = rng.uniform(-1, 1, (repeats, n))                      # one training set per row
    y = smooth_target(x) + noise * rng.standard_normal((repeats, n))
    predictions = np.empty((len(degrees), repeats, n_test))
    for i, degree in enumerate(degrees):                      # all sets fitted at once:
        A = np.polynomial.legendre.legvander(x, degree)       # (repeats, n, degree + 1)
        coefficients = np.linalg.pinv(A) @ y[..., None]       # least squares, set by set
        predictions[i] = (np.polynomial.legendre.legvander(x_test, degree) @ coefficients)[..., 0]
    mean_fit = predictions.mean(axis=1)
    return {"x_test": x_test, "predictions": predictions,
            "bias2": ((mean_fit - smooth_target(x_test)) ** 2).mean(axis=-1),
            "variance": predictions.var(axis=1).mean(axis=-1),
            "error": ((predictions - fresh) ** 2).mean(axis=(1, 2)),
            "noise2": noise ** 2}


# --- double descent ----------------------------------------------------------------------


def random_relu_features(X, V):
    """relu(X V): one random feature per column of V (the first layer of a network that is never trained)."""
    return np.maximum(0.0, X @ V)


def double_descent(feature_counts, n=40, d=10, noise=0.3, repeats=5, n_test=200, seed=0):
    """Test error of minimum-norm least squares on p random relu features, for each p.

    Inputs x in R^d are standard normal, y = x^T beta + tanh(x_1 x_2) / 2 + noise * N(0, 1).
    For each of ``repeats`` seeded training sets of ``n`` points and random
    directions V (d x max p, entries N(0, 1/d)), the weights on the first p
    features are ``np.linalg.lstsq``'s solution: the least-squares one while
    p < n, and the interpolating one of smallest norm once p >= n (the pseudo-
    inverse's). Returns ``test_error``, ``train_error`` and ``weight_norm``, each
    of shape (repeats, len(feature_counts)), the median over repeats being the
    curve to draw (at p = n a single nearly singular fit dominates a mean).
    """
    feature_counts = np.asarray(feature_counts)
    problem = np.random.default_rng(seed)
    beta = problem.standard_normal(d) / np.sqrt(d)
    target = lambda X: X @ beta + 0.5 * np.tanh(X[:, 0] * X[:, 1])
    X_test = problem.standard_normal((n_test, d))
    shape = (repeats, len(feature_counts))
    out = {"test_error": np.empty(shape), "train_error": np.empty(shape), "weight_norm": np.empty(shape)}
    for r in range(repeats):
        rng = np.random.default_rng(seed + 1 + r)
        X = rng.standard_normal((n, d))
        y = target(X) + noise * rng.standard_normal(n)
        V = rng.standard_normal((d, feature_counts.max())) / np.sqrt(d)
        for i, p in enumerate(feature_counts):
            F = random_relu_features(X, V[:, :p])
            w = np.linalg.lstsq(F, y, rcond=None)[0]      # minimum norm when p >= n
            out["test_error"][r, i] = np.mean((random_relu_features(X_test, V[:, :p]) @ w - target(X_test)) ** 2)
            out["train_error"][r, i] = np.mean((F @ w - y) ** 2)
            out["weight_norm"][r, i] = np.linalg.norm(w)
    return out


# --- k-fold cross-validation and stratified folds ----------------------------------------


def kfold_indices(n, k, seed=0):
    """``k`` folds of a seeded permutation of ``range(n)``: a list of disjoint index arrays covering
    every example once, of sizes differing by at most one (``np.array_split``)."""
    if not 2 <= k <= n:
        raise ValueError(f"k-fold cross-validation needs 2 <= k <= n, got k = {k} for n = {n}")
    return np.array_split(np.random.default_rng(seed).permutation(n), k)


def stratified_folds(y, k, seed=0):
    """``k`` folds in which every class keeps its share of the examples.

    The members of each class (in the order of ``np.unique(y)``) are shuffled
    with one ``default_rng(seed)`` and dealt out in turn, fold after fold,
    continuing where the previous class stopped: class c then has
    floor(n_c / k) or ceil(n_c / k) members in every fold, and the fold sizes
    differ by at most one. Returns a list of k sorted index arrays.
    """
    y = np.asarray(y)
    if not 2 <= k <= len(y):
        raise ValueError(f"k-fold cross-validation needs 2 <= k <= n, got k = {k} for n = {len(y)}")
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(np.flatnonzero(y == label)) for label in np.unique(y)])
    return [np.sort(order[fold::k]) for fold in range(k)]


def cross_validation_error(fit, X, y, folds):
    """Mean squared validation error over the folds: ``fit(X_train, y_train)`` returns a predictor,
    trained on all folds but one and scored on that one. Returns one error per fold."""
    errors = []
    for fold in folds:
        train = np.setdiff1d(np.arange(len(y)), fold)
        predict = fit(X[train], y[train])
        errors.append(np.mean((predict(X[fold]) - y[fold]) ** 2))
    return np.array(errors)


# --- data augmentation -------------------------------------------------------------------


def bar_images(n, size=6, columns=None, noise=0.3, seed=0):
    """``n`` noisy ``size`` x ``size`` images and labels: label 1 has one bright vertical bar (a
    column of ones, in one of ``columns``, all by default), label 0 is noise only. Flattened rows."""
    rng = np.random.default_rng(seed)
    columns = np.arange(size) if columns is None else np.asarray(columns)
    labels = np.arange(n) % 2
    images = noise * rng.standard_normal((n, size, size))
    images[labels == 1, :, rng.choice(columns, size=(labels == 1).sum())] += 1.0
    return images.reshape(n, -1), labels


def augment_shifts(X, size=6):
    """Every image with every cyclic shift of its columns and rows, and mirrored left-right: the
    2 size^2 copies of each image that leave "is there a vertical bar?" unchanged."""
    images = X.reshape(-1, size, size)
    copies = [np.roll(np.roll(images, a, axis=1), b, axis=2)[..., ::flip]
              for a in range(size) for b in range(size) for flip in (1, -1)]
    return np.concatenate(copies).reshape(-1, size * size)


def logistic_regression(X, y, steps=300, learning_rate=0.5):
    """Weights ``w`` and bias ``b`` of logistic regression, P(y = 1 | x) = sigmoid(x^T w + b), after
    ``steps`` of full-batch gradient descent from zero on the mean cross-entropy."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        error = sigmoid(X @ w + b) - y              # d loss / d z for each example
        w -= learning_rate * X.T @ error / len(y)
        b -= learning_rate * error.mean()
    return w, b


# --- early stopping as implicit L2 -------------------------------------------------------


def gradient_descent_least_squares(X, y, learning_rate, steps):
    """``steps`` of gradient descent from w = 0 on L(w) = ||X w - y||^2 / (2N); returns w_t."""
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        w -= learning_rate * X.T @ (X @ w - y) / len(y)
    return w


def ridge_solution(X, y, alpha):
    """The minimiser of ||X w - y||^2 / (2N) + alpha ||w||^2 / 2: (X^T X / N + alpha I)^-1 X^T y / N."""
    n, d = X.shape
    return np.linalg.solve(X.T @ X / n + alpha * np.eye(d), X.T @ y / n)


# --- batch normalisation in a small network ----------------------------------------------


def train_deep_mlp(X, y, batch_norm=False, hidden=(16, 16, 16), steps=150, learning_rate=0.5, seed=0):
    """Full-batch gradient descent on a sigmoid MLP, with or without ``dm.batch_norm`` before every
    activation (gamma = 1, beta = 0 at the start, both trained). The same initial weights either
    way (standard normal / sqrt(fan-in)). Returns the training cross-entropy before every step and
    after the last (``steps + 1`` values)."""
    rng = np.random.default_rng(seed)
    graph = dm.Graph()
    with graph.as_default():
        X_in, y_in = dm.placeholder(name="X"), dm.placeholder(name="y")
        h, fan_in = X_in, X.shape[1]
        for layer, width in enumerate(hidden, start=1):
            z = h @ dm.Variable(rng.standard_normal((fan_in, width)) / np.sqrt(fan_in), name=f"W{layer}")
            if batch_norm:      # the bias is beta's job: a bias before batch norm is cancelled by the mean
                z = dm.batch_norm(z, dm.Variable(np.ones(width), name=f"gamma{layer}"),
                                  dm.Variable(np.zeros(width), name=f"beta{layer}"))
            else:
                z = z + dm.Variable(np.zeros(width), name=f"b{layer}")
            h, fan_in = dm.sigmoid(z), width
        logits = h @ dm.Variable(rng.standard_normal((fan_in, 2)) / np.sqrt(fan_in), name="W_out") \
            + dm.Variable(np.zeros(2), name="b_out")
        loss = dm.softmax_cross_entropy(logits, y_in)
        train_op = dm.train.GradientDescentOptimizer(learning_rate).minimize(loss)
        session = dm.Session()
        feed = {X_in: X, y_in: y}
        losses = [session.run([train_op, loss], feed)[1] for _ in range(steps)]
        losses.append(session.run(loss, feed))
    return np.array(losses)
