"""load_dataset: one call from a catalog name to train/validation arrays, whatever the source."""

import os
import warnings
from pathlib import Path

import numpy as np

from .. import arguments
from .archive import extract_archive
from .decoded_cache import cache_key, cache_path, read_cache, write_cache
from .catalog import catalog_entry, catalog_file
from .dataset import Dataset
from ..io import cache_file
from .catalog_files import fetch_file
from .fashion_mnist import find_fashion_mnist
from .image_folder import decode_files, scan_image_folder
from .images import resize_gray_batch
from .locations import decoded_cache_dir
from .selection import filter_classes, resolve_classes, stratified_split, stratified_take


class SkippedImagesWarning(UserWarning):
    """Some image files could not be read and were left out (they are listed in dataset.skipped)."""


def load_dataset(name, image_size=None, split=None, limit=None, cache_dir=None, *, path=None, classes=None, seed=0):
    """Load a catalog dataset as uint8 train/validation arrays.

    Args:
        name: a catalog name: "fashion_mnist", "tf_flowers", or "folder" (your own images; needs `path`).
        image_size: None keeps the images as they are (fashion_mnist: (N, 28, 28, 1)); (height, width)
            or an int resizes them and makes them 3-channel RGB, ready for a ResNet. Photo datasets
            (tf_flowers, folder) need it, since their photos differ in size.
        split: how validation is made. fashion_mnist: None or "official" (the official test set is the
            validation set). tf_flowers and folder: None (the catalog's default, 0.2) or the validation
            fraction in [0, 1), drawn per class with `seed`.
        limit: None, or at most this many examples per split, classes in proportion, drawn with `seed`
            (before any decoding, so a small limit is fast).
        cache_dir: root for downloads and decoded images; None means $RESNET_LAB_CACHE_DIR, else $KERAS_HOME
            or ~/.keras, where Keras keeps its own downloads (files land in <root>/datasets, decoded images
            in <root>/resnet_lab/decoded).
        path: the image folder, for name="folder" only.
        classes: None (all), or class names and/or indices to keep; labels become 0..k-1 in the order
            given, and class_names follow. E.g. classes=range(5) and classes=range(5, 10) split
            Fashion-MNIST into the pretraining and transfer halves of the offline lab.
        seed: int seed for the splits and limits (the same arguments always give the same examples).

    Returns:
        Dataset (x_train, y_train, x_val, y_val, class_names, source, source_path, from_cache, skipped,
        notes). Resized images are decoded once and cached on disk, keyed by dataset, size, source
        checksum and selection, so the second load reads the cache.

    Raises:
        ValueError: an unknown name or a bad argument (names the argument and what is allowed); an image
            folder that is empty or has a class with no images; a result too big for this machine's memory.
        DataUnavailableError: Fashion-MNIST found in no source (lists each source and why).
        DownloadError: a download failed or failed its checksum (names the URL and where to put a
            manually fetched file).
        UnsafeArchiveError: a downloaded archive holds a member that would land outside its folder.
    """
    entry = catalog_entry(name)
    # Any size a resize can make: the data layer serves more than ResNets (the 32 px minimum is the models').
    size = None if image_size is None else arguments.image_size("image_size", image_size, minimum=1)
    limit = None if limit is None else arguments.positive_int("limit", limit, "examples per split")
    seed = arguments.whole_number("seed", seed, minimum=0, meaning="of the splits and limits")
    kind = entry["kind"]
    if path is not None and kind != "folder":
        raise ValueError(f"path is only for load_dataset('folder', path=...); {name!r} comes from the catalog")

    if kind == "idx":
        arguments.choice("split", split, (None, "official"),
                         f"{name}'s official test set is the validation set")
        return _load_idx(entry, size, limit, cache_dir, classes, seed)

    fraction = _check_fraction(split, entry)
    if size is None:
        raise ValueError(f"image_size is required for {name}: its photos differ in size; e.g. image_size=(224, 224)")
    if kind == "folder":
        if path is None:
            raise ValueError(
                "path is required for 'folder': load_dataset('folder', path='my_photos', image_size=(224, 224))"
            )
        root = Path(path).expanduser()
        source, source_path = "folder", str(root.resolve())
    else:
        root, source, source_path = _prepare_archive(entry, cache_dir)
    return _load_folder(name, root, source, source_path, size=size, fraction=fraction, limit=limit,
                        cache_dir=cache_dir, classes=classes, seed=seed)


def _load_idx(entry, size, limit, cache_dir, classes, seed):
    found = find_fashion_mnist(entry, cache_dir)
    class_names = list(entry["class_names"])
    splits = {"train": (found.x_train, found.y_train), "val": (found.x_val, found.y_val)}
    indices = resolve_classes(classes, class_names)
    if indices is not None:
        class_names = [class_names[i] for i in indices]
        for split, (x, y) in splits.items():
            positions, relabelled = filter_classes(y, indices)
            splits[split] = (x[positions], relabelled)
    for split, (x, y) in splits.items():
        positions = stratified_take(y, limit, seed)
        splits[split] = (x[positions], y[positions])
    common = dict(name=entry["name"], class_names=class_names, source=found.source,
                  source_path=found.source_path, notes=found.notes)
    (x_train, y_train), (x_val, y_val) = splits["train"], splits["val"]
    if size is None:
        return Dataset(x_train=x_train[..., None], y_train=y_train, x_val=x_val[..., None], y_val=y_val, **common)

    key = cache_key(dataset=entry["name"], image_size=size, source=found.checksum(), classes=class_names,
                    limit=limit, seed=seed)
    file = cache_path(decoded_cache_dir(cache_dir), entry["name"], key)
    cached = read_cache(file)
    if cached is not None:
        arrays, _ = cached
        return Dataset(**arrays, from_cache=True, cache_path=str(file), **common)
    _check_memory(len(y_train) + len(y_val), size)
    arrays = {"x_train": resize_gray_batch(x_train, size), "y_train": y_train,
              "x_val": resize_gray_batch(x_val, size), "y_val": y_val}
    write_cache(file, arrays, {"dataset": entry["name"], "source": found.source, "source_path": found.source_path})
    return Dataset(**arrays, cache_path=str(file), **common)


def _prepare_archive(entry, cache_dir):
    """The extracted image folder of an archive dataset, downloading and extracting it when needed.

    The extraction folder is the one keras.utils.get_file(extract=True) would use
    (<root>/datasets/<name>_extracted), and it only appears once an extraction is complete.
    """
    record = catalog_file(entry, "archive")
    archive = cache_file(record["name"], "datasets", cache_dir)
    extracted = archive.with_name(record["name"].split(".")[0] + "_extracted")
    root = extracted / entry["archive"]["root"]
    if root.is_dir():
        return root, "keras-cache", str(root)
    archive, downloaded = fetch_file(record, "datasets", cache_dir, what=f"the {entry['name']} archive")
    extract_archive(archive, extracted)
    if not root.is_dir():
        raise ValueError(f"the {entry['name']} archive {archive} has no {entry['archive']['root']}/ folder")
    return root, ("download" if downloaded else "keras-cache"), (record["url"] if downloaded else str(root))


def _load_folder(name, root, source, source_path, *, size, fraction, limit, cache_dir, classes, seed):
    listing = scan_image_folder(root)
    files, labels, class_names = listing.files, listing.labels, list(listing.class_names)
    indices = resolve_classes(classes, class_names)
    if indices is not None:
        positions, labels = filter_classes(labels, indices)
        files, class_names = [files[i] for i in positions], [class_names[i] for i in indices]
    train, val = stratified_split(labels, fraction, seed)
    train, val = train[stratified_take(labels[train], limit, seed)], val[stratified_take(labels[val], limit, seed)]

    key = cache_key(dataset=name, root=str(listing.root), image_size=size, source=listing.fingerprint(),
                    classes=class_names, split=fraction, limit=limit, seed=seed)
    file = cache_path(decoded_cache_dir(cache_dir), name, key)
    common = dict(name=name, class_names=class_names, source=source, source_path=source_path, cache_path=str(file))
    cached = read_cache(file)
    if cached is not None:
        arrays, meta = cached
        skipped = tuple(tuple(item) for item in meta["skipped"])
        _warn_skipped(listing.root, skipped)
        return Dataset(**arrays, from_cache=True, skipped=skipped, **common)

    _check_memory(len(train) + len(val), size)
    wanted = np.concatenate([train, val])
    images, readable, reasons = decode_files(listing.root, [files[i] for i in wanted], size)
    if readable.all():  # the usual case: slices are views, so the images are not copied again
        arrays = {"x_train": images[: len(train)], "y_train": labels[train],
                  "x_val": images[len(train):], "y_val": labels[val]}
    else:
        in_train = np.arange(len(wanted)) < len(train)
        arrays = {"x_train": images[in_train & readable], "y_train": labels[wanted[in_train & readable]],
                  "x_val": images[~in_train & readable], "y_val": labels[wanted[~in_train & readable]]}
    present = set(arrays["y_train"].tolist()) | set(arrays["y_val"].tolist())
    unreadable_classes = [i for i in range(len(class_names)) if i not in present]
    if unreadable_classes and len(wanted):
        names = ", ".join(repr(class_names[i]) for i in unreadable_classes)
        skipped = _first(tuple(reasons.items()))
        raise ValueError(f"no readable image for class {names} in {listing.root}; skipped: {skipped}")
    skipped = tuple(reasons.items())
    write_cache(file, arrays, {"dataset": name, "source": source, "source_path": source_path, "skipped": skipped})
    _warn_skipped(listing.root, skipped)
    return Dataset(**arrays, skipped=skipped, **common)


def _first(skipped, count=3):
    shown = ", ".join(f"{path} ({reason})" for path, reason in skipped[:count])
    return shown + (f", and {len(skipped) - count} more" if len(skipped) > count else "")


def _warn_skipped(root, skipped):
    if skipped:
        warnings.warn(
            SkippedImagesWarning(
                f"skipped {len(skipped)} unreadable image file{'s' if len(skipped) > 1 else ''} in {root}: "
                f"{_first(skipped)}; the full list is in dataset.skipped"
            ),
            stacklevel=3,
        )


def _check_fraction(split, entry):
    if split is None:
        return float(entry.get("default_validation_fraction", 0.2))
    return arguments.real_number("split", split, minimum=0, maximum=1, open_maximum=True,
                                 meaning=f"None, or the validation fraction of {entry['name']}")


def _check_memory(n_images, size):
    """Refuse, with advice, a result that would not fit: an OOM kill explains nothing to a learner."""
    needed = n_images * size[0] * size[1] * 3
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if needed > total // 2:
        raise ValueError(
            f"{n_images:,} images of {size[0]}x{size[1]}x3 need {needed / 2**30:.1f} GiB, more than half of this "
            f"machine's {total / 2**30:.1f} GiB; pass limit=... (examples per split) or a smaller image_size"
        )
