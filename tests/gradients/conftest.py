"""Shared helpers for the gradient tests: a manual clock for the debouncer."""

import pytest


class ManualScheduler:
    """A scheduler for Debouncer whose time only moves when the test says so."""

    def __init__(self):
        self.now = 0.0
        self.queue = []  # [due, fn, handle]

    class Handle:
        def __init__(self):
            self.cancelled = False

        def cancel(self):
            self.cancelled = True

    def __call__(self, delay, fn):
        handle = self.Handle()
        self.queue.append([self.now + delay, fn, handle])
        return handle

    @property
    def live(self):
        return [entry for entry in self.queue if not entry[2].cancelled]

    def advance(self, seconds):
        """Move the clock and run every call that fell due, in order."""
        self.now += seconds
        due = sorted((e for e in self.live if e[0] <= self.now), key=lambda e: e[0])
        for entry in due:
            self.queue.remove(entry)
            if not entry[2].cancelled:
                entry[1]()


@pytest.fixture
def manual_scheduler():
    return ManualScheduler()
