"""Checkers for the training-criterion lesson.

* ``check_cross_entropy(cross_entropy)``: ``cross_entropy(p, y)`` returns the
  mean binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))`` of
  predicted probabilities ``p`` (of class 1) and labels ``y`` (0 or 1).
* ``check_stable_log_sum_exp(log_sum_exp)``: ``log_sum_exp(Z)`` returns
  ``log(sum(exp(Z), axis=-1))`` for every row of ``Z``, without overflow or
  underflow, even for logits in the thousands.
* ``check_cross_entropy_value(value)``: the cross-entropy of one example,
  a blue point (y = 1) given probability 0.2 of being blue.
* ``check_gaussian_posterior_weights(gaussian_weights)``:
  ``gaussian_weights(mu0, mu1, Sigma, prior1)`` returns the (w, b) for which
  sigma(w . x + b) is the posterior of class 1 for two Gaussian classes with a
  shared covariance.
"""

import numpy as np

from dlmath.course.probability import bernoulli_log_probabilities as _log_probabilities
from dlmath.course.training_criterion import gaussian_posterior_weights as _gaussian_weights
from dlmath.functions import logsumexp

from .checking import Case, checker, function_exercise, grade_value, pair_packer

# --- mean binary cross-entropy ------------------------------------------------------


def _cross_entropy(p, y):
    return -np.mean(_log_probabilities(p, y))


_CE_CASES = [
    Case("4 examples", np.array([0.9, 0.2, 0.6, 0.3]), np.array([1.0, 0.0, 1.0, 1.0]), batch_size=4),
    Case("5 examples, some confidently wrong", np.array([0.99, 0.05, 0.5, 0.8, 0.01]),
         np.array([0.0, 0.0, 1.0, 1.0, 1.0]), batch_size=5),
    Case("3 examples, all red", np.array([0.1, 0.4, 0.7]), np.array([0.0, 0.0, 0.0]), batch_size=3),
    Case("a single example, blue, p = 0.5", np.array([0.5]), np.array([1.0]), batch_size=1),
]


def _random_ce_case(rng):
    n = int(rng.integers(1, 10))
    p = np.round(rng.uniform(0.01, 0.99, size=n), 2)
    y = rng.integers(0, 2, size=n).astype(float)
    return Case(f"{n} example(s)", p, y, batch_size=n)

_CE_MISTAKES = [
    (lambda p, y: -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)),
     "The logs are swapped: a label y = 1 should be scored with log p (the probability of class 1), "
     "a label 0 with log(1 - p)."),
    (lambda p, y: -np.mean(y * np.log(p)),
     "Only the examples with y = 1 count in your loss: add (1 - y) * log(1 - p) for the red ones."),
    (lambda p, y: -np.mean((1 - y) * np.log(1 - p)),
     "Only the examples with y = 0 count in your loss: add y * log(p) for the blue ones."),
    (lambda p, y: -np.sum(_log_probabilities(p, y)),
     "You summed over the examples; the loss is their mean (divide by the number of examples)."),
    (lambda p, y: np.mean(_log_probabilities(p, y)),
     "Sign error: log of a probability is negative, so the cross-entropy has a minus sign in front "
     "to make it positive."),
    (lambda p, y: -np.mean(_log_probabilities(p, y, np.log10)),
     "You used log10; cross-entropy uses the natural logarithm, np.log."),
    (lambda p, y: -np.mean(_log_probabilities(p, y, np.log2)),
     "You used log2 (bits); the course uses the natural logarithm, np.log (nats)."),
    (lambda p, y: np.mean((p - y) ** 2),
     "That is the squared error; the cross-entropy is -mean(y log p + (1 - y) log(1 - p))."),
    (lambda p, y: -np.mean(y * np.log(p) + (1 - y) * np.log(p)),
     "For red examples (y = 0) use the probability of red, 1 - p: the second term is "
     "(1 - y) * log(1 - p)."),
    (lambda p, y: -np.mean(np.log(p * y + (1 - p) * (1 - y)) * y),
     "Both kinds of example count: do not multiply the whole log by y."),
]


check_cross_entropy = function_exercise(
    "cross_entropy(p, y)", _cross_entropy, _CE_CASES, title="cross-entropy", mistakes=_CE_MISTAKES,
    random_cases=_random_ce_case,
    doc="""Check ``cross_entropy(p, y)``: ``-mean(y log p + (1 - y) log(1 - p))``.

    ``p`` holds the predicted probabilities of class 1 (shape (n,)), ``y`` the
    labels 0 or 1 (shape (n,)); the result is one number.
    """)


# --- stable log-sum-exp ----------------------------------------------------------------


def _log_sum_exp(Z):
    return logsumexp(Z, axis=-1, keepdims=False)


_LSE_CASES = [
    Case("2 rows of small logits", np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])),
    Case("large logits: [1000, 1001] and [-5, 800]", np.array([[1000.0, 1001.0], [-5.0, 800.0]])),
    Case("very negative logits: [-1000, -1001]", np.array([[-1000.0, -1001.0], [-2000.0, -1999.0]])),
    Case("rows on very different scales", np.array([[3000.0, 2999.0, 0.0], [-3000.0, -3001.0, -2999.0],
                                                    [0.1, 0.2, 0.3]])),
    Case("ties: equal logits, and a row of one logit", np.array([[5.0, 5.0], [-2.0, -2.0]])),
    Case("one logit per row", np.array([[1000.0], [-3.0], [0.0]])),
]


def _random_lse_case(rng):
    n, k = int(rng.integers(1, 6)), int(rng.integers(1, 7))
    scale = float(rng.choice([1.0, 10.0, 1000.0]))
    Z = np.round(scale * rng.normal(size=(n, k)) + rng.choice([-1.0, 1.0], size=(n, 1)) * scale, 2)
    return Case(f"{n} row(s) of {k} logit(s) of size about {scale:g}", Z)


def _naive(Z):
    return np.log(np.sum(np.exp(Z), axis=-1))


def _global_max(Z):
    m = np.max(Z)
    return m + np.log(np.sum(np.exp(Z - m), axis=-1))


_LSE_MISTAKES = [
    (_naive,
     "np.exp overflows to inf for logits above about 709 and underflows to 0 below about -745, so "
     "the log gives inf or -inf. Subtract each row's maximum m first: "
     "log sum exp(z) = m + log sum exp(z - m)."),
    (lambda Z: np.log(np.sum(np.exp(Z - np.max(Z, axis=-1, keepdims=True)), axis=-1)),
     "You subtracted the maximum inside the exponential but did not add it back outside the log: "
     "log sum exp(z) = m + log sum exp(z - m)."),
    (_global_max,
     "You subtracted one maximum for the whole array; rows on very different scales then underflow. "
     "Use each row's own maximum: np.max(Z, axis=-1, keepdims=True)."),
    (lambda Z: np.max(Z, axis=-1),
     "The maximum alone is only an approximation of log-sum-exp (it ignores the other terms): add "
     "log sum exp(z - m) to it."),
    (lambda Z: np.log(np.sum(np.exp(Z - np.min(Z, axis=-1, keepdims=True)), axis=-1))
     + np.min(Z, axis=-1),
     "Subtract the maximum, not the minimum: after subtracting the minimum the other entries are "
     "still large and positive, and exp overflows."),
    (lambda Z: (np.max(Z, axis=-1, keepdims=True) + np.log(np.sum(np.exp(Z - np.max(Z, axis=-1, keepdims=True)),
                                                                    axis=-1, keepdims=True))),
     "Right numbers, but keep one number per row: return shape (n,), e.g. drop keepdims in the "
     "last step or index [:, 0]."),
]


check_stable_log_sum_exp = function_exercise(
    "log_sum_exp(Z)", _log_sum_exp, _LSE_CASES, title="stable log-sum-exp",
    name="check_stable_log_sum_exp", mistakes=_LSE_MISTAKES, rtol=1e-9, random_cases=_random_lse_case,
    doc="""Check ``log_sum_exp(Z)``: ``log(sum(exp(Z), axis=-1))`` for every row, computed stably.

    ``Z`` has shape (n, k) (n rows of k logits); the result has shape (n,) and
    must be finite even for logits like 1000 or -1000.
    """)


# --- one cross-entropy by hand -----------------------------------------------------------


@checker
def check_cross_entropy_value(value=...):
    """Check the cross-entropy of one blue point (y = 1) given probability 0.2 of being blue.

    Give a number to 3 significant digits (or more), in nats (natural logarithm).
    """
    return grade_value(value, -np.log(0.2), title="cross-entropy of one example", mistakes=[
        (-np.log(0.8), "You scored the probability of red, 1 - p; a blue point is scored by "
                       "-log p with p = 0.2."),
        (np.log(0.2), "Sign error: log 0.2 is negative; the loss is -log p."),
        (-np.log10(0.2), "Use the natural logarithm (np.log), not log10."),
        (-np.log2(0.2), "Use the natural logarithm (np.log), not log2."),
        (0.8, "0.8 = 1 - p is the error in probability; the cross-entropy is -log p."),
        (0.64, "0.64 = (1 - p)^2 is the squared error; the cross-entropy is -log p."),
    ], digits=3)


# --- the sigmoid as the posterior of two Gaussian classes --------------------------------


def _symmetric_positive_definite(rng, d):
    A = np.round(rng.normal(size=(d, d)), 1)
    return np.round(A @ A.T + 0.5 * np.eye(d), 2)


_GAUSSIAN_CASES = [
    Case("2 features, Sigma = identity, equal priors", np.array([-1.0, 0.0]), np.array([1.0, 2.0]),
         np.eye(2), 0.5),
    Case("2 features, correlated Sigma, P(class 1) = 0.8", np.array([0.0, 0.0]), np.array([2.0, 1.0]),
         np.array([[2.0, 0.6], [0.6, 1.0]]), 0.8),
    Case("1 feature, variance 4, P(class 1) = 0.25", np.array([1.0]), np.array([3.0]), np.array([[4.0]]), 0.25),
    Case("3 features, a diagonal Sigma, P(class 1) = 0.3", np.array([1.0, -1.0, 0.5]),
         np.array([0.0, 1.0, 2.0]), np.diag([0.5, 2.0, 1.0]), 0.3),
]


def _random_gaussian_case(rng):
    d = int(rng.integers(1, 4))
    mu0, mu1 = np.round(rng.normal(scale=2.0, size=(2, d)), 1)
    prior1 = float(rng.choice([0.1, 0.25, 0.4, 0.6, 0.75, 0.9]))
    return Case(f"{d} feature(s), P(class 1) = {prior1:g}", mu0, mu1, _symmetric_positive_definite(rng, d),
                prior1)


# (w, b) -> [w..., b]
_pack_weights = pair_packer(
    "return w, b",
    "w should be a vector shaped like the means, (d,), and b a single number.",
    "np.linalg.solve(Sigma, mu1 - mu0) gives w with shape (d,); a @ b of two vectors is a number.",
    "(w, b).")


def _weights(mu0, mu1, Sigma, prior1, *, inverse=True, prior=True, half=0.5, flip_prior=False,
             flip_bias=False):
    """The weights with one slip switched on by a flag (each mistake below turns on one)."""
    M = np.linalg.inv(Sigma) if inverse else np.eye(len(mu0))
    w = M @ (mu1 - mu0)
    b = -half * mu1 @ M @ mu1 + half * mu0 @ M @ mu0
    if flip_bias:
        b = -b
    if prior:
        b += np.log((1 - prior1) / prior1) if flip_prior else np.log(prior1 / (1 - prior1))
    return w, b


_GAUSSIAN_MISTAKES = [
    (lambda mu0, mu1, Sigma, p: _weights(mu0, mu1, Sigma, p, inverse=False),
     "The covariance is missing: w = Sigma^-1 (mu1 - mu0), not mu1 - mu0 (they agree only when Sigma "
     "is the identity). Use np.linalg.solve(Sigma, mu1 - mu0), and Sigma^-1 in the bias as well."),
    (lambda mu0, mu1, Sigma, p: (Sigma @ (mu1 - mu0), _weights(mu0, mu1, Sigma, p)[1]),
     "w multiplies by Sigma itself; it needs the inverse, Sigma^-1 (mu1 - mu0): np.linalg.solve(Sigma, mu1 - mu0)."),
    (lambda mu0, mu1, Sigma, p: (np.linalg.solve(Sigma, mu1 - mu0),
                                 -0.5 * mu1 @ (mu1 / np.diag(Sigma)) + 0.5 * mu0 @ (mu0 / np.diag(Sigma))
                                 + np.log(p / (1 - p))),
     "Sigma^-1 is the inverse matrix, not 1 / diagonal entries: use np.linalg.solve(Sigma, v) (or np.linalg.inv)."),
    (lambda mu0, mu1, Sigma, p: tuple(-v if i == 0 else v for i, v in enumerate(_weights(mu0, mu1, Sigma, p))),
     "The mean difference is swapped: class 1's log-odds grow towards mu1, so w = Sigma^-1 (mu1 - mu0)."),
    (lambda mu0, mu1, Sigma, p: _weights(mu1, mu0, Sigma, p),
     "mu0 and mu1 are swapped: class 1 has mean mu1, so w = Sigma^-1 (mu1 - mu0) and the bias starts "
     "with -mu1^T Sigma^-1 mu1 / 2."),
    (lambda mu0, mu1, Sigma, p: tuple(-v for v in _weights(mu0, mu1, Sigma, p)),
     "You computed the log-odds of class 0 (w and b both negated): this exercise asks for "
     "P(class 1 | x) = sigma(w . x + b), so w = Sigma^-1 (mu1 - mu0)."),
    (lambda mu0, mu1, Sigma, p: _weights(mu0, mu1, Sigma, p, prior=False),
     "The prior term is missing: b ends with + log(pi1 / pi0) = log(prior1 / (1 - prior1))."),
    (lambda mu0, mu1, Sigma, p: _weights(mu0, mu1, Sigma, p, flip_prior=True),
     "The prior ratio is upside down: + log(pi1 / pi0), with pi1 = prior1 the probability of class 1."),
    (lambda mu0, mu1, Sigma, p: (_weights(mu0, mu1, Sigma, p)[0], _weights(mu0, mu1, Sigma, p)[1]
                                 - np.log(p / (1 - p)) + np.log(p)),
     "The prior enters as the log of a ratio, log(pi1 / pi0) with pi0 = 1 - pi1, not log(pi1) alone."),
    (lambda mu0, mu1, Sigma, p: _weights(mu0, mu1, Sigma, p, half=1.0),
     "The factor 1/2 is missing in the bias: the exponent of a Gaussian is -(x - mu)^T Sigma^-1 (x - mu) / 2, "
     "so b = -mu1^T Sigma^-1 mu1 / 2 + mu0^T Sigma^-1 mu0 / 2 + log(pi1 / pi0)."),
    (lambda mu0, mu1, Sigma, p: _weights(mu0, mu1, Sigma, p, flip_bias=True),
     "The two quadratic terms of the bias have the wrong signs: b = -mu1^T Sigma^-1 mu1 / 2 "
     "+ mu0^T Sigma^-1 mu0 / 2 + log(pi1 / pi0)."),
    (lambda mu0, mu1, Sigma, p: (_weights(mu0, mu1, Sigma, p)[0], float(-(mu1 - mu0) @ np.linalg.solve(Sigma, mu1 - mu0) / 2
                                                                     + np.log(p / (1 - p)))),
     "The bias is -mu1^T Sigma^-1 mu1 / 2 + mu0^T Sigma^-1 mu0 / 2 (a difference of two quadratic forms), "
     "not -(mu1 - mu0)^T Sigma^-1 (mu1 - mu0) / 2."),
]


check_gaussian_posterior_weights = function_exercise(
    "gaussian_weights(mu0, mu1, Sigma, prior1)", _gaussian_weights, _GAUSSIAN_CASES,
    title="Gaussian posterior weights", name="check_gaussian_posterior_weights", pack=_pack_weights,
    part_names=("w", "b"), mistakes=_GAUSSIAN_MISTAKES, random_cases=_random_gaussian_case,
    shown_as=" (w and b are shown together as [w_1, ..., w_d, b].)",
    doc="""Check ``gaussian_weights(mu0, mu1, Sigma, prior1)``: (w, b) with P(class 1 | x) = sigma(w . x + b).

    For classes N(mu0, Sigma) and N(mu1, Sigma) with P(class 1) = prior1:
    ``w = Sigma^-1 (mu1 - mu0)``, ``b = -mu1 Sigma^-1 mu1 / 2 + mu0 Sigma^-1 mu0 / 2 + log(prior1 / (1 - prior1))``.
    """)
