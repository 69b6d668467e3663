"""Typeset the book's maths when the site is built, so that no page loads MathJax (issue 18).

Sphinx (`sphinx.ext.mathjax`, myst-parser's amsmath) writes every formula as its TeX inside an
element of class ``math`` (``\\(...\\)`` inline, ``\\[...\\]`` displayed), for MathJax to typeset
in the reader's browser. That cost every page with formulas about 300 KB of script and fonts
and, on a phone, seconds of typesetting before the page was usable. Once the site is written,
:func:`typeset_site` instead hands the inside of every such element to MathJax 3 itself, run by
Node.js (``typeset.js``, the same TeX input and CommonHTML output, with the MathML that screen
readers read), and writes its output into the page. The pages then need only

* ``_static/mathjax-chtml.css``: MathJax's CSS for every character used in the book, one file
  cached across pages, linked from each page with formulas;
* the MathJax fonts those characters are drawn from (``_static/mathjax/fonts/``), and no other.

The quizzes (jupyterquiz) draw their questions in the browser from JSON that the page holds
(base64, see ``dlmath/exercises/quiz.py``) and would call MathJax on their ``$...$``: their
strings are typeset here too, in the JSON, which jupyterquiz then inserts as HTML.

A TeX error (an undefined macro, a missing brace) fails the build, with the page and the formula.
Incremental builds: Sphinx rewrites only changed pages, so the fragments of every page are
recorded in the doctree folder (``typeset-maths.json``) and the stylesheet is always made from
all of them.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.util import logging

HERE = Path(__file__).parent
FONT_FILES = HERE / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
STYLESHEET = "mathjax-chtml.css"  # in _static
MATHJAX_VERSION = (HERE / "mathjax" / "VERSIONS").read_text(encoding="utf-8").split()[1]
FONTS = "mathjax/fonts"  # in _static, relative to the stylesheet
RECORD = "typeset-maths.json"  # in the doctree folder
NODE_HINT = ("Node.js runs MathJax when the book is built: install it "
             "(Debian: `apt-get install nodejs`) and build again")
logger = logging.getLogger(__name__)

# Sphinx's (and myst-parser's) maths markup. Inline maths has no element inside it, displayed
# maths at most an equation number (<span class="eqno">), so the first closing tag of the
# same name ends it.
MATH_ELEMENT = re.compile(
    r'(<(span|div) class="math notranslate nohighlight[^"]*"[^>]*>)(.*?)(</\2>)', re.S)
# dlmath.exercises.quiz.hidden_quiz_element
QUIZ_ELEMENT = re.compile(
    r'(<span id="dlmath-quiz-[\w-]+" class="dlmath-quiz-[\w-]+" style="display:none">)'
    r'([A-Za-z0-9+/=\s]+)(</span>)')
QUIZ_TEXT_KEYS = ("question", "answer", "feedback")
TEX = re.compile(r"\\\(|\\\[|\\begin\{")
FONT_FACE = re.compile(r"@font-face[^{]*\{\s*font-family: ([\w-]+);\s*src: url\(\"[^\"]*/([\w-]+\.woff)\"\)"
                       r"[^}]*\}\s*")
VARIANT_FONT = re.compile(r"\.(TEX-\w+) \{\s*font-family: ([^;]+);")
STRETCHY_FONTS = re.compile(r"mjx-stretchy-v mjx-c, mjx-stretchy-h mjx-c \{\s*font-family: ([^;!]+)")


def jaxify(text: str) -> str:
    """jupyterquiz's ``jaxify`` (js/helpers.js) in Python: ``$$..$$`` becomes ``\\[..\\]`` and
    ``$..$`` becomes ``\\(..\\)``, except after a backslash."""
    counts = {"$$": 0, "$": 0}
    while True:
        for dollars, (opening, closing) in (("$$", ("\\[", "\\]")), ("$", ("\\(", "\\)"))):
            match = re.search(r"([^\\]|^)(%s)" % re.escape(dollars), text)
            if match:
                delimiter = closing if counts[dollars] % 2 else opening
                text = text[:match.start(2)] + delimiter + text[match.end(2):]
                counts[dollars] += 1
                break
        else:
            return text


def _quiz_strings(questions):
    """(container, key) of every text of a quiz that jupyterquiz shows with its maths."""
    for question in questions if isinstance(questions, list) else []:
        if not isinstance(question, dict):
            continue
        for key in QUIZ_TEXT_KEYS:
            if isinstance(question.get(key), str):
                yield question, key
        for answer in question.get("answers", []) or []:
            if isinstance(answer, dict):
                for key in QUIZ_TEXT_KEYS:
                    if isinstance(answer.get(key), str):
                        yield answer, key


def page_fragments(html: str) -> list[str]:
    """The fragments of a page that still hold TeX to typeset, in page order."""
    fragments = [m.group(3) for m in MATH_ELEMENT.finditer(html) if TEX.search(m.group(3))]
    for match in QUIZ_ELEMENT.finditer(html):
        questions = json.loads(base64.b64decode(match.group(2)))
        for container, key in _quiz_strings(questions):
            text = jaxify(container[key])
            if TEX.search(text):
                fragments.append(text)
    return fragments


# The height of an x in the book's text font, in em: MathJax in the browser measured it and
# scaled the maths to 127.3 % (x height of its TeX font: 0.442 em); the same scale here.
EX_FACTOR = 0.5627


def typeset(fragments: list[str], tex_options: dict | None = None, ex_factor: float = EX_FACTOR):
    """Run typeset.js on ``fragments``: ({fragment: typeset HTML}, stylesheet, [(fragment, error)])."""
    unique = list(dict.fromkeys(fragments))
    request = {"fragments": unique, "tex": tex_options or {}, "fontURL": FONTS,
               "exFactor": ex_factor}
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise RuntimeError(NODE_HINT)
    done = subprocess.run([node, str(HERE / "typeset.js")], input=json.dumps(request),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"typeset.js failed: {done.stderr.strip()[-2000:]}")
    reply = json.loads(done.stdout)
    reply["fragments"] = [compact(html, ex_factor) for html in reply["fragments"]]
    errors = [(unique[index], message) for index, message in reply["errors"]]
    for fragment, html in zip(unique, reply["fragments"]):
        if TEX.search(re.sub(r"<(code|mjx-container)\b.*?</\1>", "", html, flags=re.S)):
            errors.append((fragment, "a delimiter is left untypeset (unbalanced braces?)"))
    return dict(zip(unique, reply["fragments"])), reply["css"], errors


def container_scale(ex_factor: float = EX_FACTOR) -> str:
    """The font-size MathJax gives every formula's container at this x height (see EX_FACTOR)."""
    return "%.1f%%" % (100 * ex_factor / 0.442)  # 0.442 em: the x height of MathJax's TeX font


# What MathJax writes on every formula that the page does not need (about 0.6 MB over the
# book): the container's scale and position, the same for all (moved into the stylesheet);
# its class MathJax (no stylesheet uses it); MathML's xmlns (implied in an HTML page);
# `unselectable` (Internet Explorer's, the CSS has user-select); the default display="inline"
# of the screen readers' MathML (the CSS styles display="block"); and the TeX class of each
# group, for MathJax's own use.
REDUNDANT = re.compile(r'(?<=<mjx-container) class="MathJax"'
                       r'| xmlns="http://www\.w3\.org/1998/Math/MathML"| unselectable="on"'
                       r'|(?<=<mjx-assistive-mml) display="inline"'
                       r'| data-mjx-texclass="\w+"| texclass="\w+"')


# Each character is an element <mjx-c class="mjx-c1D44E TEX-I"> styled by a rule of that class:
# the class is shortened (c1D44E) in the pages and the stylesheet alike.
CHAR_CLASS = re.compile(r"\bmjx-c([0-9A-F]{2,})(?![\w-])")


def compact(html: str, ex_factor: float = EX_FACTOR) -> str:
    """MathJax's output for a fragment without what :data:`REDUNDANT` names."""
    html = html.replace(' style="font-size: %s; position: relative;"' % container_scale(ex_factor), "")
    html = html.replace('<mjx-assistive-mml unselectable="on" display="inline">', "<mjx-assistive-mml>")
    return CHAR_CLASS.sub(r"c\1", REDUNDANT.sub("", html))


def single_quoted(html: str) -> str:
    """The attributes of the typeset formulas in ``html`` in single quotes: a quiz's texts are JSON
    strings, where each double quote costs a backslash (and base64 a third more)."""
    return re.sub(r"<mjx-container\b.*?</mjx-container>",
                  lambda m: re.sub(r'="([^"\'<>]*)"', r"='\1'", m.group(0)), html, flags=re.S)


def replace_in_page(html: str, typeset_html: dict[str, str]) -> str:
    """The page with each fragment of :func:`page_fragments` replaced by its typeset HTML."""
    def math(match):
        inner = match.group(3)
        return match.group(1) + typeset_html.get(inner, inner) + match.group(4)

    def quiz(match):
        questions = json.loads(base64.b64decode(match.group(2)))
        for container, key in _quiz_strings(questions):
            text = jaxify(container[key])
            if text in typeset_html:
                container[key] = single_quoted(typeset_html[text])
        encoded = json.dumps(questions, ensure_ascii=True, separators=(",", ":"))
        return match.group(1) + base64.b64encode(encoded.encode("ascii")).decode("ascii") + match.group(3)

    return QUIZ_ELEMENT.sub(quiz, MATH_ELEMENT.sub(math, html))


def used_fonts(css: str, typeset_html) -> dict[str, str]:
    """{font family: .woff file} of the fonts that the typeset maths can draw from: MathJax's
    zero-width font and main font, the font of every variant class used (TEX-I for italic, ...),
    and the fonts of stretched delimiters if any."""
    files = {family: file for family, file in FONT_FACE.findall(css)}
    variants = {cls: [f.strip() for f in families.split(",")]
                for cls, families in VARIANT_FONT.findall(css)}
    text = "".join(typeset_html)
    used = {"MJXZERO", "MJXTEX"}
    for cls in set(re.findall(r"\b(TEX-\w+)\b", text)):
        used.update(variants.get(cls, []))
    if "<mjx-stretchy-" in text:
        for families in STRETCHY_FONTS.findall(css):
            used.update(f.strip() for f in families.split(","))
    return {family: files[family] for family in sorted(used) if family in files}


def stylesheet(css: str, fonts: dict[str, str]) -> str:
    """MathJax's CSS with @font-face rules only for ``fonts``, its indentation squeezed."""
    css = FONT_FACE.sub(lambda m: m.group(0) if m.group(1) in fonts else "", css)
    css = ('/* MathJax %s (Apache License 2.0, https://www.apache.org/licenses/LICENSE-2.0):\n'
           '   the CSS and fonts of its CommonHTML output, for the maths typeset when the book was\n'
           '   built (book/_ext/offline_assets/maths.py). */\n'
           'mjx-container[jax="CHTML"] {\nfont-size: %s;\nposition: relative;\n}\n'
           % (MATHJAX_VERSION, container_scale()) + css)
    return CHAR_CLASS.sub(r"c\1", re.sub(r"\n\s*", "\n", css).strip()) + "\n"


def typeset_site(app) -> None:
    """Typeset every page's maths in the built site (see the module docstring)."""
    out = Path(app.outdir)
    static = out / "_static"
    record_path = Path(app.doctreedir) / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    pages = {}
    for path in sorted(out.rglob("*.html")):
        if static in path.parents:
            continue
        rel = path.relative_to(out).as_posix()
        html = path.read_text(encoding="utf-8")
        fragments = page_fragments(html)
        if fragments:
            pages[path] = html
            record[rel] = fragments
        elif "<mjx-container" not in html:
            record.pop(rel, None)  # written afresh, with no maths
        # else: typeset by an earlier build and not rewritten since: keep its record
    record = {rel: fragments for rel, fragments in record.items() if (out / rel).exists()}
    everything = [fragment for fragments in record.values() for fragment in fragments]
    if not everything:
        return
    tex_options = dict((app.config.mathjax3_config or {}).get("tex", {}))
    try:
        typeset_html, css, errors = typeset(everything, tex_options)
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as error:
        logger.warning("the maths could not be typeset: %s", error,
                       type="offline_assets", subtype="maths")
        return
    where = {}
    for rel, fragments in record.items():
        for fragment in fragments:
            where.setdefault(fragment, rel)
    for fragment, message in errors:
        logger.warning("TeX error in %s: %s in %s", where.get(fragment, "?"), message,
                       re.sub(r"\s+", " ", fragment)[:200],
                       type="offline_assets", subtype="maths")
    fonts = used_fonts(css, typeset_html.values())
    (static / STYLESHEET).write_text(stylesheet(css, fonts), encoding="utf-8")
    target = static / FONTS
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for file in fonts.values():
        shutil.copy2(FONT_FILES / file, target / file)
    for path, html in pages.items():
        depth = len(path.relative_to(out).parts) - 1
        link = f'<link rel="stylesheet" href="{"../" * depth}_static/{STYLESHEET}" />\n'
        html = replace_in_page(html, typeset_html)
        if STYLESHEET not in html:
            html = html.replace("</head>", link + "</head>", 1)
        path.write_text(html, encoding="utf-8")
    record_path.write_text(json.dumps(record), encoding="utf-8")
