"""The course's website (`make site`), built offline and read in Chromium page by page.

The site is built once for the module into a temporary folder (scripts/build_site.py, what `make site` runs)
and served from 127.0.0.1. Every page, in light and in dark mode, must:
- raise no page or console error (none is expected: the build fetches nothing and links no CDN);
- load every image (the notebooks' static pictures included);
- keep every element within the content column, and the page within the window at 1280 and at 400 px;
- link only to pages and anchors that exist;
- pass axe-core's WCAG 2.1 A and AA rules with no serious or critical violation (moderate ones are printed).
Search must find a chapter. A screenshot of every page (the whole page in light mode, the first screen in dark
mode) is saved under test-artifacts/ui/site/.
"""

from __future__ import annotations

import functools
import json
import http.server
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from ..scripts import load_script
from .accessibility import axe_audit, blocking, describe
from .harness import REPO_ROOT, artifact_path, assert_no_browser_errors, new_page, save_artifact, save_screenshot

pytestmark = pytest.mark.ui

# The pages: one per course notebook (found as the build finds them), and the site's own.
CHAPTERS = [f"course/{path.stem}.html" for path in load_script("build_site").course_notebooks(REPO_ROOT / "course")]
PAGES = ["index.html", *CHAPTERS, "accessibility.html", "search.html", "genindex.html"]
COLOR_SCHEMES = ("light", "dark")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site served from loopback: its base URL (ends in /)."""
    html = load_script("build_site").build_site(out=tmp_path_factory.mktemp("site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@functools.lru_cache(maxsize=None)
def _fetch(url: str) -> str | None:
    """The text at ``url`` (None when it does not load); cached, since pages share their links."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def broken_links(base: str, hrefs: list[str]) -> list[str]:
    """The internal links among ``hrefs`` (absolute URLs) whose page does not load or has no such anchor."""
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(base):
            continue  # the launch buttons, GitHub: outside the site, and offline here
        page, fragment = urldefrag(href)
        text = _fetch(page)
        if text is None:
            broken.append(f"{href}: does not load")
        elif fragment and urlparse(page).path.endswith(".html") and not re.search(
            rf"""\b(id|name)=["']{re.escape(fragment)}["']""", text
        ):
            broken.append(f"{href}: no element with id {fragment!r}")
    return broken


# Elements wider than the content column, outside the containers that scroll on purpose (code, wide tables).
_OVERFLOW_JS = """() => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const edge = column.getBoundingClientRect().right + 1;
  const scrolls = (el) => { for (let p = el.parentElement; p && p !== column; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll') return true; } return false; };
  const wide = [];
  for (const el of column.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > edge && !scrolls(el)) wide.push(`${el.tagName.toLowerCase()}.${el.className} ` +
      `(${Math.round(box.right - edge)} px over)`);
  }
  return {wide: wide.slice(0, 10), page: document.documentElement.scrollWidth - window.innerWidth};
}"""

# Every live widget (a stored widget state, drawn by html-manager from _static/widgets) has rendered its view.
_WIDGETS_RENDERED_JS = """() => Array.from(document.querySelectorAll('.resnet-live-widget'))
  .every(w => { const v = w.querySelector('.widget-subarea'); return v && v.innerText.trim().length > 0; })"""

_IMAGES_JS = """() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
  .map(i => i.getAttribute('src'))"""


@pytest.fixture(scope="module")
def browser_pages(browser):
    """One page per colour scheme, reused page after page."""
    pages = {}
    for scheme in COLOR_SCHEMES:
        page = new_page(browser, width=1280, height=900)
        page.emulate_media(color_scheme=scheme)
        pages[scheme] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_whole_within_the_column_and_passes_axe(site, browser_pages, name):
    report = {}
    for scheme, page in browser_pages.items():
        page.console_errors.clear()
        page.page_errors.clear()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(site + name, wait_until="load")
        page.wait_for_function("() => document.readyState === 'complete'")
        page.wait_for_function(_WIDGETS_RENDERED_JS, timeout=60_000)
        assert page.evaluate(_IMAGES_JS) == [], f"{name}: images that did not load"
        layout = page.evaluate(_OVERFLOW_JS)
        assert layout["wide"] == [] and layout["page"] <= 0, f"{name} ({scheme}) overflows: {layout}"
        violations = axe_audit(page)
        report[scheme] = violations
        stem = name.replace("/", "_").removesuffix(".html")
        if scheme == "light":  # the whole page, every output on it; dark mode: the first screen
            page.screenshot(path=str(artifact_path(f"site/{stem}_{scheme}.png")), full_page=True, timeout=60_000)
        else:
            save_screenshot(page, f"site/{stem}_{scheme}")
        if scheme == "light":
            links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            assert broken_links(site, links) == [], f"{name}: broken internal links"
            page.set_viewport_size({"width": 400, "height": 900})  # reflow: a phone, or 320 % zoom
            page.wait_for_timeout(200)
            narrow = page.evaluate(_OVERFLOW_JS)
            assert narrow["page"] <= 0, f"{name} scrolls sideways at 400 px: {narrow}"
        assert_no_browser_errors(page)
    save_artifact(f"site/axe_{name.replace('/', '_').removesuffix('.html')}.json", report)
    for scheme, violations in report.items():
        print(f"\naxe WCAG 2.1 AA, {name} ({scheme}):\n{describe(violations)}")
        assert not blocking(violations), f"{name} ({scheme}): serious or critical violations:\n{describe(blocking(violations))}"


def test_stored_widgets_show_live_and_their_pictures_stay_for_readers_without_scripts(site, browser_pages, browser):
    page = browser_pages["light"]
    live = {}
    for chapter in CHAPTERS:
        page.goto(site + chapter, wait_until="load")
        page.wait_for_function(_WIDGETS_RENDERED_JS, timeout=60_000)
        count = page.locator(".resnet-live-widget").count()
        if count:
            live[chapter] = count
            hidden = page.eval_on_selector_all(".resnet-widget-fallback", "imgs => imgs.map(i => getComputedStyle(i).display)")
            assert set(hidden) == {"none"}, f"{chapter}: a static picture still shows beside its live widget"
    # The notebooks store the state of the diagrams (02, 03, 04, 06) and of 09's Grad-CAM explorer.
    assert any("02_" in chapter for chapter in live), f"no live widget on 02; live widgets: {live}"
    assert any("09_" in chapter for chapter in live), f"no live widget on 09; live widgets: {live}"
    page.goto(site + next(c for c in live if "02_" in c), wait_until="load")
    page.wait_for_function(_WIDGETS_RENDERED_JS, timeout=60_000)
    page.locator(".resnet-live-widget .rnd-root").first.wait_for(timeout=30_000)
    save_screenshot(page.locator(".resnet-live-widget").first, "site/live_widget_02")
    assert_no_browser_errors(page)

    without_scripts = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        quiet = without_scripts.new_page()
        for chapter in live:
            quiet.goto(site + chapter, wait_until="load")
            pictures = quiet.eval_on_selector_all(
                ".resnet-widget-fallback",
                "imgs => imgs.map(i => [getComputedStyle(i).display, i.complete && i.naturalWidth > 0, i.alt])",
            )
            assert len(pictures) == live[chapter], f"{chapter}: a live widget without its static picture"
            for display, loaded, alt in pictures:
                assert display != "none" and loaded and alt, f"{chapter}: the static picture does not show: {pictures}"
        save_screenshot(quiet.locator(".resnet-live-widget").first, "site/live_widget_without_scripts")
    finally:
        without_scripts.close()


def test_search_finds_a_chapter(site, browser_pages):
    page = browser_pages["light"]
    page.goto(site + "search.html?q=bottleneck", wait_until="load")
    results = page.locator("ul.search li a")
    results.first.wait_for(timeout=30_000)
    found = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("02_identity_block" in href for href in found), found
    save_screenshot(page, "site/search_bottleneck")
    assert_no_browser_errors(page)


def test_every_chapter_launches_its_own_notebook_and_offers_the_student_copy(site, browser_pages):
    page = browser_pages["light"]
    for chapter in CHAPTERS:
        page.goto(site + chapter, wait_until="load")
        notebook = "course/" + Path(chapter).stem + ".ipynb"
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        binder = f"https://mybinder.org/v2/gh/resnet-lab/resnet-lab/main?urlpath=lab/tree/{notebook}"
        colab = f"https://colab.research.google.com/github/resnet-lab/resnet-lab/blob/main/{notebook}"
        student = urljoin(site, f"student/{notebook}")
        for wanted in (binder, colab, student):
            assert wanted in hrefs, f"{chapter} has no link to {wanted}"
        copy = _fetch(student)
        assert copy is not None, f"{student} does not load"
        code = [cell["source"] for cell in json.loads(copy)["cells"] if cell["cell_type"] == "code"]
        assert not any("### BEGIN SOLUTION" in "".join(source) for source in code), f"{student} holds solutions"
    assert_no_browser_errors(page)
