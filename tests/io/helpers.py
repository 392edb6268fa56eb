"""Helpers for the I/O tests."""

import concurrent.futures
import hashlib
import time


def call_or_report_a_hang(function, *args, hang_after_s=60, **kwargs):
    """Run `function` in a worker thread and return what it returns, re-raise what it raises.

    Not a timing assertion: the timeouts under test are a fraction of a second, and this limit only turns a
    missing timeout (a download that would wait forever) into a failed test instead of a stuck test run.
    """
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(function, *args, **kwargs)
    try:
        return future.result(timeout=hang_after_s)
    except concurrent.futures.TimeoutError:
        message = f"{function.__name__} was still waiting after {hang_after_s} s: no timeout applied"
        raise AssertionError(message) from None
    finally:
        pool.shutdown(wait=False)


def wait_for_connections(host, count, patience_s=5.0):
    """The host's connections once it has recorded `count` of them (its accept loop runs in a thread)."""
    deadline = time.monotonic() + patience_s
    while len(host.connections) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return host.connections


def md5_of(data):
    return hashlib.md5(data).hexdigest()


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()
