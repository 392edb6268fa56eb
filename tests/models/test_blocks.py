"""The three blocks as a learner meets them: shapes, shortcuts, names and errors."""

import keras
import numpy as np
import pytest

from resnet_widgets.models import conv_block, identity_block, preact_block


def block_model(block, input_shape, **kwargs):
    x = keras.Input(shape=input_shape)
    return keras.Model(x, block(x, **kwargs))


def test_identity_block_keeps_the_shape_and_adds_the_input():
    model = block_model(identity_block, (8, 8, 256), filters=64, name="conv2_block2")
    assert model.output_shape == (None, 8, 8, 256)
    assert [l.name for l in model.layers if isinstance(l, keras.layers.Conv2D)] == [
        "conv2_block2_1_conv", "conv2_block2_2_conv", "conv2_block2_3_conv"]
    add = model.get_layer("conv2_block2_add")
    assert model.layers[0].output in [n for n in add.input]  # the shortcut is the input itself


def test_identity_block_with_a_zero_residual_branch_is_relu_of_its_input():
    """F(x) = 0 (last BN's gamma and beta at zero) leaves relu(x): the block can learn the identity."""
    model = block_model(identity_block, (4, 4, 16), filters=4, name="b")
    bn = model.get_layer("b_3_bn")
    bn.gamma.assign(np.zeros(16, "float32"))
    bn.beta.assign(np.zeros(16, "float32"))
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 16)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x, training=False)), np.maximum(x, 0), atol=1e-6)


def test_identity_block_refuses_an_input_of_the_wrong_width():
    with pytest.raises(ValueError, match="conv_block"):
        block_model(identity_block, (8, 8, 64), filters=64)


@pytest.mark.parametrize("stride_on", ["1x1", "3x3"])
def test_conv_block_projects_the_shortcut_and_halves_the_size(stride_on):
    model = block_model(conv_block, (16, 16, 256), filters=128, stride=2, stride_on=stride_on, name="conv3_block1")
    assert model.output_shape == (None, 8, 8, 512)
    assert model.get_layer("conv3_block1_0_conv").strides == (2, 2)
    assert model.get_layer(f"conv3_block1_{1 if stride_on == '1x1' else 2}_conv").strides == (2, 2)
    # shortcut 256*512+512, then 256*128+128, 9*128*128+128, 128*512+512, and 4 params per BN channel;
    # identical for v1 and v1.5: only where the stride sits differs.
    assert model.count_params() == 131_584 + 32_896 + 147_584 + 66_048 + 4 * (512 + 128 + 128 + 512) == 383_232


def test_conv_block_refuses_unknown_stride_placement():
    with pytest.raises(ValueError, match="stride_on"):
        block_model(conv_block, (8, 8, 64), filters=16, stride_on="middle")


def test_preact_block_has_no_activation_after_the_addition():
    model = block_model(preact_block, (8, 8, 256), filters=64, name="conv2_block2")
    assert model.layers[-1].name == "conv2_block2_out"
    assert isinstance(model.layers[-1], keras.layers.Add)
    assert model.output_shape == (None, 8, 8, 256)


def test_preact_block_downsamples_its_identity_with_a_named_pool():
    model = block_model(preact_block, (8, 8, 256), filters=64, stride=2, name="conv2_block3")
    assert model.output_shape == (None, 4, 4, 256)
    assert isinstance(model.get_layer("conv2_block3_0_pool"), keras.layers.MaxPooling2D)


def test_preact_block_projection_shortcut_sees_the_preactivated_input():
    model = block_model(preact_block, (8, 8, 64), filters=64, conv_shortcut=True, name="conv2_block1")
    conv = model.get_layer("conv2_block1_0_conv")
    assert conv.input is model.get_layer("conv2_block1_preact_relu").output


def test_conv_block_accepts_a_numpy_integer_stride():
    model = block_model(conv_block, (8, 8, 64), filters=16, stride=np.int64(2))
    assert model.output_shape == (None, 4, 4, 64)
