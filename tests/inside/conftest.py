"""Models shared by the tests of resnet_widgets.inside: built once per module, small inputs, fixed weights."""

import keras
import numpy as np
import pytest
from keras import layers

from resnet_widgets.models import ResNet50, ResNet50V2

SIZE = 64  # five stride-2 steps: conv5 is 2x2, enough to have a "where"


@pytest.fixture(scope="module")
def resnet50():
    keras.utils.set_random_seed(1)
    return ResNet50(weights=None, input_shape=(SIZE, SIZE, 3), classes=5)


@pytest.fixture(scope="module")
def resnet50v2():
    keras.utils.set_random_seed(2)
    return ResNet50V2(weights=None, input_shape=(SIZE, SIZE, 3), classes=5)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, size=(2, SIZE, SIZE, 3)).astype("float32")


def transfer_model(base, classes=3, sequential=False):
    """A transfer model as learners build them: the ResNet nested as one layer, a new head on top."""
    if sequential:
        return keras.Sequential(
            [keras.Input(base.input.shape[1:]), base, layers.GlobalAveragePooling2D(), layers.Dense(classes, activation="softmax")]
        )
    inputs = keras.Input(base.input.shape[1:])
    x = layers.Rescaling(1.0, name="identity_scaling")(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="new_head")(x)
    return keras.Model(inputs, outputs, name="transfer")
