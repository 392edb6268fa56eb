"""Catalog files through the package's one verified downloader (resnet_widgets.io.fetch).

A catalog file record says what a file is ({"name", "url", "sha256", "size"}); this turns it into a fetch
into <cache root>/<cache_subdir>, with the same checks, timeout, offline switch and DownloadError as the
ImageNet weights.
"""

from .. import arguments
from ..io import DownloadError, fetch

__all__ = ["DownloadError", "fetch_file"]


def fetch_file(record, cache_subdir="datasets", cache_dir=None, what=None, attempts=2):
    """Make sure a catalog file is on disk and matches its sha256; download it if needed.

    Args:
        record: a catalog file record: dict with "name", "url", "sha256" and optionally "size".
        cache_subdir: folder under the cache root (Keras' own convention: "datasets").
        cache_dir: the cache root; None means $RESNET_LAB_CACHE_DIR, else $KERAS_HOME or ~/.keras, as for Keras.
        what: words for messages, e.g. "the tf_flowers archive"; defaults to the file name.
        attempts: downloads to try (>= 1); a download cut short or failing its checksum is tried again.

    Returns:
        (path, downloaded): the verified file, and whether it was fetched now (False: it was already
        there, downloaded before or placed by hand).

    Raises:
        TypeError / ValueError: a record without name, url and sha256, or a bad `attempts`.
        DownloadError: offline, unreachable, timed out, HTTP error, or a file that keeps failing its
            sha256 (the bad file is removed, so nothing half-downloaded is ever taken for the real file).
    """
    if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in ("name", "url", "sha256")):
        raise TypeError(
            "record must be a catalog file record, a dict with 'name', 'url' and 'sha256' strings; "
            f"received record={record!r}"
        )
    attempts = arguments.positive_int("attempts", attempts, "downloads to try")
    return fetch(record["url"], record["name"], subdir=cache_subdir, file_hash=record["sha256"], algorithm="sha256",
                 what=what, size=record.get("size"), cache_dir=cache_dir, attempts=attempts)
