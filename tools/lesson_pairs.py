"""Lessons are jupytext pairs: ``lessons/NN-name.md`` is edited, ``NN-name.ipynb`` is stored executed.

This module checks that a pair agrees and that the stored notebook is the output of one fresh
top-to-bottom run, and it re-executes a lesson into its notebook. The tests import it; it also
runs as a script::

    python tools/lesson_pairs.py lessons/*.md            # report problems, exit 1 if any
    python tools/lesson_pairs.py --execute lessons/*.md  # rewrite each .ipynb from a fresh run

Why not ``jupytext --sync``: it picks the newer file by modification time, which is arbitrary in a
fresh clone. Comparing cell sources is what "in sync" really means.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from kernels import AsyncIpcKernelManager

EXECUTION_TIMEOUT = 300  # seconds per cell


def twin(md_path: Path) -> Path:
    """The stored notebook paired with a lesson's markdown file."""
    return Path(md_path).with_suffix(".ipynb")


def _cells(notebook) -> list[tuple[str, str, tuple[str, ...]]]:
    """What must agree between the two files: type, source and tags of each cell."""
    return [
        (cell.cell_type, cell.source.strip(), tuple(cell.get("metadata", {}).get("tags", ())))
        for cell in notebook.cells
    ]


def sync_problems(md_path: Path) -> list[str]:
    """Differences between a lesson's markdown and its stored notebook (empty when in sync)."""
    md_path = Path(md_path)
    ipynb_path = twin(md_path)
    if not ipynb_path.exists():
        return [f"{md_path}: no paired notebook {ipynb_path.name}; run `make lessons`"]
    from_md = _cells(jupytext.read(md_path))
    stored = _cells(nbformat.read(ipynb_path, as_version=4))
    problems = []
    if len(from_md) != len(stored):
        problems.append(
            f"{md_path}: {len(from_md)} cells in the .md but {len(stored)} in {ipynb_path.name}"
        )
    for index, (a, b) in enumerate(zip(from_md, stored)):
        if a != b:
            what = "type" if a[0] != b[0] else "source" if a[1] != b[1] else "tags"
            first_line = a[1].splitlines()[0] if a[1] else "(empty)"
            problems.append(
                f"{md_path}: cell {index} ({first_line[:60]!r}) differs in its {what} "
                f"from {ipynb_path.name}; run `make lessons` to re-execute the pair"
            )
            break
    return problems


def freshness_problems(ipynb_path: Path) -> list[str]:
    """Problems that show a stored notebook is not one clean top-to-bottom run."""
    notebook = nbformat.read(ipynb_path, as_version=4)
    problems = []
    expected_count = 1
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        count = cell.get("execution_count")
        if count is None:
            problems.append(f"{ipynb_path}: code cell {index} was never executed")
        elif count != expected_count:
            problems.append(
                f"{ipynb_path}: code cell {index} has execution count {count}, expected "
                f"{expected_count}: the notebook was not executed top to bottom in one run"
            )
        expected_count = (count or expected_count) + 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(
                    f"{ipynb_path}: code cell {index} stored an error: "
                    f"{output.get('ename')}: {output.get('evalue')}"
                )
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(
                    f"{ipynb_path}: code cell {index} wrote to stderr (a warning?): "
                    f"{output.get('text', '')[:200]!r}"
                )
    return problems


# A number with this many significant digits shows round-off, whose last digits depend on the CPU.
ROUNDOFF_DIGITS = 12
_NUMBER = re.compile(r"(?<![\w.])[-+]?(\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
# Outputs nbval compares: text, not images or widget views.
_COMPARED_MIME = ("text/plain", "text/html", "text/latex", "text/markdown")
_NOT_COMPARED_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception"}


def significant_digits(number: str) -> int:
    """How many significant digits a printed number has: ``1.7763568394002505e-15`` has 17."""
    mantissa = re.split(r"[eE]", number.lstrip("+-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def roundoff_problems(ipynb_path: Path) -> list[str]:
    """Numbers printed at full precision in outputs that nbval compares.

    Their last digits differ between CPUs (SIMD dispatch in NumPy, kernels in OpenBLAS), so such an
    output fails strict nbval on another machine. Print a comparison with a tolerance instead
    (``np.abs(a - b).max() < 1e-12``), or round to the digits that are stable.
    """
    notebook = nbformat.read(ipynb_path, as_version=4)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or _NOT_COMPARED_TAGS & set(cell.metadata.get("tags", ())):
            continue
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] if output.get("output_type") == "stream" else [
                output.get("data", {}).get(mime, "") for mime in _COMPARED_MIME
            ]
            for text in texts:
                long = [m.group(0) for m in _NUMBER.finditer("".join(text))
                        if significant_digits(m.group(0)) >= ROUNDOFF_DIGITS]
                if long:
                    problems.append(
                        f"{ipynb_path}: code cell {index} prints {long[0]} ({significant_digits(long[0])} "
                        f"significant digits): round-off differs between CPUs, so print a comparison "
                        f"with a tolerance or fewer digits (see CONTRIBUTING.md, 'Same outputs on every CPU')"
                    )
                    break
    return problems


def run_notebook(notebook, cwd: Path, kernel_name: str = "python3",
                 timeout: int = EXECUTION_TIMEOUT, allow_errors: bool = False):
    """Execute ``notebook`` in place, top to bottom, in a new kernel started in ``cwd``.

    The kernel talks over Unix sockets (tools/kernels.py): kernels that start at once on both
    cores cannot take each other's ports.
    """
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        kernel_manager_class=AsyncIpcKernelManager,
        allow_errors=allow_errors,
        record_timing=False,  # timestamps in cell metadata would change on every run
        resources={"metadata": {"path": str(cwd)}},
    ).execute()
    return notebook


def execute(md_path: Path) -> Path:
    """Run a lesson's markdown top to bottom and store the result as its paired notebook."""
    md_path = Path(md_path)
    notebook = jupytext.read(md_path)
    run_notebook(notebook, md_path.parent.resolve())
    # Keep re-runs diff-free: cell ids from position and source (jupytext draws random ones),
    # and no saved widget state (random model ids and PNG buffers; a live demo needs a kernel
    # anyway, and the book removes those cells' output).
    for index, cell in enumerate(notebook.cells):
        cell.id = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
    notebook.metadata.pop("widgets", None)
    drop_animations(notebook)
    lighten_figures(notebook)
    ipynb_path = twin(md_path)
    jupytext.write(notebook, ipynb_path, fmt="ipynb")
    return ipynb_path


# --- Animations are not stored in the notebooks (issue 18) ------------------------------------
# A kernel-free animation (`dlmath.widgets.*_animation()`, matplotlib's jshtml player) is 50-200
# KB of base64 frames that nbval never compares (its cells are tagged nbval-ignore-output) and
# that every `make lessons` would add to the repository again. The stored notebook keeps a
# one-line placeholder; the book gets the real player back when `tools/book_cache.py` redraws it
# in-process (the cell is one call `name()` of a function imported from dlmath.widgets).

ANIMATION_MARKER = "_anim_img"  # the id prefix of the jshtml player's <img>
PLACEHOLDER = {"dlmath": {"animation": "not stored: run the cell (or see the book page)"}}


def drop_animations(notebook) -> int:
    """Replace each jshtml animation output by a short placeholder; returns how many."""
    dropped = 0
    for cell in notebook.cells:
        for index, output in enumerate(cell.get("outputs", [])):
            html = output.get("data", {}).get("text/html", "")
            if ANIMATION_MARKER in ("".join(html) if isinstance(html, list) else html):
                cell.outputs[index] = nbformat.v4.new_output(
                    "display_data", metadata=PLACEHOLDER,
                    data={"text/plain": "(an animation: run this cell to see it play)"})
                dropped += 1
    return dropped


def animation_encoding() -> str:
    """A fingerprint of the code that draws the animations' frames: a change redraws them."""
    import dlmath.widgets._frames as frames
    import dlmath.widgets.figure as figure

    sources = b"".join(Path(module.__file__).read_bytes() for module in (frames, figure))
    return hashlib.sha1(sources).hexdigest()[:12]


def restore_animations(notebook) -> bool:
    """Redraw the animations (placeholders of `drop_animations`) in this process.

    Returns False if one cannot be redrawn here (its cell is not a single call, without
    arguments, of a function imported from dlmath.widgets): the build then executes the lesson.
    """
    import ast
    import importlib

    imported = {}  # name -> module, from `from dlmath.widgets.X import name` lines
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not an import we need
            tree = ast.Module(body=[], type_ignores=[])
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlmath.widgets"):
                imported.update({alias.asname or alias.name: node.module for alias in node.names})
        for index, output in enumerate(cell.get("outputs", [])):
            html = output.get("data", {}).get("text/html", "")
            stored = ANIMATION_MARKER in ("".join(html) if isinstance(html, list) else html)
            if output.get("metadata", {}).get("dlmath") != PLACEHOLDER["dlmath"] and not stored:
                continue  # (a notebook stored before issue 18 holds old frames: redrawn too)
            body = tree.body
            call = body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and not call.args and not call.keywords and call.func.id in imported):
                return False
            make = getattr(importlib.import_module(imported[call.func.id]), call.func.id)
            cell.outputs[index] = nbformat.v4.new_output(
                "display_data", data={"text/html": make().data,
                                      "text/plain": "<IPython.core.display.HTML object>"})
    return True


# --- Figures are stored as palette PNGs (issue 18) --------------------------------------------
# A matplotlib figure is 20-60 KB of PNG with a few hundred anti-aliasing shades; nbval never
# compares it, and every `make lessons` stores it again. As a palette PNG (the book build's own
# `lighten_png_bytes`: 255 colours, less than one colour level of difference on average) it is
# about three times smaller and looks the same, in the notebook and on the book page.


def lighten_figures(notebook) -> int:
    """Rewrite each stored figure (``image/png`` output) as a palette PNG where that is smaller
    and lossless to the eye; returns how many were rewritten."""
    import base64

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    from offline_assets import lighten_png_bytes

    lightened = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            png = data.get("image/png")
            if not png:
                continue
            lighter = lighten_png_bytes(base64.b64decode("".join(png) if isinstance(png, list) else png))
            if lighter is not None:
                data["image/png"] = base64.b64encode(lighter).decode("ascii")
                lightened += 1
    return lightened


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", type=Path, help="lesson .md files")
    parser.add_argument("--execute", action="store_true", help="re-execute into the .ipynb twins")
    args = parser.parse_args(argv)
    # The stored notebooks come from kernels started as new processes; the tests run them again in
    # kernels forked from a warm interpreter (tools/kernels.py) and compare every output strictly.
    os.environ.setdefault("DLMATH_FRESH_KERNELS", "1")
    problems = []
    for md_path in args.lessons:
        if args.execute:
            print(f"executing {md_path}", flush=True)
            execute(md_path)
        problems += sync_problems(md_path) + freshness_problems(twin(md_path))
        problems += roundoff_problems(twin(md_path))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
