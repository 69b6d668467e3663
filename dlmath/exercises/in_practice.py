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
"""

import numpy as np

from .checking import (RANDOM_CASES, TIME_LIMIT, Case, checker, function_problem, grade_function, not_attempted,
                       partial_answer, random_generator, returns_nothing, run_learner,
                       timeout_feedback)
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


def _as_index_arrays(result):
    """(train, val, test) as integer arrays, or (None, problem text)."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return None, (f"your function returned {clean_text(repr(result), 80)}; it should return three "
                      "index arrays: return train, val, test")
    parts = []
    for name, part in zip(("train", "val", "test"), result):
        array = np.asarray(part)
        if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
            return None, (f"the {name} part is {format_value(part)}, not a 1-D array of integer "
                          "indices; return positions into range(n), e.g. from rng.permutation(n)")
        parts.append(array.astype(np.int64))
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


@checker
def check_train_val_split(split=...):
    """Check ``split(n, val_fraction, test_fraction, seed)``: three disjoint, shuffled index arrays."""
    problem = function_problem(split, _SPLIT_TITLE, _SPLIT_SIGNATURE, name_type=False)
    if problem is not None:
        return problem
    first = {}
    rng = random_generator(_SPLIT_TITLE)
    cases = _SPLIT_CASES + [_random_split_args(rng) for _ in range(RANDOM_CASES)]
    for number, args in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} ({_SPLIT_SIGNATURE.split('(')[0]}{args})"
        result, error = _call(split, *args)
        if result is Ellipsis or (result is None and error is None):
            return not_attempted(_SPLIT_TITLE)
        if isinstance(error, _Printed):
            return returns_nothing(_SPLIT_TITLE, str(error))
        partial = partial_answer(_SPLIT_TITLE, result, ("train", "val", "test"))
        if partial is not None:
            return partial
        if isinstance(error, TimeoutError):
            return timeout_feedback(_SPLIT_TITLE, where)
        if error is not None:
            hint = None
            if isinstance(error, TypeError) and "argument" in str(error):
                hint = f"Your function should be callable as {_SPLIT_SIGNATURE}."
            return Feedback(INCORRECT, _SPLIT_TITLE,
                            f"{where}: your function raised {type(error).__name__}: {clean_text(error)}",
                            hint=hint)
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


@checker
def check_weight_decay_gradient(weight_decay_gradient=...):
    """Check ``weight_decay_gradient(grad_loss, W, weight_decay)``: the gradient of L + lambda * sum(W**2)."""
    return grade_function(weight_decay_gradient, _decay_gradient, _DECAY_CASES,
                          title="weight decay gradient",
                          signature="weight_decay_gradient(grad_loss, W, weight_decay)",
                          mistakes=_DECAY_MISTAKES, random_cases=_random_decay_case)


# --- early stopping --------------------------------------------------------------


def _early_stopping_epoch(val_losses, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch


def _stop_epoch(val_losses, patience):
    """The epoch at which training stops (a typical wrong answer)."""
    best, waited = np.inf, 0
    for epoch, value in enumerate(val_losses):
        if value < best:
            best, waited = value, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return len(val_losses) - 1


def _late_stop(val_losses, patience):
    """Waits one epoch too many before stopping (waited > patience)."""
    return _early_stopping_epoch(val_losses, patience + 1)


def _ties_improve(val_losses, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if value <= best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch


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
    (_stop_epoch,
     "That is the epoch at which training stops; return the best epoch seen until then, whose "
     "parameters early stopping keeps."),
    (_late_stop,
     "You stop one epoch too late: stop as soon as the number of epochs without improvement reaches "
     "patience (>=, not >)."),
    (_ties_improve,
     "A loss equal to the best so far is not an improvement: use a strict < when comparing."),
    (lambda v, p: int(np.argmax(v)),
     "That is the highest validation loss: early stopping looks for the lowest."),
    (lambda v, p: _early_stopping_epoch(v, p) + 1,
     "Off by one: epochs are counted from 0, the index of the value in val_losses."),
]


@checker
def check_early_stopping_epoch(early_stopping_epoch=...):
    """Check ``early_stopping_epoch(val_losses, patience)``: the epoch whose parameters early stopping keeps."""
    return grade_function(early_stopping_epoch, _early_stopping_epoch, _STOP_CASES,
                          title="early stopping epoch",
                          signature="early_stopping_epoch(val_losses, patience)",
                          mistakes=_STOP_MISTAKES, random_cases=_random_stop_case, exact=True)
