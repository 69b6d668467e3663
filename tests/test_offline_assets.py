"""The build's page lightening (book/_ext/offline_assets, issue 18), without building the book.

The built pages themselves are checked in tests/test_browser.py.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))  # tools/ is on the path by the root conftest.py

import offline_assets  # noqa: E402
from offline_assets import maths  # noqa: E402



@pytest.mark.parametrize("text, expected", [
    ("$x$ and $y^2$", r"\(x\) and \(y^2\)"),
    ("costs \\$5, not $x$", r"costs \$5, not \(x\)"),
    ("$$a$$ then $b$", r"\[a\] then \(b\)"),
    ("no maths", "no maths"),
])
def test_jaxify_reads_dollars_as_jupyterquiz_does(text, expected):
    assert maths.jaxify(text) == expected


def quiz_page(questions) -> str:
    encoded = base64.b64encode(json.dumps(questions).encode("ascii")).decode("ascii")
    return (f'<html><head></head><body><p><span class="math notranslate nohighlight">\\(a &lt; b\\)</span></p>'
            f'<div class="math notranslate nohighlight" id="equation-x"><span class="eqno">(1)</span>'
            f'\\[\\boldsymbol{{x}}^\\top y\\]</div>'
            f'<span id="dlmath-quiz-demo" class="dlmath-quiz-demo" style="display:none">{encoded}</span>'
            f'</body></html>')


QUESTIONS = [{"question": "Is $x > 0$?", "type": "multiple_choice",
              "answers": [{"answer": "Yes", "correct": True, "feedback": "Since $x^2 = 4$."}]}]


WRONG = ["\\(\\notamacro{x}\\)", "\\(\\frac{1}{2\\)", "\\(\\cancel{x}\\)", "\\[x \\tag{2}\\]"]
SAMPLES = {
    "bold": "\\(\\mathbf{x} + \\boldsymbol{\\theta} + \\mathbb{R} + \\mathcal{L} + \\mathbf{0}\\)",
    "aligned": "\\[\\begin{aligned} a &= b \\\\ &= c \\end{aligned}\\]",
    "cases": "\\[f = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}\\]",
    "accents": "\\(\\hat{y} + \\tilde{x} + \\bar{v} + \\overline{a + b} + f'(x)\\)",
    "spacing": "\\(\\log p + x_{j \\ne i} + \\sum_i x_i\\)",
}


@pytest.fixture(scope="module")
def typeset():
    """One run of typeset.js (Node.js starts in about a second) for the tests below."""
    if shutil.which("node") is None and shutil.which("nodejs") is None:
        pytest.skip("Node.js is not installed (the book build needs it)")
    return maths.typeset(maths.page_fragments(quiz_page(QUESTIONS)) + WRONG + list(SAMPLES.values()))


def test_maths_and_quiz_maths_become_mathml_in_the_page(typeset):
    page = quiz_page(QUESTIONS)
    fragments = maths.page_fragments(page)
    assert fragments == ["\\(a &lt; b\\)", '<span class="eqno">(1)</span>\\[\\boldsymbol{x}^\\top y\\]',
                         "Is \\(x > 0\\)?", "Since \\(x^2 = 4\\)."]
    html, errors = typeset
    assert not [fragment for fragment, _ in errors if fragment in fragments]
    done = maths.replace_in_page(page, html)
    assert "\\(" not in done and "\\[" not in done and done.count("<math") == 2
    assert '<span class="eqno">(1)</span><math display="block">' in done, "the equation number is kept"
    assert "<mi>a</mi><mo" in done and "&lt;</mo>" in done, "the < stays escaped"
    assert "\U0001d499" in done, "a bold italic x is the character itself (MathML Core ignores mathvariant)"
    encoded = done.split('style="display:none">')[1].split("</span>")[0]
    quiz = json.loads(base64.b64decode(encoded))
    assert quiz[0]["question"].startswith("Is <math><mi>x</mi>") and "$" not in json.dumps(quiz)
    assert '"' not in quiz[0]["question"], "attributes in single quotes inside the JSON"
    assert quiz[0]["answers"][0]["correct"] is True
    assert maths.page_fragments(done) == [], "a typeset page has nothing left to typeset"


def test_a_tex_error_or_what_mathml_core_cannot_draw_is_reported_with_its_formula(typeset):
    _, errors = typeset
    assert [fragment for fragment, _ in errors] == WRONG
    messages = [message for _, message in errors]
    assert "notamacro" in messages[0] and "unbalanced" in messages[1]
    assert "menclose" in messages[2] and "\\tag" in messages[3]


def test_mathml_fits_mathml_core(typeset):
    html, _ = typeset
    bold = html[SAMPLES["bold"]]
    assert "mathvariant" not in bold
    for char in "\U0001d431\U0001d73d\u211d\u2112\U0001d7ce":  # bold x, bold italic theta, R, L, 0
        assert char in bold
    aligned = html[SAMPLES["aligned"]]
    assert "text-align:right;text-align:-webkit-right" in aligned and "text-align:-webkit-left" in aligned
    assert "padding:0 0 .15em 0" in aligned, "the rows 3 pt apart, the columns touching"
    cases = html[SAMPLES["cases"]]
    assert "text-align:-webkit-left;padding:0 .5em .1em 0" in cases and "<mtext>otherwise</mtext>" in cases
    accents = html[SAMPLES["accents"]]
    assert '<mover accent="true"><mi>y</mi><mo' in accents and "\u02c6</mo>" in accents  # a circumflex accent
    assert "\u02dc</mo>" in accents and "\u00af</mo>" in accents
    assert "border-top:0.04em solid" in accents, "\\overline is a border"
    assert "<msup><mi>f</mi>" not in accents and "<mi>f</mi><mo" in accents, "f' is f and a prime"
    spacing = html[SAMPLES["spacing"]]
    assert '<mo rspace=".1667em"' in spacing or 'rspace=".1667em">\u2061' in spacing, "a thin space after log"
    assert 'lspace="0" rspace="0">\u2260' in spacing, "no space around a relation in a subscript"


def test_the_font_is_cut_to_the_characters_used(typeset, tmp_path):
    from fontTools.ttLib import TTFont

    html, _ = typeset
    chars = maths.used_characters(html[s] for s in SAMPLES.values())
    assert {"\U0001d431", "\U0001d465", "\u221a"} <= chars, "bold x, the italic x a browser draws for x, the radical"
    size = maths.subset_font(chars, tmp_path / "font.woff")
    font = TTFont(tmp_path / "font.woff")
    assert size < 60_000 and "MATH" in font, "small, and still a maths font"
    assert {ord(c) for c in chars} <= set(font.getBestCmap()) | {ord(" ")}
    assert font["name"].getDebugName(1) == maths.FONT_FAMILY, "renamed, as its licence asks"
    sheet = maths.stylesheet()
    assert maths.FONT in sheet and "GUST Font License" in sheet


@pytest.mark.parametrize("char, variant, expected", [
    ("x", "bold", "\U0001d431"), ("h", "italic", "\u210e"), ("R", "double-struck", "\u211d"),
    ("\u03b8", "bold-italic", "\U0001d73d"), ("\u2207", "bold", "\U0001d6c1"), ("7", "bold", "\U0001d7d5"),
    ("+", "bold", None)])
def test_styled_characters_are_unicode_mathematical_alphanumerics(char, variant, expected):
    assert maths.styled_character(char, variant) == expected


def test_head_scripts_are_deferred_but_the_page_options():
    head = ('<head><script src="_static/documentation_options.js?v=1"></script>'
            '<script>DOCUMENTATION_OPTIONS.pagename = "x";</script>'
            '<script src="_static/doctools.js?v=2"></script>'
            '<script data-x="y" src="_static/design-tabs.js"></script>'
            '<script async src="a.js"></script></head><body><script src="b.js"></script></body>')
    done = offline_assets.defer_head_scripts(head)
    assert '<script src="_static/documentation_options.js?v=1"></script>' in done
    assert '<script defer src="_static/doctools.js?v=2"></script>' in done
    assert '<script defer data-x="y" src="_static/design-tabs.js"></script>' in done
    assert '<script async src="a.js"></script>' in done
    assert '<body><script src="b.js"></script>' in done, "only the <head> is changed"


def test_files_no_page_names_are_removed(tmp_path):
    static = tmp_path / "_static"
    (static / "scripts").mkdir(parents=True)
    (static / "used.css").write_text("body{background:url(bg.png)}")
    (static / "bg.png").write_bytes(b"png")
    (static / "unused.svg").write_text("<svg/>")
    (static / "minus.png").write_bytes(b"png")
    (static / "doctools.js").write_text('if (el.src.substr(-9) === "minus.png") {}')
    (static / "scripts" / "lib.js").write_text("/*! For license information please see lib.js.LICENSE.txt */\ncode()")
    (static / "scripts" / "lib.js.LICENSE.txt").write_text("/*! lib (MIT) */")
    page = tmp_path / "page.html"
    page.write_text('<link href="_static/used.css"><script src="_static/doctools.js"></script>'
                    '<script src="_static/scripts/lib.js"></script>')
    removed = offline_assets.remove_unused_files(tmp_path, [page])
    assert sorted(removed) == ["_static/minus.png", "_static/scripts/lib.js.LICENSE.txt",
                               "_static/unused.svg"]
    assert (static / "scripts" / "lib.js").read_text().startswith("/*! lib (MIT) */"), \
        "the licence note goes back into its script"


def test_stored_figures_become_palette_pngs():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat
    import numpy as np
    import PIL.Image

    import lesson_pairs

    figure, axes = plt.subplots(figsize=(4, 3), dpi=80)
    x = np.linspace(0, 6, 200)
    for k in range(4):
        axes.plot(x, np.sin(x + k), label=f"phase {k}")
    axes.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    original = buffer.getvalue()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(original).decode("ascii"), "text/plain": "<Figure>"})])])
    assert lesson_pairs.lighten_figures(notebook) == 1
    stored = base64.b64decode(notebook.cells[0].outputs[0].data["image/png"])
    assert len(stored) < len(original)
    with PIL.Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "P" and image.size == (320, 240)
    assert lesson_pairs.lighten_figures(notebook) == 0, "a palette PNG is left as it is"


def test_indentation_is_squeezed_outside_verbatim_text():
    html = ('<div>\n    <p>a\n      b</p>\n  <pre>  x\n    y</pre>\n  <script>\n  let s = "  ";\n</script>'
            '\n  <textarea>\n  t</textarea></div>')
    assert offline_assets.squeeze_indentation(html) == (
        '<div>\n<p>a\nb</p>\n<pre>  x\n    y</pre>\n<script>\n  let s = "  ";\n</script>'
        '\n<textarea>\n  t</textarea></div>')


def test_search_scripts_load_after_the_page_and_figures_lazily():
    page = ('<head><script defer src="../_static/searchtools.js"></script>\n'
            '<script defer src="../_static/language_data.js"></script>\n'
            '<script defer src="../searchindex.js"></script></head>'
            '<body><img src="../_images/a.webp" alt="a"><img loading="eager" src="b.png"></body>')
    done = offline_assets.load_later(page)
    assert '<script defer src="../searchindex.js">' not in done
    assert 'addEventListener("load"' in done and '"../searchindex.js"' in done
    assert '<img loading="lazy" src="../_images/a.webp"' in done and '<img loading="eager"' in done
    search = page.replace("<body>", '<body><div id="search-results"></div>')
    assert '<script defer src="../searchindex.js">' in offline_assets.load_later(search)


def test_the_theme_is_chosen_before_the_page_is_drawn():
    """The inline script of the theme's <head> picks light or dark itself (as the theme's deferred
    setTheme would), so that script does not restyle the whole page just before its load event."""
    import pydata_sphinx_theme

    layout = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
              / "layout.html").read_text(encoding="utf-8")
    rendered = layout.replace("{{ default_mode }}", "auto")  # _config.yml: the default, auto
    assert offline_assets.THEME_FROM_STORAGE in rendered, "the theme's inline script has changed"
    script = offline_assets.theme_at_once(rendered)
    script = script[script.index('<script data-cfasync="false">') + 29:]
    script = script[:script.index("</script>")]
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed")
    cases = [(None, False, "light"), (None, True, "dark"), ("auto", True, "dark"),
             ("light", True, "light"), ("dark", False, "dark"), ("auto", False, "light")]
    for stored_mode, prefers_dark, theme in cases:
        harness = ("var store = %s; var document = {documentElement: {dataset: {}}};"
                   "var localStorage = {getItem: function (k) { return k in store ? store[k] : null; }};"
                   "function matchMedia(q) { return {matches: %s && q === '(prefers-color-scheme: dark)'}; }"
                   "%s; console.log(document.documentElement.dataset.theme);") % (
            json.dumps({"mode": stored_mode} if stored_mode else {}), json.dumps(prefers_dark), script)
        done = subprocess.run([node, "-e", harness], capture_output=True, text=True, check=True)
        assert done.stdout.strip() == theme, (stored_mode, prefers_dark, done.stdout, done.stderr)


def test_code_tokens_in_the_base_colour_lose_their_span_and_nothing_else_changes():
    import html as html_module
    import re

    from pygments import highlight as pygments_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    from offline_assets import highlight

    palette = highlight.Palette("a11y-high-contrast-light", "a11y-high-contrast-dark")
    assert {"n", "p", "w"} <= {highlight.STANDARD_TYPES[t] for t in palette.plain}
    plain = palette.formatter()

    def text(markup):
        return html_module.unescape(re.sub(r"<[^>]+>", "", markup))

    code = 'import numpy as np\nx = np.array([1, 2.5])  # sum\nprint(f"{x.sum():.3f}")\n'
    lexer = get_lexer_by_name("ipython3")
    before, after = (pygments_highlight(code, lexer, formatter())
                     for formatter in (HtmlFormatter, plain))
    assert text(after) == text(before) == code + "\n", "the same text, so the copy button copies the same"
    assert '<pre class="base-color">' in after
    assert '<span class="n">' in before and '<span class="n">' not in after
    assert '<span class="p">' not in after and '<span class="o">=</span>' in after
    assert after.count("<span") < before.count("<span") * 0.6
    # Blocks with visible text that has no colour of its own in both styles (a cell's plain output,
    # a prompt, a backslash continuation) keep the page's text colour: written as Pygments does.
    for code, language in [("plain output 1.0\n", "text"), (">>> x = 1\n", "pycon"),
                           ("a \\\n  + b\n", "python")]:
        lexer = get_lexer_by_name(language)
        assert (pygments_highlight(code, lexer, plain())
                == pygments_highlight(code, lexer, HtmlFormatter())), language
    css = palette.stylesheet()
    assert 'html[data-theme="light"] .highlight pre.base-color { color: #080808 }' in css
    assert 'html[data-theme="dark"] .highlight pre.base-color { color: #F8F8F2 }' in css
    from pydata_sphinx_theme.pygments import get_pygments_stylesheet
    theme_css = get_pygments_stylesheet("a11y-high-contrast-light", "a11y-high-contrast-dark")
    assert palette.missing_rules(theme_css) == []
    assert palette.missing_rules(get_pygments_stylesheet("tango", "monokai"))
