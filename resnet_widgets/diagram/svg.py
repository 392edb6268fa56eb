"""``to_svg``: the diagram as a static SVG document, painted from the scene (:mod:`.layout`) as it is.

For places where widgets do not run: GitHub, nbviewer, static course builds, a notebook opened before
its kernel runs. Colours are presentation attributes (not CSS), so the picture survives sanitisers that
drop <style>. Hovering a box shows its details through SVG <title> tooltips. A wide picture scales to
the width it is shown at (a viewBox, width 100 %), so a network is never cut off by a narrow output area;
a small one keeps its natural size (:func:`size_attributes`).
"""

from __future__ import annotations

import hashlib
import re
from html import escape, unescape

from ..graph import model_graph
from .layout import diagram_scene, place
from .palette import FONT
from .text import num

# Pictures up to this wide keep their natural size (they fit a notebook's output area on a laptop); wider ones
# take the width they are shown at.
NATURAL_MAX_WIDTH = 800


def size_attributes(width: float, height: float) -> str:
    """The root's size: natural pixels for a picture up to NATURAL_MAX_WIDTH wide, else the whole width.

    JupyterLab shows an SVG output as an <img>, whose size comes from these attributes alone (no CSS of the
    notebook reaches it): pixels overflow a narrower output area, and a width of "100%" (with no height)
    scales the picture to the area, up or down. So a wide network (a ResNet is about 1,150 px) takes the
    area's width, and a single block keeps its size instead of growing to fill it. Where the SVG sits in the
    page itself (nbviewer, HTML exports), ``max-width: 100%`` also shrinks a natural-size picture to fit.
    """
    if width <= NATURAL_MAX_WIDTH:
        return f'width="{num(width)}" height="{num(height)}" style="max-width:100%;height:auto"'
    return 'width="100%"'


def _attrs(style: dict) -> str:
    return "".join(f' {key}="{num(value) if isinstance(value, (int, float)) else escape(value)}"'
                   for key, value in style.items())  # fmt: skip


def _tooltip(name: str, tip: list) -> str:
    kind, *rows = tip
    return escape("\n".join([f"{name} ({kind})"] + [f"{key} {value}" for key, value in rows]))


def paint_marks(marks: list, scene: dict, names: list | None = None) -> str:
    """SVG markup of ``marks`` (see :mod:`.layout`); ``names`` fills a part's node slots."""
    styles, out = scene["styles"], []
    for mark in marks:
        kind = mark[0]
        if kind == "node":
            _, ref, _kind, tip, children = mark
            name = names[ref] if isinstance(ref, int) else ref
            title = f"<title>{_tooltip(name, scene['tips'][tip])}</title>" if tip is not None else ""
            out.append(f"<g>{title}{paint_marks(children, scene, names)}</g>")
        elif kind == "rect":
            _, style, x, y, w, h = mark
            out.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"{_attrs(styles[style])}/>')
        elif kind == "circle":
            _, style, cx, cy, r = mark
            out.append(f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}"{_attrs(styles[style])}/>')
        elif kind == "path":
            _, style, d = mark
            out.append(f'<path d="{d}"{_attrs(styles[style])}/>')
        elif kind == "text":
            _, style, x, y, text = mark
            out.append(f'<text x="{num(x)}" y="{num(y)}"{_attrs(styles[style])}>{escape(text)}</text>')
        else:
            raise ValueError(f"unknown mark {kind!r} in the scene")
    return "".join(out)


def _translate(x, y) -> str:
    return f'transform="translate({num(x)},{num(y)})"'


def paint_body(scene: dict, placed: dict) -> str:
    """The body's markup (columns, connectors, items) for a :func:`place` result, in body coordinates."""
    out = [paint_marks(placed["marks"], scene)]
    for column, spot in zip(scene["columns"], placed["columns"]):
        out.append(f"<g {_translate(spot['x'], 0)}>{paint_marks(column['marks'], scene)}</g>")
        for item in column["items"]:
            at = placed["items"][item["name"]]
            if at["open"]:
                opened = item["open"]
                inner = paint_marks(scene["parts"][opened["part"]], scene, opened["names"])
                inner += paint_marks(opened["marks"], scene)
            else:
                inner = paint_marks(item["marks"], scene)
            out.append(f"<g {_translate(at['x'], at['y'])}>{inner}</g>")
    return "".join(out)


def text_alternative(title: str, description: str, seed: str) -> tuple[str, str]:
    """The root's accessibility attributes and its <title> and <desc> elements, for an SVG shown as a picture.

    ``role="img"`` makes assistive technology read the picture as one image, named by the title and described by
    the description (aria-labelledby names both, as the W3C's SVG accessibility guidance advises). The ids are
    derived from ``seed``, so two pictures on one page do not share them and the same picture always gets the same.

    Returns:
        (attributes for the <svg> start tag, with a leading space; the <title> and <desc> markup).
    """
    key = hashlib.sha1(seed.encode()).hexdigest()[:10]
    attributes = f' role="img" aria-labelledby="rnd-title-{key} rnd-desc-{key}"'
    elements = f'<title id="rnd-title-{key}">{escape(title)}</title><desc id="rnd-desc-{key}">{escape(description)}</desc>'
    return attributes, elements


def paint_svg(scene: dict, expanded=()) -> str:
    """The scene as a standalone SVG document, with the ``expanded`` items open.

    The root is ``role="img"`` with a <title> (the headline) and a <desc> (the stages and blocks in words), from
    ``scene["text"]``, so a screen reader reads the picture where the widget cannot run.
    """
    placed = place(scene, expanded)
    header = scene["header"]
    width, height = max(header["w"], placed["width"]), header["h"] + placed["height"]
    text = scene["text"]
    opened = f" Open: {', '.join(sorted(expanded))}." if expanded else ""
    attributes, elements = text_alternative(text["title"], text["description"] + opened,
                                            f"{text['title']}|{sorted(expanded)}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'{size_attributes(width, height)} font-family="{escape(FONT)}"{attributes}>{elements}'
        f'<rect width="{num(width)}" height="{num(height)}"{_attrs(scene["styles"]["background"])}/>'
        f'<g class="rnd-header">{paint_marks(header["marks"], scene)}</g>'
        f'<g class="rnd-body" {_translate(0, header["h"])}>{paint_body(scene, placed)}</g>'
        "</svg>"
    )


def to_svg(model_or_graph, expanded=()) -> str:
    """Draw the architecture diagram as a standalone SVG document (a str).

    Args:
        model_or_graph: a Keras functional model (see :func:`model_graph`) or a ``model_graph`` dict.
        expanded: names of the blocks (or "stem", "head") to draw open, as the widget would; other
            names are ignored.

    Returns:
        The SVG markup: a viewBox in pixels, and a size that fits the output area (:func:`size_attributes`).
        In a notebook, ``IPython.display.SVG(to_svg(model))`` shows it.

    Raises:
        TypeError/ValueError: as :func:`model_graph` for a bad model; ValueError for a bad graph dict.
    """
    graph = model_or_graph if isinstance(model_or_graph, dict) else model_graph(model_or_graph)
    return paint_svg(diagram_scene(graph), expanded)


_TITLE = re.compile(r"^<svg [^>]*><title [^>]*>([^<]*)</title>")
_ROOT = re.compile(r'^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ([\d.]+) ([\d.]+)"[^>]*?(?= font-family=)')


def side_by_side(*pictures: str, gap: float = 24) -> str:
    """Several ``to_svg`` pictures as one, left to right, top-aligned, each at its own scale.

    Args:
        pictures: SVG documents returned by :func:`to_svg` (or :meth:`ArchitectureDiagram.to_svg`).
        gap: pixels between two pictures.

    Returns:
        One SVG document that, like each picture, fits the width it is shown at (:func:`size_attributes`).

    Raises:
        ValueError: no picture, or one that :func:`to_svg` did not make (the message names ``pictures``).
    """
    if not pictures:
        raise ValueError("pictures must be one or more SVG documents made by to_svg; received none")
    x, height, parts = 0.0, 0.0, []
    for index, svg in enumerate(pictures):
        found = _ROOT.match(svg) if isinstance(svg, str) else None
        if not found:
            shown = repr(svg)[:60]
            raise ValueError(f"pictures must be SVG documents made by to_svg; received pictures[{index}]={shown}")
        width, tall = float(found.group(1)), float(found.group(2))
        size = f'width="{num(width)}" height="{num(tall)}" viewBox="0 0 {num(width)} {num(tall)}"'
        root = f'<svg x="{num(x)}" y="0" {size}'
        parts.append(root + svg[found.end() :])
        x, height = x + width + gap, max(height, tall)
    width = x - gap
    titles = [unescape(title.group(1)) for title in (_TITLE.search(svg) for svg in pictures) if title]
    attributes, elements = text_alternative(
        f"{len(pictures)} diagrams side by side", "Left to right: " + "; ".join(titles) + ".", "|".join(titles)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'{size_attributes(width, height)}{attributes}>{elements}{"".join(parts)}</svg>'
    )
