"""Image folders, one subfolder per class: listing, fingerprinting and decoding them.

Class names are the subfolder names, sorted (as in Keras' image_dataset_from_directory). Hidden files
and folders (a leading dot, or macOS' __MACOSX) and files that are not images are ignored. Image files
that cannot be decoded are skipped and reported, never raised.
"""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .images import IMAGE_EXTENSIONS, UnreadableImage, decode_image

_JUNK_FOLDERS = frozenset({"__MACOSX"})


@dataclass(frozen=True)
class FolderListing:
    """What an image folder holds.

    Attributes:
        root: the folder (absolute).
        class_names: sorted subfolder names.
        files: relative paths (posix) of the image files, sorted within each class.
        labels: int64 array, the class index of each file.
        ignored: relative paths of files that are not images (counted, not read).
    """

    root: Path
    class_names: list
    files: list
    labels: np.ndarray
    ignored: list

    def fingerprint(self):
        """A checksum of the listing: every image's path, size and modification time.

        Hashing the bytes of every photo would cost about as much as decoding them, so a changed,
        added or removed file is detected by its size and mtime instead, as `make` does.
        """
        digest = hashlib.sha256()
        for relative in self.files:
            info = (self.root / relative).stat()
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8"))
        return digest.hexdigest()


def _hidden(name):
    return name.startswith(".") or name in _JUNK_FOLDERS


def scan_image_folder(root):
    """List an image folder.

    Args:
        root: a folder with one subfolder per class (nested folders inside a class are included).

    Returns:
        FolderListing.

    Raises:
        ValueError: `root` is not a folder, has no class subfolders, or a class folder has no images.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise ValueError(f"path must be a folder with one subfolder per class; {root} is not a folder")
    root = root.resolve()
    class_names = sorted(entry.name for entry in os.scandir(root) if entry.is_dir() and not _hidden(entry.name))
    if not class_names:
        loose = [entry.name for entry in os.scandir(root) if entry.is_file() and not _hidden(entry.name)]
        hint = f" (it holds {len(loose)} files directly; move them into one subfolder per class)" if loose else ""
        raise ValueError(f"path {root} has no class subfolders{hint}; expected {root}/<class name>/<image files>")
    files, labels, ignored, empty = [], [], [], []
    for label, name in enumerate(class_names):
        found = []
        for folder, subfolders, names in os.walk(root / name):
            subfolders[:] = sorted(d for d in subfolders if not _hidden(d))
            for file_name in names:
                if _hidden(file_name):
                    continue
                relative = (Path(folder) / file_name).relative_to(root).as_posix()
                if Path(file_name).suffix.lower() in IMAGE_EXTENSIONS:
                    found.append(relative)
                else:
                    ignored.append(relative)
        if not found:
            empty.append(name)
        found.sort()
        files.extend(found)
        labels.extend([label] * len(found))
    if empty:
        raise ValueError(
            f"class folder{'s' if len(empty) > 1 else ''} {', '.join(repr(n) for n in empty)} in {root} "
            "hold no image files; add images or remove the folder"
        )
    return FolderListing(root, class_names, files, np.asarray(labels, dtype=np.int64), sorted(ignored))


def decode_files(root, files, size, workers=None):
    """Decode and resize image files in parallel (PIL releases the GIL while it decodes).

    Args:
        root: folder the relative paths start from.
        files: relative paths.
        size: (height, width).
        workers: threads; None means one per CPU.

    Returns:
        (images, readable, reasons): uint8 array (len(files), height, width, 3) whose unreadable rows
        are zeros, a bool array marking the readable rows, and a dict relative path -> reason.
    """
    root = Path(root)
    images = np.zeros((len(files), size[0], size[1], 3), dtype=np.uint8)
    readable = np.zeros(len(files), dtype=bool)
    reasons = {}

    def decode(index):
        try:
            images[index] = decode_image(root / files[index], size)
            readable[index] = True
        except UnreadableImage as error:
            reasons[files[index]] = error.reason

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        list(pool.map(decode, range(len(files))))
    return images, readable, dict(sorted(reasons.items()))
