"""The learner notebooks run in a Colab-like runtime after a plain `pip install` of the course.

Colab's runtime comes with NumPy, matplotlib and ipywidgets 7.7.1 preinstalled (and an old
IPython/ipykernel); it renders ipywidgets 7 natively, and a package that pulls in ipywidgets 8
replaces it, after which widgets need a runtime restart and a custom widget manager. This test
rebuilds such a runtime in a venv (.venv-colab, kept between runs and rebuilt when its preinstalled
versions are not the ones below), installs the course from this repository with a plain
`pip install`, checks that none of the preinstalled packages was replaced, and runs every learner
notebook (tools/learner_edition.py) to the end in a kernel of that venv, from a directory outside
the repository so that `import dlmath` finds the installed package.

Each notebook runs as a learner who has done every exercise leaves it: with the reference solution
of each exercise (from the lesson source) put into its stub cell. It must run with no error, every
checker must report "correct" and the results summary "all passed". The blank notebooks are run
twice by strict nbval already (this CPU, and the Binder environment on an emulated CPU), so one run
here covers both the Colab runtime and the reference solutions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

import learner_edition
import venvs
from dlmath.exercises import feedback

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-colab"
# What Colab ships (versions on PyPI that Colab's runtime had in 2025-2026).
COLAB_PREINSTALLED = {
    "numpy": "2.0.2",
    "matplotlib": "3.10.0",
    "ipywidgets": "7.7.1",
    "ipython": "7.34.0",
    "ipykernel": "6.17.1",
}
MUST_NOT_CHANGE = ("numpy", "matplotlib", "ipywidgets")
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]

pytestmark = pytest.mark.slow


def _python() -> Path:
    return VENV / "bin" / "python"


def _versions() -> dict[str, str]:
    script = ("import json, importlib.metadata as m\n"
              "names = %r\n"
              "out = {}\n"
              "for n in names:\n"
              "    try: out[n] = m.version(n)\n"
              "    except m.PackageNotFoundError: pass\n"
              "print(json.dumps(out))") % (sorted(COLAB_PREINSTALLED) + ["dlmath", "jupyterquiz"],)
    done = subprocess.run([_python(), "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _run(*args, **kwargs):
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def colab_kernel(tmp_path_factory):
    """A Colab-like venv with the course pip-installed into it; yields the kernel's name."""
    preinstalled = {k: v for k, v in _versions().items() if k in COLAB_PREINSTALLED} \
        if _python().exists() else {}
    if preinstalled != COLAB_PREINSTALLED:
        shutil.rmtree(VENV, ignore_errors=True)
        # Colab's own packages (with uv when there is one: faster; see tools/venvs.py), and pip,
        # with which the learner then installs the course.
        venvs.create(VENV, with_pip=True)
        venvs.install(_python(), *[f"{name}=={version}" for name, version in COLAB_PREINSTALLED.items()])
    _run(_python(), *PIP, "uninstall", "--quiet", "--yes", "dlmath")
    before = _versions()
    assert {k: before[k] for k in COLAB_PREINSTALLED} == COLAB_PREINSTALLED
    # What a learner's first Colab cell does, from this repository: plain, no flags. From a copy
    # of the files the package is built from, so that setuptools' build/ stays out of the tree.
    source = tmp_path_factory.mktemp("repository")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "dlmath", source / "dlmath",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _run(_python(), *PIP, "install", "--quiet", source)
    after = _versions()
    replaced = {name: (before[name], after.get(name)) for name in MUST_NOT_CHANGE
                if after.get(name) != before[name]}
    assert replaced == {}, f"installing the course replaced Colab's preinstalled packages: {replaced}"
    assert "dlmath" in after and "jupyterquiz" in after

    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(_python()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(kernels.parent.parent)
    try:
        yield "colab-like"
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old


LESSONS = learner_edition.lesson_sources(ROOT)


@pytest.mark.parametrize("md", LESSONS, ids=[md.stem for md in LESSONS])
def test_learner_notebook_with_the_solutions_passes_in_a_colab_like_runtime(colab_kernel, md, tmp_path):
    solutions: list = []
    learner_edition.build(md, ROOT, with_solutions=solutions)
    notebook = nbformat.read(learner_edition.learner_path(md), as_version=4)
    stubs = sum(len(learner_edition.stub_names(c)) for c in notebook.cells)
    filled, count = learner_edition.fill_stubs(notebook, solutions)
    assert count == stubs, f"{count} of {stubs} stubs have a solution in the lesson"
    for cell in filled.cells:
        cell.pop("outputs", None) if cell.cell_type != "code" else cell.update(outputs=[])
    learner_edition.execute_notebook(filled, tmp_path, kernel_name=colab_kernel, allow_errors=True)
    assert learner_edition.errors(filled) == []
    statuses = learner_edition.check_statuses(filled)
    assert statuses, "no checker output found: did the feedback format change?"
    failing = [(index, status) for index, status in statuses if status != feedback.CORRECT]
    assert failing == [], "checks that do not pass with the reference solutions"
    headlines = learner_edition.results_headlines(filled)
    assert headlines and all("Exercises of this lesson: all" in h for h in headlines), headlines
