"""Demos of a restricted Boltzmann machine sampling bars and stripes.

The machines themselves (energies, exact distributions, Gibbs sampling, CD-1)
are in ``dlmath.course.boltzmann_machines``.

Demos:

* ``rbm_sampling_demo()``: live widget. Sliders for the temperature and the number of Gibbs
  steps; 16 chains of the trained RBM start from the same noise and show where they are.
* ``rbm_gibbs_animation()``: the kernel-free version: the chains turning noise into bars and
  stripes, step by step, at temperature 1.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from dlmath.course.boltzmann_machines import gibbs_chains, is_bars_or_stripes, trained_rbm

from .figure import LiveFigure, animation, new_figure

# --- shared maths -------------------------------------------------------------


# --- the fully connected Boltzmann machine ------------------------------------


# --- bars and stripes ---------------------------------------------------------


# --- the restricted Boltzmann machine -----------------------------------------


def mosaic(v, size=3, columns=4, scale=4):
    """Tile the rows of v (each a size x size grid) into one image, NaN in the one-pixel gaps.

    Each grid cell becomes scale x scale pixels, so the gaps stay thin.
    """
    k = len(v)
    rows = int(np.ceil(k / columns))
    side = size * scale
    cell = side + 1
    image = np.full((rows * cell - 1, columns * cell - 1), np.nan)
    block = np.ones((scale, scale))
    for i, pattern in enumerate(np.asarray(v, dtype=float)):
        r, c = divmod(i, columns)
        image[r * cell:r * cell + side, c * cell:c * cell + side] = np.kron(pattern.reshape(size, size), block)
    return image


# --- demos --------------------------------------------------------------------

N_CHAINS = 16
MAX_STEPS = 60


def _noise_start(size=3, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.random((N_CHAINS, size * size)) < 0.5).astype(float)


def _sample_figure(width=3.6, height=3.9, dpi=80):
    import matplotlib.colors as mcolors

    fig, ax = new_figure(width=width, height=height, dpi=dpi,
                         margins={"left": 0.03, "right": 0.97, "bottom": 0.02, "top": 0.9})
    cmap = mcolors.ListedColormap(["white", "black"]).with_extremes(bad="#3b75af")
    image = ax.imshow(mosaic(_noise_start()), cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    title = ax.set_title("", fontsize=10)
    return fig, image, title


def _caption(frames, step, T):
    valid = int(is_bars_or_stripes(frames[step]).sum())
    return f"T = {T:.2g}, step {step}: {valid}/{N_CHAINS} bars or stripes"


def rbm_sampling_demo():
    """Sample from the trained RBM: temperature and number of Gibbs steps, 16 chains from noise."""
    W, a, b, _ = trained_rbm()
    start = _noise_start()
    fig, image, title = _sample_figure()
    cache = {}

    def update(temperature, steps):
        if temperature not in cache:  # the chains at this temperature, all steps at once
            cache[temperature] = gibbs_chains(W, a, b, start, MAX_STEPS, T=temperature, seed=2)
        frames = cache[temperature]
        image.set_data(mosaic(frames[steps]))
        title.set_text(_caption(frames, steps, temperature))

    temperature = widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
                                         description="temperature", readout_format=".2g",
                                         style={"description_width": "initial"})
    steps = widgets.IntSlider(value=10, min=0, max=MAX_STEPS, description="Gibbs steps",
                              style={"description_width": "initial"})
    live = LiveFigure(fig, update, {"temperature": temperature, "steps": steps},
                      animated=[image, title])
    return live.widget


def rbm_gibbs_animation(steps=20, temperature=1.0):
    """Kernel-free: 16 Gibbs chains of the trained RBM turning noise into bars and stripes."""
    W, a, b, _ = trained_rbm()
    frames = gibbs_chains(W, a, b, _noise_start(), steps, T=temperature, seed=2)
    fig, image, title = _sample_figure(width=3.6, height=3.9, dpi=72)

    def update(step):
        image.set_data(mosaic(frames[step]))
        title.set_text(_caption(frames, step, temperature))

    return animation(fig, update, range(steps + 1), interval=400)
