"""How heavy and how slow the built book is for a reader: every page opened in Chromium.

Run after `make book`::

    .venv/bin/python benchmarks/page_weight.py --as after      # every page, about 10 minutes
    .venv/bin/python benchmarks/page_weight.py --quick         # 4 pages, writes nothing

It serves `_build/html` (or `--html DIR`) on 127.0.0.1 the way a static host does: text files
(HTML, JS, CSS, JSON, SVG) gzip-compressed, everything else as is. Then, for every page of the
book, it drives Debian's Chromium (`which chromium`) with Playwright and measures:

* **own HTML**: the page's HTML file, gzip-compressed (level 6, as a web server does);
* **first visit**: every response the page needs until the network is idle, in a fresh browser
  profile (empty cache): their count and their bytes as sent (gzip for text, raw for the rest).
  Lazy images (figures below the first screen) count only if the page fetches them unscrolled;
* **second page**: bytes of the page after it (the "next" link) not already fetched by the first
  visit, i.e. what a browser with a warm cache still downloads. Counted by URL, so the number
  does not depend on the cache heuristics of the test server;
* **load event** and **first contentful paint** on a phone-like profile, in a fresh profile:
  a 375 x 812 viewport, 4x CPU slowdown, 16 Mbit/s down, 8 Mbit/s up and 150 ms latency
  (Chrome DevTools Protocol: `Emulation.setCPUThrottlingRate`, `Network.emulateNetworkConditions`).
  The median of `--repeats` loads. The 4x slowdown is relative to this machine's CPU, so the
  times depend on the machine (and on what else it is running): sizes do not.

and for the whole site: its size on disk and the files that no page requested, lazy images
included (candidates for removal; `_sources/` and `objects.inv` are links for readers and
tools, not page resources).

Results go to `benchmarks/results/page_weight.json` under the label given by `--as`
("before"/"after"); the other labels already in the file are kept, so the book page
(`book/page-weight.md`) can show both side by side.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "page_weight.json"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}
COMPRESSED_TYPES = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".inv", ".xml")
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
PHONE_NETWORK = {"offline": False, "latency": 150,
                 "downloadThroughput": 16e6 / 8, "uploadThroughput": 8e6 / 8}
CPU_SLOWDOWN = 4
GOALS = {"own_html_gzip_kb": 200, "first_visit_gzip_kb": 1200, "second_page_extra_kb": 250,
         "load_s": 4.0, "fcp_s": 2.0, "site_mb": 15}


@functools.lru_cache(maxsize=None)
def sent_bytes(path: Path) -> bytes:
    """What a static host sends for a file: gzip for text types, the file itself otherwise."""
    data = path.read_bytes()
    if path.suffix.lower() in COMPRESSED_TYPES:
        return gzip.compress(data, compresslevel=6, mtime=0)
    return data


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """http.server plus Content-Encoding: gzip for text files, like GitHub Pages or Netlify."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or path.suffix.lower() not in COMPRESSED_TYPES
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = sent_bytes(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def serve(html: Path):
    handler = functools.partial(GzipHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def book_pages(html: Path) -> list[str]:
    """Every page of the book (not the redirecting index.html, not search/genindex)."""
    pages = []
    for path in sorted(html.rglob("*.html")):
        rel = path.relative_to(html)
        if SKIP_DIRS.intersection(rel.parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if 'http-equiv="Refresh"' in text or rel.name in ("genindex.html",):
            continue
        pages.append(rel.as_posix())
    return pages


def local_file(html: Path, site: str, url: str) -> Path | None:
    if not url.startswith(site):
        return None
    rel = unquote(urlsplit(url).path).lstrip("/")
    path = html / rel
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def visit(context, html: Path, site: str, page: str) -> tuple[dict[str, int], list[str], object]:
    """Open a page until the network is idle: ({url: bytes sent}, external urls, the tab)."""
    fetched, external = {}, []

    def on_request(request):
        url = request.url.split("#")[0]
        if url.startswith(("data:", "blob:", "about:")):
            return
        path = local_file(html, site, url)
        if path is None:
            if not url.startswith(site):
                external.append(url)
            return
        fetched[url] = len(sent_bytes(path))

    tab = context.new_page()
    tab.on("request", on_request)
    tab.goto(site + page, wait_until="load")
    tab.wait_for_load_state("networkidle")
    return fetched, external, tab


def fetch_the_rest(tab) -> None:
    """Fetch what the page fetches only when the reader scrolls or opens a menu (lazy images),
    so that the list of files no page uses holds only those."""
    tab.evaluate("() => document.querySelectorAll('img[loading=lazy]')"
                 ".forEach(img => { img.loading = 'eager'; })")
    tab.wait_for_load_state("networkidle")


def next_page(tab, site: str) -> str | None:
    href = tab.evaluate("""() => {
        const a = document.querySelector('a.right-next, link[rel="next"]');
        return a ? a.href : null;
    }""")
    return href[len(site):].split("#")[0] if href and href.startswith(site) else None


TIMING = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {load: nav ? nav.loadEventStart : null, fcp: fcp ? fcp.startTime : null};
}"""


def phone_timing(browser, site: str, page: str, repeats: int) -> dict:
    loads, fcps = [], []
    for _ in range(repeats):
        context = browser.new_context(**PHONE)
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        tab.goto(site + page, wait_until="load", timeout=120_000)
        timing = tab.evaluate(TIMING)
        context.close()
        loads.append(timing["load"] / 1000)
        if timing["fcp"] is not None:
            fcps.append(timing["fcp"] / 1000)
    return {"load_s": round(statistics.median(loads), 2),
            "fcp_s": round(statistics.median(fcps), 2) if fcps else None}


def measure(html: Path, pages: list[str] | None, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed: `sudo apt-get install chromium` (Debian/Ubuntu)")
    if not (html / "index.html").exists():
        sys.exit(f"the book is not built in {html}: run `make book`")
    pages = pages or book_pages(html)
    server, site = serve(html)
    rows, requested = [], set()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for number, page in enumerate(pages, 1):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                seen, external, tab = visit(context, html, site, page)
                first = dict(seen)  # what opening the page fetched, before any scrolling
                following = next_page(tab, site)
                fetch_the_rest(tab)  # lazy figures and menus' images: used, if not at once
                second, seen_next = {}, {}
                if following:
                    seen_next, more_external, next_tab = visit(context, html, site, following)
                    second = dict(seen_next)
                    fetch_the_rest(next_tab)
                    external += more_external
                context.close()
                requested.update(seen, seen_next)
                own = local_file(html, site, site + page)
                row = {
                    "page": page,
                    "own_html_gzip_kb": round(len(sent_bytes(own)) / 1024, 1),
                    "first_visit_gzip_kb": round(sum(first.values()) / 1024, 1),
                    "first_visit_requests": len(first),
                    "second_page": following,
                    "second_page_extra_kb": round(
                        sum(size for url, size in second.items() if url not in first) / 1024, 1),
                    "external_requests": sorted(set(external)),
                    **phone_timing(browser, site, page, repeats),
                }
                rows.append(row)
                print(f"[{number}/{len(pages)}] {page}: own {row['own_html_gzip_kb']} KB, first "
                      f"{row['first_visit_gzip_kb']} KB in {row['first_visit_requests']} requests, "
                      f"next +{row['second_page_extra_kb']} KB, load {row['load_s']} s, "
                      f"FCP {row['fcp_s']} s", flush=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    files = [p for p in html.rglob("*") if p.is_file()]
    used = {local_file(html, site, url) for url in requested}
    unused = sorted(p.relative_to(html).as_posix() for p in files
                    if p not in used and not p.name.endswith(".html")
                    and not p.relative_to(html).parts[0] in ("_sources",)
                    and p.name not in (".buildinfo", "objects.inv"))
    return {
        "date": datetime.date.today().isoformat(),
        "machine": {"cpu": cpu_name(), "system": f"{platform.system()} {platform.machine()}",
                    "chromium": browser_version(chromium)},
        "profile": {"cpu_slowdown": CPU_SLOWDOWN, "download_mbit_s": 16, "upload_mbit_s": 8,
                    "latency_ms": 150, "viewport": "375x812", "repeats": repeats},
        "site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "site_files": len(files),
        "unused_files": unused,
        "unused_mb": round(sum((html / u).stat().st_size for u in unused) / 1e6, 2),
        "pages": rows,
    }


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def browser_version(chromium: str) -> str:
    import subprocess
    try:
        return subprocess.run([chromium, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def summary(result: dict) -> str:
    rows = result["pages"]
    lessons = [r for r in rows if r["page"].startswith("lessons/")]

    def span(key, subset=rows):
        values = [r[key] for r in subset if r[key] is not None]
        return f"{min(values):g} to {max(values):g}" if values else "n/a"

    return "\n".join([
        f"lesson own HTML gzip KB: {span('own_html_gzip_kb', lessons)} (goal <= {GOALS['own_html_gzip_kb']})",
        f"first visit gzip KB:     {span('first_visit_gzip_kb')} (goal <= {GOALS['first_visit_gzip_kb']})",
        f"first visit requests:    {span('first_visit_requests')}",
        f"second page extra KB:    {span('second_page_extra_kb')} (goal <= {GOALS['second_page_extra_kb']})",
        f"phone load s:            {span('load_s')} (goal <= {GOALS['load_s']})",
        f"phone FCP s:             {span('fcp_s')} (goal <= {GOALS['fcp_s']})",
        f"site MB:                 {result['site_mb']} (goal <= {GOALS['site_mb']}), "
        f"{len(result['unused_files'])} files ({result['unused_mb']} MB) requested by no page",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--as", dest="label", help="store the results under this label "
                        "(e.g. before, after) in benchmarks/results/page_weight.json")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--repeats", type=int, default=1, help="phone-profile loads per page")
    parser.add_argument("--pages", nargs="*", help="only these pages (paths relative to the site)")
    parser.add_argument("--quick", action="store_true", help="4 pages, nothing written")
    args = parser.parse_args(argv)
    html = args.html.resolve()
    pages = args.pages
    if args.quick:
        every = book_pages(html)
        pages = [every[0]] + [p for p in every if p.startswith("lessons/")][:2] + [every[-1]]
    result = measure(html, pages, args.repeats)
    print(summary(result))
    if args.label and not args.quick:
        stored = json.loads(args.output.read_text()) if args.output.exists() else {}
        stored["goals"] = GOALS
        stored[args.label] = result
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
        print(f"written to {args.output} as {args.label!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
