"""Boltzmann machines and restricted Boltzmann machines, small enough to enumerate.

The reference maths of the chapter *Boltzmann machines* (plain NumPy, seeded),
shared by the chapter, the lesson, ``dlmath.widgets.boltzmann_machines`` and
``dlmath.exercises.boltzmann_machines``:

* ``all_states(n)``: every binary vector of length n, shape (2**n, n).
* ``bm_energy``, ``bm_distribution``, ``bm_gibbs``: a fully connected Boltzmann machine
  with energy ``E(s) = -s @ W @ s / 2 - b @ s`` (symmetric W, zero diagonal).
* ``bars_and_stripes(size)``: the bars-and-stripes patterns on a size x size grid.
* ``rbm_energy``, ``hidden_probabilities``, ``visible_probabilities``, ``free_energy``,
  ``rbm_log_likelihood``: a restricted Boltzmann machine with energy
  ``E(v, h) = -v @ W @ h - a @ v - b @ h``, and its exact log-likelihood (by enumerating the
  visible states; the hidden units are summed out in the free energy).
* ``cd1_gradients`` and ``train_rbm``: contrastive divergence (CD-1), seeded;
  ``trained_rbm()`` caches the RBM used by the demos.
* ``gibbs_chains``: parallel Gibbs chains of an RBM at a temperature.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dlmath.functions import logsumexp, sigmoid, softmax


def softplus(x):
    """log(1 + exp(x)), computed without overflow."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def all_states(n):
    """Every binary vector of length n, one per row, in counting order: shape (2**n, n)."""
    codes = np.arange(2**n)
    return ((codes[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(float)


def random_boltzmann_machine(n, seed=0, scale=1.0):
    """A symmetric weight matrix with zero diagonal and a bias vector, seeded."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=scale, size=(n, n))
    W = np.triu(W, 1)
    W = W + W.T
    b = rng.normal(scale=scale, size=n)
    return W, b


def bm_energy(s, W, b):
    """E(s) = -s W s / 2 - b s, for one state (n,) or a batch of states (k, n)."""
    s = np.asarray(s, dtype=float)
    return -0.5 * np.einsum("...i,ij,...j->...", s, W, s) - s @ b


def bm_distribution(W, b, T=1.0):
    """All states (2**n, n) and their exact Boltzmann probabilities at temperature T."""
    states = all_states(len(b))
    logits = -bm_energy(states, W, b) / T
    return states, softmax(logits)


def bm_gibbs(W, b, n_chains, sweeps, T=1.0, seed=0):
    """Run n_chains Gibbs chains for `sweeps` sweeps (each unit updated in turn).

    Returns the final states, shape (n_chains, n).
    """
    rng = np.random.default_rng(seed)
    n = len(b)
    s = (rng.random((n_chains, n)) < 0.5).astype(float)
    for _ in range(sweeps):
        for i in range(n):
            p_on = sigmoid((s @ W[:, i] + b[i]) / T)  # W[i, i] = 0: s_i itself does not count
            s[:, i] = rng.random(n_chains) < p_on
    return s


def state_index(states):
    """The row of each binary state in all_states(n) (counting order)."""
    states = np.asarray(states, dtype=int)
    n = states.shape[-1]
    return states @ (1 << np.arange(n - 1, -1, -1))


def bars_and_stripes(size=3):
    """Every bars-and-stripes pattern on a size x size grid, flattened: shape (2**(size+1) - 2, size**2).

    A pattern switches on a subset of the rows (stripes) or a subset of the columns (bars); the
    all-off and all-on grids are both, and are counted once.
    """
    patterns = []
    for subset in all_states(size):
        stripes = np.repeat(subset[:, None], size, axis=1)
        patterns.append(stripes.ravel())
        patterns.append(stripes.T.ravel())
    unique = np.unique(np.array(patterns), axis=0)
    return unique


def is_bars_or_stripes(v, size=3):
    """True for each row of v (shape (k, size**2)) that is a bars-and-stripes pattern."""
    grids = np.asarray(v).reshape(-1, size, size)
    rows_constant = np.all(grids == grids[:, :, :1], axis=(1, 2))
    columns_constant = np.all(grids == grids[:, :1, :], axis=(1, 2))
    return rows_constant | columns_constant


def rbm_energy(v, h, W, a, b):
    """E(v, h) = -v W h - a v - b h for one visible vector (m,) and one hidden vector (n,)."""
    return -(v @ W @ h) - a @ v - b @ h


def hidden_probabilities(v, W, b, T=1.0):
    """p(h_j = 1 | v) = sigmoid((b_j + v W[:, j]) / T); v has shape (k, m), the result (k, n)."""
    return sigmoid((v @ W + b) / T)


def visible_probabilities(h, W, a, T=1.0):
    """p(v_i = 1 | h) = sigmoid((a_i + W[i, :] h) / T); h has shape (k, n), the result (k, m)."""
    return sigmoid((h @ W.T + a) / T)


def free_energy(v, W, a, b):
    """F(v) = -a v - sum_j log(1 + exp(b_j + v W[:, j])), so that p(v) = exp(-F(v)) / Z."""
    return -(v @ a) - softplus(v @ W + b).sum(axis=-1)


def rbm_log_partition(W, a, b):
    """log Z, summing exp(-F(v)) over every visible state (2**m of them)."""
    return float(logsumexp(-free_energy(all_states(len(a)), W, a, b), keepdims=False))


def rbm_log_likelihood(data, W, a, b):
    """The exact average log-likelihood (1/N) sum_n log p(v_n) of the rows of data."""
    return float(np.mean(-free_energy(data, W, a, b)) - rbm_log_partition(W, a, b))


def cd1_weight_gradient(v0, v1, W, b):
    """The CD-1 estimate of dlog p / dW for data v0 and reconstructions v1 (both (n, m)):
    ``(v0^T p(h | v0) - v1^T p(h | v1)) / n``, the positive minus the negative phase."""
    return (v0.T @ hidden_probabilities(v0, W, b) - v1.T @ hidden_probabilities(v1, W, b)) / len(v0)


def cd1_gradients(v0, W, a, b, rng):
    """One CD-1 estimate of the log-likelihood gradient for a batch v0: (dW, da, db).

    Positive phase: the data v0 and p(h | v0). Negative phase: one Gibbs step,
    h0 ~ p(h | v0), v1 ~ p(v | h0), then p(h | v1). Hidden statistics use
    probabilities (less noise), the reconstruction v1 is sampled.
    """
    ph0 = hidden_probabilities(v0, W, b)
    h0 = (rng.random(ph0.shape) < ph0).astype(float)
    pv1 = visible_probabilities(h0, W, a)
    v1 = (rng.random(pv1.shape) < pv1).astype(float)
    ph1 = hidden_probabilities(v1, W, b)
    dW = cd1_weight_gradient(v0, v1, W, b)
    da = (v0 - v1).mean(axis=0)
    db = (ph0 - ph1).mean(axis=0)
    return dW, da, db


def train_rbm(data, n_hidden=12, epochs=1500, learning_rate=0.2, batch_size=None, seed=0,
              record_every=50, momentum=0.5):
    """Train an RBM on the binary rows of data with CD-1 (full batch by default).

    Returns ``(W, a, b, history)``, history a list of ``(epoch, exact average log-likelihood)``
    recorded every ``record_every`` epochs (and at epoch 0).
    """
    rng = np.random.default_rng(seed)
    m = data.shape[1]
    W = rng.normal(scale=0.1, size=(m, n_hidden))
    a = np.zeros(m)
    b = np.zeros(n_hidden)
    velocity = [np.zeros_like(W), np.zeros_like(a), np.zeros_like(b)]
    batch_size = batch_size or len(data)
    history = [(0, rbm_log_likelihood(data, W, a, b))]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(data))
        for start in range(0, len(data), batch_size):
            batch = data[order[start:start + batch_size]]
            grads = cd1_gradients(batch, W, a, b, rng)
            for k, (param, grad) in enumerate(zip((W, a, b), grads)):
                velocity[k] = momentum * velocity[k] + learning_rate * grad
                param += velocity[k]  # gradient ascent on the log-likelihood
        if epoch % record_every == 0:
            history.append((epoch, rbm_log_likelihood(data, W, a, b)))
    return W, a, b, history


@lru_cache(maxsize=None)
def trained_rbm(size=3, n_hidden=12, seed=0):
    """The RBM of the demos, trained once on bars and stripes and cached: (W, a, b, history)."""
    return train_rbm(bars_and_stripes(size), n_hidden=n_hidden, seed=seed)


def gibbs_chains(W, a, b, v_start, steps, T=1.0, seed=0):
    """Run one chain per row of v_start for `steps` full Gibbs steps (h given v, then v given h).

    Returns the visible states after each step, shape (steps + 1, chains, m). The random
    numbers depend only on the seed and the shapes, so the same seed gives chains driven by
    the same noise at every temperature.
    """
    rng = np.random.default_rng(seed)
    chains, m = v_start.shape
    n = W.shape[1]
    u_hidden = rng.random((steps, chains, n))
    u_visible = rng.random((steps, chains, m))
    v = np.array(v_start, dtype=float)
    frames = [v.copy()]
    for t in range(steps):
        h = (u_hidden[t] < hidden_probabilities(v, W, b, T)).astype(float)
        v = (u_visible[t] < visible_probabilities(h, W, a, T)).astype(float)
        frames.append(v.copy())
    return np.array(frames)
