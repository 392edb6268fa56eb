"""model_graph on small models: a learner's own blocks, plain chains, costs, and what it refuses."""

import json

import keras
import pytest
from keras import layers

from resnet_widgets.diagram import model_graph

def learner_identity_block():
    """What a learner writes in the identity-block lesson, with names of their own choosing."""
    inputs = keras.Input((8, 8, 16), name="picture")
    y = layers.Conv2D(16, 1, name="squeeze")(inputs)
    y = layers.BatchNormalization(name="norm_a")(y)
    y = layers.ReLU(name="act")(y)
    y = layers.Conv2D(16, 3, padding="same", name="mix")(y)
    y = layers.Add(name="together")([inputs, y])
    outputs = layers.ReLU(name="after")(y)
    return keras.Model(inputs, outputs, name="my_block")


def learner_network():
    """Three blocks named blockA..C; A and C change the width with a 1x1 projection."""
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(8, 3, padding="same", name="first_conv")(inputs)

    def block(x, name, width, stride=1):
        shortcut = x
        if stride != 1 or x.shape[-1] != width:
            shortcut = layers.Conv2D(width, 1, strides=stride, name=f"{name}_proj")(x)
        y = layers.Conv2D(width, 3, strides=stride, padding="same", name=f"{name}_conv1")(x)
        y = layers.ReLU(name=f"{name}_relu1")(y)
        y = layers.Conv2D(width, 3, padding="same", name=f"{name}_conv2")(y)
        return layers.ReLU(name=f"{name}_out")(layers.Add(name=f"{name}_add")([shortcut, y]))

    x = block(x, "blockA", 16)
    x = block(x, "blockB", 16)
    x = layers.Conv2D(16, 1, name="between")(x)
    x = block(x, "blockC", 32, stride=2)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(10, name="classes")(x)
    return keras.Model(inputs, outputs, name="learner_net")


def leaves(node):
    if node["kind"] == "layer":
        return [node]
    return [leaf for child in node["children"] for leaf in leaves(child)]


def blocks(graph):
    return [b for s in graph["children"] if s["kind"] == "stage" for b in s["children"] if b["kind"] == "block"]


def layer(graph, name):
    return next(leaf for top in graph["children"] for leaf in leaves(top) if leaf["name"] == name)


def test_a_learners_block_with_any_names_is_found_by_its_addition():
    model = learner_identity_block()
    graph = model_graph(model)
    assert graph["structure"] == "residual" and graph["block_count"] == 1
    (block,) = blocks(graph)
    assert block["name"] == "together"  # no common name prefix: the merge names the block
    # The ReLU after the addition ends the block, as in ReLU(F(x) + x).
    assert [c["name"] for c in block["children"]] == ["squeeze", "norm_a", "act", "mix", "together", "after"]
    assert block["shortcut"] == {"kind": "identity", "layers": [], "from": "picture", "to": "together"}
    assert [n["kind"] for n in graph["children"]] == ["stem", "stage"]
    assert graph["params"] == model.count_params()
    json.dumps(graph)


def test_blocks_named_by_prefix_and_stages_start_at_projections():
    model = learner_network()
    graph = model_graph(model)
    assert [b["name"] for b in blocks(graph)] == ["blockA", "blockB", "blockC"]
    assert [b["shortcut"]["kind"] for b in blocks(graph)] == ["projection", "identity", "projection"]
    assert blocks(graph)[0]["shortcut"]["layers"] == ["blockA_proj"]
    stages = [n for n in graph["children"] if n["kind"] == "stage"]
    assert [[c["name"] for c in s["children"]] for s in stages] == [["blockA", "blockB"], ["between", "blockC"]]
    assert blocks(graph)[2]["downsample"] == 2
    assert [c["name"] for c in graph["children"][0]["children"]][-1] == "first_conv"
    assert [c["name"] for c in graph["children"][-1]["children"]] == ["gap", "classes"]
    assert graph["params"] == sum(leaf["params"] for top in graph["children"] for leaf in leaves(top))
    assert graph["params"] == model.count_params()
    assert graph["depth"] == 1 + 2 * 3 + 1 + 1  # first conv, two per block, `between`, the dense layer


def test_an_addition_written_with_plus_closes_a_block_too():
    inputs = keras.Input((4, 4, 2))
    y = layers.Conv2D(2, 3, padding="same", name="c")(inputs)
    model = keras.Model(inputs, inputs + y)
    graph = model_graph(model)
    assert graph["block_count"] == 1
    assert blocks(graph)[0]["shortcut"]["kind"] == "identity"


def test_a_sequential_chain_stays_a_flat_list():
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10)],
        name="chain",
    )
    graph = model_graph(model)
    assert graph["structure"] == "chain" and graph["block_count"] == 0
    assert all(child["kind"] == "layer" for child in graph["children"])
    assert [c["type"] for c in graph["children"]][1:] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert graph["params"] == model.count_params()
    assert graph["output_shape"] == [None, 10]


@pytest.mark.parametrize(
    ("layer_under_test", "input_shape", "expected_macs"),
    [
        (layers.Conv2D(4, 3, strides=2), (9, 9, 3), 3 * 3 * 3 * 4 * (4 * 4)),
        (layers.Conv2D(8, 3, groups=2, padding="same"), (6, 6, 4), 3 * 3 * (4 // 2) * 8 * 36),
        (layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), (6, 6, 4), 3 * 3 * 4 * 2 * 36),
        (layers.SeparableConv2D(5, 3, padding="same"), (6, 6, 4), 3 * 3 * 4 * 36 + 4 * 5 * 36),
        (layers.Dense(5), (10,), 10 * 5),
        (layers.Dense(5), (3, 10), 3 * 10 * 5),
        (layers.BatchNormalization(), (6, 6, 4), 6 * 6 * 4),
        (layers.MaxPooling2D(), (6, 6, 4), 0),
        (layers.ReLU(), (6, 6, 4), 0),
    ],
    ids=["conv-strided", "conv-grouped", "depthwise", "separable", "dense", "dense-per-position", "bn", "pool", "relu"],
)
def test_multiply_adds_per_layer(layer_under_test, input_shape, expected_macs):
    inputs = keras.Input(input_shape)
    graph = model_graph(keras.Model(inputs, layer_under_test(inputs)))
    assert graph["children"][-1]["macs"] == expected_macs
    assert graph["macs"] == expected_macs


def test_unknown_image_size_gives_unknown_multiply_adds():
    inputs = keras.Input((None, None, 3))
    graph = model_graph(keras.Model(inputs, layers.Conv2D(4, 3)(inputs)))
    assert graph["children"][-1]["macs"] is None and graph["macs"] is None
    json.dumps(graph)


def test_a_shared_layer_counts_its_parameters_once():
    inputs = keras.Input((4,))
    dense = layers.Dense(4, name="twice")
    model = keras.Model(inputs, dense(dense(inputs)))
    graph = model_graph(model)
    assert [c["name"] for c in graph["children"]] == [graph["children"][0]["name"], "twice", "twice:1"]
    assert graph["params"] == model.count_params() == 20


def test_frozen_and_nested_models_split_trainable_and_non_trainable():
    base = learner_identity_block()
    base.trainable = False
    inputs = keras.Input((8, 8, 16))
    outputs = layers.Dense(3, name="new_head")(layers.GlobalAveragePooling2D()(base(inputs)))
    model = keras.Model(inputs, outputs)
    graph = model_graph(model)
    nested = layer(graph, "my_block")
    assert nested["type"] == "Functional"
    assert nested["trainable"] == 0 and nested["non_trainable"] == base.count_params()
    assert graph["trainable"] == 16 * 3 + 3
    assert graph["params"] == model.count_params()


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ("ResNet50", TypeError, "got model=builtins.str"),
        ({"layers": []}, TypeError, "got model=builtins.dict"),
        (Subclassed(), TypeError, "subclassed model Subclassed"),
        (keras.Sequential([layers.Dense(3)]), ValueError, "is not built"),
    ],
    ids=["string", "dict", "subclassed", "unbuilt-sequential"],
)
def test_bad_input_says_what_is_accepted(bad, error, words):
    with pytest.raises(error) as raised:
        model_graph(bad)
    message = str(raised.value)
    assert words in message
    assert "accepts a Keras functional model" in message
