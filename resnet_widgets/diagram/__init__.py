"""The architecture diagram: ResNets (and any Keras functional model) as stages, blocks and layers.

    from resnet_widgets.diagram import ArchitectureDiagram, model_graph, to_svg, explore

``model_graph`` says what to show (a JSON-ready dict), ``diagram_layout`` where it goes, ``to_svg`` draws
it as a static picture, ``ArchitectureDiagram`` draws it live in JupyterLab (an anywidget whose ES module
and CSS ship inside the package), ``explore`` compares the six variants.
"""

from .explore import explore
from .graph import model_graph
from .layout import diagram_layout
from .svg import to_svg
from .widget import ArchitectureDiagram

__all__ = ["ArchitectureDiagram", "diagram_layout", "explore", "model_graph", "to_svg"]
