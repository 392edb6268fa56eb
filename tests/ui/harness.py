"""Helpers for the real-browser tests: start JupyterLab, write and run notebooks, read values back.

The fixtures that use these live in tests/ui/conftest.py, whose docstring is the API summary.
Every wait here has a timeout: a hung browser or kernel fails the test, it never stalls the run.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..ports import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACT_DIR = REPO_ROOT / "test-artifacts" / "ui"

# Without the networking flags Chromium keeps trying hosts that this machine (and CI) cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

# Settings the server starts with: the learner's own (binder/overrides.json, which `make lab` and Binder install:
# no news toast, no update check, a notebook's kernel shut down with its tab), so every browser test drives the
# JupyterLab a learner gets. On top, for tests only: notebook windowing off, so every cell stays in the DOM and
# tests can find outputs scrolled out of view.
LEARNER_OVERRIDES = Path(__file__).resolve().parents[2] / "binder" / "overrides.json"


def _lab_settings():
    settings = {}
    for plugin, values in json.loads(LEARNER_OVERRIDES.read_text()).items():
        package, name = plugin.split(":")  # "@jupyterlab/notebook-extension:tracker" -> a user-settings file
        settings[f"{package}/{name}.jupyterlab-settings"] = dict(values)
    settings.setdefault("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", {})["windowingMode"] = "none"
    return settings


_LAB_SETTINGS = _lab_settings()


@dataclass
class JupyterLabServer:
    """A JupyterLab server started by :func:`start_jupyterlab`."""

    url: str
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen
    temp_dir: Path | None = None  # the server's and its kernels' TMPDIR, where one was given

    def stop(self, timeout: float = 10) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout`` seconds); its kernels go with it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server log, for failure messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def new_page(browser, width: int = 1400, height: int = 1000):
    """A fresh page in its own browser context, with a 30 s default timeout.

    Every console message of type error is collected in ``page.console_errors`` and every uncaught
    exception in ``page.page_errors`` (both lists of str). ``assert_no_browser_errors(page)`` fails on
    any of them that the test did not expect by name. Close the page with ``page.context.close()``.
    Module-scoped fixtures use this to share one opened notebook between several tests.
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.console_errors = []
    page.page_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda error: page.page_errors.append(f"{error.name}: {error.message}\n{error.stack or ''}"))
    return page


def unexpected_browser_errors(page, expected: tuple[str, ...] = ()) -> list[str]:
    """Page errors and console errors of ``page`` that contain none of the ``expected`` substrings."""
    found = [f"page error: {e}" for e in page.page_errors] + [f"console error: {e}" for e in page.console_errors]
    return [e for e in found if not any(name in e for name in expected)]


def assert_no_browser_errors(page, expected: tuple[str, ...] = ()) -> None:
    """Fail if the page raised an uncaught exception or logged a console error not expected by name.

    Args:
        expected: substrings of errors the test knows about and accepts (each should say why in a comment).
    """
    unexpected = unexpected_browser_errors(page, expected)
    assert not unexpected, "the browser reported errors:\n" + "\n".join(unexpected)


def start_jupyterlab(
    base_dir: Path, timeout: float = 60, env: dict | None = None, launcher: list[str] | None = None
) -> JupyterLabServer:
    """Start ``python -m jupyter lab`` headless on 127.0.0.1 and wait until its API answers.

    Args:
        base_dir: an empty directory; the notebooks go in ``base_dir/notebooks``, settings, workspaces
            and runtime files next to it.
        timeout: seconds to wait for the server to answer.
        env: extra environment variables for the server and its kernels (None removes one, e.g. to
            drop the harness' own TF_CPP_MIN_LOG_LEVEL and see what a learner's kernel prints).
        launcher: the command that starts JupyterLab, instead of ``python -m jupyter lab`` (e.g. the
            course's own ``scripts/start_lab.py``); the harness' options are appended, and win.

    Returns:
        The running :class:`JupyterLabServer`.

    Raises:
        RuntimeError: the server exited or did not answer in time (the message holds its log).
    """
    base_dir = Path(base_dir)
    root_dir = base_dir / "notebooks"
    settings_dir = base_dir / "settings"
    for name, settings in _LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    for sub in (root_dir, base_dir / "workspaces", base_dir / "runtime"):
        sub.mkdir(parents=True, exist_ok=True)

    port, token = free_port(), secrets.token_hex(16)
    command = [
        *(launcher or [sys.executable, "-m", "jupyter", "lab"]),
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={base_dir / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    server_env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(base_dir / "runtime"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    server_env = {key: value for key, value in server_env.items() if value is not None}
    log_path = base_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=root_dir, env=server_env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = JupyterLabServer(f"http://127.0.0.1:{port}/", token, root_dir, log_path, process)

    deadline = time.monotonic() + timeout
    status_url = f"{server.url}api/status?token={token}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"jupyter lab did not answer on {server.url} within {timeout} s:\n{server.log_tail()}")


def write_notebook(root_dir: Path, name: str, cells: list[str]) -> Path:
    """Write a notebook of code cells (sources as given) with the python3 kernelspec; return its path."""
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
    )
    path = Path(root_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


# The notebook panel the tests drive: the current widget when it is a notebook.
_PANEL_JS = "(window.jupyterapp && window.jupyterapp.shell.currentWidget)"


def open_notebook(page, server: JupyterLabServer, name: str, timeout: float = 60) -> None:
    """Open ``name`` (relative to the server's root_dir) in a fresh workspace; wait for an idle kernel."""
    workspace = uuid.uuid4().hex[:12]
    page.goto(
        f"{server.url}lab/workspaces/{workspace}/tree/{name}?token={server.token}",
        wait_until="domcontentloaded",
        timeout=timeout * 1000,
    )
    page.wait_for_selector(".jp-Notebook", timeout=timeout * 1000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
    page.wait_for_function(
        f"""() => {{
            const panel = {_PANEL_JS};
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return !!kernel && kernel.status === 'idle' && panel.context.isReady;
        }}""",
        timeout=timeout * 1000,
    )
    # Give the notebook the full width: the file browser would squeeze widgets and screenshots.
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")


def notebook_errors(page) -> list[str]:
    """Tracebacks (ANSI codes removed) of every error output in the current notebook."""
    return page.evaluate(
        f"""() => {{
            const panel = {_PANEL_JS};
            const errors = [];
            for (const cell of panel.content.model.cells) {{
                if (cell.type !== 'code') continue;
                for (let i = 0; i < cell.outputs.length; i++) {{
                    const out = cell.outputs.get(i).toJSON();
                    if (out.output_type === 'error') {{
                        errors.push((out.traceback || []).join('\\n').replace(/\\u001b\\[[0-9;]*m/g, ''));
                    }}
                }}
            }}
            return errors;
        }}"""
    )


def run_all_cells(page, timeout: float = 120) -> None:
    """Run every cell of the open notebook and wait until all have run and the kernel is idle.

    Raises:
        AssertionError: a cell raised (the message holds the traceback).
        playwright TimeoutError: the cells did not finish within ``timeout`` seconds.
    """
    # The command's promise settles only when all cells ran; awaiting it inside page.evaluate can block
    # the test forever, so fire it and wait on the notebook's state instead.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        f"""() => {{
            const panel = {_PANEL_JS};
            const kernel = panel.sessionContext.session.kernel;
            const cells = Array.from(panel.content.model.cells).filter(c => c.type === 'code');
            const ran = cells.every(c => c.executionCount !== null && c.executionCount !== undefined);
            const errored = cells.some(c => {{
                for (let i = 0; i < c.outputs.length; i++) {{
                    if (c.outputs.get(i).type === 'error') return true;
                }}
                return false;
            }});
            return errored || (ran && kernel.status === 'idle');
        }}""",
        timeout=timeout * 1000,
        polling=200,
    )
    errors = notebook_errors(page)
    assert not errors, "a notebook cell raised:\n" + "\n\n".join(errors)


def kernel_run(page, code: str, timeout: float = 30) -> str:
    """Run ``code`` (statements) in the notebook's kernel, without adding a cell; return its printed text.

    Raises:
        AssertionError: the code raised in the kernel, or did not finish within ``timeout`` seconds.
    """
    # ipykernel sends printed text from its IO thread: on a loaded machine it can reach the browser after the
    # reply that ends the request, and this read would come back empty (seen at load 7). Flushing blocks until
    # the text is sent, so it arrives before the reply.
    code = f"{code}\nimport sys as _ui_sys\n_ui_sys.stdout.flush()"
    result = page.evaluate(
        f"""async ([code, timeoutMs]) => {{
            const kernel = {_PANEL_JS}.sessionContext.session.kernel;
            let text = '';
            let error = null;
            const future = kernel.requestExecute({{code, silent: false, store_history: false}});
            future.onIOPub = (msg) => {{
                if (msg.header.msg_type === 'stream') text += msg.content.text;
                if (msg.header.msg_type === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
            }};
            const timer = new Promise((resolve) =>
                setTimeout(() => resolve({{timedOut: true}}), timeoutMs));
            const done = future.done.then(() => ({{text, error}}), (e) => ({{text, error: String(e)}}));
            return await Promise.race([done, timer]);
        }}""",
        [code, int(timeout * 1000)],
    )
    assert not result.get("timedOut"), f"the kernel did not finish within {timeout} s:\n{code}"
    assert not result.get("error"), f"the kernel raised {result['error']} running:\n{code}"
    return result["text"]


def kernel_eval(page, expression: str, timeout: float = 30):
    """Evaluate ``expression`` in the notebook's kernel and return its value, decoded from JSON.

    The code runs through the kernel API (no cell is added to the notebook). It must yield something
    ``json.dumps`` accepts.

    Raises:
        AssertionError: the expression raised in the kernel, or no answer came within ``timeout`` s.
    """
    marker = uuid.uuid4().hex
    text = kernel_run(
        page, f"import json as _ui_json\nprint({marker!r} + _ui_json.dumps({expression}) + {marker!r})", timeout
    )
    start, end = text.find(marker), text.rfind(marker)
    assert start != -1 and end > start, f"no value printed for {expression!r}; output was {text!r}"
    return json.loads(text[start + len(marker) : end])


def wait_for_kernel_value(page, expression: str, expected, timeout: float = 15):
    """Poll ``kernel_eval(expression)`` until it equals ``expected``; return it.

    Raises:
        AssertionError: it did not, within ``timeout`` seconds (the message holds the last value).
    """
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = kernel_eval(page, expression, timeout=max(1.0, deadline - time.monotonic()))
        if value == expected:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{expression} is {value!r} in the kernel, expected {expected!r} within {timeout} s")


def browser_measures(page, prefix: str, detail: dict | None = None) -> dict[str, list[float]]:
    """Durations (ms) of the page's ``performance.measure`` entries whose name starts with ``prefix``.

    Args:
        detail: keep only entries whose ``detail`` object holds these key/value pairs.

    Returns:
        ``{measure name: [duration, ...]}`` in the order the page recorded them.
    """
    return page.evaluate(
        """([prefix, wanted]) => {
            const out = {};
            for (const entry of performance.getEntriesByType('measure')) {
                if (!entry.name.startsWith(prefix)) continue;
                const detail = entry.detail || {};
                if (Object.entries(wanted).some(([k, v]) => detail[k] !== v)) continue;
                (out[entry.name] = out[entry.name] || []).push(entry.duration);
            }
            return out;
        }""",
        [prefix, detail or {}],
    )


def artifact_path(name: str) -> Path:
    """Path for an artifact under test-artifacts/ui/ (the folder is created)."""
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACT_DIR / name


def save_screenshot(page_or_locator, name: str) -> Path:
    """Save a PNG of a page (viewport) or a locator as test-artifacts/ui/<name>.png; return its path."""
    path = artifact_path(f"{name}.png")
    page_or_locator.screenshot(path=str(path), timeout=30_000)
    return path


def save_artifact(name: str, data) -> Path:
    """Write ``data`` (str, or anything JSON-serialisable) to test-artifacts/ui/<name>; return its path."""
    path = artifact_path(name)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2, sort_keys=True))
    return path
