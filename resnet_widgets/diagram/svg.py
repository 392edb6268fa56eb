"""``to_svg``: the diagram as a static SVG string, drawn in Python from the same layout as the widget.

For places where widgets do not run: GitHub, static course builds, notebooks opened without a kernel.
Colours are inline attributes (not CSS), so the picture survives sanitisers that drop <style>.
Hovering a box shows its details through SVG <title> tooltips.
"""

from __future__ import annotations

from html import escape

from .graph import model_graph, nodes_by_name
from .layout import (
    AXIS,
    BOX_H,
    HEADER_H,
    LANE_CLOSED,
    SHAPE_X,
    TITLE_H,
    diagram_layout,
    format_count,
    format_shape,
    place,
)

# One palette for the widget's CSS (static/diagram.css) and this file: keep them in step.
FAMILY_COLOURS = {
    "conv": ("#dbeafe", "#3b82f6"),
    "dense": ("#ede9fe", "#7c3aed"),
    "norm": ("#f1f5f9", "#94a3b8"),
    "act": ("#fef9c3", "#ca8a04"),
    "pool": ("#ccfbf1", "#0d9488"),
    "pad": ("#f8fafc", "#cbd5e1"),
    "add": ("#ffffff", "#334155"),
    "input": ("#f1f5f9", "#64748b"),
    "other": ("#f8fafc", "#94a3b8"),
}
EDGE_STYLES = {
    "main": 'stroke="#64748b" stroke-width="1.5"',
    "skip-identity": 'stroke="#16a34a" stroke-width="2.5"',
    "skip-projection": 'stroke="#ea580c" stroke-width="2.5" stroke-dasharray="6 4"',
}
TEXT = "#0f172a"
MUTED = "#64748b"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
TOP_BAR = 50  # title and legend above the columns


def describe(node: dict) -> str:
    """The hover text of a node: name, type, output shape, parameters, multiply-adds (and shortcut)."""
    kind = node.get("type") or node["kind"]
    lines = [
        f"{node['name']} ({kind})",
        f"output {format_shape(node['output_shape'])}",
        f"parameters {node['params']:,} (trainable {node['trainable']:,}, non-trainable {node['non_trainable']:,})",
        f"multiply-adds {format_count(node['macs'])}",
    ]
    if node.get("shortcut"):
        via = ", ".join(node["shortcut"]["layers"]) or "nothing"
        lines.append(f"{node['shortcut']['kind']} shortcut (through {via})")
    return "\n".join(lines)


def _text(x, y, content, size=11, weight="normal", fill=TEXT, anchor="start", halo=False):
    halo_attrs = ' stroke="#ffffff" stroke-width="4" paint-order="stroke"' if halo else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
        f'text-anchor="{anchor}"{halo_attrs}>{escape(content)}</text>'
    )


def _path(points, css_class, arrow=False):
    d = "M" + " L".join(f"{points[i]:g},{points[i + 1]:g}" for i in range(0, len(points), 2))
    marker = ' marker-end="url(#arrow)"' if arrow else ""
    return f'<path d="{d}" fill="none" {EDGE_STYLES[css_class]}{marker}/>'


def _bracket(x, y, h, kind, marker):
    """The shortcut of a closed block: a bracket from above the block to below it, on the right."""
    lane = x + LANE_CLOSED
    top, bottom, axis = y - 5, y + h + 5, x + AXIS
    d = (
        f"M{axis:g},{top:g} L{lane - 6:g},{top:g} Q{lane:g},{top:g} {lane:g},{top + 6:g} "
        f"L{lane:g},{bottom - 6:g} Q{lane:g},{bottom:g} {lane - 6:g},{bottom:g} L{axis:g},{bottom:g}"
    )
    style = EDGE_STYLES[f"skip-{kind}"]
    parts = [f'<path d="{d}" fill="none" {style}/>']
    if marker:
        colour = "#ea580c" if kind == "projection" else "#16a34a"
        width = 8 + 6 * len(marker)
        parts.append(
            f'<rect x="{lane - width / 2:g}" y="{y + h / 2 - 8:g}" width="{width:g}" height="16" rx="3" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'
        )
        parts.append(_text(lane, y + h / 2 + 4, marker, size=9.5, fill=colour, anchor="middle"))
    return "".join(parts)


def _box(name, x, y, w, h, fam, label, shape, info, shape_x=None):
    fill, stroke = FAMILY_COLOURS.get(fam, FAMILY_COLOURS["other"])
    if fam == "add":
        r = w / 2
        return (
            f'<g><title>{escape(info)}</title><circle cx="{x + r:g}" cy="{y + r:g}" r="{r:g}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.5"/>'
            f'<path d="M{x + r:g},{y + 4:g} V{y + w - 4:g} M{x + 4:g},{y + r:g} H{x + w - 4:g}" '
            f'stroke="{stroke}" stroke-width="1.5"/></g>'
        )
    parts = [
        f"<g><title>{escape(info)}</title>",
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="4" fill="{fill}" stroke="{stroke}"/>',
        _text(x + w / 2, y + h / 2 + 4, label, size=10.5, anchor="middle"),
    ]
    if shape and shape_x is not None:
        parts.append(_text(shape_x, y + h / 2 + 4, shape, size=9.5, fill=MUTED))
    parts.append("</g>")
    return "".join(parts)


def to_svg(model_or_graph, expanded=()) -> str:
    """Draw the architecture diagram as a standalone SVG document (a str).

    Args:
        model_or_graph: a Keras functional model (see :func:`model_graph`) or a ``model_graph`` dict.
        expanded: names of the blocks (or "stem", "head") to draw open, as the widget would.

    Returns:
        The SVG markup. In a notebook, ``IPython.display.SVG(to_svg(model))`` shows it.

    Raises:
        TypeError/ValueError: as :func:`model_graph` for a bad model; ValueError for a bad graph dict.
    """
    graph = model_or_graph if isinstance(model_or_graph, dict) else model_graph(model_or_graph)
    layout = diagram_layout(graph)
    placed = place(layout, expanded)
    nodes = nodes_by_name(graph)
    width, height = placed["width"], placed["height"] + TOP_BAR

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" font-family="{FONT}">',
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#64748b"/></marker></defs>',
        f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>',
        _text(16, 22, _headline(graph), size=14, weight="bold"),
        _legend(16, 40, graph),
        f'<g transform="translate(0,{TOP_BAR})">',
    ]
    for column, spot in zip(layout["columns"], placed["columns"]):
        out.append(_column(column, spot, placed, nodes))
    for left, right in zip(placed["columns"], placed["columns"][1:]):
        mid = (left["x"] + left["w"] + right["x"]) / 2
        out.append(_text(mid, 16 + 28, "›", size=22, fill=MUTED, anchor="middle"))
    out.append("</g></svg>")
    return "".join(out)


def _headline(graph: dict) -> str:
    parts = [
        graph["name"],
        f"{format_count(graph['params'])} parameters",
        f"{format_count(graph['macs'])} multiply-adds",
        f"depth {graph['depth']}",
    ]
    if graph["structure"] == "residual":
        parts.append(f"{graph['block_count']} residual blocks")
    return " · ".join(parts)


def _legend(x, y, graph):
    if graph["structure"] != "residual":
        return _text(x, y + 4, "a plain chain of layers (no residual blocks)", size=11, fill=MUTED)
    return (
        f'<path d="M{x:g},{y:g} h28" fill="none" {EDGE_STYLES["skip-identity"]}/>'
        + _text(x + 34, y + 4, "identity shortcut", size=11, fill=MUTED)
        + f'<path d="M{x + 150:g},{y:g} h28" fill="none" {EDGE_STYLES["skip-projection"]}/>'
        + _text(x + 184, y + 4, "projection shortcut (1×1 conv)", size=11, fill=MUTED)
    )


def _column(column, spot, placed, nodes):
    x, axis = spot["x"], spot["x"] + AXIS
    items = column["items"]
    out = [
        _text(axis, 16 + 20, column["title"], size=14, weight="bold", anchor="middle"),
        _text(axis, 16 + 36, column["subtitle"], size=10.5, fill=MUTED, anchor="middle"),
    ]
    # The main path: from under the header, between items, to below the last item.
    y_prev = 16 + HEADER_H
    for item in items:
        at = placed["items"][item["name"]]
        out.append(_path([axis, y_prev, axis, at["y"] - 1], "main", arrow=True))
        y_prev = at["y"] + at["h"]
    for item in items:
        at = placed["items"][item["name"]]
        node = nodes.get(item["name"], {})
        info = describe(node) if node else item["name"]
        if item["kind"] == "layer":
            out.append(_box(item["name"], x + AXIS - 60, at["y"], 120, BOX_H, item["family"], item["label"],
                            item["shape"], info, shape_x=x + SHAPE_X))  # fmt: skip
        elif at["open"]:
            out.append(_open_item(item, at, nodes, info))
        else:
            out.append(_closed_item(item, at, info))
    return "".join(out)


def _closed_item(item, at, info):
    x, y, h = at["x"], at["y"], at["h"]
    out = []
    if item["kind"] == "block":
        out.append(_bracket(x, y, h, item["shortcut"], item["marker"]))
        fill, stroke = "#ffffff", "#94a3b8"
    else:
        fill, stroke = "#f1f5f9", "#94a3b8"
    out.append(f"<g><title>{escape(info)}</title>")
    out.append(
        f'<rect x="{x + AXIS - 60:g}" y="{y:g}" width="120" height="{h:g}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.2"/>'
    )
    if item["kind"] == "section":
        out.append(_text(x + AXIS, y + 16, item["label"], size=12, weight="bold", anchor="middle"))
        out.append(_text(x + AXIS, y + 31, item["summary"], size=9.5, fill=MUTED, anchor="middle"))
    else:
        out.append(_text(x + AXIS, y + h / 2 + 4, item["label"], size=12, anchor="middle"))
        if item["badge"]:
            out.append(_text(x + AXIS + 55, y + h / 2 + 4, item["badge"], size=10, fill=MUTED, anchor="end"))
    out.append("</g>")
    return "".join(out)


def _open_item(item, at, nodes, info):
    x, y = at["x"], at["y"]
    geometry = item["open"]
    out = [
        f'<g transform="translate({x:g},{y:g})">',
        f'<rect x="2" y="0" width="{geometry["w"] - 4:g}" height="{geometry["h"]:g}" rx="8" fill="#f8fafc" '
        f'stroke="#cbd5e1" stroke-dasharray="4 3"/>',
        f"<g><title>{escape(info)}</title>"
        + _text(AXIS, TITLE_H - 13, item["name"], size=11, weight="bold", anchor="middle", halo=True)
        + "</g>",
    ]
    for edge in geometry["edges"]:
        out.append(_path(edge[1:], edge[0]))
    for name, bx, by, bw, bh, fam, label, shape in geometry["boxes"]:
        node = nodes.get(name)
        shape_x = bx + bw + 6
        out.append(_box(name, bx, by, bw, bh, fam, label, shape, describe(node) if node else name, shape_x))
    out.append("</g>")
    return "".join(out)
