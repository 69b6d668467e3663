"""Grade a learner's function or value and explain what went wrong.

Chapter authors declare one ``check_*`` function per exercise, made of a
reference solution, a few test cases and the wrong answers they expect::

    from dlmath.exercises.checking import Case, function_exercise

    def _reference(w, grad, learning_rate):
        return w - learning_rate * grad

    def _random_step(rng):
        shape = tuple(rng.integers(1, 5, size=rng.integers(1, 3)))
        return Case(f"w of shape {shape}", rng.normal(size=shape), rng.normal(size=shape), 0.1)

    check_gradient_step = function_exercise(
        "step(w, grad, learning_rate)", _reference,
        [Case("a 2-vector", np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1)],
        title="gradient step", name="check_gradient_step", random_cases=_random_step,
        mistakes=[(lambda w, g, lr: w + lr * g, "You moved uphill: subtract the gradient.")],
        forbid_mutation=True, doc="Check step(w, grad, learning_rate), one step of gradient descent.")

``grade_function`` runs the learner's function on every fixed case (the edge
cases of the maths, with readable labels), then on ``RANDOM_CASES`` seeded
random cases drawn from the exercise's domain, and stops at the first failing
case. Every call of learner code goes through :func:`run_learner`: on copies
of the arguments, with ``print`` output captured, warnings silenced and a time
limit (``TIME_LIMIT`` seconds). ``grade_value`` compares a single answer at
the tolerance the exercise's text states (``digits`` significant digits, an
absolute ``atol``, or ``integer=True`` for exact whole numbers) and never shows
the expected value. Both recognise an unattempted stub (``...``, ``None``,
``NotImplementedError``) and report it calmly; a partial answer, or a function
that prints its result instead of returning it, gets its own message.

The ``@checker`` decorator (``function_exercise`` applies it) makes the check function itself impossible to
crash: a missing argument means "not attempted", extra arguments or an internal
error become feedback, never an exception. It also records each result for the
lesson's :func:`dlmath.exercises.summary.show_results`. Tests set ``STRICT``
(see :func:`strict`) so that an internal error raises instead, and a checker
bug cannot hide behind a polite "incorrect".
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import io
import numbers
import re
import signal
import sys
import threading
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Feedback, clean_text, format_value
from .mistakes import close, generic_hint

#: Seconds a learner's function may run on one case before it is stopped.
TIME_LIMIT = 5.0
#: Seeded random cases each function checker tries per call, after its fixed cases.
RANDOM_CASES = 25
#: When True, an internal error of a checker raises (tests); learners get feedback instead.
STRICT = False

_seed_offset = 0


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


@dataclass
class Problem:
    """What an ``unpack`` function returns when the learner's result has the wrong form."""

    message: str
    hint: str | None = None


@contextlib.contextmanager
def strict(on=True):
    """Within this block, checkers raise their internal errors (for tests)."""
    global STRICT
    before, STRICT = STRICT, on
    try:
        yield
    finally:
        STRICT = before


@contextlib.contextmanager
def seeded(offset):
    """Within this block, random cases are drawn with another seed (for property tests)."""
    global _seed_offset
    before, _seed_offset = _seed_offset, offset
    try:
        yield
    finally:
        _seed_offset = before


def rounded_normal(rng, *shapes):
    """One array of standard normal draws per shape, drawn in this order and rounded to 2 decimals
    so that feedback shows them readably: ``X, W, b = rounded_normal(rng, (n, d), (d, h), h)``."""
    arrays = tuple(np.round(rng.normal(size=shape), 2) for shape in shapes)
    return arrays if len(arrays) > 1 else arrays[0]


def sized_case(sizes, low, high, label):
    """Decorate a case builder ``build(label, *sizes, seed)`` with its random cases, ``build.random``.

    ``build.random(rng)`` (a ``random_cases`` function) draws one size per name in ``sizes``
    (``"n d h"``) from ``low`` to ``high - 1``, then the builder's seed, and formats ``label``
    with the sizes: ``@sized_case("n d h", 1, 8, "{n} example(s), {d} feature(s), {h} output(s)")``.
    """
    names = sizes.split()

    def decorate(build):
        def random_case(rng):
            drawn = dict(zip(names, (int(v) for v in rng.integers(low, high, size=len(names)))))
            return build(label.format(**drawn), *drawn.values(), int(rng.integers(2**31)))
        build.random = random_case
        return build
    return decorate


def random_generator(title):
    """The generator of a checker's random cases: seeded by its title, so feedback is reproducible."""
    return np.random.default_rng([zlib.crc32(title.encode()), _seed_offset])


def is_unattempted(value) -> bool:
    """True for what a stub leaves behind: ``...`` or ``None``."""
    return value is Ellipsis or value is None


def not_attempted(title, message=None) -> Feedback:
    return Feedback(NOT_ATTEMPTED, title,
                    message or "Not attempted yet: fill in the code above, run it, then run this check again.")


def returns_nothing(title, printed="") -> Feedback:
    """The learner's function returned None: a stub, a missing return, or a print instead of a return."""
    if printed.strip():
        return Feedback(INCORRECT, title,
                        "Your function printed its result but returned None, so the checker received "
                        "nothing.", details=[("printed", clean_text(printed.strip(), 200))],
                        hint="Replace print(...) by return ... at the end of your function.")
    return not_attempted(title, "Not attempted yet: your function returns nothing. Fill it in "
                         "(or add the missing `return`), then run this check again.")


def partial_answer(title, result, names=None) -> Feedback | None:
    """A Feedback when a tuple/list result still holds stub parts next to real ones, else None."""
    if not isinstance(result, (tuple, list)) or not result:
        return None
    empty = [i for i, part in enumerate(result) if is_unattempted(part)]
    if not empty or len(empty) == len(result):
        return None
    which = ", ".join(names[i] if names and i < len(names) else f"part {i + 1}" for i in empty)
    return Feedback(INCORRECT, title,
                    f"Partly done: your function returns {len(result)} parts, but {which} "
                    f"{'is' if len(empty) == 1 else 'are'} still None or ...",
                    hint="Fill in every part of the result; the check grades them all.")


# --- running learner code -------------------------------------------------------------


class _TimeUp(BaseException):
    """Raised inside learner code by the alarm; a BaseException, so `except Exception` cannot swallow it."""


@dataclass
class Outcome:
    """What one call of learner code gave."""

    value: object = None
    error: BaseException | None = None
    printed: str = ""
    timed_out: bool = False
    stub: bool = False      # raised NotImplementedError
    args: tuple = ()        # the copies the function received (to see what it changed)


def _alarm_available():
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise _TimeUp in this (main) thread after ``seconds``; a no-op where signals are unavailable.

    SIGALRM interrupts pure-Python loops (the usual infinite ``while``); the
    alarm repeats every 0.2 s in case learner code catches the first one with
    a bare ``except:``. The previous handler is restored afterwards, so the
    Jupyter kernel is left as it was.
    """
    if not seconds or not _alarm_available():
        yield
        return

    def on_alarm(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_learner(fn, args=(), *, copy_args=True, seconds=None) -> Outcome:
    """Call the learner's ``fn(*args)`` safely: on copies, output captured, with a time limit."""
    seconds = TIME_LIMIT if seconds is None else seconds
    buffer = io.StringIO()
    outcome = Outcome()
    call_args = copy.deepcopy(args) if copy_args else args
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(buffer):
            warnings.simplefilter("ignore")
            with _time_limit(seconds):
                outcome.value = fn(*call_args)
    except _TimeUp:
        outcome.timed_out = True
    except NotImplementedError as error:
        outcome.stub, outcome.error = True, error
    except Exception as error:  # the learner's code may raise anything
        outcome.error = error
    outcome.printed = buffer.getvalue()
    outcome.args = call_args
    return outcome


def timeout_feedback(title, where, seconds=None) -> Feedback:
    seconds = TIME_LIMIT if seconds is None else seconds
    return Feedback(INCORRECT, title,
                    f"{where}: your function did not finish within {seconds:g} seconds and was stopped.",
                    hint="Look for a loop that never ends: a `while` whose condition never becomes "
                         "false, or a counter that is never increased.")


def function_problem(fn, title, signature=None, *, name_type=True, refuse_classes=False) -> Feedback | None:
    """The feedback when ``fn`` is not a function to check, else None: "not attempted"
    for a stub, or "this check expects a function" (naming the type of what came
    if ``name_type``; a class counts as not a function if ``refuse_classes``)."""
    if is_unattempted(fn):
        return not_attempted(title)
    if not callable(fn) or (refuse_classes and isinstance(fn, type)):
        kind = f" (a {type(fn).__name__})" if name_type else ""
        return Feedback(INCORRECT, title,
                        f"This check expects a function, but received {format_value(fn)}{kind}.",
                        hint=f"Pass the function itself, without calling it: {signature}." if signature else None)
    return None


def failed_call(outcome, title, where, *, error_hint=None, details=(), needs_value=False) -> Feedback | None:
    """The feedback when a call of the learner's function did not give a result, else None:
    a stub ("not attempted"), a time-out, an exception ("{where}: your function
    raised ...", with ``error_hint(error)`` as hint); with ``needs_value``, also a
    function that returned None (or printed instead) or ``...``."""
    if outcome.stub:
        return not_attempted(title)
    if outcome.timed_out:
        return timeout_feedback(title, where)
    error = outcome.error
    if error is not None:
        return Feedback(INCORRECT, title,
                        f"{where}: your function raised {type(error).__name__}: {clean_text(error)}",
                        details=details, hint=error_hint(error) if error_hint else None)
    if needs_value and outcome.value is None:
        return returns_nothing(title, outcome.printed)
    if needs_value and outcome.value is Ellipsis:
        return not_attempted(title)
    return None


def learner_value(fn, args, title, where, *, error_hint=None, copy_args=True, kind=None, describe=None,
                  kind_hint=None):
    """Run the learner's ``fn(*args)``: ``(value, None)`` when it returned a value, else
    ``(None, feedback)`` with the :func:`failed_call` feedback that says why not. With ``kind``
    (a type such as ``dict``), a value of another type is refused too: "{where}: your function
    returned {describe(value)}, not a dict.", with ``kind_hint`` as hint."""
    outcome = run_learner(fn, args, copy_args=copy_args)
    failed = failed_call(outcome, title, where, error_hint=error_hint, needs_value=True)
    if failed is not None:
        return None, failed
    if kind is not None and not isinstance(outcome.value, kind):
        return None, Feedback(INCORRECT, title, f"{where}: your function returned {describe(outcome.value)}, "
                              f"not a {kind.__name__}.", hint=kind_hint)
    return outcome.value, None


def _call(fn, args):
    """Call the learner's function on copies of args; return (result, error).

    Kept for the lesson modules: a NotImplementedError gives (Ellipsis, error),
    a time-out gives (None, TimeoutError).
    """
    outcome = run_learner(fn, args)
    if outcome.stub:
        return Ellipsis, outcome.error
    if outcome.timed_out:
        return None, TimeoutError(f"did not finish within {TIME_LIMIT:g} seconds")
    return outcome.value, outcome.error


# --- turning answers into numbers -------------------------------------------------------


def _as_number_array(value):
    """Turn a learner's value into a float array, or return (None, reason).

    Accepts int, float, bool, NumPy scalars and arrays, ``Fraction``, ``Decimal``
    and (nested) lists or tuples of them.
    """
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
    if array.dtype == object:
        items = list(array.flat)
        if items and all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in items) or (
                items and all(_is_decimal(x) for x in items)):
            try:
                return np.asarray([float(x) for x in items], dtype=float).reshape(array.shape), None
            except (TypeError, ValueError, OverflowError):
                pass
        return None, f"a {type(value).__name__} of {_kinds(items)}, not numbers"
    if array.dtype.kind not in "biuf":
        return None, f"a {type(value).__name__} of {array.dtype} values, not numbers"
    return array.astype(float), None


def _is_decimal(x):
    import decimal
    return isinstance(x, decimal.Decimal)


def _kinds(items):
    names = sorted({type(x).__name__ for x in items})
    return " and ".join(names[:3]) + " values" if names else "nothing"


def _fit_scalar(array, expected):
    """A one-element array or list is accepted where a single number is expected."""
    if expected.ndim == 0 and array.ndim > 0 and array.size == 1:
        return array.reshape(())
    return array


def _error_hint(error, signature):
    text = str(error)
    if isinstance(error, RecursionError):
        return ("Infinite recursion: a function calls itself without ever reaching a case that "
                "stops it.")
    if isinstance(error, TypeError) and ("positional argument" in text or "argument" in text):
        return f"Your function should be callable as {signature}." if signature else None
    if isinstance(error, ValueError) and ("shape" in text or "broadcast" in text or "mismatch" in text):
        return ("Shapes do not fit: print the .shape of each array. A missing transpose (.T) or "
                "an array of shape (n, 1) where (n,) was meant are the usual causes.")
    if isinstance(error, (NameError, UnboundLocalError)):
        return "A name is not defined: did you run the cell that defines it, and spell it the same way?"
    return None


def _parameter_names(signature, count):
    """['w', 'grad', 'learning_rate'] from 'step(w, grad, learning_rate)'."""
    match = re.search(r"\((.*)\)", signature or "")
    names = [n.strip() for n in match.group(1).split(",")] if match else []
    if len(names) != count:
        names = [f"argument {i + 1}" for i in range(count)]
    return names


def _changed_arguments(before, after, names):
    """Names of the array (or list/dict) arguments whose contents differ after the call."""
    changed = []
    for name, a, b in zip(names, before, after):
        try:
            if isinstance(a, np.ndarray):
                if not isinstance(b, np.ndarray) or a.shape != b.shape or not np.array_equal(
                        a, b, equal_nan=a.dtype.kind in "fc"):
                    changed.append(name)
            elif isinstance(a, (list, dict)) and a != b:
                changed.append(name)
        except Exception:  # comparing odd objects: assume unchanged
            continue
    return changed


def _printed_detail(outcome):
    return [("printed", clean_text(outcome.printed.strip(), 200))] if outcome.printed.strip() else []


# --- grading a function -----------------------------------------------------------------


def numeric_parts(result, count, not_numbers, should_return, hint, describe=format_value):
    """The learner's tuple (or list) ``result`` of ``count`` parts as float arrays, or a
    :class:`Problem`: ``Problem(*not_numbers)`` when a part is no array of numbers; when the
    result is no such tuple, "your function returned {describe(result)}; it should return
    {should_return}" with ``hint``."""
    if isinstance(result, (tuple, list)) and len(result) == count:
        try:
            return [np.asarray(part, dtype=float) for part in result]
        except (TypeError, ValueError):
            return Problem(*not_numbers)
    return Problem(f"your function returned {describe(result)}; it should return {should_return}", hint)


def pair_packer(ending, shapes, keep, pair):
    """A packer for a learner's result that should be a pair (vector, number): it returns one array
    [vector..., number] for the framework to compare, or a Problem that says what the pair should be.

    ``ending`` is the return statement to suggest, ``shapes`` what the two shapes should be,
    ``keep`` the hint for a vector of the wrong shape, ``pair`` the pair the function returns."""
    def pack(result):
        end_with = f"End with `{ending}`."
        parts = numeric_parts(result, 2, ("the two parts of your result are not numbers.", end_with),
                              "the pair " + pair, end_with)
        if isinstance(parts, Problem):
            return parts
        vector, number = parts
        if vector.ndim == 1 and number.size == 1:
            return np.concatenate([vector, number.reshape(1)])
        return Problem(f"your function returned a pair with shapes {vector.shape}, {number.shape}; " + shapes,
                       keep)
    return pack


def one_slip_each(variant, **hints):
    """Known wrong answers that are the reference with one slip each: for every ``slip=hint``,
    the wrong function ``variant(slip=True)`` and its hint, in order (the first that matches a
    learner's answer gives its hint)."""
    return [(variant(**{slip: True}), hint) for slip, hint in hints.items()]


def with_nan_hint(feedback, fn, cases, reference, hint):
    """Give ``hint`` when the first case the learner's function gets wrong comes out as NaN or inf.

    Typical mistakes (``0 * log 0``, an overflowing ``exp``) give NaN rather than a
    wrong number, and the comparison with known wrong answers cannot match NaN."""
    if feedback.passed or not callable(fn):
        return feedback
    for case in cases:
        received, error = _call(fn, case.args)
        if error is not None or received is None or received is Ellipsis:
            return feedback
        try:
            array = np.asarray(received, dtype=float)
        except (TypeError, ValueError):
            return feedback
        if array.size and not np.all(np.isfinite(array)):
            feedback.hint = hint
            return feedback
        if not close(array, reference(*case.args)):
            return feedback
    return feedback


def grade_function(fn, reference, cases, *, title, signature=None, mistakes=(), rtol=1e-6, atol=1e-9,
                   random_cases=None, n_random=None, exact=False, forbid_mutation=False,
                   unpack=None, part_names=None, nan_hint=None) -> Feedback:
    """Run ``fn`` and ``reference`` on every case and report the first difference.

    Parameters
    ----------
    fn : the learner's function (or ``...``/None when unattempted).
    reference : the correct function, called with the same arguments.
    cases : list of :class:`Case`: readable cases and the edge cases of the maths.
    title : the exercise's name in the feedback.
    signature : how the learner's function is called, e.g. ``"step(w, grad, learning_rate)"``.
    mistakes : list of ``(wrong_function, hint)`` pairs; when the learner's result
        equals ``wrong_function``'s on a failing case, ``hint`` is shown. They
        are tried before the generic detectors (sign, transpose, factor n, ...).
    random_cases : ``rng -> Case``, drawing one case from the exercise's domain;
        ``n_random`` of them (default ``RANDOM_CASES``) follow the fixed cases.
    exact : the answers are whole numbers (classes, counts, indices): compared exactly.
    forbid_mutation : the exercise says not to change the arguments: changing one in
        place is an error, named in the feedback.
    unpack : ``raw_result -> value or Problem``: turns a structured result (a pair
        ``(w, b)``...) into one comparable array, or explains its wrong form.
    part_names : names of the parts of a tuple result, for the "partly done" message.
    nan_hint : the hint to give when the first fixed case the learner's function gets
        wrong comes out as NaN or inf (see :func:`with_nan_hint`).
    """
    if nan_hint is not None:
        feedback = grade_function(fn, reference, cases, title=title, signature=signature, mistakes=mistakes,
                                  rtol=rtol, atol=atol, random_cases=random_cases, n_random=n_random,
                                  exact=exact, forbid_mutation=forbid_mutation, unpack=unpack,
                                  part_names=part_names)
        return with_nan_hint(feedback, fn, cases, reference, nan_hint)
    problem = function_problem(fn, title, signature, refuse_classes=True)
    if problem is not None:
        return problem
    cases = list(cases)
    if random_cases is not None:
        rng = random_generator(title)
        count = RANDOM_CASES if n_random is None else n_random
        cases += [_labelled(random_cases(rng), i + 1) for i in range(count)]
    results, mutated = [], []
    for number, case in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} ({case.label})"
        outcome = run_learner(fn, case.args)
        failed = failed_call(outcome, title, where, details=_printed_detail(outcome),
                             error_hint=lambda error: _same_error(error, case.args, mistakes)
                             or _error_hint(error, signature))
        if failed is not None:
            return failed
        received = outcome.value
        names = _parameter_names(signature, len(case.args))
        changed = _changed_arguments(case.args, outcome.args, names)
        if received is None or received is Ellipsis:
            if received is None and changed:
                return Feedback(INCORRECT, title, f"{where}: your function changed {_quote(changed)} in "
                                "place but returned None: add `return` with the result.")
            if received is None:
                return returns_nothing(title, outcome.printed)
            return not_attempted(title)
        partial = partial_answer(title, received, part_names)
        if partial is not None:
            partial.message = f"{where}: {partial.message[0].lower()}{partial.message[1:]}"
            return partial
        if isinstance(received, (tuple, list)) and received and all(is_unattempted(p) for p in received):
            return not_attempted(title)
        if changed and forbid_mutation:
            return Feedback(INCORRECT, title,
                            f"{where}: your function changed its argument {_quote(changed)} in place.",
                            hint=f"The exercise asks you to leave {_quote(changed)} unchanged: compute "
                                 "a new array (new = old - ...) instead of updating with -=, += or [...] =.")
        if changed and not mutated:
            mutated = changed
        expected = np.asarray(reference(*copy.deepcopy(case.args)), dtype=float)
        if unpack is not None:
            received = unpack(received)
            if isinstance(received, Problem):
                return Feedback(INCORRECT, title, f"{where}: {received.message}", hint=received.hint)
        results.append(received)
        array, reason = _as_number_array(received)
        if array is None:
            return Feedback(INCORRECT, title, f"{where}: your function returned {reason}.",
                            details=[("expected", format_value(expected))],
                            hint="Return a NumPy array (or a number) computed from the arguments.")
        array = _fit_scalar(array, expected)
        if exact:
            if _exactly_equal(array, expected):
                continue
        elif close(array, expected, rtol, atol):
            continue
        hint = _known_mistake(array, case.args, mistakes, rtol, atol, unpack)
        if hint is None and exact and array.shape == expected.shape and close(array, expected, 1e-3, 1e-3):
            hint = ("These answers are whole numbers (classes, counts or indices) and are compared "
                    "exactly: return integers, not values that are only close to them.")
        hint = hint or generic_hint(array, expected, case.batch_size, reveal=True)
        return Feedback(INCORRECT, title, f"{where}: the result differs from the expected one.",
                        details=[("expected", format_value(expected)), ("received", format_value(array))]
                        + _printed_detail(outcome),
                        hint=hint)
    notes = ""
    if any(isinstance(r, list) for r in results):
        notes += " (Your function returns a list; a NumPy array is the usual choice.)"
    if mutated:
        notes += (f" (Note: your function also changes its argument {_quote(mutated)} in place; "
                  "code that calls it may not expect that.)")
    return Feedback(CORRECT, title, f"All {len(cases)} cases pass. Well done!{notes}")


def _labelled(case, index):
    case.label = f"random case {index}: {case.label}"
    return case


def _quote(names):
    return " and ".join(f"`{n}`" for n in names)


def _exactly_equal(array, expected):
    return array.shape == expected.shape and bool(np.all(array == expected))


def _same_error(error, args, mistakes):
    """The hint of a known wrong answer that raises the same error as the learner's code."""
    for wrong, hint in mistakes:
        if callable(wrong):
            other = run_learner(wrong, args).error
            if type(other) is type(error) and str(other) == str(error):
                return hint
    return None


def _known_mistake(received, args, mistakes, rtol, atol, unpack=None):
    for wrong, hint in mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                candidate = wrong(*copy.deepcopy(args)) if callable(wrong) else wrong
                if unpack is not None and callable(wrong):
                    candidate = unpack(candidate)
                    if isinstance(candidate, Problem):
                        continue
            except Exception:
                continue
        candidate_array, _ = _as_number_array(candidate)
        if candidate_array is None:
            continue
        if close(received, _fit_scalar(candidate_array, np.asarray(received)), rtol, atol, equal_nan=True):
            return hint
    return None


# --- grading a value ----------------------------------------------------------------------


def tolerance_text(digits=None, atol=None, integer=False):
    """How the exercise states its tolerance, e.g. 'to 3 significant digits'."""
    if integer:
        return "as an exact whole number"
    if atol is not None:
        return f"to within {atol:g}"
    return f"to {digits} significant digits"


def _within(array, expected, digits, atol):
    """Elementwise: is the answer inside the stated tolerance? Also returns the tolerance used."""
    same_rounding = False
    if atol is not None:
        tol = np.full(expected.shape, float(atol))
    else:
        magnitude = np.where(expected == 0, 1.0, np.abs(expected))
        unit = 10.0 ** (np.floor(np.log10(magnitude)) - digits + 1)
        tol = 0.5 * unit
        with np.errstate(all="ignore"):
            # 0.818182 and 0.817574 both round to 0.818: the stated digits are right
            same_rounding = np.round(array / unit) == np.round(expected / unit)
    tol = tol * (1 + 1e-9) + 1e-12
    with np.errstate(invalid="ignore"):
        return bool(np.all((np.abs(array - expected) <= tol) | same_rounding)), tol


def grade_value(value, expected, *, title, mistakes=(), batch_size=None, digits=3, atol=None,
                integer=False) -> Feedback:
    """Compare a value the learner computed with the expected one, without revealing it.

    The tolerance is the one the exercise's text states: ``digits`` significant
    digits (an answer within half a unit of the last stated digit, or one that
    rounds to the same digits as the exact value), an absolute ``atol``, or,
    with ``integer=True``, exact equality with a whole number. ``mistakes`` is a
    list of ``(wrong_value, hint)`` pairs, recognised at the same tolerance. The
    expected value is never printed; the received one is, and no hint states a
    sign or a factor that would give the answer away.
    """
    if is_unattempted(value):
        return not_attempted(title)
    if isinstance(value, (tuple, list)) and value and all(is_unattempted(v) for v in value):
        return not_attempted(title)
    array, reason = _as_number_array(value)
    if array is None:
        return Feedback(INCORRECT, title, f"This check expects a number or an array, but received {reason}.",
                        hint="Pass the number itself, e.g. check(0.5) or check(answer), not text.")
    expected = np.asarray(expected, dtype=float)
    array = _fit_scalar(array, expected)
    details = [("received", format_value(array if array.ndim else array.item()))]
    stated = tolerance_text(digits, atol, integer)
    if array.shape == expected.shape and np.all(np.isfinite(array)):
        if integer:
            if _exactly_equal(array, expected):
                return Feedback(CORRECT, title, "That is right. Well done!")
            if not np.all(array == np.round(array)):
                return Feedback(INCORRECT, title, "Not quite: the answer is a whole number, given exactly.",
                                details=details,
                                hint="A count is exact: give a whole number such as 5, not a value close to one.")
        else:
            inside, tol = _within(array, expected, digits, atol)
            if inside:
                return Feedback(CORRECT, title, "That is right. Well done!")
    for wrong, hint in mistakes:
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == array.shape and np.all(np.isfinite(array)):
            if integer:
                if _exactly_equal(array, wrong):
                    break
            elif _within(array, wrong, digits, atol)[0] and not _within(wrong, expected, digits, atol)[0]:
                break
    else:
        hint = None
    if hint is None and not integer and array.shape == expected.shape and np.all(np.isfinite(array)):
        if np.all(np.abs(array - expected) <= 20 * tol):
            hint = (f"Close, but not within the tolerance the exercise states ({stated}). Keep full "
                    "precision in intermediate steps and round only the final answer (round, do not "
                    "cut off digits).")
    hint = hint or generic_hint(array, expected, batch_size, reveal=False)
    return Feedback(INCORRECT, title, f"Not quite: this is not the expected value ({stated}).",
                    details=details, hint=hint)


# --- the decorator ----------------------------------------------------------------------------

#: What the learner has done in this session: {(module, check name): {"passed": bool, "status": str}}
RESULTS: dict = {}


def record(module, name, feedback):
    entry = RESULTS.setdefault((module, name), {"passed": False, "status": NOT_ATTEMPTED})
    entry["status"] = feedback.status
    entry["passed"] = entry["passed"] or feedback.passed


def checker(check):
    """Make a ``check_*`` function crash-proof for learners, and record its result.

    The decorated function keeps its name, signature and docstring. Called
    with no argument it reports "not attempted" (give every parameter the
    default ``...``); called with too many arguments, or if it fails
    internally, it returns an explanatory Feedback instead of raising (unless
    ``STRICT`` is set, as in the tests).
    """
    signature = inspect.signature(check)
    usage = f"{check.__name__}({', '.join(signature.parameters)})"
    title = check.__name__.removeprefix("check_").replace("_", " ")

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            return Feedback(INCORRECT, title, f"Call it as {usage}: {clean_text(error)}.")
        try:
            result = check(*bound.args, **bound.kwargs)
        except Exception:  # a bug in the checker must not stop the lesson
            if STRICT:
                raise
            result = Feedback(INCORRECT, title, "The checker itself failed on this answer (a bug in the "
                              "course, not in your code). Please report it; meanwhile compare your "
                              "answer with the solution below the exercise.")
            result.internal_error = True
        if not isinstance(result, Feedback):
            if STRICT:
                raise TypeError(f"{check.__name__} returned {type(result).__name__}, not a Feedback")
            result = Feedback(INCORRECT, title, "The checker returned no feedback. Please report this.")
            result.internal_error = True
        record(check.__module__, check.__name__, result)
        return result

    wrapper.is_checker = True
    return wrapper


def function_checker(title, signature, *, name_type=True):
    """``@checker`` for the check of a learner's function that grades it its own way: before
    the check runs, a stub gets "not attempted" and anything that is not a function gets "this
    check expects a function" (see :func:`function_problem`)."""
    def decorate(check):
        @functools.wraps(check)
        def guarded(*args):
            fn = args[0] if args else ...
            problem = function_problem(fn, title, signature, name_type=name_type)
            return problem if problem is not None else check(*args)
        return checker(guarded)
    return decorate


def with_default_hint(feedback, hint):
    """Give an incorrect answer that no known mistake explains a general nudge, ``hint``."""
    if hint and feedback.status == INCORRECT and not feedback.hint:
        feedback.hint = hint
    return feedback


def function_exercise(signature, reference, cases, *, title, doc, name=None, default_hint=None,
                      shown_as=None, pack=None, **grading):
    """Declare the checker of a function exercise in one call; returns the ``check_*`` function.

    ``check_step = function_exercise("step(w, grad, learning_rate)", _step, _CASES, title=...,
    doc="Check ``step(w, grad, learning_rate)``: ...", mistakes=..., random_cases=...)``
    is the same as writing::

        @checker
        def check_step(step=...):
            \"\"\"Check ``step(w, grad, learning_rate)``: ...\"\"\"
            return grade_function(step, _step, _CASES, title=..., signature="step(w, grad, learning_rate)",
                                  mistakes=..., random_cases=...)

    The checker's one parameter is named after the learner's function in ``signature``,
    defaults to ``...`` and the checker is called ``check_<that name>`` unless ``name``
    says otherwise. ``grading`` goes to :func:`grade_function` as it is. Three options
    cover what several exercises add after grading:

    * ``pack``: the learner returns a tuple (``(w, b)``...); ``pack(result)`` turns it into one
      array, or a :class:`Problem`. The reference's tuple is packed the same way.
    * ``shown_as``: text appended to the message when a case shows the expected and received
      values, to say how a packed result is shown (e.g. " (w and b are shown together ...)").
    * ``default_hint``: the hint for an incorrect answer that nothing else explains.
    """
    parameter = signature.split("(", 1)[0].strip()
    reference_fn = reference
    if pack is not None:
        reference_fn, grading["unpack"] = (lambda *args: pack(reference(*args))), pack

    def check(fn=...):
        feedback = grade_function(fn, reference_fn, cases, title=title, signature=signature, **grading)
        if shown_as and feedback.details:
            feedback.message += shown_as
        return with_default_hint(feedback, default_hint)

    caller = sys._getframe(1)
    check.__name__ = check.__qualname__ = name or f"check_{parameter}"
    check.__module__ = caller.f_globals["__name__"]
    check.__doc__ = doc
    check.__signature__ = inspect.Signature(
        [inspect.Parameter(parameter, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=...)])
    declared = checker(check)
    declared.declared_line = caller.f_lineno  # the lesson's summary lists checkers in the module's order
    return declared

