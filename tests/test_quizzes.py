"""Every quiz shipped in dlmath/exercises/quizzes is valid jupyterquiz input, with answers hidden."""

import base64
import json

import pytest

from dlmath.exercises.quiz import encode_quiz, hidden_quiz_element, load_quiz, quiz_slugs, validate_quiz

SLUGS = quiz_slugs()


def test_the_example_quiz_exists():
    assert "gradient-descent" in SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_quiz_is_valid(slug):
    questions = load_quiz(slug)
    assert validate_quiz(questions) == []
    types = {q["type"] for q in questions}
    assert types & {"multiple_choice", "many_choice"}, "at least one choice question"


def test_validator_catches_problems():
    bad = [{"question": "q", "type": "essay", "answers": [{"answer": "a", "correct": True}]}]
    problems = " | ".join(validate_quiz(bad))
    assert "at least 4" in problems and "essay" in problems and "feedback" in problems
    numeric = {"question": "q", "type": "numeric",
               "answers": [{"type": "range", "range": [2, 1], "correct": True, "feedback": "f"}]}
    assert any("range" in p for p in validate_quiz([numeric] * 4))


@pytest.mark.parametrize("slug", SLUGS)
def test_answers_are_hidden_in_the_displayed_html(slug):
    questions = load_quiz(slug)
    element = hidden_quiz_element(slug, questions)
    for q in questions:
        for a in q["answers"]:
            assert a["feedback"] not in element
    encoded = element.split(">", 1)[1].split("<", 1)[0]
    assert json.loads(base64.b64decode(encoded)) == questions
    assert encoded == encode_quiz(questions)


def test_show_quiz_outputs_hide_the_answers(monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    import jupyterquiz.dynamic.display as jq
    monkeypatch.setattr(jq, "display", lambda *objs, **kw: shown.extend(objs))
    from dlmath.exercises import show_quiz
    show_quiz("gradient-descent")
    page = "".join(getattr(o, "data", "") or "" for o in shown)
    assert 'id="dlmath-quiz-gradient-descent"' in page and "show_questions" in page
    for q in load_quiz("gradient-descent"):
        for a in q["answers"]:
            assert a["feedback"] not in page


def test_unknown_slug_lists_the_known_ones():
    with pytest.raises(FileNotFoundError, match="gradient-descent"):
        load_quiz("no-such-lesson")


# --- numeric answers: does each feedback fire on the answer it is written for? -------------------

import math  # noqa: E402


def _to_precision(x, digits):
    """JavaScript's Number(x.toPrecision(digits))."""
    return float(f"{x:.{digits - 1}e}")


def jupyterquiz_numeric_match(question, typed):
    """The index of the answer whose feedback jupyterquiz shows for the typed text (None: the default).

    A transcription of check_numeric in jupyterquiz's js/numeric.js (2.9): "a/b" is divided,
    the submission is rounded to `precision` significant digits, then the first answer matches
    whose value (rounded the same way) is equal, or whose range [low, high) holds it.
    """
    if "/" in typed:
        top, bottom = typed.split("/")
        submission = float(top) / float(bottom)
    else:
        submission = float(typed)
    precision = question.get("precision")
    if precision and precision > 0:
        submission = _to_precision(submission, precision)
    for index, answer in enumerate(question["answers"]):
        if "value" in answer:
            value = _to_precision(answer["value"], precision) if "precision" in question else answer["value"]
            if submission == value:
                return index
        elif "range" in answer:
            low, high = answer["range"]
            if low <= submission < high:
                return index
    return None


#: What a learner types to reach each answer: (quiz, question, answer) -> inputs. Every range
#: answer must be listed (its intended answer is not written in the quiz file); value answers
#: are also tried with their own value.
INTENDED = {
    ("probability", 0, 0): ["0.1538", "0.009/0.0585", str(0.009 / 0.0585)],
    ("probability", 0, 1): ["0.9", "0.90"],
    ("probability", 0, 2): ["0.95"],
    ("probability", 0, 3): ["0.009", "0.0090"],
    ("probability", 1, 1): [str(math.log(4)), "1.386", "1.39"],  # nats: ln 4 = 1.386..., shown as 1.39
    ("training-criterion", 0, 0): [str(-math.log(0.9)), "0.1054"],
    ("training-criterion", 0, 1): [str(-math.log(0.1))],
    ("training-criterion", 0, 3): [str(-math.log10(0.9))],
    ("training-criterion", 4, 0): [str(math.log(2))],
    ("boltzmann-machines", 0, 1): ["1/3", str(1 / 3)],
    ("boltzmann-machines", 0, 2): [str(math.log(3))],
    ("calculus", 4, 2): [str(math.sqrt(20))],
    ("in-practice", 4, 0): [str(4 ** 10)],
}


def _numeric_answers():
    for slug in SLUGS:
        for q_index, question in enumerate(load_quiz(slug)):
            if question["type"] != "numeric":
                continue
            for a_index, answer in enumerate(question["answers"]):
                if "value" in answer or "range" in answer:
                    yield slug, q_index, a_index, question, answer


NUMERIC = list(_numeric_answers())


@pytest.mark.parametrize("slug, q_index, a_index, question, answer", NUMERIC,
                         ids=[f"{s}-Q{q + 1}-A{a + 1}" for s, q, a, *_ in NUMERIC])
def test_each_numeric_feedback_fires_on_its_intended_answer(slug, q_index, a_index, question, answer):
    inputs = list(INTENDED.get((slug, q_index, a_index), []))
    if "range" in answer:
        assert inputs, f"list the answer that {slug} Q{q_index + 1} range {answer['range']} is for in INTENDED"
    else:
        inputs.append(repr(answer["value"]))
    for typed in inputs:
        matched = jupyterquiz_numeric_match(question, typed)
        assert matched == a_index, (f"{slug} Q{q_index + 1}: typing {typed} shows answer {matched}'s feedback, "
                                    f"not {answer.get('feedback', '')[:60]!r}")


def test_the_feedback_check_catches_a_range_that_cannot_fire():
    """The old nats range [1.38, 1.39) at precision 3 never fired: ln 4 is entered as 1.39."""
    question = {"type": "numeric", "precision": 3, "answers": [
        {"type": "value", "value": 2, "correct": True, "feedback": "bits"},
        {"type": "range", "range": [1.38, 1.39], "correct": False, "feedback": "nats"}]}
    assert jupyterquiz_numeric_match(question, str(math.log(4))) is None
    question["answers"][1]["range"] = [1.38, 1.395]
    assert jupyterquiz_numeric_match(question, str(math.log(4))) == 1


def test_stated_conventions_in_the_fixed_questions():
    """Keys fixed in issue 14: each question states what its answers assume."""
    weight_decay = load_quiz("in-practice")[2]
    assert "\\lambda \\lVert W \\rVert^2" in weight_decay["question"] and "no" in weight_decay["question"]
    boltzmann = load_quiz("boltzmann-machines")[1]
    assert "/T}" in boltzmann["question"] and all("/ T" in a["answer"] or "/T" in a["answer"]
                                                   for a in boltzmann["answers"][:3])
    zigzag = next(a for a in load_quiz("gradient-descent")[3]["answers"] if a["correct"])
    assert "1/\\lambda_{\\max}" in zigzag["answer"] and "close to the stability limit" not in zigzag["answer"]
