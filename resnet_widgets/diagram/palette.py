"""The diagram's one palette: every colour, stroke and font size of the picture, by style name.

The scene (:mod:`.layout`) names a style on each mark; every painter (the SVG writer, the PNG painter, the
widget's ES module) applies these attributes as they are. Values are SVG presentation attributes, so the
SVG writer and the browser write them unchanged and the PNG painter translates them
(:mod:`.png`). The widget's CSS only adds what a picture cannot show by itself: hover, focus, selection.
"""

from __future__ import annotations

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

INK = "#0f172a"
MUTED = "#64748b"
SOFT = "#475569"
PAPER = "#ffffff"
MAIN_PATH = "#334155"  # apart from both shortcuts with every colour vision (tests/accessibility)
# The two shortcuts: told apart by the line too (a projection is dashed), and chosen so that they stay apart under
# protanopia, deuteranopia and tritanopia, and reach 4.5:1 on the paper, since they also colour text
# (tests/accessibility/test_palettes.py). The identity shortcut stays green: notebook 06 calls it "the green line".
IDENTITY = "#15803d"
PROJECTION = "#a21caf"
FRAME = "#94a3b8"
# The keyboard focus ring (diagram.css --rnd-focus): 3:1 or more against the paper and every box fill.
FOCUS_RING = "#1d4ed8"

# Layer families (see family() below): (fill, stroke) of their boxes.
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


def _text(size, fill=INK, weight=None, anchor=None, **extra):
    style = {"font-size": size, "fill": fill}
    if weight:
        style["font-weight"] = weight
    if anchor:
        style["text-anchor"] = anchor
    return {**style, **extra}


def _line(colour, width, dash=None):
    style = {"fill": "none", "stroke": colour, "stroke-width": width}
    if dash:
        style["stroke-dasharray"] = dash
    return style


# Halo: a stroke painted under the glyphs, so a title stays readable where a line crosses it.
_HALO = {"stroke": "#f8fafc", "stroke-width": 4, "paint-order": "stroke"}

STYLES = {
    "background": {"fill": PAPER},
    "headline": _text(14, weight="bold"),
    "legend": _text(11, fill=MUTED),
    "column-title": _text(14, weight="bold", anchor="middle"),
    "column-subtitle": _text(10.5, fill=MUTED, anchor="middle"),
    "chevron": _text(22, fill=MUTED, anchor="middle"),
    "trunk": _line(MAIN_PATH, 1.5),
    "arrowhead": {"fill": MAIN_PATH},
    "edge-main": _line(MAIN_PATH, 1.5),
    "edge-identity": _line(IDENTITY, 2.5),
    "edge-projection": _line(PROJECTION, 2.5, "6 4"),
    "block-frame": {"fill": PAPER, "stroke": FRAME, "stroke-width": 1.2, "rx": 6},
    "section-frame": {"fill": "#f1f5f9", "stroke": FRAME, "stroke-width": 1.2, "rx": 6},
    "block-label": _text(12, anchor="middle"),
    "badge": _text(10, fill=MUTED, anchor="end"),
    "section-title": _text(12, weight="bold", anchor="middle"),
    "section-summary": _text(9.5, fill=SOFT, anchor="middle"),
    "marker-identity": {"fill": PAPER, "stroke": IDENTITY, "stroke-width": 1.5, "rx": 3},
    "marker-projection": {"fill": PAPER, "stroke": PROJECTION, "stroke-width": 1.5, "rx": 3},
    "marker-text-identity": _text(9.5, fill=IDENTITY, anchor="middle"),
    "marker-text-projection": _text(9.5, fill=PROJECTION, anchor="middle"),
    "open-frame": {"fill": "#f8fafc", "stroke": "#cbd5e1", "stroke-width": 1, "stroke-dasharray": "4 3", "rx": 8},
    "open-title": _text(11, weight="bold", anchor="middle", **_HALO),
    "hit": {"fill": PAPER, "fill-opacity": 0},  # a click target that paints nothing
    "box-label": _text(10.5, anchor="middle"),
    "box-shape": _text(9.5, fill=MUTED),
    "add-plus": _line(FAMILY_COLOURS["add"][1], 1.5),
    **{
        f"box-{name}": {"fill": fill, "stroke": stroke, "stroke-width": 1, "rx": 4}
        for name, (fill, stroke) in FAMILY_COLOURS.items()
    },
    "circle-add": {"fill": FAMILY_COLOURS["add"][0], "stroke": FAMILY_COLOURS["add"][1], "stroke-width": 1.5},
}

# Which family a layer type belongs to, for its colour.
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
