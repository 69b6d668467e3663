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
* Training when Z is out of reach: ``reconstruction_error``, ``initial_visible_biases``
  (Hinton's log(p / (1 - p))), ``gibbs_step`` and ``pcd_gradients`` (persistent CD,
  Tieleman 2008; ``train_rbm(method="pcd")``), ``expected_cd1_gradients`` and
  ``exact_log_likelihood_gradients`` (by enumeration, to compare CD with the true gradient), and
  ``ais_log_partition`` (annealed importance sampling, Salakhutdinov and Murray 2008).
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
              record_every=50, momentum=0.5, method="cd1", n_particles=None, weight_decay=0.0,
              weight_scale=0.1, visible_biases="zero", monitor=("log_likelihood",),
              decay_learning_rate=False):
    """Train an RBM on the binary rows of data by gradient ascent with momentum (full batch by
    default, or mini-batches of ``batch_size`` rows).

    ``method``: ``"cd1"`` (contrastive divergence, ``cd1_gradients``) or ``"pcd"`` (persistent
    CD, ``pcd_gradients``, with ``n_particles`` fantasy particles, by default one per row of a
    batch, started from random rows of the data). ``weight_decay`` adds ``-weight_decay * W`` to
    the weight gradient (an L2 penalty on the weights, not the biases). Initial weights are
    N(0, weight_scale**2); initial visible biases zero (``"zero"``) or ``initial_visible_biases(data)``
    (``"data"``); hidden biases zero.

    Returns ``(W, a, b, history)``, history a list of tuples ``(epoch, *values)`` recorded every
    ``record_every`` epochs (and at epoch 0), one value per name in ``monitor``:
    ``"log_likelihood"`` (exact, by enumeration), ``"reconstruction_error"`` and ``"parameters"``
    (a copy of ``(W, a, b)`` at that epoch: one run gives what ``train_rbm`` with ``epochs`` set
    to each recorded epoch would return, when the learning rate does not decay).
    ``decay_learning_rate=True`` lowers the learning rate linearly from ``learning_rate`` in the
    first epoch to ``learning_rate / epochs`` in the last (as Tieleman 2008 did for PCD).
    """
    data = _binary_rows(data)
    if method not in ("cd1", "pcd"):
        raise ValueError(f"method must be 'cd1' or 'pcd', not {method!r}")
    if visible_biases not in ("zero", "data"):
        raise ValueError(f"visible_biases must be 'zero' or 'data', not {visible_biases!r}")
    measures = {"log_likelihood": rbm_log_likelihood, "reconstruction_error": reconstruction_error,
                "parameters": lambda data, W, a, b: (W.copy(), a.copy(), b.copy())}
    unknown = [name for name in monitor if name not in measures]
    if unknown:
        raise ValueError(f"cannot monitor {unknown}: choose from {sorted(measures)}")
    rng = np.random.default_rng(seed)
    m = data.shape[1]
    W = rng.normal(scale=weight_scale, size=(m, n_hidden))
    a = initial_visible_biases(data) if visible_biases == "data" else np.zeros(m)
    b = np.zeros(n_hidden)
    velocity = [np.zeros_like(W), np.zeros_like(a), np.zeros_like(b)]
    batch_size = batch_size or len(data)
    if method == "pcd":
        fantasy = data[rng.integers(len(data), size=n_particles or batch_size)].copy()

    def record(epoch):
        history.append((epoch, *(measures[name](data, W, a, b) for name in monitor)))

    history = []
    record(0)
    for epoch in range(1, epochs + 1):
        rate = learning_rate * (epochs + 1 - epoch) / epochs if decay_learning_rate else learning_rate
        order = rng.permutation(len(data))
        for start in range(0, len(data), batch_size):
            batch = data[order[start:start + batch_size]]
            if method == "cd1":
                grads = list(cd1_gradients(batch, W, a, b, rng))
            else:
                *grads, fantasy = pcd_gradients(batch, fantasy, W, a, b, rng)
            if weight_decay:
                grads[0] = grads[0] - weight_decay * W  # the gradient of -weight_decay * |W|^2 / 2
            for k, (param, grad) in enumerate(zip((W, a, b), grads)):
                velocity[k] = momentum * velocity[k] + rate * grad
                param += velocity[k]  # gradient ascent on the log-likelihood
        if epoch % record_every == 0:
            record(epoch)
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


# --- monitoring, persistent CD and the practical settings (Hinton 2010) ----------------


def _binary_rows(data, name="data"):
    """data as a float array of shape (N, m) with entries in [0, 1]; a clear error otherwise."""
    data = np.asarray(data, dtype=float)
    if data.ndim != 2 or data.shape[0] == 0:
        raise ValueError(f"{name} must be a 2-D array with one example per row, not shape {data.shape}")
    if np.any((data < 0) | (data > 1)) or not np.all(np.isfinite(data)):
        raise ValueError(f"{name} must hold on-rates or binary values between 0 and 1")
    return data


def initial_visible_biases(data, eps=1e-3):
    """a_i = log(p_i / (1 - p_i)), p_i the fraction of rows of data in which unit i is on.

    With zero weights the visible units are independent and p(v_i = 1) = sigmoid(a_i), so this
    choice makes the model's marginals equal the data's on-rates from the first update
    (Hinton 2010, section 8). p_i is clipped to [eps, 1 - eps] so that a unit that is always
    off (or on) gets a large finite bias instead of minus (or plus) infinity.
    """
    p = np.clip(_binary_rows(data).mean(axis=0), eps, 1 - eps)
    return np.log(p) - np.log1p(-p)


def reconstruction_error(data, W, a, b):
    """The mean-field reconstruction error (1/N) sum_n sum_i (v_ni - r_ni)**2, where
    r = p(v = 1 | h = p(h = 1 | v)) is the reconstruction with probabilities in place of samples
    (deterministic). Cheap, but not the training objective (see the chapter)."""
    data = _binary_rows(data)
    r = visible_probabilities(hidden_probabilities(data, W, b), W, a)
    return float(np.mean(np.sum((data - r) ** 2, axis=1)))


def gibbs_step_from_uniforms(v, W, a, b, u_hidden, u_visible):
    """One block Gibbs step from the rows of v (k, m), driven by given uniform numbers:
    h = [u_hidden < p(h = 1 | v)] (k, n), then v' = [u_visible < p(v = 1 | h)] (k, m).

    A unit is switched on when its uniform number falls below its probability, which happens
    with exactly that probability. Returns v'.
    """
    h = (u_hidden < hidden_probabilities(v, W, b)).astype(float)
    return (u_visible < visible_probabilities(h, W, a)).astype(float)


def gibbs_step(v, W, a, b, rng):
    """One block Gibbs step from the rows of v: h ~ p(h | v), then v' ~ p(v | h). Returns v'."""
    k, (m, n) = len(v), W.shape
    u_hidden = rng.random((k, n))
    return gibbs_step_from_uniforms(v, W, a, b, u_hidden, rng.random((k, m)))


def pcd_gradients(v0, fantasy, W, a, b, rng):
    """One persistent-CD estimate of the log-likelihood gradient (Tieleman 2008).

    Positive phase: the data v0 and p(h | v0), as in CD-1. Negative phase: the fantasy
    particles (persistent Gibbs chains kept from the previous update) advance by one Gibbs
    step, ``fantasy' = gibbs_step(fantasy)``, and their statistics stand in for the model's.
    Returns ``(dW, da, db, fantasy')``; pass ``fantasy'`` to the next update.
    """
    new_fantasy = gibbs_step(fantasy, W, a, b, rng)
    ph0 = hidden_probabilities(v0, W, b)
    phf = hidden_probabilities(new_fantasy, W, b)
    dW = v0.T @ ph0 / len(v0) - new_fantasy.T @ phf / len(new_fantasy)
    da = v0.mean(axis=0) - new_fantasy.mean(axis=0)
    db = ph0.mean(axis=0) - phf.mean(axis=0)
    return dW, da, db, new_fantasy


def expected_cd1_gradients(data, W, a, b):
    """The exact expectation of the CD-1 update of ``cd1_gradients`` over its random numbers
    (enumerating every hidden and every visible state: small RBMs only). Returns (dW, da, db)."""
    m, n = W.shape
    V, H = all_states(m), all_states(n)
    ph_data = hidden_probabilities(data, W, b)                       # (N, n)
    p_h = np.prod(np.where(H[None] == 1, ph_data[:, None], 1 - ph_data[:, None]), axis=2)
    pv_h = visible_probabilities(H, W, a)                              # (2**n, m)
    p_v_given_h = np.prod(np.where(V[None] == 1, pv_h[:, None], 1 - pv_h[:, None]), axis=2)
    q = (p_h @ p_v_given_h).mean(axis=0)    # the average law of the reconstruction v1, (2**m,)
    ph_V = hidden_probabilities(V, W, b)
    return (data.T @ ph_data / len(data) - (V * q[:, None]).T @ ph_V,
            data.mean(axis=0) - q @ V, ph_data.mean(axis=0) - q @ ph_V)


def exact_log_likelihood_gradients(data, W, a, b):
    """The exact gradient (dW, da, db) of the average log-likelihood: data term minus model
    term, the model term summed over all 2**m visible states (small RBMs only)."""
    V = all_states(W.shape[0])
    p_v = np.exp(-free_energy(V, W, a, b) - rbm_log_partition(W, a, b))
    ph_data, ph_model = hidden_probabilities(data, W, b), hidden_probabilities(V, W, b)
    return (data.T @ ph_data / len(data) - (V * p_v[:, None]).T @ ph_model,
            data.mean(axis=0) - p_v @ V, ph_data.mean(axis=0) - p_v @ ph_model)


def ais_log_partition(W, a, b, a_base, n_chains=100, n_temperatures=1000, seed=0):
    """Annealed importance sampling estimate of log Z (Neal 2001; Salakhutdinov and Murray 2008).

    The path of distributions: RBMs with parameters (beta W, (1 - beta) a_base + beta a,
    beta b) for beta from 0 to 1 in n_temperatures equal steps. At beta = 0 the weights are
    zero, so the model is independent units with log Z_0 = sum_i log(1 + exp(a_base_i))
    + n log 2, and exact samples are cheap. Each chain starts from an exact sample, and at every
    temperature adds F_{beta_prev}(v) - F_beta(v) to its log importance weight before a
    Gibbs step that leaves p_beta unchanged. Returns ``(estimate, log_weights)`` with
    estimate = log Z_0 + log(mean of the weights).
    """
    if n_chains < 1 or n_temperatures < 1:
        raise ValueError("AIS needs at least one chain and one temperature")
    rng = np.random.default_rng(seed)
    n = W.shape[1]
    a_base = np.asarray(a_base, dtype=float)
    if a_base.shape != np.shape(a) or W.shape != (len(a), len(b)):
        raise ValueError(f"AIS needs W of shape (m, n) = ({len(a)}, {len(b)}) and base visible biases "
                         f"of shape ({len(a)},), not W {W.shape} and a_base {a_base.shape}")
    betas = np.linspace(0.0, 1.0, n_temperatures + 1)

    def free(v, beta):
        return free_energy(v, beta * W, (1 - beta) * a_base + beta * a, beta * b)

    v = (rng.random((n_chains, len(a))) < sigmoid(a_base)).astype(float)  # exact samples at beta = 0
    log_w = np.zeros(n_chains)
    for previous, beta in zip(betas[:-1], betas[1:]):
        log_w += free(v, previous) - free(v, beta)
        v = gibbs_step(v, beta * W, (1 - beta) * a_base + beta * a, beta * b, rng)
    log_z0 = float(np.sum(softplus(a_base)) + n * np.log(2))
    estimate = log_z0 + float(logsumexp(log_w, keepdims=False)) - np.log(n_chains)
    return estimate, log_w
