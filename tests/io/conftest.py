"""Fixtures for the I/O layer's tests: a private cache, and hosts that misbehave on purpose, all on loopback."""

import socket
import threading

import pytest


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Every test gets its own cache root and an empty Keras cache; downloads are on; the default timeout."""
    root = tmp_path / "cache_root"
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(root))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_own_cache"))
    for variable in ("RESNET_LAB_OFFLINE", "RESNET_LAB_NETWORK_TIMEOUT", "RESNET_LAB_DATASETS_DIR"):
        monkeypatch.delenv(variable, raising=False)
    return root


class SilentHost:
    """A loopback port that accepts every connection and then never answers (or answers `first_bytes`, then
    nothing): a firewall that swallows packets, or a server that hangs mid-download. It records each connection,
    so a test can also prove that nothing connected at all."""

    def __init__(self, first_bytes=b""):
        self.first_bytes = first_bytes
        self.connections = []
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(connection)  # kept open, never read from: the client waits
            if self.first_bytes:
                connection.sendall(self.first_bytes)

    def url(self, name=""):
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/{name}"

    def close(self):
        self._stop.set()
        self._thread.join()
        for connection in self.connections:
            connection.close()
        self._listener.close()


@pytest.fixture
def silent_host():
    host = SilentHost()
    yield host
    host.close()


@pytest.fixture
def stalling_host():
    """Sends the headers of a 100 kB file and its first 1,000 bytes, then goes silent."""
    host = SilentHost(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
    yield host
    host.close()
