"""What Part B of lab 07 (and lab 08 in full mode) can use here: ImageNet weights and photos, or an offline
transfer that means something, with every substitution said out loud.

On a machine with the network (or with the files already in the Keras cache), ImageNet transfer runs as
meant: ResNet50 with its ImageNet weights on tf_flowers (or your own folder). Offline, the same pipeline runs
with a base that really was pretrained: the course ResNet, pretrained on five Fashion-MNIST classes, on the
five classes it never saw. Its accuracy, confusion matrix and mistakes are a real transfer result, on other data;
`skipped` says what the online path would have used instead, and why it was not. (A base with random weights
would only check that the code runs, and its numbers would mean nothing.) In fast mode nothing is downloaded:
a file is used only when it is already cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from resnet_widgets.data import DownloadError, load_dataset
from resnet_widgets.io import OFFLINE_VARIABLE, offline
from resnet_widgets.models import WeightsUnavailableError
from resnet_widgets.models.weights import cache_path, fetch_imagenet_weights, imagenet_weights_file

from .environment import environment_variables

OFFLINE_CLASSES = range(5, 10)  # Sandal, Shirt, Sneaker, Bag, Ankle boot: as in Part A


@dataclass(frozen=True)
class LabInputs:
    """What the lab trains on.

    Attributes:
        dataset: a data.Dataset.
        base: the variant's name (with `weights`) or the offline base, a keras.Model (the course ResNet without
            its head, pretrained).
        weights: "imagenet", or None when `base` is a model that carries its own weights.
        imagenet: True when both the weights and the photos are the real thing.
        base_name: how the lab names the base.
        skipped: sentences, each naming what was replaced and why.
        augment: what build_transfer_model's `augment` should be: True (flips, rotations and zooms, for photos),
            or, for the course ResNet, the augmentation it was pretrained with (flip and shift): rotated and
            zoomed 32x32 garments give features the base never learnt to give, and the head learns more slowly
            from them.
    """

    dataset: object
    base: object
    weights: object
    imagenet: bool
    base_name: str
    skipped: tuple
    augment: object = True

    def summary(self):
        lines = [self.dataset.summary().splitlines()[0], f"base: {self.base_name}"]
        lines += [f"skipped: {reason}" for reason in self.skipped]
        return "\n".join(lines)


def _no_downloads(active):
    """Within the block, the io layer refuses every download (RESNET_LAB_OFFLINE) and serves cached files only."""
    return environment_variables({OFFLINE_VARIABLE: "1"} if active else {})


def lab_inputs(mode, weights_name="resnet50", dataset="tf_flowers", folder=None, image_size=224, limit=None,
               offline_limit=1000, seed=0):
    """The data and base for ImageNet transfer, or the offline transfer with the course ResNet.

    Args:
        mode: "fast" (use only what is cached, download nothing) or "full" (download what is missing).
        weights_name: the official weight file's stem ("resnet50", "resnet50v2", ...).
        dataset: "tf_flowers", or "folder" with `folder`.
        image_size: for the photos.
        limit: examples per split of the photos (None: all).
        offline_limit: examples per split of the offline transfer's data (Fashion-MNIST's five other classes,
            at the course ResNet's 32x32).

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
        return LabInputs(photos, weights_name, "imagenet", True, f"{weights_name} with its ImageNet weights", ())
    if weights is not None:
        skipped.append("the ImageNet weights were found but are not used without the photos")
    from resnet_widgets.data import augmentation_layers
    from resnet_widgets.training.course_resnet import COURSE_RESNET_CLASSES, COURSE_RESNET_IMAGE_SIZE, course_resnet
    from .pretraining import RECIPE

    offline_data = load_dataset("fashion_mnist", image_size=COURSE_RESNET_IMAGE_SIZE, classes=OFFLINE_CLASSES,
                                limit=offline_limit, seed=seed)
    skipped.append(f"instead: the same pipeline with the course ResNet, pretrained on {', '.join(COURSE_RESNET_CLASSES)}, "
                   f"transferred to the five classes it never saw ({', '.join(offline_data.class_names)}): a real "
                   "transfer, on other data than photos")
    base = course_resnet(pretrained=True, include_top=False)
    pretraining = RECIPE["augmentation"]
    augment = augmentation_layers(flip=pretraining["flip"], rotation=0.0, zoom=0.0,
                                  translation=pretraining["translation"], seed=seed)
    return LabInputs(offline_data, base, None, False, "the course ResNet (pretrained on five other Fashion-MNIST "
                     "classes)", tuple(skipped), augment)
