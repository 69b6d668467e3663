"""The softmax as a Boltzmann distribution: a temperature reshaping probabilities.

* ``softmax_temperature_demo()``: live widget. A temperature slider (log scale)
  and one slider per logit; the left panel shows the softmax probabilities
  ``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` as bars next to the uniform level
  1/K, the right panel the entropy (in bits) against the temperature, with the
  current temperature marked.
* ``softmax_temperature_animation()``: the kernel-free version for the book
  page: the temperature sweeping from 0.05 (nearly the argmax) to 20 (nearly
  uniform) for fixed logits.

Everything is plain NumPy, so the demo shows exactly the formulas of chapter 3.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from dlmath.course.probability import entropy_bits, softmax_t

from .figure import LiveFigure, animation, new_figure

CLASSES = ("A", "B", "C", "D", "E")
LOGITS = (2.0, 1.0, 0.5, -0.5, -1.5)
T_MIN, T_MAX = 0.05, 20.0


_TEMPERATURES = np.geomspace(T_MIN, T_MAX, 200)


def entropy_curve(logits):
    """Entropy (bits) of the tempered softmax on a grid of temperatures."""
    return np.array([entropy_bits(softmax_t(logits, T)) for T in _TEMPERATURES])


def _axes(width=8.0, height=3.3, dpi=80):
    fig, (ax, ax_h) = new_figure(width=width, height=height, dpi=dpi, ncols=2, width_ratios=[1.2, 1],
                                 margins={"left": 0.08, "right": 0.97, "top": 0.82, "bottom": 0.16,
                                          "wspace": 0.3})
    k = len(CLASSES)
    bars = ax.bar(range(k), np.full(k, 1 / k), color="tab:blue", edgecolor="black", linewidth=0.6)
    ax.axhline(1 / k, color="0.4", ls="--", lw=1)
    ax.text(k - 0.5, 1 / k + 0.02, "uniform 1/K", ha="right", va="bottom", fontsize=8, color="0.3")
    ax.set_xticks(range(k))
    ax.set_xticklabels(CLASSES)
    ax.set_ylim(0, 1.13)
    ax.set_xlabel("class")
    ax.set_ylabel("probability p_i")
    labels = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=8) for i in range(k)]
    ax_h.set_xscale("log")
    ax_h.set_xlim(T_MIN, T_MAX)
    # Fixed ticks, no minor ones, and no mathtext anywhere: text is most of the cost of each frame.
    ax_h.xaxis.set_major_locator(FixedLocator([0.1, 1, 10]))
    ax_h.xaxis.set_major_formatter(FixedFormatter(["0.1", "1", "10"]))
    ax_h.xaxis.set_minor_locator(NullLocator())
    ax_h.yaxis.set_major_locator(FixedLocator([0, 0.5, 1, 1.5, 2]))
    ax.yaxis.set_major_locator(FixedLocator([0, 0.2, 0.4, 0.6, 0.8, 1]))
    ax_h.set_ylim(0, np.log2(k) * 1.1)
    ax_h.axhline(np.log2(k), color="0.4", ls="--", lw=1)
    ax_h.text(T_MIN * 1.2, np.log2(k) * 1.02, f"max: log2 K = {np.log2(k):.2f}", fontsize=8,
              va="bottom", color="0.3")
    ax_h.set_xlabel("temperature T (log scale)")
    ax_h.set_ylabel("entropy H (bits)")
    (curve,) = ax_h.plot([], [], "-", color="tab:red", lw=1.5)
    (dot,) = ax_h.plot([], [], "o", color="black", ms=6)
    title = fig.suptitle("", fontsize=10)
    return fig, ax, bars, labels, curve, dot, title


def _draw(state, logits, T):
    fig, ax, bars, labels, curve, dot, title = state
    p = softmax_t(logits, T)
    for bar, label, value in zip(bars, labels, p):
        bar.set_height(value)
        label.set_y(value + 0.01)
        label.set_text(f"{value:.2f}")
    curve.set_data(_TEMPERATURES, entropy_curve(logits))
    h = entropy_bits(p)
    dot.set_data([T], [h])
    title.set_text(f"p_i ~ exp(z_i / T) at T = {T:.3g}: entropy {h:.3f} bits, "
                   f"argmax class {CLASSES[int(np.argmax(p))]}")


def softmax_temperature_demo():
    """Drag the temperature (and the logits) and watch the softmax sharpen or flatten."""
    state = _axes()
    fig, ax, bars, labels, curve, dot, title = state
    temperature = widgets.FloatLogSlider(value=1.0, base=10, min=np.log10(T_MIN), max=np.log10(T_MAX),
                                         step=0.02, description="temperature T", readout_format=".3g",
                                         style={"description_width": "initial"})
    logit_sliders = [widgets.FloatSlider(value=z, min=-4.0, max=4.0, step=0.1, description=f"z_{name}",
                                         readout_format=".1f", layout=widgets.Layout(width="210px"),
                                         style={"description_width": "30px"})
                     for name, z in zip(CLASSES, LOGITS)]
    controls = {"T": temperature, **{f"z{i}": s for i, s in enumerate(logit_sliders)}}

    def update(T, **zs):
        logits = [zs[f"z{i}"] for i in range(len(CLASSES))]
        _draw(state, logits, T)

    reset = widgets.Button(description="reset", tooltip="back to T = 1 and the starting logits")

    def restart(_=None):
        with live.hold():
            temperature.value = 1.0
            for slider, z in zip(logit_sliders, LOGITS):
                slider.value = z

    reset.on_click(restart)
    live = LiveFigure(fig, update, controls, extras=[reset],
                      animated=[*bars, *labels, curve, dot, title])
    return live.widget


def softmax_temperature_animation(frames=16):
    """Kernel-free: the temperature sweeping from 0.05 to 20 for the logits (2, 1, 0.5, -0.5, -1.5)."""
    state = _axes(width=6.4, height=2.8, dpi=72)
    temperatures = np.geomspace(T_MIN, T_MAX, frames)

    def update(T):
        _draw(state, LOGITS, T)

    return animation(state[0], update, temperatures, interval=350)
