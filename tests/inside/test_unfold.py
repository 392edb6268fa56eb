"""graph.unfold: one flat graph of a model that holds models, every layer's output at hand, weights shared."""

import keras
import numpy as np
import pytest
from keras import layers

from resnet_widgets.graph import unfold

pytestmark = pytest.mark.backend_neutral


def nested():
    inner_in = keras.Input((8, 8, 1))
    inner = keras.Model(inner_in, layers.Conv2D(2, 3, name="inner_conv")(inner_in), name="inner")
    outer_in = keras.Input((8, 8, 1))
    x = inner(outer_in)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(outer_in, layers.Dense(3, name="head")(x)), inner


def test_a_nested_layers_output_becomes_a_tensor_of_the_outer_graph():
    model, inner = nested()
    unfolded = unfold(model)
    probe = keras.Model(unfolded.input, [unfolded.tensors["inner_conv"], unfolded.outputs])
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    conv, out = probe(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(model(x)), atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(conv), keras.ops.convert_to_numpy(inner(x)), atol=1e-6)
    assert unfolded.order == ["inner_conv", "inner", "pool", "head"]
    assert unfolded.shapes["inner_conv"] == (None, 6, 6, 2)


def test_a_new_input_size_gives_every_tensor_a_concrete_shape():
    model = keras.Sequential([keras.Input((None, None, 1)), layers.Conv2D(2, 3, name="conv")])
    assert unfold(model, input_shape=(10, 12, 1)).shapes["conv"] == (None, 8, 10, 2)


def test_a_hook_can_replace_what_a_layer_returns():
    model, _ = nested()

    def call(layer, args, kwargs, default):
        return layers.Identity(name="replaced")(args[0]) if layer.name == "pool" else default()

    unfolded = unfold(model, call=call)
    assert unfolded.outputs.shape == (None, 6, 6, 3)  # the head now reads the map the pooling would have averaged
    assert "pool" in unfolded.tensors  # recorded under the layer it stands for


def test_anything_but_a_functional_or_sequential_model_is_refused():
    class Subclassed(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match="Functional or Sequential"):
        unfold(Subclassed())
