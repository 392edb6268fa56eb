"""The diagram in words: the table a screen reader reads and "copy as table" copies, and the static SVG's title,
description and role."""

import re
import xml.etree.ElementTree as ET

import keras
import pytest
from keras import layers

from resnet_widgets.diagram import diagram_scene, model_graph, side_by_side, to_svg
from resnet_widgets.diagram.table import diagram_description, diagram_table, diagram_title, table_tsv
from resnet_widgets.models import ResNet50

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def graph():
    return model_graph(ResNet50(weights=None))


def test_the_table_has_a_row_per_block_and_for_the_stem_and_head_with_their_shapes(graph):
    table = diagram_table(graph)
    rows = {row[1]: row for row in table["rows"]}
    blocks = [b for stage in graph["children"] if stage["kind"] == "stage" for b in stage["children"]]
    assert len(table["rows"]) == len(blocks) + 2 == graph["block_count"] + 2
    assert [row[1] for row in table["rows"]][0] == "stem" and table["rows"][-1][1] == "head"
    for block in blocks:
        row = rows[block["name"]]
        assert row[3] == "×".join(str(d) for d in block["output_shape"][1:])
        assert row[4] == f"{block['params']:,}"
        assert row[2].startswith(block["shortcut"]["kind"])
    assert rows["conv3_block1"][2] == "projection block, stride 2" and rows["conv3_block2"][2] == "identity block"
    assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_copy_as_table_text_is_tab_separated_and_reads_back_as_the_table(graph):
    table = diagram_table(graph)
    lines = table_tsv(table).splitlines()
    assert lines[0].split("\t") == table["columns"]
    assert [line.split("\t") for line in lines[1:]] == table["rows"]


def test_the_description_names_every_stage_with_its_blocks_and_shape(graph):
    text = diagram_description(graph)
    for stage, count, shape in [("conv2", 3, "56×56×256"), ("conv3", 4, "28×28×512"), ("conv4", 6, "14×14×1024"),
                                ("conv5", 3, "7×7×2048")]:
        assert f"Stage {stage}: {count} residual blocks (1 projection, {count - 1} identity), output {shape}." in text
    assert diagram_title(graph).startswith("Architecture of resnet50: 25.6 M parameters")


def test_a_model_without_blocks_is_described_without_shortcuts():
    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, layers.Conv2D(4, 3, name="only_conv")(inputs), name="tiny")
    graph = model_graph(model)
    assert "shortcut" not in diagram_description(graph)
    assert any(row[1] == "only_conv" for row in diagram_table(graph)["rows"])


def test_the_static_svg_is_an_image_named_by_its_title_and_described(graph):
    svg = to_svg(graph, expanded=["conv2_block1"])
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root[0], root[1]  # first children: what a screen reader reads before any tooltip
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", title_id, diagram_title(graph))
    assert desc.tag == f"{SVG}desc" and desc.get("id") == desc_id
    assert desc.text.startswith(diagram_description(graph)) and "Open: conv2_block1." in desc.text
    assert to_svg(graph) != svg and re.search(r'id="rnd-title-(\w+)"', to_svg(graph)).group(1) not in svg


def test_pictures_side_by_side_are_one_image_that_names_each(graph):
    small = keras.Input((8, 8, 4))
    block = keras.Model(small, layers.Add()([small, layers.Conv2D(4, 3, padding="same")(small)]), name="one_block")
    both = ET.fromstring(side_by_side(to_svg(graph), to_svg(block)))
    assert both.get("role") == "img" and both[0].text == "2 diagrams side by side"
    assert "Architecture of resnet50" in both[1].text and "Architecture of one_block" in both[1].text


def test_the_scene_carries_the_words_the_widget_shows(graph):
    text = diagram_scene(graph)["text"]
    assert text == {"title": diagram_title(graph), "description": diagram_description(graph),
                    "table": diagram_table(graph)}
