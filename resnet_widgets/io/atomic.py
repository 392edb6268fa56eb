"""Files that appear complete or not at all: write to a temporary sibling, then rename it into place.

A download and the decoded-image cache both write this way, so a process killed mid-write never leaves a
file under the final name that a later run would take for the real one. The temporary name carries the
writer's process id, so a later writer can delete what a dead one left behind.
"""

import os
import secrets
from pathlib import Path


def temporary_sibling(path, suffix):
    """A fresh name in `path`'s folder: `.<name>.<pid>.<random>.<suffix>` (hidden, never the final name)."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{suffix}")


def remove_stale_temporaries(path, suffix):
    """Delete the temporary siblings of `path` whose writer process is gone (killed mid-write)."""
    path = Path(path)
    if not path.parent.is_dir():
        return
    for temporary in path.parent.glob(f".{path.name}.*.{suffix}"):
        try:
            pid = int(temporary.name[len(path.name) + 2:].split(".")[0])
        except ValueError:
            continue
        if not _process_alive(pid):
            temporary.unlink(missing_ok=True)


def fsync_folder(folder):
    """Make a rename inside `folder` durable where the platform allows it (not on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def replace_atomically(path, write, suffix="part", before_replace=None):
    """Create or replace `path` so that it is the old file or the new one, never half: the one way files are written.

    `write(temporary)` fills a temporary sibling of `path` (named by `temporary_sibling(path, suffix)`), which is
    then flushed to disk and renamed over `path`; on any error the temporary is removed and `path` is left as it
    was. Callers whose writer picks a format from the name (Keras' `.keras`, `.weights.h5`) end `suffix` with
    `path`'s own suffixes.

    Args:
        path: the final file (its folder is created when needed).
        write: a callable that writes the whole file to the path it is given.
        suffix: the end of the temporary's name, which `remove_stale_temporaries(path, suffix)` looks for.
        before_replace: None, or a callable (temporary, path) run when the temporary is complete, just before
            the rename (the kill-and-resume test kills the process there).

    Returns:
        `path`, as a Path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_sibling(path, suffix)
    try:
        write(temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        if before_replace is not None:
            before_replace(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
    return path


def write_atomically(path, data):
    """Write `data` (bytes, or str as UTF-8) to `path` through `replace_atomically`."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return replace_atomically(path, lambda temporary: Path(temporary).write_bytes(payload))


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:  # a pid that cannot exist here
        return False
    return True
