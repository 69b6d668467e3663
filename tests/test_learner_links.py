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
