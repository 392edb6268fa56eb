"""Where downloads live: one cache root for the ImageNet weights, the datasets and every later download.

    <root>/models/       ImageNet weight files, under keras.applications' names
    <root>/datasets/     dataset files and archives, under keras.datasets' names
    <root>/resnet_lab/   what the course makes from them (decoded images)

The root is, in this order: an explicit `cache_dir` argument, $RESNET_LAB_CACHE_DIR, $KERAS_HOME, ~/.keras.
Without RESNET_LAB_CACHE_DIR it is Keras' own cache, laid out as keras.utils.get_file lays it out, so a
file that keras.applications or keras.datasets fetched is reused as it is, and Keras reuses ours.

Why RESNET_LAB_CACHE_DIR exists: it moves all of the course's downloads together, weights and data alike
(a workshop's shared disk, a test's temporary folder). Keras reads KERAS_HOME once, when it is imported,
so that variable cannot move a running kernel's cache; ours is read at every call. Weight files that
Keras already holds in its own cache are still found there (`keras_cache_dirs`), so moving the root
never costs a second 100 MB download.
"""

import os
import tempfile
from pathlib import Path

CACHE_VARIABLE = "RESNET_LAB_CACHE_DIR"
OFFLINE_VARIABLE = "RESNET_LAB_OFFLINE"


def cache_root(cache_dir=None):
    """The folder every download is kept under.

    Args:
        cache_dir: an explicit root (e.g. load_dataset's `cache_dir`), or None for $RESNET_LAB_CACHE_DIR,
            else $KERAS_HOME, else ~/.keras.

    Returns:
        Path. When that folder cannot be created or written (a read-only home), `<tmp>/.keras`, where
        keras.utils.get_file falls back too; the paths our messages print are the paths really used.
    """
    chosen = cache_dir if cache_dir is not None else os.environ.get(CACHE_VARIABLE) or None
    root = Path(chosen).expanduser() if chosen is not None else _keras_root()
    if not _writable(root):
        root = Path(tempfile.gettempdir()) / ".keras"
    return root


def cache_file(file_name, subdir, cache_dir=None):
    """Where `file_name` is kept in `subdir` ("models", "datasets"): also where a copy fetched by hand is
    picked up."""
    return cache_root(cache_dir) / subdir / file_name


def keras_cache_dirs(subdir):
    """The folders where keras.utils.get_file itself keeps `subdir` files: $KERAS_HOME or ~/.keras, and the
    /tmp/.keras that get_file falls back to when that is not writable. Looked in, never written to."""
    folders = [_keras_root() / subdir, Path("/tmp") / ".keras" / subdir]
    return list(dict.fromkeys(folders))


def offline():
    """True when RESNET_LAB_OFFLINE asks the package not to touch the network at all."""
    return os.environ.get(OFFLINE_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def _keras_root():
    """Keras' cache root, resolved as keras resolves it: $KERAS_HOME, else ~/.keras."""
    return Path(os.environ.get("KERAS_HOME") or Path("~").expanduser() / ".keras").expanduser()


def _writable(folder):
    """Whether `folder` exists and can be written, or could be created: its nearest existing ancestor is a
    writable folder. (A path under a regular file, or under a read-only folder, is not.)"""
    probe = Path(folder)
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK)
