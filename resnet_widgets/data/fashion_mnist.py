"""Finding Fashion-MNIST: Debian's package, then the Keras cache, then a verified download, then the
small subset committed with the course. The first source that holds four sound idx files wins."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import cache_root, file_digest, offline
from .catalog_files import DownloadError, fetch_file
from .idx import read_idx
from .locations import datasets_dir, env_path

ROLES = ("train_images", "train_labels", "validation_images", "validation_labels")


class DataUnavailableError(FileNotFoundError):
    """No source holds the dataset. The message lists every source tried and why it failed."""


@dataclass(frozen=True)
class IdxSource:
    """Fashion-MNIST as found: arrays, where they came from and what was passed over on the way."""

    x_train: np.ndarray  # (N, 28, 28) uint8
    y_train: np.ndarray  # (N,) int64
    x_val: np.ndarray
    y_val: np.ndarray
    source: str
    source_path: str
    files: dict  # role -> Path
    notes: tuple

    def checksum(self):
        """sha256 over the four files' sha256: the cache key part that says which data this is."""
        joined = "".join(file_digest(self.files[role]) for role in ROLES)
        return hashlib.sha256(joined.encode("ascii")).hexdigest()


def find_fashion_mnist(entry, cache_dir=None):
    """Read Fashion-MNIST from the first source that has it.

    Args:
        entry: the catalog entry ("fashion_mnist").
        cache_dir: the cache root (None: see resnet_widgets.io.cache_root).

    Returns:
        IdxSource.

    Raises:
        DataUnavailableError: no source worked (the message says what each one lacked).
    """
    names = {record["role"]: record["name"] for record in entry["files"]}
    sources = entry["sources"]
    notes = []

    debian = env_path(sources["debian"].get("env", "RESNET_LAB_FASHION_MNIST_DIR"), sources["debian"]["dir"])
    found = _read_folder("debian", debian, names, notes)
    if found:
        return _result(found, "debian", str(debian), notes)

    keras_cache = cache_root(cache_dir) / sources["keras_cache"]["subdir"]
    found = _read_folder("keras-cache", keras_cache, names, notes)
    if found:
        return _result(found, "keras-cache", str(keras_cache), notes)

    found = _download(entry, sources["keras_cache"]["subdir"], cache_dir, notes)
    if found:
        base_url = entry["files"][0]["url"].rsplit("/", 1)[0] + "/"
        return _result(found, "download", base_url, notes)

    subset = sources["committed_subset"]
    subset_dir = datasets_dir() / subset["dir"]
    subset_names = {record["role"]: record["name"] for record in subset["files"]} or names
    found = _read_folder("committed-subset", subset_dir, subset_names, notes, expected=subset["files"])
    if found:
        return _result(found, "committed-subset", str(subset_dir), notes)

    raise DataUnavailableError(
        "Fashion-MNIST was not found in any source:\n  "
        + "\n  ".join(notes)
        + f"\nInstall Debian's {sources['debian']['package']} package, or go online once, "
        "or restore datasets/ from a ResNet Lab checkout."
    )


def _result(found, source, source_path, notes):
    arrays, files = found
    return IdxSource(*arrays, source=source, source_path=source_path, files=files, notes=tuple(notes))


def _read_folder(source, folder, names, notes, expected=None):
    """Parse the four idx files in `folder`; on any problem add a note and return None."""
    files = {role: Path(folder) / names[role] for role in ROLES}
    missing = [path.name for path in files.values() if not path.is_file()]
    if missing:
        notes.append(f"{source}: absent ({folder} lacks {', '.join(missing)})")
        return None
    if expected:
        for record in expected:
            if file_digest(files[record["role"]]) != record["sha256"]:
                notes.append(f"{source}: damaged ({files[record['role']]} fails its sha256 check)")
                return None
    try:
        arrays = _parse(files)
    except ValueError as error:
        notes.append(f"{source}: damaged ({error})")
        return None
    return arrays, files


def _download(entry, cache_subdir, cache_dir, notes):
    if offline():
        notes.append("download: skipped (RESNET_LAB_OFFLINE is set)")
        return None
    files = {}
    try:
        for record in entry["files"]:
            files[record["role"]], _ = fetch_file(
                record, cache_subdir=cache_subdir, cache_dir=cache_dir, what=f"Fashion-MNIST's {record['name']}"
            )
    except DownloadError as error:
        notes.append(f"download: failed ({str(error).splitlines()[0].rstrip('.')})")
        return None
    try:
        return _parse(files), files
    except ValueError as error:
        notes.append(f"download: damaged ({error})")
        return None


def _parse(files):
    """The four arrays, checked for consistency (shapes, counts, label range)."""
    x_train, y_train = read_idx(files["train_images"]), read_idx(files["train_labels"])
    x_val, y_val = read_idx(files["validation_images"]), read_idx(files["validation_labels"])
    for images, labels, split in ((x_train, y_train, "train"), (x_val, y_val, "validation")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{split} images {images.shape} and labels {labels.shape} do not match")
        if labels.size and labels.max() > 9:
            raise ValueError(f"{split} labels go up to {labels.max()}, expected 0..9")
    return x_train, y_train.astype(np.int64), x_val, y_val.astype(np.int64)
