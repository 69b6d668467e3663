"""Checkers for the lesson "Deep learning in practice".

* ``check_train_val_split(split)``: ``split(n, val_fraction, test_fraction, seed)``
  returns ``(train, val, test)``, three disjoint shuffled index arrays that
  cover ``range(n)``, with ``int(n * val_fraction)`` validation and
  ``int(n * test_fraction)`` test indices, the same for the same seed.
* ``check_weight_decay_gradient(weight_decay_gradient)``:
  ``weight_decay_gradient(grad_loss, W, weight_decay)`` returns the gradient
  of ``L(W) + weight_decay * sum(W ** 2)`` given ``grad_loss = dL/dW``.
* ``check_early_stopping_epoch(early_stopping_epoch)``:
  ``early_stopping_epoch(val_losses, patience)`` returns the epoch whose
  parameters early stopping keeps: training stops as soon as the validation
  loss has not improved (strictly) for ``patience`` epochs in a row, and the
  best epoch seen until then is returned.
* ``check_stratified_folds(stratified_folds)``: ``stratified_folds(y, k, seed)``
  returns k disjoint folds covering every example, with floor or ceil of
  n_c / k examples of each class c in every fold, fold sizes within one of
  each other, shuffled reproducibly from the seed (a property check: any
  such folds pass, not only ``dlmath.course.in_practice.stratified_folds``).
* ``check_batch_norm_backward(batch_norm_backward)``:
  ``batch_norm_backward(dY, X, gamma, eps)`` returns ``(dX, dgamma, dbeta)``,
  compared with the gradients of ``dm.batch_norm``.
"""

import numpy as np

import dlmath as dm

from .checking import (RANDOM_CASES, TIME_LIMIT, Case, Problem, function_checker, function_exercise,
                       not_attempted, numeric_parts, one_slip_each, partial_answer, random_generator,
                       returns_nothing, run_learner, timeout_feedback)
from .feedback import CORRECT, INCORRECT, Feedback, clean_text, format_value

# --- the train / validation / test split --------------------------------------

_SPLIT_TITLE = "train val split"
_SPLIT_SIGNATURE = "split(n, val_fraction, test_fraction, seed)"
_SPLIT_CASES = [(100, 0.2, 0.2, 0), (103, 0.15, 0.25, 1), (10, 0.3, 0.3, 7), (300, 0.4, 0.4, 3),
                (50, 0.0, 0.5, 2)]


def _random_split_args(rng):
    """n from 10 (so that a shuffle is never the identity by luck) to 500, fractions summing to <= 1."""
    n = int(rng.integers(10, 501))
    val = float(rng.choice([0.0, 0.1, 0.15, 0.2, 0.25, 0.3]))
    test = float(rng.choice([0.0, 0.1, 0.2, 0.25, 0.3]))
    return (n, val, test, int(rng.integers(0, 1000)))


def _call(fn, *args):
    """(result, error) of the learner's function, with the time limit; (Ellipsis, error) for a stub."""
    outcome = run_learner(fn, args)
    if outcome.stub:
        return Ellipsis, outcome.error
    if outcome.timed_out:
        return None, TimeoutError(f"did not finish within {TIME_LIMIT:g} seconds: look for a loop "
                                  "that never ends")
    if outcome.value is None and outcome.error is None and outcome.printed.strip():
        return None, _Printed(outcome.printed)
    return outcome.value, outcome.error


class _Printed(Exception):
    """Not raised: marks a function that printed its result instead of returning it."""


def _result_or_feedback(fn, args, title, where, signature):
    """(result, None) when the learner's function returned a result; else (None, the Feedback that
    says why not: not attempted, printed instead of returned, too slow, or raised)."""
    result, error = _call(fn, *args)
    if result is Ellipsis or (result is None and error is None):
        return None, not_attempted(title)
    if isinstance(error, _Printed):
        return None, returns_nothing(title, str(error))
    if isinstance(error, TimeoutError):
        return None, timeout_feedback(title, where)
    if error is not None:
        hint = None
        if isinstance(error, TypeError) and "argument" in str(error):
            hint = f"Your function should be callable as {signature}."
        return None, Feedback(INCORRECT, title,
                              f"{where}: your function raised {type(error).__name__}: {clean_text(error)}",
                              hint=hint)
    return result, None


def _index_array(part):
    """``part`` as a 1-D array of integer indices, or None if it is not one."""
    array = np.asarray(part)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        return None
    return array.astype(np.int64)


def _as_index_arrays(result):
    """(train, val, test) as integer arrays, or (None, problem text)."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return None, (f"your function returned {clean_text(repr(result), 80)}; it should return three "
                      "index arrays: return train, val, test")
    parts = []
    for name, part in zip(("train", "val", "test"), result):
        parts.append(_index_array(part))
        if parts[-1] is None:
            return None, (f"the {name} part is {format_value(part)}, not a 1-D array of integer "
                          "indices; return positions into range(n), e.g. from rng.permutation(n)")
    return parts, None


def _split_problem(parts, n, val_fraction, test_fraction):
    """(message, hint) for the first property the split breaks, or None."""
    train, val, test = parts
    everything = np.concatenate(parts)
    if everything.size and (everything.min() < 0 or everything.max() >= n):
        return ("some indices are outside range(n)",
                "Indices must be positions 0, 1, ..., n - 1 of the examples.")
    for name, part in zip(("train", "val", "test"), parts):
        if len(np.unique(part)) != len(part):
            return (f"the {name} set contains the same example twice",
                    "Draw one permutation of range(n) (rng.permutation(n)) and cut it into pieces: "
                    "each index then appears exactly once.")
    if len(np.unique(everything)) != len(everything):
        return ("an example is in two of the sets",
                "The sets must be disjoint: an example seen in training makes the validation score "
                "flattering. Draw one permutation and cut it, instead of sampling each set separately.")
    if len(everything) != n:
        return (f"the three sets hold {len(everything)} of the {n} examples",
                "Every example should land in exactly one set; the training set takes what is left "
                "after the validation and test sets.")
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    if (len(val), len(test)) != (n_val, n_test):
        hint = (f"Use n_val = int(n * val_fraction) = {n_val} and n_test = int(n * test_fraction) = "
                f"{n_test}; the training set gets the rest.")
        if (len(train), len(val)) == (n_val, n_test) or len(train) in (n_val, n_test):
            hint = "The order of the returned sets is (train, val, test). " + hint
        return (f"the sizes are train {len(train)}, val {len(val)}, test {len(test)}", hint)
    if np.array_equal(everything, np.arange(n)):
        return ("the sets are consecutive blocks of range(n), in order",
                "Shuffle before cutting: datasets often come sorted (by class, by date), and cutting "
                "a sorted list gives sets that do not look alike. Use rng.permutation(n).")
    return None


@function_checker(_SPLIT_TITLE, _SPLIT_SIGNATURE, name_type=False)
def check_train_val_split(split=...):
    """Check ``split(n, val_fraction, test_fraction, seed)``: three disjoint, shuffled index arrays."""
    first = {}
    rng = random_generator(_SPLIT_TITLE)
    cases = _SPLIT_CASES + [_random_split_args(rng) for _ in range(RANDOM_CASES)]
    for number, args in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} ({_SPLIT_SIGNATURE.split('(')[0]}{args})"
        result, failed = _result_or_feedback(split, args, _SPLIT_TITLE, where, _SPLIT_SIGNATURE)
        if failed is not None:
            return failed
        partial = partial_answer(_SPLIT_TITLE, result, ("train", "val", "test"))
        if partial is not None:
            return partial
        parts, problem = _as_index_arrays(result)
        if parts is None:
            return Feedback(INCORRECT, _SPLIT_TITLE, f"{where}: {problem}.")
        found = _split_problem(parts, *args[:3])
        if found:
            message, hint = found
            return Feedback(INCORRECT, _SPLIT_TITLE, f"{where}: {message}.", hint=hint)
        first[args] = parts
    again, _ = _call(split, *_SPLIT_CASES[0])
    parts, _ = _as_index_arrays(again) if again not in (None, Ellipsis) else (None, None)
    if parts is None or not all(np.array_equal(a, b) for a, b in zip(parts, first[_SPLIT_CASES[0]])):
        return Feedback(INCORRECT, _SPLIT_TITLE,
                        "Two calls with the same seed gave different splits.",
                        hint="Make the split reproducible: draw from rng = np.random.default_rng(seed), "
                             "not from np.random's global generator.")
    n, val_fraction, test_fraction, seed = _SPLIT_CASES[0]
    other, _ = _call(split, n, val_fraction, test_fraction, seed + 1)
    other_parts, _ = _as_index_arrays(other) if other not in (None, Ellipsis) else (None, None)
    if other_parts is not None and all(np.array_equal(a, b) for a, b in zip(other_parts, first[_SPLIT_CASES[0]])):
        return Feedback(INCORRECT, _SPLIT_TITLE,
                        "Different seeds gave the same split.",
                        hint="Use the seed argument: rng = np.random.default_rng(seed).")
    return Feedback(CORRECT, _SPLIT_TITLE,
                    f"All {len(cases)} splits are disjoint, complete, shuffled, of the right "
                    "sizes, and reproducible from their seed. Well done!")


# --- the gradient of weight decay ----------------------------------------------


def _decay_gradient(grad_loss, W, weight_decay):
    return grad_loss + 2 * weight_decay * W


def _decay_case(label, shape, weight_decay, seed):
    rng = np.random.default_rng(seed)
    return Case(label, np.round(rng.normal(size=shape), 2), np.round(rng.normal(size=shape), 2), weight_decay)


_DECAY_CASES = [
    _decay_case("a 2x3 weight matrix, weight decay 0.1", (2, 3), 0.1, 0),
    _decay_case("a 4x2 weight matrix, weight decay 0.01", (4, 2), 0.01, 1),
    _decay_case("a vector of 5 weights, weight decay 0.5", (5,), 0.5, 2),
    _decay_case("no weight decay (0): the gradient of the loss alone", (3,), 0.0, 3),
    _decay_case("a single weight", (1,), 0.1, 4),
]


def _random_decay_case(rng):
    shape = tuple(int(k) for k in rng.integers(1, 7, size=rng.integers(1, 3)))
    lam = float(rng.choice([0.0, 1e-4, 0.01, 0.1, 1.0]))
    return _decay_case(f"W of shape {shape}, weight decay {lam:g}", shape, lam, int(rng.integers(2**31)))

_DECAY_MISTAKES = [
    (lambda g, W, lam: g + lam * W,
     "The factor 2 is missing: the derivative of lambda * w**2 is 2 * lambda * w."),
    (lambda g, W, lam: g - 2 * lam * W,
     "Sign error: the penalty grows with |w|, so its gradient 2 * lambda * W points away from zero "
     "and is added to dL/dW."),
    (lambda g, W, lam: 2 * lam * W,
     "You returned only the penalty's gradient: add it to the gradient of the loss, grad_loss."),
    (lambda g, W, lam: g + 2 * lam * np.sum(W ** 2),
     "Differentiate the penalty entry by entry: d/dW_ij of lambda * sum(W**2) is 2 * lambda * W_ij, "
     "an array shaped like W, not a number."),
    (lambda g, W, lam: g + lam * np.sum(W ** 2),
     "You added the penalty itself, not its gradient: d/dW_ij of lambda * sum(W**2) is 2 * lambda * W_ij."),
    (lambda g, W, lam: (1 - 2 * lam) * W - g,
     "That looks like an update step. Return the gradient only: grad_loss + 2 * weight_decay * W."),
    (lambda g, W, lam: g + 2 * lam ** 2 * W,
     "lambda appears once in the penalty lambda * sum(W**2): it is not squared."),
]


check_weight_decay_gradient = function_exercise(
    "weight_decay_gradient(grad_loss, W, weight_decay)", _decay_gradient, _DECAY_CASES,
    title="weight decay gradient", mistakes=_DECAY_MISTAKES, random_cases=_random_decay_case,
    doc="""Check ``weight_decay_gradient(grad_loss, W, weight_decay)``: the gradient of L + lambda * sum(W**2).""")


# --- early stopping --------------------------------------------------------------


def _early_stopping_epoch(val_losses, patience, *, ties_improve=False, stop_epoch=False):
    """The epoch whose parameters early stopping keeps; a flag switches on one slip (the mistakes below):
    ``ties_improve`` counts a tie with the best loss as an improvement, ``stop_epoch`` returns the
    epoch at which training stops instead of the best one."""
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best or (ties_improve and value == best):
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch if stop_epoch else best_epoch
    return len(val_losses) - 1 if stop_epoch else best_epoch


_STOP_CASES = [
    Case("a dip at epoch 3, patience 2",
         np.array([1.0, 0.8, 0.7, 0.65, 0.66, 0.7, 0.6, 0.62, 0.64, 0.66, 0.5]), 2),
    Case("a plateau then a lower dip, patience 3",
         np.array([0.9, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.85, 0.4]), 3),
    Case("a tie with the best value, patience 3",
         np.array([0.5, 0.4, 0.45, 0.4, 0.45, 0.5, 0.55, 0.3]), 3),
    Case("no stop before the end, patience 5",
         np.array([0.9, 0.8, 0.85, 0.7, 0.75, 0.72]), 5),
    Case("a single epoch, patience 1", np.array([0.5]), 1),
    Case("a flat curve (every later epoch ties the first), patience 1", np.array([0.3, 0.3, 0.3, 0.3]), 1),
]


def _random_stop_case(rng):
    """Losses on a coarse grid, so that ties with the best value are common."""
    n, patience = int(rng.integers(1, 16)), int(rng.integers(1, 5))
    losses = np.round(1.0 - 0.05 * np.cumsum(rng.integers(-2, 3, size=n)), 2)
    return Case(f"{n} epoch(s), patience {patience}", losses, patience)

_STOP_MISTAKES = [
    (lambda v, p: int(np.argmin(v)),
     "You picked the lowest loss of the whole list, including epochs after training would have "
     "stopped: early stopping cannot see the future. Walk through the epochs in order and stop once "
     "patience epochs in a row brought no improvement."),
    (lambda v, p: _early_stopping_epoch(v, p, stop_epoch=True),
     "That is the epoch at which training stops; return the best epoch seen until then, whose "
     "parameters early stopping keeps."),
    (lambda v, p: _early_stopping_epoch(v, p + 1),  # waits one epoch too many (waited > patience)
     "You stop one epoch too late: stop as soon as the number of epochs without improvement reaches "
     "patience (>=, not >)."),
    (lambda v, p: _early_stopping_epoch(v, p, ties_improve=True),
     "A loss equal to the best so far is not an improvement: use a strict < when comparing."),
    (lambda v, p: int(np.argmax(v)),
     "That is the highest validation loss: early stopping looks for the lowest."),
    (lambda v, p: _early_stopping_epoch(v, p) + 1,
     "Off by one: epochs are counted from 0, the index of the value in val_losses."),
]


check_early_stopping_epoch = function_exercise(
    "early_stopping_epoch(val_losses, patience)", _early_stopping_epoch, _STOP_CASES,
    title="early stopping epoch", mistakes=_STOP_MISTAKES, random_cases=_random_stop_case, exact=True,
    doc="""Check ``early_stopping_epoch(val_losses, patience)``: the epoch whose parameters early stopping keeps.""")


# --- stratified k-fold indices ----------------------------------------------------------

_FOLDS_TITLE = "stratified folds"
_FOLDS_SIGNATURE = "stratified_folds(y, k, seed)"


def _labels(counts, seed):
    """Labels with ``counts[c]`` examples of class c, in a seeded random order."""
    y = np.repeat(np.arange(len(counts)), counts)
    return np.random.default_rng(seed).permutation(y)


_FOLDS_CASES = [
    (np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]), 2, 0),
    (np.repeat([0, 1], [18, 6]), 3, 1),                       # sorted by class, imbalanced
    (_labels([5, 5, 5], 2), 4, 2),                             # three classes, remainders everywhere
    (_labels([27, 3], 3), 5, 3),                               # a rare class: fewer members than folds
    (np.array([2, 7, 2, 7, 7, 2, 7, 7]), 2, 4),                # labels that are not 0, 1, ...
    (_labels([40, 20], 5), 10, 5),
]


def _random_folds_args(rng):
    """2 or 3 classes of 1 to 30 examples each, k from 2 to min(n, 8)."""
    counts = rng.integers(1, 31, size=int(rng.integers(2, 4)))
    k = int(rng.integers(2, min(counts.sum(), 8) + 1))
    return (_labels(counts, int(rng.integers(1000))), k, int(rng.integers(1000)))


def _as_folds(result, k):
    """The folds as a list of integer arrays, or (None, problem text)."""
    if isinstance(result, np.ndarray) and (result.ndim == 2 or (result.ndim == 1 and result.dtype == object)):
        result = list(result)             # folds of equal size stacked as rows, or an object array of folds
    if not isinstance(result, (tuple, list)) or (len(result) and np.ndim(result[0]) == 0):
        return None, (f"your function returned {clean_text(repr(result), 80)}; it should return a list "
                      f"of k = {k} index arrays, one per fold")
    if len(result) != k:
        return None, (f"your function returned {len(result)} folds; it should return k = {k}, one "
                      "index array per fold")
    folds = []
    for number, fold in enumerate(result):
        folds.append(_index_array(fold))
        if folds[-1] is None:
            return None, (f"fold {number} is {format_value(fold)}, not a 1-D array of integer indices "
                          "(positions into y, not the labels themselves)")
    return folds, None


def _folds_problem(folds, y, k):
    """(message, hint) for the first property the folds break, or None."""
    n = len(y)
    everything = np.concatenate(folds)
    if everything.size and (everything.min() < 0 or everything.max() >= n):
        return ("some indices are outside range(len(y))",
                "Return positions 0, 1, ..., len(y) - 1 of the examples, e.g. from np.flatnonzero(y == c).")
    if len(np.unique(everything)) != len(everything):
        return ("an example is in two folds (or twice in one)",
                "Each example must be validated exactly once: deal every shuffled index to one fold only.")
    if len(everything) != n:
        return (f"the folds hold {len(everything)} of the {n} examples",
                "Every example must land in exactly one fold: deal out all of them.")
    for label in np.unique(y):
        n_c = int((y == label).sum())
        counts = [int((y[fold] == label).sum()) for fold in folds]
        if min(counts) < n_c // k or max(counts) > -(-n_c // k):
            return (f"class {label} has {n_c} examples, but the folds hold {counts} of them; each fold "
                    f"should hold {n_c // k} or {-(-n_c // k)}",
                    "Stratify: split the indices of each class separately (np.flatnonzero(y == c)), "
                    "shuffle them, and deal them out to the folds in turn (fold 0, 1, ..., k - 1, 0, ...).")
    sizes = [len(fold) for fold in folds]
    if max(sizes) - min(sizes) > 1:
        return (f"the folds have sizes {sizes}, which differ by more than one",
                "Every class's leftover examples went to the first folds. Continue dealing where the "
                "previous class stopped: concatenate the shuffled indices of all classes into one list "
                "and deal that list out, order[fold::k].")
    return None


def _unshuffled(y, k):
    """The stratified folds dealt from the classes in their original order (a typical slip)."""
    order = np.concatenate([np.flatnonzero(y == label) for label in np.unique(y)])
    return [np.sort(order[fold::k]) for fold in range(k)]


@function_checker(_FOLDS_TITLE, _FOLDS_SIGNATURE, name_type=False)
def check_stratified_folds(stratified_folds=...):
    """Check ``stratified_folds(y, k, seed)``: k disjoint folds covering every example once, each class
    spread as evenly as possible (floor or ceil of n_c / k per fold), fold sizes within one, shuffled
    with ``default_rng(seed)`` and reproducible."""
    rng = random_generator(_FOLDS_TITLE)
    cases = _FOLDS_CASES + [_random_folds_args(rng) for _ in range(RANDOM_CASES)]
    found = []
    for number, (y, k, seed) in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} (y = {format_value(y)}, k = {k}, seed = {seed})"
        result, failed = _result_or_feedback(stratified_folds, (y.copy(), k, seed), _FOLDS_TITLE, where,
                                             _FOLDS_SIGNATURE)
        if failed is not None:
            return failed
        folds, problem = _as_folds(result, k)
        if folds is None:
            return Feedback(INCORRECT, _FOLDS_TITLE, f"{where}: {problem}.")
        found_problem = _folds_problem(folds, y, k)
        if found_problem:
            message, hint = found_problem
            return Feedback(INCORRECT, _FOLDS_TITLE, f"{where}: {message}.", hint=hint)
        found.append([np.sort(fold) for fold in folds])
    same = lambda a, b: all(np.array_equal(np.sort(f), np.sort(g)) for f, g in zip(a, b))
    y, k, seed = _FOLDS_CASES[5]
    again, _ = _call(stratified_folds, y.copy(), k, seed)
    again, _ = _as_folds(again, k) if again is not None and again is not Ellipsis else (None, None)
    if again is None or not same(again, found[5]):
        return Feedback(INCORRECT, _FOLDS_TITLE, "Two calls with the same seed gave different folds.",
                        hint="Make the folds reproducible: draw from rng = np.random.default_rng(seed), "
                             "not from np.random's global generator.")
    if same(found[5], _unshuffled(y, k)):
        return Feedback(INCORRECT, _FOLDS_TITLE,
                        "The folds are dealt from each class in its original order: nothing was shuffled.",
                        hint="Shuffle the indices of each class (rng.permutation) before dealing them out: "
                             "data often arrive sorted (by date, by patient), and unshuffled folds then "
                             "differ from one another.")
    other, _ = _call(stratified_folds, y.copy(), k, seed + 1)
    other, _ = _as_folds(other, k) if other is not None and other is not Ellipsis else (None, None)
    if other is not None and same(other, found[5]):
        return Feedback(INCORRECT, _FOLDS_TITLE, "Different seeds gave the same folds.",
                        hint="Use the seed argument: rng = np.random.default_rng(seed).")
    return Feedback(CORRECT, _FOLDS_TITLE,
                    f"All {len(cases)} cases give disjoint folds that cover every example once, keep "
                    "every class's share in every fold, have sizes within one of each other, and are "
                    "shuffled reproducibly. Well done!")


# --- the backward pass of batch normalisation -----------------------------------------------


def _batch_norm_gradients(dY, X, gamma, eps):
    """(dX, dgamma, dbeta) of loss = sum(dY * batch_norm(X, gamma, beta)), from dlmath's op, flattened."""
    graph = dm.Graph()
    with graph.as_default():
        X_in = dm.placeholder(name="X")
        gamma_in, beta_in = dm.placeholder(name="gamma"), dm.placeholder(name="beta")
        loss = dm.reduce_sum(dm.batch_norm(X_in, gamma_in, beta_in, eps=eps) * dY)
        grads = dm.gradients(loss, [X_in, gamma_in, beta_in],
                             {X_in: X, gamma_in: gamma, beta_in: np.zeros_like(gamma)})
    return np.concatenate([np.ravel(g) for g in grads])


def _bn_case(label, n, d, eps, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    X = np.round(offset + 2 * rng.standard_normal((n, d)), 2)
    return Case(label, np.round(rng.standard_normal((n, d)), 2), X,
                np.round(rng.uniform(0.5, 2.0, d) * rng.choice([-1, 1], d), 2), eps)


_BN_CASES = [
    _bn_case("a batch of 4 examples with 3 features, eps 1e-5", 4, 3, 1e-5, 0),
    _bn_case("a batch of 2 examples with 1 feature, eps 0.1", 2, 1, 0.1, 1),
    _bn_case("8 examples, 2 features far from 0 (mean about 5), eps 0.5", 8, 2, 0.5, 2, offset=5.0),
    _bn_case("6 examples, 4 features, eps 1e-5", 6, 4, 1e-5, 3),
]


def _random_bn_case(rng):
    n, d = int(rng.integers(2, 9)), int(rng.integers(1, 5))
    eps = float(rng.choice([1e-5, 1e-3, 0.1, 1.0]))
    return _bn_case(f"{n} examples, {d} feature(s), eps {eps:g}", n, d, eps, int(rng.integers(2**31)),
                    offset=float(rng.choice([0.0, 3.0])))


def _bn_parts(result):
    """The triple (dX, dgamma, dbeta) as one flat array, or a Problem."""
    parts = numeric_parts(result, 3, ("the three parts of your result are not arrays of numbers.",
                                      "Return the three gradients: return dX, dgamma, dbeta."),
                          "the triple (dX, dgamma, dbeta).",
                          "Return the gradients for X, gamma and beta as a tuple: return dX, dgamma, dbeta.")
    return parts if isinstance(parts, Problem) else np.concatenate([np.ravel(part) for part in parts])


def _bn_variant(*, constant_statistics=False, no_mean_path=False, no_variance_path=False, unbiased=False,
                no_eps=False, swap=False, no_gamma=False):
    """The batch-norm backward with one of the usual slips, for the hints."""
    mean_path = not (no_mean_path or constant_statistics)
    variance_path = not (no_variance_path or constant_statistics)
    ddof, eps_used = (1 if unbiased else 0), not no_eps

    def backward(dY, X, gamma, eps):
        n = len(X)
        centred = X - X.mean(axis=0)
        sigma = np.sqrt(centred.var(axis=0) * n / (n - ddof) + (eps if eps_used else 0.0))
        x_hat = centred / sigma
        inner = n * dY - (dY.sum(axis=0) if mean_path else 0) \
            - (x_hat * (dY * x_hat).sum(axis=0) if variance_path else 0)
        dX = (1.0 if no_gamma else gamma) / sigma / n * inner
        dgamma, dbeta = (dY * x_hat).sum(axis=0), dY.sum(axis=0)
        return (dX, dbeta, dgamma) if swap else (dX, dgamma, dbeta)
    return backward


_BN_MISTAKES = one_slip_each(
    _bn_variant,
    constant_statistics="You treated the mean and sigma as constants: dX = gamma / sigma * dY is only the "
                        "direct path. Every X_i also moves the mean and the variance, which every output "
                        "depends on: subtract the batch mean of dY and Xhat times the batch mean of dY * "
                        "Xhat.",
    no_mean_path="The path through the mean is missing: subtract sum(dY) over the batch (inside the bracket "
                 "N dY - sum dY - Xhat sum(dY Xhat)).",
    no_variance_path="The path through the variance is missing: subtract Xhat * sum(dY * Xhat) over the "
                     "batch.",
    unbiased="Batch normalisation divides by N in the variance (X.var(axis=0), the biased estimate), not by "
             "N - 1.",
    no_eps="sigma includes eps: sigma = sqrt(var + eps), in the backward pass as in the forward.",
    swap="dgamma and dbeta are swapped: dbeta = sum(dY) (beta is added), dgamma = sum(dY * Xhat).",
    no_gamma="gamma scales Xhat, so it also scales dX: multiply by gamma / sigma.",
)


check_batch_norm_backward = function_exercise(
    "batch_norm_backward(dY, X, gamma, eps)", _batch_norm_gradients, _BN_CASES,
    title="batch norm backward", mistakes=_BN_MISTAKES, random_cases=_random_bn_case, rtol=1e-6, atol=1e-9,
    unpack=_bn_parts, part_names=("dX", "dgamma", "dbeta"),
    doc="""Check ``batch_norm_backward(dY, X, gamma, eps)`` -> ``(dX, dgamma, dbeta)`` against the
    gradients of ``dm.batch_norm`` (training mode, statistics over axis 0).""")
