"""Light frames for the kernel-free animations: one shared background, lossless overlays.

matplotlib's ``to_jshtml()`` player stores every frame as a full RGBA PNG, base64 in the page:
21 frames of a 360 x 216 plot weigh about 0.7 MB although most pixels (axes, ticks, labels,
contours) never change. Here

* a background is stored once, as the player ``<img>``'s CSS background
  (``background: #fff url(...)``): each pixel takes the value it has in most frames;
* every frame is stored as an overlay of the same pixel size in which each pixel equal to the
  background is transparent, so the unchanged areas cost almost nothing after compression, and
  the browser shows background + overlay = the frame;
* colours are reduced to a palette per frame (up to 255 colours, median cut, no dithering, one
  more entry for "transparent"). A line plot at this size has a few hundred anti-aliasing
  shades; mapping them to 255 moves a pixel by a fraction of a level out of 255 on average
  (`quantisation_error` measures it; the tests bound it);
* the background is a palette PNG; the overlays are lossless WebP (the same pixels as a palette
  PNG, about a fifth smaller; every current browser shows WebP).

matplotlib's own player (its JavaScript, slider and buttons) is kept untouched: it only swaps
the ``src`` of the ``<img>``, and the background stays. Everything is deterministic: the same
frames give the same bytes.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import numpy as np
import PIL.Image
from matplotlib.animation import HTMLWriter

COLOURS = 255  # palette entries for a frame; entry 255 is "transparent" (same as background)
TRANSPARENT = 255


def _png(image: PIL.Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True, **options)
    return buffer.getvalue()


def palette_png(rgb: np.ndarray, keep: np.ndarray | None = None) -> bytes:
    """PNG with at most 255 colours of an RGB array; pixels where ``keep`` is False transparent."""
    quantised = PIL.Image.fromarray(rgb, "RGB").quantize(
        colors=COLOURS, method=PIL.Image.Quantize.MEDIANCUT, dither=PIL.Image.Dither.NONE)
    if keep is None:
        return _png(quantised)
    palette = quantised.getpalette()[: 3 * COLOURS]
    palette += [0, 0, 0] * (256 - len(palette) // 3)
    indices = np.asarray(quantised).copy()
    indices[~keep] = TRANSPARENT
    overlay = PIL.Image.fromarray(indices, "P")
    overlay.putpalette(palette)
    return _png(overlay, transparency=TRANSPARENT)


def most_common(frames: list[np.ndarray]) -> np.ndarray:
    """Per pixel, the colour it has in the most frames (ties: the earliest such frame)."""
    stack = np.stack(frames)
    packed = (stack[..., 0].astype(np.uint32) << 16) | (stack[..., 1].astype(np.uint32) << 8) \
        | stack[..., 2]
    counts = np.stack([(packed == frame).sum(axis=0) for frame in packed])
    best = counts.argmax(axis=0)  # H x W: index of a frame holding the most common colour
    return np.take_along_axis(stack, best[None, ..., None], axis=0)[0]


def webp(png: bytes) -> bytes:
    """The same pixels (palette and transparency included) as lossless WebP."""
    buffer = io.BytesIO()
    PIL.Image.open(io.BytesIO(png)).convert("RGBA").save(
        buffer, format="webp", lossless=True, quality=100, method=4)
    return buffer.getvalue()


def encode(frames: list[np.ndarray]) -> tuple[bytes, list[bytes]]:
    """(background PNG, one overlay WebP per frame) for a list of H x W x 3 uint8 frames."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    shapes = {frame.shape for frame in frames}
    if len(shapes) != 1:
        raise ValueError(f"every frame must have the same size, got {sorted(shapes)}")
    background = most_common(frames)
    overlays = [webp(palette_png(frame, keep=(frame != background).any(axis=2)))
                for frame in frames]
    return palette_png(background), overlays


def decode(background: bytes, overlay: bytes) -> np.ndarray:
    """What a browser shows for one frame: the overlay drawn over the background (RGB array)."""
    base = PIL.Image.open(io.BytesIO(background)).convert("RGBA")
    top = PIL.Image.open(io.BytesIO(overlay)).convert("RGBA")
    return np.asarray(PIL.Image.alpha_composite(base, top).convert("RGB"))


def quantisation_error(frame: np.ndarray, shown: np.ndarray) -> tuple[float, int]:
    """(mean, largest) difference per colour channel, in levels of 255, frame vs shown."""
    difference = np.abs(frame.astype(int) - shown.astype(int))
    return float(difference.mean()), int(difference.max())


def data_uri(image: bytes) -> str:
    kind = "webp" if image[:4] == b"RIFF" and image[8:12] == b"WEBP" else "png"
    return f"data:image/{kind};base64," + base64.b64encode(image).decode("ascii")


_PLAYER_IMG = re.compile(r'<img [^>]*?\bid="_anim_img[0-9a-f]*"')
_FRAME = re.compile(r'(frames\[(\d+)\] = )"data:image/png;base64,[^"]*"')


def lighten_jshtml(html: str, frames: list[np.ndarray]) -> str:
    """Replace the frames of matplotlib's jshtml player (``HTMLWriter`` output) by light ones.

    ``frames`` are the same frames as RGB arrays, in order. The player's ``<img>`` gets the
    background as its CSS background; ``frames[i] = "data:..."`` get the overlays.
    """
    background, overlays = encode(frames)
    found = [int(m.group(2)) for m in _FRAME.finditer(html)]
    if found != list(range(len(frames))):
        raise ValueError(f"the player holds frames {found[:5]}..., expected {len(frames)} in order")
    html = _FRAME.sub(lambda m: f'{m.group(1)}"{data_uri(overlays[int(m.group(2))])}"', html)
    style = f' style="background: #fff url({data_uri(background)}) 0 0 / 100% 100% no-repeat"'
    html, count = _PLAYER_IMG.subn(lambda m: m.group(0) + style, html)
    if count != 1:
        raise ValueError(f"expected one player image (<img id=\"_anim_img...\">), found {count}")
    return html


class LightHTMLWriter(HTMLWriter):
    """``HTMLWriter`` (embedded frames) whose page holds light frames (see the module docstring).

    Each ``grab_frame`` renders the figure once on its Agg canvas and keeps the pixels (the
    stock writer saves a full PNG instead); ``finish`` writes matplotlib's page, then swaps in
    the background and the overlays.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, embed_frames=True, **kwargs)
        self.pixels: list[np.ndarray] = []

    def grab_frame(self, **savefig_kwargs):
        if savefig_kwargs:
            raise TypeError(f"LightHTMLWriter.grab_frame takes no savefig options: {savefig_kwargs}")
        canvas = self.fig.canvas
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
        if (rgba[..., 3] < 255).any():  # a transparent figure is shown on white, as in a page
            white = PIL.Image.new("RGBA", (rgba.shape[1], rgba.shape[0]), "white")
            rgba = np.asarray(PIL.Image.alpha_composite(white, PIL.Image.fromarray(rgba)))
        self.pixels.append(rgba[..., :3].copy())
        self._saved_frames.append("")  # matplotlib's template gets a placeholder per frame

    def finish(self):
        super().finish()
        html = Path(self.outfile).read_text()
        Path(self.outfile).write_text(lighten_jshtml(html, self.pixels))
