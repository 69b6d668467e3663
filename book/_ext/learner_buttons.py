"""Launch and download buttons that give learners a notebook that works where they run it.

sphinx-book-theme puts a rocket button (Binder, Colab) on every notebook page, pointing at the
``.ipynb`` of the page's own path, and a ".ipynb" download of the page's executed notebook. For
this course that is wrong twice: the lesson's twin ``lessons/NN-name.ipynb`` is the book's full
executed notebook (MyST markup, solutions run), and chapters have no notebook at all (the button
opened their ``.md``, which Colab cannot open).

This extension runs after the theme's own handlers and:

- on a lesson page whose learner edition ``lessons/learner/NN-name.ipynb`` exists
  (``tools/learner_edition.py`` writes it), points the Binder and Colab buttons at it and makes the
  ".ipynb" download give it;
- on every other page, removes the launch buttons.
"""

from __future__ import annotations

import shutil
from pathlib import Path

LEARNER_DIR = "learner"


def learner_notebook(srcdir, pagename: str) -> Path | None:
    """``lessons/NN-name`` -> ``<srcdir>/lessons/learner/NN-name.ipynb`` if it exists."""
    page = Path(pagename)
    if page.parts[:1] != ("lessons",) or len(page.parts) != 2:
        return None
    path = Path(srcdir) / page.parent / LEARNER_DIR / (page.name + ".ipynb")
    return path if path.exists() else None


def _retarget(app, pagename, templatename, context, doctree):
    buttons = context.get("header_buttons")
    if not buttons:
        return
    learner = learner_notebook(app.srcdir, pagename)
    if learner is None:
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]
        return
    own = f"{pagename}.ipynb"
    relative = learner.relative_to(Path(app.srcdir)).as_posix()
    for group in buttons:
        if group.get("label") == "launch-buttons":
            for button in group.get("buttons", []):
                if own not in button.get("url", ""):
                    raise RuntimeError(f"learner_buttons: launch button {button.get('url')!r} on "
                                       f"{pagename} does not name {own}: the theme changed?")
                button["url"] = button["url"].replace(own, relative)
    if context.get("ipynb_source"):
        # The theme copied the executed full notebook here for its ".ipynb" download.
        target = Path(app.outdir) / "_sources" / context["ipynb_source"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(learner, target)


def setup(app):
    # The theme adds its buttons at priority 501; run after it.
    app.connect("html-page-context", _retarget, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
