"""Paste a number a cell computes into the book's prose, from any kernel.

``glue("name", value, display=False)`` records the value in the cell's output in the scrapbook
format that myst-nb reads (``application/papermill.record/<mime>`` data, with the name in the
output's metadata), and the prose pastes it with ``{glue:text}`name` ``. This is what myst-nb's own
``glue`` writes, byte for byte (``tests/test_glue.py`` compares the two), without importing myst-nb:
a learner's kernel (Binder, Colab, ``make lab``) does not have it, and importing it loads Sphinx,
which costs every lesson run seconds. The same output in every kernel also keeps the stored
notebooks identical wherever they are re-run, so nbval can compare them.
"""

from IPython.core.formatters import format_display_data
from IPython.display import display as show

RECORD_PREFIX = "application/papermill.record/"


def glue(name: str, variable, display: bool = True) -> None:
    """Record ``variable``'s display under ``name`` for the book; also show it if ``display``."""
    bundle, metadata = format_display_data(variable)
    prefix = "" if display else RECORD_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


__all__ = ["glue"]
