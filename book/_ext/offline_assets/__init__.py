"""Serve the book's JavaScript from the built site, so every page works with no network, lightly.

Loaded by `_config.yml` (`sphinx.local_extensions`). It

* writes every formula as MathML when the site is built (`maths.py`: MathJax 3's TeX input run
  by Node.js, from `mathjax/`, see `mathjax/VERSIONS` and `vendor.sh`), which browsers draw
  themselves, so no page loads MathJax: the pages link one stylesheet and one font (Latin
  Modern Math cut down to the characters used, `fonts/`). The MathJax script and its
  configuration that `sphinx.ext.mathjax` adds to pages with formulas are dropped;
* adds `static/` (`reader.css`) to `html_static_path`. The folder is added here rather than in
  `_config.yml` because Jupyter Book, as soon as a top-level `_static/` folder exists, adds
  every .js/.css file of every `html_static_path` folder to every page;
* drops sphinx-thebe's scripts (Jupyter Book always loads sphinx-thebe; it writes its inline
  `const THEBE_JS_URL = ...` twice, a SyntaxError in the console of every page, and points at
  a CDN). The book launches Binder/Colab instead of running code in the page;
* removes the Font Awesome 4 stylesheet that matplotlib's `to_jshtml()` players link from a
  CDN (the theme's own Font Awesome already draws their `fa fa-play` icons);
* sets the theme's `default_mode` (an `html_context` value) to "auto" (follow the reader's light/dark setting): left
  empty, pydata-sphinx-theme logs "Got invalid theme mode" as an error on every page;
* adds `reader.css` (small layout fixes, e.g. long inline code wrapping on phones);
* fails the build (a warning, and the book builds with -W) when a page would still load a
  script, stylesheet, image or frame from another host;
* lightens the built site once it is written (`_lighten_site`, issue 18): Font Awesome's
  all-icons script (1.5 MB, on every page) is cut down to the icons the pages and the theme's
  scripts name (about 30), source maps, the theme's gettext catalogues (`_static/locales`),
  Font Awesome's .ttf fonts (browsers take the .woff2) and sphinx-thebe's unused script are
  removed, the figures in `_images/` become palette PNGs where that is lossless to the eye, then lossless
  WebP where that is smaller, and the search scripts the theme puts in every page's <head> are deferred so they
  no longer hold up the first paint;
* makes the work before a page's load event smaller: the theme's inline script chooses the light
  or dark theme at once (`theme_at_once`), so the theme's deferred script no longer restyles the
  whole page, and code blocks leave names, punctuation and whitespace without a <span> where the
  theme's Pygments styles draw them in the code's base colour (`highlight.py`).

No page loads the ipywidgets HTML manager (the lessons store no widget state: see
`tools/lesson_pairs.py`), so it is not shipped; if a page ever saves widget state, myst-nb
adds its CDN copy and the external-host check above fails the build.

With no MathJax object on the page, jupyterquiz does not typeset (it would otherwise load
MathJax from a CDN): its questions' maths is typeset at build time in the JSON it reads.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

from sphinx.util import logging

from . import highlight, maths

__version__ = "1.0"
STATIC = Path(__file__).parent / "static"
logger = logging.getLogger(__name__)

# matplotlib's jshtml player: <link rel="stylesheet"\nhref="https://maxcdn.../font-awesome.min.css">
CDN_FONT_AWESOME = re.compile(
    r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*">\s*')
# Markup in a page body that makes the browser fetch from another host while rendering.
EXTERNAL_FETCH = re.compile(
    r'<(?:script|img|iframe|link|source|video|audio|embed)\b[^>]*?\s(?:src|href|data)='
    r'["\'](?:https?:)?//[^"\']+', re.IGNORECASE)


def _configure(app, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}


def _is_thebe(asset) -> bool:
    filename = getattr(asset, "filename", None) or ""
    body = (getattr(asset, "attributes", None) or {}).get("body", "") or ""
    return "thebe" in filename or "THEBE_JS_URL" in body


def _is_mathjax_config(asset) -> bool:
    body = (getattr(asset, "attributes", None) or {}).get("body", "") or ""
    return not getattr(asset, "filename", None) and body.startswith("window.MathJax = ")


def _is_external(asset) -> bool:
    filename = getattr(asset, "filename", None) or ""
    return filename.startswith(("http://", "https://", "//"))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files") or []
    # The maths is typeset when the site is built (maths.py): no page loads MathJax.
    scripts[:] = [js for js in scripts if not _is_mathjax_config(js) and not str(
        getattr(js, "filename", None) or "").endswith(app.config.mathjax_path)]
    if isinstance(context.get("body"), str):
        context["body"] = CDN_FONT_AWESOME.sub("", context["body"])
        for match in EXTERNAL_FETCH.finditer(context["body"]):
            logger.warning("page %s fetches from another host while rendering: %s",
                           pagename, match.group(0)[:200],
                           type="offline_assets", subtype="external", location=pagename)
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if not isinstance(assets, list):
            continue
        assets[:] = [asset for asset in assets if not _is_thebe(asset)]
        for asset in assets:
            if _is_external(asset):
                logger.warning(
                    "page %s loads %s from another host: serve it from the book "
                    "(see book/_ext/offline_assets)", pagename, asset.filename,
                    type="offline_assets", subtype="external", location=pagename,
                )


# An icon of Font Awesome's script: name:[width,height,[aliases],"unicode","svg path"] (the name
# quoted or not, the path a string, or a list for duotone icons).
FA_ICON = re.compile(r'(?:"([a-z0-9-]+)"|\b([a-z_$][a-z0-9_$]*)):\[\d+,\d+,\[([^\]]*)\],"[0-9a-f]*",'
                     r'(?:"[^"]*"|\[[^\]]*\])\],?')
FA_NAME = re.compile(r'\bfa-([a-z0-9-]+)')
SOURCE_MAP = re.compile(r'\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$')
# Scripts in <head> that must run before the page is parsed: an inline script right after it
# sets DOCUMENTATION_OPTIONS.pagename. Every other script there is deferred (it runs, in order,
# once the page is parsed), so none holds up the first paint.
KEEP_SYNC = ("documentation_options.js",)
HEAD_SCRIPT = re.compile(r'<script\b([^>]*\ssrc="([^"]+)"[^>]*)>\s*</script>')
# Sphinx's theme.css is one line, @import "../basic.css": a second round trip before the first
# paint. Pages link basic.css directly instead.
THEME_CSS = re.compile(r'href="((?:\.\./)*)_static/styles/theme\.css(?:\?[^"]*)?"')
# Files that the theme or Sphinx copy into _static and that no page of this book uses. Names
# are matched across the site's HTML, CSS and JS: a file named nowhere is deleted. Besides:
# minus.png/plus.png are named only by doctools.js for `img.toggler` (no page has one), file.png
# only by a basic.css rule that the theme overrides (search results); the
# scripts' licence notes (*.LICENSE.txt) are put back into the scripts they belong to; and Font
# Awesome's regular-weight webfont is never drawn (its icons are SVGs made by fontawesome.js).
TOGGLER_IMAGES = ("minus.png", "plus.png")
FA_REGULAR_FACE = re.compile(r'@font-face\{[^}]*fa-regular-400[^}]*\}')


# pydata-sphinx-theme puts Sphinx's search scripts and the whole search index in every page's
# head, for a search-as-you-type box that this book does not turn on (the search box opens
# search.html, which loads them itself). They are fetched once the page has loaded instead,
# in order, so the page's load event does not wait for them.
SEARCH_SCRIPTS = re.compile(
    r'<script defer src="((?:\.\./)*)_static/searchtools\.js"></script>\s*'
    r'<script defer src="(?:\.\./)*_static/language_data\.js"></script>\s*'
    r'<script defer src="(?:\.\./)*searchindex\.js"></script>')
LOAD_LATER = ('<script>addEventListener("load", function () {{ ["{0}_static/searchtools.js", '
              '"{0}_static/language_data.js", "{0}searchindex.js"].forEach(function (src) {{ '
              'var s = document.createElement("script"); s.src = src; s.async = false; '
              'document.head.appendChild(s); }}); }});</script>')
# A figure below the first screen is fetched when the reader scrolls near it, not before the
# page's load event.
IMAGE_TAG = re.compile(r"<img\b(?![^>]*\sloading=)")


def load_later(html: str) -> str:
    """The page with the search scripts loaded after its load event, and lazy images."""
    if 'id="search-results"' not in html:  # the search page needs them at once
        html = SEARCH_SCRIPTS.sub(lambda m: LOAD_LATER.format(m.group(1)), html)
    end = html.find("</head>")
    return html[:end] + IMAGE_TAG.sub('<img loading="lazy"', html[end:]) if end >= 0 else html


# pydata-sphinx-theme's inline script in <head> sets <html data-theme> to the stored theme, or
# to the default mode, "auto", which no rule of its CSS matches; its deferred script then sets
# "light" or "dark" (from the reader's colour scheme). That change of an attribute that every
# colour variable hangs on restyles the whole parsed page, just before the load event: 1.3 s of
# the 4x-slowed phone profile's 6.8 s on the longest chapter. The inline script decides the
# theme itself instead, as the theme's script will (its setTheme: the mode if it is light or
# dark, else the reader's colour scheme), so the first paint already has the theme's colours
# and the later assignment changes nothing.
THEME_FROM_STORAGE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
THEME_FROM_MODE = ('var mode = document.documentElement.dataset.mode; '
                   'document.documentElement.dataset.theme = mode === "light" || mode === "dark" '
                   '? mode : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";')


def theme_at_once(html: str) -> str:
    """The page with its theme (light or dark) chosen by the inline script in its <head>."""
    return html.replace(THEME_FROM_STORAGE, THEME_FROM_MODE, 1)


VERBATIM = re.compile(r"(<(pre|script|style|textarea)\b.*?</\2>)", re.S | re.I)


def squeeze_indentation(html: str) -> str:
    """The page without the indentation of its lines, except inside <pre>, <script>, <style> and
    <textarea>: elsewhere a line break and the spaces after it show as one space, like a bare
    line break."""
    parts = VERBATIM.split(html)
    # split() returns text, (match, tag name), text, ...: squeeze the text parts only
    return "".join(part if index % 3 else re.sub(r"\n[ \t]+", "\n", part)
                   for index, part in enumerate(parts) if index % 3 != 2)


def defer_head_scripts(html: str) -> str:
    """Add ``defer`` to every external script of the page's <head> but those in KEEP_SYNC."""
    end = html.find("</head>")
    if end < 0:
        return html

    def defer(match):
        attributes, src = match.group(1), match.group(2)
        if re.search(r"\s(?:defer|async)\b|type=\"module\"", attributes) or any(
                name in src for name in KEEP_SYNC):
            return match.group(0)
        return "<script defer%s></script>" % attributes
    return HEAD_SCRIPT.sub(defer, html[:end]) + html[end:]


def remove_unused_files(out: Path, pages: list[Path]) -> list[str]:
    """Delete the files of ``_static`` that no page uses (see above); returns their paths."""
    static = out / "_static"
    for note in static.rglob("*.LICENSE.txt"):
        script = note.with_name(note.name.removesuffix(".LICENSE.txt"))
        pointer = "/*! For license information please see %s */" % note.name
        if script.exists() and pointer in (text := script.read_text(encoding="utf-8")):
            script.write_text(text.replace(pointer, note.read_text(encoding="utf-8").strip()),
                              encoding="utf-8")
    basic = static / "basic.css"
    theme = static / "styles" / "pydata-sphinx-theme.css"
    if basic.exists() and theme.exists() and "ul.search li{background-image:none" in theme.read_text(
            encoding="utf-8", errors="replace"):
        # basic.css draws file.png beside each search result; the theme turns it off.
        text = basic.read_text(encoding="utf-8")
        basic.write_text(text.replace("    background-image: url(file.png);\n", ""), encoding="utf-8")
    texts = {path: path.read_text(encoding="utf-8", errors="replace")
             for path in [*pages, *static.rglob("*.css"), *static.rglob("*.js")]}
    every_text = "\n".join(texts.values())
    removed = []
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        name = path.name
        named = re.compile(r"(?<![\w.-])%s(?![\w-])" % re.escape(name))  # not pydata-sphinx-theme.css for theme.css
        # the plain substring test first: the pattern's look-behind makes every search a slow scan
        named_elsewhere = any(name in text and named.search(text)
                              for other, text in texts.items() if other != path)
        if name in TOGGLER_IMAGES:
            named_elsewhere = "toggler" in "".join(texts[p] for p in pages)
        if name.endswith(".LICENSE.txt"):
            named_elsewhere = False  # put back into its script above
        if name.startswith("fa-regular-400."):
            named_elsewhere = "--fa-font-regular)" in every_text
        if not named_elsewhere:
            path.unlink()
            removed.append(path.relative_to(out).as_posix())
    if any(name.endswith("fa-regular-400.woff2") for name in removed):
        for css in static.rglob("*.css"):
            text = texts.get(css, "")
            if "fa-regular-400" in text:
                css.write_text(FA_REGULAR_FACE.sub("", text), encoding="utf-8")
    for folder in sorted((p for p in static.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def subset_font_awesome(script: str, used: set[str]) -> str:
    """Font Awesome's all-icons script with only the icons named in ``used`` (or an alias)."""
    def keep(match):
        names = {match.group(1) or match.group(2), *re.findall(r'"([a-z0-9-]+)"', match.group(3))}
        return match.group(0) if names & used else ""
    return re.sub(r",\}", "}", FA_ICON.sub(keep, script))


def lighten_png_bytes(data: bytes, max_mean_error: float = 1.0) -> bytes | None:
    """An opaque figure as a palette PNG (255 colours, median cut, no dithering), if that is
    smaller and moves a pixel by less than ``max_mean_error`` colour levels (of 255) on average:
    a matplotlib figure has a few hundred anti-aliasing shades, and the result is about three
    times smaller. Returns the new PNG, or None to keep the original."""
    import io

    import numpy as np
    import PIL.Image

    with PIL.Image.open(io.BytesIO(data)) as image:
        image.load()
    if image.mode not in ("RGB", "RGBA") or (
            image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255):
        return None  # a transparent figure keeps its alpha channel
    rgb = image.convert("RGB")
    quantised = rgb.quantize(colors=255, method=PIL.Image.Quantize.MEDIANCUT,
                             dither=PIL.Image.Dither.NONE)
    error = np.abs(np.asarray(quantised.convert("RGB"), dtype=int)
                   - np.asarray(rgb, dtype=int)).mean()
    buffer = io.BytesIO()
    quantised.save(buffer, format="png", optimize=True)
    if error >= max_mean_error or buffer.tell() >= len(data):
        return None
    return buffer.getvalue()


def lighten_png(path: Path, max_mean_error: float = 1.0) -> bool:
    """Rewrite a figure file with :func:`lighten_png_bytes`; returns whether it was rewritten."""
    lighter = lighten_png_bytes(path.read_bytes(), max_mean_error)
    if lighter is not None:
        path.write_bytes(lighter)
    return lighter is not None


IMAGE_SRC = re.compile(r'((?:src|href)="(?:\.\./)*)(_images/[^"/]+\.png)')


def lossless_webp(path: Path) -> Path | None:
    """The figure as a lossless WebP beside it (the same pixels, about a fifth smaller than the
    palette PNG; every current browser shows WebP), the PNG removed. Returns the new path, or
    None (and the PNG stays) when WebP is not smaller."""
    import io

    import PIL.Image

    with PIL.Image.open(path) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="webp", lossless=True, quality=80, method=4)
    if buffer.tell() >= path.stat().st_size:
        return None
    webp = path.with_suffix(".webp")
    webp.write_bytes(buffer.getvalue())
    path.unlink()
    return webp


def lighten_notebook(path: Path) -> bool:
    """The figures inside a downloadable notebook (``_sources/*.ipynb``) as palette PNGs, and the
    JSON without indentation: the same notebook, opened anywhere, at about half the size."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            png = data.get("image/png")
            if png:
                raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
                lighter = lighten_png_bytes(raw)
                if lighter is not None:
                    data["image/png"] = base64.b64encode(lighter).decode("ascii")
    compact = json.dumps(notebook, ensure_ascii=False, separators=(",", ":"))
    if len(compact.encode("utf-8")) >= path.stat().st_size:
        return False
    path.write_text(compact, encoding="utf-8")
    return True


def _lighten_site(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    maths.typeset_site(app)
    pages = [p for p in out.rglob("*.html") if static not in p.parents]
    font_awesome = static / "scripts" / "fontawesome.js"
    if font_awesome.exists():
        used = set()
        # The pages and the theme's own scripts (not vendored libraries such as MathJax).
        for path in pages + [p for p in [*static.glob("*.js"), *static.glob("scripts/*.js")]
                             if p != font_awesome]:
            used |= set(FA_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
        script = font_awesome.read_text(encoding="utf-8")
        font_awesome.write_text(subset_font_awesome(script, used), encoding="utf-8")
    for path in list(static.rglob("*.map")):
        path.unlink()
    for path in [*static.rglob("*.js"), *static.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "sourceMappingURL=" in text[-300:]:
            path.write_text(SOURCE_MAP.sub("\n", text), encoding="utf-8")
    for path in [static / "locales", static / "sphinx-thebe.js", static / "sphinx-thebe.css",
                 *static.glob("vendor/fontawesome/webfonts/*.ttf")]:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    renamed = {}
    for image in out.glob("_images/*.png"):
        lighten_png(image)
        webp = lossless_webp(image)
        if webp is not None:
            renamed["_images/" + image.name] = "_images/" + webp.name
    for notebook in out.glob("_sources/**/*.ipynb"):
        lighten_notebook(notebook)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        lighter = THEME_CSS.sub(r'href="\1_static/basic.css"', defer_head_scripts(theme_at_once(html)))
        lighter = squeeze_indentation(load_later(lighter))
        if renamed:
            lighter = IMAGE_SRC.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)), lighter)
        if lighter != html:
            page.write_text(lighter, encoding="utf-8")
    removed = remove_unused_files(out, pages)
    logger.info("offline_assets: removed %d files no page uses: %s", len(removed), ", ".join(removed))


BENCHMARK_RESULTS = re.compile(r"benchmarks/results/[\w.-]+\.json")


def _note_results(app, docname, source) -> None:
    """A page that reads benchmarks/results/*.json is rebuilt when a result file changes
    (Sphinx otherwise re-reads a page only when its own source changes)."""
    for path in set(BENCHMARK_RESULTS.findall(source[0])):
        if (Path(app.srcdir) / path).exists():
            app.env.note_dependency(path)


def _plain_tokens(app) -> None:
    """Highlight code with highlight.py's formatter, for the theme's light and dark styles."""
    if app.builder.format != "html" or not hasattr(app.builder, "highlighter"):
        return
    theme = getattr(app.builder, "theme", None)
    options = {**(theme.get_options() if theme else {}),
               **(getattr(app.builder, "theme_options", None) or app.config.html_theme_options or {})}
    light, dark = options.get("pygments_light_style"), options.get("pygments_dark_style")
    if light and dark:  # pydata-sphinx-theme (and the book theme built on it)
        app.builder.dlmath_palette = palette = highlight.Palette(light, dark)
        app.builder.highlighter.formatter = palette.formatter()


def _base_color_stylesheet(app, exception) -> None:
    """Add the base colour of marked code blocks to pygments.css, which pydata-sphinx-theme
    writes when the build finishes (so this runs after it: a later priority)."""
    palette = getattr(app.builder, "dlmath_palette", None)
    css = Path(app.outdir) / "_static" / "pygments.css"
    if exception is not None or palette is None or not css.exists():
        return
    text = css.read_text(encoding="utf-8")
    missing = palette.missing_rules(text)
    if missing:
        logger.warning("pygments.css was not made from the styles that code blocks are "
                       "highlighted for (book/_ext/offline_assets/highlight.py): it lacks %s",
                       missing[0], type="offline_assets", subtype="pygments")
    css.write_text(text.rstrip("\n") + "\n" + palette.stylesheet() + "\n", encoding="utf-8")


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _plain_tokens)
    app.connect("build-finished", _base_color_stylesheet, priority=600)
    app.add_css_file("reader.css")
    # After the theme and myst-nb (priority 500) have added their page assets.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _lighten_site)
    app.connect("source-read", _note_results)
    # A change to how pages are lightened (this folder's code) must reach every page, not only
    # the pages Sphinx rewrites: a new env_version makes Sphinx rebuild its environment.
    code = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.[pj]*"))
                    if p.suffix in (".py", ".js"))
    return {"version": __version__, "env_version": int(hashlib.sha1(code).hexdigest()[:8], 16),
            "parallel_read_safe": True, "parallel_write_safe": True}
