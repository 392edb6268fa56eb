"""The basic block (two 3x3 convolutions) of ResNet18/34 and the paper's CIFAR nets: shapes, shortcuts, saving."""

import keras
import numpy as np
import pytest

from resnet_widgets.models import basic_block


def block_model(input_shape, **kwargs):
    x = keras.Input(shape=input_shape)
    return keras.Model(x, basic_block(x, **kwargs))


def test_basic_block_with_the_same_shape_adds_its_input_unchanged():
    model = block_model((8, 8, 16), filters=16, name="conv2_block1")
    assert model.output_shape == (None, 8, 8, 16)
    assert [l.name for l in model.layers if isinstance(l, keras.layers.Conv2D)] == [
        "conv2_block1_1_conv", "conv2_block1_2_conv"]
    assert model.layers[0].output in model.get_layer("conv2_block1_add").input


def test_zero_pad_shortcut_has_no_parameters_and_passes_the_input_through_its_first_channels():
    """Option A: with the residual branch zeroed (last BN gamma = beta = 0), the output is relu of the
    subsampled input in the first channels and exactly zero in the padded ones."""
    model = block_model((8, 8, 4), filters=8, stride=2, shortcut="zero_pad", name="b")
    projection = block_model((8, 8, 4), filters=8, stride=2, shortcut="projection", name="b")
    assert projection.count_params() - model.count_params() == 4 * 8 + 4 * 8  # 1x1 kernel + BN's 4 per channel
    bn = model.get_layer("b_2_bn")
    bn.gamma.assign(np.zeros(8, "float32"))
    bn.beta.assign(np.zeros(8, "float32"))
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")
    out = keras.ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(out[..., :4], np.maximum(x[:, ::2, ::2, :], 0), atol=1e-6)
    assert np.all(out[..., 4:] == 0)


def test_projection_shortcut_matches_a_changed_shape():
    model = block_model((16, 16, 16), filters=32, stride=2, name="conv3_block1")
    assert model.output_shape == (None, 8, 8, 32)
    assert model.get_layer("conv3_block1_0_conv").strides == (2, 2)


def test_a_model_with_zero_pad_shortcuts_saves_and_loads_in_safe_mode(tmp_path):
    model = block_model((8, 8, 4), filters=8, stride=2, shortcut="zero_pad", name="b")
    path = tmp_path / "block.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    x = np.random.default_rng(1).normal(size=(1, 8, 8, 4)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(loaded(x)))


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"filters": 0}, ValueError, "filters"),
        ({"filters": 8.0}, TypeError, "filters"),
        ({"filters": 8, "stride": 0}, ValueError, "stride"),
        ({"filters": 8, "shortcut": "option_c"}, ValueError, "'projection', 'zero_pad'"),
        ({"filters": 2, "stride": 2, "shortcut": "zero_pad"}, ValueError, "shortcut='zero_pad' can only add"),
    ],
)
def test_basic_block_refuses_bad_arguments_by_name(kwargs, error, words):
    with pytest.raises(error, match=words):
        block_model((8, 8, 4), **kwargs)
