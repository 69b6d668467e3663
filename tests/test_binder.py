"""Reproduce what Binder does, on another CPU: a fresh environment from requirements.txt alone
reproduces every lesson's stored outputs with NumPy and OpenBLAS computing as a baseline CPU.

Binder (repo2docker) runs `pip install -r requirements.txt` at the repository root, in an image
that already runs JupyterLab, and opens the lessons' .ipynb files. Here a new venv gets
requirements.txt and nothing else (installed by uv when the development environment has it:
the same pinned versions, faster; see tools/venvs.py); each lesson is then executed by a kernel running in that
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

import other_cpu
import venvs
from learner_edition import learner_notebooks

ROOT = Path(__file__).resolve().parents[1]
# The learner editions (what Binder opens) and the full lessons (whose solution cells print too).
LESSONS = [*learner_notebooks(), *sorted((ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))]
KERNEL = "dlmath-binder-test"


@pytest.fixture(scope="module")
def binder_kernel(tmp_path_factory) -> dict:
    """A kernel whose Python is a fresh venv holding requirements.txt only; returns the env to use it."""
    base = tmp_path_factory.mktemp("binder")
    python = venvs.create(base / "venv")
    venvs.install(python, "-r", "requirements.txt", cwd=ROOT)
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(base / "jupyter"),
                    "--name", KERNEL], check=True, capture_output=True)
    spec = base / "jupyter" / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"
    assert json.loads(spec.read_text())["argv"][0] == str(python)
    return {**os.environ, "JUPYTER_PATH": str(base / "jupyter" / "share" / "jupyter")}


@pytest.mark.slow
@pytest.mark.skipif(not LESSONS, reason="no lessons yet")
def test_every_lesson_reproduces_its_outputs_in_binder_on_another_cpu(binder_kernel):
    """Strict nbval again, in the Binder environment, on an emulated baseline CPU.

    The main run (`pytest` over lessons/) compares the stored outputs on this machine's CPU with the
    development environment's kernel. This run uses the kernel of a venv made from
    requirements.txt alone, with NumPy's SIMD dispatch switched off and OpenBLAS on a baseline
    kernel (tools/other_cpu.py): a lesson that imports a development-only package, or prints
    digits that depend on the CPU, fails here. Together the two runs stand for Binder and for a
    learner's laptop.
    """
    env = {**binder_kernel, **other_cpu.environment()}
    run = subprocess.run(
        # Two workers, one notebook each at a time: this is the longest test, often the last running.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile",
         "-c", str(ROOT / "pytest.ini"), "--rootdir", str(ROOT), "-o", "addopts=",
         "--nbval", "--nbval-kernel-name", KERNEL,
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         *map(str, LESSONS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert run.returncode == 0, (
        f"emulated CPU {other_cpu.environment()}:\n" + run.stdout[-6000:] + run.stderr[-2000:]
    )


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
