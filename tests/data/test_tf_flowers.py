"""tf_flowers end to end, on a test-made archive served from 127.0.0.1 through a test catalog: verified
download, safe extraction, image-folder decoding, cache. The real archive is 229 MB and never fetched here."""

import hashlib
import io
import tarfile

import numpy as np
import pytest

from resnet_widgets.data import DownloadError, UnsafeArchiveError, load_dataset
from resnet_widgets.io import cache_root

from .datafiles import jpeg_bytes

CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]


def flower_archive(extra=()):
    """A flower_photos.tgz laid out like the official one: 4 photos per class, LICENSE.txt, one broken JPEG."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))

        add("flower_photos/LICENSE.txt", b"All images in this archive are licensed under CC-BY 2.0 ...")
        for c, name in enumerate(CLASSES):
            for i in range(4):
                add(f"flower_photos/{name}/{i}.jpg", jpeg_bytes(40, 60, seed=10 * c + i))
        add("flower_photos/roses/broken.jpg", b"")
        for name, data in extra:
            add(name, data)
    return buffer.getvalue()


@pytest.fixture
def serve_flowers(loopback, test_catalog, monkeypatch):
    def serve(archive_bytes):
        entry = test_catalog.entry("tf_flowers")
        record = entry["files"][0]
        loopback.routes[record["name"]] = [archive_bytes]
        record.update(url=loopback.url(record["name"]), sha256=hashlib.sha256(archive_bytes).hexdigest(),
                      size=len(archive_bytes))
        test_catalog.save(entry)
        monkeypatch.delenv("RESNET_LAB_OFFLINE", raising=False)
        return record["url"]

    return serve


def test_tf_flowers_is_downloaded_extracted_decoded_then_cached(serve_flowers, loopback):
    url = serve_flowers(flower_archive())

    with pytest.warns(UserWarning, match="roses/broken.jpg"):
        ds = load_dataset("tf_flowers", image_size=(32, 32), split=0.25)

    assert (ds.source, ds.source_path) == ("download", url)
    assert ds.class_names == CLASSES
    assert ds.x_train.shape[1:] == ds.x_val.shape[1:] == (32, 32, 3)
    assert len(ds.y_train) + len(ds.y_val) == 20  # 21 photos, one of them unreadable
    assert np.bincount(ds.y_train, minlength=5).min() >= 3 and len(set(ds.y_val.tolist())) >= 4
    assert ds.skipped == (("roses/broken.jpg", "empty file (0 bytes)"),)
    extracted = cache_root() / "datasets" / "flower_photos_extracted" / "flower_photos"
    assert (extracted / "LICENSE.txt").is_file()  # the photographers' credits stay with the photos

    with pytest.warns(UserWarning, match="roses/broken.jpg"):
        again = load_dataset("tf_flowers", image_size=(32, 32), split=0.25)
    assert (again.source, again.source_path, again.from_cache) == ("keras-cache", str(extracted), True)
    np.testing.assert_array_equal(again.x_train, ds.x_train)
    assert loopback.hits["flower_photos.tgz"] == 1


def test_tf_flowers_archive_with_a_traversal_member_is_refused(serve_flowers, tmp_path):
    serve_flowers(flower_archive(extra=[("flower_photos/../../../escaped.txt", b"x")]))

    with pytest.raises(UnsafeArchiveError, match=r"'flower_photos/../../../escaped.txt' would land outside"):
        load_dataset("tf_flowers", image_size=(32, 32))

    datasets = cache_root() / "datasets"
    assert sorted(p.name for p in datasets.iterdir()) == ["flower_photos.tgz"]  # verified, but not extracted
    assert not list(tmp_path.rglob("escaped.txt"))


def test_tf_flowers_offline_says_where_to_put_the_archive():
    with pytest.raises(DownloadError) as caught:
        load_dataset("tf_flowers", image_size=(32, 32))
    message = str(caught.value)
    assert "could not fetch the tf_flowers archive from https://storage.googleapis.com/" in message
    assert str(cache_root() / "datasets" / "flower_photos.tgz") in message
    assert "228,813,984 bytes" in message


def test_tf_flowers_needs_an_image_size():
    with pytest.raises(ValueError, match=r"image_size is required for tf_flowers: its photos differ in size"):
        load_dataset("tf_flowers")
