"""Grade a learner's function or value and explain what went wrong.

Chapter authors write one small ``check_*`` function per exercise, made of a
reference solution, a few test cases and the wrong answers they expect::

    from dlmath.exercises.checking import Case, checker, grade_function

    def _reference(w, grad, learning_rate):
        return w - learning_rate * grad

    @checker
    def check_gradient_step(step=...):
        "Check step(w, grad, learning_rate), one step of gradient descent."
        return grade_function(
            step, _reference,
            cases=[Case("a 2-vector", np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1)],
            signature="step(w, grad, learning_rate)",
            mistakes=[(lambda w, g, lr: w + lr * g, "You moved uphill: subtract the gradient.")],
            title="gradient step",
        )

``grade_function`` runs the learner's function on every case (on copies of
the arguments) and stops at the first failing case; ``grade_value`` compares
a single answer and never shows the expected value. Both recognise an
unattempted stub (``...``, ``None``, ``NotImplementedError``) and report it
calmly. The ``@checker`` decorator makes the check function itself
impossible to crash: a missing argument means "not attempted", extra
arguments or an internal error become feedback, never an exception.
"""

from __future__ import annotations

import copy
import functools
import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np

from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Feedback, clean_text, format_value
from .mistakes import close, generic_hint


@dataclass
class Case:
    """One test case: a short description and the arguments to call with.

    ``Case("a batch of 4 examples", X, y, w, b, batch_size=4)`` calls
    ``fn(X, y, w, b)``. ``batch_size`` lets the feedback name a factor of n.
    """

    label: str
    args: tuple = ()
    batch_size: int | None = None

    def __init__(self, label, *args, batch_size=None):
        self.label = label
        self.args = args
        self.batch_size = batch_size


def is_unattempted(value) -> bool:
    """True for what a stub leaves behind: ``...`` or ``None``."""
    return value is Ellipsis or value is None


def not_attempted(title, message=None) -> Feedback:
    return Feedback(NOT_ATTEMPTED, title,
                    message or "Not attempted yet: fill in the code above, run it, then run this check again.")


def _as_number_array(value):
    """Turn a learner's value into a float array, or return (None, reason)."""
    if isinstance(value, (str, bytes)):
        return None, f"a string ({clean_text(repr(value), 60)}), not a number or an array"
    if isinstance(value, dict) or callable(value):
        return None, f"a {type(value).__name__}, not a number or an array"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value)
    except Exception:  # ragged lists and other oddities
        return None, f"a {type(value).__name__} that NumPy cannot turn into an array"
    if array.dtype == object or array.dtype.kind not in "biuf":
        return None, f"a {type(value).__name__} of {array.dtype} values, not numbers"
    return array.astype(float), None


def _call(fn, args):
    """Call the learner's function on copies of args; return (result, error)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*copy.deepcopy(args)), None
        except NotImplementedError as error:
            return Ellipsis, error
        except Exception as error:  # the learner's code may raise anything
            return None, error


def _error_hint(error, signature):
    text = str(error)
    if isinstance(error, TypeError) and ("positional argument" in text or "argument" in text):
        return f"Your function should be callable as {signature}." if signature else None
    if isinstance(error, ValueError) and ("shape" in text or "broadcast" in text or "mismatch" in text):
        return ("Shapes do not fit: print the .shape of each array. A missing transpose (.T) or "
                "an array of shape (n, 1) where (n,) was meant are the usual causes.")
    if isinstance(error, (NameError, UnboundLocalError)):
        return "A name is not defined: did you run the cell that defines it, and spell it the same way?"
    return None


def grade_function(fn, reference, cases, *, title, signature=None, mistakes=(),
                   rtol=1e-6, atol=1e-9) -> Feedback:
    """Run ``fn`` and ``reference`` on every case and report the first difference.

    Parameters
    ----------
    fn : the learner's function (or ``...``/None when unattempted).
    reference : the correct function, called with the same arguments.
    cases : list of :class:`Case`.
    title : the exercise's name in the feedback.
    signature : how the learner's function is called, e.g. ``"step(w, grad, learning_rate)"``.
    mistakes : list of ``(wrong_function, hint)`` pairs; when the learner's result
        equals ``wrong_function``'s on a failing case, ``hint`` is shown. They
        are tried before the generic detectors (sign, transpose, factor n, ...).
    """
    if is_unattempted(fn):
        return not_attempted(title)
    if not callable(fn):
        return Feedback(INCORRECT, title,
                        f"This check expects a function, but received {format_value(fn)} "
                        f"(a {type(fn).__name__}).",
                        hint=f"Pass the function itself, without calling it: {signature}." if signature else None)
    results = []  # what the learner returned, to notice lists
    for number, case in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} ({case.label})"
        received, error = _call(fn, case.args)
        if received is Ellipsis and error is not None:
            return not_attempted(title)
        if error is not None:
            return Feedback(INCORRECT, title,
                            f"{where}: your function raised {type(error).__name__}: {clean_text(error)}",
                            hint=_same_error(error, case.args, mistakes) or _error_hint(error, signature))
        if received is None or received is Ellipsis:
            if received is None and _mutates_inputs(fn, case.args):
                return Feedback(INCORRECT, title, f"{where}: your function changed its input in place "
                                "but returned None: add `return` with the result.")
            return not_attempted(title, "Not attempted yet: your function returns nothing. Fill it in "
                                 "(or add the missing `return`), then run this check again.")
        results.append(received)
        expected = np.asarray(reference(*copy.deepcopy(case.args)), dtype=float)
        array, reason = _as_number_array(received)
        if array is None:
            return Feedback(INCORRECT, title, f"{where}: your function returned {reason}.",
                            details=[("expected", format_value(expected))],
                            hint="Return a NumPy array (or a number) computed from the arguments.")
        if close(array, expected, rtol, atol):
            continue
        hint = _known_mistake(array, case.args, mistakes, rtol, atol)
        hint = hint or generic_hint(array, expected, case.batch_size, reveal=True)
        return Feedback(INCORRECT, title, f"{where}: the result differs from the expected one.",
                        details=[("expected", format_value(expected)), ("received", format_value(array))],
                        hint=hint)
    note = ""
    if any(isinstance(r, list) for r in results):
        note = " (Your function returns a list; a NumPy array is the usual choice.)"
    return Feedback(CORRECT, title, f"All {len(cases)} cases pass. Well done!{note}")


def _mutates_inputs(fn, args):
    copies = copy.deepcopy(args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fn(*copies)
        except Exception:
            return False
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray) and not close(before, after, 0, 0, equal_nan=True):
            return True
    return False


def _same_error(error, args, mistakes):
    """The hint of a known wrong answer that raises the same error as the learner's code."""
    for wrong, hint in mistakes:
        if callable(wrong):
            _, other = _call(wrong, args)
            if type(other) is type(error) and str(other) == str(error):
                return hint
    return None


def _known_mistake(received, args, mistakes, rtol, atol):
    for wrong, hint in mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                candidate = wrong(*copy.deepcopy(args)) if callable(wrong) else wrong
            except Exception:
                continue
        if close(received, candidate, rtol, atol, equal_nan=True):
            return hint
    return None


def grade_value(value, expected, *, title, mistakes=(), batch_size=None, rtol=1e-4, atol=1e-9) -> Feedback:
    """Compare a value the learner computed with the expected one, without revealing it.

    ``mistakes`` is a list of ``(wrong_value, hint)`` pairs. The expected value
    is never printed; the received one is.
    """
    if is_unattempted(value):
        return not_attempted(title)
    array, reason = _as_number_array(value)
    if array is None:
        return Feedback(INCORRECT, title, f"This check expects a number or an array, but received {reason}.")
    expected = np.asarray(expected, dtype=float)
    if close(array, expected, rtol, atol):
        return Feedback(CORRECT, title, "That is right. Well done!")
    hint = _known_mistake(array, (), mistakes, rtol, atol)
    hint = hint or generic_hint(array, expected, batch_size, reveal=False)
    return Feedback(INCORRECT, title, "Not quite: this is not the expected value.",
                    details=[("received", format_value(array))], hint=hint)


def checker(check):
    """Make a ``check_*`` function crash-proof for learners.

    The decorated function keeps its name, signature and docstring. Called
    with no argument it reports "not attempted" (give every parameter the
    default ``...``); called with too many arguments, or if it fails
    internally, it returns an explanatory Feedback instead of raising.
    """
    signature = inspect.signature(check)
    usage = f"{check.__name__}({', '.join(signature.parameters)})"
    title = check.__name__.removeprefix("check_").replace("_", " ")

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            return Feedback(INCORRECT, title, f"Call it as {usage}: {clean_text(error)}.")
        try:
            result = check(*args, **kwargs)
        except Exception as error:  # a bug in the checker must not stop the lesson
            return Feedback(INCORRECT, title, "The checker could not finish: "
                            f"{type(error).__name__}: {clean_text(error)}. Please report this.")
        if not isinstance(result, Feedback):
            return Feedback(INCORRECT, title, "The checker returned no feedback. Please report this.")
        return result

    wrapper.is_checker = True
    return wrapper
