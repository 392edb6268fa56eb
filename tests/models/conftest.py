import re

import numpy as np
import pytest

# keras.applications gives the v2 shortcut pools generic, counter-numbered names; ours are
# `convN_blockM_0_pool`. Both hold no weights, so name-based weight loading is unaffected.
GENERIC_POOL = re.compile(r"max_pooling2d(_\d+)?$")
INPUT = re.compile(r"input_layer(_\d+)?$")


def comparable_names(model):
    """Layer names with the two kinds of auto-generated name replaced by a placeholder."""
    names = []
    for layer in model.layers:
        if INPUT.match(layer.name):
            names.append("<input>")
        elif GENERIC_POOL.match(layer.name) or layer.name.endswith("_0_pool"):
            names.append("<shortcut pool>")
        else:
            names.append(layer.name)
    return names


def copy_weights_by_name(source, target):
    """Copy every weighted layer's weights from `source` to the layer of the same name in `target`."""
    copied = 0
    for layer in source.layers:
        if layer.weights:
            target.get_layer(layer.name).set_weights(layer.get_weights())
            copied += 1
    return copied


def random_images(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype("float32")


def max_abs_difference(a, b, x):
    return float(np.max(np.abs(np.asarray(a(x, training=False)) - np.asarray(b(x, training=False)))))


@pytest.fixture(autouse=True)
def fresh_keras_session():
    """Each test builds big graphs; clearing the session keeps memory flat across the module."""
    import keras

    yield
    keras.backend.clear_session()
