"""The whole picture as data: ``diagram_scene(graph)`` says what is drawn, where, in which style.

Every painter (``to_svg``, ``to_png``, the widget's ES module) only walks the scene's marks and writes
them; none of them knows a coordinate, a colour or a text of its own. The one thing they compute is
where the items go for a given set of open blocks (:func:`place`, a running sum that the ES module
mirrors line by line), since the browser opens and closes blocks without asking Python.

The picture: a header (headline and legend) above a body, a row of columns read left to right: the
stem, one column per stage, the head. A column stacks its items top to bottom on one vertical axis (the
main path): residual blocks, loose layers, or a stem/head section. Each item has closed marks and, when
it can open, an open size with marks of its own (its title) and a *part* (its layers' boxes and edges).
Identical blocks (ResNet152's 35 middle blocks of conv4) share one part and differ only in the layer
names that fill its slots, which keeps the widget's synced state small.

Marks (lists, so the synced JSON stays small; ``style`` names an entry of ``scene["styles"]``)::

    ["rect", style, x, y, w, h]          ["circle", style, cx, cy, r]
    ["path", style, d]                   d: absolute M, L, Q and Z commands only
    ["text", style, x, y, text]          x, y: the start (or middle, or end) of the baseline
    ["node", ref, kind, tip, marks]      a hoverable, clickable group: ref is a node name (or, inside
                                         a part, an index into the item's names), kind is "block",
                                         "section" or "layer", tip an index into scene["tips"] or None

A tip is ``[kind, [key, value], ...]``: what a hover shows under the node's name. All numbers are
pixels at zoom 1, relative to what holds the mark (a column, an item, the header).
"""

from __future__ import annotations

import json
import math

from ..arguments import names
from .palette import STYLES, family
from .table import diagram_text
from .text import format_shape, headline, num, short_block_label, summary, text_width, tip_rows, wrap

SCENE_FORMAT = "resnet_widgets.diagram_scene/1"

MARGIN = 16
HEADER_H = 50  # column title and subtitle
TOP_GAP = 14  # from the column header to the first item
ITEM_GAP = 18  # between items: room for the shortcut brackets' ends
COLUMN_GAP = 26  # between columns: room for the chevron that reads "then"
AXIS = 70  # the main path's x inside every item
BOX_W, BOX_H = 120, 20
SHAPE_X = 136  # output shapes are written right of the boxes (loose layers)
CLOSED_W, CLOSED_H = 164, 30
FRAME_W = 120  # the frame of a closed block or section
LANE_CLOSED = 148  # the shortcut bracket of a closed block
SECTION_H = 40
LAYER_ITEM_W = 200
TITLE_H = 30  # the name of an open block, on top of its frame
ROW = 27  # row pitch inside an open item
SHORTCUT_BOX_W = 116
LANE_OPEN = 212  # identity shortcut lane (a projection's boxes are centred at LANE_OPEN + SHORTCUT_BOX_W / 2 - 6)
MERGE_R = 8
ARROW = (3.5, 6)  # half width and length of the arrowhead at the end of the main path
CHAIN_COLUMN = 14  # layers per column when a model has no residual blocks
HEADLINE_LINE = 18  # line pitch of the headline and legend
LEGEND_SWATCH = 28
LEGEND_GAP = 16

METRICS = {
    "margin": MARGIN, "header_h": HEADER_H, "top_gap": TOP_GAP, "item_gap": ITEM_GAP,
    "column_gap": COLUMN_GAP, "axis": AXIS, "arrow": list(ARROW),
}  # fmt: skip

HINT = "click a block to open it"

# --------------------------------------------------------------------------- building the scene


class _SceneBuilder:
    """Collects tips and parts once each, so equal ones are stored once."""

    def __init__(self):
        self.tips: list = []
        self.parts: list = []
        self._tip_index: dict[str, int] = {}
        self._part_index: dict[str, int] = {}

    def tip(self, node: dict | None):
        if not node:
            return None
        rows = tip_rows(node)
        key = json.dumps(rows, ensure_ascii=False)
        if key not in self._tip_index:
            self._tip_index[key] = len(self.tips)
            self.tips.append(rows)
        return self._tip_index[key]

    def part(self, marks: list) -> int:
        key = json.dumps(marks, ensure_ascii=False)
        if key not in self._part_index:
            self._part_index[key] = len(self.parts)
            self.parts.append(marks)
        return self._part_index[key]

    # ------------------------------------------------------------------- one layer's box

    def box(self, ref, layer: dict, x: float, y: float, width: float, shape_x: float) -> list:
        """A layer's box, its label and (right of it, at ``shape_x``) its output shape."""
        marks = [
            ["rect", f"box-{family(layer['type'])}", x, y, width, BOX_H],
            ["text", "box-label", x + width / 2, y + BOX_H / 2 + 4, layer["label"]],
        ]
        shape = format_shape(layer["output_shape"])
        if shape:
            marks.append(["text", "box-shape", shape_x, y + BOX_H / 2 + 4, shape])
        return ["node", ref, "layer", self.tip(layer), marks]

    def merge(self, ref, layer: dict, centre_x: float, centre_y: float) -> list:
        """The addition of a residual block: a circle with a plus."""
        r, arm = MERGE_R, MERGE_R - 4
        plus = (
            f"M{num(centre_x)},{num(centre_y - arm)}L{num(centre_x)},{num(centre_y + arm)}"
            f"M{num(centre_x - arm)},{num(centre_y)}L{num(centre_x + arm)},{num(centre_y)}"
        )
        return ["node", ref, "layer", self.tip(layer), [["circle", "circle-add", centre_x, centre_y, r],
                                                         ["path", "add-plus", plus]]]  # fmt: skip

    # ------------------------------------------------------------------- an open block or section

    def open_picture(self, group: dict) -> dict:
        """The open item: size, the part (boxes and edges, shared by equal blocks), its names, its title."""
        layers = group["children"]
        slot = {layer["name"]: i for i, layer in enumerate(layers)}
        shortcut = group.get("shortcut")
        lane_layers = set(shortcut["layers"]) if shortcut else set()
        merge_name = shortcut["to"] if shortcut else None
        lane_x = LANE_OPEN + SHORTCUT_BOX_W // 2 - 6 if lane_layers else LANE_OPEN

        # Rows: the main path in order; the shortcut's layers beside it from the row after the fork; the
        # merge below both; whatever follows the merge (v1's last ReLU) below it.
        rows: dict[str, int] = {}
        row, lane_row = 0, None
        for layer in layers:
            name = layer["name"]
            if name in lane_layers:
                if lane_row is None:
                    lane_row = rows.get(shortcut["from"], -1) + 1
                rows[name] = lane_row
                lane_row += 1
            elif name == merge_name:
                rows[name] = max(row, lane_row or 0)
                row = rows[name] + 1
            else:
                rows[name] = row
                row += 1
        height = TITLE_H + (max(rows.values()) + 1) * ROW + 6

        position: dict[str, tuple[float, float]] = {}  # name -> (centre x, top y)
        boxes = []
        for layer in layers:
            name, top = layer["name"], TITLE_H + rows[layer["name"]] * ROW
            if name == merge_name:
                position[name] = (AXIS, top)
                boxes.append(self.merge(slot[name], layer, AXIS, top + BOX_H / 2))
                continue
            centre, width = (lane_x, SHORTCUT_BOX_W) if name in lane_layers else (AXIS, BOX_W)
            position[name] = (centre, top)
            boxes.append(self.box(slot[name], layer, centre - width / 2, top, width, centre + width / 2 + 6))

        def bottom(name):
            x, top = position[name]
            return x, top + (BOX_H / 2 + MERGE_R if name == merge_name else BOX_H)

        def top_of(name):
            x, top = position[name]
            return x, top + (BOX_H / 2 - MERGE_R if name == merge_name else 0)

        skip_style = f"edge-{shortcut['kind']}" if shortcut else "edge-main"
        # The edge that brings the shortcut into the merge: from its last layer, or straight from the fork.
        shortcut_end = (shortcut["layers"][-1] if lane_layers else shortcut["from"]) if shortcut else None
        entry = (AXIS, TITLE_H - 8)  # where the main path comes into the item
        edges = []
        for layer in layers:
            name = layer["name"]
            for source in layer["inputs"]:
                x1, y1 = bottom(source) if source in position else entry
                if name == merge_name and source == shortcut_end:
                    # The shortcut joins the merge from the side: down its lane, then into the circle.
                    centre_y = position[name][1] + BOX_H / 2
                    if lane_layers:
                        points = [x1, y1, x1, centre_y, AXIS + MERGE_R, centre_y]
                    else:
                        points = [x1, y1, x1, y1 + 3, lane_x, y1 + 3, lane_x, centre_y, AXIS + MERGE_R, centre_y]
                    edges.append(["path", skip_style, _polyline(points)])
                    continue
                x2, y2 = top_of(name)
                points = [x1, y1, x2, y2] if x1 == x2 else [x1, y1, x1, y1 + 3, x2, y1 + 3, x2, y2]
                edges.append(["path", skip_style if name in lane_layers else "edge-main", _polyline(points)])
        # The main path leaves the item below its last row.
        x_last, y_last = bottom(layers[-1]["name"])
        if x_last == AXIS:
            edges.append(["path", "edge-main", _polyline([AXIS, y_last, AXIS, height])])
        if lane_layers:
            width = lane_x + SHORTCUT_BOX_W / 2 + 78
        else:
            width = LANE_OPEN + 12 if shortcut else LAYER_ITEM_W
        part = self.part([["rect", "open-frame", 2, 0, width - 4, height], *edges, *boxes])
        title = ["node", group["name"], group["kind"] if group["kind"] == "block" else "section", self.tip(group), [
            ["rect", "hit", AXIS - 66, 2, 132, 22],
            ["text", "open-title", AXIS, TITLE_H - 13, group["name"]],
        ]]  # fmt: skip
        return {"w": width, "h": height, "part": part, "names": [layer["name"] for layer in layers], "marks": [title]}

    # ------------------------------------------------------------------- items

    def layer_item(self, layer: dict) -> dict:
        box = self.box(layer["name"], layer, AXIS - BOX_W / 2, 0, BOX_W, SHAPE_X)
        return {"name": layer["name"], "kind": "layer", "w": LAYER_ITEM_W, "h": BOX_H, "marks": [box]}

    def block_item(self, block: dict, stage: str) -> dict:
        shortcut = block["shortcut"]
        marker = ""
        for name in shortcut["layers"]:
            layer = next(c for c in block["children"] if c["name"] == name)
            if family(layer["type"]) in ("conv", "dense"):
                marker = layer["label"].split(" ")[0]
                break
            if family(layer["type"]) == "pool":
                marker = "pool"
        h, kind, lane = CLOSED_H, shortcut["kind"], LANE_CLOSED
        top, bottom = -5, h + 5
        # The shortcut of a closed block: a bracket from above the block to below it, on the right.
        bracket = (
            f"M{AXIS},{top}L{lane - 6},{top}Q{lane},{top} {lane},{top + 6}"
            f"L{lane},{bottom - 6}Q{lane},{bottom} {lane - 6},{bottom}L{AXIS},{bottom}"
        )
        marks = [["path", f"edge-{kind}", bracket]]
        if marker:
            width = 8 + 6 * len(marker)
            marks.append(["rect", f"marker-{kind}", lane - width / 2, h / 2 - 8, width, 16])
            marks.append(["text", f"marker-text-{kind}", lane, h / 2 + 4, marker])
        marks.append(["rect", "block-frame", AXIS - FRAME_W / 2, 0, FRAME_W, h])
        marks.append(["text", "block-label", AXIS, h / 2 + 4, short_block_label(block["name"], stage)])
        if block.get("downsample"):
            marks.append(["text", "badge", AXIS + FRAME_W / 2 - 5, h / 2 + 4, f"/{block['downsample']}"])
        return {
            "name": block["name"], "kind": "block", "w": CLOSED_W, "h": h,
            "marks": [["node", block["name"], "block", self.tip(block), marks]],
            "open": self.open_picture(block),
        }  # fmt: skip

    def section_item(self, section: dict) -> dict:
        marks = [
            ["rect", "section-frame", AXIS - FRAME_W / 2, 0, FRAME_W, SECTION_H],
            ["text", "section-title", AXIS, 16, section["name"]],
            ["text", "section-summary", AXIS, 31, summary(section["children"])],
        ]
        return {
            "name": section["name"], "kind": "section", "w": CLOSED_W, "h": SECTION_H,
            "marks": [["node", section["name"], "section", self.tip(section), marks]],
            "open": self.open_picture(section),
        }  # fmt: skip


def _polyline(points) -> str:
    return "M" + "L".join(f"{num(points[i])},{num(points[i + 1])}" for i in range(0, len(points), 2))


def _subtitle(node: dict) -> str:
    shape = format_shape(node["output_shape"])
    if node["kind"] == "stage":
        blocks = sum(1 for c in node["children"] if c["kind"] == "block")
        return f"{blocks} block{'s' if blocks != 1 else ''} · {shape}"
    return f"out {shape}"


def _column(name: str, title: str, subtitle: str, width: float, items: list[dict]) -> dict:
    marks = [
        ["text", "column-title", AXIS, MARGIN + 20, title],
        ["text", "column-subtitle", AXIS, MARGIN + 36, subtitle],
    ]
    return {"name": name, "w": width, "marks": marks, "items": items}


def _header(graph: dict, body_width: float) -> dict:
    """Headline and legend, wrapped to the body's width (wider only where one word needs more)."""
    headline_style, legend_style = STYLES["headline"], STYLES["legend"]
    size, legend_size = headline_style["font-size"], legend_style["font-size"]
    parts = headline(graph)
    if graph["structure"] == "residual":
        entries = [("edge-identity", "identity shortcut"), ("edge-projection", "projection shortcut (1×1 conv)")]
    else:
        entries = [(None, "a plain chain of layers (no residual blocks)")]

    def entry_width(entry):
        swatch, text = entry
        return (LEGEND_SWATCH + 6 if swatch else 0) + text_width(text, legend_size)

    widest = max([text_width(p, size, bold=True) for p in parts] + [entry_width(e) for e in entries])
    width = max(body_width, widest + 2 * MARGIN)
    available = width - 2 * MARGIN

    marks, y, right = [], MARGIN + 6, 0.0
    for line in wrap(parts, available, size, bold=True):
        marks.append(["text", "headline", MARGIN, y, line])
        right = max(right, MARGIN + text_width(line, size, bold=True))
        y += HEADLINE_LINE
    x = MARGIN
    for entry in entries:
        swatch, text = entry
        if x > MARGIN and x + entry_width(entry) > width - MARGIN:
            x, y = MARGIN, y + HEADLINE_LINE
        if swatch:
            marks.append(["path", swatch, f"M{num(x)},{num(y)}L{num(x + LEGEND_SWATCH)},{num(y)}"])
            x += LEGEND_SWATCH + 6
        marks.append(["text", "legend", x, y + 4, text])
        x += text_width(text, legend_size)
        right = max(right, x)
        x += LEGEND_GAP
    # The header is as wide as what it holds (the widget shows it at that size beside its buttons).
    return {"w": math.ceil(right + MARGIN), "h": y + 10, "marks": marks}


def diagram_scene(graph: dict) -> dict:
    """The whole diagram of a ``model_graph`` dict as data (format ``resnet_widgets.diagram_scene/1``).

    Returns:
        ``{"format", "name", "styles", "metrics", "hint", "header": {"w", "h", "marks"},
        "columns": [{"name", "w", "marks", "items"}], "parts": [marks, ...], "tips": [tip, ...],
        "text": {"title", "description", "table"}}`` (``text``: the picture in words, :func:`.table.diagram_text`).
        Items are ``{"name", "kind": "block" | "section" | "layer", "w", "h", "marks"}``; blocks and
        sections also carry ``"open": {"w", "h", "part", "names", "marks"}``. Marks and tips are
        described in the module docstring; the body's geometry for a set of open items is
        :func:`place`'s.

    Raises:
        ValueError: ``graph`` is not a ``model_graph`` dict.
    """
    if not isinstance(graph, dict) or "children" not in graph or "structure" not in graph:
        raise ValueError("diagram_scene(graph) expects the dict returned by model_graph(model)")
    builder = _SceneBuilder()
    columns = []
    if graph["structure"] == "chain":
        layers = graph["children"]
        for start in range(0, len(layers), CHAIN_COLUMN):
            chunk = layers[start : start + CHAIN_COLUMN]
            columns.append(_column(
                f"layers{start + 1}", f"layers {start + 1}–{start + len(chunk)}",
                f"out {format_shape(chunk[-1]['output_shape'])}", LAYER_ITEM_W,
                [builder.layer_item(layer) for layer in chunk],
            ))  # fmt: skip
    else:
        for node in graph["children"]:
            title = node["name"]
            if node["kind"] == "stage":
                items = [
                    builder.block_item(child, node["name"]) if child["kind"] == "block"
                    else builder.layer_item(child)
                    for child in node["children"]
                ]  # fmt: skip
            elif all(layer["type"] == "InputLayer" for layer in node["children"]):
                # A model that starts with its first block (one block, a stage) has a stem of inputs only: a
                # section box would show no layer at all, so the inputs stand in the column as they are.
                items, title = [builder.layer_item(layer) for layer in node["children"]], "input"
            else:
                items = [builder.section_item(node)]
            columns.append(_column(node["name"], title, _subtitle(node), CLOSED_W, items))
    scene = {
        "format": SCENE_FORMAT,
        "name": graph["name"],
        "styles": STYLES,
        "metrics": METRICS,
        "hint": HINT if graph["structure"] == "residual" else "",
        "columns": columns,
        "parts": builder.parts,
        "tips": builder.tips,
        "text": diagram_text(graph),  # the text alternative: title, description, table (table.py)
    }
    scene["header"] = _header(graph, place(scene)["width"])
    return whole_numbers(scene)


def whole_numbers(value):
    """The same data with 70.0 written as 70: the synced JSON is shorter, and every painter writes "70" (as a
    browser writes JSON back: scripts/execute_course.py uses it for whole notebooks)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    return value


def open_names(expanded) -> list[str]:
    """``expanded`` as a list of item names; TypeError for a single string or anything but strings."""
    return names("expanded", expanded, meaning='the blocks to draw open, e.g. ["conv2_block1", "head"]')


def place(scene: dict, expanded=()) -> dict:
    """Where the body's items go with the ``expanded`` items open (a running sum), and what joins them.

    Names that are not items of the scene are ignored; ``expanded`` that is not a list of names raises
    TypeError.

    Returns:
        ``{"width", "height", "columns": [{"x", "w", "bottom"}], "items": {name: {"x", "y", "w", "h",
        "open"}}, "marks": [...]}``: body coordinates; the marks are the main path between a column's
        items (with arrowheads) and the chevrons between columns.
    """
    m = scene["metrics"]
    expanded = set(open_names(expanded))
    half, length = m["arrow"]
    x, height = m["margin"], 0
    placed_columns, items, marks = [], {}, []
    for column in scene["columns"]:
        width = column["w"]
        axis = x + m["axis"]
        y = m["margin"] + m["header_h"] + m["top_gap"]
        trunk_from = m["margin"] + m["header_h"]
        for item in column["items"]:
            is_open = item["name"] in expanded and "open" in item
            w, h = (item["open"]["w"], item["open"]["h"]) if is_open else (item["w"], item["h"])
            items[item["name"]] = {"x": x, "y": y, "w": w, "h": h, "open": is_open}
            tip = y - 1
            marks.append(["path", "trunk", f"M{num(axis)},{num(trunk_from)}L{num(axis)},{num(tip - length)}"])
            marks.append(["path", "arrowhead", f"M{num(axis - half)},{num(tip - length)}L{num(axis)},{num(tip)}"
                                               f"L{num(axis + half)},{num(tip - length)}Z"])  # fmt: skip
            trunk_from = y + h
            width = max(width, w)
            y += h + m["item_gap"]
        placed_columns.append({"x": x, "w": width, "bottom": y - m["item_gap"]})
        height = max(height, y - m["item_gap"])
        x += width + m["column_gap"]
    for left, right in zip(placed_columns, placed_columns[1:]):
        marks.append(["text", "chevron", (left["x"] + left["w"] + right["x"]) / 2, m["margin"] + 28, "›"])
    return {
        "width": x - m["column_gap"] + m["margin"],
        "height": height + m["margin"],
        "columns": placed_columns,
        "items": items,
        "marks": marks,
    }
