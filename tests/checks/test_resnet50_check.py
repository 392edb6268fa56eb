"""check_resnet50: the learner's network must be keras.applications.ResNet50 layer for layer, and compute the same.

Each broken network below has keras.applications' names, parameter count and weight shapes, so reading the
layers alone would pass it; running it next to the reference names the mistake.
"""

import keras
import numpy as np
import pytest
from keras import layers

from resnet_widgets.checks import RESNET50_PARAMETERS, ExerciseNotWritten, check_resnet50
from resnet_widgets.models import ResNet50, conv_block, identity_block
from resnet_widgets.models.stages import stem

EPS = 1.001e-5


@pytest.fixture(autouse=True)
def fresh_keras_session():
    """Each test here builds whole ResNet50s; clearing the session keeps memory flat."""
    yield
    keras.backend.clear_session()


def assembled_resnet50(depths=(3, 4, 6, 3), flatten=False):
    inputs = keras.Input((224, 224, 3))
    x = stem(inputs, preact=False)
    for index, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
        x = conv_block(x, filters, stride=1 if index == 0 else 2, name=f"conv{index + 2}_block1")
        for block in range(2, blocks + 1):
            x = identity_block(x, filters, name=f"conv{index + 2}_block{block}")
    x = layers.Flatten()(x) if flatten else layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return keras.Model(inputs, layers.Dense(1000, activation="softmax", name="predictions")(x))


def residual_branch(x, filters, stride, name):
    for k, (width, size, s) in enumerate([(filters, 1, stride), (filters, 3, 1), (4 * filters, 1, 1)], start=1):
        x = layers.Conv2D(width, size, strides=s, padding="same" if size == 3 else "valid", name=f"{name}_{k}_conv")(x)
        x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_{k}_bn")(x)
        if k < 3:
            x = layers.Activation("relu", name=f"{name}_{k}_relu")(x)
    return x


def learner_resnet50(shortcuts=True, conv2_stride=1, max_pool=True, conv1_padding="valid", stride=None):
    """A learner's ResNet50 with keras.applications' names; each argument plants one typical mistake."""
    inputs = keras.Input((224, 224, 3))
    x = inputs if conv1_padding == "same" else layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(64, 7, strides=stride or 2, padding=conv1_padding, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPS, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    if max_pool:
        x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
        x = layers.MaxPooling2D(3, strides=stride or 2, name="pool1_pool")(x)
    for index, (filters, blocks) in enumerate(zip((64, 128, 256, 512), (3, 4, 6, 3))):
        first = stride or (conv2_stride if index == 0 else 2)
        x = conv_block(x, filters, stride=first, name=f"conv{index + 2}_block1")
        for block in range(2, blocks + 1):
            name = f"conv{index + 2}_block{block}"
            if shortcuts:
                x = identity_block(x, filters, name=name)
            else:  # relu(F(x)): the block's output forgets x
                x = layers.Activation("relu", name=f"{name}_out")(residual_branch(x, filters, 1, name))
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return keras.Model(inputs, layers.Dense(1000, activation="softmax", name="predictions")(x))


def test_our_resnet50_passes_every_reading():
    result = check_resnet50(ResNet50(weights=None))
    assert result.passed, result.problems
    assert f"{RESNET50_PARAMETERS:,} parameters" in result.facts[0]
    assert any("16 residual blocks" in fact and "4 projections, 12 identities" in fact for fact in result.facts)
    assert any("every layer's output equals keras.applications'" in fact for fact in result.facts)


def test_a_learner_function_is_built_and_checked():
    assert check_resnet50(learner_resnet50).passed


def test_network_without_shortcuts_names_every_block_without_one():
    result = check_resnet50(lambda: learner_resnet50(shortcuts=False))
    assert "12 blocks have no shortcut: conv2_block2, conv2_block3" in result.problems[0]
    assert "relu(F(x)) instead of relu(F(x) + x)" in result.problems[0]
    assert "first layer whose output differs from keras.applications' is `conv2_block2_out`" in result.problems[1]


def test_stride_2_in_conv2_is_named_at_its_first_convolution():
    (problem,) = check_resnet50(lambda: learner_resnet50(conv2_stride=2)).problems
    assert "`conv2_block1_1_conv`: it outputs 28x28x64, keras.applications' 56x56x64" in problem
    assert "strides=(2, 2); keras.applications' has strides=(1, 1)" in problem and "follows the max pool" in problem


def test_missing_max_pool_is_named():
    (problem,) = check_resnet50(lambda: learner_resnet50(max_pool=False)).problems
    assert "`conv2_block1_1_conv`: it outputs 112x112x64, keras.applications' 56x56x64" in problem
    assert "Missing from your model just before it: `pool1_pad`" in problem and "`pool1_pool` (MaxPooling2D" in problem


def test_same_padding_in_the_stem_is_named_with_why_it_matters():
    (problem,) = check_resnet50(lambda: learner_resnet50(conv1_padding="same")).problems
    assert "is `conv1_conv`: same shape 112x112x64, but values that differ" in problem
    assert "padding='same'; keras.applications' has padding='valid'" in problem and "shifted by a pixel" in problem


def test_stride_1_everywhere_is_named_at_the_stem():
    (problem,) = check_resnet50(lambda: learner_resnet50(stride=1)).problems
    assert "is `conv1_conv`: it outputs 224x224x64, keras.applications' 112x112x64" in problem
    assert "strides=(1, 1); keras.applications' has strides=(2, 2)" in problem


def test_the_check_leaves_the_learners_weights_as_they_were():
    model = learner_resnet50()
    before = [w.copy() for w in model.get_weights()]
    check_resnet50(model)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_missing_block_and_a_flattening_head_are_each_named():
    result = check_resnet50(assembled_resnet50(depths=(3, 4, 5, 3), flatten=True))
    assert "Stage conv4 has 5 blocks; ResNet50 has 6" in result.problems[0]
    assert "flattens the feature map" in result.problems[1]
    assert any("`conv4_block6_1_conv`" in problem for problem in result.problems)
    assert any("`predictions` holds weights of shapes [(100352, 1000), (1000,)]" in p for p in result.problems)
    assert any("The model has " in problem and "keras.applications.ResNet50 has 25,636,712" in problem
               for problem in result.problems)
    assert "conv4: 5 blocks   ✗ (ResNet50: 6)" in result.structure


def test_an_unwritten_stage_is_named_by_the_function_that_raises():
    def my_stage(x, filters, blocks, stride, name):
        raise NotImplementedError("Exercise: write your code here")

    def my_resnet50():
        return my_stage(keras.Input((224, 224, 3)), 64, 3, 1, "conv2")

    with pytest.raises(ExerciseNotWritten, match="Not written yet: my_stage still raises NotImplementedError"):
        check_resnet50(my_resnet50)


def test_a_function_that_fails_is_reported_not_raised():
    def my_resnet50():
        return keras.Model(keras.Input((224, 224, 3)), layers.Dense(3)(keras.Input((5,))))

    result = check_resnet50(my_resnet50)
    assert not result.passed and result.incomplete
    assert result.problems[0].startswith("my_resnet50() raised ValueError")


def test_a_non_model_is_a_type_error():
    with pytest.raises(TypeError, match="model must be a function"):
        check_resnet50("my_resnet50")
