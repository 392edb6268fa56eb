"""Parameters and multiply-adds by formula agree with what Keras builds and with the paper."""

import keras
import pytest

from resnet_widgets import models
from resnet_widgets.diagram import model_graph
from resnet_widgets.models.costs import (
    Cost, basic_block_cost, bottleneck_cost, cost_breakdown, head_cost, stem_cost, variant_cost,
)

# DESIGN.md section 2: keras.applications' counts with the top.
KERAS_PARAMS = {
    "ResNet50": 25_636_712, "ResNet101": 44_707_176, "ResNet152": 60_419_944,
    "ResNet50V2": 25_613_800, "ResNet101V2": 44_675_560, "ResNet152V2": 60_380_648,
}


def conv_and_dense_macs(graph):
    total, stack = 0, list(graph["children"])
    while stack:
        node = stack.pop()
        stack.extend(node.get("children", ()))
        if node["kind"] == "layer" and node["type"] in ("Conv2D", "Dense"):
            total += node["macs"]
    return total


def block_model(block, input_shape, **kwargs):
    x = keras.Input(shape=input_shape)
    return keras.Model(x, block(x, **kwargs))


@pytest.mark.parametrize("filters", [64, 128, 256, 512])
def test_block_formulas_have_the_closed_forms_of_the_docstring(filters):
    f, c, s = filters, 2 * filters, 7
    assert bottleneck_cost(4 * f, f, s).params == 17 * f * f + 30 * f
    assert bottleneck_cost(4 * f, f, s).macs == 17 * f * f * s * s
    assert bottleneck_cost(c, f, s, projection=True).params == 13 * f * f + 5 * c * f + 50 * f
    assert bottleneck_cost(c, f, s, projection=True).macs == (13 * f * f + 5 * c * f) * s * s
    assert bottleneck_cost(4 * f, f, s, preact=True).params == 17 * f * f + 28 * f
    assert bottleneck_cost(c, f, s, projection=True, preact=True).params == 13 * f * f + 5 * c * f + 4 * c + 16 * f


def test_block_formulas_count_what_keras_builds():
    cases = [
        (models.identity_block, (14, 14, 1024), {"filters": 256}, bottleneck_cost(1024, 256, 14)),
        (models.conv_block, (28, 28, 512), {"filters": 256, "stride": 2},
         bottleneck_cost(512, 256, 28, stride=2, projection=True)),
        (models.preact_block, (14, 14, 1024), {"filters": 256, "stride": 2},
         bottleneck_cost(1024, 256, 14, stride=2, preact=True)),
        (models.preact_block, (28, 28, 512), {"filters": 256, "conv_shortcut": True},
         bottleneck_cost(512, 256, 28, projection=True, preact=True)),
    ]
    for block, shape, kwargs, expected in cases:
        model = block_model(block, shape, **kwargs)
        assert model.count_params() == expected.params, block.__name__
        graph = model_graph(model)
        assert conv_and_dense_macs(graph) == expected.macs, block.__name__
        assert graph["macs"] == expected.total_macs, block.__name__


@pytest.mark.parametrize("filters", [16, 64, 512])
def test_basic_block_formulas_have_the_closed_forms_of_the_docstring(filters):
    f, c, s = filters, filters // 2, 7
    assert basic_block_cost(f, f, s).params == 18 * f * f + 8 * f
    assert basic_block_cost(f, f, s).macs == 18 * f * f * s * s
    assert basic_block_cost(c, f, 2 * s, stride=2, projection=True).params == 9 * c * f + 9 * f * f + c * f + 12 * f
    assert basic_block_cost(c, f, 2 * s, stride=2, projection=True).macs == (9 * c * f + 9 * f * f + c * f) * s * s


def test_basic_block_formulas_count_what_keras_builds():
    cases = [
        ((14, 14, 256), {"filters": 256}, basic_block_cost(256, 256, 14)),
        ((28, 28, 128), {"filters": 256, "stride": 2}, basic_block_cost(128, 256, 28, stride=2, projection=True)),
        ((15, 15, 64), {"filters": 128, "stride": 2}, basic_block_cost(64, 128, 15, stride=2, projection=True)),
        # Option A: the zero-padded identity has no weights, so the block costs what an identity one does.
        ((14, 14, 16), {"filters": 32, "stride": 2, "shortcut": "zero_pad"}, basic_block_cost(16, 32, 14, stride=2)),
    ]
    for shape, kwargs, expected in cases:
        model = block_model(models.basic_block, shape, **kwargs)
        assert model.count_params() == expected.params, kwargs
        graph = model_graph(model)
        assert conv_and_dense_macs(graph) == expected.macs, kwargs
        assert graph["macs"] == expected.total_macs, kwargs


def test_resnet18_and_34_multiply_adds_are_table_1s():
    # He et al. 2015, Table 1: 1.8 and 3.6 x 10^9 FLOPs (multiply-adds); 3.66 is written 3.6 there, as 3.86 is 3.8.
    assert 1.8 <= variant_cost("ResNet18").macs / 1e9 < 1.9
    assert 3.6 <= variant_cost("ResNet34").macs / 1e9 < 3.7


@pytest.mark.parametrize("variant", ["ResNet18", "ResNet34"])
def test_basic_variant_formulas_agree_exactly_with_a_built_model_at_an_odd_size(variant):
    model = getattr(models, variant)(weights=None, input_shape=(97, 97, 3), classes=10)
    expected = variant_cost(variant, input_size=97, classes=10)
    graph = model_graph(model)
    assert model.count_params() == expected.params
    assert conv_and_dense_macs(graph) == expected.macs
    assert graph["macs"] == expected.total_macs


def test_family_parameter_counts_equal_keras_applications_without_building():
    assert {name: variant_cost(name).params for name in KERAS_PARAMS} == KERAS_PARAMS


def test_multiply_adds_round_to_the_papers_table_1():
    # He et al. 2015, Table 1: 3.8, 7.6, 11.3 x 10^9 "FLOPs" (multiply-adds). ResNet50's 3.86 is written 3.8 there.
    in_billions = {name: variant_cost(name).macs / 1e9 for name in ("ResNet50", "ResNet101", "ResNet152")}
    assert 3.8 <= in_billions["ResNet50"] < 3.9
    assert round(in_billions["ResNet101"], 1) == 7.6
    assert round(in_billions["ResNet152"], 1) == 11.3


@pytest.mark.parametrize("variant", ["ResNet50", "ResNet50V2"])
def test_formulas_agree_exactly_with_a_built_model_at_an_odd_size(variant):
    # 97 px: every stride-2 layer rounds its side up (49, 25, 13, 7, 4), which the formula must follow.
    model = getattr(models, variant)(weights=None, input_shape=(97, 97, 3), classes=10)
    expected = variant_cost(variant, input_size=97, classes=10)
    graph = model_graph(model)
    assert model.count_params() == expected.params
    assert conv_and_dense_macs(graph) == expected.macs
    assert graph["macs"] == expected.total_macs


def test_breakdown_sums_to_the_total_and_puts_v2s_post_bn_in_the_head():
    parts = cost_breakdown("ResNet50V2")
    assert list(parts) == ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    total = Cost()
    for part in parts.values():
        total += part
    assert total == variant_cost("ResNet50V2")
    assert parts["stem"] == stem_cost(224, preact=True)
    assert parts["head"].params == 2048 * 1000 + 1000 + 4 * 2048 == head_cost(7, preact=True).params


def test_extra_depth_of_101_and_152_sits_in_conv3_and_conv4():
    base, deeper = cost_breakdown("ResNet50"), cost_breakdown("ResNet152")
    assert base["conv2"] == deeper["conv2"] and base["conv5"] == deeper["conv5"]
    # 30 more conv4 identity blocks (f = 256, 14x14), 4 more conv3 ones (f = 128, 28x28).
    extra = 30 * bottleneck_cost(1024, 256, 14).params + 4 * bottleneck_cost(512, 128, 28).params
    assert variant_cost("ResNet152").params - variant_cost("ResNet50").params == extra


@pytest.mark.parametrize("kwargs, error, message", [
    ({"variant": "ResNet200"}, ValueError, "variant must be one of ResNet18, ResNet34, ResNet50, ResNet101"),
    ({"variant": "ResNet50", "input_size": 31}, ValueError, r"input_size must be an integer >= 32 \(pixels\)"),
    ({"variant": "ResNet50", "input_size": 224.0}, TypeError, "input_size must be an integer"),
    ({"variant": "ResNet50", "classes": 0}, ValueError, "classes must be an integer >= 1"),
])
def test_bad_arguments_name_the_argument_and_what_is_allowed(kwargs, error, message):
    with pytest.raises(error, match=message):
        variant_cost(**kwargs)


def test_bad_block_arguments_are_refused():
    with pytest.raises(ValueError, match="stride must be one of 1, 2"):
        bottleneck_cost(256, 64, 56, stride=3)
    with pytest.raises(ValueError, match="filters must be an integer >= 1"):
        bottleneck_cost(256, 0, 56)
    with pytest.raises(TypeError, match="side_in must be an integer >= 1"):
        basic_block_cost(64, 64, 56.0)
