"""check_resnet50: the learner's network must be keras.applications.ResNet50 layer for layer."""

import keras
import pytest
from keras import layers

from resnet_widgets.checks import RESNET50_PARAMETERS, check_resnet50
from resnet_widgets.models import ResNet50, conv_block, identity_block
from resnet_widgets.models.family import stem

pytestmark = pytest.mark.backend_neutral


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


def test_our_resnet50_passes_with_the_official_parameter_count():
    result = check_resnet50(ResNet50(weights=None))
    assert result.passed, result.problems
    assert f"{RESNET50_PARAMETERS:,} parameters" in result.facts[0]


def test_a_missing_block_and_a_flattening_head_are_each_named():
    result = check_resnet50(assembled_resnet50(depths=(3, 4, 5, 3), flatten=True))
    assert "Stage conv4 has 5 blocks; ResNet50 has 6" in result.problems[0]
    assert "flattens the feature map" in result.problems[1]
    assert any("`conv4_block6_1_conv`" in problem for problem in result.problems)
    assert any("`predictions` holds weights of shapes [(100352, 1000), (1000,)]" in p for p in result.problems)
    assert any("The model has " in problem and "keras.applications.ResNet50 has 25,636,712" in problem
               for problem in result.problems)


def test_a_non_model_is_a_type_error():
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        check_resnet50(lambda x: x)
