"""backbone(): C2..C5 at strides 4, 8, 16, 32 with the right channels and layer names, for every variant."""

import keras
import numpy as np
import pytest

from resnet_widgets.inside import PYRAMID_KEYS, backbone, level_layers
from resnet_widgets.models import FAMILY, ResNet50, ResNet50V2

from .conftest import SIZE, transfer_model

pytestmark = pytest.mark.backend_neutral

INPUT = 224
STRIDE = {"C2": 4, "C3": 8, "C4": 16, "C5": 32}


def channels(variant):
    """4 x the widths 64, 128, 256, 512 after bottlenecks; the widths themselves after basic blocks."""
    expansion = 4 if FAMILY[variant].block == "bottleneck" else 1
    return {"C2": 64 * expansion, "C3": 128 * expansion, "C4": 256 * expansion, "C5": 512 * expansion}


def expected_names(variant):
    """The layer names by hand: the last block of each stage (v1), its pre-activation and post_relu (v2)."""
    depths = FAMILY[variant].depths
    if FAMILY[variant].preact:
        names = {f"C{k}": f"conv{k}_block{depths[k - 2]}_preact_relu" for k in (2, 3, 4)}
        return {**names, "C5": "post_relu"}
    return {f"C{k}": f"conv{k}_block{depths[k - 2]}_out" for k in (2, 3, 4, 5)}


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(FAMILY))
def test_every_variant_gives_strides_4_to_32_and_its_channels(variant):
    model = backbone(variant, input_shape=(INPUT, INPUT, 3))
    shapes = {level: tuple(tensor.shape) for level, tensor in model.output.items()}
    assert list(shapes) == ["C2", "C3", "C4", "C5"]
    for level, shape in shapes.items():
        assert INPUT // shape[1] == STRIDE[level] and INPUT // shape[2] == STRIDE[level], (level, shape)
        assert shape[3] == channels(variant)[level], (level, shape)
    assert model.level_layers == expected_names(variant)


def test_the_basic_block_variants_name_their_last_blocks():
    assert level_layers("ResNet18") == {
        "C2": "conv2_block2_out", "C3": "conv3_block2_out", "C4": "conv4_block2_out", "C5": "conv5_block2_out"
    }


def test_the_course_resnet_keeps_its_cifar_strides():
    from resnet_widgets.training import course_resnet

    model = backbone(course_resnet(pretrained=False))
    assert model.level_layers == {f"C{k}": f"conv{k}_block2_out" for k in (2, 3, 4, 5)}
    # A 3x3 stem at full resolution (He et al. 2015, section 4.2): strides 1, 2, 4, 8 of 32 px.
    assert {level: tuple(t.shape[1:]) for level, t in model.output.items()} == {
        "C2": (32, 32, 16), "C3": (16, 16, 32), "C4": (8, 8, 64), "C5": (4, 4, 128)
    }


def test_stage_depths_move_c3_and_c4_in_the_deeper_variants():
    assert level_layers("ResNet101")["C4"] == "conv4_block23_out"
    assert level_layers("ResNet152") == {
        "C2": "conv2_block3_out", "C3": "conv3_block8_out", "C4": "conv4_block36_out", "C5": "conv5_block3_out"
    }


def test_v2_levels_are_activated_feature_maps_at_the_stage_resolution():
    model = ResNet50V2(weights=None, include_top=False, input_shape=(INPUT, INPUT, 3))
    names = level_layers(model)
    for level, name in names.items():
        assert isinstance(model.get_layer(name), keras.layers.Activation), name  # a ReLU, not a raw sum
    # conv2_block3_out is already downsampled (V2 strides in the last block): it cannot be C2.
    assert model.get_layer("conv2_block3_out").output.shape[1] == INPUT // 8
    assert model.get_layer(names["C2"]).output.shape[1] == INPUT // 4


def test_a_variant_name_takes_any_input_size():
    model = backbone("ResNet50")
    out = model(np.zeros((1, 96, 128, 3), "float32"))
    assert {level: tuple(t.shape[1:3]) for level, t in out.items()} == {
        "C2": (24, 32), "C3": (12, 16), "C4": (6, 8), "C5": (3, 4)
    }


def test_the_backbone_of_a_model_computes_its_stage_outputs(resnet50, images):
    model = backbone(resnet50, levels=("C5", "C3"))
    assert list(model.output) == ["C5", "C3"]
    out = model(images)
    probe = keras.Model(resnet50.input, resnet50.get_layer("conv3_block4_out").output)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out["C3"]), keras.ops.convert_to_numpy(probe(images)), atol=1e-5)


def test_the_backbone_of_a_transfer_model_shares_the_wrapped_resnets_weights(images):
    keras.utils.set_random_seed(4)
    base = ResNet50(weights=None, include_top=False, input_shape=(SIZE, SIZE, 3))
    model = backbone(transfer_model(base))
    reference = backbone(base)
    for level in ("C2", "C5"):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(model(images)[level]), keras.ops.convert_to_numpy(reference(images)[level]), atol=1e-5
        )
    kernel = base.get_layer("conv5_block3_3_conv").kernel
    assert any(v is kernel for v in model.weights)  # the same variable, not a copy


def test_pyramid_outputs_use_keras_hubs_keys_for_the_same_strides():
    model = backbone("ResNet50", input_shape=(INPUT, INPUT, 3))
    assert set(model.pyramid_outputs) == {"P2", "P3", "P4", "P5"}
    for level, key in PYRAMID_KEYS.items():
        assert model.pyramid_outputs[key] is model.output[level]
    # As keras-hub's FeaturePyramidBackbone docs do it:
    pyramid = keras.Model(inputs=model.input, outputs=model.pyramid_outputs)
    assert {k: t.shape[1] for k, t in pyramid.output.items()} == {"P2": 56, "P3": 28, "P4": 14, "P5": 7}
