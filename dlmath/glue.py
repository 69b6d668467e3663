"""Paste a number a cell computes into the book's prose: myst-nb's ``glue``, safe in any kernel.

The book build runs the lessons with myst-nb installed, and ``glue("name", value)`` stores the value
for ``{glue:text}`name` `` in the prose. A learner's kernel (Binder, Colab, ``make lab``) has no
book to paste into and no myst-nb: there ``glue`` only shows the value when asked to display it.
"""

try:
    from myst_nb import glue
except ImportError:  # a learner's kernel

    def glue(name: str, variable, display: bool = True) -> None:
        """Without the book toolchain there is nothing to paste into; show the value if asked."""
        if display:
            from IPython.display import display as show

            show(variable)


__all__ = ["glue"]
