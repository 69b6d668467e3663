"""A 2x2 matrix as a map of the plane: grid, unit circle, determinant and eigenvectors.

* ``matrix_demo()``: live widget. Four sliders set the entries of
  ``A = [[a, b], [c, d]]``; the picture shows the image of the square grid,
  of the unit square (its area is ``|det A|``, drawn orange when ``A`` flips
  orientation) and of the unit circle (an ellipse), the images of the basis
  vectors (the columns of ``A``) and, when they are real, the eigenvector
  directions with their eigenvalues.
* ``matrix_animation()``: the kernel-free version for the book page: the
  matrix slides from the identity to a target, ``(1 - t) I + t A``.

Everything is plain NumPy: the grid lines are mapped by ``A @ points``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Polygon

from .figure import LiveFigure, animation, new_figure

LIMIT = 3.2  # half-width of the view
GRID = np.arange(-3, 4)  # grid lines at integer coordinates
TARGET = np.array([[2.0, 1.0], [0.5, 1.5]])  # eigenvalues 2.5 and 1: real, distinct


def _grid_segments():
    """The grid lines as segments (k, 2 points, 2 coordinates)."""
    vertical = [[(x, GRID[0]), (x, GRID[-1])] for x in GRID]
    horizontal = [[(GRID[0], y), (GRID[-1], y)] for y in GRID]
    return np.array(vertical + horizontal, dtype=float)


SEGMENTS = _grid_segments()
CIRCLE = np.stack([np.cos(np.linspace(0, 2 * np.pi, 121)), np.sin(np.linspace(0, 2 * np.pi, 121))])
SQUARE = np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)


def real_eigen(A):
    """Real eigenvalues and unit eigenvectors (as columns) of A, or None when they are complex."""
    trace, det = np.trace(A), np.linalg.det(A)
    discriminant = trace**2 - 4 * det
    if discriminant < -1e-12:
        return None
    values, vectors = np.linalg.eig(A)
    return values.real, vectors.real


def _setup(ax):
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.plot(CIRCLE[0], CIRCLE[1], ":", color="0.6", lw=0.8)  # the unit circle before the map
    grid = LineCollection([], colors="tab:blue", linewidths=0.6, alpha=0.5)
    ax.add_collection(grid)
    square = Polygon(SQUARE.T, closed=True, alpha=0.35, color="tab:green")
    ax.add_patch(square)
    (ellipse,) = ax.plot([], [], "-", color="tab:purple", lw=1.5)
    (e1,) = ax.plot([], [], "-", color="tab:red", lw=2.2)
    (e2,) = ax.plot([], [], "-", color="tab:orange", lw=2.2)
    (eig1,) = ax.plot([], [], "--", color="black", lw=1)
    (eig2,) = ax.plot([], [], "--", color="black", lw=1)
    text = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top", fontsize=8)
    artists = dict(grid=grid, square=square, ellipse=ellipse, e1=e1, e2=e2, eig1=eig1, eig2=eig2,
                   text=text)
    return artists


def _draw(artists, A):
    """Move every artist to show the map A."""
    artists["grid"].set_segments(SEGMENTS @ A.T)
    square = A @ SQUARE
    det = float(np.linalg.det(A))
    artists["square"].set_xy(square.T)
    artists["square"].set_color("tab:green" if det >= 0 else "tab:orange")
    ellipse = A @ CIRCLE
    artists["ellipse"].set_data(ellipse[0], ellipse[1])
    artists["e1"].set_data([0, A[0, 0]], [0, A[1, 0]])
    artists["e2"].set_data([0, A[0, 1]], [0, A[1, 1]])
    lines = [f"det A = {det:.2f} (area of the square)"]
    eigen = real_eigen(A)
    if eigen is None:
        for line in (artists["eig1"], artists["eig2"]):
            line.set_data([], [])
        lines.append("eigenvalues complex: no fixed direction")
    else:
        values, vectors = eigen
        for line, v in zip((artists["eig1"], artists["eig2"]), vectors.T):
            line.set_data([-2 * LIMIT * v[0], 2 * LIMIT * v[0]], [-2 * LIMIT * v[1], 2 * LIMIT * v[1]])
        lines.append(f"eigenvalues {values[0]:.2f}, {values[1]:.2f} (dashed)")
    artists["text"].set_text("\n".join(lines))


def matrix_demo():
    """Four sliders set a 2x2 matrix; see it transform the grid, the unit square and the unit circle."""
    fig, ax = new_figure(width=4.6, height=4.6, margins={"left": 0.08, "right": 0.97, "bottom": 0.07,
                                                         "top": 0.93})
    artists = _setup(ax)
    ax.set_title("red: A e1 (column 1), orange: A e2 (column 2)", fontsize=9)

    def update(a, b, c, d):
        _draw(artists, np.array([[a, b], [c, d]], dtype=float))

    sliders = {name: widgets.FloatSlider(value=value, min=-2.0, max=2.0, step=0.1, description=name,
                                         layout=widgets.Layout(width="230px"))
               for name, value in zip("abcd", TARGET.ravel())}
    reset = widgets.Button(description="identity", tooltip="set A to the identity matrix")
    live = LiveFigure(fig, update, sliders, extras=[reset], animated=list(artists.values()))

    def to_identity(_=None):
        with live.hold():
            for name, value in zip("abcd", (1.0, 0.0, 0.0, 1.0)):
                sliders[name].value = value

    reset.on_click(to_identity)
    return live.widget


def matrix_animation(target=TARGET, frames=21):
    """Kernel-free: the map (1 - t) I + t A for t from 0 to 1, A = [[2, 1], [0.5, 1.5]] by default."""
    fig, ax = new_figure(width=4.2, height=4.2, dpi=72, margins={"left": 0.1, "right": 0.97, "bottom": 0.07,
                                                                  "top": 0.92})
    artists = _setup(ax)
    ax.set_xticks([-2, 0, 2])  # few labels: every frame redraws them
    ax.set_yticks([-2, 0, 2])
    target = np.asarray(target, dtype=float)
    title = ax.set_title("", fontsize=9)

    def update(t):
        _draw(artists, (1 - t) * np.eye(2) + t * target)
        title.set_text(f"(1 - t) I + t A,  t = {t:.2f}")

    return animation(fig, update, np.linspace(0, 1, frames), interval=250)
