"""Every lesson is a jupytext pair in sync, stored freshly executed, and has the course's shape.

nbval (run on lessons/*.ipynb by the same `pytest`) then checks that the stored outputs are
reproduced by a new run. The shape rules are those of CONTRIBUTING.md.
"""

import re
from pathlib import Path

import pytest
import yaml

import lesson_pairs

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md"))
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]-*.md"))


def toc_files() -> set[str]:
    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections", []))
            yield from walk(entry.get("chapters", []))

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {toc["root"], *walk(toc.get("parts", []))}


def ids(paths):
    return [path.stem for path in paths]


@pytest.mark.parametrize("md", LESSONS, ids=ids(LESSONS))
def test_pair_in_sync(md):
    assert lesson_pairs.sync_problems(md) == []


@pytest.mark.parametrize("md", LESSONS, ids=ids(LESSONS))
def test_stored_notebook_is_one_fresh_run(md):
    assert lesson_pairs.freshness_problems(lesson_pairs.twin(md)) == []


@pytest.mark.parametrize("md", LESSONS, ids=ids(LESSONS))
def test_compared_outputs_print_no_roundoff(md):
    """Strict nbval compares these outputs on two CPUs: no digits that only round-off decides."""
    assert lesson_pairs.roundoff_problems(lesson_pairs.twin(md)) == []


@pytest.mark.parametrize("md", LESSONS + CHAPTERS, ids=ids(LESSONS) + [f"book-{p.stem}" for p in CHAPTERS])
def test_page_is_in_the_table_of_contents(md):
    assert str(md.relative_to(ROOT).with_suffix("")) in toc_files()


@pytest.mark.parametrize("md", CHAPTERS, ids=ids(CHAPTERS))
def test_every_chapter_has_its_lesson(md):
    assert (ROOT / "lessons" / md.name).exists(), f"chapter {md.name} has no lesson"


def lacks(text: str, requirements: list[tuple[str, str]]) -> list[str]:
    """The descriptions of the (description, regex) requirements that ``text`` does not meet."""
    return [what for what, pattern in requirements if not re.search(pattern, text)]


@pytest.mark.parametrize("md", LESSONS, ids=ids(LESSONS))
def test_lesson_has_the_course_shape(md):
    missing = lacks(md.read_text(), [
        ("a learning-objectives box", r"Learning objectives"),
        ("a time estimate", r"\d+\s*minutes"),
        ("at least three exercises", r"(?s)(\{exercise\}.*){3}"),
        ("a solution for each exercise", r"(?s)(\{(solution|solution-start)\}.*){3}"),
        ("a coded exercise checked by dlmath.exercises", r"\bcheck_\w+\("),
        ("a quiz", r"show_quiz\("),
        ("a summary of the learner's exercise results", r"show_results\("),
        ("a live slider demo", r"\w+_demo\(\)"),
        ("a kernel-free animation", r"\w+_animation\("),
        ("a summary", r"(?m)^## Summary"),
    ])
    assert not missing, f"{md.name} lacks " + ", ".join(missing)


@pytest.mark.parametrize("md", CHAPTERS, ids=ids(CHAPTERS))
def test_chapter_has_the_course_shape(md):
    missing = lacks(md.read_text(), [
        ("learning objectives", r"Learning objectives"),
        ("prerequisites", r"Prerequisites"),
        ("a numbered equation", r"\$\$\s*\((eq-[\w-]+)\)"),
        ("executed code", r"\{code-cell\}"),
        ("a summary", r"(?m)^## Summary"),
    ])
    assert not missing, f"{md.name} lacks " + ", ".join(missing)


@pytest.mark.parametrize("md", LESSONS, ids=ids(LESSONS))
def test_lesson_runs_without_the_book_toolchain(md):
    """A learner's kernel has requirements.txt only: lessons glue through dlmath.glue, not myst_nb."""
    assert not re.search(r"(?m)^\s*(from myst_nb|import myst_nb)", md.read_text()), (
        f"{md.name} imports myst_nb, which a learner's kernel lacks: use `from dlmath.glue import glue`"
    )
