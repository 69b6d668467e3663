"""The learner edition of a lesson: the notebook that Binder, Colab and "download" give.

A lesson's source ``lessons/NN-name.md`` is MyST markdown: the book renders its exercise boxes,
dropdown hints, solutions and cross-references. A notebook front-end (JupyterLab, Colab, VS Code,
GitHub) renders none of that, and a full notebook that runs its solutions would replace the
learner's attempt by the answer. This module writes, for every lesson,
``lessons/learner/NN-name.ipynb``:

- every markdown cell in plain CommonMark + HTML: admonitions and exercise boxes become block
  quotes, dropdown hints and solutions become closed ``<details>`` blocks, cross-references
  (``{eq}``, ``{ref}``, ``{numref}``, ``{doc}``, ``{term}``, ``{cite}``) and relative links to other
  pages become links into the published book, ``(label)=`` lines disappear and glued numbers are
  written out;
- a solution's code is shown inside its ``<details>`` block as a fenced code block, so Run All
  never executes it: the exercise keeps the learner's stub and its check says "not attempted";
- the kernel-free animations of the live demos (the book's substitute for a kernel) are left out:
  in a notebook the live demo itself runs.

It is executed and stored like the full lesson, so nbval compares it strictly too. The full
notebook ``lessons/NN-name.ipynb`` stays the book's executed twin (the build reads it from the
jupyter-cache) and is not what learners open.

The book's address comes from ONE place, ``_config.yml``: ``html.baseurl`` when set, otherwise the
GitHub Pages address of ``repository.url`` (``https://github.com/OWNER/NAME`` is published at
``https://OWNER.github.io/NAME/``). The Colab install cell takes ``repository.url`` too.

Usage::

    python tools/learner_edition.py lessons/*.md            # report stale learner editions
    python tools/learner_edition.py --execute lessons/*.md  # regenerate and execute them
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dlmath.exercises import feedback as _feedback  # noqa: E402  (the checkers' status words)
import lesson_pairs  # noqa: E402  (the full lesson's tooling: freshness check, twin path)

LEARNER_DIR = "learner"
EXECUTION_TIMEOUT = 300

# Admonition directives of MyST and the title each shows when it has none.
ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also",
}


class LearnerEditionError(ValueError):
    """A lesson uses MyST the learner edition cannot translate: the message says where and what."""


# --------------------------------------------------------------------------------------------
# Where things are


def learner_path(md_path) -> Path:
    """``lessons/NN-name.md`` -> ``lessons/learner/NN-name.ipynb``."""
    md_path = Path(md_path)
    return md_path.parent / LEARNER_DIR / (md_path.stem + ".ipynb")


def lesson_sources(root: Path = ROOT) -> list[Path]:
    """Every lesson source, in order."""
    return sorted((Path(root) / "lessons").glob("[0-9][0-9]-*.md"))


def learner_notebooks(root: Path = ROOT) -> list[Path]:
    """The learner edition of every lesson (what Binder, Colab and the book's download give)."""
    return [learner_path(md) for md in lesson_sources(root)]


@lru_cache(maxsize=None)
def _config(root: Path = ROOT) -> dict:
    return yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``, without a trailing slash."""
    url = (_config(root).get("repository") or {}).get("url")
    if not url:
        raise LearnerEditionError("_config.yml has no repository.url: set it to the course's GitHub URL")
    return url.rstrip("/")


def book_url(root: Path = ROOT) -> str:
    """The published book's address, ending with ``/`` (see the module docstring)."""
    base = (_config(root).get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", repository_url(root))
    if not match:
        raise LearnerEditionError(
            "cannot derive the book's address from repository.url in _config.yml "
            f"({repository_url(root)!r}): set html.baseurl to where the book is published")
    owner, name = match.groups()
    return f"https://{owner.lower()}.github.io/{name}/"


# --------------------------------------------------------------------------------------------
# Labels of the whole book, for cross-references


@dataclass
class Target:
    docname: str        # "book/03-probability"
    anchor: str         # "equation-eq-x", "quiz-probability", "" for the page itself
    text: str           # what a link shows


def _toc_docnames(root: Path) -> list[str]:
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return names


def _chapter_numbers(root: Path) -> dict[str, str]:
    """Section numbers as the book shows them ("3", "3.1"): numbered parts count on."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    numbers, chapter = {}, 0
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for entry in part.get("chapters", []):
            chapter += 1
            numbers[entry["file"]] = str(chapter)
            for index, section in enumerate(entry.get("sections") or [], start=1):
                numbers[section["file"]] = f"{chapter}.{index}"
    return numbers


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=\s*$")
_EQ_LABEL = re.compile(r"\$\$\s*\(([^()\s]+)\)\s*$")


def _strip_markup(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()


@lru_cache(maxsize=None)
def label_index(root: Path = ROOT) -> dict[str, Target]:
    """Every label of the book: sections, equations, exercises, and pages' titles ("doc:...")."""
    root = Path(root)
    numbers = _chapter_numbers(root)
    targets: dict[str, Target] = {}
    counters: dict[str, int] = {}
    for docname in _toc_docnames(root):
        path = root / f"{docname}.md"
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        pending: list[str] = []
        title = None
        in_fence = None
        for index, line in enumerate(lines):
            fence = re.match(r"^(`{3,}|~{3,})", line)
            if fence and in_fence is None:  # code, code-cell or other fenced block: skip it
                in_fence = fence.group(1)
                continue
            if in_fence is not None:
                if line.startswith(in_fence) and not line.strip(in_fence[0]):
                    in_fence = None
                continue
            if match := _LABEL_LINE.match(line):
                pending.append(match.group(1))
                continue
            if match := _HEADING.match(line):
                heading = _strip_markup(match.group(2))
                if title is None:
                    title = heading
                for label in pending:
                    targets[label] = Target(docname, label, heading)
                pending = []
                continue
            if line.strip():
                pending = []
            if match := _EQ_LABEL.search(line):
                # Equations are numbered by chapter: "(3.2)" is the second in chapter 3 and its
                # lesson together (Sphinx's numfig_secnum_depth = 1).
                prefix = numbers.get(docname, "").split(".")[0]
                counters[prefix] = counters.get(prefix, 0) + 1
                number = f"{prefix}.{counters[prefix]}" if prefix else str(counters[prefix])
                label = match.group(1)
                targets[label] = Target(docname, f"equation-{label}", f"({number})")
            if match := re.match(r"^:label:\s*(\S+)", line):
                targets.setdefault(match.group(1), Target(docname, match.group(1), "the exercise"))
        targets[f"doc:{docname}"] = Target(docname, "", title or docname)
    return targets


def page_url(docname: str, anchor: str = "", root: Path = ROOT) -> str:
    return f"{book_url(root)}{docname}.html" + (f"#{anchor}" if anchor else "")


def term_anchor(term: str) -> str:
    """The id Sphinx gives a glossary term: ``term-`` and the term, lower case, dashes."""
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# Inline markup: roles, labels, links


_ROLE = re.compile(r"\{([a-zA-Z][\w:.-]*)\}`([^`]*)`")
_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^()\s]+?\.(?:md|ipynb))(#[^()\s]*)?\)")


@dataclass
class Context:
    """What translating one lesson needs: where it is and its glued values."""

    md_path: Path
    root: Path = ROOT
    glue: dict = field(default_factory=dict)

    @property
    def docname(self) -> str:
        return self.md_path.resolve().relative_to(self.root.resolve()).with_suffix("").as_posix()

    def where(self, text: str) -> str:
        first = text.strip().splitlines()[0] if text.strip() else ""
        return f"{self.md_path}: near {first[:70]!r}"


def _resolve_doc(ctx: Context, target: str) -> str:
    """A path written in a lesson (relative to it, or absolute from the book root) -> docname."""
    target = target.removesuffix(".md").removesuffix(".ipynb")
    if target.startswith("/"):
        return target.lstrip("/")
    base = Path(ctx.docname).parent
    parts = []
    for piece in (base / target).as_posix().split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def _glued(ctx: Context, name: str, spec: str | None) -> str:
    if name not in ctx.glue:
        raise LearnerEditionError(
            f"{ctx.md_path}: glued value {name!r} not found in the executed lesson "
            f"{lesson_pairs.twin(ctx.md_path).name}; run `make lessons`")
    text = ctx.glue[name]
    if spec:
        number = re.search(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)
        if not number:
            raise LearnerEditionError(f"{ctx.md_path}: glued value {name!r} = {text!r} is not a number")
        value = float(number.group(0))
        return format(int(value) if spec.endswith("d") else value, spec)
    return text


def translate_role(ctx: Context, name: str, content: str) -> str:
    """One MyST role -> CommonMark."""
    explicit = _EXPLICIT.match(content)
    text, target = (explicit.group(1), explicit.group(2)) if explicit else (None, content)
    labels = label_index(ctx.root)
    if name == "math":
        return f"${content}$"
    if name in ("eq", "ref", "numref"):
        if target not in labels:
            raise LearnerEditionError(f"{ctx.where(content)}: {{{name}}}`{content}` names an unknown label")
        found = labels[target]
        shown = text or found.text
        if name == "numref" and text and "{number}" in text:
            shown = text.replace("{number}", found.text.strip("()"))
        return f"[{shown}]({page_url(found.docname, found.anchor, ctx.root)})"
    if name == "doc":
        docname = _resolve_doc(ctx, target)
        found = labels.get(f"doc:{docname}")
        if found is None:
            raise LearnerEditionError(f"{ctx.where(content)}: {{doc}}`{content}` is not a page of the book")
        return f"[{text or found.text}]({page_url(docname, '', ctx.root)})"
    if name == "term":
        return f"[{text or target}]({page_url('book/glossary', term_anchor(target), ctx.root)})"
    if name.startswith("cite"):
        keys = ", ".join(key.strip() for key in content.split(","))
        return f"([{keys}]({page_url('book/bibliography', '', ctx.root)}))"
    if name in ("glue", "glue:", "glue:text", "glue:any"):
        glue_name, _, spec = content.partition(":")
        return _glued(ctx, glue_name.strip(), spec or None)
    raise LearnerEditionError(
        f"{ctx.where(content)}: the learner edition does not know the role {{{name}}}; "
        "teach translate_role in tools/learner_edition.py or write it in plain markdown")


def translate_inline(ctx: Context, text: str) -> str:
    """Roles, relative links to pages and ``$$ (label)`` equation labels, outside code spans."""
    # Code spans are left alone; a role is "{name}" right before a code span.
    pieces = re.split(r"(`[^`\n]+`(?!`))", text)
    joined = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if i % 2 == 0:
            role = re.search(r"\{([a-zA-Z][\w:.-]*)\}$", piece)
            if role and i + 1 < len(pieces):
                before = piece[: role.start()]
                joined.append(_plain(ctx, before))
                joined.append(translate_role(ctx, role.group(1), pieces[i + 1][1:-1]))
                i += 2
                continue
            joined.append(_plain(ctx, piece))
        else:
            joined.append(piece)
        i += 1
    return "".join(joined)


def _plain(ctx: Context, text: str) -> str:
    def link(match):
        docname = _resolve_doc(ctx, match.group(2))
        anchor = (match.group(3) or "#")[1:]
        return f"[{match.group(1)}]({page_url(docname, anchor, ctx.root)})"

    text = _MD_LINK.sub(link, text)
    return _EQ_LABEL.sub("$$", text)


# --------------------------------------------------------------------------------------------
# Block structure: directives


@dataclass
class Directive:
    name: str
    argument: str
    options: dict
    body: str


_OPEN = re.compile(r"^(:{3,}|`{3,})\{([\w-]+)\}[ \t]*(.*)$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


def parse_blocks(text: str) -> list:
    """Split markdown into plain text (str) and directives (Directive), top level only."""
    lines = text.split("\n")
    blocks: list = []
    plain: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _OPEN.match(line)
        if opened:
            fence, name, argument = opened.groups()
            j = i + 1
            options = {}
            while j < len(lines) and (option := re.match(r"^:([\w-]+):\s*(.*)$", lines[j])):
                options[option.group(1)] = option.group(2).strip()
                j += 1
            body, depth = [], 0
            while j < len(lines):
                inner = lines[j]
                if inner.startswith(fence[0] * 3):
                    run = len(inner) - len(inner.lstrip(fence[0]))
                    rest = inner[run:].strip()
                    if rest == "" and run >= len(fence) and depth == 0:
                        break
                    if rest.startswith("{") and fence[0] == "`":
                        depth += 1
                    elif rest == "" and fence[0] == "`" and depth:
                        depth -= 1
                body.append(inner)
                j += 1
            else:
                raise LearnerEditionError(f"unclosed directive {{{name}}} starting {line!r}")
            if plain:
                blocks.append("\n".join(plain))
                plain = []
            blocks.append(Directive(name, argument.strip(), options, "\n".join(body).strip("\n")))
            i = j + 1
            continue
        fenced = _FENCE.match(line)
        if fenced:  # an ordinary code block: copy it untouched
            plain.append(line)
            i += 1
            while i < len(lines) and not (lines[i].startswith(fenced.group(1)) and not lines[i].strip(fenced.group(1)[0])):
                plain.append(lines[i])
                i += 1
            if i < len(lines):
                plain.append(lines[i])
            i += 1
            continue
        plain.append(line)
        i += 1
    if plain:
        blocks.append("\n".join(plain))
    return blocks


@dataclass
class Segment:
    """Rendered markdown, and whether it may sit inside a block quote (``<details>`` may not)."""

    text: str
    quotable: bool = True


_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+(?:\n[^$\n]+)*?\$", re.S)


def _one_line_math(text: str) -> str:
    """Math on one line: JupyterLab and Colab take math out before parsing markdown, so the
    ``> `` of a quoted line inside a formula would end up in the formula."""
    def join(match):
        return re.sub(r"\s*\n\s*", " ", match.group(0))

    parts = re.split(r"(`[^`\n]+`)", text)  # not inside code spans
    return "".join(part if i % 2 else _MATH.sub(join, part) for i, part in enumerate(parts))


def _quote(segments: list[Segment]) -> list[Segment]:
    """Consecutive quotable segments become one block quote; ``<details>`` blocks break it."""
    out: list[Segment] = []
    run: list[str] = []

    def close():
        if run:
            lines = _one_line_math("\n\n".join(run)).split("\n")
            out.append(Segment("\n".join("> " + line if line.strip() else ">" for line in lines)))
            run.clear()

    for segment in segments:
        if segment.quotable:
            run.append(segment.text.strip("\n"))
        else:
            close()
            out.append(segment)
    close()
    return out


def _details(summary: str, segments: list[Segment]) -> Segment:
    body = "\n\n".join(segment.text.strip("\n") for segment in segments)
    return Segment(f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>", quotable=False)


class Renderer:
    """MyST markdown of one lesson -> CommonMark + HTML, numbering its exercises."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.exercises: dict[str, int] = {}

    def render(self, text: str) -> str:
        segments = self.segments(text)
        return "\n\n".join(s.text.strip("\n") for s in segments if s.text.strip()).strip() + "\n"

    def segments(self, text: str) -> list[Segment]:
        out: list[Segment] = []
        for block in parse_blocks(text):
            if isinstance(block, str):
                kept = "\n".join(line for line in block.split("\n") if not _LABEL_LINE.match(line))
                if kept.strip():
                    out.append(Segment(translate_inline(self.ctx, kept.strip("\n"))))
            else:
                out.extend(self.directive(block))
        return out

    def summary(self, text: str) -> str:
        return translate_inline(self.ctx, html.escape(text, quote=False))

    def directive(self, d: Directive) -> list[Segment]:
        classes = d.options.get("class", "").split()
        if d.name == "admonition" or d.name in ADMONITIONS:
            title = d.argument if d.name == "admonition" else ADMONITIONS[d.name]
            body = self.segments(d.body)
            if d.name != "admonition" and d.argument:
                body.insert(0, Segment(translate_inline(self.ctx, d.argument)))
            if "dropdown" in classes:
                return [_details(self.summary(title or "Details"), body)]
            head = Segment(f"**{translate_inline(self.ctx, title)}**") if title else None
            return _quote(([head] if head else []) + body)
        if d.name == "dropdown":
            return [_details(self.summary(d.argument or "Details"), self.segments(d.body))]
        if d.name == "exercise":
            number = len(self.exercises) + 1
            if "label" in d.options:
                self.exercises[d.options["label"]] = number
            title = f"Exercise {number}" + (f": {d.argument}" if d.argument else "")
            return _quote([Segment(f"**{translate_inline(self.ctx, title)}**")] + self.segments(d.body))
        if d.name == "solution":
            return [_details(self.solution_title(d.argument), self.segments(d.body))]
        if d.name == "math":
            return [Segment(f"$$\n{d.body}\n$$")]
        raise LearnerEditionError(
            f"{self.ctx.where(d.body or d.argument)}: the learner edition does not know the "
            f"directive {{{d.name}}}; teach Renderer.directive in tools/learner_edition.py")

    def solution_title(self, label: str) -> str:
        number = self.exercises.get(label.strip())
        return f"Solution to exercise {number}" if number else "Solution"


# --------------------------------------------------------------------------------------------
# Cells: solutions out of Run All, animations out, Colab install cell


_SOLUTION_START = re.compile(r"^(:{3,}|`{3,})\{solution-start\}[ \t]*(.*)$")
_SOLUTION_END = re.compile(r"^(:{3,}|`{3,})\{solution-end\}")


def _split_markers(text: str) -> list:
    """A markdown cell -> pieces: str, ("start", label) and ("end",) at solution markers."""
    lines = text.split("\n")
    pieces, current, i = [], [], 0
    while i < len(lines):
        start, end = _SOLUTION_START.match(lines[i]), _SOLUTION_END.match(lines[i])
        if start or end:
            fence = (start or end).group(1)
            j = i + 1
            while j < len(lines) and lines[j].strip() != fence:
                j += 1  # options (":class: dropdown") up to the closing fence
            pieces.append("\n".join(current))
            current = []
            pieces.append(("start", start.group(2).strip()) if start else ("end",))
            i = j + 1
            continue
        current.append(lines[i])
        i += 1
    pieces.append("\n".join(current))
    return [p for p in pieces if not (isinstance(p, str) and not p.strip())]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _is_animation(cell) -> bool:
    return (cell.cell_type == "code" and "remove-input" in _tags(cell)
            and re.search(r"\w+_animation\(", cell.source) is not None)


def _is_note_only(text: str) -> bool:
    blocks = [b for b in parse_blocks(text) if not (isinstance(b, str) and not b.strip())]
    return len(blocks) == 1 and isinstance(blocks[0], Directive) and blocks[0].name in ADMONITIONS


def _new_markdown(text: str):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def _glue_values(md_path: Path) -> dict:
    """Glued values of the executed full lesson: ``{name: text/plain}``."""
    ipynb = lesson_pairs.twin(md_path)
    if not ipynb.exists():
        return {}
    values = {}
    for cell in nbformat.read(ipynb, as_version=4).cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:  # display=False stores "application/papermill.record/text/plain"
                data = output.get("data", {})
                values[name] = next((v for k, v in data.items() if k.endswith("text/plain")), "")
    return values


@dataclass
class Solution:
    """Where a solution went: the code the learner is meant to write for an exercise."""

    label: str
    code: list[str]


def build(md_path, root: Path = ROOT, with_solutions: list | None = None):
    """The learner edition of a lesson, not executed.

    If ``with_solutions`` is a list, the solutions' code cells are appended to it as
    :class:`Solution` objects, in order (the tests put them into the stubs).
    """
    md_path = Path(md_path)
    source = jupytext.read(md_path)
    ctx = Context(md_path, Path(root), _glue_values(md_path))
    renderer = Renderer(ctx)

    # 1. A flat stream of markdown pieces, markers and code cells.
    stream = []
    for cell in source.cells:
        if cell.cell_type == "markdown":
            stream.extend(_split_markers(cell.source))
            stream.append(("cell-break",))
        else:
            stream.append(cell)
            stream.append(("cell-break",))

    # 2. Group each solution into one closed <details> cell with its code shown, not run.
    cells = []
    origins = {}  # id(rendered cell) -> its MyST text
    pending_md: list[str] = []

    def flush():
        if pending_md:
            myst = "\n\n".join(pending_md)
            text = renderer.render(myst)
            if text.strip():
                cells.append(_new_markdown(text))
                origins[id(cells[-1])] = myst
            pending_md.clear()

    i = 0
    while i < len(stream):
        item = stream[i]
        if isinstance(item, str):
            pending_md.append(item)
        elif item == ("cell-break",):
            flush()
        elif not isinstance(item, tuple):  # a code cell
            flush()
            if _is_animation(item):
                # Leave out the kernel-free animation and a note that only introduces it.
                if cells and cells[-1].cell_type == "markdown" and _is_note_only(origins.get(id(cells[-1]), "")):
                    cells.pop()
                i += 1
                continue
            cell = _learner_code_cell(item, ctx)
            if cell.source.strip():
                cells.append(cell)
        elif item[0] == "start":
            flush()
            label = item[1]
            parts, code = [], []
            i += 1
            while i < len(stream) and not (isinstance(stream[i], tuple) and stream[i][0] == "end"):
                part = stream[i]
                if isinstance(part, str):
                    parts.append(renderer.render(part))
                elif not isinstance(part, tuple):
                    fence = "````" if "```" in part.source else "```"
                    parts.append(f"{fence}python\n{part.source.strip()}\n{fence}")
                    code.append(part.source)
                i += 1
            if i == len(stream):
                raise LearnerEditionError(f"{md_path}: {{solution-start}} {label} has no {{solution-end}}")
            body = "\n\n".join(p.strip("\n") for p in parts if p.strip())
            cells.append(_new_markdown(
                f"<details>\n<summary>{renderer.solution_title(label)}</summary>\n\n{body}\n\n</details>"))
            if with_solutions is not None:
                with_solutions.append(Solution(label, code))
        else:
            raise LearnerEditionError(f"{md_path}: {{solution-end}} without {{solution-start}}")
        i += 1
    flush()

    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": source.metadata.get("kernelspec", {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}),
        "language_info": {"name": "python"},
    })
    for index, cell in enumerate(notebook.cells):
        cell.id = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
    return notebook


def _without_glue(source: str) -> str:
    """Leave out ``glue`` (myst-nb's, or ``dlmath.glue``): the learner edition writes the glued
    values into its prose, so pasting them is the book's business only."""
    if "glue" not in source:
        return source
    tree = ast.parse(_python_only(source))
    lines = source.split("\n")
    for statement in sorted(tree.body, key=lambda s: -s.lineno):
        is_import = (isinstance(statement, ast.ImportFrom) and statement.module
                     and (statement.module.startswith("myst_nb") or statement.module == "dlmath.glue"))
        is_call = (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                   and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "glue")
        if is_import or is_call:
            del lines[statement.lineno - 1: statement.end_lineno]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _learner_code_cell(cell, ctx: Context):
    tags = [t for t in _tags(cell) if t not in ("remove-cell", "remove-input", "remove-output",
                                                   "hide-input", "hide-output", "hide-cell")]
    source = _without_glue(cell.source)
    # The Colab install cell installs from the repository named in _config.yml.
    source = re.sub(r'"dlmath @ git\+https://github\.com/[^"]+"',
                    f'"dlmath @ git+{repository_url(ctx.root)}"', source)
    new = nbformat.v4.new_code_cell(source)
    if tags:
        new.metadata["tags"] = tags
    return new


# --------------------------------------------------------------------------------------------
# Putting the reference solutions into the stubs (for the tests)


def _defined_names(statement) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return [statement.name]
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    names = []
    for target in targets:
        elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        names += [e.id for e in elements if isinstance(e, ast.Name)]
    return names


def _is_stub(statement) -> bool:
    """A definition the learner completes: a function whose body has a bare ``...``, or an
    assignment of a value holding ``...`` (``x = ...``, ``mapping = {"a": ..., "b": ...}``)."""
    if isinstance(statement, ast.Assign):
        return any(isinstance(node, ast.Constant) and node.value is Ellipsis
                   for node in ast.walk(statement.value))
    if isinstance(statement, ast.FunctionDef):
        return any(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                   and node.value.value is Ellipsis for node in statement.body)
    return False


def _statement_source(source: str, statement) -> str:
    lines = source.split("\n")
    start = (statement.decorator_list[0].lineno if getattr(statement, "decorator_list", None)
             else statement.lineno)
    return "\n".join(lines[start - 1: statement.end_lineno])


def stub_names(cell) -> list[str]:
    """The names a code cell leaves for the learner to complete."""
    if cell.cell_type != "code":
        return []
    try:
        tree = ast.parse(_python_only(cell.source))
    except SyntaxError:
        return []
    return [name for statement in tree.body if _is_stub(statement) for name in _defined_names(statement)]


def _python_only(source: str) -> str:
    """IPython magics (``%pip``) commented out, so ``ast`` can read the cell."""
    return re.sub(r"^(\s*)([%!])", r"\1#\2", source, flags=re.M)


def _check_calls(tree) -> dict[str, list]:
    """``exercises.check_x(a, b)`` calls at top level: {"check_x": [argument nodes]}."""
    calls = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.startswith("check_"):
                calls.setdefault(name, node.args)
    return calls


def _solution_answers(solution: Solution, stub_cell_source: str) -> dict[str, str]:
    """What each stub name of a cell becomes with this solution: the solution's own code.

    A name the solution defines gets the solution's definitions up to and including it (so what
    it uses comes along); a name the solution never assigns but passes to the same ``check_*``
    function as the stub cell gets that argument expression (``n = len(needed)``).
    """
    statements = []  # (source, statement) in order, over the solution's code cells
    calls = {}
    for code in solution.code:
        tree = ast.parse(_python_only(code))
        statements += [(_statement_source(code, st), st) for st in tree.body]
        for name, args in _check_calls(tree).items():
            calls.setdefault(name, [ast.get_source_segment(_python_only(code), a) for a in args])
    stub_tree = ast.parse(_python_only(stub_cell_source))
    answers = {}
    for name in stub_names(nbformat.v4.new_code_cell(stub_cell_source)):
        setup = []
        for text, statement in statements:
            if isinstance(statement, ast.Expr):
                continue  # prints and checks
            setup.append(text)
            if name in _defined_names(statement):
                answers[name] = "\n".join(setup)
                break
        else:
            for check, args in _check_calls(stub_tree).items():
                for position, arg in enumerate(args):
                    if isinstance(arg, ast.Name) and arg.id == name and check in calls \
                            and position < len(calls[check]):
                        answers[name] = "\n".join(setup + [f"{name} = {calls[check][position]}"])
    return answers


def fill_stubs(notebook, solutions: list[Solution]):
    """A copy of a learner notebook with each solution's code put into the stubs it answers.

    For every solution, in order, the nearest code cell before it with stubs the solution answers
    (see :func:`_solution_answers`) gets each such stub statement replaced by the answer. Returns
    the notebook and the number of stubs filled.
    """
    notebook = nbformat.reads(nbformat.writes(notebook), as_version=4)
    solution_cells = [i for i, c in enumerate(notebook.cells)
                      if c.cell_type == "markdown" and c.source.startswith("<details>\n<summary>Solution")]
    if len(solution_cells) != len(solutions):
        raise LearnerEditionError(f"{len(solutions)} solutions but {len(solution_cells)} solution cells")
    filled = 0
    for where, solution in zip(solution_cells, solutions):
        for index in range(where - 1, -1, -1):
            cell = notebook.cells[index]
            if cell.cell_type == "markdown" and cell.source.startswith("<details>\n<summary>Solution"):
                break  # an earlier exercise's stubs belong to an earlier solution
            answers = _solution_answers(solution, cell.source) if stub_names(cell) else {}
            if not answers:
                continue
            tree = ast.parse(_python_only(cell.source))
            lines = cell.source.split("\n")
            for statement in sorted(tree.body, key=lambda s: -s.lineno):
                names = [n for n in _defined_names(statement) if n in answers]
                if _is_stub(statement) and names:
                    lines[statement.lineno - 1: statement.end_lineno] = answers[names[0]].split("\n")
                    filled += 1
            cell.source = "\n".join(lines)
            break
    return notebook, filled


# --------------------------------------------------------------------------------------------
# Executing, storing, checking


def execute_notebook(notebook, cwd: Path, kernel_name: str = "python3", timeout: int = EXECUTION_TIMEOUT,
                     allow_errors: bool = False):
    return lesson_pairs.run_notebook(notebook, cwd, kernel_name=kernel_name, timeout=timeout,
                                     allow_errors=allow_errors)


def execute(md_path, root: Path = ROOT) -> Path:
    """Build a lesson's learner edition, run it top to bottom and store it."""
    md_path = Path(md_path)
    target = learner_path(md_path)
    target.parent.mkdir(exist_ok=True)
    notebook = build(md_path, root)
    execute_notebook(notebook, target.parent.resolve())
    notebook.metadata.pop("widgets", None)
    lesson_pairs.lighten_figures(notebook)  # palette PNGs, as in the full lesson (issue 18)
    nbformat.write(notebook, target)
    return target


def _cells(notebook):
    return [(c.cell_type, c.source.strip(), tuple(c.get("metadata", {}).get("tags", ())))
            for c in notebook.cells]


def sync_problems(md_path, root: Path = ROOT) -> list[str]:
    """Differences between the learner edition built now and the stored one (empty when in sync)."""
    md_path = Path(md_path)
    stored_path = learner_path(md_path)
    if not stored_path.exists():
        return [f"{md_path}: no learner edition {stored_path}; run `make lessons`"]
    built, stored = _cells(build(md_path, root)), _cells(nbformat.read(stored_path, as_version=4))
    if len(built) != len(stored):
        return [f"{stored_path}: {len(stored)} cells but {md_path} gives {len(built)}; run `make lessons`"]
    for index, (a, b) in enumerate(zip(built, stored)):
        if a != b:
            first = a[1].splitlines()[0] if a[1] else "(empty)"
            return [f"{stored_path}: cell {index} ({first[:60]!r}) differs from what {md_path.name} "
                    "gives; run `make lessons`"]
    return []


# --- reading an executed learner notebook (the tests use these) ------------------------------

# The first line of every Feedback's text: "✔ title: correct", "… title: not attempted".
_STATUS = re.compile(
    r"^(?:" + "|".join(map(re.escape, _feedback._SYMBOLS.values())) + r") .*?: ("
    + "|".join(map(re.escape, _feedback._SYMBOLS)) + r")$", re.M)


def check_statuses(notebook) -> list[tuple[int, str]]:
    """(cell index, status) of every checker's feedback shown in a notebook's outputs."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else \
                output.get("data", {}).get("text/plain", "")
            found += [(index, status) for status in _STATUS.findall(text)]
    return found


def results_headlines(notebook) -> list[str]:
    """The "Exercises of this lesson: ..." lines of show_results in a notebook's outputs."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else \
                output.get("data", {}).get("text/plain", "")
            found += re.findall(r"Exercises of this lesson: [^\n]*", text)
    return found


def errors(notebook) -> list[str]:
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, c in enumerate(notebook.cells)
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", type=Path, help="lesson .md files")
    parser.add_argument("--execute", action="store_true", help="regenerate and execute the learner editions")
    args = parser.parse_args(argv)
    problems = []
    for md_path in args.lessons:
        if args.execute:
            print(f"learner edition of {md_path}", flush=True)
            execute(md_path)
        problems += sync_problems(md_path)
        if learner_path(md_path).exists():
            problems += lesson_pairs.freshness_problems(learner_path(md_path))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
