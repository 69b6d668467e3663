"""Light animation frames (dlmath/widgets/_frames.py): what the browser shows is the frame.

Each frame of a kernel-free animation is stored as a palette-PNG overlay drawn over one shared
background. These tests decode what a browser composes and compare it with the figure's own
pixels, and check that the player page still holds one image per frame.
"""

import re

import numpy as np
import pytest

from dlmath.widgets import _frames
from dlmath.widgets.figure import animation, new_figure


# Draw every frame here, even when `make test` skips drawing in the notebook runs (conftest.py).
pytestmark = pytest.mark.usefixtures("draw_animations")


def moving_dot_frames(n=6):
    """Real matplotlib frames: a fixed curve with contours, and a dot and a title that move."""
    fig, ax = new_figure()
    xs = np.linspace(-2, 2, 50)
    ax.contour(xs, xs, np.add.outer(xs ** 2, 3 * xs ** 2), levels=8)
    ax.plot(xs, np.sin(xs), color="tab:blue")
    (dot,) = ax.plot([], [], "o", color="tab:red")
    title = ax.set_title("")
    frames = []
    for k in range(n):
        dot.set_data([xs[8 * k]], [np.sin(xs[8 * k])])
        title.set_text(f"step {k}")
        fig.canvas.draw()
        frames.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
    return fig, dot, title, xs, frames


@pytest.fixture(scope="module")
def moving_dot():
    """Drawn once for the tests below (each drawing costs about a second)."""
    return moving_dot_frames()


def test_overlay_over_background_shows_each_frame(moving_dot):
    *_, frames = moving_dot
    background, overlays = _frames.encode(frames)
    assert len(overlays) == len(frames)
    for frame, overlay in zip(frames, overlays):
        shown = _frames.decode(background, overlay)
        assert shown.shape == frame.shape
        mean, _ = _frames.quantisation_error(frame, shown)
        assert mean < 0.5, f"a frame is shown {mean:.2f} colour levels off on average"
        # Where the frame equals the background, the overlay is transparent and the
        # background shows: those pixels must come out (almost) exactly.
        same = (frame == _frames.most_common(frames)).all(axis=2)
        assert np.abs(shown[same].astype(int) - frame[same].astype(int)).mean() < 0.5


def test_frames_are_much_lighter_than_full_pngs(moving_dot):
    from dlmath.widgets.figure import png_bytes

    fig, dot, title, xs, frames = moving_dot
    background, overlays = _frames.encode(frames)
    full = len(png_bytes(fig)) * len(frames)
    light = len(background) + sum(map(len, overlays))
    assert light < full / 3, f"light frames {light} B vs full PNG frames {full} B"


def test_background_is_the_most_common_colour_of_each_pixel():
    a, b = np.zeros((2, 2, 3), np.uint8), np.full((2, 2, 3), 200, np.uint8)
    c = b.copy()
    c[0, 0] = 7
    assert (_frames.most_common([a, b, c])[1, 1] == 200).all()
    assert (_frames.most_common([a, b, c])[0, 0] == 0).all()  # a tie: the earliest frame


def test_bad_frames_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least one frame"):
        _frames.encode([])
    with pytest.raises(ValueError, match="same size"):
        _frames.encode([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)])


def test_player_page_steps_through_overlays_over_one_background():
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 0])
    html = animation(fig, lambda k: line.set_ydata([0, k]), range(4)).data
    frames = re.findall(r'frames\[(\d+)\] = "data:image/webp;base64,([^"]+)"', html)
    assert [int(i) for i, _ in frames] == [0, 1, 2, 3]
    assert len({data for _, data in frames}) == 4, "every frame differs"
    img = re.search(r'<img [^>]*id="_anim_img[^>]*>', html).group(0)
    assert 'alt="' in img and "background: #fff url(data:image/png;base64," in img
    assert html.count("data:image/png;base64") == 1  # the background; overlays are WebP


# --- the stored notebooks keep a placeholder; the book build redraws it (tools/lesson_pairs.py)

def _lesson_like_notebook(call="rbm_gibbs_animation()"):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from dlmath.widgets.boltzmann_machines import rbm_gibbs_animation"),
        nbformat.v4.new_code_cell(call, outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": '<img id="_anim_img0f" src="...">',
                                  "text/plain": "<IPython.core.display.HTML object>"})]),
    ]
    return notebook


def test_stored_notebook_holds_a_placeholder_that_the_build_redraws():
    import lesson_pairs  # tools/ (on the path by the root conftest.py)
    from dlmath.widgets.boltzmann_machines import rbm_gibbs_animation

    notebook = _lesson_like_notebook()
    assert lesson_pairs.drop_animations(notebook) == 1
    placeholder = notebook.cells[1].outputs[0]
    assert "_anim_img" not in str(placeholder) and "run this cell" in str(placeholder)
    assert lesson_pairs.restore_animations(notebook)
    assert notebook.cells[1].outputs[0]["data"]["text/html"] == rbm_gibbs_animation().data

    unusual = _lesson_like_notebook("rbm_gibbs_animation(steps=3)")
    lesson_pairs.drop_animations(unusual)
    assert not lesson_pairs.restore_animations(unusual), "only a bare call can be redrawn"
