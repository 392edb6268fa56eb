"""Fixtures shared by every test folder."""

import functools
import http.server
import os
import threading

import pytest

# TensorFlow's C++ start-up chatter says nothing about our code; keep test logs readable.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(tmp_path):
    """A loopback HTTP server serving a fresh folder: `(folder, base_url)`. Stands in for a download host."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_url():
    """A loopback URL where nothing listens: what a download sees when the machine is offline."""
    from .ports import free_port

    return f"http://127.0.0.1:{free_port()}/"
