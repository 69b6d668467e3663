"""Every checker in dlmath.exercises, found automatically, must be safe and must teach.

For each lesson module ``dlmath.exercises.<lesson>`` and each ``check_*``:
garbage inputs give a Feedback (never an exception), the reference solution
in ``tests/exercise_cases/<lesson>.py`` passes, and each listed wrong answer
fails with its targeted hint.
"""

import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import dlmath.exercises
from dlmath.exercises import Feedback

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


def test_checkers_were_found():
    assert any(name == "check_gradient_step" for _, name, _ in CHECKERS)


def _raises(*args):
    raise RuntimeError("learner's bug")


GARBAGE = {
    "None": None, "ellipsis": ..., "text": "text", "int": 3, "nan": np.nan, "inf": np.inf,
    "list": [1, 2, 3], "ragged": [[1], [1, 2]], "dict": {"a": 1}, "array": np.zeros((7, 3)),
    "raises": _raises,
    "not_implemented": lambda *a: (_ for _ in ()).throw(NotImplementedError()),
    "returns_nan": lambda *a: np.nan, "returns_nan_array": lambda *a: np.full(3, np.nan),
    "returns_text": lambda *a: "oops", "returns_list": lambda *a: [1.0, 2.0],
    "returns_ellipsis": lambda *a: ..., "returns_none": lambda *a: None,
    "no_args": lambda: 1.0, "one_arg": lambda x: x, "many_args": lambda a, b, c, d, e, f, g: a,
    "class": Feedback,
}


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_checker_never_raises(lesson, name, check):
    for label, garbage in GARBAGE.items():
        result = check(garbage)
        assert isinstance(result, Feedback), label
        assert isinstance(repr(result), str) and isinstance(result._repr_html_(), str)
        assert not result.passed, label
    for args in [(), (None, None), (1, 2, 3)]:
        assert isinstance(check(*args), Feedback)
    assert check().status == "not attempted"
    assert check(...).status == "not attempted"
    assert check(None).status == "not attempted"
    assert check(bogus=1).status == "incorrect"


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


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_wrong_answers_get_their_hint(lesson, name, check):
    case = _reference_cases(lesson).get(name)
    if case is None:
        pytest.skip("no reference cases (reported by test_checker_has_reference_cases)")
    for wrong, hint in case["wrong"]:
        result = check(wrong)
        assert result.status == "incorrect", repr(result)
        assert hint.lower() in repr(result).lower(), f"expected hint {hint!r} in:\n{result!r}"


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


@pytest.mark.parametrize("lesson, name, check", CHECKERS, ids=IDS)
def test_checker_is_documented_and_deterministic(lesson, name, check):
    assert check.__doc__ and check.__doc__.strip()
    assert getattr(check, "is_checker", False), f"decorate {name} with @checker"
    assert repr(check(_raises)) == repr(check(_raises))
