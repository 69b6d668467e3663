"""Reference answers and typical wrong answers for dlmath.exercises.probability.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def _entropy_bits(p):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return -np.sum(p * np.log2(p))


def _kl(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    keep = p > 0
    return np.sum(p[keep] * np.log(p[keep] / q[keep]))


def _softmax_t(logits, T):
    z = np.asarray(logits, dtype=float) / T
    e = np.exp(z - z.max())
    return e / e.sum()


def _coin_kl(p, q):
    # written out by cases, as a learner would: a term with weight 0 is 0
    heads = p * np.log(p / q) if p > 0 else 0.0
    tails = (1 - p) * np.log((1 - p) / (1 - q)) if p < 1 else 0.0
    return heads + tails


def _gaussian_kl(mu1, sigma1, mu2, sigma2):
    # E_p[log p - log q], expanded: -log s1 - 1/2 + log s2 + (s1^2 + (mu1 - mu2)^2) / (2 s2^2)
    var1, var2 = sigma1**2, sigma2**2
    return 0.5 * (np.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1)


CASES = {
    "check_entropy": {
        "solution": _entropy_bits,
        "wrong": [
            (lambda p: np.sum(p[p > 0] * np.log2(p[p > 0])), "minus sign is missing"),
            (lambda p: -np.sum(p[p > 0] * np.log(p[p > 0])), "natural log"),
            (lambda p: -np.sum(p[p > 0] * np.log10(p[p > 0])), "base 10"),
            (lambda p: -np.sum(p * np.log2(p)), "0 * log(0)"),
            (lambda p: -np.mean(p[p > 0] * np.log2(p[p > 0])) if p.size else 0.0, "averaged"),
            (lambda p: -np.sum(np.log2(p[p > 0])), "weighted by its probability"),
            (lambda: 1.0, "callable as entropy(p)"),
        ],
    },
    "check_kl_divergence": {
        "solution": _kl,
        "wrong": [
            (lambda p, q: _kl(q, p), "swapped"),
            (lambda p, q: _kl(p, q) / np.log(2), "nats"),
            (lambda p, q: -np.sum(p[p > 0] * np.log(q[p > 0])), "cross-entropy"),
            (lambda p, q: _kl(p, q) * -1, "log(q / p)"),
            (lambda p, q: np.sum(p * np.log(p / q)), "convention"),
            (lambda p, q: np.sum((p - q) * np.log(p / q)), "symmetrised"),
        ],
    },
    "check_bernoulli_log_likelihood": {
        "solution": lambda p, flips: np.sum(flips * np.log(p) + (1 - flips) * np.log(1 - p)),
        "wrong": [
            (lambda p, x: np.prod(p ** x * (1 - p) ** (1 - x)), "likelihood itself"),
            (lambda p, x: np.sum(x * np.log(p)), "tails are missing"),
            (lambda p, x: np.sum(x * np.log(p) + (1 - x) * np.log(p)), "probability 1 - p"),
            (lambda p, x: np.mean(x * np.log(p) + (1 - x) * np.log(1 - p)), "averaged"),
            (lambda p, x: -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)), "negative log-likelihood"),
            (lambda p, x: np.sum(x * np.log2(p) + (1 - x) * np.log2(1 - p)), "base 2"),
        ],
    },
    "check_bernoulli_mle": {
        "solution": lambda flips: flips.sum() / len(flips),
        "wrong": [
            (lambda x: 1 - x.mean(), "tails"),
            (lambda x: x.sum(), "number of heads"),
            (lambda x: np.round(x.mean()), "not rounded"),
            (lambda x: x.sum() / (len(x) - 1), "n - 1"),
            (lambda x: (x.sum() + 1) / (len(x) + 2), "Laplace"),
            (lambda x: np.median(x), "not rounded"),
        ],
    },
    "check_softmax_with_temperature": {
        "solution": _softmax_t,
        "wrong": [
            (lambda z, T: _softmax_t(z * T, 1.0), "divide them by T"),
            (lambda z, T: np.exp(z / T) / np.exp(z / T).sum(), "overflows"),
            (lambda z, T: np.exp(z / T - np.max(z / T)), "not normalised"),
            (lambda z, T: _softmax_t(-z, T), "E = -logits"),
            (lambda z, T: _softmax_t(z, 1), "temperature is ignored"),
            (lambda z, T: (z / T) / (z / T).sum(), "exponential is missing"),
            (lambda z: _softmax_t(z, 1), "softmax_t(logits, T)"),
        ],
    },
    "check_variance_of_mean": {
        "solution": lambda sigma, n: sigma * sigma / n,
        "wrong": [
            (lambda sigma, n: sigma / np.sqrt(n), "standard deviation of the mean"),
            (lambda sigma, n: sigma / n, "square it"),
            (lambda sigma, n: sigma**2 / n**2, "n sigma^2 / n^2"),
            (lambda sigma, n: sigma**2 * n, "variance of the sum"),
            (lambda sigma, n: sigma**2, "shrinks with n"),
            (lambda sigma, n: sigma**2 / (n - 1), "not n - 1"),
            (lambda sigma, n: sigma**2 / (n - 1) if n > 1 else sigma**2, "not n - 1"),
            (lambda sigma: sigma**2, "variance_of_mean(sigma, n)"),
        ],
    },
    "check_coin_kl": {
        "solution": _coin_kl,
        "wrong": [
            (lambda p, q: _coin_kl(q, p), "swapped"),
            (lambda p, q: p * np.log(p / q) if p > 0 else 0.0, "tails term is missing"),
            (lambda p, q: _coin_kl(p, q) / np.log(2), "nats"),
            (lambda p, q: -_coin_kl(p, q), "never negative"),
            (lambda p, q: -p * np.log(q) - (1 - p) * np.log(1 - q), "cross-entropy"),
            (lambda p, q: p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q)), "0 * log(0)"),
            (lambda p, q: (p * np.log(p / q) if p > 0 else 0.0)
             - ((1 - p) * np.log((1 - p) / (1 - q)) if p < 1 else 0.0), "tails term"),
        ],
    },
    "check_gaussian_kl": {
        "solution": _gaussian_kl,
        "wrong": [
            (lambda m1, s1, m2, s2: _gaussian_kl(m2, s2, m1, s1), "swapped"),
            (lambda m1, s1, m2, s2: _gaussian_kl(m1, s1, m2, s2) + 0.5, "-1/2 is missing"),
            (lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / s2**2 - 0.5,
             "factor 2"),
            (lambda m1, s1, m2, s2: 2 * np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5,
             "ratio of variances"),
            (lambda m1, s1, m2, s2: np.log(s1 / s2) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5,
             "Sign error in the log term"),
            (lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1 + (m1 - m2) ** 2) / (2 * s2) - 0.5,
             "variances"),
            (lambda m1, s1, m2, s2: np.log(s2 / s1) + (m1 - m2) ** 2 / (2 * s2**2) - 0.5,
             "spread of p is missing"),
        ],
    },
}
