"""Feature maps: what each stage of a ResNet computes from an image, as arrays and as a grid plot."""

from __future__ import annotations

import keras
import numpy as np

from .. import arguments
from ..graph import unfold
from ..layer_gradients import check_model_images
from .backbone import _check_levels, _levels_of, _model_of

STAGES = ("conv1", "conv2", "conv3", "conv4", "conv5")
_STAGE_LEVEL = {"conv2": "C2", "conv3": "C3", "conv4": "C4", "conv5": "C5"}
# The stem's output: activated in v1; v2 leaves BN + ReLU to the first block, so its conv is the output.
_STEM_LAYERS = ("conv1_relu", "conv1_conv")


def stage_layers(model) -> dict:
    """{stage: layer name} for the stages of `model`: conv1 (the stem's 7x7 convolution), conv2..conv5.

    conv2..conv5 are the backbone levels C2..C5 (see levels.py for the V2 detail).
    """
    levels = _levels_of(model)
    names = {}
    unfolded = unfold(model, input_shape=_probe_shape(model))
    stem = next((n for n in _STEM_LAYERS if n in unfolded.tensors), None)
    if stem is not None:
        names["conv1"] = stem
    for stage, level in _STAGE_LEVEL.items():
        if level in levels:
            names[stage] = levels[level]
    return names


def feature_maps(model, images, stages=STAGES, batch_size=None, pooled=False) -> dict:
    """The activations of each stage of a ResNet for a batch of images.

    Args:
        model: a ResNet or a model that wraps one (see `backbone`).
        images: (N, height, width, channels), prepared as the model expects them.
        stages: which of "conv1" (the stem's convolution), "conv2" .. "conv5" (at strides 2, 4, 8, 16, 32 in
            the ImageNet layout; 1, 1, 2, 4, 8 in the course's small ResNet).
        batch_size: images per forward pass; None runs them all at once. Every layer's activations for a whole
            batch exist during its pass, so hundreds of images at once cost hundreds of MB more than the maps
            returned (a 2 GB Binder session feels it); the maps are the same either way.
        pooled: True averages each map over its locations as each batch is computed (one value per channel, as
            the network's own global pooling does), so only (N, c) vectors are ever held for all the images.

    Returns:
        {stage: (N, h, w, c) float32 array}, in the order of `stages`; with pooled=True {stage: (N, c) float64
        array}, each the mean over h and w.

    Raises:
        ValueError, TypeError: an unknown stage (the message lists the model's stages), bad images
            (shape, dtype), a batch_size that is not a whole number >= 1, or a model without ResNet layer names.
    """
    model = _model_of(model, weights=None, input_shape=None)
    images = check_model_images(model, images)
    if batch_size is not None:
        batch_size = arguments.positive_int("batch_size", batch_size, meaning="images per forward pass")
    pooled = arguments.boolean("pooled", pooled, meaning="average each map over its locations")
    available = stage_layers(model)
    wanted = _check_levels(stages, available, model)
    unfolded = unfold(model, input_shape=images.shape[1:])
    probe = keras.Model(unfolded.input, [unfolded.tensors[available[s]] for s in wanted])
    step = len(images) if batch_size is None else batch_size
    parts = {stage: [] for stage in wanted}
    for start in range(0, len(images), max(step, 1)):
        outputs = probe(images[start : start + step], training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for stage, out in zip(wanted, outputs):
            maps = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32)
            parts[stage].append(maps.mean(axis=(1, 2), dtype=np.float64) if pooled else maps)
    return {stage: np.concatenate(arrays) if len(arrays) > 1 else arrays[0] for stage, arrays in parts.items()}


def strongest_channels(feature_map, count):
    """Indices of the `count` channels with the largest mean activation in one (h, w, c) map."""
    means = np.asarray(feature_map).reshape(-1, feature_map.shape[-1]).mean(axis=0)
    return np.argsort(means)[::-1][:count]


def plot_feature_maps(maps, image_index=0, channels=6, figsize=None):
    """A grid: one row per stage, its `channels` most active channels for one image.

    Args:
        maps: the dict `feature_maps` returns.
        image_index: which image of the batch.
        channels: channels shown per stage (the most active ones, by mean).
        figsize: matplotlib figure size; None picks one from the grid.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError, TypeError: an image index outside the batch, a channel count below 1.
    """
    import matplotlib.pyplot as plt

    channels = arguments.positive_int("channels", channels, "channels shown per stage")
    count = len(next(iter(maps.values())))
    image_index = arguments.whole_number("image_index", image_index, minimum=0, maximum=count - 1)
    columns = channels + 1
    fig, axes = plt.subplots(len(maps), columns, figsize=figsize or (1.3 * columns, 1.35 * len(maps)), squeeze=False)
    for row, (stage, stack) in zip(axes, maps.items()):
        fmap = stack[image_index]
        for ax in row:
            ax.set_axis_off()
        row[0].text(0.5, 0.5, f"{stage}\n{fmap.shape[0]}x{fmap.shape[1]}\n{fmap.shape[2]} channels",
                    ha="center", va="center", fontsize=8, transform=row[0].transAxes)
        for ax, channel in zip(row[1:], strongest_channels(fmap, channels)):
            ax.imshow(fmap[..., channel], cmap="viridis")
            ax.set_title(f"channel {channel}", fontsize=7)
    fig.tight_layout()
    return fig


def _probe_shape(model):
    source = tuple(model.inputs[0].shape[1:])
    return tuple(224 if side is None else side for side in source[:2]) + tuple(source[2:])


def nearest_class_mean_accuracy(train_features, train_labels, test_features, test_labels):
    """How well a stage's features separate the classes, without training anything.

    Each image's feature map is averaged over its locations (one value per channel, as the network's own
    global pooling does); each class is represented by the mean of its training images' vectors; a test
    image gets the class of the nearest mean (Euclidean distance, after scaling every channel to unit
    variance on the training images, so that wide channels do not dominate).

    Args:
        train_features, test_features: (N, h, w, c) feature maps (or (N, c) vectors).
        train_labels, test_labels: (N,) integer labels.

    Returns:
        The accuracy on the test images, a float in [0, 1].
    """
    def pooled(features):
        features = np.asarray(features, dtype=np.float64)
        return features.mean(axis=(1, 2)) if features.ndim == 4 else features

    train, test = pooled(train_features), pooled(test_features)
    train_labels, test_labels = np.asarray(train_labels), np.asarray(test_labels)
    scale = train.std(axis=0) + 1e-8
    train, test = train / scale, test / scale
    classes = np.unique(train_labels)
    means = np.stack([train[train_labels == c].mean(axis=0) for c in classes])
    distances = ((test[:, None, :] - means[None]) ** 2).sum(axis=-1)
    return float(np.mean(classes[np.argmin(distances, axis=1)] == test_labels))
