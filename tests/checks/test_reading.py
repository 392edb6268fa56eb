"""The checks read a block's graph the way the diagram does: one rule picks the shortcut."""

import keras
import pytest
from keras import layers

from resnet_widgets import arguments
from resnet_widgets.checks.reading import read_block
from resnet_widgets.diagram import model_graph
from resnet_widgets.graph import shortcut_branch


def block_whose_shortcut_is_the_longer_branch():
    """The parameter-free branch has three layers, the convolutional one two: "shortest" would pick wrongly."""
    x = keras.Input((8, 8, 4), name="x")
    shortcut = layers.AveragePooling2D(1, name="skip_pool")(x)
    shortcut = layers.ZeroPadding2D(0, name="skip_pad")(shortcut)
    shortcut = layers.Activation("linear", name="skip_linear")(shortcut)
    residual = layers.Conv2D(4, 3, padding="same", name="f_1_conv")(x)
    residual = layers.Conv2D(4, 3, padding="same", name="f_2_conv")(residual)
    return x, layers.Add(name="f_add")([shortcut, residual])


def test_the_shortcut_is_the_branch_with_fewer_convolutions_not_the_shorter_one():
    x, output = block_whose_shortcut_is_the_longer_branch()
    structure = read_block(x, output)
    assert [s.name for s in structure.shortcut] == ["skip_pool", "skip_pad", "skip_linear"]
    assert [s.name for s in structure.residual] == ["f_1_conv", "f_2_conv"]


def test_checks_and_diagram_agree_on_the_shortcut():
    x, output = block_whose_shortcut_is_the_longer_branch()
    (block,) = [node for stage in model_graph(keras.Model(x, output))["children"] if stage["kind"] == "stage"
                for node in stage["children"] if node["kind"] == "block"]
    assert block["shortcut"]["layers"] == [s.name for s in read_block(x, output).shortcut]
    assert block["shortcut"]["kind"] == "identity"


def test_among_equal_convolution_counts_the_shorter_branch_is_the_shortcut():
    conv = layers.Conv2D(1, 1)
    bn = layers.BatchNormalization()
    assert shortcut_branch([[conv, bn, bn], [conv, bn]]) == 1
    assert shortcut_branch([None, [conv, conv, conv]]) == 1  # a branch that is not a chain comes last


def test_function_argument_check_names_the_argument_and_what_it_expects():
    assert arguments.function("fn", len) is len
    with pytest.raises(TypeError, match=r"fn must be a function \(your block\); received fn='my_block'"):
        arguments.function("fn", "my_block", "your block")


def test_the_graph_helpers_name_producers_inputs_and_calls():
    """The checks' small graph helpers (their private reads are keras_internals', tested there)."""
    from resnet_widgets.checks.reading import input_names, made_by, producer, times_called

    x = keras.Input((4, 4, 2))
    conv = layers.Conv2D(2, 1, name="c")
    y = layers.ReLU(name="r")(conv(x))
    op, inputs = producer(y)
    assert (op.name, made_by(inputs[0]), made_by(y)) == ("r", "c", "r")
    assert input_names(op) == ["c"] and times_called(op) == 1
    conv(y)  # a second call of the same layer
    assert times_called(conv) == 2
