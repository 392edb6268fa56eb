"""gradient_norms() measures any Keras model: per residual block for ResNets, per layer otherwise."""

import keras
import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, build_network, gradient_norms, synthetic_batch

pytestmark = pytest.mark.backend_neutral


@pytest.fixture(scope="module")
def resnet50():
    from resnet_widgets.models import ResNet50

    # 32x32 is the smallest input keras.applications accepts; the block structure is the same as at 224.
    return ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)


def test_resnet50_gives_one_finite_positive_value_per_residual_block(resnet50):
    rng = np.random.default_rng(0)
    x = rng.random((4, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, 4)
    result = gradient_norms(resnet50, x, y)
    assert result.grouped_by == "block"
    assert len(result) == 16
    stages = {2: 3, 3: 4, 4: 6, 5: 3}  # ResNet50: 3-4-6-3 blocks
    expected = [f"conv{stage}_block{block}" for stage, blocks in stages.items() for block in range(1, blocks + 1)]
    assert list(result.names) == expected  # input side first
    assert np.all(np.isfinite(result.values)) and np.all(result.values > 0)
    assert np.isfinite(result.loss) and result.loss > 0


def test_a_model_without_resnet_names_falls_back_to_one_value_per_layer_with_a_kernel():
    model = build_network("residual", NetworkSettings(depth=5, width=4, network="one_conv"))
    x, y = synthetic_batch(8)
    result = gradient_norms(model, x, y)
    assert result.grouped_by == "layer"
    assert list(result.names) == ["conv1", "conv2", "conv3", "conv4", "conv5", "logits"]
    assert np.all(result.values > 0)


def test_a_cifar_net_gives_one_value_per_basic_block():
    model = build_network("residual", NetworkSettings(depth=14, width=4))
    x, y = synthetic_batch(8)
    result = gradient_norms(model, x, y)
    assert result.grouped_by == "block"
    assert list(result.names) == [f"conv{stage}_block{block}" for stage in (2, 3, 4) for block in (1, 2)]
    assert np.all(np.isfinite(result.values)) and np.all(result.values > 0)


def _two_block_resnet():
    # A small functional model with ResNet layer names: stem, two blocks (the second with a shortcut conv), head.
    from keras import layers

    inputs = keras.Input((8, 8, 3))
    h = layers.Conv2D(4, 3, padding="same", name="conv1_conv")(inputs)
    for block, shortcut in ((1, False), (2, True)):
        branch = layers.Conv2D(4, 3, padding="same", activation="relu", name=f"conv2_block{block}_1_conv")(h)
        branch = layers.Conv2D(4, 3, padding="same", name=f"conv2_block{block}_2_conv")(branch)
        skip = layers.Conv2D(4, 1, name=f"conv2_block{block}_0_conv")(h) if shortcut else h
        h = layers.Add(name=f"conv2_block{block}_add")([skip, branch])
        h = layers.Activation("relu", name=f"conv2_block{block}_out")(h)
    outputs = layers.Dense(3, name="predictions")(layers.GlobalAveragePooling2D(name="avg_pool")(h))
    return keras.Model(inputs, outputs)


def test_per_layer_values_of_a_block_combine_into_the_block_value():
    # The block value is the norm over all of the block's kernels: sqrt of the sum of squared layer norms.
    model = _two_block_resnet()
    rng = np.random.default_rng(1)
    x, y = rng.random((2, 8, 8, 3), dtype=np.float32), rng.integers(0, 3, 2)
    blocks = gradient_norms(model, x, y, group_by="block")
    layers = gradient_norms(model, x, y, group_by="layer").as_dict()
    assert blocks.names == ("conv2_block1", "conv2_block2")  # the stem and the head belong to no block
    in_block = [v for name, v in layers.items() if name.startswith("conv2_block2_")]
    assert len(in_block) == 3
    assert blocks.as_dict()["conv2_block2"] == pytest.approx(np.sqrt(np.sum(np.square(in_block))), rel=1e-5)


def test_block_grouping_on_a_model_without_blocks_says_what_to_use_instead():
    model = build_network("plain", NetworkSettings(depth=2, width=2, network="one_conv"))
    x, y = synthetic_batch(2)
    with pytest.raises(ValueError, match="group_by='layer'"):
        gradient_norms(model, x, y, group_by="block")


def test_a_softmax_output_is_taken_as_probabilities_not_logits():
    # Same weights; one model ends in softmax, the other gives logits. The measured loss must agree.
    inputs = keras.Input((4,))
    logits_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="out")])
    probs_layer = keras.layers.Dense(3, activation="softmax", name="out")
    probs_model = keras.Model(inputs, probs_layer(inputs))
    probs_layer.set_weights(logits_model.layers[-1].get_weights())
    x = np.random.default_rng(2).random((5, 4), dtype=np.float32)
    y = np.array([0, 1, 2, 0, 1])
    from_logits = gradient_norms(logits_model, x, y)
    from_probs = gradient_norms(probs_model, x, y)
    assert from_probs.loss == pytest.approx(from_logits.loss, rel=1e-5)
    assert from_probs.values == pytest.approx(from_logits.values, rel=1e-4)
