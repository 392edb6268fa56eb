"""Notebook 06b's checks name each typical mistake in assembling the CIFAR-style ResNet and its plain block."""

import keras
import pytest
from keras import layers

from resnet_widgets.checks import ExerciseNotWritten, check_cifar_resnet, check_plain_block


def assemble(depth=20, block=None, *, stem_stride=1, pool=True, stride_in_every_block=False, head="logits",
             blocks_per_stage=None):
    """The learner's my_resnet, right by default, with one mistake switched on by a keyword."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(16, 3, strides=stem_stride, padding="same", use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    if pool:
        x = layers.MaxPooling2D(2, name="pool1_pool")(x)
    n = blocks_per_stage or (depth - 2) // 6
    for stage in range(3):
        for index in range(n):
            first = index == 0 and stage > 0
            stride = 2 if first or (stride_in_every_block and stage > 0) else 1
            x = block(x, 16 * 2**stage, stride=stride, name=f"conv{stage + 2}_block{index + 1}")
    if head == "flatten":
        x = layers.Flatten()(x)
    else:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(10, activation="softmax" if head == "softmax" else None, name="logits")(x)
    return keras.Model(inputs, outputs)


def test_the_right_assembly_passes_at_both_depths_and_with_both_blocks():
    result = check_cifar_resnet(assemble)
    assert result.passed, result
    assert any("14-layer ResNet" in fact for fact in result.facts)  # the depth the notebook does not show


@pytest.mark.parametrize("mistake, words", [
    ({"stride_in_every_block": True}, ["conv3_block2_1_conv", "Only the first block of a stage has a stride"]),
    ({"pool": False}, ["pool1_pool", "halves the image"]),
    ({"stem_stride": 2}, ["conv1_conv", "strides=(2, 2)", "keeps the size"]),
    ({"head": "softmax"}, ["logits", "activation='softmax'", "before the softmax"]),
    ({"head": "flatten"}, ["flattens"]),
    ({"blocks_per_stage": 2}, ["(depth - 2) / 6 = 3 blocks"]),
])
def test_each_typical_mistake_is_named(mistake, words):
    result = check_cifar_resnet(lambda depth, block: assemble(depth, block, **mistake))
    assert not result.passed
    text = str(result)
    for word in words:
        assert word in text, (word, text)


def test_an_assembly_fitted_to_depth_20_fails_at_depth_14():
    result = check_cifar_resnet(lambda depth, block: assemble(20, block))
    assert not result.passed and "14-layer ResNet" in str(result)


def test_an_unwritten_function_stops_with_not_written_yet():
    def my_resnet(depth, block):
        raise NotImplementedError

    with pytest.raises(ExerciseNotWritten, match="my_resnet"):
        check_cifar_resnet(my_resnet)


def plain(x, filters, stride=1, name="block", *, add=False, relu=True):
    h = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_1_conv")(x)
    h = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_1_bn")(h)
    if relu:
        h = layers.Activation("relu", name=f"{name}_1_relu")(h)
    h = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(h)
    h = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_2_bn")(h)
    if add:
        h = layers.Add()([layers.Conv2D(filters, 1, strides=stride)(x), h])
    return layers.Activation("relu", name=f"{name}_out")(h)


def test_the_plain_block_passes_and_its_mistakes_are_named():
    assert check_plain_block(plain).passed
    with_shortcut = check_plain_block(lambda x, f, stride=1, name="b": plain(x, f, stride, name, add=True))
    assert not with_shortcut.passed and "adds a shortcut: the plain twin has none" in str(with_shortcut)
    no_relu = check_plain_block(lambda x, f, stride=1, name="b": plain(x, f, stride, name, relu=False))
    assert not no_relu.passed and "checked_block_1_relu" in str(no_relu)
