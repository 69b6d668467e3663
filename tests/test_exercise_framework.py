"""The checking framework itself: Feedback, grade_function, grade_value, the mistake detectors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlmath.exercises import Case, Feedback, checker, grade_function, grade_value
from dlmath.exercises.checking import strict
from dlmath.exercises.feedback import format_value
from dlmath.exercises.mistakes import generic_hint


def _ref(x):
    return 2 * x


CASES = [Case("a vector", np.array([1.0, -2.0, 3.0])), Case("a matrix", np.arange(6.0).reshape(2, 3))]


def grade(fn, **kw):
    return grade_function(fn, _ref, CASES, title="double", signature="double(x)", **kw)


def test_correct_function_passes():
    fb = grade(lambda x: x + x)
    assert fb.passed and fb.status == "correct" and bool(fb)
    assert "All 2 cases pass" in repr(fb)


def test_failure_names_the_case_and_shows_expected_and_received():
    fb = grade(lambda x: x * 3)
    assert fb.status == "incorrect" and not fb.passed
    text = repr(fb)
    assert "Case 1 of 2 (a vector)" in text
    assert "expected" in text and "received" in text
    assert "times 1.5" in text  # generic constant-factor detector


@pytest.mark.parametrize("stub", [..., None, lambda x: ..., lambda x: None])
def test_stubs_are_not_attempted(stub):
    assert grade(stub).status == "not attempted"


def test_not_implemented_is_not_attempted():
    def stub(x):
        raise NotImplementedError
    assert grade(stub).status == "not attempted"


def test_exception_is_reported_with_type_and_message():
    def buggy(x):
        return x / undefined_name  # noqa: F821
    text = repr(grade(buggy))
    assert "NameError" in text and "undefined_name" in text and "Hint:" in text


def test_in_place_update_without_return_is_explained():
    def double(x):
        x *= 2
    fb = grade(double)
    assert fb.status == "incorrect" and "in place" in repr(fb)


def test_list_result_passes_with_a_note():
    fb = grade(lambda x: (2 * x).tolist())
    assert fb.passed and "list" in repr(fb)


def test_known_mistake_hint_wins_over_generic():
    fb = grade(lambda x: -2 * x, mistakes=[(lambda x: -2 * x, "Mind the sign of the slope.")])
    assert "Mind the sign of the slope." in repr(fb)


def test_inputs_are_not_mutated_between_cases():
    seen = []

    def spy(x):
        seen.append(x.copy())
        x[...] = 0
        return 2 * seen[-1]

    before = CASES[0].args[0].copy()
    assert grade(spy).passed
    np.testing.assert_array_equal(CASES[0].args[0], before)


@pytest.mark.parametrize("received, expected, n, words", [
    (np.array([-1.0, 2.0]), np.array([1.0, -2.0]), None, "Sign error"),
    (np.array([[1.0, 3.0], [2.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), None, "transpose"),
    (np.ones((3, 2)), np.ones((2, 3)), None, "transpose"),
    (np.array([4.0, 8.0]), np.array([1.0, 2.0]), 4, "summed where the mean"),
    (np.array([0.25, 0.5]), np.array([1.0, 2.0]), 4, "averaged where a sum"),
    (np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0]), None, "bias"),
    (np.ones((3, 3)), np.ones(3), None, "broadcasting"),
    (np.ones((3, 1)), np.ones(3), None, "extra axis"),
    (np.ones(3), np.ones((3, 1)), None, "keepdims"),
    (np.float64(6.0), np.ones(3), None, "every axis"),
    (np.array([np.nan, 1.0]), np.array([1.0, 1.0]), None, "NaN"),
])
def test_generic_detectors(received, expected, n, words):
    assert words.lower() in generic_hint(np.asarray(received), np.asarray(expected), n).lower()


def test_value_feedback_never_shows_the_expected_value():
    fb = grade_value(0.123, 0.789, title="a value")
    assert "0.789" not in repr(fb) + fb._repr_html_()
    assert "0.123" in repr(fb)
    fb = grade_value(np.array([1.0, 2.0]), np.array([3.0, 6.0]), title="a vector")
    assert "3" not in repr(fb).split("received")[1] and "multiple" not in repr(fb)


def test_value_mistakes_and_garbage():
    assert grade_value(0.5, 0.5, title="v").passed
    assert "half" in repr(grade_value(0.25, 0.5, title="v", mistakes=[(0.25, "half too small")]))
    for garbage in ["0.5", None, ..., {"a": 1}, [[1], [1, 2]], print]:
        assert isinstance(grade_value(garbage, 0.5, title="v"), Feedback)
    assert grade_value("0.5", 0.5, title="v").status == "incorrect"


def test_checker_decorator_never_raises():
    @checker
    def check_thing(fn=...):
        """Check thing."""
        raise RuntimeError("bug in the checker")

    assert check_thing.__doc__ == "Check thing." and check_thing.__name__ == "check_thing"
    feedback = check_thing(1)
    assert "checker itself failed" in repr(feedback) and feedback.internal_error
    assert "RuntimeError" not in repr(feedback)  # no internal exception name reaches the learner
    assert "check_thing(fn)" in repr(check_thing(1, 2))
    with strict(), pytest.raises(RuntimeError, match="bug in the checker"):
        check_thing(1)


def test_function_exercise_declares_a_checker_like_the_decorated_function():
    import inspect

    from dlmath.exercises.checking import RESULTS, function_exercise, pair_packer

    check_double = function_exercise("double(x)", _ref, CASES, title="double", doc="Check ``double(x)``.",
                                     mistakes=[(lambda x: x, "You forgot the factor 2.")], n_random=0)
    assert check_double.__name__ == "check_double" and check_double.__doc__ == "Check ``double(x)``."
    assert check_double.__module__ == __name__ and check_double.is_checker
    assert str(inspect.signature(check_double)) == "(double=Ellipsis)"
    assert check_double().status == "not attempted"
    assert check_double(double=lambda x: 2 * x).passed and check_double(lambda x: x + x).passed
    assert "factor 2" in repr(check_double(lambda x: x))
    assert "Call it as check_double(double)" in repr(check_double(1, 2))
    assert RESULTS[(__name__, "check_double")]["passed"]
    renamed = function_exercise("double(x)", _ref, CASES, title="double", doc="d", name="check_twice")
    assert renamed.__name__ == "check_twice" and str(inspect.signature(renamed)) == "(double=Ellipsis)"

    # a pair result, packed for comparison, with a note on how it is shown and a default hint
    pack = pair_packer("return v, s", "v is a vector and s a number.", "keep v 1-D", "(v, s).")
    check_split = function_exercise(
        "split(x)", lambda x: (2 * x, x.sum()), [Case("a vector", np.array([1.0, 2.0]))], title="split",
        doc="d", pack=pack, shown_as=" (shown as [v..., s])", default_hint="Double x, then sum it.")
    assert check_split(lambda x: (2 * x, x.sum())).passed
    wrong = check_split(lambda x: (x, x.sum()))
    assert wrong.message.endswith("(shown as [v..., s])") and wrong.hint == "Double x, then sum it."
    assert "should return the pair (v, s)." in repr(check_split(lambda x: 2 * x))


def test_function_checker_answers_stubs_and_non_functions_before_its_check():
    import inspect

    from dlmath.exercises.checking import function_checker

    @function_checker("thing", "thing(x)", name_type=False)
    def check_thing(thing=...):
        """Check thing."""
        return Feedback("correct", "thing", f"ran on {thing.__name__}")

    assert check_thing.__name__ == "check_thing" and check_thing.__doc__ == "Check thing."
    assert str(inspect.signature(check_thing)) == "(thing=Ellipsis)"
    assert check_thing().status == "not attempted" and check_thing(None).status == "not attempted"
    refused = check_thing(3)
    assert "expects a function, but received 3." in repr(refused) and "Pass the function itself" in repr(refused)
    assert "ran on len" in repr(check_thing(len)) and check_thing(thing=len).passed


def test_one_slip_each_makes_a_wrong_answer_per_slip_in_order():
    from dlmath.exercises.checking import one_slip_each

    def variant(*, double=False, negate=False):
        return lambda x: (2 if double else 1) * (-1 if negate else 1) * x

    mistakes = one_slip_each(variant, double="Twice too large.", negate="Sign error.")
    assert [hint for _, hint in mistakes] == ["Twice too large.", "Sign error."]
    assert [wrong(3.0) for wrong, _ in mistakes] == [6.0, -3.0]
    assert "Sign error." in repr(grade(lambda x: -x, mistakes=mistakes))


def test_repr_and_html_are_deterministic_and_escaped():
    fb = Feedback("incorrect", "a <b>", "x < y", details=[("received", "[1, 2]")], hint="use & not and")
    assert repr(fb) == repr(Feedback("incorrect", "a <b>", "x < y", details=[("received", "[1, 2]")],
                                     hint="use & not and"))
    html = fb._repr_html_()
    assert "a &lt;b&gt;" in html and "&amp;" in html and " id=" not in html
    assert "0x" not in repr(grade(lambda x: object()))


def test_format_value_is_stable():
    assert format_value(np.array([1 / 3, 2.0])) == "[0.3333, 2.    ]  (shape (2,))"
    assert format_value(0.1 + 0.2) == "0.3"
    assert format_value(3) == "3"
    assert "shape (100,)" in format_value(np.arange(100.0)) and "..." in format_value(np.arange(100.0))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(dtype=np.float64, shape=hnp.array_shapes(max_dims=3, max_side=4),
                  elements=st.floats(allow_nan=True, allow_infinity=True, width=64)))
def test_any_returned_array_gives_feedback(array):
    fb = grade(lambda x: array)
    assert isinstance(fb, Feedback)
    repr(fb), fb._repr_html_()


def test_a_known_wrong_answer_that_gives_nan_gets_its_own_hint():
    import numpy as np
    from dlmath.exercises import Case, grade_function

    feedback = grade_function(
        lambda p: np.array([np.nan]), lambda p: np.array([0.0]), [Case("p = 0", np.array([0.0]))],
        title="entropy", mistakes=[(lambda p: np.array([np.nan]), "0 log 0 is taken to be 0")],
    )
    assert not feedback.passed and "0 log 0 is taken to be 0" in repr(feedback)


# --- issue 14: fair tolerances, any numeric type, no give-away hints ---------------------------

from decimal import Decimal  # noqa: E402
from fractions import Fraction  # noqa: E402

from dlmath.exercises import checking  # noqa: E402


@pytest.mark.parametrize("answer", [0.7, Fraction(7, 10), Decimal("0.7"), np.float32(0.7), np.float64(0.7),
                                    [0.7], (0.7,), np.array([0.7]), np.array([[0.7]]), 0.70004, 0.7004])
def test_any_numeric_type_of_a_right_value_passes(answer):
    assert grade_value(answer, 0.7, title="v").passed


@pytest.mark.parametrize("answer, expected, digits, passes", [
    (1.609, np.log(5), 3, True), (1.61, np.log(5), 3, True), (1.6, np.log(5), 3, False),
    (0.818, 1 / (1 + np.exp(-1.5)), 3, True), (0.81746, 1 / (1 + np.exp(-1.5)), 3, True),
    (0.8165, 1 / (1 + np.exp(-1.5)), 3, False), (2.0, 2.0, 3, True), (1.99, 2.0, 3, False),
    (1.995, 2.0, 3, True), (0.004, 0.0, 3, True), (0.01, 0.0, 3, False), (1234.4, 1234.0, 4, True),
])
def test_significant_digits_accept_what_the_text_promises(answer, expected, digits, passes):
    assert grade_value(answer, expected, title="v", digits=digits).passed is passes


def test_close_but_outside_gets_a_hint_without_digits():
    feedback = grade_value(1.6, np.log(5), title="v")
    assert "Close, but not within" in repr(feedback) and "1.609" not in repr(feedback) + feedback._repr_html_()
    far = grade_value(3.0, np.log(5), title="v")
    assert "Close" not in repr(far)


def test_value_hints_never_give_a_sign_or_a_factor_away():
    for wrong in (-7, 14, 3.5, 70):
        text = repr(grade_value(wrong, 7, title="count", integer=True, batch_size=10))
        for giveaway in ("negative", "times", "multiple", "Sign"):
            assert giveaway not in text, text


def test_integer_answers_are_exact():
    assert grade_value(7, 7, title="n", integer=True).passed
    assert grade_value(7.0, 7, title="n", integer=True).passed
    feedback = grade_value(7.0004, 7, title="n", integer=True)
    assert not feedback.passed and "whole number" in repr(feedback)
    exact = grade_function(lambda x: (x > 0) * 1.0004, lambda x: (x > 0).astype(int),
                           [Case("three numbers", np.array([1.0, -1.0, 2.0]))], title="classes", exact=True)
    assert not exact.passed and "compared exactly" in repr(exact)


def test_forbidden_mutation_is_named_and_allowed_mutation_is_noted():
    def doubles_in_place(x):
        x *= 2
        return x

    forbidden = grade(doubles_in_place, forbid_mutation=True)
    assert not forbidden.passed and "changed its argument `x` in place" in repr(forbidden)
    allowed = grade(doubles_in_place)
    assert allowed.passed and "in place" in repr(allowed)


def test_partial_and_printed_answers_are_not_called_unattempted():
    pair = [Case("a vector", np.array([1.0, 2.0]))]
    reference = lambda x: np.stack([x, 2 * x])  # noqa: E731
    partial = grade_function(lambda x: (x, None), reference, pair, title="pair",
                             unpack=lambda r: np.stack(r), part_names=("first", "second"))
    assert partial.status == "incorrect" and "partly done" in repr(partial).lower() and "second" in repr(partial)

    def prints(x):
        print(2 * x)

    printed = grade(prints)
    assert printed.status == "incorrect" and "printed" in repr(printed) and "return" in printed.hint


def test_an_endless_loop_is_stopped_and_the_alarm_restored(monkeypatch):
    import signal
    import time

    monkeypatch.setattr(checking, "TIME_LIMIT", 0.3)
    handler = signal.getsignal(signal.SIGALRM)

    def endless(x):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # the learner's own error handling cannot swallow the time limit
                pass

    start = time.perf_counter()
    feedback = grade(endless)
    assert feedback.status == "incorrect" and "did not finish within 0.3 seconds" in repr(feedback)
    assert time.perf_counter() - start < 5
    assert signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert grade(lambda x: 2 * x).passed  # and checking works normally afterwards


def test_random_cases_are_reproducible_and_change_with_the_seed():
    seen = []

    def spy(x):
        seen.append(x.copy())
        return 2 * x

    draw = lambda rng: Case("random", rng.normal(size=3))  # noqa: E731
    first = grade_function(spy, _ref, CASES, title="double", random_cases=draw, n_random=5)
    assert first.passed and f"All {len(CASES) + 5} cases pass" in repr(first)
    run1, seen[:] = list(seen), []
    grade_function(spy, _ref, CASES, title="double", random_cases=draw, n_random=5)
    assert all(np.array_equal(a, b) for a, b in zip(run1, seen))
    seen.clear()
    with checking.seeded(1):
        grade_function(spy, _ref, CASES, title="double", random_cases=draw, n_random=5)
    assert not np.array_equal(run1[-1], seen[-1])


def test_show_results_lists_the_lesson_and_points_to_the_quiz():
    from dlmath.exercises import show_results
    from dlmath.exercises.gradient_descent import check_gradient_step, check_largest_stable_learning_rate

    from dlmath.exercises import gradient_descent

    total = sum(name.startswith("check_") for name in dir(gradient_descent))  # the lesson's checkers
    saved = dict(checking.RESULTS)
    checking.RESULTS.clear()
    try:
        check_gradient_step(lambda w, g, lr: w - lr * g)
        check_largest_stable_learning_rate(0.3)
        text = repr(show_results("gradient-descent"))
        lines = text.splitlines()
        assert f"1 of {total} passed" in lines[0]
        assert "✔ gradient step" in lines[1] and "✘ largest stable learning rate" in lines[2]
        assert "not attempted yet" in text and "quiz" in lines[-1]
        assert 'href="#quiz-gradient-descent"' in show_results("gradient-descent")._repr_html_()
        assert not any(ch.isdigit() for ch in "".join(lines[1:]))  # nothing CPU-dependent
        check_largest_stable_learning_rate(0.5)
        assert f"all {total}" not in repr(show_results("gradient-descent"))
        assert f"2 of {total} passed" in repr(show_results("gradient-descent"))
    finally:
        checking.RESULTS.clear()
        checking.RESULTS.update(saved)
    with pytest.raises(ValueError, match="calculus"):
        show_results("no-such-lesson")


@pytest.mark.slow
def test_the_time_limit_works_in_a_jupyter_kernel_and_leaves_it_usable():
    """ipykernel runs cells in the main thread, where the SIGALRM limit applies; the kernel survives."""
    import sys

    from kernels import IpcKernelManager  # tools/kernels.py: Unix sockets, no port to lose

    manager = IpcKernelManager(kernel_name="python3")
    manager.start_kernel(extra_arguments=[], cwd=str(__import__("pathlib").Path(__file__).parent),
                         env={**__import__("os").environ, "PYTHONPATH": ":".join(sys.path)})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    try:
        def run(code):
            outputs = []

            def hook(message):
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    outputs.append(content["text"])
                elif kind in ("execute_result", "display_data"):
                    outputs.append(content["data"]["text/plain"])
                elif kind == "error":
                    outputs.append("ERROR " + content["ename"])

            reply = client.execute_interactive(code, output_hook=hook, timeout=120)
            assert reply["content"]["status"] == "ok", outputs
            return "".join(outputs)

        run("from dlmath.exercises import checking, gradient_descent as ex\nchecking.TIME_LIMIT = 1\n")
        text = run("def step(w, grad, learning_rate):\n    while True:\n        pass\nex.check_gradient_step(step)")
        assert "did not finish within 1 seconds" in text, text
        text = run("import signal\nprint(signal.getitimer(signal.ITIMER_REAL), "
                   "signal.getsignal(signal.SIGALRM) == signal.SIG_DFL)\n"
                   "ex.check_gradient_step(lambda w, grad, learning_rate: w - learning_rate * grad)")
        assert "(0.0, 0.0) True" in text and "All" in text and "pass" in text, text
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
