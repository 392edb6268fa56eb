"""Every request carries a timeout: a host that accepts and then never answers fails the download, for the
ImageNet weights and for the datasets alike, and nothing is left under the final name."""

import socket

import pytest

from resnet_widgets import io
from resnet_widgets.data import DownloadError, fetch_file, load_dataset
from resnet_widgets.models import WeightsUnavailableError
from resnet_widgets.models import weights as weights_module

from .helpers import call_or_report_a_hang, sha256_of, wait_for_connections

TIMEOUT_S = 0.5


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setenv("RESNET_LAB_NETWORK_TIMEOUT", str(TIMEOUT_S))

    def forbidden(*args):
        raise AssertionError("socket.setdefaulttimeout changes every thread's sockets; pass a timeout per request")

    monkeypatch.setattr(socket, "setdefaulttimeout", forbidden)


def test_a_silent_host_fails_the_weights_download_within_the_timeout(silent_host, isolated_cache, monkeypatch):
    monkeypatch.setattr(weights_module, "BASE_URL", silent_host.url())

    with pytest.raises(WeightsUnavailableError) as caught:
        call_or_report_a_hang(weights_module.fetch_imagenet_weights, "resnet50", True)

    message = str(caught.value)
    assert f"sent nothing for {TIMEOUT_S:g} s" in message and "RESNET_LAB_NETWORK_TIMEOUT" in message
    assert str(isolated_cache / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels.h5") in message
    assert len(wait_for_connections(silent_host, 2)) == 2  # the reachability probe, then one download: no retry
    assert not (isolated_cache / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels.h5").exists()


def test_a_silent_host_fails_a_dataset_download_within_the_timeout(silent_host, isolated_cache):
    record = {"name": "archive.tgz", "url": silent_host.url("archive.tgz"), "sha256": "0" * 64}

    with pytest.raises(DownloadError) as caught:
        call_or_report_a_hang(fetch_file, record, what="the test archive")

    assert f"sent nothing for {TIMEOUT_S:g} s" in str(caught.value)
    assert caught.value.path == str(isolated_cache / "datasets" / "archive.tgz")
    assert len(wait_for_connections(silent_host, 2)) == 2


def test_a_host_that_stalls_mid_download_leaves_nothing_behind(stalling_host, isolated_cache):
    record = {"name": "archive.tgz", "url": stalling_host.url("archive.tgz"), "sha256": "0" * 64}

    with pytest.raises(DownloadError, match="timed out"):
        call_or_report_a_hang(fetch_file, record)

    folder = isolated_cache / "datasets"
    assert sorted(p.name for p in folder.iterdir()) == []  # neither the file nor its temporary part


def test_fashion_mnist_falls_back_to_the_committed_subset_when_the_host_is_silent(silent_host, tmp_path,
                                                                                  monkeypatch):
    from tests.data.datafiles import CatalogCopy

    catalog = CatalogCopy(tmp_path / "datasets")
    entry = catalog.entry("fashion_mnist")
    for record in entry["files"]:
        record["url"] = silent_host.url(record["name"])
    catalog.save(entry)
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(catalog.root))
    monkeypatch.setenv("RESNET_LAB_FASHION_MNIST_DIR", str(tmp_path / "no-debian-package"))

    ds = call_or_report_a_hang(load_dataset, "fashion_mnist")

    assert ds.source == "committed-subset"
    download_note = next(note for note in ds.notes if note.startswith("download:"))
    assert f"sent nothing for {TIMEOUT_S:g} s" in download_note


def test_a_download_within_the_timeout_is_not_cut(isolated_cache, http_server):
    """The control: the same short timeout lets a host that answers deliver the whole file."""
    served, base_url = http_server
    data = b"weights " * 50_000
    (served / "w.h5").write_bytes(data)

    path, downloaded = io.fetch(base_url + "w.h5", "w.h5", subdir="models", file_hash=sha256_of(data))

    assert downloaded and path.read_bytes() == data


@pytest.mark.parametrize("setting", ["soon", "0", "-5", "inf"])
def test_a_bad_timeout_setting_is_refused_by_name(setting, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_NETWORK_TIMEOUT", setting)
    with pytest.raises(ValueError, match=f"RESNET_LAB_NETWORK_TIMEOUT must be a number of seconds > 0.*'{setting}'"):
        io.network_timeout()
