"""The built book as a reader sees it: every page opened in Chromium, with no network.

`make test` builds `_build/html` first; these tests serve it on 127.0.0.1 (a free port) and
drive Debian's Chromium with Playwright. Every page is visited once (`visits`); the
`test_every_page_*` tests then report all offending pages at once. Feature tests (animations,
quizzes, solutions, search, launch buttons, dark theme) skip with a reason while no page has
the feature yet.

Chromium: `apt-get install chromium` (Debian). Without it these tests skip, except when the
CI environment variable is set, where they fail. `BOOK_HTML=/path/to/_build/html` tests
another built book. Screenshots (JPEG, the first screen at desktop and at phone width) go to
test-artifacts/screenshots/; `SCREENSHOTS=full` takes whole pages instead (each costs Chromium
seconds of layout and painting at the page's full height, most of this file's time).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SHOTS = ROOT / "test-artifacts" / "screenshots"
FULL_PAGE_SHOTS = os.environ.get("SCREENSHOTS") == "full"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
INSTALL_CHROMIUM = ("Chromium is not installed, so the browser tests cannot run. Install it with "
                    "`sudo apt-get install chromium` (Debian/Ubuntu; .ci/run does this in CI), "
                    "then rerun `make test`.")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}


def built_pages() -> list[str]:
    """Every HTML page of the built book, as paths relative to its root ('book/intro.html')."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"the book is not built in {HTML}: run `make book` (or `make test`)")
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if not SKIP_DIRS.intersection(p.relative_to(HTML).parts))


def is_redirect(page: str) -> bool:
    return 'http-equiv="Refresh"' in (HTML / page).read_text(encoding="utf-8", errors="replace")


def pages_containing(marker: str) -> list[str]:
    return [page for page in built_pages()
            if marker in (HTML / page).read_text(encoding="utf-8", errors="replace")]


def lesson_pages() -> list[str]:
    return [page for page in built_pages() if page.startswith("lessons/")]


# --- the server and the browser ------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site():
    """Base URL of the built book, served by http.server on a free port of 127.0.0.1."""
    built_pages()  # fails early with a clear message when the book is not built
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_CHROMIUM)
        pytest.skip(INSTALL_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Every host but the local server is unresolvable: a page that reaches out fails
        # fast (and is reported by the request log), whatever network the machine has.
        args = CHROMIUM_ARGS + ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def context(browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@dataclass
class Visit:
    """What a reader's browser did and showed on one page."""
    page: str
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    features: dict = field(default_factory=dict)  # feature -> list of problems ([] = works)
    seconds: float = 0.0


class Recorder:
    """Listens to one tab for its whole life and files what it sees under the current visit."""

    def __init__(self, tab, site: str):
        self.site, self.visit = site, None
        tab.on("request", self.on_request)
        tab.on("console", self.on_console)
        tab.on("pageerror", lambda error: self.note(f"uncaught: {error}"))

    def note(self, message: str) -> None:
        if self.visit is not None:
            self.visit.console_errors.append(message)

    def on_request(self, request) -> None:
        url = request.url
        if self.visit is not None and not url.startswith((self.site, "data:", "blob:", "about:")):
            self.visit.external.append(url)

    def on_console(self, message) -> None:
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self.note(f"{message.text} [{where[len(self.site) - 1:] if where.startswith(self.site) else where}]")


def open_page(tab, site: str, page: str) -> None:
    tab.goto(site + page, wait_until="load")
    wait_for_maths(tab)


def wait_for_maths(tab) -> None:
    """The maths is MathML written at build time: wait for its font (loaded once the page is laid out)."""
    tab.evaluate("async () => { await document.fonts.ready; }")


# What a reader would see as broken, collected in the page.
PAGE_FACTS = r"""
async () => {
  const article = document.querySelector("main") || document.body;
  // Images: load the lazy ones, then look for any that did not decode.
  const images = [...document.querySelectorAll("img")];
  for (const img of images) { img.loading = "eager"; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const brokenImages = images.filter(img => img.naturalWidth === 0)
    .map(img => (img.getAttribute("src") || "").slice(0, 120));
  // Maths: Sphinx marks every formula with class "math"; the build writes its MathML
  // (book/_ext/offline_assets/maths.py), which the browser must lay out as maths, in the book's
  // maths font.
  const maths = [...document.querySelectorAll(".math")];
  const rawMaths = maths.filter(el => !el.querySelector("math"))
    .map(el => el.textContent.trim().slice(0, 80));
  const texErrors = [...document.querySelectorAll("merror")]
    .map(el => el.getAttribute("data-mjx-error") || el.textContent.slice(0, 80));
  const mathElements = [...document.querySelectorAll("math")];
  const notDrawnAsMaths = mathElements.filter(el => !getComputedStyle(el).display.includes("math"))
    .map(el => el.textContent.trim().slice(0, 80));
  const fontFaces = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "DLMath LM Math");
  if (mathElements.length && !fontFaces.some(f => f.status === "loaded")) {
    notDrawnAsMaths.push("the maths font did not load: " + fontFaces.map(f => f.status).join(", "));
  }
  // Raw TeX delimiters left in visible text (outside code).
  const rawText = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const delimiters = /\\\(|\\\[|\$\$|\\begin\{/;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!delimiters.test(node.textContent)) continue;
    if (node.parentElement.closest("pre, code, script, style, textarea, math, .highlight, .anim-state")) continue;
    rawText.push(node.textContent.trim().slice(0, 80));
  }
  for (const quiz of document.querySelectorAll(".Quiz")) {
    const text = quiz.innerText;
    if (/\$[^$\s][^$]*\$/.test(text)) rawText.push("quiz: " + text.slice(0, 80));
  }
  // Error outputs and docutils error boxes.
  const errorSelector = [".output.traceback", ".output.error", ".output.stderr", ".traceback",
    ".system-message", ".problematic"].join(", ");
  const errors = [...document.querySelectorAll(errorSelector)]
    .map(el => el.textContent.trim().slice(0, 120));
  if (document.body.innerText.includes("Traceback (most recent call last)")) {
    errors.push("a traceback is shown");
  }
  // Saved ipywidgets: each view script should have been replaced by a rendered widget.
  const widgetViews = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  const widgetsShown = document.querySelectorAll(".jupyter-widgets.widget-container, .jupyter-widgets:not(.jupyter-widgets .jupyter-widgets)").length;
  // Figures whose background is transparent: black axes vanish on the dark theme unless
  // the theme paints a light background behind them (checked in the dark-theme test).
  const transparentFigures = [...document.querySelectorAll(".cell_output img, .animation img")]
    .filter(img => {
      if (!img.naturalWidth) return false;
      const c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext("2d"); g.drawImage(img, 0, 0);
      return g.getImageData(1, 1, 1, 1).data[3] < 255;
    }).map(img => (img.alt || img.src).slice(0, 80));
  return {
    title: document.title, transparentFigures,
    figures: document.querySelectorAll(".cell_output img, .animation img").length,
    brokenImages, mathCount: maths.length, mathmlCount: mathElements.length,
    rawMaths, texErrors, notDrawnAsMaths, rawText, errors, widgetViews, widgetsShown,
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...document.querySelectorAll("[id]")].map(el => el.id),
  };
}
"""

PHONE_OVERFLOW = r"""
() => {
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  const culprits = [];
  if (overflow > 1) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.right > width + 1 && box.width > 0 && style.visibility !== "hidden"
          && style.position !== "fixed") {
        let clipped = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const style = getComputedStyle(p);
          if (style.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
        }
        if (!clipped) culprits.push(el.tagName.toLowerCase() + "." + [...el.classList].join("."));
      }
      if (culprits.length >= 5) break;
    }
  }
  return {overflow, culprits};
}
"""


def screenshot_name(page: str) -> str | None:
    if page.startswith("lessons/"):
        return page.removesuffix(".html").replace("/", "-")
    if page == root_page():
        return "index"
    return None


def screenshot(tab, name: str) -> None:
    """The first screen (or, with SCREENSHOTS=full, the whole page) as a JPEG: PNG-encoding a
    long page cost Chromium twice the time."""
    tab.screenshot(path=SHOTS / f"{name}.jpg", type="jpeg", quality=70, full_page=FULL_PAGE_SHOTS)


@functools.cache
def root_page() -> str:
    """The page index.html redirects to (the book's first page)."""
    text = (HTML / "index.html").read_text(encoding="utf-8", errors="replace")
    match = re.search(r'url=([^"\'>]+)', text)
    return match.group(1).strip() if match else "index.html"


# --- interactive features, tried on each page that has them (after the checks above) ------

def try_animations(tab, page: str) -> list[str]:
    """Move each jshtml player's slider to its last frame: the displayed image must change."""
    problems = []
    players = tab.locator(".animation")
    for i in range(players.count()):
        player = players.nth(i)
        image, slider = player.locator("img").first, player.locator("input.anim-slider")
        if not slider.count():
            problems.append(f"animation {i} has no slider")
            continue
        last = int(slider.get_attribute("max") or 0)
        before = image.get_attribute("src")
        slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", last)
        if last < 1 or image.get_attribute("src") == before:
            problems.append(f"animation {i} did not change frame ({last + 1} frames)")
        if player.locator("button svg, button i").count() < 5:
            problems.append(f"animation {i} has buttons without icons")
    return problems


def try_quizzes(tab, page: str) -> list[str]:
    """Answer the first choice question of each quiz: feedback must appear."""
    problems = []
    quizzes = tab.locator("div:has(> .Quiz)")
    for i in range(quizzes.count()):
        question = quizzes.nth(i).locator(".Quiz:has(.MCButton)").first
        if not question.count():
            question = quizzes.nth(i).locator(".Quiz:has(input)").first
            question.locator("input").first.fill("0")
            question.locator("input").first.press("Enter")
        else:
            question.locator(".MCButton").first.click()
        feedback = question.locator(".Feedback")
        try:
            tab.wait_for_function("el => el.textContent.trim().length > 0",
                                  arg=feedback.element_handle(), timeout=5_000)
        except Exception:
            problems.append(f"quiz {i}: no feedback after answering")
            continue
        if not feedback.is_visible():
            problems.append(f"quiz {i}: the feedback is not visible")
    return problems


def try_solutions(tab, page: str) -> list[str]:
    """Each hidden solution opens when its title is clicked."""
    problems = []
    solutions = tab.locator(".solution.dropdown")
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        if body.is_visible():
            problems.append(f"solution {i} is shown before it is asked for")
            continue
        solution.locator(":scope > .admonition-title").click()
        try:
            body.wait_for(state="visible", timeout=10_000)  # generous: seen flaky at 3 s under load
        except Exception:
            problems.append(f"solution {i} does not open")
    return problems


def try_launch_buttons(tab, page: str) -> list[str]:
    """Binder and Colab buttons open this lesson's learner edition (tools/learner_edition.py)."""
    problems = []
    notebook = "lessons/learner/" + Path(page).with_suffix(".ipynb").name
    for host in ("mybinder.org", "colab.research.google.com"):
        link = tab.locator(f'a[href*="{host}"]').first
        if not link.count():
            problems.append(f"no {host} button")
        elif not link.get_attribute("href").endswith(notebook):
            problems.append(f"{host} opens {link.get_attribute('href')}, not {notebook}")
    menu = tab.locator(".dropdown-launch-buttons button").first
    if menu.count():
        menu.click()
        if not tab.locator('a[href*="mybinder.org"]').first.is_visible():
            problems.append("the launch menu does not open")
    else:
        problems.append("no launch menu")
    return problems


FEATURES = {  # name: (CSS selector that reveals it, how to try it)
    "animation": (".animation", try_animations),
    "quiz": (".Quiz", try_quizzes),
    "solution": (".solution.dropdown", try_solutions),
}


@pytest.fixture(scope="module")
def visits(context, site) -> dict[str, Visit]:
    """Open every page once, like a reader: look, screenshot, use its features, go phone-sized."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.jpg")]:
        old.unlink()
    started = time.monotonic()
    tab = context.new_page()
    recorder = Recorder(tab, site)
    visits = {}
    for page in built_pages():
        if is_redirect(page):
            continue
        visit = recorder.visit = visits[page] = Visit(page)
        begin = time.monotonic()
        # Back to desktop width on an empty page: resizing the last page would lay it out again.
        tab.goto("about:blank")
        tab.set_viewport_size(DESKTOP)
        open_page(tab, site, page)
        if tab.locator(".Quiz").count():  # jupyterquiz typesets its maths 500 ms after showing
            try:
                tab.wait_for_function(r"""() => [...document.querySelectorAll(".Quiz")]
                    .every(q => !/\$[^$\s][^$]*\$/.test(q.innerText))""", timeout=3_000)
            except Exception:
                pass  # reported as raw maths below
        if tab.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
            try:
                tab.wait_for_selector(".jupyter-widgets", timeout=10_000)
            except Exception:
                pass  # reported as widgets not rendered
        visit.facts = tab.evaluate(PAGE_FACTS)
        if name := screenshot_name(page):
            screenshot(tab, name)
        for feature, (selector, try_it) in FEATURES.items():
            if tab.locator(selector).count():
                visit.features[feature] = try_it(tab, page)
        if page.startswith("lessons/"):
            visit.features["launch"] = try_launch_buttons(tab, page)
        tab.set_viewport_size(PHONE)
        visit.facts["phone"] = tab.evaluate(PHONE_OVERFLOW)
        if name and not FULL_PAGE_SHOTS:
            tab.evaluate("window.scrollTo(0, 0)")
            screenshot(tab, f"{name}-phone")
        visit.seconds = time.monotonic() - begin
    recorder.visit = None
    tab.close()
    slowest = sorted(visits.values(), key=lambda v: -v.seconds)[:3]
    print(f"\nbrowser: visited {len(visits)} pages in {time.monotonic() - started:.1f} s; slowest: "
          + ", ".join(f"{v.page} {v.seconds:.1f} s" for v in slowest))
    return visits


def report(problems: dict[str, list]) -> str:
    return "\n".join(f"  {page}: {items}" for page, items in problems.items() if items)


# --- every page ---------------------------------------------------------------------------

def test_every_page_was_visited(visits):
    expected = [page for page in built_pages() if not is_redirect(page)]
    assert sorted(visits) == expected
    assert len(visits) >= 3, "the book should have at least an intro, search and index page"


def test_index_redirects_to_the_first_page(context, site):
    tab = context.new_page()
    tab.goto(site, wait_until="load")
    tab.wait_for_url(re.compile(re.escape(root_page()) + "$"))
    assert tab.locator("main h1").count() >= 1
    tab.close()


def test_every_page_stays_on_this_site(visits):
    problems = {page: v.external for page, v in visits.items()}
    assert not any(problems.values()), \
        "pages fetching from another host (they break offline):\n" + report(problems)


def test_every_page_has_no_console_errors(visits):
    problems = {page: v.console_errors for page, v in visits.items()}
    assert not any(problems.values()), \
        "console errors (a missing file shows here as 'Failed to load resource'):\n" + report(problems)


def test_every_formula_is_typeset(visits):
    problems = {}
    for page, v in visits.items():
        f = v.facts
        items = [f"raw: {m}" for m in f["rawMaths"]] + [f"TeX error: {m}" for m in f["texErrors"]]
        items += [f"raw TeX in text: {t}" for t in f["rawText"]]
        items += [f"not laid out as MathML: {t}" for t in f["notDrawnAsMaths"]]
        if f["mathCount"] and not f["mathmlCount"]:
            items.append(f"{f['mathCount']} formulas but no MathML")
        problems[page] = items
    assert not any(problems.values()), "formulas not typeset:\n" + report(problems)
    assert any(v.facts["mathmlCount"] for v in visits.values()), "no page has typeset maths"


def test_every_page_shows_no_errors(visits):
    problems = {page: v.facts["errors"] for page, v in visits.items()}
    assert not any(problems.values()), "error outputs or messages shown:\n" + report(problems)


def test_every_image_loads(visits):
    problems = {page: v.facts["brokenImages"] for page, v in visits.items()}
    assert not any(problems.values()), "broken images:\n" + report(problems)


def test_every_saved_widget_renders(visits):
    problems = {page: [f"{v.facts['widgetViews']} saved widget views, none rendered"]
                for page, v in visits.items()
                if v.facts["widgetViews"] and not v.facts["widgetsShown"]}
    assert not problems, "widgets not rendered:\n" + report(problems)


@functools.cache
def ids_in(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\s(?:id|name)="([^"]+)"', text))


def test_every_internal_link_resolves(visits, site):
    problems = {}
    for page, v in visits.items():
        bad = set()
        for href in v.facts["links"]:
            if not href.startswith(site):
                continue
            parts = urlsplit(href)
            path = unquote(parts.path).lstrip("/")
            target = HTML / path
            if not path or path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                bad.add(f"{href[len(site):]} (no such file)")
                continue
            fragment = unquote(parts.fragment)
            if not fragment or target.suffix != ".html":
                continue
            known = set(v.facts["ids"]) if target == HTML / page else ids_in(target)
            if fragment not in known:
                bad.add(f"{href[len(site):]} (no such anchor)")
        problems[page] = sorted(bad)
    assert not any(problems.values()), "broken internal links:\n" + report(problems)


def test_every_page_fits_a_phone(visits):
    problems = {page: [f"{v.facts['phone']['overflow']} px too wide", *v.facts["phone"]["culprits"]]
                for page, v in visits.items() if v.facts["phone"]["overflow"] > 1}
    assert not problems, "pages that scroll sideways at 375 px:\n" + report(problems)


def test_screenshots_of_the_index_and_every_lesson(visits):
    expected = {"index"} | {screenshot_name(p) for p in visits if p.startswith("lessons/")}
    if not FULL_PAGE_SHOTS:
        expected |= {f"{name}-phone" for name in expected}
    saved = {p.stem for p in SHOTS.glob("*.jpg")}
    assert expected <= saved, f"missing screenshots: {sorted(expected - saved)}"


def test_no_page_is_slow_to_open(visits):
    """A page that takes this long hangs on something (a request, a widget, a script)."""
    slow = {page: [f"{v.seconds:.1f} s"] for page, v in visits.items() if v.seconds > 20}
    assert not slow, "pages that take over 20 s to open and check:\n" + report(slow)


# --- weight (issue 18; benchmarks/page_weight.py measures the rest, with a phone profile) ---

LESSON_HTML_GZIP_KB = 200
# Issue 18's goal. The maths is MathML drawn by the browser (book/_ext/offline_assets/maths.py):
# MathJax's CommonHTML markup had made the site 16.7 MB; it is about 13 MB.
SITE_MB = 15


def test_every_lesson_page_is_light():
    """A lesson's own HTML (animations included) at most 200 KB once gzip-compressed."""
    import gzip

    heavy = {}
    for page in lesson_pages():
        size = len(gzip.compress((HTML / page).read_bytes(), compresslevel=6)) / 1024
        if size > LESSON_HTML_GZIP_KB:
            heavy[page] = [f"{size:.0f} KB gzip (animation frames? see dlmath/widgets/_frames.py)"]
    assert not heavy, f"lesson pages above {LESSON_HTML_GZIP_KB} KB gzip:\n" + report(heavy)


def test_site_is_small_and_ships_no_developer_files():
    files = [p for p in HTML.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files) / 1e6
    assert total <= SITE_MB, f"the built site is {total:.1f} MB (limit {SITE_MB} MB; issue 18 aims at 15)"
    shipped = [p.relative_to(HTML).as_posix() for p in files
               if p.suffix == ".map" or "html-manager" in p.parts or "locales" in p.parts]
    assert not shipped, f"files no reader's browser asks for: {shipped[:10]}"
    font_awesome = HTML / "_static" / "scripts" / "fontawesome.js"
    if font_awesome.exists():
        assert font_awesome.stat().st_size < 300_000, "Font Awesome is not cut to the used icons"


def test_no_page_waits_for_mathjax_or_a_script():
    """The maths is typeset when the book is built (book/_ext/offline_assets/maths.py): no page
    loads MathJax, and no script in a page's <head> holds up its first paint."""
    problems = {}
    for page in built_pages():
        html = (HTML / page).read_text(encoding="utf-8", errors="replace")
        head = html[:html.find("</head>")]
        items = [f"loads {src}" for src in re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', html)]
        items += [f"script not deferred: {src}" for attributes, src in re.findall(
            r'<script\b([^>]*)\ssrc="([^"]+)"', head)
            if not re.search(r"\b(?:defer|async)\b", attributes)
            and "documentation_options.js" not in src]
        if "math notranslate" in html and "<math" in html and "_static/maths.css" not in head:
            items.append("MathML without the maths stylesheet (its font)")
        problems[page] = items
    assert not any(problems.values()), "pages that wait:\n" + report(problems)


def test_site_ships_no_file_that_no_page_names():
    """Every file of _static is named by a page, a stylesheet or a script (the build deletes the
    others: book/_ext/offline_assets, remove_unused_files)."""
    static = HTML / "_static"
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in [*HTML.rglob("*.html"), *static.rglob("*.css"), *static.rglob("*.js")]]
    unnamed = [p.relative_to(HTML).as_posix() for p in static.rglob("*") if p.is_file()
               and not any(re.search(r"(?<![\w.-])%s(?![\w-])" % re.escape(p.name), text)
                           for text in texts)]
    assert not unnamed, f"files no page uses: {unnamed}"


# --- features, on the pages that have them ------------------------------------------------

def feature_results(visits, feature: str, what: str) -> dict[str, list[str]]:
    results = {page: v.features[feature] for page, v in visits.items() if feature in v.features}
    if not results:
        pytest.skip(f"no page has {what} yet")
    return results


def test_animations_step_through_frames(visits):
    results = feature_results(visits, "animation", "a jshtml animation")
    assert not any(results.values()), "animations that do not play:\n" + report(results)


def test_quizzes_accept_an_answer_and_give_feedback(visits):
    results = feature_results(visits, "quiz", "a jupyterquiz quiz")
    assert not any(results.values()), "quizzes that do not answer:\n" + report(results)


def test_solutions_open_on_click(visits):
    results = feature_results(visits, "solution", "a sphinx-exercise solution dropdown")
    assert not any(results.values()), "solutions that misbehave:\n" + report(results)


def test_lessons_launch_in_binder_and_colab(visits):
    results = feature_results(visits, "launch", "a lesson page")
    assert not any(results.values()), "launch buttons:\n" + report(results)


def test_search_finds_a_term(context, site):
    index = (HTML / "searchindex.js").read_text(encoding="utf-8")
    if '"gradient"' not in index:
        pytest.skip("no page mentions 'gradient' yet")
    tab = context.new_page()
    tab.goto(site + "search.html?q=gradient", wait_until="load")
    tab.wait_for_selector("#search-results ul.search li", timeout=15_000)
    assert tab.locator("#search-results ul.search li").count() >= 1
    tab.close()


def test_figures_readable_in_dark_theme(visits, browser, site):
    """Figures with a transparent background must get the theme's light backing when dark."""
    with_figures = [page for page, v in visits.items() if v.facts["figures"]]
    if not with_figures:
        pytest.skip("no page has a figure output yet")
    page = next((p for p in with_figures if p.startswith("lessons/")), with_figures[0])
    dark = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    tab = dark.new_page()
    open_page(tab, site, page)
    assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
    unbacked = tab.evaluate(r"""() => [...document.querySelectorAll(
            ".cell_output img, .animation img")].filter(img => {
        for (let el = img; el; el = el.parentElement) {
            const bg = getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number);
            if (bg.length < 4 || bg[3] > 0) return bg[0] + bg[1] + bg[2] < 3 * 160;
        }
        return true;
    }).length""")
    screenshot(tab, f"dark-{screenshot_name(page) or 'page'}")
    dark.close()
    transparent = {p: v.facts["transparentFigures"] for p, v in visits.items()}
    if unbacked:
        assert not any(transparent.values()), \
            "transparent figures sit on a dark background in the dark theme:\n" + report(transparent)
