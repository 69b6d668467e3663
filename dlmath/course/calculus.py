"""Finite differences: the reference maths of the chapter *Calculus*.

Used by the lesson's demo (``dlmath.widgets.calculus``) and its checker
(``dlmath.exercises.calculus``). Both estimates take any function ``f`` of a
number or, element-wise, of an array ``x``:

* ``forward_difference(f, x, h)``: the slope ``(f(x + h) - f(x)) / h`` of the
  secant through x and x + h; its error shrinks like h.
* ``central_difference(f, x, h)``: the slope ``(f(x + h) - f(x - h)) / (2 h)`` of
  the secant through x - h and x + h; its error shrinks like h**2.
"""


def forward_difference(f, x, h):
    """``(f(x + h) - f(x)) / h``: the forward-difference estimate of f'(x), error O(h)."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    """``(f(x + h) - f(x - h)) / (2 h)``: the central-difference estimate of f'(x), error O(h**2)."""
    return (f(x + h) - f(x - h)) / (2 * h)
