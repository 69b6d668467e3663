"""Every link from a learner notebook into the book reaches a built page and anchor.

The learner editions link to the published book (tools/learner_edition.py, book_url()); the same
paths must exist in the local build. Runs after `make book` (as in `make test`); skipped when
_build/html does not exist.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import learner_edition

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)


def _ids(page: Path, cache={}) -> set[str]:
    if page not in cache:
        parser = _Ids()
        parser.feed(page.read_text(encoding="utf-8"))
        cache[page] = parser.ids
    return cache[page]


def book_links(notebook_path: Path) -> list[str]:
    base = learner_edition.book_url(ROOT)
    notebook = nbformat.read(notebook_path, as_version=4)
    return [url for cell in notebook.cells if cell.cell_type == "markdown"
            for url in LINK.findall(cell.source) if url.startswith(base)]


@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="the book is not built (make book)")
@pytest.mark.parametrize("notebook", learner_edition.learner_notebooks(ROOT),
                         ids=lambda p: p.stem)
def test_links_into_the_book_resolve(notebook):
    base = learner_edition.book_url(ROOT)
    links = book_links(notebook)
    assert links, "every lesson links at least to its chapter"
    broken = []
    for url in links:
        path, _, anchor = url[len(base):].partition("#")
        page = HTML / path
        if not page.is_file():
            broken.append(f"{url}: no page {page.relative_to(ROOT)}")
        elif anchor and anchor not in _ids(page):
            broken.append(f"{url}: no id {anchor!r} in {page.relative_to(ROOT)}")
    assert broken == []


def cells(path):
    """What a notebook is to a reader: the type and source of each cell."""
    return [(cell.cell_type, cell.source) for cell in nbformat.read(path, as_version=4).cells]


@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="the book is not built (make book)")
def test_launch_buttons_open_learner_notebooks_and_only_on_lessons():
    """Binder and Colab open lessons/learner/NN-name.ipynb; chapters have no launch button; the
    ".ipynb" download of a lesson page is its learner edition (book/_ext/learner_buttons.py)."""
    problems = []
    for notebook in learner_edition.learner_notebooks(ROOT):
        page = (HTML / "lessons" / notebook.name).with_suffix(".html")
        text = page.read_text(encoding="utf-8")
        want = f"lessons/learner/{notebook.name}"
        for host in ("mybinder.org", "colab.research.google.com"):
            urls = re.findall(rf'href="(https://{re.escape(host)}[^"]*)"', text)
            if not urls or not all(want in url for url in urls):
                problems.append(f"{page.name}: {host} links {urls} do not open {want}")
        download = HTML / "_sources" / "lessons" / notebook.name
        # the same cells (the build stores the figures as palette PNGs, in compact JSON)
        if download.exists() and cells(download) != cells(notebook):
            problems.append(f"{download.relative_to(ROOT)} is not the learner edition")
    for page in sorted((HTML / "book").glob("*.html")):
        if "mybinder.org" in page.read_text(encoding="utf-8"):
            problems.append(f"{page.relative_to(ROOT)} has a launch button")
    assert problems == []


@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="the book is not built (make book)")
def test_equation_references_show_the_numbers_the_book_shows():
    """``{eq}`label``` in a lesson becomes a link showing the equation's number: the numbers that
    tools/learner_edition.py computes from the sources are those of the built book."""
    labels = {label: target for label, target in learner_edition.label_index(ROOT).items()
              if target.anchor.startswith("equation-")}
    assert labels, "the book has labelled equations"
    ctx = learner_edition.Context(ROOT / "lessons" / "01-calculus.md", ROOT)
    wrong = []
    for label, target in labels.items():
        link = learner_edition.translate_role(ctx, "eq", label)
        page = HTML / f"{target.docname}.html"
        text = page.read_text(encoding="utf-8")
        at = text.find(f'id="{target.anchor}"')
        shown = re.search(r'class="eqno">\(([^)<]+)\)', text[at:at + 2000]) if at >= 0 else None
        if not shown or link != f"[({shown.group(1)})]({learner_edition.page_url(target.docname, target.anchor, ROOT)})":
            wrong.append(f"{label}: learner link {link}, book shows {shown and shown.group(1)}")
    assert wrong == []
