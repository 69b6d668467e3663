"""Write the book's maths as MathML when the site is built, so that no page loads MathJax (issue 18).

Sphinx (`sphinx.ext.mathjax`, myst-parser's amsmath) writes every formula as its TeX inside an
element of class ``math`` (``\\(...\\)`` inline, ``\\[...\\]`` displayed), for MathJax to typeset
in the reader's browser. That cost every page with formulas about 300 KB of script and fonts
and, on a phone, seconds of typesetting before the page was usable; typesetting MathJax's
CommonHTML at build time instead made the pages heavy (tens of thousands of elements, one per
character, 3.9 MB over the book) and slow to lay out. Once the site is written,
:func:`typeset_site` hands the inside of every such element to MathJax 3's TeX input, run by
Node.js (``typeset.js``), and writes the MathML it makes into the page, adapted by
:func:`core_mathml` to what browsers draw natively (MathML Core: Chromium 109+, Firefox,
Safari). MathML is what screen readers read, so nothing else is needed for them. The pages then
need only

* ``_static/maths.css``: the font, size and a few layout rules, one file cached across pages;
* ``_static/fonts/dlmath-lm-math.woff``: Latin Modern Math (the OpenType MATH font of Computer
  Modern, as TeX and MathJax draw it; ``fonts/``, GUST Font License) cut down to the characters
  and the stretched variants (big brackets, radicals, braces) that the book's formulas use.

The quizzes (jupyterquiz) draw their questions in the browser from JSON that the page holds
(base64, see ``dlmath/exercises/quiz.py``) and would call MathJax on their ``$...$``: their
strings are typeset here too, in the JSON, which jupyterquiz then inserts as HTML.

A TeX error (an undefined macro, a missing brace), or a construct that MathML Core does not
draw and that this module does not translate, fails the build, with the page and the formula.
Incremental builds: Sphinx rewrites only changed pages, so the fragments of every page are
recorded in the doctree folder (``typeset-maths.json``) and the font is always cut from all of
them.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from sphinx.util import logging

HERE = Path(__file__).parent
MATHJAX_VERSION = (HERE / "mathjax" / "VERSIONS").read_text(encoding="utf-8").split()[1]
FONT_SOURCE = HERE / "fonts" / "latinmodern-math.woff"  # see fonts/README.md
FONT = "fonts/dlmath-lm-math.woff"  # in _static, relative to the stylesheet
FONT_FAMILY = "DLMath LM Math"  # the GUST Font License asks that a changed font be renamed
STYLESHEET = "maths.css"  # in _static
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
MATH_MARKUP = re.compile(r"<math\b.*?</math>", re.S)


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


# --- MathJax's MathML, made to fit MathML Core ---------------------------------------------

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
TOKENS = {"mi", "mn", "mo", "mtext", "ms"}


def _styled(element, declarations: str) -> None:
    old = element.get("style", "").rstrip(";")
    element.set("style", f"{old};{declarations}" if old else declarations)


# Unicode's mathematical alphanumeric symbols (U+1D400-1D7FF): MathML Core draws a bold x as
# the character 𝐱, not as <mi mathvariant="bold">x</mi> (Chromium ignores mathvariant but
# "normal"). The first code point of each style for A-Z/a-z, the Greek letters and 0-9, and the
# letters that Unicode had encoded earlier (the "holes" of the block).
LATIN = {"bold": 0x1D400, "italic": 0x1D434, "bold-italic": 0x1D468, "script": 0x1D49C,
         "bold-script": 0x1D4D0, "fraktur": 0x1D504, "double-struck": 0x1D538,
         "bold-fraktur": 0x1D56C, "sans-serif": 0x1D5A0, "bold-sans-serif": 0x1D5D4,
         "sans-serif-italic": 0x1D608, "sans-serif-bold-italic": 0x1D63C, "monospace": 0x1D670}
GREEK = {"bold": 0x1D6A8, "italic": 0x1D6E2, "bold-italic": 0x1D71C,
         "bold-sans-serif": 0x1D756, "sans-serif-bold-italic": 0x1D790}
GREEK_ORDER = ("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡϴΣΤΥΦΧΨΩ∇αβγδεζηθικλμνξοπρςστυφχψω∂ϵϑϰϕϱϖ")
DIGITS = {"bold": 0x1D7CE, "double-struck": 0x1D7D8, "sans-serif": 0x1D7E2,
          "bold-sans-serif": 0x1D7EC, "monospace": 0x1D7F6}
HOLES = {("italic", "h"): "ℎ", **{("script", c): u for c, u in zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ")},
         **{("fraktur", c): u for c, u in zip("CHIRZ", "ℭℌℑℜℨ")},
         **{("double-struck", c): u for c, u in zip("CHNPQRZ", "ℂℍℕℙℚℝℤ")},
         ("italic", "ı"): "\U0001D6A4", ("italic", "ȷ"): "\U0001D6A5"}


def styled_character(char: str, variant: str) -> str | None:
    """``char`` in the mathematical style ``variant`` (a MathML mathvariant), or None if Unicode
    has no such character."""
    if (variant, char) in HOLES:
        return HOLES[variant, char]
    if "A" <= char <= "Z" and variant in LATIN:
        return chr(LATIN[variant] + ord(char) - ord("A"))
    if "a" <= char <= "z" and variant in LATIN:
        return chr(LATIN[variant] + 26 + ord(char) - ord("a"))
    if "0" <= char <= "9" and variant in DIGITS:
        return chr(DIGITS[variant] + ord(char) - ord("0"))
    if char in GREEK_ORDER and variant in GREEK:
        return chr(GREEK[variant] + GREEK_ORDER.index(char))
    return None


FONT_STYLE = {"bold": "font-weight:bold", "italic": "font-style:italic",
              "bold-italic": "font-weight:bold;font-style:italic"}


def _variant(token, problems: list[str]) -> None:
    """A token's mathvariant as Unicode characters (or, in text, as CSS)."""
    variant = token.attrib.pop("mathvariant", None)
    text = token.text or ""
    if variant is None or variant == "normal":
        if variant == "normal" and token.tag == "mi" and len(text) == 1:
            token.set("mathvariant", "normal")  # an upright single letter: Core knows this one
        return
    if token.tag == "mtext" and variant in FONT_STYLE:
        _styled(token, FONT_STYLE[variant])
        return
    styled = [styled_character(char, variant) for char in text]
    if all(styled):
        token.text = "".join(styled)
    elif variant in FONT_STYLE:  # e.g. a bold ⊤: the font's own character, made bold by CSS
        token.text = "".join(s or c for s, c in zip(styled, text))
        _styled(token, FONT_STYLE[variant])
    else:
        problems.append(f'no {variant} form of "{text}" in Unicode')
    if token.tag == "mi" and variant != "italic" and len(token.text) == 1 and token.text == text:
        token.set("mathvariant", "normal")


def _half(length: str) -> str:
    """Half a MathML length, in em where TeX gave points ("4pt" -> ".2em": MathJax, like TeX,
    takes 1 em as 10 pt of the formula's size, not the 12 pt of CSS); "0" stays "0"."""
    match = re.fullmatch(r"(-?[\d.]+)([a-z%]*)", length.strip())
    if not match:
        raise ValueError(f"a table spacing that is not a length: {length!r}")
    value, unit = float(match.group(1)) / 2, match.group(2)
    if unit == "pt":
        value, unit = value / 10, "em"
    return "0" if value == 0 else ("%g" % value).removeprefix("0") + unit


def _pick(values: list[str], index: int) -> str:
    return values[min(index, len(values) - 1)]


def _table(table, problems: list[str]) -> None:
    """A table's columnalign, columnspacing and rowspacing (MathJax's values for aligned,
    cases, matrices) as CSS on its cells: MathML Core reads none of them (Firefox still reads
    columnalign, which stays)."""
    for attribute in ("columnlines", "rowlines"):
        if set(table.get(attribute, "none").split()) != {"none"}:
            problems.append(f"a table with {attribute} (not drawn by MathML Core)")
    if table.get("frame", "none") != "none":
        problems.append("a table with a frame (not drawn by MathML Core)")
    aligns = table.get("columnalign", "center").split()  # kept: Firefox reads it
    column_spacing = table.attrib.pop("columnspacing", "0.8em").split()
    row_spacing = table.attrib.pop("rowspacing", "1ex").split()
    rows = [row for row in table if row.tag in ("mtr", "mlabeledtr")]
    for i, row in enumerate(rows):
        row_aligns = row.get("columnalign")
        row_aligns = row_aligns.split() if row_aligns else aligns
        cells = [cell for cell in row if cell.tag == "mtd"]
        for j, cell in enumerate(cells):
            align = cell.get("columnalign") or _pick(row_aligns, j)
            top = "0" if i == 0 else _half(_pick(row_spacing, i - 1))
            bottom = "0" if i == len(rows) - 1 else _half(_pick(row_spacing, i))
            left = "0" if j == 0 else _half(_pick(column_spacing, j - 1))
            right = "0" if j == len(cells) - 1 else _half(_pick(column_spacing, j))
            declarations = f"padding:{top} {right} {bottom} {left}"
            if align in ("left", "right"):
                # Chromium aligns a cell's maths by the -webkit- values only ("right" stays left)
                declarations = f"text-align:{align};text-align:-webkit-{align};" + declarations
            _styled(cell, declarations)
            # MathJax's strut: a row is at least as tall as a line of text (0.75 em up, 0.25 down)
            strut = ET.Element("mspace", {"height": ".75em", "depth": ".25em"})
            cell.insert(0, strut)
            strut.tail, cell.text = cell.text, None


# Characters that MathJax puts over a letter as an accent (\hat, \tilde, \bar, \dot, \vec, ...):
# MathML Core treats an <mover> as an accent only when it says so.
ACCENTS = set("^~\u00af\u02c6\u02dc\u02c7\u02d8\u02d9\u00a8\u00b4`\u2192\u20d7\u2015\u203e\u02c9")
# \hat, \tilde: the accent characters that fonts place over a letter (Latin Modern Math's ^ and
# ~ are the ASCII ones, drawn at their own height). Chromium widens no accent over a group, so
# \widehat and \widetilde are drawn as narrow as \hat and \tilde, and \overline and
# \underline (MathJax: a stretchy bar over or under) as a border.
NARROW_ACCENTS = {"^": "\u02c6", "~": "\u02dc"}
LINES = set("\u2015\u00af\u203e_")
PRIMES = set("\u2032\u2033\u2034\u2057")
# Attributes MathML Core does not read and that carry nothing here: MathJax's own
# (data-mjx-texclass, ...) and table attributes handled by _table.
DROPPED = re.compile(r"data-mjx-(?!error).*")


@functools.cache
def _vertical_variants(char: str) -> tuple[list[tuple[float, float]], float]:
    """[(height, width)] in em of the font's sizes of a delimiter, and the widest of them and of
    the pieces it is assembled from."""
    font = _font()
    glyph = font.getBestCmap().get(ord(char))
    variants = font["MATH"].table.MathVariants
    coverage = variants.VertGlyphCoverage.glyphs
    if glyph not in coverage:
        return [], 0.0
    construction = variants.VertGlyphConstruction[coverage.index(glyph)]
    units = font["head"].unitsPerEm
    metrics = font["hmtx"]
    sizes = [(r.AdvanceMeasurement / units, metrics[r.VariantGlyph][0] / units)
             for r in construction.MathGlyphVariantRecord]
    parts = [metrics[p.glyph][0] / units for p in
             (construction.GlyphAssembly.PartRecords if construction.GlyphAssembly else [])]
    return sizes, max([w for _, w in sizes] + parts)


@functools.cache
def _font():
    from fontTools.ttLib import TTFont

    return TTFont(FONT_SOURCE)


DELIMITERS = set("()[]{}|\u2016\u27e8\u27e9\u230a\u230b\u2308\u2309")


def _narrow_delimiter(mo, size: str) -> None:
    """A delimiter of ``size`` (\\big( and its kin; \\left( as :func:`core_mathml` guesses it): a
    browser gives a stretchy delimiter the width of the widest size the font has (it sizes the
    box before it knows the height), so these would stand apart from what they enclose.
    Negative margins take the difference back, for the size the browser picks (the first at
    least as tall as asked)."""
    match = re.fullmatch(r"([\d.]+)em", size)
    sizes, widest = _vertical_variants(mo.text or "")
    if not match or not sizes:
        return
    target = float(match.group(1))
    width = next((w for height, w in sizes if height >= target), widest)
    margin = (widest - width) / 2
    if margin > 0.01:
        _styled(mo, "margin:0 -%.3gem" % margin)


def _unwrap_groups(root) -> None:
    """An <mrow> around one letter, number or text (MathJax's TeX groups, {\\mathbf x}) is
    drawn as the token alone: keep the token (a third of the markup of bold letters)."""
    for parent in root.iter():
        for index, child in enumerate(list(parent)):
            if child.tag == "mrow" and not child.attrib and len(child) == 1 \
                    and child[0].tag in ("mi", "mn", "mtext") and not (child.text or "").strip():
                token = child[0]
                token.tail = child.tail
                parent.remove(child)
                parent.insert(index, token)


def core_mathml(mathml: str) -> tuple[str, list[str]]:
    """MathJax's MathML for one formula, adapted to MathML Core; and the problems found (each
    a construct that browsers would not draw as TeX does)."""
    root = ET.fromstring(mathml)
    problems: list[str] = []
    for element in root.iter():
        element.tag = element.tag.removeprefix("{%s}" % MATHML_NS)
    for element in list(root.iter()):
        for attribute in [a for a in element.attrib if DROPPED.fullmatch(a)]:
            del element.attrib[attribute]
        tag = element.tag
        if tag in TOKENS:
            _variant(element, problems)
            if tag == "mo" and element.get("minsize") and element.get("minsize") == element.get("maxsize"):
                _narrow_delimiter(element, element.get("minsize"))
        elif tag == "mtable":
            _table(element, problems)
        elif tag == "mrow" and len(element) >= 2 and element[0].tag == "mo" and element[-1].tag == "mo" \
                and element[0].get("stretchy") != "false" and element[0].text in DELIMITERS:
            # \left( ... \right): as tall as what it encloses, which the browser measures; a
            # fraction or a big operator inside makes it about twice a line, a table taller
            # (the widest sizes: nothing to take back)
            if not any(True for _ in element.iter("mtable")):
                tall = any(True for e in element.iter() if e.tag in ("mfrac", "munderover", "msqrt"))
                for delimiter in (element[0], element[-1]):
                    if delimiter.text in DELIMITERS:
                        _narrow_delimiter(delimiter, "2.4em" if tall else "1.2em")
        elif tag in ("mover", "munder") and len(element) == 2 and element[1].tag == "mo" \
                and (element[1].text or "") in LINES and element[1].get("stretchy") != "false":
            # \overline, \underline: a border (Chromium stretches no bar over a group)
            element.remove(element[1])
            element.tag = "mrow"
            side = "top" if tag == "mover" else "bottom"
            _styled(element, f"border-{side}:0.04em solid;padding-{side}:0.12em")
        elif tag == "mover" and len(element) == 2 and element[1].tag == "mo" \
                and (element[1].text or "") in ACCENTS:
            accent = element[1]
            accent.text = NARROW_ACCENTS.get(accent.text, accent.text)
            element.set("accent", "true")
        elif tag == "msup" and len(element) == 2 and element[1].tag == "mo" \
                and set(element[1].text or "x") <= PRIMES:
            # f': the font's prime is already raised; as a superscript it would be tiny
            element.tag = "mrow"
        elif tag == "mspace" and element.get("width", "").startswith("-"):
            # a negative space (\!): CSS widths cannot be negative, margins can
            _styled(element, "margin-left:" + element.attrib.pop("width"))
        elif tag == "menclose":
            problems.append(f'\\cancel, \\boxed or \\enclose (<menclose notation="{element.get("notation")}">) '
                            "is not drawn by MathML Core")
        elif tag == "mlabeledtr":
            problems.append("\\tag: number the equation with a MyST label instead "
                            "(Sphinx writes the number)")
        elif tag == "mpadded" and any(re.search(r"^[+-]|[a-z]+\s*$", value) and not re.search(
                r"\d(em|ex|pt|px|%)$", value) for name, value in element.attrib.items()
                if name in ("width", "height", "depth", "lspace", "voffset")):
            problems.append(f"an <mpadded> with a relative size ({element.attrib})")
    _unwrap_groups(root)
    if root.get("display") != "block":
        root.attrib.pop("display", None)
    root.attrib.pop("xmlns", None)
    text = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    text = text.replace(' xmlns="%s"' % MATHML_NS, "").replace(
        "<math xmlns:html=\"http://www.w3.org/1999/xhtml\"", "<math")
    return re.sub(r">[ \n\t]+<", "><", text), problems


def typeset(fragments: list[str], tex_options: dict | None = None):
    """Run typeset.js on ``fragments``: ({fragment: HTML with MathML}, [(fragment, error)])."""
    unique = list(dict.fromkeys(fragments))
    request = {"fragments": unique, "tex": tex_options or {}}
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise RuntimeError(NODE_HINT)
    done = subprocess.run([node, str(HERE / "typeset.js")], input=json.dumps(request),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"typeset.js failed: {done.stderr.strip()[-2000:]}")
    reply = json.loads(done.stdout)
    errors = [(unique[index], message) for index, message in reply["errors"]]
    typeset_html = {}
    for fragment, html in zip(unique, reply["fragments"]):
        found = []

        def core(match):
            mathml, problems = core_mathml(match.group(0))
            found.extend(problems)
            return mathml
        typeset_html[fragment] = MATH_MARKUP.sub(core, html)
        errors += [(fragment, problem) for problem in dict.fromkeys(found)]
        if TEX.search(re.sub(r"<(code|math)\b.*?</\1>", "", html, flags=re.S)):
            errors.append((fragment, "a delimiter is left untypeset (unbalanced braces?)"))
    return typeset_html, errors


def single_quoted(html: str) -> str:
    """The attributes of the MathML in ``html`` in single quotes: a quiz's texts are JSON
    strings, where each double quote costs a backslash (and base64 a third more)."""
    return MATH_MARKUP.sub(lambda m: re.sub(r'="([^"\'<>]*)"', r"='\1'", m.group(0)), html)


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


# --- the font and the stylesheet -----------------------------------------------------------

def used_characters(typeset_html) -> set[str]:
    """Every character the formulas draw: the text of their MathML elements, and the italic
    form that browsers give a single-letter <mi> (x is drawn as 𝑥)."""
    chars = set()
    for html in typeset_html:
        for mathml in MATH_MARKUP.findall(html):
            for tag, attributes, text in re.findall(r"<(m\w+)([^>]*)>([^<]+)</\1>", mathml):
                text = ET.fromstring(f"<t>{text}</t>").text or ""  # the entities decoded
                chars |= set(text)
                if tag == "mi" and len(text) == 1 and "mathvariant" not in attributes:
                    chars.add(styled_character(text, "italic") or text)
    chars |= set("0123456789()[]{}|.,;:+-=\u2212/ \u00a0\u221a")  # \u221a: the radical of <msqrt>
    return {c for c in chars if not c.isspace() or c == " "}


def subset_font(chars: set[str], target: Path) -> int:
    """Latin Modern Math cut down to ``chars`` and what the MATH table draws them with (bigger
    and assembled brackets, radicals, braces), renamed, as WOFF. Returns its size in bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.hinting = False  # browsers do not use CFF hints on today's screens
    options.desubroutinize = True  # smaller once compressed
    options.drop_tables += ["FFTM"]  # FontForge's timestamps
    font = TTFont(FONT_SOURCE)  # a fresh copy: subsetting changes it
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 3, 4, 6, 16):
            name = FONT_FAMILY.replace(" ", "") if record.nameID in (3, 6) else FONT_FAMILY
            record.string = name
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target.stat().st_size


# The height of an x in the book's text font, in em (measured in the browser by MathJax, which
# scaled its maths to match): Latin Modern Math's x is 0.431 em, so the maths is drawn at
# 0.5627 / 0.431 of the text's size, as large as MathJax drew it.
EX_FACTOR = 0.5627
FONT_X_HEIGHT = 0.431


def stylesheet() -> str:
    """The stylesheet of the pages with maths."""
    return f"""/* The book's maths is MathML written when the book is built (book/_ext/offline_assets/maths.py,
   MathJax {MATHJAX_VERSION}'s TeX input), drawn by the browser in Latin Modern Math
   (GUST Font License: B. Jackowski, J. M. Nowacki, on behalf of TeX Users Groups; cut down
   to the characters the book uses, renamed "{FONT_FAMILY}"). */
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT}") format("woff"); }}
math {{ font-family: "{FONT_FAMILY}", math; font-size: {100 * EX_FACTOR / FONT_X_HEIGHT:.1f}%; }}
/* the theme lays out a displayed formula and its number side by side (flex, as it does for
   MathJax's mjx-container); a long formula scrolls on a phone instead of widening the page */
div.math > math {{ flex-grow: 1; overflow-x: auto; overflow-y: hidden; padding: 0.25em 0 0.2rem; }}
"""


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
        elif STYLESHEET not in html:
            record.pop(rel, None)  # written afresh, with no maths
        # else: typeset by an earlier build and not rewritten since: keep its record
    record = {rel: fragments for rel, fragments in record.items() if (out / rel).exists()}
    everything = [fragment for fragments in record.values() for fragment in fragments]
    if not everything:
        return
    tex_options = dict((app.config.mathjax3_config or {}).get("tex", {}))
    try:
        typeset_html, errors = typeset(everything, tex_options)
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError, ET.ParseError) as error:
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
    (static / STYLESHEET).write_text(stylesheet(), encoding="utf-8")
    font = static / FONT
    subset_font(used_characters(typeset_html.values()), font)
    for path, html in pages.items():
        depth = len(path.relative_to(out).parts) - 1
        up = "../" * depth
        link = (f'<link rel="preload" href="{up}_static/{FONT}" as="font" type="font/woff" crossorigin />\n'
                f'<link rel="stylesheet" href="{up}_static/{STYLESHEET}" />\n')
        html = replace_in_page(html, typeset_html)
        if f"_static/{STYLESHEET}" not in html:
            html = html.replace("</head>", link + "</head>", 1)
        path.write_text(html, encoding="utf-8")
    record_path.write_text(json.dumps(record), encoding="utf-8")
