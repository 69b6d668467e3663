"""The fixtures that several test files use. (The build tooling in tools/ is made importable by
the root conftest.py, for the tests and the notebook runs alike.)"""

import pytest


@pytest.fixture
def draw_animations(monkeypatch):
    """Animations draw their frames, even where `make test` sets DLMATH_DRAW_ANIMATIONS=0 for
    the notebook runs (the tests of the drawing itself use this)."""
    from dlmath.widgets.figure import DRAW_ANIMATIONS

    monkeypatch.delenv(DRAW_ANIMATIONS, raising=False)
