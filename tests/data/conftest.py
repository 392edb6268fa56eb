"""Fixtures for the data-layer tests. Nothing here reaches the network or touches ~/.keras."""

import pytest

from .datafiles import CatalogCopy, LoopbackServer


@pytest.fixture(autouse=True)
def isolated_data_home(tmp_path, monkeypatch):
    """Every test gets its own cache root, and downloads are off unless a test turns them on.

    RESNET_LAB_CACHE_DIR, not KERAS_HOME: Keras reads KERAS_HOME once, at import, and a test must not
    leave a worker's Keras pointing into its temporary folder.
    """
    home = tmp_path / "keras-home"
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(home))
    monkeypatch.setenv("RESNET_LAB_OFFLINE", "1")
    monkeypatch.delenv("RESNET_LAB_DATASETS_DIR", raising=False)
    return home


@pytest.fixture
def no_debian(tmp_path, monkeypatch):
    """Pretend Debian's dataset-fashion-mnist is not installed."""
    missing = tmp_path / "no-debian-package"
    monkeypatch.setenv("RESNET_LAB_FASHION_MNIST_DIR", str(missing))
    return missing


@pytest.fixture
def test_catalog(tmp_path, monkeypatch):
    """A copy of the catalog the package reads instead of datasets/ (RESNET_LAB_DATASETS_DIR)."""
    catalog = CatalogCopy(tmp_path / "datasets")
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(catalog.root))
    return catalog


@pytest.fixture
def loopback():
    server = LoopbackServer()
    yield server
    server.close()
