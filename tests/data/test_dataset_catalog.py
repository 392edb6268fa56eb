"""The catalog in datasets/catalog/ is the one source of truth for URLs, checksums, licenses and classes."""

import json
import re

import pytest

from resnet_widgets.data import catalog, catalog_entry, dataset_names

def test_catalog_lists_fashion_mnist_tf_flowers_and_folder():
    assert dataset_names() == ["fashion_mnist", "folder", "tf_flowers"]


@pytest.mark.parametrize("name", ["fashion_mnist", "tf_flowers"])
def test_downloadable_entries_have_license_citation_and_checksummed_files(name):
    entry = catalog_entry(name)
    assert entry["license"]["name"] and entry["license"]["url"].startswith("https://")
    assert entry["citation"] and entry["bibtex"].startswith("@")
    assert entry["class_names"] and entry["description"] and entry["prepare"]
    for record in entry["files"]:
        assert record["url"].startswith("https://")
        assert re.fullmatch(r"[0-9a-f]{64}", record["sha256"])
        assert isinstance(record["size"], int) and record["size"] > 0


def test_tf_flowers_entry_matches_the_published_archive():
    entry = catalog_entry("tf_flowers")
    (archive,) = entry["files"]
    assert archive["url"] == "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
    assert archive["size"] == 228_813_984
    assert archive["sha256"] == "4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c"
    assert entry["class_names"] == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    assert entry["num_examples"]["all"] == 3670 and entry["license"]["name"] == "CC-BY-2.0"
    assert "LICENSE.txt" in entry["license"]["credits"]


def test_fashion_mnist_entry_matches_keras_datasets():
    entry = catalog_entry("fashion_mnist")
    base = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    assert [r["url"] for r in entry["files"]] == [base + r["name"] for r in entry["files"]]
    assert entry["sources"]["keras_cache"]["subdir"] == "datasets/fashion-mnist"  # where keras.datasets writes
    assert entry["license"] == {"name": "MIT", "holder": "Zalando SE",
                                "url": "https://github.com/zalandoresearch/fashion-mnist/blob/master/LICENSE"}


def test_malformed_entry_is_named(test_catalog):
    broken = test_catalog.entry("tf_flowers")
    del broken["license"]
    (test_catalog.root / "catalog" / "tf_flowers.json").write_text(json.dumps(broken))
    with pytest.raises(ValueError, match=r"tf_flowers.json lacks license"):
        catalog()


def test_missing_catalog_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="RESNET_LAB_DATASETS_DIR"):
        catalog()
