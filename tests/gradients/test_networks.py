"""The networks the gradient experiments measure: He et al.'s CIFAR-10 nets and the one-conv stack, as functional models."""

import keras
import numpy as np
import pytest

from resnet_widgets.diagram import model_graph
from resnet_widgets.gradients import (
    NetworkSettings, build_network, clear_bank_cache, compare, matched_pair, measured_convs,
)
from resnet_widgets.models import basic_block

pytestmark = pytest.mark.backend_neutral


def kernels(model):
    return [np.asarray(conv.kernel) for conv in measured_convs(model)]


def output_shapes(model):
    return [tuple(layer.output.shape) for layer in model.layers]


@pytest.mark.parametrize("n", [1, 3])
def test_the_cifar_net_has_6n_plus_2_weighted_layers_in_three_stages_of_n_basic_blocks(n):
    residual = build_network("residual", NetworkSettings(depth=6 * n + 2))
    graph = model_graph(residual)
    assert graph["depth"] == 6 * n + 2  # the stem, 6n convolutions, the dense layer (section 4.2)
    stages = [node for node in graph["children"] if node["kind"] == "stage"]
    assert [stage["name"] for stage in stages] == ["conv2", "conv3", "conv4"]
    assert [len(stage["children"]) for stage in stages] == [n, n, n]
    # 16, 32, 64 filters on 28x28, 14x14, 7x7 maps (Fashion-MNIST's 28 px in place of CIFAR's 32 px).
    assert [tuple(stage["output_shape"][1:]) for stage in stages] == [(28, 28, 16), (14, 14, 32), (7, 7, 64)]
    assert residual.output_shape == (None, 10)


def test_option_a_shortcuts_are_identities_without_parameters_so_both_twins_have_the_same_weights():
    plain, residual = matched_pair(NetworkSettings(depth=14, width=4))
    graph = model_graph(residual)
    shortcuts = [block["shortcut"]["kind"] for stage in graph["children"] if stage["kind"] == "stage"
                 for block in stage["children"]]
    assert shortcuts == ["identity"] * 6  # zero-padded where a stage begins, but never a projection
    assert plain.count_params() == residual.count_params()
    assert all(np.array_equal(a, b) for a, b in zip(kernels(plain), kernels(residual)))
    assert model_graph(plain)["structure"] == "chain"  # the plain twin has no additions at all
    residual_types = [type(layer).__name__ for layer in residual.layers]
    without_skips = [t for t in residual_types if t not in ("Add", "MaxPooling2D", "ChannelZeroPad")]
    assert [type(layer).__name__ for layer in plain.layers] == without_skips


def test_the_cifar_net_is_the_one_models_basic_block_builds():
    """Layer for layer the shapes and parameters of a net built from resnet_widgets.models.basic_block (option A)."""
    inputs = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
    h = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(h))
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(2):
            stride = 2 if stage and block == 0 else 1
            h = basic_block(h, filters, stride=stride, shortcut="zero_pad", name=f"conv{stage + 2}_block{block + 1}")
    outputs = keras.layers.Dense(10)(keras.layers.GlobalAveragePooling2D()(h))
    reference = keras.Model(inputs, outputs)
    ours = build_network("residual", NetworkSettings(depth=14))
    assert ours.count_params() == reference.count_params()
    ours_graph, reference_graph = model_graph(ours), model_graph(reference)
    assert ours_graph["macs"] == reference_graph["macs"] and ours_graph["depth"] == reference_graph["depth"] == 14
    shapes = sorted(set(output_shapes(ours)) - {(None, 28, 28, 1)})
    assert shapes == sorted(set(output_shapes(reference)) - {(None, 28, 28, 1)})


def test_a_shallow_cifar_net_shares_its_weights_with_the_same_layers_of_a_deeper_one():
    shallow = build_network("plain", NetworkSettings(depth=8, width=4))
    deep = build_network("plain", NetworkSettings(depth=20, width=4))
    for conv in measured_convs(shallow):
        assert np.array_equal(np.asarray(conv.kernel), np.asarray(deep.get_layer(conv.name).kernel)), conv.name


def test_another_seed_redraws_the_weights_in_place_and_equals_a_fresh_build():
    clear_bank_cache()
    first, _ = matched_pair(NetworkSettings(depth=8, width=4, seed=0))
    weights_of_seed_0 = kernels(first)
    again, _ = matched_pair(NetworkSettings(depth=8, width=4, seed=1))
    assert again is first  # the same layers and model, with other weights
    redrawn = kernels(again)
    fresh = kernels(build_network("plain", NetworkSettings(depth=8, width=4, seed=1)))
    assert all(np.array_equal(a, b) for a, b in zip(redrawn, fresh))
    assert not np.allclose(redrawn[1], weights_of_seed_0[1])
    back, _ = matched_pair(NetworkSettings(depth=8, width=4, seed=0))
    assert all(np.array_equal(a, b) for a, b in zip(kernels(back), weights_of_seed_0))


@pytest.mark.parametrize("network, depth", [("cifar", 14), ("one_conv", 6)])
def test_each_model_is_built_once_so_reuse_leaves_no_nodes_behind(network, depth):
    clear_bank_cache()
    plain, residual = matched_pair(NetworkSettings(depth=depth, width=4, network=network))
    conv = measured_convs(residual)[1]
    nodes = len(conv._inbound_nodes)
    for _ in range(3):
        again_plain, again_residual = matched_pair(NetworkSettings(depth=depth, width=4, network=network))
        compare(NetworkSettings(depth=depth, width=4, network=network), batch_size=4)
    assert again_plain is plain and again_residual is residual
    assert len(conv._inbound_nodes) == nodes


def test_the_one_conv_stack_has_a_skip_around_every_conv_but_the_stem():
    plain, residual = matched_pair(NetworkSettings(depth=5, width=4, network="one_conv"))
    graph = model_graph(residual)
    assert graph["block_count"] == 4 and model_graph(plain)["structure"] == "chain"
    assert [conv.name for conv in measured_convs(residual)] == ["conv1", "conv2", "conv3", "conv4", "conv5"]


def test_the_networks_train_with_fit():
    # Fresh networks are ordinary functional models: compile and fit learn, here to fit 16 fixed images.
    model = build_network("residual", NetworkSettings(depth=8, width=4))
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).random((16, 28, 28, 1), dtype=np.float32)
    losses = model.fit(x, np.arange(16) % 10, batch_size=16, epochs=8, shuffle=False, verbose=0).history["loss"]
    assert losses[-1] < 0.8 * losses[0], losses