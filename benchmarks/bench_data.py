"""Data-layer throughput: decoding and resizing a folder of JPEGs (first load) and reading the decoded
cache (second load), in images per second. Run: `.venv/bin/python benchmarks/bench_data.py`.

The JPEGs are made here (smooth synthetic photos, 500x375, quality 90, like the flower photos), so the
figure needs no download. For reference, the same folder goes through Keras'
image_dataset_from_directory (TensorFlow decoding) in the same run when TensorFlow is installed.
Fashion-MNIST resizing (28x28 gray to 32x32 RGB) is measured too when Debian's package is installed.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from resnet_widgets.data import load_dataset  # noqa: E402


def synthetic_photo(height, width, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    channels = [rng.uniform(0, 255) + 80 * np.sin(x / rng.uniform(5, 40)) + 60 * np.cos(y / rng.uniform(5, 40))
                for _ in range(3)]
    rgb = np.stack(channels, -1) + rng.normal(0, 12, size=(height, width, 3))  # sensor-like noise
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def make_folder(root, classes, per_class, size=(375, 500)):
    for c in range(classes):
        folder = root / f"class_{c}"
        folder.mkdir(parents=True)
        for i in range(per_class):
            synthetic_photo(*size, seed=1000 * c + i).save(folder / f"{i:04d}.jpg", quality=90)
    return classes * per_class


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=400)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    size = (args.size, args.size)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = make_folder(tmp / "photos", 4, args.images // 4)
        os.environ["RESNET_LAB_OFFLINE"] = "1"
        caches = iter(range(1000))

        def first_load():  # a fresh cache folder each time: decode + resize + write the cache
            load_dataset("folder", path=tmp / "photos", image_size=size, split=0.0, cache_dir=tmp / f"c{next(caches)}")

        warm = tmp / "warm"
        load_dataset("folder", path=tmp / "photos", image_size=size, split=0.0, cache_dir=warm)

        def second_load():
            assert load_dataset("folder", path=tmp / "photos", image_size=size, split=0.0, cache_dir=warm).from_cache

        t_first, t_second = timed(first_load, args.repeats), timed(second_load, args.repeats)
        print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"folder of {n} JPEGs 500x375 -> {size[0]}x{size[1]} RGB uint8 (median of {args.repeats})")
        print(f"  first load  (decode + resize + cache write): {n / t_first:8.0f} images/s  ({t_first:.2f} s)")
        print(f"  second load (from the decoded cache):        {n / t_second:8.0f} images/s  ({t_second:.3f} s)")

        reference = keras_reference(tmp / "photos", size, n, args.repeats)
        if reference:
            print(f"  reference: Keras image_dataset_from_directory (tf.data) to numpy: {n / reference:8.0f} images/s"
                  f"  ({reference:.2f} s)")
            print(f"  first load speed / reference speed: {reference / t_first:.2f}")

        if os.path.isdir("/usr/share/datasets/fashion-mnist"):
            fashion_caches = iter(range(1000))

            def fashion_first():
                load_dataset("fashion_mnist", image_size=(32, 32), cache_dir=tmp / f"f{next(fashion_caches)}")

            load_dataset("fashion_mnist", image_size=(32, 32), cache_dir=tmp / "fwarm")
            t_ff = timed(fashion_first, args.repeats)
            t_fs = timed(lambda: load_dataset("fashion_mnist", image_size=(32, 32), cache_dir=tmp / "fwarm"),
                         args.repeats)
            print("fashion_mnist (Debian, 70,000 images) -> 32x32 RGB")
            print(f"  first load  (parse + resize + cache write): {70000 / t_ff:8.0f} images/s  ({t_ff:.2f} s)")
            print(f"  second load (parse + decoded cache):        {70000 / t_fs:8.0f} images/s  ({t_fs:.2f} s)")


def keras_reference(folder, size, n, repeats):
    """Seconds for Keras' own loader (TensorFlow decoding) to deliver the same images as numpy, or None."""
    try:
        import tensorflow  # noqa: F401
        import keras
    except ImportError:
        return None
    if keras.backend.backend() != "tensorflow":
        return None

    def run():
        ds = keras.utils.image_dataset_from_directory(folder, image_size=size, batch_size=64, shuffle=False,
                                                      verbose=False)
        count = sum(len(batch.numpy()) for batch, _ in ds)
        assert count == n

    run()  # warm-up: graph tracing is not decoding
    return timed(run, repeats)


if __name__ == "__main__":
    main()
