"""Loaded by every pytest run in this repository (tests/ and the lessons' notebooks under nbval):
the build tooling in tools/ is importable (it is not a test module), notebook kernels talk over
Unix sockets, not TCP ports (see tools/kernels.py for why), and the longest test files start first."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

pytest_plugins = ["kernels"]


def pytest_collection_modifyitems(config, items):
    """The longest files go first, so that with two workers they start at once instead of being
    left for the end: the browser's visit of every page, then every file holding a slow test (a
    venv built, every lesson run again). (`make test` runs xdist with --no-loadscope-reorder,
    which keeps this order; by default xdist puts the files with the most tests first, and the
    one-test Binder run started last and ended the run alone.)"""
    def files_marked(name):
        return {item.path for item in items if item.get_closest_marker(name)}

    browser, slow = files_marked("browser"), files_marked("slow")
    items.sort(key=lambda item: (item.path not in browser, item.path not in slow))  # stable
