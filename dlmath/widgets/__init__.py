"""Interactive demos for the lessons, each behind a one-line call.

Convention
----------
* Each topic's demos live in ``dlmath/widgets/<topic>.py`` (for example
  ``gradient_descent.py``).
* A live demo is a function named ``*_demo()`` with no required arguments that
  returns a ready ipywidgets widget; build it with :class:`figure.LiveFigure`
  (one persistent figure whose artists move, rendered to PNG on each change).
  It needs a kernel: JupyterLab, Binder or Colab.
* Its kernel-free twin is ``*_animation()``, returning ``IPython.display.HTML``
  from :func:`figure.animation` (precomputed frames with a player that works
  in the static book page). Keep it to about 20 frames at dpi 72-80.
* In a lesson::

      from dlmath.widgets.gradient_descent import descent_demo, descent_animation
      descent_demo()        # cell tags: remove-input, nbval-ignore-output
      descent_animation()   # cell tags: remove-input, nbval-ignore-output

  Widget views are not compared by nbval, but their text fallback and the
  animation's HTML are large and version-dependent: ignore the output.
* ``tests/test_widgets.py`` finds every demo, moves every slider and dropdown
  and checks that the picture changes; ``benchmarks/widget_latency.py`` times
  each move (target: median <= 100 ms, worst <= 300 ms).
"""

from .figure import LiveFigure, animation, new_figure, png_bytes

__all__ = ["LiveFigure", "animation", "new_figure", "png_bytes"]
