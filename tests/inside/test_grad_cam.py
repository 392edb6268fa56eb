"""Grad-CAM: it points at the evidence for the class asked about, follows the paper's formula, and reads any ResNet."""

import keras
import numpy as np
import pytest
from keras import layers

from resnet_widgets.inside import grad_cam, upsample
from resnet_widgets.models import ResNet50

from .conftest import SIZE, transfer_model

pytestmark = pytest.mark.backend_neutral

SIDE = 32
BRIGHT_REGION = (slice(4, 12), slice(20, 28))   # rows 4-11, columns 20-27: top right
DARK_REGION = (slice(22, 30), slice(2, 10))     # rows 22-29, columns 2-9: bottom left


def evidence_model():
    """A classifier whose class 0 is "something bright", class 1 "something dark", read by location.

    Channel 0 of `features` responds to bright 5x5 patches, channel 1 to dark ones (fixed kernels, ReLU),
    each pooled 4x4 so the map is 8x8; the head averages each channel into its own class score. So the
    evidence for each class sits exactly where its patch is.
    """
    inputs = keras.Input((SIDE, SIDE, 1))
    conv = layers.Conv2D(2, 5, padding="same", activation="relu", name="detect")
    x = conv(inputs)
    x = layers.AveragePooling2D(4, name="features")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    dense = layers.Dense(2, activation="softmax", name="scores")
    outputs = dense(x)
    model = keras.Model(inputs, outputs)
    kernel = np.zeros((5, 5, 1, 2), dtype="float32")
    kernel[..., 0, 0], kernel[..., 0, 1] = 1.0 / 25, -1.0 / 25
    conv.set_weights([kernel, np.zeros(2, "float32")])
    dense.set_weights([np.eye(2, dtype="float32") * 10, np.zeros(2, "float32")])
    return model


def image_with_both_patches():
    image = np.zeros((1, SIDE, SIDE, 1), dtype="float32")
    image[0][BRIGHT_REGION] = 1.0
    image[0][DARK_REGION] = -1.0
    return image


def peak(heatmap):
    stretched = upsample(heatmap, (SIDE, SIDE))
    return np.unravel_index(np.argmax(stretched), stretched.shape)


def inside(point, region):
    return region[0].start <= point[0] < region[0].stop and region[1].start <= point[1] < region[1].stop


def test_the_heatmap_peaks_in_the_region_that_decides_the_class():
    model, image = evidence_model(), image_with_both_patches()
    bright = grad_cam(model, image, class_index=0)
    dark = grad_cam(model, image, class_index=1)
    assert inside(peak(bright.heatmaps[0]), BRIGHT_REGION), peak(bright.heatmaps[0])
    assert inside(peak(dark.heatmaps[0]), DARK_REGION), peak(dark.heatmaps[0])
    # Class-discriminative: the map for "bright" is zero where only the dark patch is, and the other way round.
    stretched_bright = upsample(bright.heatmaps[0], (SIDE, SIDE))
    stretched_dark = upsample(dark.heatmaps[0], (SIDE, SIDE))
    assert stretched_bright[DARK_REGION].max() < 0.05
    assert stretched_dark[BRIGHT_REGION].max() < 0.05


def test_without_a_class_index_each_image_explains_its_top_class():
    model = evidence_model()
    only_bright = np.zeros((1, SIDE, SIDE, 1), "float32")
    only_bright[0][BRIGHT_REGION] = 1.0
    only_dark = -only_bright
    cam = grad_cam(model, np.concatenate([only_bright, only_dark]))
    assert cam.class_index.tolist() == [0, 1]
    assert cam.predicted.tolist() == [0, 1]
    assert inside(peak(cam.heatmaps[0]), BRIGHT_REGION) and inside(peak(cam.heatmaps[1]), BRIGHT_REGION)


def test_auto_takes_the_last_feature_map_of_a_network_without_resnet_names():
    cam = grad_cam(evidence_model(), image_with_both_patches())
    assert cam.layer == "features"
    assert cam.heatmaps.shape == (1, SIDE // 4, SIDE // 4)


def test_heatmaps_are_scaled_to_one_per_image_and_raw_keeps_their_strength():
    model = evidence_model()
    strong, weak = image_with_both_patches(), image_with_both_patches() * 0.5
    cam = grad_cam(model, np.concatenate([strong, weak]), class_index=0)
    assert cam.heatmaps.max(axis=(1, 2)) == pytest.approx([1.0, 1.0])
    assert cam.raw[0].max() > cam.raw[1].max()


def test_scores_are_read_before_the_softmax(resnet50, images):
    logits = keras.Model(resnet50.input, resnet50.get_layer("avg_pool").output)
    kernel, bias = resnet50.get_layer("predictions").get_weights()
    expected = np.asarray(keras.ops.convert_to_numpy(logits(images))) @ kernel + bias
    cam = grad_cam(resnet50, images)
    np.testing.assert_allclose(cam.scores, expected, rtol=1e-4, atol=1e-4)
    assert cam.class_index.tolist() == np.argmax(expected, axis=1).tolist()


@pytest.mark.parametrize("fixture, layer", [("resnet50", "conv5_block3_out"), ("resnet50v2", "post_relu")])
def test_auto_takes_the_last_stage_output(request, images, fixture, layer):
    cam = grad_cam(request.getfixturevalue(fixture), images)
    assert cam.layer == layer
    assert cam.heatmaps.shape == (2, SIZE // 32, SIZE // 32)
    assert np.all((cam.heatmaps >= 0) & (cam.heatmaps <= 1))


@pytest.mark.parametrize("sequential", [False, True], ids=["functional", "sequential"])
def test_a_transfer_model_gives_the_heatmap_of_the_same_network_built_flat(images, sequential):
    keras.utils.set_random_seed(3)
    base = ResNet50(weights=None, include_top=False, input_shape=(SIZE, SIZE, 3))
    nested = transfer_model(base, sequential=sequential)
    # The same layers called on the base's own graph: one flat model, identical weights.
    head = [layer for layer in nested.layers if isinstance(layer, (layers.GlobalAveragePooling2D, layers.Dense))]
    flat_output = base.output
    for layer in head:
        flat_output = layer(flat_output)
    flat = keras.Model(base.input, flat_output)
    ours, reference = grad_cam(nested, images, class_index=2), grad_cam(flat, images, class_index=2)
    assert ours.layer == reference.layer == "conv5_block3_out"
    np.testing.assert_allclose(ours.heatmaps, reference.heatmaps, atol=1e-5)
    np.testing.assert_allclose(ours.scores, reference.scores, rtol=1e-5, atol=1e-5)


def test_a_layer_inside_a_residual_block_can_be_explained(resnet50, images):
    # The shortcut bypasses conv5_block3_2_relu: the zero-input probe still gives its exact gradient.
    cam = grad_cam(resnet50, images, layer="conv5_block3_2_relu", class_index=[0, 4])
    assert cam.layer == "conv5_block3_2_relu"
    assert cam.class_index.tolist() == [0, 4]
    assert cam.heatmaps.shape == (2, 2, 2)


def test_the_same_model_asked_twice_gives_the_same_heatmaps(resnet50, images):
    first, second = grad_cam(resnet50, images), grad_cam(resnet50, images)
    np.testing.assert_array_equal(first.heatmaps, second.heatmaps)


@pytest.mark.parametrize("class_index", [None, [1, 3]])
def test_one_image_at_a_time_gives_the_heatmaps_of_the_whole_batch(resnet50, images, class_index):
    whole = grad_cam(resnet50, images, class_index=class_index)
    one_by_one = grad_cam(resnet50, images, class_index=class_index, batch_size=1)
    np.testing.assert_array_equal(one_by_one.class_index, whole.class_index)
    np.testing.assert_allclose(one_by_one.scores, whole.scores, atol=1e-4)
    np.testing.assert_allclose(one_by_one.heatmaps, whole.heatmaps, atol=1e-4)
