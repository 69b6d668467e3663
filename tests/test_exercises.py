"""Every checker in dlmath.exercises, found automatically, must be safe, fair and must teach.

For each lesson module ``dlmath.exercises.<lesson>`` and each ``check_*``:
garbage inputs give a Feedback and never an internal error (the checks run
under ``checking.strict()``, so a crashing checker raises here instead of
hiding behind a polite "incorrect"; ``test_the_garbage_loop_catches_*`` shows
it), no feedback names an internal class, the reference solution in
``tests/exercise_cases/<lesson>.py`` and every answer it lists as
``also_correct`` pass, each listed wrong answer fails with its targeted hint,
and, for function exercises, all of this holds under several seeds of the
random cases (a property test), stubs are "not attempted", and an endless loop
is stopped with a clear message.
"""

import importlib
import importlib.util
import inspect
import pkgutil
import functools
import re
from pathlib import Path

import numpy as np
import pytest

import dlmath.exercises
from dlmath.exercises import Feedback, checker, checking

CASES_DIR = Path(__file__).parent / "exercise_cases"


def _lesson_modules():
    for info in pkgutil.iter_modules(dlmath.exercises.__path__):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"dlmath.exercises.{info.name}")


def _checkers():
    found = []
    for module in _lesson_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and fn.__module__ == module.__name__:
                found.append((module.__name__.rsplit(".", 1)[1], name, fn))
    return found


CHECKERS = _checkers()
IDS = [f"{lesson}.{name}" for lesson, name, _ in CHECKERS]


def _reference_cases(lesson):
    path = CASES_DIR / f"{lesson}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"exercise_cases_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


@pytest.fixture(autouse=True)
def _strict_checkers():
    """An internal error of a checker raises during these tests."""
    with checking.strict():
        yield


def _internal_names():
    """Names a learner must never read: private classes and functions of the checker modules."""
    names = set()
    for module in _lesson_modules():
        for name, obj in vars(module).items():
            if name.startswith("_") and not name.startswith("__") and (inspect.isclass(obj) or inspect.isfunction(obj)):
                names.add(name)
    return names


INTERNAL = _internal_names()


@functools.lru_cache(maxsize=4)
def _internal_word(names: frozenset):
    """One pattern for all the names (longest first, each a whole word): a search per name per
    feedback was some 500,000 searches in this file."""
    return re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b")


def _assert_no_internals(feedback, label=""):
    text = repr(feedback) + feedback._repr_html_()
    leaked = sorted(set(_internal_word(frozenset(INTERNAL)).findall(text)))
    assert not leaked, f"{label}: internal name(s) {leaked} in feedback:\n{feedback!r}"
    assert not getattr(feedback, "internal_error", False), f"{label}: internal error\n{feedback!r}"
    assert "Please report" not in text, f"{label}: {feedback!r}"


def test_checkers_were_found():
    assert any(name == "check_gradient_step" for _, name, _ in CHECKERS)


def _raises(*args):
    raise RuntimeError("learner's bug")


def _prints(*args):
    print("the result is 42")


GARBAGE = {
    "None": None, "ellipsis": ..., "text": "text", "int": 3, "nan": np.nan, "inf": np.inf,
    "list": [1, 2, 3], "ragged": [[1], [1, 2]], "dict": {"a": 1}, "array": np.zeros((7, 3)),
    "raises": _raises,
    "not_implemented": lambda *a: (_ for _ in ()).throw(NotImplementedError()),
    "returns_nan": lambda *a: np.nan, "returns_nan_array": lambda *a: np.full(3, np.nan),
    "returns_text": lambda *a: "oops", "returns_list": lambda *a: [1.0, 2.0],
    "returns_ellipsis": lambda *a: ..., "returns_none": lambda *a: None,
    "no_args": lambda: 1.0, "one_arg": lambda x: x, "many_args": lambda a, b, c, d, e, f, g: a,
    "class": Feedback, "prints": _prints, "returns_dict": lambda *a: {"x": 1},
    "returns_pair_of_none": lambda *a: (None, None), "returns_bool": lambda *a: True,
    "returns_object": lambda *a: object(), "returns_huge": lambda *a: np.full((50, 50), 1e308),
    "complex": 1j, "bool": True, "bytes": b"1", "set": {1, 2},
}


def _assert_safe(check):
    """The garbage loop: every answer gets a Feedback, never an exception or an internal name."""
    for label, garbage in GARBAGE.items():
        result = check(garbage)
        assert isinstance(result, Feedback), label
        assert isinstance(repr(result), str) and isinstance(result._repr_html_(), str)
        assert not result.passed, label
        _assert_no_internals(result, label)
    for args in [(), (None, None), (1, 2, 3)]:
        assert isinstance(check(*args), Feedback)
    assert check().status == "not attempted"
    assert check(...).status == "not attempted"
    assert check(None).status == "not attempted"
    assert check(bogus=1).status == "incorrect"


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_checker_never_raises(lesson, name, check):
    _assert_safe(check)


def test_the_garbage_loop_catches_a_crashing_checker():
    """Without strict mode the decorator would turn this bug into INCORRECT feedback and the loop pass."""
    @checker
    def check_broken(answer=...):
        """A checker with a bug: it crashes on every answer."""
        if answer is ... or answer is None:
            from dlmath.exercises.checking import not_attempted
            return not_attempted("broken")
        return 1 / 0

    with pytest.raises(ZeroDivisionError):
        _assert_safe(check_broken)
    with checking.strict(False):  # what a learner sees: a calm message, no exception name
        feedback = check_broken(3)
        assert "ZeroDivisionError" not in repr(feedback) and feedback.internal_error


def test_the_garbage_loop_catches_a_leaked_internal_name():
    from dlmath.exercises import backpropagation
    from dlmath.exercises.checking import Feedback as F

    @checker
    def check_leaky(answer=...):
        """A checker whose message names one of its internals."""
        if answer is ... or answer is None:
            return F("not attempted", "leaky", "Not attempted yet.")
        return F("incorrect", "leaky", "your function raised _Pair: return two arrays")

    backpropagation._Pair = type("_Pair", (Exception,), {})  # the internal class of the old checker
    try:
        INTERNAL.add("_Pair")
        with pytest.raises(AssertionError, match="_Pair"):
            _assert_safe(check_leaky)
    finally:
        del backpropagation._Pair
        INTERNAL.discard("_Pair")


def _is_function_exercise(lesson, name):
    case = _reference_cases(lesson).get(name)
    return case is not None and callable(case["solution"])


FUNCTION_CHECKERS = [(lesson, name, check) for lesson, name, check in CHECKERS
                     if _is_function_exercise(lesson, name)]
FUNCTION_IDS = [f"{lesson}.{name}" for lesson, name, _ in FUNCTION_CHECKERS]


def _stub_returning_none(*args):
    pass


def _stub_returning_ellipsis(*args):
    ...
    return ...


def _stub_raising(*args):
    raise NotImplementedError


@pytest.mark.parametrize("lesson, name, check", FUNCTION_CHECKERS, ids=FUNCTION_IDS)
def test_stubs_are_not_attempted_and_prints_are_named(lesson, name, check):
    for stub in (_stub_returning_none, _stub_returning_ellipsis, _stub_raising):
        assert check(stub).status == "not attempted", (stub.__name__, repr(check(stub)))
    printed = check(_prints)
    assert printed.status == "incorrect" and "printed" in repr(printed), repr(printed)


@pytest.mark.parametrize("lesson, name, check", FUNCTION_CHECKERS, ids=FUNCTION_IDS)
def test_an_endless_loop_is_stopped(lesson, name, check, monkeypatch):
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.05)  # each spins a core until stopped: keep it short

    def endless(*args):
        while True:
            pass

    feedback = check(endless)
    assert feedback.status == "incorrect" and ("did not finish" in repr(feedback)), repr(feedback)
    import signal
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no alarm left behind


#: Function checkers that grade fixed cases only, and why.
FIXED_ONLY = {
    "check_compute_gradients": "four dlmath graphs chosen for their structure (shared nodes, broadcast bias)",
    "check_tape_backward": "three tapes chosen for their structure (reuse, arrays, several paths)",
    "check_xor_weights": "the answer is a set of weights, checked on its whole domain (the four corners)",
}


class _Counting:
    def __init__(self, fn):
        self.fn, self.calls = fn, 0
        functools.update_wrapper(self, fn)

    def __call__(self, *args):
        self.calls += 1
        return self.fn(*args)


@pytest.mark.parametrize("lesson, name, check", FUNCTION_CHECKERS, ids=FUNCTION_IDS)
def test_function_checkers_try_random_cases(lesson, name, check):
    solution = _Counting(_reference_cases(lesson)[name]["solution"])
    assert check(solution).passed
    if name in FIXED_ONLY:
        return
    assert solution.calls >= checking.RANDOM_CASES, f"{name} tried only {solution.calls} cases"


SEEDS = range(1, 4)


@pytest.mark.parametrize("lesson, name, check", FUNCTION_CHECKERS, ids=FUNCTION_IDS)
def test_property_reference_passes_and_wrong_answers_fail_under_every_seed(lesson, name, check):
    case = _reference_cases(lesson)[name]
    for seed in SEEDS:
        with checking.seeded(seed):
            result = check(case["solution"])
            assert result.passed, f"seed {seed}: {result!r}"
            for right in case.get("also_correct", []):
                assert check(right).passed, f"seed {seed}: {check(right)!r}"
            for wrong, _ in case["wrong"]:
                result = check(wrong)
                assert result.status == "incorrect", f"seed {seed}: {result!r}"
                _assert_no_internals(result, f"seed {seed}")


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_checker_has_reference_cases(lesson, name, check):
    cases = _reference_cases(lesson)
    assert name in cases, f"add {name} to tests/exercise_cases/{lesson}.py (see dlmath/exercises/__init__.py)"
    assert "solution" in cases[name] and cases[name].get("wrong"), f"{name} needs a solution and wrong answers"


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_reference_solution_passes(lesson, name, check):
    case = _reference_cases(lesson).get(name)
    if case is None:
        pytest.skip("no reference cases (reported by test_checker_has_reference_cases)")
    result = check(case["solution"])
    assert result.passed, repr(result)
    assert result.status == "correct"
    for right in case.get("also_correct", []):
        result = check(right)
        assert result.passed, f"{right!r} is right but:\n{result!r}"


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_wrong_answers_get_their_hint(lesson, name, check):
    case = _reference_cases(lesson).get(name)
    if case is None:
        pytest.skip("no reference cases (reported by test_checker_has_reference_cases)")
    for wrong, hint in case["wrong"]:
        result = check(wrong)
        assert result.status == "incorrect", repr(result)
        assert hint.lower() in repr(result).lower(), f"expected hint {hint!r} in:\n{result!r}"
        _assert_no_internals(result)


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_value_checkers_never_print_the_answer(lesson, name, check):
    case = _reference_cases(lesson).get(name)
    if case is None or callable(case["solution"]):
        pytest.skip("function exercise: the expected value is shown on purpose")
    from dlmath.exercises.feedback import format_value
    secret = format_value(np.asarray(case["solution"], dtype=float))
    for wrong, _ in case["wrong"]:
        text = repr(check(wrong)) + check(wrong)._repr_html_()
        assert secret not in text.replace(format_value(np.asarray(wrong, dtype=float)), "")
        # no generic hint that turns a wrong value into the right one
        for giveaway in ("exactly the negative", "times too", "constant multiple", "times the expected"):
            assert giveaway not in text, f"{wrong!r}: {text}"


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_checker_is_documented_and_deterministic(lesson, name, check):
    assert check.__doc__ and check.__doc__.strip()
    assert getattr(check, "is_checker", False), f"decorate {name} with @checker"
    # its results are recorded under its own name, which the lesson's summary looks up
    assert check.__name__ == name, f"{name} calls itself {check.__name__}: pass name={name!r}"
    assert repr(check(_raises)) == repr(check(_raises))
