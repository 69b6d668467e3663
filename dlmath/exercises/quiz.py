"""Show a lesson's quiz with jupyterquiz, answers hidden from the page source.

Quizzes live in ``dlmath/exercises/quizzes/<lesson-slug>.json`` and ship
with the package, so ``show_quiz("gradient-descent")`` works from any
working directory (JupyterLab, Binder, Colab, the book build, nbval).

The file is a list of questions in jupyterquiz's format::

    {"question": "...", "type": "multiple_choice",      # or "many_choice"
     "answers": [{"answer": "...", "correct": true, "feedback": "..."}, ...]}
    {"question": "...", "type": "numeric", "precision": 3,
     "answers": [{"type": "value", "value": 0.5, "correct": true, "feedback": "..."},
                 {"type": "range", "range": [0, 0.5], "correct": false, "feedback": "..."},
                 {"type": "default", "feedback": "..."}]}

Text may contain $...$ maths. ``validate_quiz`` lists format problems.

Hiding the answers: jupyterquiz can read its questions from a page element
holding base64-encoded JSON (``display_quiz("#element-id")``). ``show_quiz``
displays such a hidden element and then the quiz, so neither the correct
answers nor their feedback appear as plain text in the notebook or the HTML
page (base64 keeps honest learners honest; it is not encryption).

In a lesson, put the call in a cell tagged ``remove-input`` (the book shows
only the quiz) and ``nbval-ignore-output``: jupyterquiz's output contains
random element ids, so it differs at every run.
"""

from __future__ import annotations

import base64
import html
import random
import json
from importlib import resources

QUESTION_TYPES = ("multiple_choice", "many_choice", "numeric")
MIN_QUESTIONS = 4


def quiz_slugs() -> list[str]:
    """The slugs of every quiz shipped with the package, sorted."""
    folder = resources.files(__package__).joinpath("quizzes")
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_quiz(slug: str) -> list[dict]:
    """Read ``quizzes/<slug>.json`` from the package and return its questions."""
    path = resources.files(__package__).joinpath("quizzes", f"{slug}.json")
    if not path.is_file():
        known = ", ".join(quiz_slugs())
        raise FileNotFoundError(f"No quiz named {slug!r}; the quizzes are: {known}")
    return json.loads(path.read_text(encoding="utf-8"))


def encode_quiz(questions: list[dict]) -> str:
    """Base64 of the questions' JSON (ASCII-escaped, so the browser's atob decodes it intact)."""
    text = json.dumps(questions, ensure_ascii=True, separators=(",", ":"))
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def hidden_quiz_element(slug: str, questions: list[dict]) -> str:
    """HTML of an invisible element that holds the encoded questions."""
    element_id = f"dlmath-quiz-{html.escape(slug)}"
    return (f'<span id="{element_id}" class="{element_id}" style="display:none">'
            f"{encode_quiz(questions)}</span>")


def show_quiz(slug: str, shuffle_answers: bool = True) -> None:
    """Display the quiz ``quizzes/<slug>.json`` with jupyterquiz, answers hidden.

    Tag the cell ``remove-input`` and ``nbval-ignore-output`` (see the module docstring).
    """
    from IPython.display import HTML, display
    from jupyterquiz import display_quiz

    questions = load_quiz(slug)
    display(HTML(hidden_quiz_element(slug, questions)))
    # jupyterquiz names its elements with the global `random`: seed it from the quiz name for
    # this call only, so a re-run stores the same page (and the learner's own random is untouched).
    saved = random.getstate()
    random.seed(f"dlmath-quiz-{slug}")
    try:
        display_quiz(f"#dlmath-quiz-{slug}", shuffle_answers=shuffle_answers)
    finally:
        random.setstate(saved)


def validate_quiz(questions) -> list[str]:
    """Return a list of problems with a quiz (empty when it is well formed).

    Checks what jupyterquiz needs (a type it knows, question text, answers)
    and what the course asks (at least four questions, feedback on every
    answer, at least one correct answer per question).
    """
    problems = []
    if not isinstance(questions, list):
        return ["the quiz must be a JSON list of questions"]
    if len(questions) < MIN_QUESTIONS:
        problems.append(f"only {len(questions)} questions; at least {MIN_QUESTIONS} are needed")
    for number, q in enumerate(questions, start=1):
        where = f"question {number}"
        if not isinstance(q, dict):
            problems.append(f"{where}: not an object")
            continue
        if q.get("type") not in QUESTION_TYPES:
            problems.append(f"{where}: type {q.get('type')!r} is not one of {QUESTION_TYPES}")
        if not isinstance(q.get("question"), str) or not q["question"].strip():
            problems.append(f"{where}: missing question text")
        answers = q.get("answers")
        if not isinstance(answers, list) or not answers:
            problems.append(f"{where}: missing answers")
            continue
        for a_number, a in enumerate(answers, start=1):
            label = f"{where}, answer {a_number}"
            if not isinstance(a, dict):
                problems.append(f"{label}: not an object")
                continue
            if not isinstance(a.get("feedback"), str) or not a["feedback"].strip():
                problems.append(f"{label}: missing feedback")
            if q.get("type") == "numeric":
                problems.extend(_numeric_answer_problems(a, label))
            elif not isinstance(a.get("answer"), str) or not isinstance(a.get("correct"), bool):
                problems.append(f"{label}: needs 'answer' (text) and 'correct' (true/false)")
        n_correct = sum(1 for a in answers if isinstance(a, dict) and a.get("correct") is True)
        if n_correct == 0:
            problems.append(f"{where}: no correct answer")
        if q.get("type") == "multiple_choice" and n_correct > 1:
            problems.append(f"{where}: multiple_choice with {n_correct} correct answers (use many_choice)")
        if q.get("type") == "numeric" and "precision" in q and not (
                isinstance(q["precision"], int) and q["precision"] > 0):
            problems.append(f"{where}: precision must be a positive integer")
    return problems


def _numeric_answer_problems(a, label):
    kind = a.get("type")
    if kind == "value":
        ok = isinstance(a.get("value"), (int, float)) and isinstance(a.get("correct"), bool)
        return [] if ok else [f"{label}: a 'value' answer needs a number 'value' and 'correct'"]
    if kind == "range":
        r = a.get("range")
        ok = (isinstance(r, list) and len(r) == 2 and all(isinstance(x, (int, float)) for x in r)
              and r[0] < r[1] and isinstance(a.get("correct"), bool))
        return [] if ok else [f"{label}: a 'range' answer needs 'range': [low, high] with low < high, and 'correct'"]
    if kind == "default":
        return []
    return [f"{label}: numeric answers have type 'value', 'range' or 'default', not {kind!r}"]
