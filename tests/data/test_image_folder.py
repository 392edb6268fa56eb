"""Image folders: unreadable files skipped and reported, every image mode made RGB, hidden and non-image
files ignored, classes from sorted subfolder names, empty classes and folders a clear error."""

import warnings

import numpy as np
import pytest
from PIL import Image

from resnet_widgets.data import SkippedImagesWarning, decode_image, load_dataset, scan_image_folder

from .datafiles import jpeg_bytes, make_image_folder, photo

def add_bad_files(folder):
    """The unreadable files tutorials trip over, in one class folder. Returns {name: expected reason start}."""
    good = jpeg_bytes(48, 64, seed=7)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (folder / "readme.jpg").write_text("this is text, not a JPEG")
    (folder / "phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    return {
        "empty.jpg": "empty file (0 bytes)",
        "phone.heic": "unsupported image format (.heic)",
        "readme.jpg": "not a readable image",
        "truncated.jpg": "truncated or corrupt",
    }


def test_unreadable_files_are_skipped_and_reported_not_raised(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 6, "dogs": 6})
    expected = add_bad_files(root / "cats")

    with pytest.warns(SkippedImagesWarning) as caught:
        ds = load_dataset("folder", path=root, image_size=(32, 32), split=0.0)

    assert len(ds.y_train) == 12 and len(ds.y_val) == 0  # every good image, no bad one
    assert [path for path, _ in ds.skipped] == [f"cats/{name}" for name in sorted(expected)]
    for (_, reason), start in zip(ds.skipped, [expected[n] for n in sorted(expected)]):
        assert reason.startswith(start)
    message = str(caught[0].message)
    assert message.startswith(f"skipped 4 unreadable image files in {root.resolve()}: cats/empty.jpg (empty file")
    assert "and 1 more" in message and "dataset.skipped" in message


def test_decode_reports_each_kind_of_bad_file(tmp_path):
    expected = add_bad_files(tmp_path)
    for name, start in expected.items():
        with pytest.raises(Exception) as caught:
            decode_image(tmp_path / name, (16, 16))
        assert type(caught.value).__name__ == "UnreadableImage"
        assert caught.value.reason.startswith(start)


def save(image, path, **options):
    image.save(path, **options)
    return path


def test_grayscale_cmyk_palette_and_alpha_images_become_rgb(tmp_path):
    red = Image.new("RGB", (20, 10), (255, 0, 0))
    files = {
        "gray.png": save(Image.new("L", (20, 10), 128), tmp_path / "gray.png"),
        "gray.jpg": save(Image.new("L", (20, 10), 128), tmp_path / "gray.jpg", quality=95),
        "cmyk.jpg": save(red.convert("CMYK"), tmp_path / "cmyk.jpg", quality=95),
        "palette.png": save(red.convert("P"), tmp_path / "palette.png"),
        "palette.gif": save(red.convert("P"), tmp_path / "palette.gif"),
        "bilevel.bmp": save(Image.new("1", (20, 10), 1), tmp_path / "bilevel.bmp"),
        "transparent.png": save(Image.new("RGBA", (20, 10), (255, 0, 0, 0)), tmp_path / "transparent.png"),
        "gray_alpha.png": save(Image.new("LA", (20, 10), (0, 0)), tmp_path / "gray_alpha.png"),
        "sixteen_bit.png": save(Image.fromarray(np.full((10, 20), 65535, np.uint16)), tmp_path / "sixteen_bit.png"),
    }
    expected = {
        "gray.png": (128, 128, 128), "gray.jpg": (128, 128, 128), "cmyk.jpg": (255, 0, 0),
        "palette.png": (255, 0, 0), "palette.gif": (255, 0, 0), "bilevel.bmp": (255, 255, 255),
        "transparent.png": (255, 255, 255),  # fully transparent shows the white background, not hidden red
        "gray_alpha.png": (255, 255, 255), "sixteen_bit.png": (255, 255, 255),
    }
    for name, path in files.items():
        pixels = decode_image(path)
        assert pixels.shape == (10, 20, 3) and pixels.dtype == np.uint8, name
        np.testing.assert_allclose(pixels[5, 10], expected[name], atol=3, err_msg=name)


def test_half_transparent_pixels_are_blended_on_white(tmp_path):
    path = save(Image.new("RGBA", (4, 4), (0, 0, 0, 128)), tmp_path / "half.png")
    np.testing.assert_allclose(decode_image(path)[0, 0], (127, 127, 127), atol=1)


def test_exif_rotation_is_applied(tmp_path):
    image = photo(20, 40)  # landscape pixels...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...that the camera says to turn 90 degrees: portrait
    path = save(image, tmp_path / "rotated.jpg", exif=exif.tobytes())
    assert decode_image(path).shape == (40, 20, 3)


def test_images_are_resized_to_the_requested_size(tmp_path):
    path = save(photo(300, 400), tmp_path / "big.jpg", quality=90)
    assert decode_image(path, (224, 160)).shape == (224, 160, 3)
    reference = np.asarray(photo(300, 400).resize((160, 224), Image.Resampling.BILINEAR))
    assert np.abs(decode_image(path, (224, 160)).astype(int) - reference).mean() < 6


def test_hidden_and_non_image_files_are_ignored(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 2, "dogs": 2})
    (root / "cats" / ".DS_Store").write_bytes(b"\x00\x01junk")
    (root / "cats" / "._cat_000.jpg").write_bytes(b"AppleDouble resource fork")
    (root / "cats" / "notes.txt").write_text("taken in 2024")
    (root / "dogs" / "labels.csv").write_text("a,b")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.jpg").write_bytes(b"no")
    (root / "__MACOSX" / "cats").mkdir(parents=True)
    (root / "__MACOSX" / "cats" / "x.jpg").write_bytes(b"no")
    (root / "cats" / ".thumbnails").mkdir()
    (root / "cats" / ".thumbnails" / "t.jpg").write_bytes(b"no")

    listing = scan_image_folder(root)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkippedImagesWarning)  # nothing here counts as a bad image
        ds = load_dataset("folder", path=root, image_size=(16, 16), split=0.5)

    assert listing.class_names == ["cats", "dogs"]
    assert listing.files == ["cats/cats_000.jpg", "cats/cats_001.jpg", "dogs/dogs_000.jpg", "dogs/dogs_001.jpg"]
    assert listing.ignored == ["cats/notes.txt", "dogs/labels.csv"]
    assert ds.skipped == () and len(ds.y_train) + len(ds.y_val) == 4


def test_classes_are_the_sorted_subfolder_names_and_nested_folders_count(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"zebra": 2, "Apple": 2, "mango": 2})
    (root / "mango" / "2024").mkdir()
    (root / "mango" / "2024" / "late.jpg").write_bytes(jpeg_bytes())

    ds = load_dataset("folder", path=root, image_size=(16, 16), split=0.0)

    assert ds.class_names == ["Apple", "mango", "zebra"]
    assert np.bincount(ds.y_train).tolist() == [2, 3, 2]
    assert ds.source == "folder" and ds.source_path == str(root.resolve())


def test_empty_class_folder_is_a_clear_error(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 3})
    (root / "dogs").mkdir()
    (root / "dogs" / "notes.txt").write_text("no pictures yet")
    with pytest.raises(ValueError, match=r"class folder 'dogs' in .* hold no image files"):
        load_dataset("folder", path=root, image_size=(16, 16))


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "photos").mkdir()
    with pytest.raises(ValueError, match="has no class subfolders"):
        load_dataset("folder", path=tmp_path / "photos", image_size=(16, 16))


def test_images_without_class_subfolders_get_a_hint(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(jpeg_bytes())
    with pytest.raises(ValueError, match="holds 1 files directly; move them into one subfolder per class"):
        load_dataset("folder", path=tmp_path / "photos", image_size=(16, 16))


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="path must be a folder with one subfolder per class"):
        load_dataset("folder", path=tmp_path / "nowhere", image_size=(16, 16))


def test_class_with_only_unreadable_images_is_a_clear_error(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 3})
    (root / "dogs").mkdir()
    (root / "dogs" / "broken.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match=r"no readable image for class 'dogs'.*dogs/broken.jpg \(empty file"):
        load_dataset("folder", path=root, image_size=(16, 16), split=0.0)


def test_folder_needs_a_path_and_an_image_size(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 2})
    with pytest.raises(ValueError, match="path is required"):
        load_dataset("folder", image_size=(16, 16))
    with pytest.raises(ValueError, match="image_size is required for folder"):
        load_dataset("folder", path=root)
    with pytest.raises(ValueError, match=r"^split must be a number >= 0 and < 1 \(None, or the validation fraction"):
        load_dataset("folder", path=root, image_size=16, split=1.5)


def test_validation_split_is_stratified_seeded_and_shuffled(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"a": 10, "b": 20, "c": 5}, size=(8, 8))

    ds = load_dataset("folder", path=root, image_size=(8, 8), split=0.2, seed=3)
    same = load_dataset("folder", path=root, image_size=(8, 8), split=0.2, seed=3, cache_dir=tmp_path / "other")
    other_seed = load_dataset("folder", path=root, image_size=(8, 8), split=0.2, seed=4)

    assert np.bincount(ds.y_val).tolist() == [2, 4, 1] and np.bincount(ds.y_train).tolist() == [8, 16, 4]
    assert not same.from_cache  # decoded afresh in another cache, and still identical
    np.testing.assert_array_equal(ds.x_train, same.x_train)
    np.testing.assert_array_equal(ds.y_train, same.y_train)
    assert not np.array_equal(ds.y_train, np.sort(ds.y_train))  # classes are mixed, not in folder order
    assert not np.array_equal(ds.x_val, other_seed.x_val)


def test_classes_and_limit_select_before_decoding(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"a": 10, "b": 10, "c": 10}, size=(8, 8))
    (root / "a" / "broken.jpg").write_bytes(b"")  # class a is left out, so this file is never opened

    with warnings.catch_warnings():
        warnings.simplefilter("error", SkippedImagesWarning)
        ds = load_dataset("folder", path=root, image_size=(8, 8), classes=["c", "b"], limit=4, split=0.5)

    assert ds.class_names == ["c", "b"]
    assert sorted(ds.y_train.tolist()) == [0, 0, 1, 1] and sorted(ds.y_val.tolist()) == [0, 0, 1, 1]
