"""Self-assessment is complete: every part's "Check yourself" page links every exercise and quiz.

Counts are asserted here too (issue: at least three exercises per lesson with solutions, a
coded one, a quiz of at least four questions, two checkers per lesson).
"""

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = ROOT / "dlmath" / "exercises" / "quizzes"


def parts() -> dict[str, list[str]]:
    """Caption of each part of the book -> the files in it, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    result = {}
    for part in toc["parts"]:
        files = []
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files += [section["file"] for section in chapter.get("sections", [])]
        result[part["caption"]] = files
    return result


def lessons_of(files):
    return [ROOT / f"{name}.md" for name in files if name.startswith("lessons/")]


def exercise_labels(text: str) -> list[str]:
    return re.findall(r"\{exercise(?:-start)?\}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)", text)


def linked(label: str, text: str) -> bool:
    """True when ``text`` has a {ref} or {numref} role pointing at ``label``."""
    return re.search(rf"\{{(?:ref|numref)\}}`(?:[^`]*<)?{re.escape(label)}>?`", text) is not None


def topic(lesson: Path) -> str:
    """lessons/05-perceptrons.md -> perceptrons"""
    return lesson.stem.split("-", 1)[1].replace("-", "_")


PARTS_WITH_LESSONS = {caption: files for caption, files in parts().items() if lessons_of(files)}


def review_pages(caption: str) -> list[str]:
    """The check-yourself pages of "Part II: ...", which sit in the part "Review of Part II"."""
    review = parts().get(f"Review of {caption.split(':')[0]}", [])
    return [name for name in review if name.startswith("book/check-yourself")]
LESSONS = [lesson for files in PARTS_WITH_LESSONS.values() for lesson in lessons_of(files)]


@pytest.mark.parametrize("caption", sorted(PARTS_WITH_LESSONS))
def test_each_part_has_a_check_yourself_page_linking_all_its_exercises_and_quizzes(caption):
    files = PARTS_WITH_LESSONS[caption]
    pages = review_pages(caption)
    assert pages, f"{caption!r} has lessons but no 'Review of ...' part with a check-yourself page"
    text = (ROOT / f"{pages[0]}.md").read_text()
    for lesson in lessons_of(files):
        for label in exercise_labels(lesson.read_text()):
            assert linked(label, text), f"{pages[0]} does not link exercise {label} of {lesson.name}"
        quiz_label = f"quiz-{lesson.stem.split('-', 1)[1]}"
        assert quiz_label in lesson.read_text(), f"{lesson.name} has no ({quiz_label})= label on its quiz"
        assert linked(quiz_label, text), f"{pages[0]} does not link the quiz of {lesson.name}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.stem for lesson in LESSONS])
def test_each_lesson_has_its_exercises_checkers_and_quiz(lesson):
    text = lesson.read_text()
    labels = exercise_labels(text)
    assert len(labels) >= 3, f"{lesson.name}: {len(labels)} exercises, want at least 3"
    for label in labels:
        assert re.search(rf"\{{solution(?:-start)?\}}\s+{re.escape(label)}\b", text), (
            f"{lesson.name}: exercise {label} has no solution"
        )
    module = importlib.import_module(f"dlmath.exercises.{topic(lesson)}")
    checkers = [name for name, _ in inspect.getmembers(module, inspect.isfunction)
                if name.startswith("check_") and _.__module__ == module.__name__]
    assert len(checkers) >= 2, f"dlmath.exercises.{topic(lesson)} has {len(checkers)} checkers"
    assert any(f"{name}(" in text for name in checkers), f"{lesson.name} uses none of {checkers}"
    slug = lesson.stem.split("-", 1)[1]
    assert f'show_quiz("{slug}")' in text, f'{lesson.name} does not show_quiz("{slug}")'
    questions = json.loads((QUIZZES / f"{slug}.json").read_text())
    assert len(questions) >= 4
