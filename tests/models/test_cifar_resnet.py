"""The CIFAR-style ResNet of notebook 06b: the paper's layout at any depth 6n + 2, and its plain twin."""

import keras
import numpy as np
import pytest

from resnet_widgets.models import basic_block, cifar_resnet, plain_block


@pytest.mark.parametrize("depth", [8, 20, 32])
def test_a_depth_counts_the_stem_two_convolutions_per_block_and_the_dense_layer(depth):
    model = cifar_resnet(depth)
    main_path = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)
                 and not layer.name.endswith("_0_conv")]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert len(main_path) + len(dense) == depth


def test_the_stages_halve_the_size_and_double_the_width():
    model = cifar_resnet(20, width=16)
    shapes = {name: tuple(model.get_layer(name).output.shape[1:]) for name in
              ("conv1_relu", "pool1_pool", "conv2_block3_out", "conv3_block1_out", "conv4_block3_out")}
    assert shapes == {"conv1_relu": (28, 28, 16), "pool1_pool": (14, 14, 16), "conv2_block3_out": (14, 14, 16),
                      "conv3_block1_out": (7, 7, 32), "conv4_block3_out": (4, 4, 64)}
    assert model.output_shape == (None, 10)
    assert model.get_layer("logits").get_config()["activation"] == "linear"  # logits: Grad-CAM reads them


def test_without_the_stem_pool_the_stages_run_at_full_size_as_the_papers():
    model = cifar_resnet(8, stem_pool=False)
    assert tuple(model.get_layer("conv2_block1_out").output.shape[1:]) == (28, 28, 16)
    assert "pool1_pool" not in [layer.name for layer in model.layers]


def test_the_plain_twin_lacks_exactly_the_shortcuts():
    residual, plain = cifar_resnet(20, "basic"), cifar_resnet(20, "plain")
    adds = [layer for layer in residual.layers if isinstance(layer, keras.layers.Add)]
    assert len(adds) == 9 and not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    # The two option B projections (conv + BN) are the only weights the twin lacks: 16*32 + 4*32, 32*64 + 4*64.
    assert residual.count_params() - plain.count_params() == (16 * 32 + 4 * 32) + (32 * 64 + 4 * 64)


def test_a_block_function_of_ones_own_builds_the_same_network():
    def mine(x, filters, stride=1, name="block"):
        return basic_block(x, filters, stride=stride, name=name)

    assert cifar_resnet(14, mine).count_params() == cifar_resnet(14, "basic").count_params()


def test_the_network_scales_uint8_pixels_itself():
    model = cifar_resnet(8)
    images = np.full((2, 28, 28, 1), 255, dtype="uint8")
    scaled = keras.Model(model.input, model.get_layer("rescaling").output)(images)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(scaled), 1.0)


def test_the_plain_block_is_the_basic_blocks_branch_and_final_relu():
    x = keras.Input((8, 8, 4))
    names = [layer.name for layer in keras.Model(x, plain_block(x, 8, stride=2, name="b")).layers[1:]]
    assert names == ["b_1_conv", "b_1_bn", "b_1_relu", "b_2_conv", "b_2_bn", "b_out"]
