"""Our six keras.applications variants against keras.applications: parameters, layer names, outputs after weight transfer."""

import keras
import pytest

from resnet_widgets import models

from .conftest import comparable_names, copy_weights_by_name, max_abs_difference, random_images

VARIANTS = list(models.KERAS_VARIANTS)  # ResNet18/34 have no keras.applications twin
# Exact counts with the top (DESIGN.md); the ImageNet head is a 2048 x 1000 dense layer on top of the base.
PARAMS_WITH_TOP = {
    "ResNet50": 25_636_712, "ResNet101": 44_707_176, "ResNet152": 60_419_944,
    "ResNet50V2": 25_613_800, "ResNet101V2": 44_675_560, "ResNet152V2": 60_380_648,
}
HEAD_PARAMS = 2048 * 1000 + 1000
TOLERANCE = 1e-5


def build_pair(variant, **kwargs):
    ours = getattr(models, variant)(weights=None, **kwargs)
    reference = getattr(keras.applications, variant)(weights=None, **kwargs)
    return ours, reference


@pytest.mark.parametrize("variant", VARIANTS)
def test_with_top_at_224_matches_keras_in_params_names_and_outputs(variant):
    ours, reference = build_pair(variant)
    assert ours.count_params() == reference.count_params() == PARAMS_WITH_TOP[variant]
    assert comparable_names(ours) == comparable_names(reference)
    assert ours.name == reference.name
    assert copy_weights_by_name(reference, ours) == len([l for l in reference.layers if l.weights])
    assert max_abs_difference(ours, reference, random_images((2, 224, 224, 3))) <= TOLERANCE


@pytest.mark.parametrize("variant", VARIANTS)
def test_without_top_at_96x128_matches_keras_for_every_pooling(variant):
    """keras' pooling='avg'/'max' is its pooling=None base plus a global pool, so one reference base
    serves all three poolings; ResNet50 and ResNet50V2 are also compared to keras' pooled models."""
    reference = getattr(keras.applications, variant)(weights=None, include_top=False, input_shape=(96, 128, 3))
    x = random_images((2, 96, 128, 3), seed=1)
    features = keras.ops.convert_to_numpy(reference(x, training=False))
    assert features.shape == (2, 3, 4, 2048)
    assert reference.count_params() == PARAMS_WITH_TOP[variant] - HEAD_PARAMS

    for pooling, pooled in ((None, features), ("avg", features.mean(axis=(1, 2))), ("max", features.max(axis=(1, 2)))):
        ours = getattr(models, variant)(weights=None, include_top=False, input_shape=(96, 128, 3), pooling=pooling)
        assert ours.count_params() == reference.count_params()
        assert comparable_names(ours)[: len(reference.layers)] == comparable_names(reference)
        copy_weights_by_name(reference, ours)
        out = keras.ops.convert_to_numpy(ours(x, training=False))
        assert out.shape == pooled.shape
        assert abs(out - pooled).max() <= TOLERANCE * max(1.0, abs(pooled).max())


@pytest.mark.parametrize("variant", ["ResNet50", "ResNet50V2"])
@pytest.mark.parametrize("pooling", ["avg", "max"])
def test_pooled_feature_extractor_equals_keras_pooled_model(variant, pooling):
    ours, reference = build_pair(variant, include_top=False, input_shape=(96, 128, 3), pooling=pooling)
    assert comparable_names(ours) == comparable_names(reference)
    copy_weights_by_name(reference, ours)
    assert max_abs_difference(ours, reference, random_images((2, 96, 128, 3), seed=2)) <= TOLERANCE


def test_custom_head_classes_and_logits_match_keras():
    ours, reference = build_pair("ResNet50", classes=7, classifier_activation=None, input_shape=(64, 64, 3))
    assert ours.output_shape == reference.output_shape == (None, 7)
    assert ours.get_layer("predictions").get_config()["activation"] == "linear"
    copy_weights_by_name(reference, ours)
    assert max_abs_difference(ours, reference, random_images((2, 64, 64, 3), seed=3)) <= 1e-4


def test_input_tensor_becomes_the_model_input_like_keras():
    tensor = keras.Input(shape=(64, 64, 3), name="images")
    ours = models.ResNet50V2(weights=None, include_top=False, input_tensor=tensor)
    assert ours.inputs[0] is tensor
    assert ours.output_shape == (None, 2, 2, 2048)


def test_variable_input_size_without_top_accepts_any_size():
    ours = models.ResNet50(weights=None, include_top=False, pooling="avg")
    assert ours.input_shape == (None, None, None, 3)
    for size in ((64, 64), (97, 131)):
        assert keras.ops.convert_to_numpy(ours(random_images((1, *size, 3)), training=False)).shape == (1, 2048)


@pytest.mark.parametrize("variant, blocks", [("ResNet50", 16), ("ResNet101", 33), ("ResNet152", 50)])
def test_family_table_gives_each_variant_its_stage_depths(variant, blocks):
    assert sum(models.FAMILY[variant].depths) == blocks
    assert sum(models.FAMILY[variant + "V2"].depths) == blocks
