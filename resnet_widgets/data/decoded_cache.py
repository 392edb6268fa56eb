"""The decoded-image cache: uint8 arrays on disk, keyed by what they were made from, written atomically.

A cache file is an uncompressed .npz (numpy's zip of .npy arrays, loaded with allow_pickle=False) with
a JSON metadata record. It is written to a temporary name in the same folder, fsynced, then renamed
into place, so a killed or failed write never leaves a file under the final name. A file that still
fails to load (disk damage, a foreign file) is deleted and rebuilt, never trusted.
"""

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from ..io import remove_stale_temporaries, replace_atomically

CACHE_FORMAT = 1  # bump when the layout or the decoding changes, so old caches are not reused
_META = "__meta__"


def cache_key(**parts):
    """A short, stable hex key for the JSON-serialisable `parts` (dataset, image size, source checksum...)."""
    text = json.dumps({"format": CACHE_FORMAT, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def cache_path(cache_root, dataset_name, key):
    """The file that holds the arrays for `key`."""
    return Path(cache_root) / f"{dataset_name}-{key}.npz"


def write_cache(path, arrays, meta):
    """Write arrays and a metadata dict to `path` atomically.

    Args:
        path: the final cache file.
        arrays: dict name -> np.ndarray (numeric; no objects).
        meta: JSON-serialisable dict.

    Raises:
        Whatever the write raises (disk full...), after removing the temporary file.
    """
    remove_stale_temporaries(path, "tmp")
    stored = {**arrays, _META: np.array(json.dumps({"format": CACHE_FORMAT, **meta}))}

    def write(temporary):
        with open(temporary, "wb") as handle:  # a handle: given a name, np.savez would add ".npz" to it
            np.savez(handle, **stored)

    replace_atomically(path, write, suffix="tmp")


def read_cache(path):
    """Load a cache file written by write_cache.

    Returns:
        (arrays, meta), or None when there is no usable file. An unreadable or incomplete file is
        deleted so that the next write replaces it.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        # Reading every member in full makes zipfile check its CRC, so a damaged file fails here.
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data[_META]))
            if meta.get("format") != CACHE_FORMAT:
                raise ValueError("cache written by another version")
            arrays = {name: data[name] for name in data.files if name != _META}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        path.unlink(missing_ok=True)
        return None
    return arrays, meta
