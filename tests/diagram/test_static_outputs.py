"""What a notebook keeps of the diagram, and what drawing it needs: a picture in every saved output, the
scene (only) in the saved widget state, and no widget library for model_graph, to_svg and to_png."""

import base64
import json
import os
import subprocess
import sys
import textwrap

import pytest

from .executed import executed_notebook

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed():
    """A notebook with a diagram and explore(), executed as nbconvert does (widget state stored)."""
    return executed_notebook([
        "from resnet_widgets.diagram import ArchitectureDiagram, explore\nfrom resnet_widgets.models import ResNet50",
        "ArchitectureDiagram(ResNet50(weights=None), expanded=['conv2_block1'])",
        "explore('ResNet50V2', input_size=32)",
    ])  # fmt: skip


@pytest.mark.parametrize("cell, text", [
    (1, "ArchitectureDiagram('resnet50', 16 residual blocks)"),
    (2, "explore('ResNet50V2', input_size=32)"),
])  # fmt: skip
def test_every_widget_output_carries_a_png_an_svg_and_a_stable_line(executed, cell, text):
    (output,) = [o for o in executed.cells[cell].outputs if WIDGET_MIME in o.get("data", {})]
    assert output.data["text/plain"] == text  # no "<... object at 0x...>"
    assert base64.b64decode(output.data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert output.data["image/svg+xml"].startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')


def test_the_saved_widget_state_holds_the_scene_not_the_graph(executed):
    states = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    diagrams = [s["state"] for s in states.values() if "_scene" in s["state"]]
    assert len(diagrams) == 2
    for state in diagrams:
        assert not {"_graph", "_layout"} & set(state)
        scene = json.loads(state["_scene"])
        assert scene["format"] == "resnet_widgets.diagram_scene/1"
    by_model = {json.loads(state["_scene"])["name"]: state for state in diagrams}
    assert set(by_model) == {"resnet50", "resnet50v2"}
    assert by_model["resnet50"]["expanded"] == ["conv2_block1"] and by_model["resnet50v2"]["expanded"] == []


def whole_floats(value, where=""):
    """Paths of floats such as 10.0 in JSON data: a browser writes them back as 10."""
    if isinstance(value, float):
        return [where] if value.is_integer() else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in whole_floats(v, f"{where}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in whole_floats(v, f"{where}/{i}")]
    return []


def test_the_saved_widget_state_reads_back_the_same_from_a_browser(executed):
    # JupyterLab re-serialises the state it saves; JavaScript has no 10.0, so such a float would change the file.
    assert whole_floats(executed.metadata["widgets"]) == []


BLOCKED = textwrap.dedent(
    """
    import importlib.abc, sys

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("ipywidgets", "anywidget"):
                raise ImportError(f"{name} is blocked by the test")
            return None

    sys.meta_path.insert(0, Refuse())
    import keras
    import resnet_widgets.diagram as diagram

    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, keras.layers.Add()([inputs, keras.layers.Conv2D(4, 3, padding="same")(inputs)]))
    graph = diagram.model_graph(model)
    svg, png = diagram.to_svg(model), diagram.to_png(graph)
    assert graph["block_count"] == 1 and svg.startswith("<svg") and png.startswith(b"\\x89PNG")
    loaded = sorted(n for n in sys.modules if n.partition(".")[0] in ("ipywidgets", "anywidget"))
    print("loaded:", loaded)
    try:
        diagram.ArchitectureDiagram
    except ImportError as error:
        print("widget:", error)
    """
)


def test_model_graph_and_the_static_pictures_need_no_widget_library():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "loaded: []" in run.stdout
    # The widget itself does need anywidget, and says so when asked for.
    assert "widget: anywidget is blocked by the test" in run.stdout
