"""Fixtures for the training tests: fresh Keras sessions, and the data layer kept off the network."""

import pytest


@pytest.fixture(autouse=True)
def fresh_keras_session(monkeypatch, tmp_path):
    """Downloads off and a private cache root for each test; a clean Keras session afterwards."""
    import keras

    monkeypatch.setenv("RESNET_LAB_OFFLINE", "1")
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(tmp_path / "cache"))
    yield
    keras.backend.clear_session()
