"""Checkers for the probability lesson (chapter 3).

* ``check_entropy(entropy)``: ``entropy(p)`` returns the entropy in **bits**
  of a probability vector ``p`` (which may contain zeros).
* ``check_kl_divergence(kl_divergence)``: ``kl_divergence(p, q)`` returns
  D_KL(p || q) in **nats** (natural logarithm).
* ``check_bernoulli_log_likelihood(log_likelihood)``:
  ``log_likelihood(p, flips)`` returns the log-likelihood (natural log) of a
  coin with heads-probability ``p`` for an array of flips (1 = heads, 0 = tails).
* ``check_bernoulli_mle(mle)``: ``mle(flips)`` returns the maximum-likelihood
  estimate of ``p``.
* ``check_softmax_with_temperature(softmax_t)``: ``softmax_t(logits, T)``
  returns the probabilities proportional to ``exp(logits / T)`` for a 1-d
  array of logits and a temperature ``T > 0``.
* ``check_variance_of_mean(variance_of_mean)``: ``variance_of_mean(sigma, n)``
  returns the variance of the mean of ``n`` independent samples of standard
  deviation ``sigma`` (a derivation done by hand).
* ``check_coin_kl(coin_kl)``: ``coin_kl(p, q)`` returns the KL divergence in
  nats between two coins with heads-probabilities ``p`` and ``q``.
* ``check_gaussian_kl(gaussian_kl)``: ``gaussian_kl(mu1, sigma1, mu2, sigma2)``
  returns D_KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) in nats.

Some typical mistakes give NaN rather than a wrong number (``0 * log 0``, an
overflowing ``exp``); the generic comparison cannot match NaN against a known
wrong answer, so these checkers give ``grade_function`` a ``nan_hint``.
"""

import numpy as np

from dlmath.course.probability import bernoulli_log_probabilities as _log_probabilities
from dlmath.course.probability import entropy_bits as _entropy, softmax_t as _softmax_t

from .checking import Case, function_exercise

LN2 = np.log(2.0)


def _xlogy(x, y, log=np.log):
    """x * log(y) with the convention 0 * log(anything) = 0."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.zeros(np.broadcast(x, y).shape)
    mask = np.broadcast_to(x != 0, out.shape)
    with np.errstate(divide="ignore"):
        out[mask] = np.broadcast_to(x, out.shape)[mask] * log(np.broadcast_to(y, out.shape)[mask])
    return out


_ZERO_TERM = "the term is 0 by convention (an outcome that never happens adds nothing)"


def _zero_log_hint(when, expression, convention, fix):
    """The hint for a NaN from 0 * log(0), which NumPy computes as 0 * (-inf)."""
    return f"Your function returns NaN when {when}: {expression} NaN in NumPy, but {convention}. {fix}"


# --- entropy in bits ------------------------------------------------------------


_ENTROPY_CASES = [
    Case("a fair coin, p = [0.5, 0.5]", np.array([0.5, 0.5])),
    Case("three outcomes, p = [0.5, 0.25, 0.25]", np.array([0.5, 0.25, 0.25])),
    Case("a fair eight-sided die", np.full(8, 1 / 8)),
    Case("an impossible outcome, p = [0.7, 0.3, 0]", np.array([0.7, 0.3, 0.0])),
    Case("a certain outcome, p = [0, 1, 0, 0]", np.array([0.0, 1.0, 0.0, 0.0])),
    Case("a single outcome, p = [1]", np.array([1.0])),
]


def _random_distribution(rng, k, zeros=True):
    p = rng.dirichlet(np.ones(k))
    if zeros and k > 1:
        p[rng.random(k) < 0.3] = 0.0
        if not p.any():
            p[0] = 1.0
    return p / p.sum()


def _random_entropy_case(rng):
    k = int(rng.integers(1, 10))
    return Case(f"a random distribution over {k} outcome(s), some impossible", _random_distribution(rng, k))

_ENTROPY_MISTAKES = [
    (lambda p: np.sum(_xlogy(p, p, np.log2)),
     "The minus sign is missing: log p is negative for p < 1, so -sum(p log p) is positive."),
    (lambda p: -np.sum(_xlogy(p, p, np.log)),
     "You used the natural log, which gives nats; for bits use np.log2 (or divide by np.log(2))."),
    (lambda p: -np.sum(_xlogy(p, p, np.log10)),
     "You used log base 10; entropy in bits needs log base 2 (np.log2)."),
    (lambda p: -np.mean(_xlogy(p, p, np.log2)),
     "You averaged over the outcomes; entropy is a sum, each -log2 p weighted by its probability p."),
    (lambda p: -np.sum(np.log2(p[p > 0])),
     "Each surprise -log2 p must be weighted by its probability p: use -sum(p * log2 p)."),
    (lambda p: -np.sum(_xlogy(p, p, np.log2)) / len(p),
     "Do not divide by the number of outcomes: the weights p already sum to 1."),
]

_ENTROPY_NAN_HINT = _zero_log_hint("some p is 0", "0 * log(0) is 0 * (-inf) =", "its limit is 0",
                                   "Keep only the nonzero entries (p = p[p > 0]) before taking the log.")


check_entropy = function_exercise(
    "entropy(p)", _entropy, _ENTROPY_CASES, title="entropy", mistakes=_ENTROPY_MISTAKES,
    random_cases=_random_entropy_case, nan_hint=_ENTROPY_NAN_HINT,
    doc="""Check ``entropy(p)``: the entropy in bits of a probability vector ``p``.""")


# --- KL divergence in nats ---------------------------------------------------------


def _kl(p, q):
    return np.sum(_xlogy(p, p)) - np.sum(_xlogy(p, q))


def _cross_entropy(p, q):
    return -np.sum(_xlogy(p, q))


_KL_CASES = [
    Case("a fair coin against a biased one, p = [0.5, 0.5], q = [0.9, 0.1]",
         np.array([0.5, 0.5]), np.array([0.9, 0.1])),
    Case("three outcomes, p = [0.2, 0.5, 0.3], q = [0.1, 0.6, 0.3]",
         np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.6, 0.3])),
    Case("two equal distributions", np.array([0.25, 0.25, 0.5]), np.array([0.25, 0.25, 0.5])),
    Case("p has an impossible outcome, p = [0.6, 0.4, 0], q = [0.5, 0.3, 0.2]",
         np.array([0.6, 0.4, 0.0]), np.array([0.5, 0.3, 0.2])),
]


def _random_kl_case(rng):
    k = int(rng.integers(1, 9))
    return Case(f"random p (some zeros) and q over {k} outcome(s)", _random_distribution(rng, k),
                _random_distribution(rng, k, zeros=False))

_KL_MISTAKES = [
    (lambda p, q: _kl(q, p),
     "The arguments are swapped: D_KL(p || q) = sum p log(p / q) weights by p, the first argument. "
     "KL is not symmetric, so the order matters."),
    (lambda p, q: _kl(p, q) / LN2,
     "You used log base 2 (bits); this exercise asks for nats: use the natural log np.log."),
    (lambda p, q: _cross_entropy(p, q),
     "That is the cross-entropy H(p, q); subtract the entropy H(p) to get the KL divergence."),
    (lambda p, q: -_kl(p, q),
     "Sign error: use log(p / q), not log(q / p) (or keep the minus sign of -sum p log(q / p))."),
    (lambda p, q: np.sum((p - q) * np.log(p / q)),
     "You symmetrised the divergence; D_KL(p || q) weights log(p / q) by p alone."),
]

_KL_NAN_HINT = _zero_log_hint("some p_i is 0", "0 * log(0 / q) is", _ZERO_TERM, "Keep only the entries where p > 0.")


check_kl_divergence = function_exercise(
    "kl_divergence(p, q)", _kl, _KL_CASES, title="KL divergence", mistakes=_KL_MISTAKES,
    random_cases=_random_kl_case, nan_hint=_KL_NAN_HINT,
    doc="""Check ``kl_divergence(p, q)``: D_KL(p || q) in nats for probability vectors p and q.""")


# --- Bernoulli log-likelihood and maximum likelihood ---------------------------------

_FLIPS = [
    np.array([1, 0, 1, 1, 0, 1, 1, 0, 1, 1]),        # 7 heads of 10
    np.array([0, 0, 1, 0, 0, 0, 1, 0]),              # 2 of 8
    np.array([1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0]),  # 9 of 12
]


def _log_likelihood(p, flips):
    flips = np.asarray(flips, dtype=float)
    return np.sum(_log_probabilities(p, flips))


_LL_CASES = [
    Case("p = 0.5, 7 heads in 10 flips", 0.5, _FLIPS[0], batch_size=10),
    Case("p = 0.7, 7 heads in 10 flips", 0.7, _FLIPS[0], batch_size=10),
    Case("p = 0.1, 2 heads in 8 flips", 0.1, _FLIPS[1], batch_size=8),
    Case("p = 0.9, 9 heads in 12 flips", 0.9, _FLIPS[2], batch_size=12),
    Case("a single flip, heads, p = 0.25", 0.25, np.array([1])),
]


def _random_flips(rng):
    return rng.integers(0, 2, size=int(rng.integers(1, 25)))


def _random_ll_case(rng):
    p, flips = float(np.round(rng.uniform(0.01, 0.99), 2)), _random_flips(rng)
    return Case(f"p = {p:g}, {int(flips.sum())} heads in {len(flips)} flips", p, flips, batch_size=len(flips))

_LL_MISTAKES = [
    (lambda p, x: np.prod(np.where(x == 1, p, 1 - p)),
     "That is the likelihood itself (a product of probabilities); the log-likelihood is the sum of "
     "their logs, which does not underflow for long sequences."),
    (lambda p, x: np.sum(x * np.log(p)),
     "The tails are missing: each tail contributes log(1 - p), so add (1 - x) * log(1 - p)."),
    (lambda p, x: np.sum(x * np.log(p) + (1 - x) * np.log(p)),
     "A tail has probability 1 - p, not p: use (1 - x) * log(1 - p)."),
    (lambda p, x: np.mean(_log_probabilities(p, x)),
     "You averaged over the flips; the log-likelihood is the sum (the mean is the "
     "negative cross-entropy, which has the same maximiser)."),
    (lambda p, x: -np.sum(_log_probabilities(p, x)),
     "Sign error: that is the negative log-likelihood (a loss); the log-likelihood itself is negative."),
    (lambda p, x: np.sum(_log_probabilities(p, x, np.log2)),
     "You used log base 2; use the natural log np.log."),
]


check_bernoulli_log_likelihood = function_exercise(
    "log_likelihood(p, flips)", _log_likelihood, _LL_CASES, title="Bernoulli log-likelihood",
    name="check_bernoulli_log_likelihood", mistakes=_LL_MISTAKES, random_cases=_random_ll_case,
    doc="""Check ``log_likelihood(p, flips)``: the natural-log likelihood of 0/1 flips under heads-probability p.""")


_MLE_CASES = [Case(f"{int(f.sum())} heads in {len(f)} flips", f) for f in _FLIPS] + [
    Case("1 head in 3 flips", np.array([0, 1, 0])),
    Case("no heads in 4 flips", np.array([0, 0, 0, 0])),
    Case("a single flip, heads", np.array([1])),
]


def _random_mle_case(rng):
    flips = _random_flips(rng)
    return Case(f"{int(flips.sum())} heads in {len(flips)} flips", flips)

_MLE_MISTAKES = [
    (lambda x: 1 - np.mean(x),
     "You estimated the probability of tails: p is the probability of heads (x = 1)."),
    (lambda x: np.sum(x),
     "That is the number of heads; divide by the number of flips to get a probability."),
    (lambda x: float(np.mean(x) > 0.5),
     "The estimate is not rounded to 0 or 1: the log-likelihood is largest at the fraction of heads itself."),
    (lambda x: np.sum(x) / (len(x) - 1),
     "Divide by the number of flips n, not n - 1."),
    (lambda x: (np.sum(x) + 1) / (len(x) + 2),
     "That is Laplace's smoothed estimate (add one head and one tail); the maximum-likelihood "
     "estimate uses the counts alone."),
]


check_bernoulli_mle = function_exercise(
    "mle(flips)", lambda x: np.mean(x), _MLE_CASES, title="Bernoulli maximum likelihood",
    name="check_bernoulli_mle", mistakes=_MLE_MISTAKES, random_cases=_random_mle_case,
    doc="""Check ``mle(flips)``: the maximum-likelihood estimate of p from an array of 0/1 flips.""")


# --- softmax with a temperature ---------------------------------------------------------


def _naive(logits, T):
    e = np.exp(np.asarray(logits, dtype=float) / T)
    return e / e.sum()


_SOFTMAX_CASES = [
    Case("logits [2, 1, 0.1] at T = 1", np.array([2.0, 1.0, 0.1]), 1.0),
    Case("logits [2, 1, 0.1] at T = 2", np.array([2.0, 1.0, 0.1]), 2.0),
    Case("logits [1, -1, 0, 3] at T = 0.5", np.array([1.0, -1.0, 0.0, 3.0]), 0.5),
    Case("logits [1000, 999, 998] at T = 1", np.array([1000.0, 999.0, 998.0]), 1.0),
    Case("logits [3, 1, 2] at T = 0.001 (nearly the argmax)", np.array([3.0, 1.0, 2.0]), 0.001),
    Case("ties: logits [2, 2, 2] at T = 0.5", np.array([2.0, 2.0, 2.0]), 0.5),
    Case("a single logit at T = 3", np.array([-4.0]), 3.0),
]


def _random_softmax_case(rng):
    k = int(rng.integers(1, 8))
    T = float(rng.choice([0.01, 0.5, 1.0, 2.0, 100.0]))
    logits = np.round(rng.normal(scale=float(rng.choice([1.0, 10.0])), size=k), 2)
    return Case(f"{k} logit(s) at T = {T:g}", logits, T)

_SOFTMAX_MISTAKES = [
    (lambda z, T: _softmax_t(np.asarray(z) * T, 1.0),
     "You multiplied the logits by T; divide them by T (a high temperature must flatten the "
     "distribution, so the logits must shrink)."),
    (lambda z, T: np.exp(np.asarray(z) / T),
     "The result is not normalised: divide by the sum so the probabilities add up to 1."),
    (lambda z, T: np.exp(np.asarray(z) / T - np.max(np.asarray(z) / T)),
     "The result is not normalised: divide by the sum so the probabilities add up to 1."),
    (lambda z, T: _softmax_t(-np.asarray(z), T),
     "Sign error in the exponent: the energies are E = -logits, so exp(-E / T) = exp(+logits / T)."),
    (lambda z, T: _softmax_t(z, 1.0),
     "The temperature is ignored: divide the logits by T before the exponential."),
    (lambda z, T: np.asarray(z) / T / np.sum(np.asarray(z) / T),
     "The exponential is missing: p_i is proportional to exp(z_i / T), not to z_i / T."),
]

_SOFTMAX_NAN_HINT = ("Your function returns NaN or inf for large logits (or a small T): exp(1000) "
                     "overflows to inf and inf / inf is NaN. Subtract the largest value of "
                     "logits / T before the exponential; shifting every logit by the same constant "
                     "does not change the softmax.")


check_softmax_with_temperature = function_exercise(
    "softmax_t(logits, T)", _softmax_t, _SOFTMAX_CASES, title="softmax with temperature",
    name="check_softmax_with_temperature", mistakes=_SOFTMAX_MISTAKES, random_cases=_random_softmax_case,
    nan_hint=_SOFTMAX_NAN_HINT,
    doc="""Check ``softmax_t(logits, T)``: probabilities proportional to exp(logits / T), for 1-d logits.""")


# --- derivations by hand: the variance of a sample mean ---------------------------------
#
# The learner derives Var[mean of n independent samples] = sigma^2 / n on paper
# (chapter 3, eq-probability-sqrt-n) and enters it as a function of sigma and n.


def _variance_of_mean(sigma, n):
    return sigma**2 / n


def _var_mean_case(sigma, n, note=""):
    return Case(f"sigma = {sigma:g}, n = {n}{note}", sigma, n)


_VAR_MEAN_CASES = [
    _var_mean_case(1.0, 1, " (one sample: the mean is the sample itself)"),
    _var_mean_case(2.0, 4),
    _var_mean_case(0.5, 10),
    _var_mean_case(3.0, 100),
    _var_mean_case(1.7, 2),
]


def _random_var_mean_case(rng):
    sigma = float(np.round(rng.uniform(0.1, 5.0), 3))
    return _var_mean_case(sigma, int(rng.integers(1, 1000)))


_VAR_MEAN_MISTAKES = [
    (lambda s, n: s / np.sqrt(n),
     "That is the standard deviation of the mean, sigma / sqrt(n); the exercise asks for its "
     "variance, the square of it."),
    (lambda s, n: s / n,
     "sigma is a standard deviation: the variance of one sample is sigma**2, so square it."),
    (lambda s, n: s**2 / n**2,
     "The factor 1/n comes out of a variance squared (1/n^2), but there are n terms in the sum, "
     "each with variance sigma^2: n sigma^2 / n^2 = sigma^2 / n."),
    (lambda s, n: n * s**2,
     "That is the variance of the sum of the n samples; the mean divides the sum by n, which "
     "divides the variance by n^2."),
    (lambda s, n: s**2,
     "The mean of n independent samples is less spread out than one sample: its variance shrinks "
     "with n."),
    (lambda s, n: s**2 / (n - 1),
     "Divide by n, not n - 1: n - 1 belongs to the unbiased estimate of sigma^2 from data, not to "
     "the variance of the mean when sigma is known."),
]


check_variance_of_mean = function_exercise(
    "variance_of_mean(sigma, n)", _variance_of_mean, _VAR_MEAN_CASES, title="variance of a sample mean",
    mistakes=_VAR_MEAN_MISTAKES, random_cases=_random_var_mean_case,
    doc="""Check ``variance_of_mean(sigma, n)``: Var of the mean of n independent samples of standard deviation sigma, sigma^2 / n.""")


# --- derivations by hand: the KL divergence between two coins ---------------------------
#
# KL(Bernoulli(p) || Bernoulli(q)) = p log(p/q) + (1-p) log((1-p)/(1-q)) in nats,
# with 0 log 0 = 0 at p = 0 or p = 1; q is strictly between 0 and 1.


def _coin_kl(p, q):
    p, q = float(p), float(q)
    return float(_xlogy(p, p) - _xlogy(p, q) + _xlogy(1 - p, 1 - p) - _xlogy(1 - p, 1 - q))


_COIN_KL_CASES = [
    Case("a fair coin against p = 0.9: p = 0.5, q = 0.9", 0.5, 0.9),
    Case("p = 0.9, q = 0.5 (the arguments the other way round)", 0.9, 0.5),
    Case("p = 0.2, q = 0.3", 0.2, 0.3),
    Case("equal coins, p = q = 0.7", 0.7, 0.7),
    Case("a coin that always lands tails, p = 0, q = 0.25", 0.0, 0.25),
    Case("a coin that always lands heads, p = 1, q = 0.6", 1.0, 0.6),
]


def _random_coin_kl_case(rng):
    p = float(np.round(rng.choice([0.0, 1.0]) if rng.random() < 0.15 else rng.uniform(0.01, 0.99), 3))
    q = float(np.round(rng.uniform(0.01, 0.99), 3))
    return Case(f"p = {p:g}, q = {q:g}", p, q)


def _heads_only(p, q):
    return float(_xlogy(p, p) - _xlogy(p, q))


_COIN_KL_MISTAKES = [
    (lambda p, q: _coin_kl(q, p),
     "The arguments are swapped: D_KL(p || q) weights each log-ratio by the probabilities of p, "
     "the first coin. KL is not symmetric."),
    (_heads_only,
     "The tails term is missing: a coin has two outcomes, heads with probability p and tails with "
     "probability 1 - p; add (1 - p) log((1 - p) / (1 - q))."),
    (lambda p, q: _coin_kl(p, q) / LN2,
     "You used log base 2 (bits); this exercise asks for nats: use np.log."),
    (lambda p, q: -_coin_kl(p, q),
     "Sign error: each term is p log(p / q), not p log(q / p). KL is never negative."),
    (lambda p, q: float(-_xlogy(p, q) - _xlogy(1 - p, 1 - q)),
     "That is the cross-entropy H(p, q); subtract the entropy H(p) of the first coin."),
    (lambda p, q: _heads_only(p, q) + float(_xlogy(1 - p, 1 - q) - _xlogy(1 - p, 1 - p)),
     "Sign error in the tails term: it is (1 - p) log((1 - p) / (1 - q)), the same form as the "
     "heads term."),
]

_COIN_KL_NAN_HINT = _zero_log_hint("p is 0 or 1", "0 * log(0) is", _ZERO_TERM,
                                   "Treat p = 0 and p = 1 separately, or skip a term whose weight is 0.")


check_coin_kl = function_exercise(
    "coin_kl(p, q)", _coin_kl, _COIN_KL_CASES, title="KL divergence between two coins",
    mistakes=_COIN_KL_MISTAKES, random_cases=_random_coin_kl_case, nan_hint=_COIN_KL_NAN_HINT,
    doc="""Check ``coin_kl(p, q)``: D_KL(Bernoulli(p) || Bernoulli(q)) in nats, for 0 <= p <= 1 and 0 < q < 1.""")


# --- derivations by hand: the KL divergence between two Gaussians -----------------------
#
# KL(N(mu1, s1^2) || N(mu2, s2^2)) = log(s2/s1) + (s1^2 + (mu1 - mu2)^2) / (2 s2^2) - 1/2,
# in nats (chapter 3, eq-probability-kl-gaussians). The arguments are standard deviations.


def _gaussian_kl(mu1, sigma1, mu2, sigma2):
    return np.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2) - 0.5


_GAUSS_KL_CASES = [
    Case("N(0, 1) against N(1, 1): the means differ", 0.0, 1.0, 1.0, 1.0),
    Case("N(0, 1) against N(0, 3^2): the widths differ", 0.0, 1.0, 0.0, 3.0),
    Case("N(0, 2^2) against N(0, 1) (the arguments the other way round)", 0.0, 2.0, 0.0, 1.0),
    Case("N(1, 0.5^2) against N(-1, 1.5^2)", 1.0, 0.5, -1.0, 1.5),
    Case("two equal Gaussians N(3, 0.7^2)", 3.0, 0.7, 3.0, 0.7),
]


def _random_gauss_kl_case(rng):
    mu1, mu2 = (float(v) for v in np.round(rng.normal(0.0, 2.0, size=2), 2))
    s1, s2 = (float(v) for v in np.round(rng.uniform(0.2, 3.0, size=2), 2))
    return Case(f"N({mu1:g}, {s1:g}^2) against N({mu2:g}, {s2:g}^2)", mu1, s1, mu2, s2)


_GAUSS_KL_MISTAKES = [
    (lambda m1, s1, m2, s2: _gaussian_kl(m2, s2, m1, s1),
     "The arguments are swapped: D_KL(p || q) takes the expectation under p = N(mu1, sigma1^2), so "
     "sigma2 (of q) sits in the denominator."),
    (lambda m1, s1, m2, s2: _gaussian_kl(m1, s1, m2, s2) + 0.5,
     "The constant -1/2 is missing: check with two equal Gaussians, whose KL must be 0."),
    (lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / s2**2 - 0.5,
     "A factor 2 is missing in the denominator: the log-density has (x - mu)^2 / (2 sigma^2)."),
    (lambda m1, s1, m2, s2: np.log(s2**2 / s1**2) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5,
     "The log term is log(sigma2 / sigma1) = (1/2) log(sigma2^2 / sigma1^2): you used the ratio of "
     "variances without the factor 1/2."),
    (lambda m1, s1, m2, s2: np.log(s1 / s2) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5,
     "Sign error in the log term: it is log(sigma2 / sigma1), from -log sigma1 (in log p) minus "
     "-log sigma2 (in log q)."),
    (lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1 + (m1 - m2) ** 2) / (2 * s2) - 0.5,
     "Mixed up standard deviations and variances: the arguments are sigma1 and sigma2, so the "
     "quadratic term needs sigma1**2 and sigma2**2."),
    (lambda m1, s1, m2, s2: np.log(s2 / s1) + (m1 - m2) ** 2 / (2 * s2**2) - 0.5,
     "The spread of p is missing in the quadratic term: E_p[(x - mu2)^2] = sigma1^2 + (mu1 - mu2)^2."),
]


check_gaussian_kl = function_exercise(
    "gaussian_kl(mu1, sigma1, mu2, sigma2)", _gaussian_kl, _GAUSS_KL_CASES,
    title="KL divergence between two Gaussians", mistakes=_GAUSS_KL_MISTAKES,
    random_cases=_random_gauss_kl_case,
    doc="""Check ``gaussian_kl(mu1, sigma1, mu2, sigma2)``: D_KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) in nats.""")
