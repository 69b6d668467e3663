"""Code blocks with fewer elements: no <span> around a token drawn in the code's own colour.

Pygments wraps every token of a code block in a <span>, and a chapter's code cells make thousands
of them (chapter 3: 5,800 spans of its 11,300 elements, a third of them names `n` and punctuation
`p`). On the phone profile of benchmarks/page_weight.py, styling and laying out those elements is
most of the time before the load event. In the theme's two Pygments styles (pydata-sphinx-theme:
a11y-high-contrast-light and -dark), names, punctuation and whitespace have exactly the colour of
the code block itself, so their spans change nothing on the screen.

This formatter (Sphinx's highlighter uses it for HTML) leaves those tokens unwrapped and marks the
block's <pre> with ``class="base-color"``; `stylesheet()` gives that <pre> the styles' base colour
(the theme's own `pre` rule otherwise gives it the page's text colour). Every other token keeps
its span and class. A block is only written this way when every visible token in it has a colour
of its own in both styles (for instance not the plain text of a cell output, or a prompt
`>>>`, which would otherwise change from the page's text colour to the code's): other blocks are
written exactly as Pygments writes them. The text, and so what the copy button copies, is the same.
"""

from __future__ import annotations

from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

PRE_CLASS = "base-color"


class Palette:
    """What the light and dark Pygments styles draw for each standard token type."""

    def __init__(self, light: str, dark: str):
        self.styles = {"light": HtmlFormatter(style=light), "dark": HtmlFormatter(style=dark)}
        self.coloured, self.plain = set(), set()
        for ttype in STANDARD_TYPES:
            css_class = STANDARD_TYPES[ttype]
            rules = [formatter.class2style.get(css_class, ("",))[0]
                     for formatter in self.styles.values()]
            if not css_class or not all(rule.startswith("color:") or "; color:" in rule
                                        for rule in rules):
                continue  # drawn in the colour of the element around it
            self.coloured.add(ttype)
            if all(rule == self.base(formatter) for rule, formatter in
                   zip(rules, self.styles.values())):
                self.plain.add(ttype)

    @staticmethod
    def base(formatter: HtmlFormatter) -> str:
        """The style's base declaration, e.g. ``color: #080808`` (Pygments' Token.Text)."""
        return formatter.class2style.get("", ("",))[0]

    def stylesheet(self) -> str:
        """The rules giving a marked <pre> the base colour of each theme's style, as
        pydata-sphinx-theme prefixes its Pygments rules."""
        return "\n".join(
            f'html[data-theme="{theme}"] .highlight pre.{PRE_CLASS} {{ {self.base(formatter)} }}'
            for theme, formatter in self.styles.items() if self.base(formatter))

    def missing_rules(self, css: str) -> list[str]:
        """The rules of plain tokens that a Pygments stylesheet (pydata-sphinx-theme's
        pygments.css) does not have as expected: then it was made from other styles."""
        expected = [f'html[data-theme="{theme}"] .highlight .{STANDARD_TYPES[ttype]} '
                    f'{{ {formatter.class2style[STANDARD_TYPES[ttype]][0]} }}'
                    for theme, formatter in self.styles.items() for ttype in self.plain]
        return [rule for rule in expected if rule not in css]

    def formatter(self) -> type[HtmlFormatter]:
        palette = self

        class PlainTokensFormatter(HtmlFormatter):
            """Pygments' HTML formatter, without spans around tokens drawn in the base colour."""

            in_base_color = False

            def format_unencoded(self, tokensource, outfile):
                tokens = list(tokensource)
                self.in_base_color = bool(palette.plain) and all(
                    ttype in palette.coloured or not value.strip() for ttype, value in tokens)
                return super().format_unencoded(tokens, outfile)

            def _get_css_classes(self, ttype):
                if self.in_base_color and ttype in palette.plain:
                    return ""
                return super()._get_css_classes(ttype)

            def _wrap_pre(self, inner):
                marked = not self.in_base_color
                for code, text in super()._wrap_pre(inner):
                    if not marked and text.startswith("<pre"):
                        text, marked = f'<pre class="{PRE_CLASS}"' + text[4:], True
                    yield code, text

        return PlainTokensFormatter
