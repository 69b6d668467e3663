"""Errors raised by dlmath.

Every error the engine raises is a :class:`DlmathError`, so a lesson can catch
them all with one ``except dm.DlmathError``. The message always says which node
went wrong, what it received, and how to fix it. The subclasses also inherit
from the matching built-in exception (``ValueError``, ``TypeError``...), so
code written against plain Python still works.
"""


class DlmathError(Exception):
    """Base class of every error raised by dlmath."""


class GraphError(DlmathError, TypeError):
    """Something that is not a node was used as one, or graphs were mixed."""


class FeedError(DlmathError, ValueError):
    """A placeholder was not fed, fed a bad value, or the feed key is not a placeholder."""


class ShapeError(DlmathError, ValueError):
    """Input shapes do not fit an operation (matmul, broadcasting, declared shapes)."""


class NumericError(DlmathError, ArithmeticError):
    """A value left the domain of a function, e.g. log of a non-positive number."""


class GradientError(DlmathError):
    """A gradient cannot be computed: non-scalar loss, or an op with no rule."""


class OpError(DlmathError):
    """NumPy failed inside an operation's forward or backward rule."""
