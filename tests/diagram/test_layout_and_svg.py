"""diagram_layout, place and to_svg: the geometry both drawings share, and the static picture."""

import xml.etree.ElementTree as ET

import keras
import pytest
from keras import layers

from resnet_widgets.diagram import diagram_layout, model_graph, to_svg
from resnet_widgets.diagram.layout import ITEM_GAP, format_count, format_shape, place
from resnet_widgets.models import ResNet50, ResNet50V2

pytestmark = pytest.mark.backend_neutral
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def resnet50_graph():
    return model_graph(ResNet50(weights=None))


@pytest.fixture(scope="module")
def resnet50v2_graph():
    return model_graph(ResNet50V2(weights=None))


def items(layout):
    return {item["name"]: item for column in layout["columns"] for item in column["items"]}


def tooltips(svg_text):
    return [t.text for t in ET.fromstring(svg_text).iter(f"{SVG}title")]


def test_columns_read_stem_stages_head(resnet50_graph):
    layout = diagram_layout(resnet50_graph)
    assert [c["title"] for c in layout["columns"]] == ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    assert [len(c["items"]) for c in layout["columns"]] == [1, 3, 4, 6, 3, 1]
    assert layout["columns"][2]["subtitle"] == "4 blocks · 28×28×512"
    conv3_block1 = items(layout)["conv3_block1"]
    assert (conv3_block1["shortcut"], conv3_block1["marker"], conv3_block1["badge"]) == ("projection", "1×1", "/2")
    assert items(layout)["conv3_block2"]["shortcut"] == "identity"


def test_an_open_block_holds_a_box_for_each_layer_and_draws_its_shortcut(resnet50_graph):
    block = resnet50_graph["children"][2]["children"][0]
    geometry = items(diagram_layout(resnet50_graph))["conv3_block1"]["open"]
    assert [box[0] for box in geometry["boxes"]] == [layer["name"] for layer in block["children"]]
    by_name = {box[0]: box for box in geometry["boxes"]}
    # The projection sits beside the residual branch, to its right; the merge below both.
    assert by_name["conv3_block1_0_conv"][1] > by_name["conv3_block1_1_conv"][1] + by_name["conv3_block1_1_conv"][3]
    assert by_name["conv3_block1_add"][2] > by_name["conv3_block1_3_bn"][2]
    assert by_name["conv3_block1_out"][2] > by_name["conv3_block1_add"][2]  # v1: ReLU after the addition
    classes = [edge[0] for edge in geometry["edges"]]
    assert classes.count("skip-projection") == 3  # into 0_conv, into 0_bn, into the merge
    identity = items(diagram_layout(resnet50_graph))["conv3_block2"]["open"]
    assert [edge[0] for edge in identity["edges"]].count("skip-identity") == 1


def test_v2_pooled_shortcut_is_an_identity_marked_pool(resnet50v2_graph):
    block = items(diagram_layout(resnet50v2_graph))["conv4_block6"]
    assert (block["shortcut"], block["marker"], block["badge"]) == ("identity", "pool", "/2")


def test_opening_a_block_pushes_the_blocks_below_and_widens_its_column(resnet50_graph):
    layout = diagram_layout(resnet50_graph)
    closed, opened = place(layout), place(layout, ["conv3_block1"])
    grown = opened["items"]["conv3_block1"]["h"] - closed["items"]["conv3_block1"]["h"]
    assert grown > 200
    assert opened["items"]["conv3_block2"]["y"] == closed["items"]["conv3_block2"]["y"] + grown
    assert opened["items"]["conv2_block2"] == closed["items"]["conv2_block2"]  # other columns stay
    assert opened["columns"][2]["w"] > closed["columns"][2]["w"]
    assert opened["items"]["conv4_block1"]["x"] > closed["items"]["conv4_block1"]["x"]
    below = closed["items"]["conv3_block2"]
    assert below["y"] == closed["items"]["conv3_block1"]["y"] + closed["items"]["conv3_block1"]["h"] + ITEM_GAP
    assert place(layout, ["no_such_block"]) == closed


def test_a_chain_wraps_into_columns_of_layers():
    model = keras.Sequential([keras.Input((32,))] + [layers.Dense(8, name=f"d{i}") for i in range(20)])
    layout = diagram_layout(model_graph(model))
    assert [len(c["items"]) for c in layout["columns"]] == [14, 7]
    assert all(item["kind"] == "layer" for c in layout["columns"] for item in c["items"])


def test_svg_shows_every_block_and_parses(resnet50_graph):
    svg = to_svg(resnet50_graph)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("block1") == 4 and texts.count("block6") == 1
    assert "resnet50 · 25.6 M parameters · 3.87 G multiply-adds · depth 50 · 16 residual blocks" in texts
    assert sum(1 for t in tooltips(svg) if t.startswith("conv") and "_block" in t.split()[0]) == 16
    # Identity and projection shortcuts look different: only projections are dashed.
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert {p.get("stroke") for p in dashed} == {"#ea580c"}
    assert len(dashed) == 4 + 1  # one bracket per stage, one in the legend


def test_svg_of_an_open_block_shows_its_layers_with_shapes(resnet50_graph):
    svg = to_svg(resnet50_graph, expanded=["conv2_block2"])
    tips = tooltips(svg)
    assert any(t.startswith("conv2_block2_2_conv (Conv2D)\noutput 56×56×64\nparameters 36,928") for t in tips)
    assert "3×3 conv, 64" in [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_svg_accepts_a_model_and_refuses_other_things():
    inputs = keras.Input((4,))
    svg = to_svg(keras.Model(inputs, layers.Dense(2)(inputs)))
    assert ET.fromstring(svg).tag == f"{SVG}svg"
    with pytest.raises(TypeError, match="accepts a Keras functional model"):
        to_svg(42)
    with pytest.raises(ValueError, match="expects the dict returned by model_graph"):
        diagram_layout({"name": "not a graph"})


def test_numbers_are_written_for_learners():
    assert format_count(25_636_712) == "25.6 M"
    assert format_count(3_868_560_384) == "3.87 G"
    assert format_count(512) == "512"
    assert format_count(None) == "?"
    assert format_shape([None, 56, 56, 256]) == "56×56×256"
    assert format_shape([None, None, None, 3]) == "?×?×3"
