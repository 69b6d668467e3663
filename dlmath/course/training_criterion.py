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
* ``gaussian_density(X, mu, Sigma)``, ``gaussian_class_posterior(X, mu0, mu1,
  Sigma, prior1)`` and ``gaussian_posterior_weights(mu0, mu1, Sigma, prior1)``:
  two Gaussian classes with a shared covariance, whose posterior P(class 1 | x)
  by Bayes' rule is exactly sigma(w . x + b).
* ``regularised_loss(X, y, w, b, l2)``, ``regularised_gradient(X, y, w, b, l2)`` and
  ``train_logistic(X, y, steps, learning_rate, l2, record_at)``: logistic
  regression by full-batch gradient descent, with an optional L2 penalty
  (l2 / 2) ||w||^2, recording ||w|| and the loss (on separable data, without the
  penalty, ||w|| grows for ever).
"""

from __future__ import annotations

from dataclasses import dataclass

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


# --- the sigmoid as the posterior of two Gaussian classes -------------------------------


def _covariance(Sigma, d):
    Sigma = np.asarray(Sigma, dtype=float)
    if Sigma.shape != (d, d):
        raise ValueError(f"Sigma should be a {d} x {d} covariance matrix for means of length {d}, "
                         f"but has shape {Sigma.shape}.")
    return Sigma


def gaussian_density(X, mu, Sigma):
    """The density N(x; mu, Sigma) = exp(-(x - mu)^T Sigma^-1 (x - mu) / 2) / sqrt((2 pi)^d det Sigma), per row of X."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    mu = np.asarray(mu, dtype=float)
    Sigma = _covariance(Sigma, mu.size)
    D = X - mu
    squared = np.einsum("ij,ij->i", D, np.linalg.solve(Sigma, D.T).T)   # (x - mu)^T Sigma^-1 (x - mu)
    return np.exp(-squared / 2) / np.sqrt((2 * np.pi) ** mu.size * np.linalg.det(Sigma))


def gaussian_class_posterior(X, mu0, mu1, Sigma, prior1):
    """P(class 1 | x) by Bayes' rule: pi1 N(x; mu1, Sigma) / (pi1 N(x; mu1, Sigma) + pi0 N(x; mu0, Sigma)).

    Written with the densities themselves (no simplification), so that it can
    check ``gaussian_posterior_weights``; prior1 = P(class 1), pi0 = 1 - prior1.
    """
    joint1 = prior1 * gaussian_density(X, mu1, Sigma)
    joint0 = (1 - prior1) * gaussian_density(X, mu0, Sigma)
    return joint1 / (joint1 + joint0)


def gaussian_posterior_weights(mu0, mu1, Sigma, prior1):
    """(w, b) with P(class 1 | x) = sigma(w . x + b) for classes N(mu0, Sigma), N(mu1, Sigma) (Bishop, PRML 4.2.1).

    w = Sigma^-1 (mu1 - mu0),
    b = -mu1^T Sigma^-1 mu1 / 2 + mu0^T Sigma^-1 mu0 / 2 + log(pi1 / pi0):
    the log-odds log(pi1 N(x; mu1) / (pi0 N(x; mu0))), in which the quadratic
    terms x^T Sigma^-1 x / 2 of the two exponents cancel because Sigma is shared.
    """
    mu0, mu1 = np.asarray(mu0, dtype=float), np.asarray(mu1, dtype=float)
    if mu0.shape != mu1.shape or mu0.ndim != 1:
        raise ValueError(f"mu0 and mu1 should be vectors of the same length, got shapes {mu0.shape} and {mu1.shape}.")
    if not 0 < prior1 < 1:
        raise ValueError(f"prior1 is the probability of class 1 and must lie strictly between 0 and 1, got {prior1}.")
    Sigma = _covariance(Sigma, mu0.size)
    a0, a1 = np.linalg.solve(Sigma, mu0), np.linalg.solve(Sigma, mu1)    # Sigma^-1 mu_k
    w = a1 - a0
    b = -mu1 @ a1 / 2 + mu0 @ a0 / 2 + np.log(prior1 / (1 - prior1))
    return w, float(b)


# --- logistic regression on separable data, with and without L2 ------------------------


def regularised_loss(X, y, w, b, l2=0.0):
    """J(w, b) = mean cross-entropy of the scores X w + b + (l2 / 2) ||w||^2 (the bias is not penalised)."""
    return mean_cross_entropy(X @ w + b, y) + l2 / 2 * float(w @ w)


def regularised_gradient(X, y, w, b, l2=0.0):
    """(dJ/dw, dJ/db) of ``regularised_loss``: (X^T (sigma(z) - y) / N + l2 w, mean(sigma(z) - y)), z = X w + b."""
    error = sigmoid(X @ w + b) - y
    return X.T @ error / len(y) + l2 * w, float(np.mean(error))


@dataclass
class LogisticRun:
    """What ``train_logistic`` returns: the recorded steps, ||w|| and J there, and the final (w, b)."""

    steps: np.ndarray
    weight_norms: np.ndarray
    losses: np.ndarray
    w: np.ndarray
    b: float


def train_logistic(X, y, steps=10_000, learning_rate=1.0, l2=0.0, record_at=None):
    """Full-batch gradient descent on ``regularised_loss`` from w = 0, b = 0.

    Records ||w|| and J after each step listed in ``record_at`` (default: every step).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    record = set(range(1, steps + 1) if record_at is None else (int(s) for s in record_at))
    w, b = np.zeros(X.shape[1]), 0.0
    recorded, norms, values = [], [], []
    for step in range(1, steps + 1):
        grad_w, grad_b = regularised_gradient(X, y, w, b, l2)
        w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
        if step in record:
            recorded.append(step)
            norms.append(float(np.linalg.norm(w)))
            values.append(regularised_loss(X, y, w, b, l2))
    return LogisticRun(np.array(recorded), np.array(norms), np.array(values), w, b)
