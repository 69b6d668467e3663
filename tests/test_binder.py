"""Reproduce what Binder does: a fresh environment from requirements.txt alone runs every lesson.

Binder (repo2docker) runs `pip install -r requirements.txt` at the repository root and opens the
lessons' .ipynb files. If a lesson imports something that only requirements-dev.txt installs, or
`dlmath` is not installed by requirements.txt, this test fails where the main suite would not.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))

RUN_ALL = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

failures = []
for path in map(Path, sys.argv[1:]):
    notebook = nbformat.read(path, as_version=4)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:  # report every failing lesson, not just the first
        failures.append(f"{path.name}: {type(error).__name__}: {str(error)[-800:]}")
print("\\n".join(failures) or "all lessons ran")
sys.exit(1 if failures else 0)
"""


@pytest.mark.slow
@pytest.mark.skipif(not LESSONS, reason="no lessons yet")
def test_every_lesson_runs_in_a_binder_like_environment(tmp_path):
    venv = tmp_path / "binder-env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", "requirements.txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    run = subprocess.run(
        [str(python), "-c", RUN_ALL, *map(str, LESSONS)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
