"""One cache root for every download: where it is, how it moves, where it falls back, and that the weights
and the datasets really share it."""

import tempfile
from pathlib import Path

import pytest

from resnet_widgets import io
from resnet_widgets.data import fetch_file
from resnet_widgets.models import weights as weights_module

from .helpers import md5_of, sha256_of

def test_the_root_is_the_argument_then_resnet_lab_cache_dir_then_keras_home_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RESNET_LAB_CACHE_DIR")
    monkeypatch.delenv("KERAS_HOME")
    assert io.cache_root() == tmp_path / "home" / ".keras"  # Keras' own default
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert io.cache_root() == tmp_path / "keras"
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(tmp_path / "lab"))
    assert io.cache_root() == tmp_path / "lab"
    assert io.cache_root(tmp_path / "explicit") == tmp_path / "explicit"


def test_a_root_that_cannot_be_created_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    assert io.cache_root() == tmp_path / "tmp" / ".keras"
    assert io.cache_file("w.h5", "models") == tmp_path / "tmp" / ".keras" / "models" / "w.h5"


def test_keras_own_cache_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert io.keras_cache_dirs("models")[0] == tmp_path / "keras" / "models"
    assert Path("/tmp/.keras/models") in io.keras_cache_dirs("models")  # where get_file falls back


def test_weights_and_datasets_are_downloaded_into_one_cache_root(isolated_cache, http_server, monkeypatch):
    served, base_url = http_server
    weights_file = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    (served / weights_file).write_bytes(b"weights")
    (served / "archive.tgz").write_bytes(b"archive")
    monkeypatch.setattr(weights_module, "BASE_URL", base_url)
    monkeypatch.setitem(weights_module.MD5, "resnet50", ("0" * 32, md5_of(b"weights")))

    weights = Path(weights_module.fetch_imagenet_weights("resnet50", include_top=False))
    dataset, _ = fetch_file({"name": "archive.tgz", "url": base_url + "archive.tgz", "sha256": sha256_of(b"archive")})

    assert weights == isolated_cache / "models" / weights_file
    assert dataset == isolated_cache / "datasets" / "archive.tgz"
    assert weights_module.cache_path(weights_file) == str(weights)  # the path the messages print


def test_a_download_leaves_only_the_verified_file_and_a_failed_one_leaves_nothing(isolated_cache, http_server):
    """pooch streams into a temporary file beside the target and renames it only once it matches."""
    served, base_url = http_server
    (served / "f.bin").write_bytes(b"payload")
    folder = isolated_cache / "datasets"

    path, _ = io.fetch(base_url + "f.bin", "f.bin", subdir="datasets", file_hash=sha256_of(b"payload"))
    assert sorted(p.name for p in folder.iterdir()) == ["f.bin"]
    assert path.read_bytes() == b"payload"

    with pytest.raises(io.DownloadError, match="failed its sha256 check"):
        io.fetch(base_url + "f.bin", "other.bin", subdir="datasets", file_hash=sha256_of(b"something else"))
    assert sorted(p.name for p in folder.iterdir()) == ["f.bin"]  # neither other.bin nor a temporary


def test_an_unknown_checksum_algorithm_is_refused_by_name():
    with pytest.raises(ValueError, match="algorithm must be one of 'sha256', 'md5'; received 'crc32'"):
        io.fetch("http://127.0.0.1:1/x", "x", subdir="datasets", file_hash="0", algorithm="crc32")
