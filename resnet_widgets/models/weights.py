"""The official ImageNet weights: where they live, their checksums, and loading them.

The files and md5 hashes are keras.applications' own, so a file already in the Keras cache from
keras.applications is reused as it is. Downloads go through keras.utils.get_file, which verifies the
md5 and fetches again when a cached copy is corrupted or truncated.
"""

import os
import tempfile

import keras

from ..data.download import file_digest

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"

# weights_name: (md5 with top, md5 without top), as published with keras.applications.
MD5 = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
CACHE_SUBDIR = "models"


class WeightsUnavailableError(RuntimeError):
    """The ImageNet weights were needed, were not in the cache, and could not be downloaded."""


def imagenet_weights_file(weights_name, include_top):
    """Returns (file name, URL, md5) of the official weights of one variant, with or without the top."""
    if weights_name not in MD5:
        raise ValueError(f"weights_name must be one of {', '.join(MD5)}; received {weights_name!r}")
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return file_name, BASE_URL + file_name, MD5[weights_name][0 if include_top else 1]


def cache_path(file_name):
    """Where keras.utils.get_file keeps (and looks for) a downloaded weights file."""
    from keras.src.backend.config import keras_home  # the one place keras decides its cache folder

    base = os.path.expanduser(keras_home())
    if not os.access(base, os.W_OK):  # get_file falls back to a temporary folder then; so must the message
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return os.path.join(base, CACHE_SUBDIR, file_name)


def file_md5(path):
    """Hex md5 of a file (keras.applications publishes md5 hashes for its weight files)."""
    return file_digest(path, "md5")


def fetch_imagenet_weights(weights_name, include_top):
    """Path to the verified official weights file, downloading it on first use.

    A cached file whose md5 differs is fetched again (keras.utils.get_file); a downloaded file that
    fails the md5 is removed, never loaded.

    Raises:
        WeightsUnavailableError: the download failed (offline, say). The message gives the URL, the path
            where a copy fetched by hand is picked up, and the offline alternative.
    """
    file_name, url, md5 = imagenet_weights_file(weights_name, include_top)
    target = cache_path(file_name)
    try:
        return keras.utils.get_file(file_name, url, cache_subdir=CACHE_SUBDIR, file_hash=md5, hash_algorithm="md5")
    except Exception as error:  # keras raises bare Exception for URL failures, ValueError for a bad hash
        # get_file leaves a downloaded file that fails its hash in place; it must never be loaded.
        if os.path.exists(target) and file_md5(target) != md5:
            os.remove(target)
        raise WeightsUnavailableError(
            f"The ImageNet weights for {weights_name} ({'with' if include_top else 'without'} the top) are not in the "
            f"Keras cache and the download failed: {error}\n"
            f"  URL: {url}\n"
            f"  md5: {md5}\n"
            f"Fetch the file by hand (on a machine that is online) and put it here, where it is picked up as is:\n"
            f"  {target}\n"
            "Or build the model with weights=None, which needs no network (random initialisation)."
        ) from None
