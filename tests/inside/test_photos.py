"""The committed sample photos (datasets/sample_photos/) load offline, come out ResNet-sized, carry their licence
records, and a file that is not the committed one is refused."""

import json
import shutil

import numpy as np
import pytest

from resnet_widgets.data.locations import datasets_dir
from resnet_lab.photos import SAMPLE_PHOTOS, sample_photos, square

FREE_LICENCES = {"CC0", "public domain"}


def test_every_listed_photo_is_committed_and_loads_offline():
    names, photos = sample_photos(size=64)
    assert names == list(SAMPLE_PHOTOS)
    assert photos.shape == (len(SAMPLE_PHOTOS), 64, 64, 3) and photos.dtype == np.uint8
    assert all(photo.std() > 10 for photo in photos)  # real pictures, not blanks


def test_at_224_the_committed_pixels_come_back_unchanged():
    _, photos = sample_photos(size=224)
    _, again = sample_photos(size=224, names=("rocket",))
    assert photos.shape == (4, 224, 224, 3)
    assert np.array_equal(photos[-1], again[0])


def test_every_photo_has_a_free_licence_a_credit_and_a_source():
    record = json.loads((datasets_dir() / "sample_photos" / "photos.json").read_text())["photos"]
    assert set(record) == set(SAMPLE_PHOTOS)
    for name, entry in record.items():
        assert entry["license"] in FREE_LICENCES, name
        assert entry["credit"] and "scikit-image" in entry["source"], name
        assert (datasets_dir() / "sample_photos" / entry["file"]).stat().st_size == entry["size"], name


def test_a_photo_file_that_is_not_the_committed_one_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "datasets"
    shutil.copytree(datasets_dir() / "sample_photos", copy / "sample_photos")
    (copy / "sample_photos" / "coffee.png").write_bytes((copy / "sample_photos" / "chelsea.png").read_bytes())
    monkeypatch.setenv("RESNET_LAB_DATASETS_DIR", str(copy))

    sample_photos(names=("chelsea",))  # the untouched ones still load
    with pytest.raises(ValueError, match="coffee.png is not the committed photo: sha256"):
        sample_photos(names=("coffee",))


def test_square_keeps_the_centre_of_a_wide_image():
    wide = np.zeros((10, 30, 3), np.uint8)
    wide[:, 10:20] = 255  # the centre third is white
    assert square(wide, 10).min() > 200


def test_an_unknown_photo_lists_the_bundled_ones():
    with pytest.raises(ValueError, match="names must be one of 'chelsea', 'coffee', 'astronaut', 'rocket'"):
        sample_photos(names=("lena",))
