"""The one I/O layer: where downloads live, how they are fetched and verified, and when not to try.

    from resnet_widgets.io import cache_file, fetch, offline
    path, downloaded = fetch(url, "file.h5", subdir="models", file_hash=md5, algorithm="md5")

Every download of the package goes through here: the ImageNet weights (`models.weights`), the datasets
(`data`), and whatever comes later. So they share one cache root, one offline switch, one timeout and one
way of failing (`DownloadError`, which names the URL, the checksum and the path where a copy fetched by
hand is picked up). Importing it loads the standard library only; Keras is never needed here.

Environment variables, read at call time (so a test or a workshop machine can move each one):

    RESNET_LAB_CACHE_DIR        the cache root of every download (default: Keras' own, $KERAS_HOME or ~/.keras)
    RESNET_LAB_OFFLINE          "1" refuses every download before any socket is opened
    RESNET_LAB_NETWORK_TIMEOUT  seconds a connection may stay silent before it is given up (default 60)
"""

from .atomic import fsync_folder, remove_stale_temporaries, replace_atomically, temporary_sibling, write_atomically
from .cache_dirs import CACHE_VARIABLE, OFFLINE_VARIABLE, cache_file, cache_root, keras_cache_dirs, offline
from .download import DownloadError, fetch
from .hashing import file_digest
from .network import TIMEOUT_VARIABLE, can_connect, network_timeout, unreachable_reason

__all__ = [
    "CACHE_VARIABLE",
    "DownloadError",
    "OFFLINE_VARIABLE",
    "TIMEOUT_VARIABLE",
    "cache_file",
    "cache_root",
    "can_connect",
    "fetch",
    "file_digest",
    "fsync_folder",
    "keras_cache_dirs",
    "network_timeout",
    "offline",
    "remove_stale_temporaries",
    "replace_atomically",
    "temporary_sibling",
    "unreachable_reason",
    "write_atomically",
]
