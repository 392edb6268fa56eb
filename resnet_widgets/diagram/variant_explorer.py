"""``explore()``: pick a ResNet variant and an input size; see its diagram and what it costs."""

from __future__ import annotations

from html import escape

import ipywidgets

from ..arguments import MIN_IMAGE_SIZE, choice, whole_number
from ..display import StaticPicture
from ..models.family import FAMILY
from .text import format_count
from .widget import ArchitectureDiagram

VARIANTS = tuple(FAMILY)  # the whole family, ResNet18 and 34 included, in the table's order
INPUT_SIZES = (224, 192, 160, 128, 96, 64, 32)  # keras' ResNets accept 32 px and up


def build_variant(name: str, input_size: int, include_top: bool = True):
    """Build ``resnet_widgets.models.<name>`` (no weights) for square RGB images of ``input_size`` pixels.

    Raises:
        ValueError: ``name`` is not one of VARIANTS, or ``input_size`` is below 32.
        TypeError: ``input_size`` is not a whole number.
    """
    choice("variant", name, VARIANTS)
    input_size = _check_input_size(input_size)
    from .. import models  # imported late: the builders are only needed once a variant is shown

    return getattr(models, name)(weights=None, include_top=include_top, input_shape=(input_size, input_size, 3))


def _check_input_size(input_size) -> int:
    return whole_number("input_size", input_size, minimum=MIN_IMAGE_SIZE, meaning="pixels on each side")


def summary_html(graph: dict) -> str:
    """The numbers a learner compares across variants, as a row of small HTML figures."""
    macs = graph["macs"]
    figures = [
        (format_count(graph["params"]), f"parameters ({graph['params']:,})"),
        (format_count(graph["trainable"]), "trainable"),
        (format_count(macs), "multiply-adds per image" + (f" ({macs:,})" if macs is not None else "")),
        (str(graph["depth"]), "depth (conv + dense layers)"),
        (str(graph["block_count"]), "residual blocks"),
        (str(graph["layer_count"]), "layers"),
    ]
    cells = "".join(
        "<div style='min-width:90px'>"
        f"<div style='font-size:18px;font-weight:600;line-height:1.3'>{escape(big)}</div>"
        f"<div style='font-size:11px;color:#64748b'>{escape(small)}</div></div>"
        for big, small in figures
    )
    return (
        f"<div style='font-size:13px;font-weight:600;margin:2px 0 4px'>{escape(graph['name'])}</div>"
        f"<div style='display:flex;flex-wrap:wrap;gap:6px 22px'>{cells}</div>"
    )


class ExploreApp(StaticPicture, ipywidgets.VBox):
    """The app :func:`explore` returns: menus, summary and diagram; it leaves the diagram's picture behind.

    Attributes: ``diagram`` (the :class:`ArchitectureDiagram`), ``variant`` and ``input_size`` (the two
    menus), ``summary`` (the figures). Where widgets cannot render, the output shows the diagram that was
    on screen when the app was displayed, as a PNG (and SVG), and one stable line of text.
    """

    def static_png(self) -> bytes:
        return self.diagram.to_png()

    def static_svg(self) -> str:
        return self.diagram.to_svg()

    def static_text(self) -> str:
        return f"explore({self.variant.value!r}, input_size={self.input_size.value})"


def explore(variant: str = "ResNet50", input_size: int = 224, model_factory=None) -> ExploreApp:
    """A small app: a variant menu, an input-size menu, the diagram and a summary of the chosen model.

    Args:
        variant: the variant shown first (one of VARIANTS).
        input_size: the image size shown first (one of INPUT_SIZES, or any int >= 32).
        model_factory: ``f(variant, input_size) -> keras.Model``; defaults to :func:`build_variant`
            (``resnet_widgets.models``). Tests and courses can pass their own.

    Returns:
        An :class:`ExploreApp` (an ``ipywidgets.VBox``); its ``.diagram`` attribute is the
        :class:`ArchitectureDiagram`, and ``.variant``/``.input_size`` are the two menus.

    Raises:
        ValueError: ``variant`` or ``input_size`` is not allowed.
        TypeError: ``input_size`` is not a whole number.
    """
    factory = model_factory or build_variant
    choice("variant", variant, VARIANTS)
    input_size = _check_input_size(input_size)  # before the menu is made: sorted() needs numbers
    sizes = sorted(set(INPUT_SIZES) | {input_size}, reverse=True)
    wide = {"description_width": "initial"}
    variant_menu = ipywidgets.Dropdown(options=VARIANTS, value=variant, description="variant", style=wide)
    size_menu = ipywidgets.Dropdown(
        options=[(f"{s}×{s} px", s) for s in sizes], value=input_size, description="input size", style=wide
    )
    status = ipywidgets.HTML()
    summary = ipywidgets.HTML()
    diagram = ArchitectureDiagram(factory(variant, input_size))
    summary.value = summary_html(diagram.graph)

    def rebuild(_change=None):
        status.value = f"<i>building {escape(variant_menu.value)} at {size_menu.value} px …</i>"
        try:
            diagram.model = factory(variant_menu.value, size_menu.value)
            summary.value = summary_html(diagram.graph)
            status.value = ""
        except (TypeError, ValueError) as error:
            status.value = f"<span style='color:#b91c1c'>{escape(str(error))}</span>"

    variant_menu.observe(rebuild, names="value")
    size_menu.observe(rebuild, names="value")
    app = ExploreApp([ipywidgets.HBox([variant_menu, size_menu, status]), ipywidgets.HBox([summary]), diagram])
    app.diagram, app.variant, app.input_size, app.summary = diagram, variant_menu, size_menu, summary
    return app
