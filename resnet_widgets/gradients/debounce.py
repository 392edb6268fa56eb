"""Debouncing: a burst of calls (a dragged slider) becomes one call, `wait` seconds after the last.

The clock is injectable: a scheduler is any callable (delay, fn) -> handle with .cancel(). The default
uses the running asyncio loop when there is one (inside a Jupyter kernel, so the work runs on the
kernel's own thread once it is idle) and a daemon threading.Timer otherwise (scripts, tests).
Tests pass a manual scheduler and decide when time passes.
"""

import asyncio
import threading

from .. import arguments


def schedule_later(delay, fn):
    """Run fn() after `delay` seconds: on the running asyncio loop if any, else on a timer thread."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        timer.start()
        return timer
    return loop.call_later(delay, fn)


class Debouncer:
    """Call `fn` once, `wait` seconds after the last of a burst of calls, with that last call's arguments.

    Args:
        fn: the function to call.
        wait: quiet seconds to wait for (>= 0).
        scheduler: callable (delay, fn) -> handle with .cancel(); default schedule_later.

    Raises:
        TypeError: wait is not a number.
        ValueError: wait is negative or not finite.
    """

    def __init__(self, fn, wait=0.3, scheduler=None):
        self.fn = fn
        self.wait = arguments.real_number("wait", wait, minimum=0, meaning="quiet seconds to wait for")
        self._schedule = scheduler or schedule_later
        self._lock = threading.Lock()
        self._handle = None
        self._token = 0  # which scheduled call is current; a superseded timer that fires anyway does nothing
        self._call = ((), {})

    def __call__(self, *args, **kwargs):
        with self._lock:
            self._call = (args, kwargs)
            if self._handle is not None:
                self._handle.cancel()
            self._token += 1
            token = self._token
            self._handle = self._schedule(self.wait, lambda: self._fire(token))

    @property
    def pending(self):
        """True while a call is scheduled and has not run."""
        return self._handle is not None

    def _take(self, token=None):
        with self._lock:
            if self._handle is None or (token is not None and token != self._token):
                return None
            self._handle = None
            return self._call

    def _fire(self, token):
        call = self._take(token)
        if call is not None:
            self.fn(*call[0], **call[1])

    def flush(self):
        """Run the pending call now, if there is one. Returns True if it ran."""
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
        call = self._take()
        if call is None:
            return False
        self.fn(*call[0], **call[1])
        return True

    def cancel(self):
        """Drop the pending call, if any."""
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = None
