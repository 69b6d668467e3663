"""Serve the book's JavaScript from the built site, so every page works with no network.

Loaded by `_config.yml` (`sphinx.local_extensions`). It

* adds `static/` (MathJax 3, RequireJS, the ipywidgets HTML manager: see `static/VERSIONS`
  and `vendor.sh`) to `html_static_path`, so they are copied to `_build/html/_static/`.
  `_config.yml` points `mathjax_path` and `nb_ipywidgets_js` at those copies. The folder is
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
  script, stylesheet, image or frame from another host.

MathJax itself is loaded without `defer` (`mathjax_options` in `_config.yml`) so that it is
ready before the notebook outputs' inline scripts run: jupyterquiz otherwise finds a
half-loaded MathJax and fetches another one from a CDN.
"""

from __future__ import annotations

import re
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


def _is_external(asset) -> bool:
    filename = getattr(asset, "filename", None) or ""
    return filename.startswith(("http://", "https://", "//"))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files") or []
    if any(str(getattr(js, "filename", None) or "").endswith(app.config.mathjax_path)
           for js in scripts):
        app.add_js_file("mathjax-hub-shim.js", priority=501)  # after MathJax (500)
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


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("reader.css")
    # After the theme and myst-nb (priority 500) have added their page assets.
    app.connect("html-page-context", _page_context, priority=900)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
