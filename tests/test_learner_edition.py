"""The learner edition of every lesson (tools/learner_edition.py) works where learners run it.

- It is in sync with its lesson source and stored as one fresh run (nbval, run on
  lessons/learner/*.ipynb by the same `pytest`, then checks that a new run reproduces it).
- Stored blank: no cell failed, every check says "not attempted", none passes.
- With each exercise's reference solution put into its stub cell, every check passes
  (tests/test_colab.py, in a Colab-like runtime).
- Its markdown is plain CommonMark + HTML: no MyST directive, role, label or option line is left,
  and links to other pages point into the published book.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import learner_edition
import lesson_pairs
from dlmath.exercises import feedback

ROOT = Path(__file__).resolve().parents[1]
LESSONS = learner_edition.lesson_sources(ROOT)
IDS = [md.stem for md in LESSONS]

# MyST that a notebook front-end shows as raw text.
MYST_ONLY = {
    "a directive fence": re.compile(r"^\s*(?:>\s*)*(?::{3,}|`{3,})\{[\w-]+\}", re.M),
    "a role": re.compile(r"\{[a-zA-Z][\w:.-]*\}`"),
    "a (label)= line": re.compile(r"^\s*\([^()\s]+\)=\s*$", re.M),
    "a directive option line": re.compile(r"^\s*(?:>\s*)*:(?:class|label|tags|name|dropdown):", re.M),
    "an equation label after $$": re.compile(r"\$\$\s*\([^()\s]+\)"),
    "a substitution": re.compile(r"\{\{[^}]*\}\}"),
    "a relative link to a .md page": re.compile(r"\]\((?!https?://)[^)\s]*\.md(?:#[^)]*)?\)"),
}


def test_learner_notebooks_lists_every_lesson():
    names = [path.name for path in learner_edition.learner_notebooks(ROOT)]
    assert names == [md.with_suffix(".ipynb").name for md in LESSONS]
    assert all(path.parent.name == "learner" for path in learner_edition.learner_notebooks(ROOT))


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_in_sync_with_its_lesson_and_fresh(md):
    assert learner_edition.sync_problems(md, ROOT) == []
    assert lesson_pairs.freshness_problems(learner_edition.learner_path(md)) == []


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_stored_blank_run_has_no_error_and_no_passed_check(md):
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    assert learner_edition.errors(notebook) == []
    statuses = learner_edition.check_statuses(notebook)
    assert statuses, "no checker output found: did the feedback format change?"
    passed = [index for index, status in statuses if status == feedback.CORRECT]
    assert passed == [], f"checks pass with nothing answered, in cells {passed}"
    assert {status for _, status in statuses} == {feedback.NOT_ATTEMPTED}, statuses
    for headline in learner_edition.results_headlines(notebook):
        assert "Exercises of this lesson: 0 of" in headline, headline


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_solutions_are_closed_and_never_run(md):
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    solutions = [c for c in notebook.cells if c.cell_type == "markdown"
                 and c.source.startswith("<details>\n<summary>Solution")]
    assert len(solutions) >= 3
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert "<details open" not in cell.source
    # Every stub the learner fills is still a stub after Run All.
    stubs = [name for cell in notebook.cells for name in learner_edition.stub_names(cell)]
    assert stubs, "no exercise stub found"


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_markdown_is_plain_commonmark(md):
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"```.*?```", "", cell.source, flags=re.S)  # code shown in solutions
        text = re.sub(r"`[^`\n]+`", "", text)                      # inline code
        for what, pattern in MYST_ONLY.items():
            if match := pattern.search(text):
                problems.append(f"cell {index}: {what}: {match.group(0)!r}")
        opened, closed = cell.source.count("<details>"), cell.source.count("</details>")
        if opened != closed:
            problems.append(f"cell {index}: {opened} <details> but {closed} </details>")
    assert problems == []


def test_markdown_translation_of_each_construct(tmp_path):
    """One lesson with every construct the lessons use, translated and checked line by line."""
    ctx = learner_edition.Context(ROOT / "lessons" / "01-calculus.md", ROOT)
    renderer = learner_edition.Renderer(ctx)
    text = renderer.render(
        "(my-label)=\n## Title\n\n"
        ":::{admonition} Learning objectives\n:class: tip\nLearn $x$.\n:::\n\n"
        "::::{exercise}\n:label: ex-x\n\nDo it, see [the chapter](../book/01-calculus.md).\n\n"
        ":::{admonition} Hint 1\n:class: dropdown hint\nA nudge.\n:::\n::::\n\n"
        ":::{solution} ex-x\n:class: dropdown\nThe answer.\n:::\n\n"
        ":::{note}\nA note.\n:::\n\n"
        "```python\n:::{not-a-directive}\n```\n"
    )
    base = learner_edition.book_url(ROOT)
    assert text.startswith("## Title\n\n> **Learning objectives**\n>\n> Learn $x$.\n")
    assert f"> **Exercise 1**\n>\n> Do it, see [the chapter]({base}book/01-calculus.html).\n" in text
    assert "<details>\n<summary>Hint 1</summary>\n\nA nudge.\n\n</details>" in text
    assert "<details>\n<summary>Solution to exercise 1</summary>\n\nThe answer.\n\n</details>" in text
    assert "> **Note**\n>\n> A note." in text
    assert "```python\n:::{not-a-directive}\n```" in text  # code blocks are left alone
    assert "(my-label)=" not in text


def test_unknown_myst_is_an_error_naming_the_lesson():
    ctx = learner_edition.Context(ROOT / "lessons" / "01-calculus.md", ROOT)
    with pytest.raises(learner_edition.LearnerEditionError, match=r"01-calculus.*\{figure\}"):
        learner_edition.Renderer(ctx).render(":::{figure} x.png\nA figure.\n:::\n")
    with pytest.raises(learner_edition.LearnerEditionError, match=r"role \{sub-ref\}"):
        learner_edition.Renderer(ctx).render("See {sub-ref}`wordcount`.\n")
    with pytest.raises(learner_edition.LearnerEditionError, match="unknown label"):
        learner_edition.Renderer(ctx).render("See {ref}`no-such-label`.\n")


def test_book_address_comes_from_the_config(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://github.com/Some-Org/some-course\n")
    assert learner_edition.book_url(tmp_path) == "https://some-org.github.io/some-course/"
    other = tmp_path / "other"
    other.mkdir()
    (other / "_config.yml").write_text(
        "repository:\n  url: https://gitlab.com/a/b\nhtml:\n  baseurl: https://example.org/course\n")
    assert learner_edition.book_url(other) == "https://example.org/course/"


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_colab_install_cell_uses_the_configured_repository(md):
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    installs = [c.source for c in notebook.cells if c.cell_type == "code" and "%pip install" in c.source]
    assert len(installs) == 1, "the learner edition needs exactly one Colab install cell"
    assert f"git+{learner_edition.repository_url(ROOT)}\"" in installs[0]
