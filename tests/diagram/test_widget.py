"""ArchitectureDiagram's Python side (traits, live model swaps, shipped files) and the explore() app."""

import base64
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import keras
import pytest
from keras import layers

import resnet_widgets.diagram as diagram_package
from resnet_widgets.diagram import ArchitectureDiagram, diagram_scene, explore, model_graph, to_svg
from resnet_widgets.diagram.variant_explorer import VARIANTS, build_variant, summary_html

def residual_model(width=4, name="learner_block", projection=False):
    inputs = keras.Input((8, 8, 4), name="x")
    shortcut = layers.Conv2D(width, 1, name="proj")(inputs) if projection else inputs
    y = layers.Conv2D(width, 3, padding="same", name="f")(inputs)
    outputs = layers.Add(name="plus")([shortcut, y])
    return keras.Model(inputs, outputs, name=name)


def test_the_widget_ships_its_es_module_and_css_inside_the_package():
    static = Path(diagram_package.__file__).parent / "static"
    module, css = (static / "diagram.js").read_text(), (static / "diagram.css").read_text()
    assert "export default { render }" in module and ".rnd-root" in css
    assert "http://" not in module.replace("http://www.w3.org/2000/svg", "") and "https://" not in module
    assert "import " not in module  # no CDN, no bundler: a plain ES module
    widget = ArchitectureDiagram(residual_model(width=4, projection=True))
    assert "export default { render }" in widget._esm and ".rnd-root" in widget._css


def test_the_wheel_carries_the_es_module_and_css(tmp_path):
    from hatchling.builders.wheel import WheelBuilder  # the build backend pyproject.toml names

    root = Path(diagram_package.__file__).resolve().parents[2]
    (wheel,) = WheelBuilder(str(root)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(wheel).namelist()
    assert {"resnet_widgets/diagram/static/diagram.js", "resnet_widgets/diagram/static/diagram.css"} <= set(names)
    # The other widgets' scripts, and the course's own support package beside the library.
    assert {"resnet_widgets/static/view_landing.js", "resnet_widgets/static/plot_caption.js"} <= set(names)
    assert {"resnet_lab/__init__.py", "resnet_lab/mode.py", "resnet_lab/lab_inputs.py"} <= set(names)


def test_state_starts_closed_and_syncs_one_scene():
    widget = ArchitectureDiagram(residual_model(width=4, projection=True))
    assert widget.expanded == [] and widget.selected is None
    assert widget.graph["block_count"] == 1 and widget.graph["name"] == "learner_block"
    state = widget.get_state()
    # One thing describes the picture: the scene, as one JSON string; neither the graph nor a layout.
    assert {"expanded", "selected", "_scene"} <= set(state) and not {"_graph", "_layout"} & set(state)
    assert json.loads(state["_scene"]) == diagram_scene(widget.graph) == widget.scene


def test_assigning_a_rebuilt_model_redraws_and_keeps_what_still_exists():
    widget = ArchitectureDiagram(residual_model(projection=False), expanded=["plus"])
    widget.selected = "f"
    before = widget._scene
    widget.model = residual_model(width=16, projection=True)  # the learner rebuilt their block
    assert widget.graph["children"][1]["children"][0]["shortcut"]["kind"] == "projection"
    assert widget._scene != before and json.loads(widget._scene) == widget.scene
    assert widget.expanded == ["plus"] and widget.selected == "f"
    widget.model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="only")])
    assert widget.graph["structure"] == "chain"
    assert widget.expanded == [] and widget.selected is None


def test_a_bad_model_changes_nothing():
    widget = ArchitectureDiagram(residual_model())
    graph = widget.graph
    with pytest.raises(TypeError, match="accepts a Keras functional model"):
        widget.model = "not a model"
    assert widget.graph is graph
    with pytest.raises(TypeError, match="accepts a Keras functional model"):
        ArchitectureDiagram(object())


def test_the_output_keeps_a_png_an_svg_and_a_stable_line_of_text():
    widget = ArchitectureDiagram(residual_model(projection=True), expanded=["plus"])
    data, _ = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "ArchitectureDiagram('learner_block', 1 residual block)"
    svg = ET.fromstring(data["image/svg+xml"])
    assert "proj" in [t.text.split()[0] for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert data["image/svg+xml"] == to_svg(widget.graph, expanded=["plus"])  # what is open is drawn open
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_widget_draws_a_graph_dict_as_it_draws_the_model_it_came_from():
    model = residual_model(projection=True)
    from_dict, from_model = ArchitectureDiagram(model_graph(model)), ArchitectureDiagram(model)
    assert from_dict.scene == from_model.scene and from_dict.scene["parts"] and from_dict.graph["block_count"] == 1
    assert from_dict._repr_mimebundle_()[0]["text/plain"] == from_model._repr_mimebundle_()[0]["text/plain"]


def test_explore_builds_the_chosen_variant_and_rebuilds_on_change():
    app = explore("ResNet50", input_size=32)
    assert app.diagram.graph["name"] == "resnet50" and app.diagram.graph["block_count"] == 16
    assert "25,636,712" in app.summary.value and "depth" in app.summary.value
    app.variant.value = "ResNet50V2"
    assert app.diagram.graph["name"] == "resnet50v2" and app.diagram.graph["block_count"] == 16
    small_macs = app.diagram.graph["macs"]
    app.input_size.value = 64
    assert app.diagram.graph["macs"] > 3.9 * small_macs  # four times the pixels
    assert "resnet50v2" in app.summary.value and "25,613,800" in app.summary.value


def test_explore_takes_an_injected_model_factory():
    asked = []

    def factory(variant, size):
        asked.append((variant, size))
        return residual_model(name=variant.lower())

    app = explore("ResNet152", input_size=96, model_factory=factory)
    app.variant.value = "ResNet50V2"
    assert asked == [("ResNet152", 96), ("ResNet50V2", 96)]
    assert app.diagram.graph["name"] == "resnet50v2"
    assert set(VARIANTS) == set(app.variant.options)


def test_explore_refuses_unknown_variants_and_sizes():
    with pytest.raises(ValueError, match="variant must be one of 'ResNet18', 'ResNet34', 'ResNet50'.*received "
                                         "variant='ResNet200'"):
        explore("ResNet200")
    with pytest.raises(ValueError, match="input_size must be an integer >= 32"):
        build_variant("ResNet50", 16)
    with pytest.raises(TypeError, match="input_size must be an integer >= 32.*received input_size='64'"):
        explore("ResNet50", input_size="64")
    assert "residual blocks" in summary_html(model_graph(residual_model()))


def test_explore_leaves_the_diagram_it_shows_as_its_picture():
    app = explore("ResNet50", input_size=32)
    data, _ = app._repr_mimebundle_()
    assert data["text/plain"] == "explore('ResNet50', input_size=32)"
    assert data["image/svg+xml"] == app.diagram.to_svg()
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
