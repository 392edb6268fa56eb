"""Bad input to Grad-CAM, feature maps and backbone: one clear error naming the argument and what is allowed."""

import keras
import numpy as np
import pytest
from keras import layers

from resnet_widgets.inside import backbone, feature_maps, grad_cam, overlay, upsample

from .conftest import SIZE


def test_an_unknown_layer_lists_the_stage_outputs(resnet50, images):
    with pytest.raises(ValueError) as error:
        grad_cam(resnet50, images, layer="conv5_block4_out")
    message = str(error.value)
    assert "layer='conv5_block4_out'" in message
    for valid in ("conv2_block3_out", "conv3_block4_out", "conv4_block6_out", "conv5_block3_out"):
        assert valid in message
    assert "other layers" in message


def test_a_layer_without_a_feature_map_is_refused_with_its_shape(resnet50, images):
    with pytest.raises(ValueError, match=r"4-D output.*'avg_pool' outputs \(None, 2048\)"):
        grad_cam(resnet50, images, layer="avg_pool")


def test_a_layer_that_is_not_a_string_is_a_type_error(resnet50, images):
    with pytest.raises(TypeError, match="layer must be 'auto' or a layer name"):
        grad_cam(resnet50, images, layer=3)


@pytest.mark.parametrize("class_index", [5, -1, [0, 5]])
def test_a_class_index_out_of_range_names_the_range(resnet50, images, class_index):
    with pytest.raises(ValueError, match=r"class_index must be .*0 to 4"):
        grad_cam(resnet50, images, class_index=class_index)


def test_a_class_index_per_image_must_match_the_batch(resnet50, images):
    with pytest.raises(ValueError, match=r"one int per image \(2\); received 3"):
        grad_cam(resnet50, images, class_index=[0, 1, 2])


def test_a_fractional_class_index_is_a_type_error(resnet50, images):
    with pytest.raises(TypeError, match="class_index"):
        grad_cam(resnet50, images, class_index=1.5)


def test_images_of_the_wrong_size_name_the_expected_shape(resnet50):
    with pytest.raises(ValueError, match=rf"images must be shaped \(N, {SIZE}, {SIZE}, 3\).*\(1, 32, 32, 3\)"):
        grad_cam(resnet50, np.zeros((1, 32, 32, 3), "float32"))


def test_one_image_without_a_batch_axis_is_told_how_to_add_it(resnet50, images):
    with pytest.raises(ValueError, match=r"images\[None\]"):
        grad_cam(resnet50, images[0])


def test_grey_images_for_a_colour_model_are_refused(resnet50):
    with pytest.raises(ValueError, match=rf"\(N, {SIZE}, {SIZE}, 3\)"):
        grad_cam(resnet50, np.zeros((1, SIZE, SIZE, 1), "float32"))


@pytest.mark.parametrize("bad", [np.full((1, SIZE, SIZE, 3), "x"), np.zeros((1, SIZE, SIZE, 3), bool)], ids=["str", "bool"])
def test_images_that_are_not_numbers_are_a_type_error(resnet50, bad):
    with pytest.raises(TypeError, match="images must be an array of numbers"):
        grad_cam(resnet50, bad)


def test_images_with_nan_are_refused(resnet50, images):
    broken = images.copy()
    broken[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        grad_cam(resnet50, broken)


def test_a_feature_extractor_is_not_a_classifier():
    extractor = keras.Sequential([keras.Input((SIZE, SIZE, 3)), layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"needs a classifier.*\(None, 62, 62, 2\)"):
        grad_cam(extractor, np.zeros((1, SIZE, SIZE, 3), "float32"))


def test_a_model_that_is_not_a_keras_graph_is_a_type_error(images):
    with pytest.raises(TypeError, match="Functional or Sequential"):
        grad_cam(lambda x: x, images)


def test_backbone_names_unknown_variants_and_levels(resnet50):
    with pytest.raises(ValueError, match=r"model_or_variant must be one of 'ResNet18'.*'ResNet152V2'.*'ResNet51'"):
        backbone("ResNet51")
    with pytest.raises(ValueError, match=r"levels must be one of 'C2', 'C3', 'C4', 'C5'.*'P3'"):
        backbone(resnet50, levels=("C2", "P3"))
    with pytest.raises(TypeError, match="levels must be a non-empty sequence"):
        backbone(resnet50, levels=())


def test_backbone_of_a_network_without_resnet_names_says_what_it_looks_for():
    plain = keras.Sequential([keras.Input((SIZE, SIZE, 3)), layers.Conv2D(2, 3, name="conv")])
    with pytest.raises(ValueError, match="conv4_block6_out"):
        backbone(plain)


def test_feature_maps_lists_the_stages_of_the_model(resnet50, images):
    with pytest.raises(ValueError, match=r"'conv1', 'conv2', 'conv3', 'conv4', 'conv5'.*'conv6'"):
        feature_maps(resnet50, images, stages=("conv6",))


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (2.5, TypeError)])
@pytest.mark.parametrize("function", [feature_maps, grad_cam], ids=lambda f: f.__name__)
def test_a_bad_batch_size_is_named(resnet50, images, function, batch_size, error):
    with pytest.raises(error, match="batch_size must be an integer >= 1"):
        function(resnet50, images, batch_size=batch_size)


def test_feature_maps_wants_pooled_as_a_bool(resnet50, images):
    with pytest.raises(TypeError, match="pooled must be True or False"):
        feature_maps(resnet50, images, pooled="yes")


def test_overlay_checks_alpha_and_the_heatmap_shape():
    with pytest.raises(ValueError, match="alpha must be a number >= 0.0 and <= 1.0"):
        overlay(np.zeros((8, 8)), np.zeros((2, 2)), alpha=2)
    with pytest.raises(ValueError, match=r"heatmap must be a 2-D array.*\(1, 2, 2\)"):
        upsample(np.zeros((1, 2, 2)), 8)
