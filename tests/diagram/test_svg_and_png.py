"""to_svg and to_png: two painters of one scene, for places where no widget renders."""

import io
import re
import xml.etree.ElementTree as ET

import keras
import numpy as np
import pytest
from keras import layers
from PIL import Image

from resnet_widgets.diagram import diagram_scene, model_graph, side_by_side, to_png, to_svg
from resnet_widgets.diagram.palette import FAMILY_COLOURS, PROJECTION
from resnet_widgets.diagram.svg import NATURAL_MAX_WIDTH
from resnet_widgets.models import ResNet50

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def resnet50_graph():
    return model_graph(ResNet50(weights=None))


def tooltips(svg_text):
    return [t.text for t in ET.fromstring(svg_text).iter(f"{SVG}title")]


def view_box(svg_text):
    return [float(v) for v in ET.fromstring(svg_text).get("viewBox").split()]


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
    assert {p.get("stroke") for p in dashed} == {PROJECTION}
    assert len(dashed) == 4 + 1  # one bracket per stage, one in the legend


def test_svg_of_an_open_block_shows_its_layers_with_shapes(resnet50_graph):
    svg = to_svg(resnet50_graph, expanded=["conv2_block2"])
    tips = tooltips(svg)
    assert "conv2_block2_2_conv (Conv2D)\noutput 56×56×64\nparameters 36,928\nmultiply-adds 116 M" in tips
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "3×3 conv, 64" in texts and "56×56×64" in texts
    assert view_box(svg)[2] > view_box(to_svg(resnet50_graph))[2]  # the open block widens its column


def test_a_wide_svg_takes_the_width_it_is_shown_at_and_a_small_one_keeps_its_size(resnet50_graph):
    wide = ET.fromstring(to_svg(resnet50_graph))
    assert view_box(to_svg(resnet50_graph))[2] > NATURAL_MAX_WIDTH
    assert wide.get("width") == "100%" and wide.get("height") is None  # the height follows the viewBox
    inputs = keras.Input((8, 8, 4))
    small_svg = to_svg(keras.Model(inputs, layers.Add()([inputs, layers.Conv2D(4, 1)(inputs)])))
    small, (_, _, width, height) = ET.fromstring(small_svg), view_box(small_svg)
    assert width <= NATURAL_MAX_WIDTH
    assert (small.get("width"), small.get("height")) == (f"{width:g}", f"{height:g}")
    assert small.get("style") == "max-width:100%;height:auto"  # in a page, it still shrinks to fit


def test_side_by_side_keeps_each_picture_whole_and_scales_as_one(resnet50_graph):
    first, second = to_svg(resnet50_graph), to_svg(resnet50_graph, expanded=["conv2_block1"])
    joined = side_by_side(first, second, gap=30)
    root = ET.fromstring(joined)
    inner = root.findall(f"{SVG}svg")
    assert [float(s.get("x")) for s in inner] == [0, view_box(first)[2] + 30]
    assert [float(s.get("width")) for s in inner] == [view_box(first)[2], view_box(second)[2]]
    assert view_box(joined)[2:] == [view_box(first)[2] + 30 + view_box(second)[2], view_box(second)[3]]
    assert root.get("width") == "100%"  # two whole networks: wider than a natural-size picture may be
    refused = r"pictures must be SVG documents made by to_svg; received pictures\[1\]='<svg/>'"
    with pytest.raises(ValueError, match=refused):
        side_by_side(first, "<svg/>")
    with pytest.raises(ValueError, match="pictures must be one or more SVG documents made by to_svg; received none"):
        side_by_side()


def test_svg_accepts_a_model_and_refuses_other_things():
    inputs = keras.Input((4,))
    svg = to_svg(keras.Model(inputs, layers.Dense(2)(inputs)))
    assert ET.fromstring(svg).tag == f"{SVG}svg"
    with pytest.raises(TypeError, match="accepts a Keras functional model"):
        to_svg(42)
    with pytest.raises(TypeError, match="accepts a Keras functional model"):
        to_png("a model")


def colour_pixels(png: bytes, hex_colour: str) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    wanted = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - wanted).sum(axis=1) <= 6).sum())


def test_png_is_the_scene_at_one_pixel_per_pixel(resnet50_graph):
    png = to_png(resnet50_graph)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = Image.open(io.BytesIO(png)).size
    assert [width, height] == view_box(to_svg(resnet50_graph))[2:]
    assert Image.open(io.BytesIO(to_png(resnet50_graph, dpi=192))).size == (2 * width, 2 * height)


def test_png_paints_the_boxes_an_open_block_shows(resnet50_graph):
    conv_fill = FAMILY_COLOURS["conv"][0]
    closed = colour_pixels(to_png(resnet50_graph), conv_fill)
    opened = colour_pixels(to_png(resnet50_graph, expanded=["conv3_block1"]), conv_fill)
    # Four conv boxes of about 120 x 20 pixels appear, each filled with the conv colour.
    assert closed < 50 and opened > 4 * 100 * 15
    assert colour_pixels(to_png(resnet50_graph, expanded=["conv3_block1"]), FAMILY_COLOURS["act"][0]) > 3 * 100 * 15


def test_svg_and_png_take_their_colours_from_the_scene(resnet50_graph):
    scene = diagram_scene(resnet50_graph)
    scene["styles"]["box-conv"] = {**scene["styles"]["box-conv"], "fill": "#ff00ff"}
    from resnet_widgets.diagram.png import paint_png
    from resnet_widgets.diagram.svg import paint_svg

    svg = paint_svg(scene, ["conv2_block2"])
    assert len(re.findall(r'fill="#ff00ff"', svg)) == 3  # the block's three convolutions
    assert colour_pixels(paint_png(scene, ["conv2_block2"]), "#ff00ff") > 3 * 100 * 15


@pytest.mark.parametrize("expanded", ["conv2_block1", [3], None])
def test_expanded_must_be_a_list_of_names(resnet50_graph, expanded):
    # A single string would be read letter by letter and open nothing, silently.
    with pytest.raises(TypeError, match=r"expanded must be a list of names \(strings\)"):
        to_svg(resnet50_graph, expanded=expanded)
    with pytest.raises(TypeError, match="expanded must be a list of names"):
        to_png(resnet50_graph, expanded=expanded)
