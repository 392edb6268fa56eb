"""Where the data layer looks for things. Every location can be moved with an environment variable.

The variables are read at call time, not at import, so a test (or a workshop machine) can point each
source somewhere else without touching the real system:

    RESNET_LAB_FASHION_MNIST_DIR  Debian's Fashion-MNIST folder (default: the catalog's, /usr/share/datasets/...)
    RESNET_LAB_DATASETS_DIR       the catalog and the committed data (default: the repository's datasets/)

Downloads and the decoded-image cache live under the package's one cache root, with the ImageNet weights
(RESNET_LAB_CACHE_DIR, RESNET_LAB_OFFLINE: see resnet_widgets.io).
"""

import os
from pathlib import Path

from ..io import cache_root


def env_path(variable, default):
    """Path from an environment variable when it is set and not empty, else `default`."""
    return Path(os.environ.get(variable) or default)


def decoded_cache_dir(cache_dir=None):
    """Where decoded, resized uint8 arrays are kept (beside the downloads, in their own folder)."""
    return cache_root(cache_dir) / "resnet_lab" / "decoded"


def datasets_dir():
    """The catalog and committed data: $RESNET_LAB_DATASETS_DIR, else the copy shipped with the package,
    else the repository's top-level datasets/ folder (an editable install or a clone)."""
    if os.environ.get("RESNET_LAB_DATASETS_DIR"):
        return Path(os.environ["RESNET_LAB_DATASETS_DIR"])
    shipped = Path(__file__).with_name("datasets")
    if (shipped / "catalog").is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "datasets"
