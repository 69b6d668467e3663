"""Fill the book's jupyter-cache before Sphinx runs, using every core.

Jupyter Book (myst-nb, execution mode "cache") looks each page up in a jupyter-cache by a hash
of its code cells and kernel, and executes a page that is not there: one page after another, in
the one Sphinx process. On a fresh clone that is every chapter, in turn, on one core. This step
does the same work first, in parallel worker processes, so that Sphinx finds every page cached:

* a **lesson** is not executed at all: its stored notebook has exactly the code cells of its .md
  and is one fresh run (`lesson_pairs.sync_problems`, `freshness_problems`), so it is a valid
  cache entry; only its animations, stored as placeholders, are drawn again
  (`lesson_pairs.restore_animations`). A stale or unsynced lesson is left out: the build
  executes it.
* a **chapter** is read by myst-nb's own reader and executed by jupyter-cache's own
  `single_nb_execution`, in the chapter's folder, with the build's timeout: exactly what the
  build would do. A chapter that fails here is left out, and the build executes it again and
  reports the error as it always does (a failing cell fails the -W build).

Pages whose front matter forces execution (`execution_mode: force`) are executed by the build,
as they ask. Usage (the Makefile's `book` target)::

    python tools/book_cache.py _build/.jupyter_cache lessons/[0-9]*.md book/*.md
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

import lesson_pairs
from kernels import AsyncIpcKernelManager

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300  # seconds per cell, as `execute: timeout` in _config.yml


def read_page(md_path: Path):
    """The notebook myst-nb makes of a MyST page (None if the page is not a notebook)."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    text = md_path.read_text(encoding="utf-8")
    if not is_myst_markdown_notebook(text):
        return None
    return read_myst_markdown_notebook(text, config=MdParserConfig(), add_source_map=True,
                                       path=str(md_path))


def forced(notebook) -> bool:
    """True if the page's front matter asks to be executed on every build."""
    return notebook.metadata.get("mystnb", {}).get("execution_mode") == "force"


def draw_lesson(md_path: str):
    """A lesson's stored notebook with its animations drawn (None if one cannot be drawn here)."""
    notebook = nbformat.read(lesson_pairs.twin(Path(md_path)), as_version=4)
    return notebook if lesson_pairs.restore_animations(notebook) else None


def execute_chapter(md_path: str):
    """(notebook, seconds, error) after executing a chapter as the build would."""
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = read_page(Path(md_path))
    result = single_nb_execution(notebook, cwd=str(Path(md_path).parent.resolve()),
                                 allow_errors=False, timeout=TIMEOUT, meta_override=True,
                                 kernel_manager_class=AsyncIpcKernelManager)  # Unix sockets: kernels.py
    error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return notebook, result.time, error


def fill(cache_path: Path, md_paths: list[Path], workers: int) -> dict[str, int]:
    """Add every page that the cache lacks; returns counts of what was done."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_path))
    encoding = lesson_pairs.animation_encoding()
    lessons, chapters = [], []
    for md_path in md_paths:
        if lesson_pairs.twin(md_path).exists():  # a lesson pair
            ipynb = lesson_pairs.twin(md_path)
            if lesson_pairs.sync_problems(md_path) or lesson_pairs.freshness_problems(ipynb):
                continue
            try:
                record = cache.match_cache_notebook(nbformat.read(ipynb, as_version=4))
                if (record.data or {}).get("animations") == encoding:
                    continue  # already there, with animations drawn by the current encoder
            except KeyError:
                pass
            lessons.append(md_path)
        else:
            notebook = read_page(md_path)
            if notebook is None or forced(notebook) or not any(
                    cell.cell_type == "code" for cell in notebook.cells):
                continue
            try:
                cache.match_cache_notebook(notebook)
                continue  # cached already
            except KeyError:
                chapters.append(md_path)

    counts = {"lessons": 0, "chapters": 0, "failed": 0}
    # The longest pages first, so that no worker is left with a long one at the end.
    chapters.sort(key=lambda p: -p.stat().st_size)
    # Fresh worker processes (not forked from this one, which holds the cache's database open).
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        chapter_runs = {md: pool.submit(execute_chapter, str(md)) for md in chapters}
        lesson_runs = {md: pool.submit(draw_lesson, str(md)) for md in lessons}
        for md_path, run in chapter_runs.items():
            notebook, seconds, error = run.result()
            if error:
                print(f"{md_path}: failed here ({error.splitlines()[0][:200]}); "
                      "the build executes it again and reports the error", flush=True)
                counts["failed"] += 1
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, str(md_path.resolve()),
                              data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            print(f"{md_path}: executed in {seconds:.1f} s", flush=True)
            counts["chapters"] += 1
        for md_path, run in lesson_runs.items():
            notebook = run.result()
            if notebook is None:
                continue  # an animation that cannot be redrawn here: the build executes the lesson
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, str(md_path.resolve()), data={"animations": encoding}),
                check_validity=True, overwrite=True)
            # Sphinx re-reads a page only when its source is newer than its last read: a replaced
            # cache entry (new stored outputs, redrawn animations) must reach the page too.
            os.utime(md_path)
            counts["lessons"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="the book's jupyter-cache folder")
    parser.add_argument("pages", nargs="+", type=Path, help="lesson and chapter .md files")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    counts = fill(args.cache, args.pages, args.workers)
    print(f"jupyter-cache: {counts['lessons']} stored lessons (animations drawn) and "
          f"{counts['chapters']} executed chapters added in {time.monotonic() - started:.0f} s"
          + (f"; {counts['failed']} chapters left to the build" if counts["failed"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
