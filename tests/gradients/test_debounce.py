"""The debouncer turns a burst of calls into one call with the last arguments."""

import threading
import time

import pytest

from resnet_widgets.gradients.debounce import Debouncer


def test_a_burst_of_calls_runs_once_with_the_last_arguments(manual_scheduler):
    calls = []
    debounced = Debouncer(calls.append, wait=0.3, scheduler=manual_scheduler)
    for value in range(100):
        debounced(value)
        manual_scheduler.advance(0.01)  # each call comes before the previous one's wait ran out
    assert calls == []
    assert debounced.pending
    manual_scheduler.advance(0.3)
    assert calls == [99]
    assert not debounced.pending


def test_calls_further_apart_than_the_wait_each_run(manual_scheduler):
    calls = []
    debounced = Debouncer(calls.append, wait=0.3, scheduler=manual_scheduler)
    debounced("a")
    manual_scheduler.advance(0.5)
    debounced("b")
    manual_scheduler.advance(0.5)
    assert calls == ["a", "b"]


def test_flush_runs_the_pending_call_now_and_only_once(manual_scheduler):
    calls = []
    debounced = Debouncer(calls.append, wait=10, scheduler=manual_scheduler)
    debounced(1)
    debounced(2)
    assert debounced.flush() is True
    assert calls == [2]
    manual_scheduler.advance(20)
    assert calls == [2]
    assert debounced.flush() is False


def test_cancel_drops_the_pending_call(manual_scheduler):
    calls = []
    debounced = Debouncer(calls.append, wait=0.3, scheduler=manual_scheduler)
    debounced(1)
    debounced.cancel()
    manual_scheduler.advance(1)
    assert calls == [] and not debounced.pending


def test_a_superseded_timer_that_fires_anyway_does_nothing():
    # A threading.Timer can be past its cancel() check when a new call arrives; it must not run early.
    fired = []
    scheduled = []
    debounced = Debouncer(fired.append, wait=1, scheduler=lambda delay, fn: scheduled.append(fn) or _NoCancel())
    debounced("old")
    debounced("new")
    scheduled[0]()  # the first timer fires although it was superseded
    assert fired == []
    scheduled[1]()
    assert fired == ["new"]


class _NoCancel:
    def cancel(self):
        pass


def test_without_an_event_loop_a_timer_thread_runs_the_call_once():
    done = threading.Event()
    calls = []

    def record(value):
        calls.append(value)
        done.set()

    debounced = Debouncer(record, wait=0.05)

    def burst():
        for value in range(100):
            debounced(value)

    # A fresh thread has no running event loop, whatever the test session left in the main thread.
    caller = threading.Thread(target=burst)
    caller.start()
    caller.join()
    assert done.wait(5), "the debounced call never ran"
    time.sleep(0.2)  # room for any stray second call to show up
    assert calls == [99]


def test_negative_wait_is_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="wait"):
        Debouncer(print, wait=-1)
