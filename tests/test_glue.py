"""Numbers in the prose come from the cells: checks on myst-nb glue in chapters and lessons.

A number that an executed cell computes is never typed into a page's prose: the cell glues it
(``glue("name", round(value, 3), display=False)``) and the prose pastes it
(``{glue:text}`name:.3f` ``), so re-executing the page updates the sentence. These tests check:

1. every name the prose pastes is glued by a code cell of the same page, every glued name is
   pasted somewhere, and no name is glued twice (static: reads the sources only);
2. in the executed notebook, every glued value is a plain Python number or string (an
   ``np.float64(...)`` repr cannot be formatted) and is already rounded to the precision the prose
   shows, because nbval compares the stored glue output strictly on other CPUs;
3. the prose does not type a number that a cell on the same page prints (compared at the
   precision the prose shows); such a number must be glued.

Executed notebooks: the newest run of the page in the build's jupyter cache
(``_build/.jupyter_cache``, written by ``make book``) whose code cells are the page's, or else a
lesson's stored ``lessons/NN-name.ipynb`` if its code cells are the page's; otherwise these
tests are skipped.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from toc import toc_files

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
EXECUTED = ROOT / "_build" / "jupyter_execute"
GLUE_PREFIX = "application/papermill.record/"

# Pages of the book that are executed notebooks (chapters and lessons).
PAGES = sorted(
    ROOT / f"{name}.md"
    for name in toc_files()
    if (ROOT / f"{name}.md").exists()
    and "kernelspec:" in (ROOT / f"{name}.md").read_text(encoding="utf-8")[:600]
)

# A paste: {glue}`name`, {glue:text}`name:.3f`, {glue:md}`name` ...; and the {glue} directives.
PASTE_ROLE = re.compile(r"\{glue(?::(?P<kind>\w+))?\}`(?P<body>[^`]+)`")
PASTE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{glue(?::\w+)?\}\s+(?P<body>\S+)", re.M)
# A glue call in a code cell: glue("name", ...). The name must be a string literal.
GLUE_CALL = re.compile(r"\bglue\(\s*(?P<quote>['\"])(?P<name>[^'\"]+)(?P=quote)")

# Numbers in prose with a decimal point (integers are counts, years, sizes: too ambiguous), in
# plain, percent or scientific form: 0.178, 78.3%, 3.7e-11, 3.7 \times 10^{-11}.
PROSE_NUMBER = re.compile(
    r"(?<![\w.])(?P<mantissa>\d+\.\d+)"
    r"(?:(?:e|E)(?P<exp>[-+]?\d+)|\s*\\times\s*10\^\{?(?P<texexp>[-+−]?\d+)\}?)?"
    r"(?P<percent>\s*\\?%)?(?![\w.])"
)
PRINTED_NUMBER = re.compile(r"(?<![\w.])-?\d+\.?\d*(?:[eE][-+]?\d+)?")

# Numbers a page types on purpose although a cell also prints them: exact constants and
# definitions (inputs the reader is told to use), each with its reason.
TYPED_ON_PURPOSE: dict[str, dict[str, str]] = {
    "book/03-probability": {
        "0.161": "0.0095 / 0.059, Bayes' rule evaluated in the displayed equation itself",
        "2.585": "log2(6), the entropy of a fair die: a constant",
        "0.469": "the entropy of a coin with p = 0.9, a constant of the example",
    },
    "book/06-training-criterion": {
        "332.14": "(800 + 30 + log 2 + 30 + 800) / 5, the arithmetic written out in the sentence",
    },
    "lessons/01-calculus": {"6.4366": "1 + 2e, a closed form the solution derives by hand"},
    "lessons/02-linear-algebra": {"23.5": "ln(10^6) / ln(9/5), a closed form in the solution"},
    "lessons/03-probability": {
        "0.826": "0.19 / 0.23, Bayes' rule worked by hand in the solution",
        "2.32": "log2(5), the entropy of the uniform distribution on 5 outcomes",
    },
    "book/10-boltzmann-machines": {"2.64": "log(1/14), the best possible log-likelihood: a constant"},
    "lessons/10-boltzmann-machines": {"0.818": "sigma(1.5), worked by hand in the solution"},
}

PENDING: dict[str, str] = {}  # page -> why its typed numbers are not glued yet


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT).with_suffix(""))


def read_page(path: Path):
    return jupytext.read(path)


def pastes(notebook) -> list[tuple[str, str]]:
    """(name, format spec) for every paste in the page's markdown cells."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for match in PASTE_ROLE.finditer(cell.source):
            body = match["body"]
            name, _, spec = body.partition(":") if match["kind"] == "text" else (body, "", "")
            found.append((name.strip(), spec.strip()))
        for match in PASTE_DIRECTIVE.finditer(cell.source):
            found.append((match["body"], ""))
    return found


def glue_calls(notebook) -> list[str]:
    return [match["name"] for cell in notebook.cells if cell.cell_type == "code"
            for match in GLUE_CALL.finditer(cell.source)]


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_pasted_name_is_glued_on_the_same_page(path):
    notebook = read_page(path)
    pasted = {name for name, _ in pastes(notebook)}
    glued = glue_calls(notebook)
    other_page = sorted(name for name in pasted if "::" in name)
    assert not other_page, (
        f"{page_id(path)} pastes {other_page} from another page: glue the number on the page "
        f"whose cell computes it, so that page and prose are executed together")
    missing = sorted(pasted - set(glued))
    assert not missing, (
        f"{page_id(path)}: the prose pastes {missing}, but no code cell of this page calls "
        f"glue() with that name (`from myst_nb import glue; glue(\"name\", value, display=False)`)")
    unused = sorted(set(glued) - pasted)
    assert not unused, f"{page_id(path)}: {unused} glued but never pasted into the prose"
    twice = sorted({name for name in glued if glued.count(name) > 1})
    assert not twice, f"{page_id(path)}: {twice} glued by more than one call"


# ---------------------------------------------------------------------------------------------
# Checks on the executed notebook of each page


def code_sources(notebook) -> list[str]:
    return [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]


@functools.lru_cache(maxsize=None)
def cached_executions() -> list[tuple[str, object]]:
    """(source path, executed notebook) of every record in the build's jupyter cache, newest first.

    The cache keeps each notebook as the kernel left it, glue outputs included (the copies in
    _build/jupyter_execute have the hidden glue outputs stripped)."""
    if not CACHE.exists():
        return []
    from jupyter_cache import get_cache

    cache = get_cache(CACHE)
    records = sorted(cache.list_cache_records(), key=lambda record: record.pk, reverse=True)
    return [(record.uri, cache.get_cache_bundle(record.pk).nb) for record in records]


def executed_notebook(path: Path, need_glue: bool = True):
    """The executed twin of a page whose code cells are the page's, or skip when there is none.

    Looked up in the build's jupyter cache (chapters and lessons that `make book` executed), then,
    for a lesson, its stored notebook. A page with `execution_mode: force` bypasses the cache: its
    copy in _build/jupyter_execute serves when the glue outputs are not needed (myst-nb strips the
    hidden ones from that copy); when they are, the page is executed here (such a page only reads
    benchmark results, so this is cheap)."""
    page_code = code_sources(read_page(path))
    if "execution_mode: force" in path.read_text(encoding="utf-8")[:800]:
        executed = EXECUTED / path.relative_to(ROOT).with_suffix(".ipynb")
        if not need_glue and executed.exists():
            notebook = nbformat.read(executed, as_version=4)
            if code_sources(notebook) == page_code:
                return notebook
        if need_glue:
            return run_page(path)
    relative = str(path.relative_to(ROOT))
    for uri, notebook in cached_executions():
        if uri.replace("\\", "/").endswith(relative) and code_sources(notebook) == page_code:
            return notebook
    if path.parent.name == "lessons":
        stored = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
        if code_sources(stored) == page_code:
            return stored
        pytest.skip(f"{page_id(path)}: the stored notebook is not the page's latest version and "
                    f"the book was not built since: run `make lessons` or `make book`")
    pytest.skip(f"{page_id(path)} has not been executed since its code last changed: run `make book`")


@functools.lru_cache(maxsize=None)
def run_page(path: Path):
    """A page the build executes on every build, executed here as the build does (in its folder)."""
    import lesson_pairs  # tools/

    return lesson_pairs.run_notebook(read_page(path), path.parent.resolve())


def glued_values(notebook) -> dict[str, str]:
    """name -> the stored text/plain of every glue output of an executed notebook."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = {key.removeprefix(meta.get("mime_prefix", "")): value
                    for key, value in output.get("data", {}).items()}
            values[meta["name"]] = data.get("text/plain", "")
    return values


def parse_formatted(text: str) -> float:
    """The number a formatted paste shows: '0.178', '78.3%', '3.7e-11', '1,024'."""
    text = text.replace(",", "").strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


NUMERIC_TYPES = set("bcdoxXeEfFgGn%")


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_glued_values_are_plain_and_rounded_as_shown(path):
    page = read_page(path)
    if not glue_calls(page):
        return
    values = glued_values(executed_notebook(path))
    problems = []
    for name, spec in pastes(page):
        if name not in values:
            problems.append(f"{name!r} is pasted but the executed notebook has no glue output "
                            f"for it: re-execute the page")
            continue
        text = values[name]
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            problems.append(f"{name!r} is glued as {text!r}, not a plain number or string: glue "
                            f"float(x) or round(float(x), n), not a NumPy scalar")
            continue
        if not spec or spec[-1] not in NUMERIC_TYPES or isinstance(value, str):
            continue
        shown = format(float(value), spec) if spec[-1] not in "bcdoxX" else format(int(value), spec)
        if not math.isclose(parse_formatted(shown), value, rel_tol=1e-9, abs_tol=1e-300):
            problems.append(
                f"{name!r} is glued as {text} but the prose shows it as {shown} ({{glue:text}}"
                f"`{name}:{spec}`): round it to the precision shown before gluing, since nbval "
                f"compares the stored value strictly on every CPU")
    assert not problems, f"{page_id(path)}:\n  " + "\n  ".join(problems)


def printed_text(notebook) -> str:
    """Everything the executed cells print or display as text (glued values included)."""
    chunks = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                chunks.append(output.get("text", ""))
            for key, value in output.get("data", {}).items():
                if key.removeprefix(GLUE_PREFIX) == "text/plain":
                    chunks.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(chunks)


def prose_numbers(notebook):
    """(text, value, decimals) of each typed decimal number in the markdown (pastes removed)."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = PASTE_ROLE.sub(" ", cell.source)
        text = re.sub(r"\(eq-[\w-]+\)|\{(?:eq|ref|numref|doc|cite:p|cite:t)\}`[^`]*`", " ", text)
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets (file names)
        for match in PROSE_NUMBER.finditer(text):
            mantissa = match["mantissa"]
            digits = mantissa.replace(".", "").lstrip("0")
            if len(digits) < 3:  # 0.5, 1.5, 0.01: inputs and round values, not results
                continue
            exponent = match["exp"] or match["texexp"]
            value = float(mantissa) * 10 ** int(exponent.replace("−", "-")) if exponent else float(mantissa)
            decimals = len(mantissa.split(".")[1]) - (int(exponent.replace("−", "-")) if exponent else 0)
            if match["percent"]:
                value, decimals = value / 100, decimals + 2
            yield match.group(0).strip(), value, decimals


def printed_values(notebook) -> list[float]:
    values = []
    for token in PRINTED_NUMBER.findall(printed_text(notebook)):
        try:
            values.append(float(token))
        except ValueError:
            pass
    return values


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_prose_does_not_type_a_number_a_cell_prints(path):
    if page_id(path) in PENDING:
        pytest.xfail(PENDING[page_id(path)])
    page = read_page(path)
    printed = printed_values(executed_notebook(path, need_glue=False))
    allowed = TYPED_ON_PURPOSE.get(page_id(path), {})
    typed = []
    for text, value, decimals in prose_numbers(page):
        if text in allowed:
            continue
        tolerance = 0.5 * 10.0 ** -decimals * (1 + 1e-9)
        if any(abs(abs(p) - abs(value)) <= tolerance for p in printed):
            typed.append(text)
    assert not typed, (
        f"{page_id(path)} types {sorted(set(typed))} in its prose, and a cell of the page prints "
        f"the same number: glue it from that cell (glue(\"name\", round(value, n), display=False) "
        f"and {{glue:text}}`name:.nf`) so that re-running the page updates the text, or, if it "
        f"is an exact constant or an input, list it in TYPED_ON_PURPOSE with the reason")


def hidden_cells(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code" and "remove-cell" in cell.get("metadata", {}).get("tags", []):
            yield cell


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_hidden_assertions_explain_themselves(path):
    """A sentence that describes a result ("falls as the width grows") is checked by an assert in
    a hidden (remove-cell) cell of the page; its message says which sentence has become false."""
    silent = []
    for cell in hidden_cells(read_page(path)):
        # IPython magics (%pip, !ls) are not Python: blank them out, keeping the line numbers
        source = re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)
        tree = ast.parse(source)
        silent += [ast.get_source_segment(source, node).splitlines()[0]
                   for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg is None]
    assert not silent, (
        f"{page_id(path)}: hidden assertions without a message: {silent}. Add one that quotes "
        f"the sentence of the prose the assertion protects")


def test_numbers_typed_on_purpose_are_still_on_their_page():
    """An exception that no longer matches anything would silently excuse the next typed number."""
    stale = []
    for page, numbers in TYPED_ON_PURPOSE.items():
        typed = {text for text, _, _ in prose_numbers(read_page(ROOT / f"{page}.md"))}
        stale += [f"{page}: {number}" for number in numbers if number not in typed]
    assert not stale, f"remove these from TYPED_ON_PURPOSE, the prose no longer types them: {stale}"
