"""The mosaic segmentation task, its FPN-like head, IoU, and the trivial baseline."""

import numpy as np
import pytest

from resnet_widgets.inside.features import nearest_class_mean_accuracy
from resnet_widgets.inside.segmentation import (
    intersection_over_union, mean_iou, mosaics, segmentation_head, silhouette_baseline,
)

pytestmark = pytest.mark.backend_neutral


def items():
    # Two 4x4 "garments": class 0 lights its top half, class 1 its left half.
    top, left = np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8)
    top[:2], left[:, :2] = 200, 200
    return np.stack([top, left]), np.array([0, 1])


def test_a_mosaic_labels_each_garment_pixel_with_its_class_and_the_rest_background():
    images, labels = items()
    pictures, masks = mosaics(images, labels, count=3, grid=2, threshold=32, seed=0)
    assert pictures.shape == (3, 8, 8, 1) and masks.shape == (3, 8, 8)
    for picture, mask in zip(pictures, masks):
        lit = picture[..., 0] > 32
        assert np.all(mask[~lit] == 0)
        for row in (0, 4):
            for column in (0, 4):
                cell, tile = mask[row:row + 4, column:column + 4], picture[row:row + 4, column:column + 4, 0]
                garment = 0 if tile[0, 3] > 32 else 1  # only the top-half item lights the top-right pixel
                assert set(np.unique(cell[tile > 32])) == {1 + garment}


def test_iou_counts_intersection_over_union_per_class():
    truth = np.array([[0, 0, 1, 1]])
    prediction = np.array([[0, 1, 1, 1]])
    np.testing.assert_allclose(intersection_over_union(truth, prediction, 3), [1 / 2, 2 / 3, np.nan])
    assert mean_iou(truth, prediction, 3) == pytest.approx((1 / 2 + 2 / 3) / 2)
    with pytest.raises(ValueError, match="same shape"):
        intersection_over_union(truth, prediction[:, :2], 3)


def test_the_baseline_knows_the_silhouette_and_nothing_else():
    images, labels = items()
    pictures, masks = mosaics(images, labels, count=20, seed=1)
    baseline = silhouette_baseline(pictures, masks)
    ious = intersection_over_union(masks, baseline, 3)
    assert ious[0] == 1.0  # background exactly right
    majority = 1 + np.argmax(np.bincount(masks[masks > 0] - 1))
    assert set(np.unique(baseline[baseline > 0])) == {majority}


def test_the_head_returns_class_scores_at_the_input_resolution():
    head = segmentation_head({"C3": (8, 8, 4), "C4": (4, 4, 8), "C5": (2, 2, 16)}, classes=3, input_size=16, width=4)
    out = head.predict({"C3": np.zeros((2, 8, 8, 4)), "C4": np.zeros((2, 4, 4, 8)), "C5": np.zeros((2, 2, 2, 16))},
                       verbose=0)
    assert out.shape == (2, 16, 16, 3)
    with pytest.raises(ValueError, match="halve the side"):
        segmentation_head({"C3": (8, 8, 4), "C5": (2, 2, 16)}, classes=3, input_size=16)


def test_nearest_class_means_separate_separable_features():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 50)
    separable = rng.normal(size=(100, 2, 2, 3)) + labels[:, None, None, None] * 5
    noise = rng.normal(size=(100, 2, 2, 3))
    assert nearest_class_mean_accuracy(separable, labels, separable, labels) == 1.0
    assert nearest_class_mean_accuracy(noise[:50], labels[::2], noise[50:], labels[1::2]) < 0.8
