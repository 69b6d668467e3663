"""Each learner notebook, with every exercise's reference solution put into its stub, passes.

The solution code comes from the lesson source: the solution block that follows each exercise
(tools/learner_edition.py, fill_stubs). The notebook then runs to the end with no error and every
checker reports "correct". A separate file from test_learner_edition.py so that pytest-xdist
(--dist loadfile) can run these executions beside the others.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import learner_edition
from dlmath.exercises import feedback
from test_learner_edition import IDS, LESSONS, check_statuses, errors, results_headlines

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_reference_solutions_in_the_stubs_pass_every_check(md):
    solutions: list = []
    learner_edition.build(md, ROOT, with_solutions=solutions)
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    stubs = sum(len(learner_edition.stub_names(c)) for c in notebook.cells)
    filled, count = learner_edition.fill_stubs(notebook, solutions)
    assert count == stubs, f"{count} of {stubs} stubs have a solution in the lesson"
    for cell in filled.cells:
        cell.pop("outputs", None) if cell.cell_type != "code" else cell.update(outputs=[])
    learner_edition.execute_notebook(filled, learner_edition.learner_path(md).parent.resolve(),
                                     allow_errors=True)
    assert errors(filled) == []
    statuses = check_statuses(filled)
    assert statuses
    failing = [(index, status) for index, status in statuses if status != feedback.CORRECT]
    assert failing == [], "checks that do not pass with the reference solutions"
    for headline in results_headlines(filled):
        assert "Exercises of this lesson: all" in headline, headline
