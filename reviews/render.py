"""The weekly pack as a PDF: its HTML (``templates/reviews/pack.html``) printed by headless
Chromium, which draws the same plotly charts as the screen (measured against WeasyPrint, which
runs no JavaScript and so draws no chart: benchmarks/README.md).

One browser per process, started on the first pack and reused (launching Chromium costs about
a second; a pack once it runs, a few hundred milliseconds). Playwright's sync API belongs to
the thread that started it, and a web server or a Celery worker calls from several: the
browser lives in one thread of its own, to which every caller hands its HTML. The page loads
nothing from the network: plotly.js is served from ``static/vendor`` through an intercepted
URL, and every other request is refused.
"""

from __future__ import annotations

import atexit
import datetime as dt
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reviews.models import WeeklyReview
from reviews.pack import Pack, weekly_pack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PLOTLY_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
SCRIPTS = ("plotly.min.js", "plotly-locale-fr.js")  # served from PLOTLY_DIR under ORIGIN
ORIGIN = "http://pack.invalid/"
TIMEOUT_MS = 20_000

# Replace the document, draw every figure as a static SVG, resolve when all are drawn.
_SWAP_AND_DRAW = """async (html) => {
  const WIDTH = 680;  // A4's 182 mm between the margins, at 96 px per inch
  // The head keeps plotly.js's own style rules (inserted when it loaded): only the pack's
  // nodes of the head (marked data-pack) and the body are replaced.
  const next = new DOMParser().parseFromString(html, "text/html");
  document.head.querySelectorAll("[data-pack]").forEach((node) => node.remove());
  Array.from(next.head.children).forEach((node) => {
    node.setAttribute("data-pack", "");
    document.head.appendChild(document.adoptNode(node));
  });
  document.documentElement.lang = next.documentElement.lang;
  document.body.replaceWith(document.adoptNode(next.body));
  const divs = Array.from(document.querySelectorAll("[data-figure]"));
  await Promise.all(divs.map((div) => {
    const figure = JSON.parse(div.getAttribute("data-figure"));
    const config = Object.assign(JSON.parse(div.getAttribute("data-config") || "{}"),
                                 {staticPlot: true, responsive: false});
    // The page's width, and room under the plot for the legend and beside it for the axes' titles.
    const layout = Object.assign({}, figure.layout || {});
    const margin = Object.assign({l: 60, r: 20, t: 20, b: 40}, layout.margin || {});
    layout.margin = Object.assign(margin, {l: Math.max(margin.l, 75), r: Math.max(margin.r, 75), b: margin.b + 60});
    layout.width = WIDTH;
    layout.height = (layout.height || 320) + 60;
    layout.legend = Object.assign({}, layout.legend || {}, {orientation: "h", y: -0.3});
    div.style.width = WIDTH + "px";
    div.style.height = layout.height + "px";
    return Plotly.newPlot(div, figure.data || [], layout, config);
  }));
  return [divs.length, divs.filter((div) => div.querySelector(".main-svg")).length];
}"""


class RenderError(RuntimeError):
    """Chromium is missing, crashed, or a chart did not draw."""


def pack_html(pack: Pack) -> str:
    """The pack's HTML, in the active language (the pack's texts were gathered in it)."""
    return render_to_string("reviews/pack.html", {"pack": pack, "organization": pack.organization,
                                                  "review": pack.review})


class _Chromium:
    """The process's browser, in its own thread (see the module's docstring), with one page
    that has plotly.js loaded: each pack replaces that page's document and prints it
    (loading plotly.js takes two seconds; drawing three charts and printing, a quarter)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable, Future]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._playwright = None
        self._browser = None
        self._page = None
        self._scripts: dict[str, bytes] = {}

    def _run(self, job: Callable):
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="pack-chromium", daemon=True)
                self._thread.start()
        future: Future = Future()
        self._jobs.put((job, future))
        return future.result()

    def _serve(self) -> None:
        while True:
            job, future = self._jobs.get()
            try:
                future.set_result(job())
            except BaseException as error:  # handed to the caller, which raises it
                future.set_exception(error)

    def pdf(self, html: str) -> bytes:
        return self._run(lambda: self._print(html))

    def _ready_page(self):
        if self._page is not None and not self._page.is_closed() and self._browser.is_connected():
            return self._page
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise RenderError(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
        self._stop()
        self._scripts = {ORIGIN + name: (PLOTLY_DIR / name).read_bytes() for name in SCRIPTS}
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = self._browser.new_context().new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.route("**/*", self._route)
        page.set_content("<!doctype html><html><head></head><body></body></html>")
        for url in self._scripts:
            page.add_script_tag(url=url)
        self._page = page
        return page

    def _route(self, route) -> None:
        script = self._scripts.get(route.request.url)
        if script is not None:
            route.fulfill(body=script, content_type="application/javascript")
        else:
            route.abort()

    def _print(self, html: str) -> bytes:
        page = self._ready_page()
        try:
            total, drawn = page.evaluate(_SWAP_AND_DRAW, html)
            if drawn != total:
                raise RenderError(f"{total - drawn} of {total} charts did not draw")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        except Exception:
            self._page.close()  # a page left half-drawn is not reused
            raise

    def close(self) -> None:
        """Close the browser (at exit; the next pack starts another)."""
        if self._thread is not None and self._browser is not None:
            self._run(self._stop)

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = self._page = None


_chromium = _Chromium()
atexit.register(_chromium.close)


def html_to_pdf(html: str) -> bytes:
    """``html`` printed on A4 by the process's Chromium, its charts drawn."""
    try:
        return _chromium.pdf(html)
    except RenderError:
        raise
    except Exception as error:  # Playwright's errors: the browser gone, a timeout
        raise RenderError(str(error)) from error


def review_pdf(review: WeeklyReview, *, today: dt.date | None = None) -> bytes:
    """The review's pack as a PDF, in its organisation's language (the client reads it)."""
    with translation.override(review.organization.language):
        html = pack_html(weekly_pack(review, today=today))
    return html_to_pdf(html)
