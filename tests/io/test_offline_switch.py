"""RESNET_LAB_OFFLINE=1 refuses every download, weights and data, before any connection is opened (a host
that records connections proves it), and still serves what is already in the cache."""

import pytest

from resnet_lab import environment
from resnet_widgets import io
from resnet_widgets.data import DownloadError, fetch_file, load_dataset
from resnet_widgets.models import WeightsUnavailableError
from resnet_widgets.models import weights as weights_module

from .helpers import call_or_report_a_hang, sha256_of, wait_for_connections

@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("RESNET_LAB_OFFLINE", "1")


def test_offline_refuses_the_weights_without_a_connection(offline, silent_host, isolated_cache, monkeypatch):
    monkeypatch.setattr(weights_module, "BASE_URL", silent_host.url())

    with pytest.raises(WeightsUnavailableError) as caught:
        weights_module.fetch_imagenet_weights("resnet50v2", False)

    message = str(caught.value)
    assert "RESNET_LAB_OFFLINE is set" in message
    assert silent_host.url("resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5") in message
    assert weights_module.MD5["resnet50v2"][1] in message
    assert str(isolated_cache / "models" / "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5") in message
    assert silent_host.connections == []


def test_offline_refuses_a_dataset_without_a_connection(offline, silent_host, tmp_path, monkeypatch):
    from tests.data.datafiles import CatalogCopy

    catalog = CatalogCopy(tmp_path / "datasets")
    entry = catalog.entry("tf_flowers")
    entry["files"][0]["url"] = silent_host.url(entry["files"][0]["name"])
    catalog.save(entry)
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(catalog.root))

    with pytest.raises(DownloadError, match="RESNET_LAB_OFFLINE is set"):
        load_dataset("tf_flowers", image_size=32)
    with pytest.raises(DownloadError, match="RESNET_LAB_OFFLINE is set"):
        fetch_file({"name": "x.bin", "url": silent_host.url("x.bin"), "sha256": "0" * 64})
    assert silent_host.connections == []


def test_the_same_calls_do_connect_when_the_switch_is_off(silent_host, monkeypatch):
    """The control for the two tests above: the recording host does see these calls when they are allowed."""
    monkeypatch.setenv("RESNET_LAB_NETWORK_TIMEOUT", "0.2")
    monkeypatch.setattr(weights_module, "BASE_URL", silent_host.url())

    with pytest.raises(WeightsUnavailableError):
        call_or_report_a_hang(weights_module.fetch_imagenet_weights, "resnet50v2", False)
    with pytest.raises(DownloadError):
        call_or_report_a_hang(fetch_file, {"name": "x.bin", "url": silent_host.url("x.bin"), "sha256": "0" * 64})
    assert len(wait_for_connections(silent_host, 4)) == 4


def test_offline_still_serves_a_verified_file_from_the_cache(offline, silent_host, isolated_cache):
    data = b"placed by hand"
    placed = io.cache_file("by_hand.bin", "datasets")
    placed.parent.mkdir(parents=True)
    placed.write_bytes(data)

    path, downloaded = io.fetch(silent_host.url("by_hand.bin"), "by_hand.bin", subdir="datasets",
                                file_hash=sha256_of(data))

    assert (path, downloaded) == (placed, False)
    assert silent_host.connections == []


def test_offline_environment_report_does_not_probe_the_network(offline, silent_host, monkeypatch):
    port = int(silent_host.url().rsplit(":", 1)[1].strip("/"))
    monkeypatch.setattr(environment, "WEIGHTS_HOST", ("127.0.0.1", port))
    monkeypatch.setattr(environment.is_online, "__defaults__", (("127.0.0.1", port), 2.0))

    report = environment.environment_report(check_network=True)

    assert report["online"] is None and report["offline"] is True
    assert "downloads are turned off (RESNET_LAB_OFFLINE is set)" in environment.format_report(report)
    assert silent_host.connections == []
