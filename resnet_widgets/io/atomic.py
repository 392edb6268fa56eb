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


def write_atomically(path, data):
    """Write `data` (bytes, or str as UTF-8) to `path` so that `path` is the old file or the new one, never half.

    The data go to a temporary sibling, which is flushed to disk and then renamed over `path`; on any error
    the temporary is removed and `path` is left as it was.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    temporary = temporary_sibling(path, "part")
    try:
        with open(temporary, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
    return path


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
