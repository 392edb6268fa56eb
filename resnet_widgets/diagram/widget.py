"""``ArchitectureDiagram``: the live diagram, an anywidget that draws what ``model_graph`` describes.

Python computes everything (graph and layout); the ES module in ``static/`` draws it and sends two things
back: which blocks are open (``expanded``) and which node was clicked last (``selected``).
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from .graph import model_graph, nodes_by_name
from .layout import diagram_layout
from .svg import to_svg

_STATIC = Path(__file__).parent / "static"


class ArchitectureDiagram(anywidget.AnyWidget):
    """A Keras model drawn as stem, stages, residual blocks and head; click a block to see its layers.

    Args:
        model: a Keras functional model or built Sequential (see :func:`model_graph`), or a dict that
            :func:`model_graph` returned.
        expanded: names of blocks (or "stem", "head") to show open at first.

    Traits (synced with the browser):
        expanded: list of the open blocks' names; set it to open or close blocks from Python.
        selected: name of the node clicked last (a block, a layer, a section), or None.

    Setting ``widget.model = other_model`` redraws it. ``widget.graph`` is the current ``model_graph``
    dict. Outside a live kernel (GitHub, nbviewer) the widget shows the same diagram as a static SVG.

    Raises:
        TypeError/ValueError: from :func:`model_graph` when ``model`` is not an accepted model.
    """

    _esm = _STATIC / "diagram.js"
    _css = _STATIC / "diagram.css"

    expanded = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    _graph = traitlets.Dict().tag(sync=True)
    _layout = traitlets.Dict().tag(sync=True)

    def __init__(self, model, expanded=(), **kwargs):
        graph = self._graph_of(model)
        super().__init__(_graph=graph, _layout=diagram_layout(graph), expanded=list(expanded), **kwargs)
        self._model = model

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
        layout = diagram_layout(graph)
        names = nodes_by_name(graph)
        with self.hold_sync():
            self._model = model
            self._graph = graph
            self._layout = layout
            # Keep what still exists: a learner who rebuilds a block keeps it open.
            self.expanded = [name for name in self.expanded if name in names]
            if self.selected not in names:
                self.selected = None

    @property
    def graph(self) -> dict:
        """The ``model_graph`` dict the diagram shows."""
        return self._graph

    def to_svg(self) -> str:
        """The current picture (with the open blocks open) as a static SVG string."""
        return to_svg(self._graph, expanded=self.expanded)

    def _repr_mimebundle_(self, **kwargs):
        # Widgets render only with a live kernel; the SVG keeps the picture in saved notebooks.
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            data, metadata = bundle
        else:
            data, metadata = bundle, {}
        if data is not None:
            # The default text/plain carries a memory address, so every run would change the saved notebook.
            text = f"ArchitectureDiagram({self._graph['name']!r}, {self._graph['block_count']} residual blocks)"
            data = {**data, "text/plain": text, "image/svg+xml": self.to_svg()}
        return data, metadata
