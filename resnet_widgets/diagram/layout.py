"""Where everything goes: the geometry of the diagram, computed once from a ``model_graph`` dict.

The picture is a row of columns read left to right: the stem, one column per stage, the head. A column
stacks its items top to bottom on one vertical axis (the main path): residual blocks, loose layers, or a
stem/head section. Each item has a closed size and, when it can open, an open size with its layers'
boxes and connecting edges in item coordinates. Placing items is then a running sum (:func:`place`), so
the browser opens and closes blocks without asking Python, and ``to_svg`` draws the very same geometry.
The ES module's ``place`` mirrors :func:`place` line by line.

All numbers are pixels at zoom 1. Box families (for colour): conv, dense, norm, act, pool, pad, add,
input, other.
"""

from __future__ import annotations

LAYOUT_FORMAT = "resnet_widgets.diagram_layout/1"

MARGIN = 16
HEADER_H = 50  # column title and subtitle
TOP_GAP = 14  # from the header to the first item
ITEM_GAP = 18  # between items: room for the shortcut brackets' ends
COLUMN_GAP = 26  # between columns: room for the chevron that reads "then"
AXIS = 70  # the main path's x inside every item
BOX_W, BOX_H = 120, 20
SHAPE_X = 136  # output shapes are written right of the boxes (loose layers)
CLOSED_W, CLOSED_H = 164, 30
LANE_CLOSED = 148  # the shortcut bracket of a closed block
SECTION_H = 40
LAYER_ITEM_W = 200
TITLE_H = 30  # the name of an open block, on top of its frame
ROW = 27  # row pitch inside an open item
SHORTCUT_BOX_W = 116
LANE_OPEN = 212  # identity shortcut lane (or projection box centre is LANE_OPEN + SHORTCUT_BOX_W / 2 - 6)
MERGE_R = 8
CHAIN_COLUMN = 14  # layers per column when a model has no residual blocks

CONSTANTS = {
    "margin": MARGIN, "header_h": HEADER_H, "top_gap": TOP_GAP, "item_gap": ITEM_GAP,
    "column_gap": COLUMN_GAP, "axis": AXIS, "box_w": BOX_W, "box_h": BOX_H, "merge_r": MERGE_R,
    "lane_closed": LANE_CLOSED,
}  # fmt: skip

_FAMILIES = {
    "Conv1D": "conv", "Conv2D": "conv", "Conv3D": "conv", "DepthwiseConv2D": "conv",
    "SeparableConv2D": "conv", "Conv2DTranspose": "conv", "Dense": "dense", "EinsumDense": "dense",
    "BatchNormalization": "norm", "LayerNormalization": "norm", "GroupNormalization": "norm",
    "Activation": "act", "ReLU": "act", "Softmax": "act",
    "MaxPooling2D": "pool", "AveragePooling2D": "pool", "GlobalAveragePooling2D": "pool",
    "GlobalMaxPooling2D": "pool", "MaxPooling1D": "pool", "GlobalAveragePooling1D": "pool",
    "ZeroPadding2D": "pad", "ZeroPadding1D": "pad", "Add": "add", "InputLayer": "input",
}  # fmt: skip


def family(layer_type: str) -> str:
    """The colour family of a layer type ('conv', 'norm', ..., 'other')."""
    return _FAMILIES.get(layer_type, "other")


def format_shape(shape) -> str:
    """'56×56×256' for [None, 56, 56, 256]; '?' for unknown sizes; several outputs joined by ' | '."""
    if shape is None:
        return ""
    if shape and isinstance(shape[0], list):
        return " | ".join(format_shape(s) for s in shape)
    dims = shape[1:] if len(shape) > 1 else shape
    return "×".join("?" if d is None else str(d) for d in dims)


def format_count(value) -> str:
    """Counts as a learner reads them: 25,636,712 -> '25.6 M', 3_868_560_384 -> '3.87 G', None -> '?'."""
    if value is None:
        return "?"
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:.3g} {suffix}" if scaled < 100 else f"{scaled:.0f} {suffix}"
    return str(value)


def short_block_label(name: str, stage: str) -> str:
    """'conv4_block36' in stage 'conv4' -> 'block36'; other names are kept, cut to 16 characters."""
    if name.startswith(stage + "_"):
        name = name[len(stage) + 1 :]
    return name if len(name) <= 16 else name[:15] + "…"


def _summary(layers: list[dict], limit: int = 22) -> str:
    """The stem's or head's main layers in a few words: '7×7 conv · max pool'."""
    words = []
    for layer in layers:
        fam = family(layer["type"])
        if fam == "conv":
            words.append(layer["label"].split(",")[0])
        elif fam == "dense":
            words.append(layer["label"].split(",")[0])
        elif fam == "pool":
            words.append(layer["label"].replace("3×3 ", "").split(",")[0].replace("global ", ""))
    text = ""
    for word in words:
        candidate = f"{text} · {word}" if text else word
        if len(candidate) > limit:
            return text + " …" if text else word[:limit]
        text = candidate
    return text


# --------------------------------------------------------------------------- open items


def _shortcut_names(block: dict) -> set[str]:
    return set(block.get("shortcut", {}).get("layers", []))


def _open_geometry(group: dict) -> dict:
    """Boxes and edges of an open block or section, in item coordinates (see the module docstring)."""
    layers = group["children"]
    shortcut = group.get("shortcut")
    lane_layers = _shortcut_names(group)
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

    position: dict[str, tuple[float, float]] = {}  # name -> (centre x, top y)
    boxes = []
    for layer in layers:
        name, top = layer["name"], TITLE_H + rows[layer["name"]] * ROW
        if name == merge_name:
            position[name] = (AXIS, top)
            boxes.append([name, AXIS - MERGE_R, top + BOX_H / 2 - MERGE_R, 2 * MERGE_R, 2 * MERGE_R, "add", "+", ""])
            continue
        in_lane = name in lane_layers
        centre, width = (lane_x, SHORTCUT_BOX_W) if in_lane else (AXIS, BOX_W)
        position[name] = (centre, top)
        boxes.append([name, centre - width / 2, top, width, BOX_H, family(layer["type"]), layer["label"],
                      format_shape(layer["output_shape"])])  # fmt: skip
    height = TITLE_H + (max(rows.values()) + 1) * ROW + 6

    def bottom(name):
        x, top = position[name]
        return x, top + (BOX_H / 2 + MERGE_R if name == merge_name else BOX_H)

    def top_of(name):
        x, top = position[name]
        return x, top + (BOX_H / 2 - MERGE_R if name == merge_name else 0)

    skip_class = f"skip-{shortcut['kind']}" if shortcut else "main"
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
                edges.append([skip_class, *points])
                continue
            x2, y2 = top_of(name)
            points = [x1, y1, x2, y2] if x1 == x2 else [x1, y1, x1, y1 + 3, x2, y1 + 3, x2, y2]
            edges.append([skip_class if name in lane_layers else "main", *points])
    # The main path leaves the item below its last row.
    x_last, y_last = bottom(layers[-1]["name"])
    if x_last == AXIS:
        edges.append(["main", AXIS, y_last, AXIS, height])
    if lane_layers:
        width = lane_x + SHORTCUT_BOX_W / 2 + 78
    else:
        width = LANE_OPEN + 12 if shortcut else LAYER_ITEM_W
    return {"w": width, "h": height, "boxes": boxes, "edges": edges}


# --------------------------------------------------------------------------- items and columns


def _layer_item(layer: dict) -> dict:
    return {
        "name": layer["name"], "kind": "layer", "family": family(layer["type"]), "label": layer["label"],
        "shape": format_shape(layer["output_shape"]), "w": LAYER_ITEM_W, "h": BOX_H,
    }  # fmt: skip


def _block_item(block: dict, stage: str) -> dict:
    shortcut = block["shortcut"]
    marker = ""
    for name in shortcut["layers"]:
        layer = next(c for c in block["children"] if c["name"] == name)
        if family(layer["type"]) in ("conv", "dense"):
            marker = layer["label"].split(" ")[0]
            break
        if family(layer["type"]) == "pool":
            marker = "pool"
    return {
        "name": block["name"], "kind": "block", "label": short_block_label(block["name"], stage),
        "badge": f"/{block['downsample']}" if block.get("downsample") else "",
        "shortcut": shortcut["kind"], "marker": marker, "w": CLOSED_W, "h": CLOSED_H,
        "open": _open_geometry(block),
    }  # fmt: skip


def _section_item(section: dict) -> dict:
    return {
        "name": section["name"], "kind": "section", "label": section["name"],
        "summary": _summary(section["children"]), "w": CLOSED_W, "h": SECTION_H,
        "open": _open_geometry(section),
    }  # fmt: skip


def _subtitle(node: dict) -> str:
    shape = format_shape(node["output_shape"])
    if node["kind"] == "stage":
        blocks = sum(1 for c in node["children"] if c["kind"] == "block")
        return f"{blocks} block{'s' if blocks != 1 else ''} · {shape}"
    return f"out {shape}"


def diagram_layout(graph: dict) -> dict:
    """The diagram's geometry for a ``model_graph`` dict.

    Returns:
        ``{"format", "constants", "columns": [{"name", "title", "subtitle", "w", "items": [...]}]}``.
        Items are ``{"name", "kind": "block" | "section" | "layer", "w", "h", ...}``; blocks and sections
        carry ``"open": {"w", "h", "boxes", "edges"}`` where a box is ``[name, x, y, w, h, family, label,
        shape]`` and an edge is ``[class, x1, y1, x2, y2, ...]`` (class ``main``, ``skip-identity`` or
        ``skip-projection``), both relative to the item's top-left corner.

    Raises:
        ValueError: ``graph`` is not a ``model_graph`` dict.
    """
    if not isinstance(graph, dict) or "children" not in graph or "structure" not in graph:
        raise ValueError("diagram_layout(graph) expects the dict returned by model_graph(model)")
    columns = []
    if graph["structure"] == "chain":
        layers = graph["children"]
        for start in range(0, len(layers), CHAIN_COLUMN):
            chunk = layers[start : start + CHAIN_COLUMN]
            columns.append({
                "name": f"layers{start + 1}", "title": f"layers {start + 1}–{start + len(chunk)}",
                "subtitle": f"out {format_shape(chunk[-1]['output_shape'])}",
                "w": LAYER_ITEM_W, "items": [_layer_item(layer) for layer in chunk],
            })  # fmt: skip
    else:
        for node in graph["children"]:
            if node["kind"] == "stage":
                items = [
                    _block_item(child, node["name"]) if child["kind"] == "block" else _layer_item(child)
                    for child in node["children"]
                ]
            else:
                items = [_section_item(node)]
            columns.append({
                "name": node["name"], "title": node["name"], "subtitle": _subtitle(node),
                "w": CLOSED_W, "items": items,
            })  # fmt: skip
    return {"format": LAYOUT_FORMAT, "constants": CONSTANTS, "columns": columns}


def place(layout: dict, expanded=()) -> dict:
    """Absolute positions for a layout with the ``expanded`` items open (a running sum).

    Returns:
        ``{"width", "height", "columns": [{"x", "w", "bottom"}], "items": {name: {"x", "y", "w", "h",
        "open"}}}``.
    """
    expanded = set(expanded)
    x, height = MARGIN, 0
    placed_columns, items = [], {}
    for column in layout["columns"]:
        width = column["w"]
        y = MARGIN + HEADER_H + TOP_GAP
        for item in column["items"]:
            is_open = item["name"] in expanded and "open" in item
            w, h = (item["open"]["w"], item["open"]["h"]) if is_open else (item["w"], item["h"])
            items[item["name"]] = {"x": x, "y": y, "w": w, "h": h, "open": is_open}
            width = max(width, w)
            y += h + ITEM_GAP
        placed_columns.append({"x": x, "w": width, "bottom": y - ITEM_GAP})
        height = max(height, y - ITEM_GAP)
        x += width + COLUMN_GAP
    return {"width": x - COLUMN_GAP + MARGIN, "height": height + MARGIN, "columns": placed_columns, "items": items}
