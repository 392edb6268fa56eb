"""Verified downloads through keras.utils.get_file, with one clear error when they fail.

keras.utils.get_file (Keras 3) already re-downloads a cached file whose hash does not match. When a
fresh download fails the hash it raises ValueError but leaves the bad file in place; we remove it and
try once more (a download cut short is retried too). Any failure ends in DownloadError, which names
what failed, the URL, and the exact path where a file fetched by hand is picked up.
"""

import hashlib
import socket
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from .locations import keras_home, offline

NETWORK_TIMEOUT_S = 60  # urlretrieve has no timeout of its own; a silent firewall would hang it forever
CONNECT_TIMEOUT_S = 10  # offline should fall back to local data in seconds, not minutes


class DownloadError(OSError):
    """A file could not be fetched or failed its checksum.

    Attributes: what, url, path (where a manually placed file is picked up), reason.
    """

    def __init__(self, what, url, path, reason, sha256=None, size=None):
        self.what, self.url, self.path, self.reason = what, url, str(path), reason
        check = ""
        if sha256:
            check = f"(sha256 {sha256}" + (f", {size:,} bytes" if size else "") + "); "
        super().__init__(
            f"could not fetch {what} from {url}: {reason}.\n"
            f"To work offline, download it elsewhere and place it at\n    {path}\n"
            f"{check}it is picked up from there."
        )


def file_digest(path, algorithm="sha256"):
    """Hex digest of a file with a hashlib algorithm ("sha256", "md5", ...), read in 1 MiB blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path):
    """Hex sha256 of a file (the catalog's checksums)."""
    return file_digest(path, "sha256")


def download_path(fname, cache_subdir="datasets", cache_dir=None):
    """Where get_file keeps `fname` (and where a manually fetched copy is picked up)."""
    return keras_home(cache_dir) / cache_subdir / fname


def fetch_file(record, cache_subdir="datasets", cache_dir=None, what=None, attempts=2):
    """Make sure a catalog file is on disk and matches its sha256; download it if needed.

    Args:
        record: a catalog file record: dict with "name", "url", "sha256" and optionally "size".
        cache_subdir: folder under the cache root (Keras' own convention: "datasets").
        cache_dir: the cache root; None means $RESNET_LAB_CACHE_DIR, else $KERAS_HOME or ~/.keras, as for Keras.
        what: words for messages, e.g. "the tf_flowers archive"; defaults to the file name.
        attempts: downloads to try; a download cut short or failing its checksum is tried again.

    Returns:
        (path, downloaded): the verified file, and whether it was fetched now (False: it was already
        there, downloaded before or placed by hand).

    Raises:
        DownloadError: offline, unreachable, HTTP error, or a file that keeps failing its sha256
            (the bad file is removed, so nothing half-downloaded is ever taken for the real file).
    """
    what = what or record["name"]
    path = download_path(record["name"], cache_subdir, cache_dir)
    expected = record["sha256"].lower()
    if path.is_file() and sha256_of(path) == expected:
        return path, False

    def failure(reason):
        return DownloadError(what, record["url"], path, reason, expected, record.get("size"))

    if offline():
        damaged = " (the file there fails its sha256 check)" if path.exists() else ""
        raise failure(f"downloads are turned off (RESNET_LAB_OFFLINE is set){damaged}")

    unreachable = _unreachable(record["url"])
    if unreachable:
        raise failure(unreachable)  # no retry: an absent network does not come back in a second

    import keras  # only now: importing Keras costs seconds, and most loads never download

    # get_file falls back to /tmp/.keras when the root does not exist yet; create it so files land where we say.
    path.parent.mkdir(parents=True, exist_ok=True)
    reason = "no attempt made"
    for _ in range(max(1, attempts)):
        try:
            with _network_timeout(NETWORK_TIMEOUT_S):
                fetched = keras.utils.get_file(
                    fname=record["name"],
                    origin=record["url"],
                    file_hash=expected,
                    hash_algorithm="sha256",
                    cache_subdir=cache_subdir,
                    cache_dir=str(keras_home(cache_dir)),
                )
        except ValueError as error:  # get_file's "Incomplete or corrupted file detected"
            if not path.is_file():
                reason = str(error)
                continue
            actual, size = sha256_of(path), path.stat().st_size
            path.unlink()  # get_file leaves a file that failed its hash; never let it look cached
            reason = (
                f"the downloaded file failed its sha256 check (got {actual}, {size:,} bytes: "
                "truncated or corrupted) and was removed"
            )
            continue
        except Exception as error:  # get_file wraps URL errors (refused, 404, cut short) in a bare Exception
            path.unlink(missing_ok=True)
            reason = str(error).strip() or type(error).__name__
            continue
        return Path(fetched), True
    raise failure(f"{reason} (after {max(1, attempts)} attempts)" if attempts > 1 else reason)


def _unreachable(url):
    """Why the URL's host cannot be reached within CONNECT_TIMEOUT_S, or None (also for non-HTTP URLs)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S).close()
    except Exception as error:  # DNS failure, refused, timeout, or a sandbox that blocks sockets
        return f"cannot reach {parts.hostname}:{port}, so this machine looks offline ({type(error).__name__}: {error})"
    return None


@contextmanager
def _network_timeout(seconds):
    previous = socket.getdefaulttimeout()
    if previous is None:
        socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
