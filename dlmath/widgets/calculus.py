"""The derivative as the limit of secant slopes, and where that limit stops working in floating point.

* ``secant_demo()``: live widget. A log-scale slider shrinks the step ``h``;
  the left panel shows the curve ``f(x) = x**3/4 - x + 1``, its tangent at
  ``x0`` and the secant through ``x0`` and ``x0 + h`` (forward difference) or
  through ``x0 - h`` and ``x0 + h`` (central difference), with both slopes
  printed. The right panel shows the error of both approximations against
  ``h`` on log-log axes, with the current ``h`` marked: slopes 1 and 2 for
  large ``h``, then the round-off rise for tiny ``h``.
* ``secant_animation()``: the kernel-free version for the book page: the
  forward secant turning into the tangent as ``h`` shrinks from 1.5 to 0.01.

The function and its derivative are plain NumPy; the two estimates are the
course's own, from ``dlmath.course.calculus``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, NullFormatter

from dlmath.course.calculus import central_difference, forward_difference

from .figure import LiveFigure, animation, new_figure

FORMULA = r"$f(x) = x^3/4 - x + 1$"
X_RANGE = (-3.0, 3.0)
Y_RANGE = (-1.5, 3.5)
H_GRID = np.geomspace(1e-12, 2.0, 200)  # the step sizes of the error panel
ERROR_FLOOR = 1e-17  # errors that are exactly 0 are drawn here (log axes)


def f(x):
    """The demo's function, a cubic with visible curvature."""
    return x**3 / 4 - x + 1


def f_prime(x):
    """Its exact derivative, for comparison."""
    return 3 * x**2 / 4 - 1


METHODS = {"forward": forward_difference, "central": central_difference}  # method(f, x, h)


def _secant_points(method, x0, h):
    """The two points the secant passes through."""
    left = x0 if method == "forward" else x0 - h
    right = x0 + h
    return np.array([left, right]), f(np.array([left, right]))


def _line(x0, y0, slope):
    xs = np.array(X_RANGE)
    return xs, y0 + slope * (xs - x0)


def _draw_curve(ax):
    xs = np.linspace(*X_RANGE, 300)
    ax.plot(xs, f(xs), color="black", lw=1.5)
    ax.set_xlim(*X_RANGE)
    ax.set_ylim(*Y_RANGE)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")


def secant_demo():
    """Shrink h (log slider) and watch the secant become the tangent, then the error hit round-off."""
    fig, (ax, ax_err) = new_figure(width=8.4, height=3.5, ncols=2, width_ratios=[1.2, 1],
                                   margins={"left": 0.07, "right": 0.98, "top": 0.8, "bottom": 0.14,
                                            "wspace": 0.25})
    _draw_curve(ax)
    ax.set_title(FORMULA, fontsize=10)
    (tangent,) = ax.plot([], [], "--", color="tab:blue", lw=1.2, label="tangent")
    (secant,) = ax.plot([], [], "-", color="tab:red", lw=1.4, label="secant")
    (points,) = ax.plot([], [], "o", color="tab:red", ms=6)
    (anchor,) = ax.plot([], [], "o", color="tab:blue", ms=5)
    ax.legend(loc="lower right", fontsize=8)
    readout = ax.text(0.0, 1.12, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=9,
                      family="monospace")

    ax_err.set_xscale("log")
    ax_err.set_yscale("log")
    ax_err.set_xlim(H_GRID[0], H_GRID[-1])
    ax_err.set_ylim(1e-12, 10)
    for axis in (ax_err.xaxis, ax_err.yaxis):
        axis.set_major_locator(LogLocator(numticks=6))
        axis.set_minor_formatter(NullFormatter())
    ax_err.set_xlabel("step $h$")
    ax_err.set_ylabel("|approximation - $f'(x_0)$|")
    ax_err.set_title("error of the slope", fontsize=10)
    (err_forward,) = ax_err.plot([], [], "-", color="tab:orange", lw=1, label="forward")
    (err_central,) = ax_err.plot([], [], "-", color="tab:green", lw=1, label="central")
    (err_now,) = ax_err.plot([], [], "o", color="black", ms=6)
    ax_err.legend(loc="lower left", fontsize=8)

    def update(h, x0, method):
        exact = f_prime(x0)
        xs, ys = _secant_points(method, x0, h)
        slope = METHODS[method](f, x0, h)
        tangent.set_data(*_line(x0, f(x0), exact))
        secant.set_data(*_line(xs[0], ys[0], slope))
        points.set_data(xs, ys)
        anchor.set_data([x0], [f(x0)])
        with np.errstate(all="ignore"):
            errors = {name: np.maximum(np.abs(fn(f, x0, H_GRID) - exact), ERROR_FLOOR)
                      for name, fn in METHODS.items()}
        err_forward.set_data(H_GRID, errors["forward"])
        err_central.set_data(H_GRID, errors["central"])
        err_now.set_data([h], [max(abs(slope - exact), ERROR_FLOOR)])
        err_now.set_color("tab:orange" if method == "forward" else "tab:green")
        readout.set_text(f"h = {h:.3g}   {method} secant slope = {slope:.10f}\n"
                         f"tangent slope f'({x0:.2f}) = {exact:.10f}   error = {abs(slope - exact):.2e}")

    step = widgets.FloatLogSlider(value=1.0, base=10, min=-10, max=0.2, step=0.1, description="h",
                                  readout_format=".2g")
    point = widgets.FloatSlider(value=1.5, min=-2.0, max=2.0, step=0.1, description="x0")
    method = widgets.Dropdown(options=list(METHODS), value="forward", description="difference")
    live = LiveFigure(fig, update, {"h": step, "x0": point, "method": method},
                      animated=[tangent, secant, points, anchor, err_forward, err_central, err_now,
                                readout])
    return live.widget


def secant_animation(x0=1.5, frames=20):
    """Kernel-free: the forward secant at x0 turning into the tangent as h shrinks from 1.5 to 0.01."""
    fig, ax = new_figure(width=5.0, height=3.4, dpi=72, margins={"left": 0.11, "bottom": 0.13, "top": 0.9})
    _draw_curve(ax)
    ax.set_xticks([-2, 0, 2])  # few labels: every frame redraws them
    ax.set_yticks([-1, 0, 1, 2, 3])
    exact = f_prime(x0)
    ax.plot(*_line(x0, f(x0), exact), "--", color="tab:blue", lw=1.2, label=f"tangent, slope {exact:.4f}")
    (secant,) = ax.plot([], [], "-", color="tab:red", lw=1.4, label="secant")
    (points,) = ax.plot([], [], "o", color="tab:red", ms=6)
    ax.text(-2.8, 3.1, "f(x) = x³/4 - x + 1", fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    title = ax.set_title("", fontsize=10)

    def update(h):
        xs, ys = _secant_points("forward", x0, h)
        slope = forward_difference(f, x0, h)
        secant.set_data(*_line(xs[0], ys[0], slope))
        points.set_data(xs, ys)
        title.set_text(f"x0 = {x0}, h = {h:.3g}: secant slope {slope:.4f}")

    return animation(fig, update, np.geomspace(1.5, 0.01, frames), interval=400)
