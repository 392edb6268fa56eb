"""The decoded-image cache: the second load reads it, a changed source misses it, and neither a killed
write nor a failed one ever leaves a file that loads."""

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from resnet_widgets.data import load_dataset
from resnet_widgets.data.decoded_cache import cache_key, read_cache, write_cache

from .datafiles import jpeg_bytes, make_image_folder

REPO = Path(__file__).resolve().parents[2]


def test_second_load_reads_the_cache(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 4, "dogs": 4})
    (root / "dogs" / "broken.jpg").write_bytes(b"")

    with pytest.warns(UserWarning):
        first = load_dataset("folder", path=root, image_size=(24, 24))
    with pytest.warns(UserWarning, match="broken.jpg"):  # a cache hit still reports what was skipped
        second = load_dataset("folder", path=root, image_size=(24, 24))

    assert (first.from_cache, second.from_cache) == (False, True)
    assert first.cache_path == second.cache_path and Path(second.cache_path).is_file()
    for name in ("x_train", "y_train", "x_val", "y_val"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
        assert getattr(second, name).dtype == getattr(first, name).dtype
    assert second.skipped == first.skipped == (("dogs/broken.jpg", "empty file (0 bytes)"),)
    assert second.class_names == ["cats", "dogs"] and second.source == "folder"


def test_cache_is_used_even_when_images_cannot_be_decoded_again(tmp_path, monkeypatch):
    root = make_image_folder(tmp_path / "photos", {"cats": 3, "dogs": 3})
    load_dataset("folder", path=root, image_size=(24, 24))

    import resnet_widgets.data.loading as loading

    def no_decoding(*args, **kwargs):
        raise AssertionError("the second load decoded images instead of reading the cache")

    monkeypatch.setattr(loading, "decode_files", no_decoding)
    assert load_dataset("folder", path=root, image_size=(24, 24)).from_cache


def test_changed_image_size_or_file_misses_the_cache(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 3, "dogs": 3})
    base = load_dataset("folder", path=root, image_size=(24, 24))

    assert not load_dataset("folder", path=root, image_size=(32, 32)).from_cache
    assert not load_dataset("folder", path=root, image_size=(24, 24), seed=1).from_cache
    (root / "cats" / "cats_000.jpg").write_bytes(jpeg_bytes(48, 64, seed=999))  # same name, new picture
    changed = load_dataset("folder", path=root, image_size=(24, 24))
    assert not changed.from_cache and changed.cache_path != base.cache_path


def test_cache_key_depends_on_every_part():
    base = dict(dataset="folder", image_size=(24, 24), source="abc", limit=None, seed=0)
    changes = [("dataset", "x"), ("image_size", (24, 25)), ("source", "abd"), ("limit", 5), ("seed", 1)]
    keys = {cache_key(**base)} | {cache_key(**{**base, k: v}) for k, v in changes}
    assert len(keys) == 6
    assert cache_key(**base) == cache_key(**dict(reversed(list(base.items()))))


def test_exception_during_write_leaves_no_loadable_cache(tmp_path, monkeypatch):
    import numpy.lib.format as npy_format

    real_write_array = npy_format.write_array

    def write_half_then_fail(fp, array, *args, **kwargs):
        real_write_array(fp, array[: len(array) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(npy_format, "write_array", write_half_then_fail)
    target = tmp_path / "cache" / "folder-abc.npz"
    with pytest.raises(OSError, match="No space left"):
        write_cache(target, {"x_train": np.ones((100, 8, 8, 3), np.uint8)}, {"skipped": []})

    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # the temporary file is gone too
    assert read_cache(target) is None


KILLED_WRITER = r"""
import sys, time
import numpy as np
import numpy.lib.format as npy_format
from resnet_widgets.data.decoded_cache import write_cache

real_write_array = npy_format.write_array

def write_slowly(fp, array, *args, **kwargs):
    real_write_array(fp, array[: len(array) // 2], *args, **kwargs)  # 96 kB: past the buffers, onto the disk...
    fp.flush()
    print("mid-write", flush=True)
    time.sleep(120)  # ...and the process is killed here

npy_format.write_array = write_slowly
write_cache(sys.argv[1], {"x_train": np.ones((1000, 8, 8, 3), np.uint8)}, {"skipped": []})
"""


def test_killed_write_leaves_no_usable_cache(tmp_path):
    target = tmp_path / "cache" / "folder-abc.npz"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    try:
        assert writer.stdout.readline().strip() == "mid-write"
        leftovers = list(target.parent.glob(".*.tmp"))
        assert len(leftovers) == 1 and leftovers[0].stat().st_size > 0  # really killed in the middle
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)

    assert not target.exists()
    assert read_cache(target) is None

    # The next writer replaces the dead writer's leftover and leaves one sound file.
    write_cache(target, {"x_train": np.ones((3, 8, 8, 3), np.uint8)}, {"skipped": []})
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    arrays, meta = read_cache(target)
    assert arrays["x_train"].shape == (3, 8, 8, 3) and meta["skipped"] == []


def test_damaged_cache_file_is_deleted_and_rebuilt(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 3, "dogs": 3})
    first = load_dataset("folder", path=root, image_size=(24, 24))
    cache_file = Path(first.cache_path)
    cache_file.write_bytes(cache_file.read_bytes()[: cache_file.stat().st_size // 2])

    again = load_dataset("folder", path=root, image_size=(24, 24))

    assert not again.from_cache
    np.testing.assert_array_equal(again.x_train, first.x_train)
    assert read_cache(cache_file) is not None  # rebuilt


def test_cache_from_a_newer_format_is_not_trusted(tmp_path, monkeypatch):
    import resnet_widgets.data.decoded_cache as cache

    target = tmp_path / "c.npz"
    write_cache(target, {"x": np.zeros(3, np.uint8)}, {})
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    assert read_cache(target) is None and not target.exists()


def test_fashion_mnist_resized_images_are_cached(tmp_path, no_debian):
    first = load_dataset("fashion_mnist", image_size=(32, 32), limit=50)
    second = load_dataset("fashion_mnist", image_size=(32, 32), limit=50)
    assert (first.from_cache, second.from_cache) == (False, True)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    assert second.source == "committed-subset"


def test_cache_lives_under_the_cache_dir(tmp_path):
    root = make_image_folder(tmp_path / "photos", {"cats": 2, "dogs": 2})
    ds = load_dataset("folder", path=root, image_size=(8, 8), cache_dir=tmp_path / "mine")
    assert Path(ds.cache_path).parent == tmp_path / "mine" / "resnet_lab" / "decoded"
