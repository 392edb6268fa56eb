"""Talking to the network without hanging: a reachability probe and the one timeout every request uses.

The timeout is given to each request (`urlopen(..., timeout=...)`, `create_connection(..., timeout=...)`),
never set process-wide with socket.setdefaulttimeout, which would change every socket of every thread in
the kernel (a Jupyter kernel's own, a widget's, the learner's).
"""

import os
import socket
import threading
import urllib.parse

TIMEOUT_VARIABLE = "RESNET_LAB_NETWORK_TIMEOUT"
DEFAULT_TIMEOUT_S = 60.0  # a download may stall this long between two packets before it is given up
CONNECT_TIMEOUT_S = 10.0  # an offline machine should fall back to local data in seconds, not minutes


def network_timeout():
    """Seconds a connection may stay silent: $RESNET_LAB_NETWORK_TIMEOUT, else 60.

    Raises:
        ValueError: the variable is set to something other than a positive number.
    """
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(
            f"{TIMEOUT_VARIABLE} must be a number of seconds > 0 (how long a download may stall); "
            f"received {TIMEOUT_VARIABLE}={text!r}"
        )
    return seconds


def can_connect(host, port, timeout):
    """(True, "") when a TCP connection to host:port opens within `timeout` seconds, else (False, why).

    Name resolution has no timeout of its own and can hang far longer than a connect on a closed network,
    so the attempt runs in a daemon thread that is abandoned after `timeout`. It only connects and closes,
    so an abandoned attempt changes nothing.
    """
    outcome = []

    def attempt():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append((True, ""))
        except Exception as error:  # DNS failure, refused, timeout, or a sandbox that blocks sockets
            outcome.append((False, f"{type(error).__name__}: {error}"))

    thread = threading.Thread(target=attempt, name=f"resnet-lab-probe-{host}", daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else (False, f"no answer within {timeout:g} s")


def unreachable_reason(url, timeout=None):
    """Why the host of `url` cannot be reached, in words, or None (also for non-HTTP URLs such as file://).

    Args:
        url: the URL a download is about to fetch.
        timeout: seconds to wait; None means the shorter of 10 s and network_timeout().
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = min(CONNECT_TIMEOUT_S, network_timeout()) if timeout is None else timeout
    ok, why = can_connect(parts.hostname, port, timeout)
    if ok:
        return None
    return f"cannot reach {parts.hostname}:{port}, so this machine looks offline ({why})"
