"""Fashion-MNIST is looked for in order: Debian's package, the Keras cache, a verified download, the
committed subset. Each test makes each source present or absent without touching the real system."""

import hashlib
import os
import shutil

import numpy as np
import pytest

from resnet_widgets.data import DataUnavailableError, load_dataset, select_classes
from resnet_widgets.io import cache_root

from .datafiles import FASHION_NAMES, REPO_DATASETS, write_fashion_files

DEBIAN = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


@pytest.fixture
def debian_copy(tmp_path, monkeypatch):
    """Where a stand-in for Debian's package is written (the test fills it)."""
    folder = tmp_path / "debian"
    monkeypatch.setenv("RESNET_LAB_FASHION_MNIST_DIR", str(folder))
    return folder


def keras_cache():
    return cache_root() / "datasets" / "fashion-mnist"


def marker_of(ds):
    return int(ds.x_train[0, 0, 0, 0])


def test_debian_copy_comes_first(debian_copy):
    write_fashion_files(debian_copy, marker=1)
    write_fashion_files(keras_cache(), marker=2)

    ds = load_dataset("fashion_mnist")

    assert (ds.source, ds.source_path, marker_of(ds)) == ("debian", str(debian_copy), 1)
    assert ds.notes == ()


def test_keras_cache_is_next(no_debian):
    arrays = write_fashion_files(keras_cache(), marker=2, n_train=30, n_val=10)

    ds = load_dataset("fashion_mnist")

    assert (ds.source, ds.source_path, marker_of(ds)) == ("keras-cache", str(keras_cache()), 2)
    np.testing.assert_array_equal(ds.x_train[..., 0], arrays["train_images"])
    np.testing.assert_array_equal(ds.y_val, arrays["validation_labels"])
    assert ds.notes[0].startswith(f"debian: absent ({no_debian} lacks train-images-idx3-ubyte.gz")


@pytest.fixture
def served_fashion(tmp_path, loopback, test_catalog, monkeypatch):
    """Fashion-like files on a loopback server, and a catalog whose URLs and sha256 point at them."""
    write_fashion_files(tmp_path / "mirror", marker=3)
    entry = test_catalog.entry("fashion_mnist")
    for record in entry["files"]:
        data = (tmp_path / "mirror" / record["name"]).read_bytes()
        loopback.routes[record["name"]] = [data]
        record.update(url=loopback.url(record["name"]), sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    test_catalog.save(entry)
    monkeypatch.delenv("RESNET_LAB_OFFLINE")
    return loopback


def test_download_when_no_local_copy_then_keras_cache(no_debian, served_fashion):
    ds = load_dataset("fashion_mnist")

    assert (ds.source, marker_of(ds)) == ("download", 3)
    assert ds.source_path == served_fashion.url("")
    assert sorted(p.name for p in keras_cache().iterdir()) == sorted(FASHION_NAMES.values())
    assert sum(served_fashion.hits.values()) == 4

    again = load_dataset("fashion_mnist")
    assert (again.source, marker_of(again)) == ("keras-cache", 3)
    assert sum(served_fashion.hits.values()) == 4  # not downloaded twice


def test_keras_datasets_reads_the_files_our_download_wrote(no_debian, served_fashion, monkeypatch):
    ds = load_dataset("fashion_mnist")

    import keras
    from keras.src.backend import config

    monkeypatch.setattr(config, "keras_home", lambda: str(cache_root()))
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()  # finds them, no download

    np.testing.assert_array_equal(x_train, ds.x_train[..., 0])
    np.testing.assert_array_equal(y_test, ds.y_val)
    assert sum(served_fashion.hits.values()) == 4


def test_damaged_download_is_passed_over_for_the_committed_subset(no_debian, served_fashion):
    name = FASHION_NAMES["train_images"]
    served_fashion.routes[name] = [served_fashion.routes[name][0][:1000]]  # cut short, every time

    ds = load_dataset("fashion_mnist")

    assert ds.source == "committed-subset"
    assert any(note.startswith("download: failed (could not fetch Fashion-MNIST's train-images") for note in ds.notes)
    assert not (keras_cache() / name).exists()


def test_committed_subset_when_offline_with_nothing_installed(no_debian, closed_url, test_catalog, monkeypatch):
    entry = test_catalog.entry("fashion_mnist")
    for record in entry["files"]:
        record["url"] = closed_url
    test_catalog.save(entry)
    monkeypatch.delenv("RESNET_LAB_OFFLINE")

    ds = load_dataset("fashion_mnist")

    assert ds.source == "committed-subset"
    assert [note.split(":")[0] for note in ds.notes] == ["debian", "keras-cache", "download"]
    assert closed_url in ds.notes[2] and "looks offline" in ds.notes[2]


def test_damaged_debian_copy_is_passed_over_with_a_note(debian_copy):
    write_fashion_files(debian_copy, marker=1)
    images = debian_copy / FASHION_NAMES["train_images"]
    images.write_bytes(images.read_bytes()[:-100])  # a truncated gzip stream
    write_fashion_files(keras_cache(), marker=2)

    ds = load_dataset("fashion_mnist")

    assert (ds.source, marker_of(ds)) == ("keras-cache", 2)
    assert ds.notes[0].startswith("debian: damaged (") and str(images) in ds.notes[0]


def test_no_source_at_all_is_a_clear_error(no_debian, tmp_path, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(tmp_path / "bare"))
    shutil.copytree(REPO_DATASETS / "catalog", tmp_path / "bare" / "catalog")  # a catalog, but no subset

    with pytest.raises(DataUnavailableError) as caught:
        load_dataset("fashion_mnist")

    message = str(caught.value)
    for source in ("debian: absent", "keras-cache: absent", "download: skipped (RESNET_LAB_OFFLINE",
                   "committed-subset: absent"):
        assert source in message
    assert "dataset-fashion-mnist" in message


@pytest.mark.skipif(not os.path.isdir(DEBIAN), reason="Debian's dataset-fashion-mnist is missing (CI installs it)")
def test_installed_debian_package_gives_the_full_set():
    ds = load_dataset("fashion_mnist")

    assert (ds.source, ds.source_path) == ("debian", DEBIAN)
    assert ds.x_train.shape == (60000, 28, 28, 1) and ds.x_val.shape == (10000, 28, 28, 1)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == [6000] * 10 and np.bincount(ds.y_val).tolist() == [1000] * 10
    assert ds.class_names == CLASS_NAMES


def test_classes_split_into_pretraining_and_transfer_halves(no_debian):
    pretrain = load_dataset("fashion_mnist", classes=range(5))
    transfer = load_dataset("fashion_mnist", classes=range(5, 10))
    full = load_dataset("fashion_mnist")

    assert pretrain.class_names == CLASS_NAMES[:5] and transfer.class_names == CLASS_NAMES[5:]
    assert sorted(set(transfer.y_train.tolist())) == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(transfer.x_train, full.x_train[full.y_train >= 5])
    np.testing.assert_array_equal(transfer.y_train, full.y_train[full.y_train >= 5] - 5)
    helper = select_classes(full, range(5, 10))
    np.testing.assert_array_equal(helper.x_val, transfer.x_val)
    assert helper.class_names == transfer.class_names and helper.source == full.source


def test_classes_by_name_keep_the_order_given(no_debian):
    ds = load_dataset("fashion_mnist", classes=["Bag", "Sneaker"])
    full = load_dataset("fashion_mnist")
    assert ds.class_names == ["Bag", "Sneaker"]
    np.testing.assert_array_equal(ds.y_train, np.where(full.y_train[np.isin(full.y_train, [7, 8])] == 8, 0, 1))


def test_limit_is_stratified_seeded_and_deterministic(no_debian):
    ds = load_dataset("fashion_mnist", limit=100)
    again = load_dataset("fashion_mnist", limit=100)
    other = load_dataset("fashion_mnist", limit=100, seed=1)

    assert len(ds.y_train) == 100 and len(ds.y_val) == 100
    assert np.bincount(ds.y_train).tolist() == [10] * 10 and np.bincount(ds.y_val).tolist() == [10] * 10
    np.testing.assert_array_equal(ds.x_train, again.x_train)
    assert not np.array_equal(ds.x_train, other.x_train)


def test_image_size_gives_resized_rgb(no_debian):
    ds = load_dataset("fashion_mnist", image_size=(32, 40), limit=20)
    gray = load_dataset("fashion_mnist", limit=20)

    assert ds.x_train.shape == (20, 32, 40, 3) and ds.x_train.dtype == np.uint8
    np.testing.assert_array_equal(ds.x_train[..., 0], ds.x_train[..., 2])  # gray repeated into RGB
    assert abs(float(ds.x_train.mean()) - float(gray.x_train.mean())) < 3  # same pictures, resized


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"name": "imagenet"}, ValueError,
         r"^name must be one of 'fashion_mnist', 'folder', 'tf_flowers' .*; received name='imagenet'$"),
        ({"split": 0.2}, ValueError,
         r"^split must be one of None, 'official' \(fashion_mnist's official test set is the validation set\)"),
        ({"image_size": (0, 32)}, ValueError, r"^image_size must be at least 1 pixel on each side; received"),
        ({"image_size": "224"}, TypeError, r"^image_size must be an integer or a \(height, width\) pair of integers"),
        ({"limit": 0}, ValueError, r"^limit must be an integer >= 1 \(examples per split\); received limit=0$"),
        ({"limit": True}, TypeError, r"^limit must be an integer >= 1 .*; received limit=True$"),
        ({"seed": 1.5}, TypeError, r"^seed must be an integer >= 0 .*; received seed=1.5$"),
        ({"seed": -1}, ValueError, r"^seed must be an integer >= 0 .*; received seed=-1$"),
        ({"classes": ["Hat"]}, ValueError,
         r"^classes must be one of 'T-shirt/top', 'Trouser', .*received classes='Hat'"),
        ({"classes": [10]}, ValueError, r"^classes must be an integer from 0 to 9 .*; received classes=10$"),
        ({"classes": [1, "Trouser"]}, ValueError, "classes: 'Trouser' is given twice"),
        ({"classes": []}, ValueError, "classes must name at least one class"),
        ({"classes": [1.0]}, TypeError, r"^classes must be an integer from 0 to 9 .*; received classes=1.0$"),
        ({"classes": 2.5}, TypeError, r"^classes must be None, or class names and/or indices"),
        ({"path": "photos"}, ValueError, "path is only for load_dataset"),
    ],
)
def test_bad_arguments_are_named(no_debian, kwargs, error, match):
    kwargs = {"name": "fashion_mnist", **kwargs}
    with pytest.raises(error, match=match):
        load_dataset(**kwargs)
