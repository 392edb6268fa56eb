"""The architecture diagram: ResNets (and any Keras functional model) as stages, blocks and layers.

    from resnet_widgets.diagram import ArchitectureDiagram, model_graph, to_svg, to_png, explore

``model_graph`` says what the model is (a JSON-ready dict), ``diagram_scene`` what the picture is (every
mark, position, text and colour), and three thin painters draw that scene: ``to_svg`` (a static SVG),
``to_png`` (matplotlib) and ``ArchitectureDiagram`` (an anywidget whose ES module and CSS ship inside the
package). ``explore`` compares the six variants.

``model_graph`` lives in ``resnet_widgets.graph``, below the feature packages (the exercise checks read models
with it too), and is re-exported here. This package imports no other feature package.

``model_graph``, ``diagram_scene``, ``to_svg`` and ``to_png`` need neither ipywidgets nor anywidget: the
widgets are imported only when first asked for.
"""

from ..graph import model_graph
from .layout import diagram_scene
from .png import to_png
from .svg import side_by_side, to_svg

__all__ = ["ArchitectureDiagram", "diagram_scene", "explore", "model_graph", "side_by_side", "to_png", "to_svg"]

_WIDGETS = {"ArchitectureDiagram": ".widget", "explore": ".variant_explorer"}


def __getattr__(name):
    # The widgets import anywidget and ipywidgets; load them on first use only (PEP 562).
    if name in _WIDGETS:
        from importlib import import_module

        value = getattr(import_module(_WIDGETS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
