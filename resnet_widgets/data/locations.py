"""Where the data layer looks for things. Every location can be moved with an environment variable.

The variables are read at call time, not at import, so a test (or a workshop machine) can point each
source somewhere else without touching the real system:

    RESNET_LAB_FASHION_MNIST_DIR  Debian's Fashion-MNIST folder (default: the catalog's, /usr/share/datasets/...)
    RESNET_LAB_CACHE_DIR          root for downloads and decoded images (default: Keras' own root, below)
    KERAS_HOME                    the Keras cache root, as Keras reads it (default ~/.keras)
    RESNET_LAB_DATASETS_DIR       the catalog and the committed data (default: the repository's datasets/)
    RESNET_LAB_OFFLINE            "1" skips every download attempt (tests set it; so can offline workshops)
"""

import os
import tempfile
from pathlib import Path


def env_path(variable, default):
    """Path from an environment variable when it is set and not empty, else `default`."""
    return Path(os.environ.get(variable) or default)


def keras_home(cache_dir=None):
    """The cache root that keras.utils.get_file writes under, resolved the way Keras resolves it.

    Args:
        cache_dir: an explicit root (load_dataset's `cache_dir`), or None for $RESNET_LAB_CACHE_DIR,
            else $KERAS_HOME, else ~/.keras (so downloads are shared with Keras' own).

    Returns:
        Path. Like get_file, falls back to <tmp>/.keras when the root is not writable, so the paths we
        print ("place the file here") are the paths get_file really uses.
    """
    cache_dir = cache_dir if cache_dir is not None else os.environ.get("RESNET_LAB_CACHE_DIR") or None
    if cache_dir is not None:
        root = Path(cache_dir).expanduser()
    elif os.environ.get("KERAS_HOME"):
        root = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        home = Path("~").expanduser()
        root = (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"
    if root.exists() and not os.access(root, os.W_OK):
        root = Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()) / ".keras"
    return root


def decoded_cache_dir(cache_dir=None):
    """Where decoded, resized uint8 arrays are kept (beside Keras' downloads, in their own folder)."""
    return keras_home(cache_dir) / "resnet_lab" / "decoded"


def datasets_dir():
    """The catalog and committed data: $RESNET_LAB_DATASETS_DIR, else the copy shipped with the package,
    else the repository's top-level datasets/ folder (an editable install or a clone)."""
    if os.environ.get("RESNET_LAB_DATASETS_DIR"):
        return Path(os.environ["RESNET_LAB_DATASETS_DIR"])
    shipped = Path(__file__).with_name("datasets")
    if (shipped / "catalog").is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "datasets"


def offline():
    """True when RESNET_LAB_OFFLINE asks us not to try the network at all."""
    return os.environ.get("RESNET_LAB_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")
