"""Reproduce what Binder does: a fresh environment from requirements.txt alone runs every lesson.

Binder (repo2docker) runs `pip install -r requirements.txt` at the repository root, in an image
that already runs JupyterLab, and opens the lessons' .ipynb files. Here a new venv gets
requirements.txt and nothing else; each lesson is then executed by a kernel running in that
venv (the notebook client itself runs in the test environment, like Binder's server). A lesson
that imports something only requirements-dev.txt installs, or a requirements.txt that does not
install dlmath, fails here even though the main suite passes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))
KERNEL = "dlmath-binder-test"

RUN_ALL = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

failures = []
for path in map(Path, sys.argv[2:]):
    notebook = nbformat.read(path, as_version=4)
    try:
        NotebookClient(notebook, timeout=300, kernel_name=sys.argv[1],
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:  # report every failing lesson, not just the first
        failures.append(f"{path.name}: {type(error).__name__}: {str(error)[-800:]}")
print("\\n".join(failures) or f"all {len(sys.argv) - 2} lessons ran")
sys.exit(1 if failures else 0)
"""


@pytest.fixture(scope="module")
def binder_kernel(tmp_path_factory) -> dict:
    """A kernel whose Python is a fresh venv holding requirements.txt only; returns the env to use it."""
    base = tmp_path_factory.mktemp("binder")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", "requirements.txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(base / "jupyter"),
                    "--name", KERNEL], check=True, capture_output=True)
    spec = base / "jupyter" / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"
    assert json.loads(spec.read_text())["argv"][0] == str(python)
    return {**os.environ, "JUPYTER_PATH": str(base / "jupyter" / "share" / "jupyter")}


@pytest.mark.slow
@pytest.mark.skipif(not LESSONS, reason="no lessons yet")
def test_every_lesson_runs_in_a_binder_like_environment(binder_kernel, tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", RUN_ALL, KERNEL, *map(str, LESSONS)],
        cwd=tmp_path, env=binder_kernel, capture_output=True, text=True, timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"all {len(LESSONS)} lessons ran" in run.stdout


@pytest.mark.slow
def test_the_binder_environment_has_no_test_or_book_tools(binder_kernel):
    """requirements.txt stays the learner's environment: test and book tools live elsewhere."""
    python = Path(json.loads(
        (Path(binder_kernel["JUPYTER_PATH"]) / "kernels" / KERNEL / "kernel.json").read_text()
    )["argv"][0])
    probe = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print([m for m in "
         "('dlmath', 'pytest', 'jupyter_book', 'autograd') if u.find_spec(m)])"],
        capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == "['dlmath']"
