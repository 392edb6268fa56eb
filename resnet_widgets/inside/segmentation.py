"""A tiny segmentation task and head on a ResNet backbone: mosaics of Fashion-MNIST items, a class per pixel.

The task: a 2x2 mosaic of garment images; every pixel gets the class of the garment it belongs to
(1..k), or 0 where it is background (darker than `threshold`). A network must find the silhouettes *and*
recognise each garment, which is what a segmentation head on a classification backbone is for.

The head is FPN-like (Lin et al. 2017, arXiv 1612.03144, section 3): a 1x1 "lateral" convolution brings
each backbone level to the same width, the coarsest level is upsampled x2 and added to the next finer one
(the top-down pathway), a 3x3 convolution smooths the sum, a 1x1 convolution gives the class scores, and
a bilinear upsampling takes them to the input's resolution.

The measure is the intersection over union per class, |prediction ∩ truth| / |prediction ∪ truth| over
all held-out pixels, and its mean over classes (mIoU), against a trivial baseline that knows the
silhouettes exactly (the same threshold) and gives every foreground pixel the most frequent class.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .. import arguments

BACKGROUND = 0


def mosaics(images, labels, count, grid=2, threshold=32, seed=0):
    """Mosaics of `grid` x `grid` images and their masks (0 background, 1 + label elsewhere).

    Args:
        images: (N, s, s) or (N, s, s, channels) uint8 images (e.g. Fashion-MNIST, resized).
        labels: (N,) class indices 0..k-1.
        count: how many mosaics.
        grid: items per side.
        threshold: pixels whose brightness (mean over channels) is at most this are background.
        seed: which items go where.

    Returns:
        (mosaic images (count, grid*s, grid*s, channels) uint8, masks (count, grid*s, grid*s) int64).

    Raises:
        ValueError, TypeError: bad shapes, counts, or a threshold outside 0..255.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    arguments.image_batch("images", images, channels=(1, 3), min_size=1)
    labels = arguments.class_labels("labels", labels, int(np.max(labels)) + 1 if len(labels) else 1)
    if len(labels) != len(images):
        raise ValueError(f"labels must hold one label per image ({len(images)}); received {len(labels)}")
    count = arguments.positive_int("count", count, "mosaics to make")
    grid = arguments.positive_int("grid", grid, "items per side")
    threshold = arguments.whole_number("threshold", threshold, minimum=0, maximum=255, meaning="background brightness")
    side, channels = images.shape[1], images.shape[3]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(images), size=(count, grid, grid))
    out = np.zeros((count, grid * side, grid * side, channels), dtype=np.uint8)
    masks = np.zeros((count, grid * side, grid * side), dtype=np.int64)
    for row in range(grid):
        for column in range(grid):
            chosen = picks[:, row, column]
            tiles = images[chosen]
            where = (slice(None), slice(row * side, (row + 1) * side), slice(column * side, (column + 1) * side))
            out[where] = tiles
            foreground = tiles.mean(axis=-1) > threshold
            masks[where] = np.where(foreground, 1 + labels[chosen][:, None, None], BACKGROUND)
    return out, masks


def segmentation_head(feature_shapes, classes, input_size, width=32, name="segmentation_head"):
    """An FPN-like decoder from backbone levels to per-pixel class scores (logits) at the input's size.

    Args:
        feature_shapes: {level: (h, w, channels)}, e.g. {"C3": (32, 32, 32), "C4": ..., "C5": ...}; each
            level halves the previous one's side.
        classes: classes per pixel (background included).
        input_size: side of the backbone's input: the scores are upsampled to it.
        width: channels of the decoder.
        name: the model's name.

    Returns:
        A keras.Model taking a dict {level: feature map} and returning (N, input_size, input_size, classes).

    Raises:
        ValueError, TypeError: fewer than one level, sides that do not halve, bad counts.
    """
    classes = arguments.whole_number("classes", classes, minimum=2, meaning="classes per pixel, background included")
    width = arguments.positive_int("width", width, "channels of the decoder")
    input_size = arguments.positive_int("input_size", input_size, "side of the backbone's input")
    if not feature_shapes:
        raise ValueError("feature_shapes must name at least one level, e.g. {'C5': (4, 4, 128)}")
    fine_to_coarse = sorted(feature_shapes, key=lambda level: -feature_shapes[level][0])
    for finer, coarser in zip(fine_to_coarse, fine_to_coarse[1:]):
        if feature_shapes[finer][0] != 2 * feature_shapes[coarser][0]:
            raise ValueError(f"each level must halve the side of the one before; {finer} is "
                             f"{feature_shapes[finer][:2]}, {coarser} is {feature_shapes[coarser][:2]}")
    inputs = {level: keras.Input(tuple(shape), name=level) for level, shape in feature_shapes.items()}
    x = None
    for level in reversed(fine_to_coarse):  # the top-down pathway: coarsest first
        lateral = layers.Conv2D(width, 1, name=f"lateral_{level}")(inputs[level])
        x = lateral if x is None else layers.Add(name=f"merge_{level}")(
            [layers.UpSampling2D(2, name=f"up_to_{level}")(x), lateral])
    x = layers.Conv2D(width, 3, padding="same", activation="relu", name="smooth")(x)
    x = layers.Conv2D(classes, 1, name="class_scores")(x)
    factor = input_size // feature_shapes[fine_to_coarse[0]][0]
    if factor > 1:
        x = layers.UpSampling2D(factor, interpolation="bilinear", name="to_input_size")(x)
    return keras.Model(inputs, x, name=name)


def intersection_over_union(truth, prediction, classes):
    """IoU of each class over all pixels: |P ∩ T| / |P ∪ T| (NaN for a class absent from both).

    Args:
        truth, prediction: integer masks of the same shape.
        classes: number of classes.

    Returns:
        (classes,) float64.

    Raises:
        ValueError: masks of different shapes.
    """
    truth, prediction = np.asarray(truth), np.asarray(prediction)
    if truth.shape != prediction.shape:
        raise ValueError(f"truth and prediction must have the same shape; received {truth.shape} and {prediction.shape}")
    ious = np.full(classes, np.nan)
    for c in range(classes):
        t, p = truth == c, prediction == c
        union = np.logical_or(t, p).sum()
        if union:
            ious[c] = np.logical_and(t, p).sum() / union
    return ious


def mean_iou(truth, prediction, classes):
    """The mean over classes of `intersection_over_union` (classes absent from both are left out)."""
    return float(np.nanmean(intersection_over_union(truth, prediction, classes)))


def silhouette_baseline(images, train_masks, threshold=32):
    """The trivial baseline: the exact silhouette (the mask's own threshold), every garment the most common class.

    Args:
        images: (N, H, W, channels) uint8 mosaics to predict.
        train_masks: training masks, to find the most frequent foreground class.
        threshold: as in `mosaics`.

    Returns:
        (N, H, W) int64 masks.
    """
    train_masks = np.asarray(train_masks)
    counts = np.bincount(train_masks[train_masks != BACKGROUND].ravel())
    majority = int(np.argmax(counts)) if counts.size else BACKGROUND
    foreground = np.asarray(images).mean(axis=-1) > threshold
    return np.where(foreground, majority, BACKGROUND).astype(np.int64)
