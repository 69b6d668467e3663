"""dlmath.glue writes exactly what myst-nb's glue writes, so the book pastes its values."""

import numpy as np
import pytest

import dlmath.glue


def recorded(module, attribute, glue, *args, **kwargs):
    calls = []
    original = getattr(module, attribute)
    setattr(module, attribute, lambda *a, **k: calls.append((a, k)))
    try:
        glue(*args, **kwargs)
    finally:
        setattr(module, attribute, original)
    return calls


@pytest.mark.parametrize("value", [0.123, 322, "width 4", round(float(np.float64(2.5)), 3)])
@pytest.mark.parametrize("display", [False, True])
def test_dlmath_glue_records_what_myst_nb_records(value, display):
    myst_glue = pytest.importorskip("myst_nb.ext.glue")
    ours = recorded(dlmath.glue, "show", dlmath.glue.glue, "name", value, display=display)
    theirs = recorded(myst_glue, "ipy_display", myst_glue.glue, "name", value, display=display)
    assert ours == theirs
    assert dlmath.glue.RECORD_PREFIX == myst_glue.GLUE_PREFIX
