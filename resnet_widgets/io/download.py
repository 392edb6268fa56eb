"""Verified downloads into the cache, with a timeout on every request and one clear error when they fail.

    path, downloaded = fetch(url, "resnet50_weights_tf_dim_ordering_tf_kernels.h5", subdir="models",
                             file_hash="2cb9...", algorithm="md5")

What it guarantees:
- A file already in the cache is used when it matches its checksum; one that does not (a download cut
  short, a corrupted disk) is removed and fetched again.
- The download streams into a hidden temporary file beside the target, hashed on the way, and is renamed
  into place only once it matches: nothing half-written or wrong ever sits under the final name.
- RESNET_LAB_OFFLINE refuses before any socket is opened. A reachability probe turns an absent network
  into one quick, clear error. Every request carries a timeout (RESNET_LAB_NETWORK_TIMEOUT), so a
  firewall that swallows packets fails the download instead of hanging the kernel. Neither is retried:
  an absent or silent network does not come back in a second. A download cut short, or one that fails its
  checksum, is tried again.
- Every failure is a DownloadError naming what failed, the URL, the checksum and the exact path where a
  copy fetched by hand is picked up.

Why not keras.utils.get_file, which the package used before and whose job this is: it downloads with
urllib's urlretrieve, which takes no timeout, and the only ways to give it one are process-wide
(socket.setdefaulttimeout, urllib.request.install_opener), which would change every socket of every thread
in the kernel. It also writes straight to the final name (a killed kernel leaves a partial file there) and
leaves a file that failed its hash in place. We keep its conventions instead: the same cache layout
(<root>/<subdir>/<name>), md5 or sha256 checksums, and the same "URL fetch failure on ..." words, so files
are shared with Keras both ways.
"""

import http.client
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .atomic import fsync_folder, remove_stale_temporaries, temporary_sibling
from .cache import OFFLINE_VARIABLE, cache_file, offline
from .hashing import file_digest
from .network import TIMEOUT_VARIABLE, network_timeout, unreachable_reason

ALGORITHMS = ("sha256", "md5")
PART = "part"  # suffix of the temporary file a download streams into
CHUNK = 1 << 16


class DownloadError(OSError):
    """A file could not be fetched, or failed its checksum.

    Attributes: what, url, path (where a copy fetched by hand is picked up), reason, file_hash, algorithm, size.
    """

    def __init__(self, what, url, path, reason, file_hash=None, algorithm="sha256", size=None):
        self.what, self.url, self.path, self.reason = what, url, str(path), reason
        self.file_hash, self.algorithm, self.size = file_hash, algorithm, size
        super().__init__(self.explain())

    def explain(self):
        """The message: what failed and why, then how to work offline."""
        check = ""
        if self.file_hash:
            check = f"({self.algorithm} {self.file_hash}" + (f", {self.size:,} bytes" if self.size else "") + "); "
        return (
            f"could not fetch {self.what} from {self.url}: {self.reason}.\n"
            f"To work offline, download it elsewhere and place it at\n    {self.path}\n"
            f"{check}it is picked up from there."
        )


def fetch(url, file_name, *, subdir, file_hash, algorithm="sha256", what=None, size=None, cache_dir=None,
          attempts=2, also_look_in=()):
    """Make sure `file_name` is in the cache and matches its checksum; download it from `url` if needed.

    Args:
        url: where the file comes from (http, https, or file:// for a local mirror).
        file_name: its name in the cache.
        subdir: the cache folder it goes in ("models", "datasets", "datasets/fashion-mnist").
        file_hash: the expected hex digest.
        algorithm: "sha256" or "md5".
        what: words for messages ("the tf_flowers archive"); defaults to the file name.
        size: the expected size in bytes, for messages only.
        cache_dir: the cache root; None means cache.cache_root()'s default.
        attempts: downloads to try; a download cut short or failing its checksum is tried again.
        also_look_in: folders where a verified copy is used as it is, without downloading (Keras' own
            cache); nothing there is ever written or removed.

    Returns:
        (path, downloaded): the verified file, and whether it was fetched now (False: it was there already,
        downloaded before or placed by hand).

    Raises:
        ValueError: an unknown algorithm.
        DownloadError: offline, unreachable, timed out, an HTTP error, or a file that keeps failing its
            checksum (the bad file is removed).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(map(repr, ALGORITHMS))}; received {algorithm!r}")
    what = what or file_name
    expected = file_hash.lower()
    path = cache_file(file_name, subdir, cache_dir)

    removed = ""
    if path.is_file():
        if file_digest(path, algorithm) == expected:
            return path, False
        path.unlink()  # never let a damaged copy look cached
        removed = f" (the copy that was there failed its {algorithm} check and was removed)"
    for folder in also_look_in:
        candidate = Path(folder) / file_name
        if candidate != path and candidate.is_file() and file_digest(candidate, algorithm) == expected:
            return candidate, False

    def failure(reason):
        return DownloadError(what, url, path, reason + removed, expected, algorithm, size)

    if offline():
        raise failure(f"downloads are turned off ({OFFLINE_VARIABLE} is set)")
    unreachable = unreachable_reason(url)
    if unreachable:
        raise failure(unreachable)  # no retry: an absent network does not come back in a second

    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path, PART)
    timeout = network_timeout()
    tries = max(1, int(attempts))
    reason = "no attempt made"
    for _ in range(tries):
        temporary = temporary_sibling(path, PART)
        try:
            digest, received = _download(url, temporary, algorithm, timeout, what)
            if digest != expected:
                reason = (
                    f"the downloaded file failed its {algorithm} check (got {digest}, {received:,} bytes: "
                    "truncated or corrupted) and was removed"
                )
                continue
            os.replace(temporary, path)
            fsync_folder(path.parent)
            return path, True
        except _TimedOut as error:
            raise failure(str(error)) from None  # no retry: a host that went silent once would cost the wait again
        except _Failed as error:
            reason = str(error)
        finally:
            temporary.unlink(missing_ok=True)
    raise failure(f"{reason} (after {tries} attempts)" if tries > 1 else reason)


class _Failed(Exception):
    """One download attempt failed; the message says why, in a few words."""


class _TimedOut(_Failed):
    """The host stopped answering for the whole timeout."""


def _download(url, target, algorithm, timeout, what):
    """Stream `url` into `target` with `timeout` on every blocking step; return (hex digest, bytes)."""
    import hashlib

    digest = hashlib.new(algorithm)
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            declared = _declared_length(response)
            with _progress(declared, what) as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except urllib.error.HTTPError as error:  # Keras' words, so messages read the same as get_file's
        raise _Failed(f"URL fetch failure on {url}: {error.code} -- {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (socket.timeout, TimeoutError)):
            raise _TimedOut(_silent(url, timeout)) from None
        raise _Failed(f"URL fetch failure on {url}: {error.errno} -- {error.reason}") from None
    except (socket.timeout, TimeoutError):
        raise _TimedOut(_silent(url, timeout)) from None
    except http.client.IncompleteRead as error:
        raise _Failed(f"the download was cut short after {received + len(error.partial):,} bytes") from None
    except (OSError, http.client.HTTPException) as error:
        raise _Failed(f"{type(error).__name__}: {error}".strip()) from None
    if declared is not None and received < declared:
        raise _Failed(f"the download was cut short ({received:,} of {declared:,} bytes)")
    return digest.hexdigest(), received


def _silent(url, timeout):
    host = urllib.parse.urlsplit(url).netloc or url
    return (f"{host} sent nothing for {timeout:g} s, so the download was given up "
            f"(timed out; {TIMEOUT_VARIABLE} sets how long to wait)")


def _declared_length(response):
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _progress(total, what):
    """A progress bar (tqdm.auto: a widget in notebooks, a text line in a terminal, silent when logged)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=f"Downloading {what}",
                disable=None, leave=False)
