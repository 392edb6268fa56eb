"""model_graph on the six ResNets (ours) and on keras.applications' ResNet50V2 (generic pool names)."""

import json
import re

import keras
import pytest

from resnet_widgets.diagram import model_graph
from resnet_widgets.models import ResNet50, ResNet50V2, ResNet101, ResNet101V2, ResNet152, ResNet152V2

# Stage depths of the family (He et al. 2015, table 1); the residual block counts follow from them.
STAGE_DEPTHS = {
    ResNet50: (3, 4, 6, 3), ResNet101: (3, 4, 23, 3), ResNet152: (3, 8, 36, 3),
    ResNet50V2: (3, 4, 6, 3), ResNet101V2: (3, 4, 23, 3), ResNet152V2: (3, 8, 36, 3),
}  # fmt: skip
BLOCK_NAME = re.compile(r"^conv[2-5]_block\d+$")


@pytest.fixture(scope="module")
def built():
    """Each variant built once (without weights) and described; only ResNet50's model is kept."""
    described, kept = {}, None
    for variant in STAGE_DEPTHS:
        model = variant(weights=None)
        described[variant] = (model_graph(model), model.count_params())
        if variant is ResNet50:
            kept = model
    return described, kept


@pytest.fixture(scope="module")
def graphs(built):
    return built[0]


def blocks_of(graph):
    return [block for stage in graph["children"] if stage["kind"] == "stage" for block in stage["children"]]


@pytest.mark.parametrize("variant", list(STAGE_DEPTHS), ids=lambda v: v.__name__)
def test_every_variant_has_its_residual_blocks_in_four_stages(graphs, variant):
    graph, _ = graphs[variant]
    depths = STAGE_DEPTHS[variant]
    assert [node["kind"] for node in graph["children"]] == ["stem", "stage", "stage", "stage", "stage", "head"]
    stages = graph["children"][1:5]
    assert [s["name"] for s in stages] == ["conv2", "conv3", "conv4", "conv5"]
    assert [len(s["children"]) for s in stages] == list(depths)
    assert graph["block_count"] == len(blocks_of(graph)) == sum(depths)  # 16, 33 or 50
    expected = [f"conv{i + 2}_block{j + 1}" for i, depth in enumerate(depths) for j in range(depth)]
    assert [b["name"] for b in blocks_of(graph)] == expected


@pytest.mark.parametrize("variant", list(STAGE_DEPTHS), ids=lambda v: v.__name__)
def test_node_parameters_add_up_to_count_params(graphs, variant):
    graph, count = graphs[variant]
    assert graph["params"] == count
    layers = [leaf for top in graph["children"] for leaf in _leaves(top)]
    assert sum(layer["params"] for layer in layers) == count
    assert sum(layer["trainable"] + layer["non_trainable"] for layer in layers) == count
    for stage in graph["children"]:
        assert stage["params"] == sum(child["params"] for child in stage["children"])


@pytest.mark.parametrize("variant", list(STAGE_DEPTHS), ids=lambda v: v.__name__)
def test_depth_counts_conv_and_dense_layers_on_the_main_path(graphs, variant):
    graph, _ = graphs[variant]
    assert graph["depth"] == 2 + 3 * sum(STAGE_DEPTHS[variant])  # 50, 101, 152


def test_v1_stages_open_with_a_projection_and_continue_with_identities(graphs):
    for variant in (ResNet50, ResNet101, ResNet152):
        for stage in graphs[variant][0]["children"][1:5]:
            first, *rest = stage["children"]
            assert first["shortcut"]["kind"] == "projection"
            assert first["shortcut"]["layers"] == [f"{first['name']}_0_conv", f"{first['name']}_0_bn"]
            assert all(b["shortcut"] == {"kind": "identity", "layers": [], "from": b["shortcut"]["from"],
                                         "to": f"{b['name']}_add"} for b in rest)  # fmt: skip
        downsampling = [b["name"] for b in blocks_of(graphs[variant][0]) if b.get("downsample")]
        assert downsampling == ["conv3_block1", "conv4_block1", "conv5_block1"]


def test_v2_shortcuts_leave_after_the_preactivation_and_pool_at_the_stage_end(graphs):
    graph = graphs[ResNet152V2][0]
    conv4 = graph["children"][3]["children"]
    assert conv4[0]["shortcut"]["kind"] == "projection"
    assert conv4[0]["shortcut"]["from"] == "conv4_block1_preact_relu"
    assert conv4[0]["children"][0]["name"] == "conv4_block1_preact_bn"  # named layers before the fork
    last = conv4[-1]
    assert last["name"] == "conv4_block36"
    assert last["shortcut"]["kind"] == "identity"  # a parameter-free pooling, not a projection
    assert last["shortcut"]["layers"] == ["conv4_block36_0_pool"]
    assert last["downsample"] == 2
    assert [b["name"] for b in blocks_of(graph) if b.get("downsample")] == [
        "conv2_block3", "conv3_block8", "conv4_block36",
    ]  # fmt: skip


def test_serialised_graph_names_every_block_and_stays_small(graphs):
    graph = graphs[ResNet152V2][0]
    payload = json.dumps(graph, separators=(",", ":"), ensure_ascii=False).encode()
    assert len(payload) <= 150_000  # the widget sends it to the browser
    for block in blocks_of(graph):
        assert BLOCK_NAME.match(block["name"]) and f'"{block["name"]}"'.encode() in payload
    assert json.loads(payload) == graph


def test_multiply_adds_match_the_conv_and_dense_formula(built):
    graph, model = built[0][ResNet50][0], built[1]
    layers = [leaf for top in graph["children"] for leaf in _leaves(top)]
    by_type = {}
    for layer in layers:
        by_type[layer["type"]] = by_type.get(layer["type"], 0) + layer["macs"]
    # Independently: a Conv2D costs (weights without bias) x output positions; Dense its weights.
    conv = sum(
        _size(layer.kernel.shape) * layer.output.shape[1] * layer.output.shape[2]
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D)
    )
    dense = sum(_size(layer.kernel.shape) for layer in model.layers if isinstance(layer, keras.layers.Dense))
    assert by_type["Conv2D"] == conv
    assert by_type["Dense"] == dense == 2048 * 1000
    assert 3.8e9 < conv + dense < 3.9e9  # the paper's "3.8 x 10^9 FLOPs"
    assert graph["macs"] == sum(by_type.values())


def test_keras_applications_v2_pools_with_generic_names_are_grouped_by_structure():
    model = keras.applications.ResNet50V2(weights=None)
    graph = model_graph(model)
    assert graph["block_count"] == 16 and graph["params"] == model.count_params()
    pooled = [b for b in blocks_of(graph) if b["shortcut"]["layers"] and b["shortcut"]["kind"] == "identity"]
    assert [b["name"] for b in pooled] == ["conv2_block3", "conv3_block4", "conv4_block6"]
    for block in pooled:
        (pool,) = block["shortcut"]["layers"]
        assert re.fullmatch(r"max_pooling2d(_\d+)?", pool)  # keras' generic name ...
        assert pool in [layer["name"] for layer in block["children"]]  # ... inside its block


def _leaves(node):
    if node["kind"] == "layer":
        return [node]
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def _size(shape):
    total = 1
    for dim in shape:
        total *= int(dim)
    return total
