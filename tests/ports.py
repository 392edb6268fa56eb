"""Loopback ports for the servers the tests start (JupyterLab, the hub and its proxy) and for a closed URL."""

from __future__ import annotations

import contextlib
import socket


def free_ports(count: int = 1) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listens on at the moment of the call.

    All the sockets are held open until every port is drawn, so two ports of one call never coincide (drawn one
    after another, the system may hand back a port it has just released). A server started later may still
    lose its port to another process; the tests that start servers report that as a start-up failure.
    """
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def free_port() -> int:
    """One TCP port on 127.0.0.1 that nothing listens on at the moment of the call."""
    return free_ports(1)[0]
