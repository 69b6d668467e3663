"""Make the build tooling in tools/ importable by the tests (it is not a test module), and the
fixtures that several test files use."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))


@pytest.fixture
def draw_animations(monkeypatch):
    """Animations draw their frames, even where `make test` sets DLMATH_DRAW_ANIMATIONS=0 for
    the notebook runs (the tests of the drawing itself use this)."""
    from dlmath.widgets.figure import DRAW_ANIMATIONS

    monkeypatch.delenv(DRAW_ANIMATIONS, raising=False)
