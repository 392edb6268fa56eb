"""``ArchitectureDiagram``: the live diagram, an anywidget that paints the scene ``diagram_scene`` describes.

Python computes everything (graph and scene); the ES module in ``static/`` only paints the scene and
sends two things back: which blocks are open (``expanded``) and which node was clicked last
(``selected``). The scene is synced as one compact JSON string: a notebook that saves widget state
stores it on one line, where a nested dict would take a line per number.
"""

from __future__ import annotations

import json
from pathlib import Path

import anywidget
import traitlets

from ..display import StaticPicture
from ..graph import model_graph, nodes_by_name
from .layout import diagram_scene, open_names
from .png import paint_png
from .svg import paint_svg
from .text import blocks_phrase

_STATIC = Path(__file__).parent / "static"


def scene_json(scene: dict) -> str:
    """The scene as the widget syncs it: compact JSON, non-ASCII characters kept as they are."""
    return json.dumps(scene, separators=(",", ":"), ensure_ascii=False)


class ArchitectureDiagram(StaticPicture, anywidget.AnyWidget):
    """A Keras model drawn as stem, stages, residual blocks and head; click a block to see its layers.

    Args:
        model: a Keras functional model or built Sequential (see :func:`model_graph`), or a dict that
            :func:`model_graph` returned.
        expanded: names of blocks (or "stem", "head") to show open at first.

    Traits (synced with the browser):
        expanded: list of the open blocks' names; set it to open or close blocks from Python.
        selected: name of the node clicked last (a block, a layer, a section), or None.

    Setting ``widget.model = other_model`` redraws it. ``widget.graph`` is the current ``model_graph``
    dict, ``widget.scene`` what is painted. Where no widget renders (a notebook not trusted yet,
    GitHub, nbviewer) the output shows the same picture as a PNG, or as SVG where that is allowed.

    Raises:
        TypeError/ValueError: from :func:`model_graph` when ``model`` is not an accepted model.
    """

    _esm = _STATIC / "diagram.js"
    _css = _STATIC / "diagram.css"

    expanded = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    _scene = traitlets.Unicode("").tag(sync=True)  # scene_json(self.scene)

    def __init__(self, model, expanded=(), **kwargs):
        graph = self._graph_of(model)
        scene = diagram_scene(graph)
        super().__init__(_scene=scene_json(scene), expanded=open_names(expanded), **kwargs)
        self._model, self._graph_dict, self._scene_dict = model, graph, scene

    @staticmethod
    def _graph_of(model) -> dict:
        return model if isinstance(model, dict) else model_graph(model)

    @property
    def model(self):
        """The model (or graph dict) shown; assigning another one redraws the diagram."""
        return self._model

    @model.setter
    def model(self, model) -> None:
        graph = self._graph_of(model)  # these two raise before anything changes
        scene = diagram_scene(graph)
        names = nodes_by_name(graph)
        with self.hold_sync():
            self._model, self._graph_dict, self._scene_dict = model, graph, scene
            self._scene = scene_json(scene)
            # Keep what still exists: a learner who rebuilds a block keeps it open.
            self.expanded = [name for name in self.expanded if name in names]
            if self.selected not in names:
                self.selected = None

    @property
    def graph(self) -> dict:
        """The ``model_graph`` dict the diagram shows."""
        return self._graph_dict

    @property
    def scene(self) -> dict:
        """The ``diagram_scene`` dict the browser paints."""
        return self._scene_dict

    def to_svg(self) -> str:
        """The current picture (with the open blocks open) as a static SVG string."""
        return paint_svg(self._scene_dict, self.expanded)

    def to_png(self) -> bytes:
        """The current picture (with the open blocks open) as PNG bytes."""
        return paint_png(self._scene_dict, self.expanded)

    # StaticPicture: what the output keeps where the widget cannot render.
    def static_png(self) -> bytes:
        return self.to_png()

    def static_svg(self) -> str:
        return self.to_svg()

    def static_text(self) -> str:
        # No memory address: re-running a notebook must not change its saved text.
        return f"ArchitectureDiagram({self._graph_dict['name']!r}, {blocks_phrase(self._graph_dict['block_count'])})"
