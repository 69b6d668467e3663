"""Serve the book's JavaScript from the built site, so every page works with no network, lightly.

Loaded by `_config.yml` (`sphinx.local_extensions`). It

* adds `static/` (MathJax 3: see `static/VERSIONS` and `vendor.sh`) to `html_static_path`, so they are copied to `_build/html/_static/`.
  `_config.yml` points `mathjax_path` at that copy. The folder is
  added here rather than in `_config.yml` because Jupyter Book, as soon as a top-level
  `_static/` folder exists, adds every .js/.css file of every `html_static_path` folder to
  every page (MathJax's 60 extension files included);
* drops sphinx-thebe's scripts (Jupyter Book always loads sphinx-thebe; it writes its inline
  `const THEBE_JS_URL = ...` twice, a SyntaxError in the console of every page, and points at
  a CDN). The book launches Binder/Colab instead of running code in the page;
* loads `mathjax-hub-shim.js` right after MathJax 3 on pages that have maths: ipywidgets 8
  and jupyterquiz still call MathJax 2's `MathJax.Hub.Queue`, an error under MathJax 3;
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
  removed, the figures in `_images/` become palette PNGs where that is lossless to the eye, and the search scripts the theme puts in every page's <head> are deferred so they
  no longer hold up the first paint.

No page loads the ipywidgets HTML manager (the lessons store no widget state: see
`tools/lesson_pairs.py`), so it is not shipped; if a page ever saves widget state, myst-nb
adds its CDN copy and the external-host check above fails the build.

MathJax (1.1 MB) is deferred (`mathjax_options` in `_config.yml`), so the text shows before it
has loaded, and it is only on pages with formulas. jupyterquiz's inline scripts look for a
MathJax object while the page is parsed: if they find one that is still loading they fetch
another MathJax from a CDN. So MathJax's configuration, which sphinx.ext.mathjax writes as an
inline `window.MathJax = {...}` script, is moved into the deferred file `mathjax-config.js`:
during parsing there is no MathJax object at all, the quizzes skip typesetting, and MathJax's
first pass, once loaded, typesets the whole page, quizzes included.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

from sphinx.util import logging

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


MATHJAX_CONFIG = "mathjax-config.js"  # written into _static by _lighten_site


def _is_mathjax_config(asset) -> bool:
    body = (getattr(asset, "attributes", None) or {}).get("body", "") or ""
    return not getattr(asset, "filename", None) and body.startswith("window.MathJax = ")


def _is_external(asset) -> bool:
    filename = getattr(asset, "filename", None) or ""
    return filename.startswith(("http://", "https://", "//"))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files") or []
    if any(str(getattr(js, "filename", None) or "").endswith(app.config.mathjax_path)
           for js in scripts):
        # MathJax is deferred: its inline configuration (`window.MathJax = {...}`, written by
        # sphinx.ext.mathjax) becomes a deferred file run just before it, so that no MathJax
        # object exists while the page is parsed (see the module docstring).
        scripts[:] = [js for js in scripts if not _is_mathjax_config(js)]
        app.add_js_file(MATHJAX_CONFIG, priority=499, defer="defer")  # before MathJax (500)
        app.add_js_file("mathjax-hub-shim.js", priority=501, defer="defer")  # after it
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
DEFERRED = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")


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
    (static / MATHJAX_CONFIG).write_text(
        "window.MathJax = %s;\n" % json.dumps(app.config.mathjax3_config or {}), encoding="utf-8")
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
    for image in out.glob("_images/*.png"):
        lighten_png(image)
    for notebook in out.glob("_sources/**/*.ipynb"):
        lighten_notebook(notebook)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        lighter = re.sub(r'<script src="([^"]*(?:%s))"></script>' % "|".join(map(re.escape, DEFERRED)),
                         r'<script defer src="\1"></script>', html)
        if lighter != html:
            page.write_text(lighter, encoding="utf-8")


BENCHMARK_RESULTS = re.compile(r"benchmarks/results/[\w.-]+\.json")


def _note_results(app, docname, source) -> None:
    """A page that reads benchmarks/results/*.json is rebuilt when a result file changes
    (Sphinx otherwise re-reads a page only when its own source changes)."""
    for path in set(BENCHMARK_RESULTS.findall(source[0])):
        if (Path(app.srcdir) / path).exists():
            app.env.note_dependency(path)


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("reader.css")
    # After the theme and myst-nb (priority 500) have added their page assets.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _lighten_site)
    app.connect("source-read", _note_results)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
