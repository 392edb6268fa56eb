"""What Part B of lab 07 (and lab 08 in full mode) can use here: ImageNet weights and photos, or the offline
stand-in, with every substitution said out loud.

On a machine with the network (or with the files already in the Keras cache), ImageNet transfer runs as
meant: ResNet50 with its ImageNet weights on tf_flowers (or your own folder). Offline, the same pipeline
runs on Fashion-MNIST with weights=None, so the code path is checked end to end, and `skipped` says what
was left out and why. In fast mode nothing is downloaded: a file is used only when it is already cached.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from ..data import DownloadError, load_dataset
from ..io import OFFLINE_VARIABLE, offline
from ..models import WeightsUnavailableError
from ..models.weights import cache_path, fetch_imagenet_weights, imagenet_weights_file

OFFLINE_CLASSES = range(5, 10)  # Sandal, Shirt, Sneaker, Bag, Ankle boot: as in Part A


@dataclass(frozen=True)
class LabInputs:
    """dataset: a data.Dataset; weights: "imagenet" or None; imagenet: True when both are the real thing;
    skipped: sentences, each naming what was replaced and why."""

    dataset: object
    weights: object
    imagenet: bool
    skipped: tuple

    def summary(self):
        lines = [self.dataset.summary().splitlines()[0], f"weights: {self.weights or 'None (random initialisation)'}"]
        lines += [f"skipped: {reason}" for reason in self.skipped]
        return "\n".join(lines)


@contextlib.contextmanager
def _no_downloads(active):
    """Within the block, the io layer refuses every download (RESNET_LAB_OFFLINE) and serves cached files only."""
    saved = os.environ.get(OFFLINE_VARIABLE)
    if active:
        os.environ[OFFLINE_VARIABLE] = "1"
    try:
        yield
    finally:
        if active:
            if saved is None:
                os.environ.pop(OFFLINE_VARIABLE, None)
            else:
                os.environ[OFFLINE_VARIABLE] = saved


def lab_inputs(mode, weights_name="resnet50", dataset="tf_flowers", folder=None, image_size=224, limit=None,
               offline_size=32, offline_limit=500, seed=0):
    """The data and weights for ImageNet transfer, or the offline stand-in.

    Args:
        mode: "fast" (use only what is cached, download nothing) or "full" (download what is missing).
        weights_name: the official weight file's stem ("resnet50", "resnet50v2", ...).
        dataset: "tf_flowers", or "folder" with `folder`.
        image_size: for the photos.
        limit: examples per split of the photos (None: all).
        offline_size, offline_limit: the stand-in's image size and examples per split.

    Returns:
        LabInputs.
    """
    skipped = []
    with _no_downloads(mode != "full"):
        weights = "imagenet"
        file_name = imagenet_weights_file(weights_name, include_top=False)[0]
        try:
            fetch_imagenet_weights(weights_name, include_top=False)  # offline: the cache only, no socket opened
        except WeightsUnavailableError:
            weights = None
            where = "not in the Keras cache" + (" and fast mode downloads nothing" if mode != "full" else
                                                 " and RESNET_LAB_OFFLINE is set" if offline() else
                                                 " and the download failed (offline?)")
            skipped.append(f"ImageNet weights ({file_name}): {where}; expected at {cache_path(file_name)}")
        photos = None
        if weights is not None:
            try:
                photos = load_dataset(dataset, image_size=image_size, limit=limit, path=folder, seed=seed)
            except (DownloadError, ValueError, OSError) as error:
                skipped.append(f"{dataset}: {str(error).splitlines()[0]}")
        else:
            skipped.append(f"{dataset}: not loaded, since ImageNet transfer needs the ImageNet weights")
    if weights is not None and photos is not None:
        return LabInputs(photos, "imagenet", True, ())
    if weights is not None:
        skipped.append("the ImageNet weights were found but are not used on the stand-in below")
    stand_in = load_dataset("fashion_mnist", image_size=offline_size, classes=OFFLINE_CLASSES, limit=offline_limit,
                            seed=seed)
    skipped.append(f"instead: the same pipeline on Fashion-MNIST ({', '.join(stand_in.class_names)}) at "
                   f"{offline_size} px with weights=None; its accuracy says nothing about ImageNet transfer")
    return LabInputs(stand_in, None, False, tuple(skipped))
