"""Fresh Python environments for the tests that stand for Binder and Colab.

Those tests need an environment built from nothing but a requirements file (Binder) or a list
of preinstalled packages (Colab). uv installs the same pinned versions as pip, from the same
wheels, in a fraction of the time (it links files from its cache instead of unpacking and
compiling every package again), so `make test` uses it when the development environment has it
(requirements-dev.txt pins it) and falls back to pip otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def uv() -> str | None:
    """The uv next to this Python (the development venv's), or on PATH; None without it."""
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


def create(venv: Path, *, with_pip: bool = False) -> Path:
    """A new venv at ``venv``; ``with_pip`` when a test then runs pip in it as a learner would."""
    if uv():
        # --seed puts pip in (from the package index, as a fresh Colab runtime has a recent pip):
        # 0.6 s, where `python -m venv` unpacks its bundled pip in 7 s of CPU.
        _run([uv(), "venv", "--quiet", *(["--seed"] if with_pip else []), "--python", sys.executable,
              str(venv)])
    else:
        _run([sys.executable, "-m", "venv", str(venv)])
    return venv / "bin" / "python"


def install(python: Path, *args: str, cwd: Path | None = None) -> None:
    """``pip install *args`` into the venv of ``python`` (with uv when there is one)."""
    if uv():
        # No --compile-bytecode: compiling every module of every package costs about 15 s of CPU
        # per venv; the first kernel writes .pyc for the modules a lesson imports (2.5 s), and the
        # others reuse them. (`make test` lets Python write .pyc even where PYTHONDONTWRITEBYTECODE
        # is set, as on CI: see the Makefile.)
        _run([uv(), "pip", "install", "--quiet", "--python", str(python), *args], cwd=cwd)
    else:
        _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              *args], cwd=cwd)


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
