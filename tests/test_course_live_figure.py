"""LiveFigure under DLMATH_DRAW_ANIMATIONS=0 (the notebook runs of `make test`): the update still
runs, for the first picture and for every change, so its errors still fail; no pixels are rendered.
(tests/test_widgets.py drives every demo with drawing on.)"""

import ipywidgets as widgets
import pytest

from dlmath.widgets.figure import DRAW_ANIMATIONS, LiveFigure, new_figure


def live(calls):
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 0])

    def update(slope):
        calls.append(slope)
        if slope > 1:
            raise ValueError("slope too steep")
        line.set_ydata([0, slope])

    slider = widgets.FloatSlider(value=0.5, min=0, max=2)
    return LiveFigure(fig, update, {"slope": slider}, animated=[line]), slider


@pytest.mark.parametrize("draw", ["1", "0"])
def test_a_live_figure_updates_with_or_without_drawing(monkeypatch, draw):
    monkeypatch.setenv(DRAW_ANIMATIONS, draw)
    calls = []
    figure, slider = live(calls)
    slider.value = 0.75
    assert calls == [0.5, 0.75]
    if draw == "1":
        assert bytes(figure.image.value).startswith(b"\x89PNG")
    else:
        assert bytes(figure.image.value) == b"", "no picture rendered when drawing is off"
    with pytest.raises(ValueError, match="too steep"):
        slider.value = 1.5
