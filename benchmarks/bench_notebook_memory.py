"""Each course notebook's peak memory in fast mode: its kernel and every child process, sampled every 0.1 s.

    .venv/bin/python benchmarks/bench_notebook_memory.py                       # every course/*.ipynb
    .venv/bin/python benchmarks/bench_notebook_memory.py course/05_*.ipynb     # some of them

mybinder.org gives a user 2 GB for the whole container (the Jupyter server included) and restarts the kernel
above that, so every notebook must peak at 1.5 GB or less in fast mode, the mode Binder runs (DESIGN.md, 5).
Binder's "2G" is JupyterHub's byte specification, where G means 1024**3 bytes, so the limit here is 1.5 GiB
(1,536 MiB), three quarters of it; figures are MiB. RSS counts the pages of TensorFlow's shared libraries that
the kernel has touched (about 0.5 GiB of the 0.77 GiB a kernel holds once TensorFlow is imported), as a
container's memory limit counts them.
Each notebook runs top to bottom in a fresh "python3" kernel, as `make notebooks` runs it (working folder
course/, RESNET_COURSE_MODE=fast unless set), one notebook at a time. A thread sums the resident memory (RSS)
of the kernel process and all its descendants every `--interval` seconds with psutil, and keeps the largest
sum: per notebook, and per cell, so the table names the cell where the peak happened. Nothing is written back
to the notebooks.

Printed: one row per notebook (peak MiB, the cell of the peak and its first line, wall seconds, over the
limit or not) and the machine's load before and after, since a loaded machine changes the wall times (not the
memory). `--json PATH` also writes the rows. Exits 0 whatever the peaks: a benchmark prints, tests assert.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
LIMIT_MIB = 1536  # 1.5 GiB, three quarters of Binder's 2 GiB: the budget per kernel
MIB = 2**20


class PeakSampler:
    """Samples the RSS of a process tree every `interval` seconds in a thread; keeps the overall and current peak."""

    def __init__(self, pid: int, interval: float):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0  # bytes, since start
        self.window_peak = 0  # bytes, since the last reset_window()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def tree_rss(self) -> int:
        """RSS of the root process plus all its descendants, in bytes (processes that just ended count 0)."""
        total = 0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            rss = self.tree_rss()
            self.peak = max(self.peak, rss)
            self.window_peak = max(self.window_peak, rss)
            self._stop.wait(self.interval)

    def reset_window(self) -> int:
        """Start a new window (one cell); return the peak of the window that ended, in bytes."""
        rss = self.tree_rss()
        ended, self.window_peak = max(self.window_peak, rss), rss
        self.peak = max(self.peak, rss)
        return ended

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith("#")]
    return (lines[0] if lines else source.strip())[:60]


def kernel_pid(client: NotebookClient) -> int:
    """The process id of the kernel that `client` started (jupyter_client's local provisioner)."""
    provisioner = client.km.provisioner
    process = getattr(provisioner, "process", None)
    if process is None:
        raise RuntimeError("the kernel was not started as a local process: its memory cannot be sampled")
    return process.pid


def measure(path: Path, interval: float, timeout: float) -> dict:
    """Run `path` top to bottom in a fresh kernel; return its peak memory, the cell of the peak and wall time."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    per_cell = []
    with client.setup_kernel():
        with PeakSampler(kernel_pid(client), interval) as sampler:
            sampler.reset_window()
            after_start = sampler.tree_rss()
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                per_cell.append((sampler.reset_window(), index, first_line(cell.source), sampler.tree_rss()))
            peak = sampler.peak
    peak_bytes, peak_cell, peak_line, _ = max(per_cell) if per_cell else (peak, None, "", 0)
    return {
        "notebook": path.name,
        "peak_mib": round(max(peak, peak_bytes) / MIB),
        "kernel_start_mib": round(after_start / MIB),
        "peak_cell": peak_cell,
        "peak_line": peak_line,
        "wall_s": round(time.perf_counter() - started, 1),
        "over_limit": max(peak, peak_bytes) / MIB > LIMIT_MIB,
        "cells": [{"cell": index, "peak_mib": round(top / MIB), "after_mib": round(after / MIB), "line": line}
                  for top, index, line, after in per_cell],
    }


def discover(patterns: list[str]) -> list[Path]:
    """The notebooks to measure: the given paths, or every course/*.ipynb in name order (new ones join)."""
    if patterns:
        return [Path(p).resolve() for p in patterns]
    return sorted(COURSE.glob("*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every course/*.ipynb")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples (default 0.1)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per cell (default 900)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--cells", action="store_true", help="also print every code cell's peak and what it left")
    args = parser.parse_args(argv)
    if not args.interval > 0:
        parser.error(f"--interval must be a number of seconds > 0; received {args.interval}")
    os.environ.setdefault("RESNET_COURSE_MODE", "fast")

    print(f"{platform.node()}: {os.cpu_count()} CPU cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"Python {platform.python_version()}; RESNET_COURSE_MODE={os.environ['RESNET_COURSE_MODE']}; "
          f"samples every {args.interval:g} s; limit {LIMIT_MIB:,} MiB (1.5 GiB)")
    print(f"{'notebook':<38}{'peak MiB':>9}{'at start':>9}{'wall s':>8}{'load':>12}  peak in cell")
    rows = []
    for path in discover(args.notebooks):
        load_before = os.getloadavg()[0]
        row = measure(path, args.interval, args.timeout)
        row["load_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        rows.append(row)
        flag = "  OVER 1.5 GiB" if row["over_limit"] else ""
        print(f"{row['notebook']:<38}{row['peak_mib']:>9,}{row['kernel_start_mib']:>9,}{row['wall_s']:>8.1f}"
              f"{row['load_before_after'][0]:>6.2f}/{row['load_before_after'][1]:<5.2f}"
              f"  {row['peak_cell']}: {row['peak_line']!r}{flag}", flush=True)
        if args.cells:
            for cell in row["cells"]:
                print(f"    cell {cell['cell']:>3}: peak {cell['peak_mib']:>6,} MiB, after {cell['after_mib']:>6,} MiB  "
                      f"{cell['line']!r}")
    over = [row["notebook"] for row in rows if row["over_limit"]]
    print(f"{len(rows) - len(over)} of {len(rows)} notebooks within 1.5 GiB" + (f"; over: {', '.join(over)}" if over else ""))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
