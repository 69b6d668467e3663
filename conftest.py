"""Loaded by every pytest run in this repository (tests/ and the lessons' notebooks under nbval):
notebook kernels talk over Unix sockets, not TCP ports (see tools/kernels.py for why)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

pytest_plugins = ["kernels"]
