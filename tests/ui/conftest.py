"""Real-browser test harness: JupyterLab served headless on 127.0.0.1, driven by Debian's Chromium.

Shared by every widget's browser tests (diagram, gradient explorer, dashboard). Mark UI test modules
with ``pytestmark = pytest.mark.ui``. When Chromium or Playwright is missing, tests skip with the reason;
in CI (RESNET_LAB_REQUIRE_ALL=1) the root conftest turns that skip into a failure.

Fixtures
--------
``jupyterlab`` (session, one per xdist worker)
    A running ``python -m jupyter lab`` from the test interpreter, so kernels import the package under
    test. Listens on 127.0.0.1 on a free port with a random token, in its own temporary ``root_dir``,
    with its own settings and workspaces (news and update checks off, so no toast covers screenshots;
    notebook windowing off, so every output stays in the DOM).
    Yields a :class:`harness.JupyterLabServer` with ``.url`` (ends in ``/``), ``.token``,
    ``.root_dir`` (a ``pathlib.Path``) and ``.log_path`` (server and kernel stderr). Stopped afterwards.
    Kernels get ``TF_CPP_MIN_LOG_LEVEL=3`` so TensorFlow's start-up chatter stays out of outputs.

``browser`` (module: one Chromium per test module, so no Playwright loop outlives the UI tests)
    A headless Playwright ``Browser`` in Debian's ``chromium`` (``shutil.which("chromium")``).

``browser_page`` (function)
    A fresh ``Page`` (new context, 1400x1000 viewport, 30 s default timeout) in ``browser``.
    Console errors are collected in ``page.console_errors``, uncaught exceptions in ``page.page_errors``
    (lists of str). After the test, any of them not expected by name fails it; a test that expects one
    appends a substring of it to ``page.expected_errors``.

Helpers (``from .harness import ...``; every wait has a timeout, nothing can hang)
------------------------------------------------------------------------------------
``write_notebook(root_dir, name, cells) -> Path``
    Writes a notebook (with the python3 kernelspec, so no kernel dialog) from a list of code sources.
``open_notebook(page, server, name, timeout=60)``
    Opens it in a fresh workspace and waits until its kernel is idle.
``run_all_cells(page, timeout=120)``
    Fires "run all" without awaiting the command, then waits until every code cell has run and the kernel
    is idle. Raises ``AssertionError`` with the traceback if any cell raised.
``kernel_run(page, code, timeout=30) -> str``
    Runs statements in the notebook's kernel (through the kernel API, no new cell); returns printed text.
    Raises ``AssertionError`` if the code raised or timed out.
``kernel_eval(page, expression, timeout=30) -> value``
    Evaluates a Python expression in the notebook's kernel (through the kernel API, no new cell) and
    returns it decoded from JSON. The expression must be JSON-serialisable.
``wait_for_kernel_value(page, expression, expected, timeout=15) -> value``
    Polls ``kernel_eval`` until it returns ``expected``; raises ``AssertionError`` with the last value.
``assert_no_browser_errors(page, expected=())``
    Fails on any page error or console error of ``page`` that contains none of the ``expected`` substrings.
    Module-scoped pages (built on ``new_page``) call it themselves, at the end of each test or of the module.
``new_page(browser, width=1400, height=1000) -> Page``
    What ``browser_page`` yields; use it in a module-scoped fixture to share one opened notebook between
    tests (close it with ``page.context.close()``).
``browser_measures(page, prefix, detail=None) -> dict[str, list[float]]``
    Durations (ms) of ``performance.measure`` entries whose names start with ``prefix`` (and whose
    ``detail`` holds the given key/values), grouped by name. Print them and save them; never assert times.
``save_screenshot(page_or_locator, name) -> Path`` and ``save_artifact(name, data) -> Path``
    Write under ``test-artifacts/ui/`` at the repository root (gitignored); ``data`` may be str or
    a JSON-serialisable object.

A typical test module::

    import pytest
    from .harness import kernel_eval, open_notebook, run_all_cells, save_screenshot, write_notebook

    pytestmark = pytest.mark.ui

    def test_widget_renders(jupyterlab, browser_page):
        write_notebook(jupyterlab.root_dir, "my_widget.ipynb", ["from x import W", "w = W()\\nw"])
        open_notebook(browser_page, jupyterlab, "my_widget.ipynb")
        run_all_cells(browser_page)
        browser_page.wait_for_selector(".my-widget", timeout=20_000)
        assert kernel_eval(browser_page, "w.value") == 0
        save_screenshot(browser_page, "my_widget")

Modules that run in the same xdist worker share one server: give each module's notebook its own name.
To let several tests share one opened, run notebook, use a module-scoped fixture built on ``new_page``
(see the ``lab`` fixture in test_architecture_diagram.py). Start-up costs about 5 s for the server and
page, plus whatever the notebook's cells take (importing TensorFlow alone is about 3 s).
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from .harness import CHROMIUM_ARGS, assert_no_browser_errors, new_page, start_jupyterlab


def _missing_browser_stack() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    if shutil.which("chromium") is None:
        return "Debian's chromium is not on PATH (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory):
    server = start_jupyterlab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield server
    finally:
        server.stop()


# Module scope, not session: Playwright's sync API keeps an asyncio loop marked as running in the main thread
# while it lives, and later tests in the same worker (a debouncer, a notebook kernel client) would see that loop.
@pytest.fixture(scope="module")
def browser():
    missing = _missing_browser_stack()
    if missing:
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_page(browser):
    """A fresh page; after the test, any page error or console error it did not expect fails the test.

    A test that expects an error by name appends a substring of it to ``page.expected_errors``.
    """
    page = new_page(browser)
    page.expected_errors = []
    try:
        yield page
        assert_no_browser_errors(page, tuple(page.expected_errors))
    finally:
        page.context.close()
