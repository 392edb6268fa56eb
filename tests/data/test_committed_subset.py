"""The committed Fashion-MNIST subset: real data in a fresh clone with no network and no system package."""

import os
import subprocess
import sys

import numpy as np
import pytest

from resnet_widgets.data import DataUnavailableError, catalog_entry, load_dataset
from resnet_widgets.io import file_digest
from resnet_widgets.data.selection import stratified_take

from .datafiles import REPO_DATASETS

SUBSET = REPO_DATASETS / "fashion_mnist_subset"
DEBIAN = "/usr/share/datasets/fashion-mnist"


def test_fresh_clone_loads_fashion_mnist_from_the_committed_subset(no_debian):
    ds = load_dataset("fashion_mnist")

    assert (ds.source, ds.source_path) == ("committed-subset", str(SUBSET))
    assert ds.x_train.shape == (5000, 28, 28, 1) and ds.x_val.shape == (1000, 28, 28, 1)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == [500] * 10 and np.bincount(ds.y_val).tolist() == [100] * 10
    assert ds.class_names[0] == "T-shirt/top" and len(ds.class_names) == 10
    assert 50 < ds.x_train.mean() < 100  # real clothes on black, not zeros or noise (Fashion-MNIST's mean is ~73)


def test_subset_is_small_licensed_and_cited():
    sizes = sum(path.stat().st_size for path in SUBSET.iterdir())
    assert sizes < 4_000_000
    license_text = (SUBSET / "LICENSE").read_text()
    assert "The MIT License" in license_text and "Zalando SE" in license_text
    assert "arXiv" in (SUBSET / "CITATION.bib").read_text() and "1708.07747" in (SUBSET / "CITATION.bib").read_text()


def test_subset_files_match_the_catalog_checksums():
    records = catalog_entry("fashion_mnist")["sources"]["committed_subset"]["files"]
    assert len(records) == 4
    for record in records:
        path = SUBSET / record["name"]
        assert (path.stat().st_size, file_digest(path)) == (record["size"], record["sha256"])


def test_damaged_subset_is_refused(no_debian, test_catalog, tmp_path):
    (test_catalog.root / "fashion_mnist_subset").unlink()
    copy = test_catalog.root / "fashion_mnist_subset"
    copy.mkdir()
    for path in SUBSET.glob("*.gz"):
        (copy / path.name).write_bytes(path.read_bytes())
    damaged = copy / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))

    expected = r"committed-subset: damaged \(.*t10k-labels-idx1-ubyte.gz fails its sha256"
    with pytest.raises(DataUnavailableError, match=expected):
        load_dataset("fashion_mnist")


@pytest.mark.skipif(not os.path.isdir(DEBIAN), reason="Debian's dataset-fashion-mnist is missing (CI installs it)")
def test_subset_is_the_seeded_stratified_pick_from_debian(monkeypatch):
    full = load_dataset("fashion_mnist")
    monkeypatch.setenv("RESNET_LAB_FASHION_MNIST_DIR", "/nonexistent")
    subset = load_dataset("fashion_mnist")
    recipe = catalog_entry("fashion_mnist")["sources"]["committed_subset"]

    train = stratified_take(full.y_train, 10 * recipe["per_class"]["train"], seed=recipe["seed"])
    val = stratified_take(full.y_val, 10 * recipe["per_class"]["validation"], seed=recipe["seed"])

    assert full.source == "debian" and subset.source == "committed-subset"
    np.testing.assert_array_equal(subset.x_train, full.x_train[train])
    np.testing.assert_array_equal(subset.y_train, full.y_train[train])
    np.testing.assert_array_equal(subset.x_val, full.x_val[val])
    np.testing.assert_array_equal(subset.y_val, full.y_val[val])


def test_make_subset_script_documents_how_to_run_it():
    result = subprocess.run([sys.executable, str(SUBSET / "make_subset.py"), "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "--source" in result.stdout
