"""The official ImageNet weights: where they live, their checksums, and loading them.

The files and md5 hashes are keras.applications' own, so a file that keras.applications downloaded is
reused as it is. The download goes through the package's one I/O layer (resnet_widgets.io.fetch): the
offline switch, the reachability probe, a timeout on every request, the md5 check, and a damaged or
truncated copy removed and fetched again.

Where the file is kept: <cache root>/models/, which is Keras' own ~/.keras/models unless
RESNET_LAB_CACHE_DIR moves every download of the course (weights and data together) elsewhere. A file
already in Keras' cache is found there all the same, so moving the root costs no second download.
"""

import json

import numpy as np

from .. import arguments
from ..io import DownloadError, cache_file, fetch, keras_cache_dirs

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

# The names of the 1000 ImageNet classes, as keras.applications publishes them (decode_predictions reads it).
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
IMAGENET_CLASSES = 1000


class WeightsUnavailableError(DownloadError, RuntimeError):
    """The ImageNet weights were needed, were not in the cache, and could not be downloaded.

    A DownloadError (same attributes: url, path, reason, file_hash); also a RuntimeError, as it always was.
    """

    def __init__(self, weights_name, include_top, failed):
        self.weights_name, self.include_top = weights_name, include_top
        super().__init__(failed.what, failed.url, failed.path, failed.reason, failed.file_hash, failed.algorithm,
                         failed.size)

    def explain(self):
        return (
            f"The ImageNet weights for {self.weights_name} ({'with' if self.include_top else 'without'} the top) "
            f"are not in the cache and the download failed: {self.reason}\n"
            f"  URL: {self.url}\n"
            f"  md5: {self.file_hash}\n"
            f"Fetch the file by hand (on a machine that is online) and put it here, where it is picked up as is:\n"
            f"  {self.path}\n"
            "Or build the model with weights=None, which needs no network (random initialisation)."
        )


def imagenet_weights_file(weights_name, include_top):
    """Returns (file name, URL, md5) of the official weights of one variant, with or without the top.

    Raises:
        ValueError: an unknown weights_name.
        TypeError: include_top not True or False.
    """
    arguments.choice("weights_name", weights_name, tuple(MD5))
    include_top = arguments.boolean("include_top", include_top)
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return file_name, BASE_URL + file_name, MD5[weights_name][0 if include_top else 1]


def cache_path(file_name):
    """Where a weights file is kept, and where a copy fetched by hand is picked up (a str path)."""
    return str(cache_file(file_name, CACHE_SUBDIR))


def fetch_imagenet_weights(weights_name, include_top):
    """Path to the verified official weights file, downloading it on first use.

    Looks in the cache (and in Keras' own cache), then downloads. A cached file whose md5 differs is
    removed and fetched again; a download that fails the md5 is removed, never loaded.

    Raises:
        WeightsUnavailableError: the download failed (offline, say). The message gives the URL, the md5,
            the path where a copy fetched by hand is picked up, and the offline alternative.
    """
    file_name, url, md5 = imagenet_weights_file(weights_name, include_top)
    what = f"the {weights_name} ImageNet weights"
    try:
        path, _ = fetch(url, file_name, subdir=CACHE_SUBDIR, file_hash=md5, algorithm="md5", what=what,
                        also_look_in=keras_cache_dirs(CACHE_SUBDIR))
    except DownloadError as failed:
        raise WeightsUnavailableError(weights_name, include_top, failed) from None
    return str(path)


def imagenet_class_index():
    """The ImageNet classes in output order: a list of 1000 (WordNet id, name) pairs, e.g. ("n01440764", "tench").

    The same file keras.applications uses (imagenet_class_index.json, verified by md5), fetched through the same
    I/O layer as the weights: cached in <cache root>/models, found in Keras' own cache too, and refused offline.

    Raises:
        DownloadError: the file is not cached and cannot be downloaded (the message says where to put it).
    """
    path, _ = fetch(CLASS_INDEX_URL, "imagenet_class_index.json", subdir=CACHE_SUBDIR, file_hash=CLASS_INDEX_MD5,
                    algorithm="md5", what="the ImageNet class names", also_look_in=keras_cache_dirs(CACHE_SUBDIR))
    with open(path, encoding="utf-8") as handle:
        index = json.load(handle)
    return [tuple(index[str(i)]) for i in range(IMAGENET_CLASSES)]


def decode_imagenet_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction, best first, as keras.applications' decode_predictions gives
    them: one list per example of (WordNet id, class name, score).

    Args:
        preds: the model's output for a batch, shape (N, 1000) (an array or a backend tensor).
        top: how many classes per example, 1 to 1000.

    Raises:
        ValueError / TypeError: `preds` not shaped (N, 1000), or a bad `top`.
        DownloadError: the class names are not cached and cannot be downloaded.
    """
    import keras

    scores = np.asarray(keras.ops.convert_to_numpy(preds))
    if scores.ndim != 2 or scores.shape[1] != IMAGENET_CLASSES:
        raise ValueError(
            f"preds must be a batch of ImageNet predictions shaped (N, {IMAGENET_CLASSES}); received shape "
            f"{scores.shape}" + (" (one prediction? add a batch axis: preds[None])" if scores.ndim == 1 else "")
        )
    top = arguments.whole_number("top", top, minimum=1, maximum=IMAGENET_CLASSES, meaning="classes per example")
    classes = imagenet_class_index()
    results = []
    for row in scores:
        best = np.argsort(-row, kind="stable")[:top]  # stable: equal scores keep class order
        results.append([classes[i] + (row[i],) for i in best])
    return results
