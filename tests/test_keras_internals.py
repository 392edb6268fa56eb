"""The private Keras APIs that resnet_widgets.keras_internals reads, checked on a small model.

When a Keras upgrade changes one of them, a test here fails with a message that says which attribute and
where to fix it (resnet_widgets/keras_internals.py), before the diagram or the checks fail in odd ways.
"""

import types

import keras
import pytest
from keras import layers

from resnet_widgets import keras_internals

from .official_layout import save_weights_in_official_layout

FIX = "Keras changed a private API: update resnet_widgets/keras_internals.py. "


@pytest.fixture(scope="module")
def branching():
    """input -> conv -> (shared dense called twice on two branches) -> add: a fork, a merge, a shared layer."""
    inputs = keras.Input((4, 4, 2), name="x")
    trunk = layers.Conv2D(3, 1, name="trunk")(inputs)
    shared = layers.Dense(3, name="shared")
    left = shared(trunk)
    right = shared(layers.Activation("relu", name="relu")(trunk))
    outputs = layers.Add(name="add")([left, right])
    model = keras.Model(inputs, outputs)
    return model, shared, left, right


def test_functional_models_are_told_from_subclassed_ones(branching):
    class Subclassed(keras.Model):
        def call(self, x):
            return x

    model, *_ = branching
    assert keras_internals.is_functional(model), FIX + "keras.src.ops.function.Function is no longer their base"
    assert keras_internals.is_functional(keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3)))
    assert not keras_internals.is_functional(Subclassed())


def test_graph_nodes_lists_every_layer_call_inputs_first(branching):
    model, shared, *_ = branching
    nodes = keras_internals.graph_nodes(model)
    for node in nodes:
        for attribute in ("operation", "parent_nodes", "input_tensors", "outputs"):
            assert hasattr(node, attribute), FIX + f"keras' Node has no .{attribute}"
    names = [node.operation.name for node in nodes]
    assert names[0] == "x" and names[-1] == "add", FIX + f"_nodes_by_depth no longer orders calls by depth: {names}"
    assert sorted(names) == ["add", "relu", "shared", "shared", "trunk", "x"]
    add = nodes[-1]
    assert sorted(parent.operation.name for parent in add.parent_nodes) == ["shared", "shared"]


def test_producer_and_call_index_find_the_call_behind_a_tensor(branching):
    model, shared, left, right = branching
    operation, node = keras_internals.producer(right)
    assert operation is shared, FIX + "_keras_history.operation no longer names the layer that made a tensor"
    assert keras_internals.call_index(node) == 1, FIX + "_inbound_nodes no longer lists a layer's calls in order"
    assert keras_internals.call_index(keras_internals.producer(left)[1]) == 0
    assert [t.name for t in node.input_tensors] == [keras_internals.producer(right)[1].input_tensors[0].name]
    add, add_node = keras_internals.producer(model.outputs[0])
    assert add.name == "add" and len(add_node.input_tensors) == 2


def test_a_sequential_keeps_its_functional_graph_once_built():
    unbuilt = keras.Sequential([layers.Dense(2)])
    assert keras_internals.sequential_graph(unbuilt) is None
    built = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="dense")])
    functional = keras_internals.sequential_graph(built)
    assert functional is not None, FIX + "a built Sequential no longer keeps ._functional"
    assert [node.operation.name for node in keras_internals.graph_nodes(functional)][-1] == "dense"


def test_a_missing_attribute_is_reported_with_what_to_update():
    with pytest.raises(keras_internals.KerasInternalsChanged) as caught:
        keras_internals.producer(types.SimpleNamespace(shape=(1,)))
    message = str(caught.value)
    assert f"Keras {keras.__version__} has no SimpleNamespace._keras_history" in message
    assert "resnet_widgets/keras_internals.py" in message and "tests/test_keras_internals.py" in message


def test_weights_written_in_the_official_layout_load_by_name(tmp_path, branching):
    import h5py
    import numpy as np

    model, *_ = branching
    path = save_weights_in_official_layout(model, tmp_path / "official.h5")
    with h5py.File(path, "r") as handle:
        assert "layer_names" in handle.attrs, "the legacy HDF5 writer no longer writes layer_names: update tests/official_layout.py"
    inputs = keras.Input((4, 4, 2), name="x")
    trunk = layers.Conv2D(3, 1, name="trunk")(inputs)
    shared = layers.Dense(3, name="shared")
    twin = keras.Model(inputs, layers.Add(name="add")([shared(trunk), shared(layers.Activation("relu")(trunk))]))
    twin.load_weights(path)
    for ours, theirs in zip(twin.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
