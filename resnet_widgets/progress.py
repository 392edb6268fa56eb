"""One progress line for a long computation: updated in place in a notebook, printed now and then elsewhere.

A cell that runs for more than a few seconds should say what it is doing. In a notebook the line is one
display output, replaced as work advances (no clear_output, so the rest of the cell's output stays); the
saved notebook keeps its last state. In a terminal or a script, a line is printed at most every
`print_every` seconds, and always at the end.
"""

from __future__ import annotations

import time
import uuid


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class ProgressLine:
    """`done` of `total` units of work, with the time spent and an estimate of the time left.

    Args:
        total: units of work in all (>= 1), e.g. training epochs summed over runs.
        label: what the work is, shown first.
        print_every: outside a notebook, seconds between printed lines.
        clock: seconds as a float (tests inject their own).
    """

    def __init__(self, total, label, print_every=10.0, clock=time.perf_counter):
        self.total, self.label, self.print_every, self.clock = max(1, int(total)), label, print_every, clock
        self.done, self.note = 0, ""
        self.started = self.clock()
        self._printed = self.started
        self._notebook = _in_notebook()
        self._display_id = uuid.uuid4().hex if self._notebook else None
        if self._notebook:
            from IPython.display import display

            display({"text/plain": self.text()}, raw=True, display_id=self._display_id)

    def text(self):
        elapsed = self.clock() - self.started
        line = f"{self.label}: {self.done}/{self.total} ({self.done / self.total:.0%}), {elapsed:.0f} s"
        if 0 < self.done < self.total:
            line += f", about {elapsed / self.done * (self.total - self.done):.0f} s left"
        return line + (f" · {self.note}" if self.note else "")

    def advance(self, units=1, note=""):
        """Count `units` more units as done; `note` (e.g. the run in progress) is shown after the figures."""
        self.done = min(self.total, self.done + units)
        self.note = note
        now = self.clock()
        if self._notebook:
            from IPython.display import update_display

            update_display({"text/plain": self.text()}, raw=True, display_id=self._display_id)
        elif self.done == self.total or now - self._printed >= self.print_every:
            self._printed = now
            print(self.text(), flush=True)
