"""Two ways to make a matplotlib figure move: live with a kernel, or precomputed without.

Live (JupyterLab, Binder, Colab; needs only pip packages)
    ``LiveFigure`` keeps one figure alive and, whenever a control changes,
    calls your ``update(**values)`` to move the existing artists
    (``line.set_data``, ``scatter.set_offsets``, ``text.set_text``...), then
    renders the figure to PNG into an ``ipywidgets.Image``. Nothing is
    re-created, so a redraw costs one Agg render (tens of milliseconds), and
    the figure is not managed by pyplot, so it never leaks a second copy into
    the notebook output, whatever the matplotlib backend.

Kernel-free (the static book page)
    ``animation(fig, update, frames)`` steps the same kind of ``update``
    through precomputed frames with matplotlib's jshtml player
    (``HTMLWriter``, as ``to_jshtml()``) and returns ``IPython.display.HTML``:
    a player with a slider that works in a plain web page. Frames are stored
    light (``_frames.py``: a shared background and palette-PNG overlays of
    the pixels that change). Keep it light still: about 20 frames, small
    figures at dpi 72-80.

Example::

    fig, ax = new_figure()
    (line,) = ax.plot([], [])
    def update(slope):
        line.set_data(xs, slope * xs)
    slider = ipywidgets.FloatSlider(value=1, min=-2, max=2, description="slope")
    return LiveFigure(fig, update, {"slope": slider}).widget
"""

from __future__ import annotations

import contextlib
import hashlib
from html import escape
import io
import os
import re
import sys
import tempfile
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlmath.widgets._frames import LightHTMLWriter

DPI = 80


def new_figure(width=5.0, height=3.6, dpi=DPI, ncols=1, margins=None, nrows=1, **subplot_kw):
    """A small figure outside pyplot, with Agg attached: returns ``(fig, ax)`` (or axes for a grid).

    The layout is fixed (``margins``: keyword arguments of ``subplots_adjust``)
    rather than "constrained": a constrained layout is recomputed at every
    render and would double the cost of each redraw.
    """
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    fig.subplots_adjust(**{"left": 0.1, "right": 0.97, "bottom": 0.15, "top": 0.88, "wspace": 0.3,
                           **(margins or {})})
    return fig, axes


def png_bytes(fig) -> bytes:
    """Render the figure to PNG bytes (as shown in an ipywidgets.Image)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


class LiveFigure:
    """A figure that redraws itself when its controls change.

    Parameters
    ----------
    fig : a Figure, e.g. from :func:`new_figure`.
    update : ``update(**values)``, called with every control's current value
        (keyed like ``controls``); it moves the figure's artists.
    controls : dict of name -> ipywidgets value widget (sliders, dropdowns...).
    extras : more widgets to place beside the controls (e.g. a reset Button).
    animated : optional list of the artists that ``update`` changes. Then
        everything else (axes, ticks, contours) is rendered once and reused,
        and only these artists are drawn again: several times faster. If
        ``update`` also changes something else (new contours, axis limits),
        it says so by its return value: True renders the whole figure again;
        a hashable key (e.g. the name of the function being plotted) names
        that background, which is then rendered once and reused whenever the
        same key comes back. None (the default) keeps the background.

    ``.widget`` is what a ``*_demo()`` function returns. ``with live.hold():``
    changes several controls with a single redraw at the end.
    """

    def __init__(self, fig, update, controls, extras=(), animated=()):
        self.fig = fig
        self.update = update
        self.controls = dict(controls)
        self.animated = list(animated)
        for artist in self.animated:
            artist.set_animated(True)
        self._background = None  # the rendered static part of the figure
        self._backgrounds = {}  # ...for each background key seen so far
        self._key = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto", max_width="100%"))
        self._held = False
        self._shown = None  # the values of the picture on screen
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        row = widgets.Box(list(self.controls.values()) + list(extras),
                          layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.widget = widgets.VBox([row, self.image])
        self.refresh()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Call update with the current values and show the new picture."""
        values = self.values()
        background = self.update(**values)
        if os.environ.get(DRAW_ANIMATIONS, "1") == "0":
            # The test runs of whole notebooks (see DRAW_ANIMATIONS below): nothing shows the
            # picture there, so the update runs (its errors still fail) and the render is skipped.
            pass
        elif not self.animated:
            self.image.value = png_bytes(self.fig)
        else:
            self.image.value = self._blit(background)
        self._shown = values

    def _blit(self, key):
        canvas = self.fig.canvas
        if key is True or self._background is None or (key is not None and key != self._key):
            if key is not None and key is not True and key in self._backgrounds:
                self._background = self._backgrounds[key]
            else:
                canvas.draw()  # skips the animated artists
                self._background = canvas.copy_from_bbox(self.fig.bbox)
                if key is not None and key is not True:
                    self._backgrounds[key] = self._background
            self._key = key
        canvas.restore_region(self._background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        rgba = np.asarray(canvas.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _changed(self, change) -> None:
        if not self._held and self.values() != self._shown:
            self.refresh()

    @contextlib.contextmanager
    def hold(self):
        """Change several controls inside this block; redraw once at the end."""
        self._held = True
        try:
            yield self
        finally:
            self._held = False
            self.refresh()


# Drawing an animation's frames takes seconds; the notebook test runs (nbval, the Binder and
# Colab tests) ignore its output, so `make test` runs them with DLMATH_DRAW_ANIMATIONS=0: the
# update step still runs for every frame, only the rendering is skipped. tests/test_widgets.py
# draws every animation in full, and the book build draws them for the pages. A live demo's
# picture is not drawn either then (nothing displays it in those runs, and a stored notebook keeps
# no widget state): its update runs for the first picture and for every change of a control.
DRAW_ANIMATIONS = "DLMATH_DRAW_ANIMATIONS"
NOT_DRAWN = ("<p>(an animation of {count} frames, not drawn: "
             "DLMATH_DRAW_ANIMATIONS=0 is set)</p>")


def _close(fig) -> None:
    """Free a figure whose animation lives on as HTML only."""
    if "matplotlib.pyplot" in sys.modules:  # a pyplot figure would otherwise show up again
        sys.modules["matplotlib.pyplot"].close(fig)
    fig.clear()


def animation(fig, update, frames, interval=300, default_mode="once", alt=None):
    """Precompute ``update(frame)`` for every frame into a kernel-free HTML player.

    ``update`` receives one item of ``frames`` (e.g. a step number) and moves
    the artists. Returns ``IPython.display.HTML``. The player's element ids
    are derived from the frames' content instead of a random uuid, so the
    same animation gives the same HTML every time. ``alt`` describes the
    picture for screen readers (a generic description is used if omitted).
    """
    from IPython.display import HTML

    frames = list(frames)
    if os.environ.get(DRAW_ANIMATIONS, "1") == "0":
        # The test runs of whole notebooks: step the animation's logic, skip the pixels.
        for frame in frames:
            update(frame)
        _close(fig)
        return HTML(NOT_DRAWN.format(count=len(frames)))
    # Draw each frame once, straight into the HTML writer (FuncAnimation would render
    # every frame twice: once for the canvas, once for the saved image).
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "animation.html"
        # Light frames: one shared background, palette-PNG overlays (see _frames.py).
        writer = LightHTMLWriter(fps=1000 / interval, default_mode=default_mode)
        with writer.saving(fig, path, dpi=fig.dpi):
            for frame in frames:
                update(frame)
                writer.grab_frame()
        html = path.read_text()
    found = re.search(r"_anim_img([0-9a-f]{32})", html)
    if found:
        random_id = found.group(1)
        stable_id = hashlib.sha1(html.replace(random_id, "").encode()).hexdigest()[:32]
        html = html.replace(random_id, stable_id)
    _close(fig)
    description = alt or ("An animation of the figure; its slider and buttons step through "
                          f"{len(frames)} precomputed frames.")
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(description)}" id="_anim_img', 1)
    return HTML(html)
