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


@pytest.mark.slow
def test_built_book_page_does_not_show_the_answers(tmp_path):
    """Build a one-page Jupyter Book that shows the quiz; no feedback may appear in any built file."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "_config.yml").write_text("title: quiz\nexecute:\n  execute_notebooks: force\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: quiz\n")
    (tmp_path / "quiz.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n---\n# Quiz\n\n"
        "```{code-cell} ipython3\n:tags: [remove-input, nbval-ignore-output]\n"
        "from dlmath.exercises import show_quiz\nshow_quiz(\"gradient-descent\")\n```\n")
    book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    subprocess.run([book, "build", str(tmp_path), "-W", "-n", "--keep-going"], check=True,
                   capture_output=True, timeout=600)
    page = (tmp_path / "_build" / "html" / "quiz.html").read_text()
    assert 'id="dlmath-quiz-gradient-descent"' in page and "show_questions" in page
    texts = [a["feedback"] for q in load_quiz("gradient-descent") for a in q["answers"]]
    texts += [q["question"] for q in load_quiz("gradient-descent")]
    for path in (tmp_path / "_build" / "html").rglob("*"):
        if path.is_file():
            content = path.read_text(errors="ignore")
            for text in texts:
                assert text[:40] not in content, f"{text[:40]!r} readable in {path.name}"
