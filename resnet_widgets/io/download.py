import contextlib
import hashlib
import logging
import os
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

from .cache_dirs import OFFLINE_VARIABLE, cache_file, offline
from .hashing import file_digest
from .network import TIMEOUT_VARIABLE, network_timeout, unreachable_reason

ALGORITHMS = ("sha256", "md5")
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


def check_file_hash(file_hash, algorithm):
    """Return `file_hash` in lower case when it is a hex digest of `algorithm` (64 characters for sha256,
    32 for md5).

    Raises:
        TypeError: not a string.
        ValueError: not hexadecimal, or not the algorithm's length.
    """
    length = hashlib.new(algorithm).digest_size * 2
    message = (f"file_hash must be the file's {algorithm} digest, {length} hexadecimal characters (every download is "
               f"verified); received file_hash={file_hash!r}")
    if not isinstance(file_hash, str):
        raise TypeError(message)
    if len(file_hash) != length or not all(c in "0123456789abcdef" for c in file_hash.lower()):
        raise ValueError(message)
    return file_hash.lower()


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
        TypeError: `file_hash` is not a string (every download is verified; there is no "no check").
        ValueError: an unknown algorithm, or a `file_hash` that is not a hex digest of that algorithm's length.
        DownloadError: offline, unreachable, timed out, an HTTP error, or a file that keeps failing its
            checksum (the bad file is removed).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(map(repr, ALGORITHMS))}; received {algorithm!r}")
    expected = check_file_hash(file_hash, algorithm)
    what = what or file_name
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
    timeout = network_timeout()
    tries = max(1, int(attempts))
    reason = "no attempt made"
    for _ in range(tries):
        try:
            _download(url, path, algorithm, expected, timeout, what)
            return path, True
        except _TimedOut as error:
            raise failure(str(error)) from None  # no retry: a host that went silent once would cost the wait again
        except _Failed as error:
            reason = str(error)
    raise failure(f"{reason} (after {tries} attempts)" if tries > 1 else reason)


class _Failed(Exception):
    """One download attempt failed; the message says why, in a few words."""


class _TimedOut(_Failed):
    """The host stopped answering for the whole timeout."""


def _download(url, path, algorithm, expected, timeout, what):
    """One attempt: pooch fetches `url` into a temporary file beside `path`, checks it, and moves it into place.

    Raises:
        _TimedOut: the host sent nothing for `timeout` seconds.
        _Failed: any other failure, in a few words (the temporary file is gone).
    """
    import pooch
    import requests

    seen = {}  # what the downloader wrote, for the message when the checksum fails

    def download(source, output_file, pooch_instance):
        if urllib.parse.urlsplit(source).scheme == "file":
            _copy_local_file(source, output_file)
        else:
            bar = _progress(what)
            try:
                pooch.HTTPDownloader(timeout=timeout, chunk_size=CHUNK, progressbar=False if bar.disable else bar)(
                    source, output_file, pooch_instance)
            finally:
                bar.close()
        seen.update(size=os.path.getsize(output_file), digest=file_digest(output_file, algorithm))

    try:
        with _quiet(pooch.get_logger()):
            pooch.retrieve(url, known_hash=f"{algorithm}:{expected}", fname=path.name, path=path.parent,
                           downloader=download)
    except requests.exceptions.HTTPError as error:  # Keras' words, so messages read the same as get_file's
        response = error.response
        raise _Failed(f"URL fetch failure on {url}: {response.status_code} -- {response.reason}") from None
    except requests.exceptions.Timeout:
        raise _TimedOut(_silent(url, timeout)) from None
    except requests.exceptions.ChunkedEncodingError as error:  # the body ended before its Content-Length
        raise _Failed(f"the download was cut short ({_first_line(error)})") from None
    except requests.exceptions.ConnectionError as error:
        if _is_read_timeout(error):  # a stall mid-body reaches us as a ConnectionError
            raise _TimedOut(_silent(url, timeout)) from None
        raise _Failed(f"URL fetch failure on {url}: {_first_line(error)}") from None
    except requests.exceptions.RequestException as error:
        raise _Failed(f"{type(error).__name__}: {_first_line(error)}") from None
    except ValueError:  # pooch: the hash did not match, and it removed the file
        if "digest" not in seen:
            raise
        raise _Failed(
            f"the downloaded file failed its {algorithm} check (got {seen['digest']}, {seen['size']:,} bytes: "
            "truncated or corrupted) and was removed"
        ) from None
    except OSError as error:
        raise _Failed(f"{type(error).__name__}: {error}".strip()) from None


def _copy_local_file(url, output_file):
    """pooch's downloader protocol for file:// URLs (a local mirror): copy the file as it is."""
    source = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    shutil.copyfile(source, output_file)


def _is_read_timeout(error):
    import urllib3

    return any(isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in error.args)


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


@contextlib.contextmanager
def _quiet(logger):
    """pooch logs every download at INFO to stderr; a notebook must show no stderr (our progress bar says it)."""
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _silent(url, timeout):
    host = urllib.parse.urlsplit(url).netloc or url
    return (f"{host} sent nothing for {timeout:g} s, so the download was given up "
            f"(timed out; {TIMEOUT_VARIABLE} sets how long to wait)")


def _progress(what):
    """A progress bar (tqdm.auto: a widget in notebooks, a text line in a terminal, off when logged).

    pooch sets its total from the response; total=1 until then, because pooch asks `if progressbar:`, which is
    an error for a tqdm bar without a total.
    """
    from tqdm.auto import tqdm

    return tqdm(total=1, unit="B", unit_scale=True, unit_divisor=1024, desc=f"Downloading {what}",
                disable=None, leave=False)
