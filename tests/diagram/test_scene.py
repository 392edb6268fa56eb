"""diagram_scene and place: the one description of the picture that every painter draws as it is."""

import json

import keras
import pytest
from keras import layers

from resnet_widgets.diagram import diagram_scene, model_graph
from resnet_widgets.diagram.layout import ITEM_GAP, MARGIN, place
from resnet_widgets.diagram.text import format_count, format_shape, num, text_width
from resnet_widgets.diagram.palette import STYLES
from resnet_widgets.models import ResNet50, ResNet50V2, ResNet152V2

@pytest.fixture(scope="module")
def resnet50_scene():
    return diagram_scene(model_graph(ResNet50(weights=None)))


@pytest.fixture(scope="module")
def resnet50v2_scene():
    return diagram_scene(model_graph(ResNet50V2(weights=None)))


def items(scene):
    return {item["name"]: item for column in scene["columns"] for item in column["items"]}


def walk(marks, names=None):
    """Every mark under ``marks`` (nodes' children included), with a part's slots resolved to names."""
    for mark in marks:
        if mark[0] == "node" and len(mark) == 5:
            ref = mark[1]
            yield ["node", names[ref] if isinstance(ref, int) else ref, *mark[2:4]]
            yield from walk(mark[4], names)
        else:  # a mark, or a node already walked (name, kind and tip, no children)
            yield mark


def texts(marks, names=None):
    return [m[4] for m in walk(marks, names) if m[0] == "text"]


def open_marks(scene, name):
    opened = items(scene)[name]["open"]
    return list(walk(scene["parts"][opened["part"]] + opened["marks"], opened["names"]))


def nodes(marks):
    """The layer boxes of an open item: name -> the rect or circle mark that follows the node."""
    found, current = {}, None
    for mark in marks:
        if mark[0] == "node":
            current = mark[1]
        elif current and mark[0] in ("rect", "circle"):
            found.setdefault(current, mark)
    return found


def test_columns_read_stem_stages_head(resnet50_scene):
    columns = resnet50_scene["columns"]
    assert [texts(c["marks"])[0] for c in columns] == ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    assert [len(c["items"]) for c in columns] == [1, 3, 4, 6, 3, 1]
    assert texts(columns[2]["marks"])[1] == "4 blocks · 28×28×512"
    closed = list(walk(items(resnet50_scene)["conv3_block1"]["marks"]))
    assert ["text", "marker-text-projection"] == closed[-4][:2] and closed[-4][4] == "1×1"
    assert texts(closed) == ["1×1", "block1", "/2"]
    bracket = [m for m in walk(items(resnet50_scene)["conv3_block2"]["marks"]) if m[0] == "path"]
    assert [m[1] for m in bracket] == ["edge-identity"]


def test_an_open_block_holds_a_box_for_each_layer_and_draws_its_shortcut(resnet50_scene):
    graph_block = model_graph(ResNet50(weights=None))["children"][2]["children"][0]
    marks = open_marks(resnet50_scene, "conv3_block1")
    boxes = nodes(marks)
    assert sorted(boxes) == sorted(["conv3_block1"] + [layer["name"] for layer in graph_block["children"]])
    # The projection sits beside the residual branch, to its right; the merge below both.
    main, projection = boxes["conv3_block1_1_conv"], boxes["conv3_block1_0_conv"]
    assert projection[2] > main[2] + main[4]
    assert boxes["conv3_block1_add"][0] == "circle" and boxes["conv3_block1_add"][3] > boxes["conv3_block1_3_bn"][3]
    assert boxes["conv3_block1_out"][3] > boxes["conv3_block1_add"][3]  # v1: ReLU after the addition
    styles = [m[1] for m in marks if m[0] == "path"]
    assert styles.count("edge-projection") == 3  # into 0_conv, into 0_bn, into the merge
    identity = open_marks(resnet50_scene, "conv3_block2")
    assert [m[1] for m in identity if m[0] == "path"].count("edge-identity") == 1
    assert "3×3 conv, 128" in texts(marks) and "28×28×512" in texts(marks)


def test_equal_blocks_share_one_part_and_differ_in_their_names(resnet50_scene):
    conv4 = [items(resnet50_scene)[f"conv4_block{i}"]["open"] for i in range(1, 7)]
    assert len({o["part"] for o in conv4[1:]}) == 1 and conv4[0]["part"] != conv4[1]["part"]
    assert conv4[1]["names"][0] == "conv4_block2_1_conv" and conv4[5]["names"][0] == "conv4_block6_1_conv"
    # ...and the shared part still names each block's own layers once its slots are filled.
    assert "conv4_block6_2_conv" in [m[1] for m in open_marks(resnet50_scene, "conv4_block6") if m[0] == "node"]
    assert len(resnet50_scene["parts"]) < len(items(resnet50_scene))


def test_every_mark_names_a_style_of_the_one_palette(resnet50_scene):
    placed = place(resnet50_scene, ["stem", "conv2_block1", "head"])
    everything = list(walk(resnet50_scene["header"]["marks"] + placed["marks"]))
    for column in resnet50_scene["columns"]:
        everything += walk(column["marks"])
        for item in column["items"]:
            everything += walk(item["marks"])
            if "open" in item:
                everything += walk(item["open"]["marks"])
    for part in resnet50_scene["parts"]:
        everything += walk(part, list(range(1000)))
    used = {m[1] for m in everything if m[0] != "node"}
    assert used <= set(STYLES) and resnet50_scene["styles"] == STYLES
    assert {"box-conv", "box-norm", "box-act", "circle-add", "edge-projection", "trunk", "headline"} <= used


def test_tips_say_shape_parameters_and_multiply_adds(resnet50_scene):
    marks = open_marks(resnet50_scene, "conv2_block2")
    tip_of = {m[1]: m[3] for m in marks if m[0] == "node"}
    kind, *rows = resnet50_scene["tips"][tip_of["conv2_block2_2_conv"]]
    assert kind == "Conv2D" and dict(rows) == {"output": "56×56×64", "parameters": "36,928", "multiply-adds": "116 M"}
    _, *bn_rows = resnet50_scene["tips"][tip_of["conv2_block2_2_bn"]]
    assert dict(bn_rows)["parameters"] == "256 (128 non-trainable)"
    _, *block_rows = resnet50_scene["tips"][tip_of["conv2_block2"]]
    assert dict(block_rows)["shortcut"] == "identity, through nothing (x passes unchanged)"


def test_v2_pooled_shortcut_is_an_identity_marked_pool(resnet50v2_scene):
    closed = list(walk(items(resnet50v2_scene)["conv4_block6"]["marks"]))
    assert texts(closed) == ["pool", "block6", "/2"]
    assert {m[1] for m in closed if m[0] == "path"} == {"edge-identity"}


def test_opening_a_block_pushes_the_blocks_below_and_widens_its_column(resnet50_scene):
    closed, opened = place(resnet50_scene), place(resnet50_scene, ["conv3_block1"])
    grown = opened["items"]["conv3_block1"]["h"] - closed["items"]["conv3_block1"]["h"]
    assert grown > 200
    assert opened["items"]["conv3_block2"]["y"] == closed["items"]["conv3_block2"]["y"] + grown
    assert opened["items"]["conv2_block2"] == closed["items"]["conv2_block2"]  # other columns stay
    assert opened["columns"][2]["w"] > closed["columns"][2]["w"]
    assert opened["items"]["conv4_block1"]["x"] > closed["items"]["conv4_block1"]["x"]
    below = closed["items"]["conv3_block2"]
    assert below["y"] == closed["items"]["conv3_block1"]["y"] + closed["items"]["conv3_block1"]["h"] + ITEM_GAP
    assert place(resnet50_scene, ["no_such_block"]) == closed


def test_the_main_path_joins_every_item_and_a_chevron_sits_between_columns(resnet50_scene):
    placed = place(resnet50_scene, ["conv3_block1"])
    arrows = [m for m in placed["marks"] if m[1] == "arrowhead"]
    assert len(arrows) == 18  # one into each item: stem, 16 blocks, head
    below = placed["items"]["conv3_block2"]
    assert any(m[2].endswith(f"{num(below['y'] - 1)}L{num(placed['columns'][2]['x'] + 73.5)},{num(below['y'] - 7)}Z")
               for m in arrows)  # fmt: skip
    chevrons = [m for m in placed["marks"] if m[1] == "chevron"]
    assert len(chevrons) == 5
    left, right = placed["columns"][2], placed["columns"][3]
    assert left["x"] + left["w"] < chevrons[2][2] < right["x"]


def test_a_chain_wraps_into_columns_of_layers():
    model = keras.Sequential([keras.Input((32,))] + [layers.Dense(8, name=f"d{i}") for i in range(20)])
    scene = diagram_scene(model_graph(model))
    assert [len(c["items"]) for c in scene["columns"]] == [14, 7]
    assert all(item["kind"] == "layer" and "open" not in item for c in scene["columns"] for item in c["items"])
    assert "a plain chain of layers (no residual blocks)" in texts(scene["header"]["marks"])
    assert scene["hint"] == ""


def learner_block(name):
    inputs = keras.Input((56, 56, 256))
    y = layers.Conv2D(64, 1, name=f"{name}_a")(inputs)
    y = layers.Conv2D(256, 1, name=f"{name}_b")(y)
    return keras.Model(inputs, layers.ReLU()(layers.Add()([inputs, y])), name=name)


def test_a_long_headline_wraps_to_the_width_of_a_small_picture():
    scene = diagram_scene(model_graph(learner_block("a_learners_identity_block_v1")))
    body = place(scene)["width"]
    lines = [m for m in scene["header"]["marks"] if m[0] == "text" and m[1] == "headline"]
    assert len(lines) >= 2  # one line would not fit a picture this narrow
    assert " · ".join(m[4] for m in lines).startswith("a_learners_identity_block_v1 · ")
    size = STYLES["headline"]["font-size"]
    widest = max(text_width(m[4], size, bold=True) for m in lines)
    assert MARGIN + widest <= max(body, scene["header"]["w"])
    assert [m[3] for m in lines] == sorted({m[3] for m in lines})  # one below the other


def test_the_scene_is_json_and_refuses_what_is_not_a_graph(resnet50_scene):
    assert json.loads(json.dumps(resnet50_scene)) == resnet50_scene
    with pytest.raises(ValueError, match="expects the dict returned by model_graph"):
        diagram_scene({"name": "not a graph"})


def test_the_widget_scene_is_smaller_than_the_graph_it_draws():
    # The widget used to sync the graph and a layout beside it; the scene (with shared parts) replaces both.
    graph = model_graph(ResNet152V2(weights=None))
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    assert len(json.dumps(diagram_scene(graph), **compact)) < 0.7 * len(json.dumps(graph, **compact))


def test_numbers_are_written_for_learners_and_coordinates_as_javascript_does():
    assert format_count(25_636_712) == "25.6 M"
    assert format_count(3_868_560_384) == "3.87 G"
    assert format_count(512) == "512"
    assert format_count(None) == "?"
    assert format_shape([None, 56, 56, 256]) == "56×56×256"
    assert format_shape([None, None, None, 3]) == "?×?×3"
    written = [num(v) for v in (70.0, 3.5, -0.0, 0.1 + 0.2, 12345.25)]
    assert written == ["70", "3.5", "0", "0.30000000000000004", "12345.25"]


def test_a_model_that_starts_with_its_block_shows_its_input_not_an_empty_stem_box():
    # The learner's identity block as a model: nothing runs before the block, so the stem holds the input only.
    # As a section its box showed a title and no layer (the reviewer's "empty stem box").
    x = keras.Input((8, 8, 16), name="block_input")
    h = layers.BatchNormalization(name="b_1_bn")(layers.Conv2D(16, 3, padding="same", name="b_1_conv")(x))
    out = layers.Activation("relu", name="b_out")(layers.Add(name="b_add")([x, h]))
    scene = diagram_scene(model_graph(keras.Model(x, out, name="one_block")))
    first = scene["columns"][0]
    assert [(item["kind"], item["name"]) for item in first["items"]] == [("layer", "block_input")]
    assert "input" in texts(first["marks"]) and "stem" not in texts(first["marks"])
    assert [item["kind"] for item in scene["columns"][1]["items"]] == ["block"]
    # A real stem (ResNet50's conv1 and pool) stays a section with its layers in words.
    resnet = diagram_scene(model_graph(ResNet50(weights=None, input_shape=(64, 64, 3))))
    assert [item["kind"] for item in resnet["columns"][0]["items"]] == ["section"]
