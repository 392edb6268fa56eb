"""``to_png``: the diagram as a PNG, painted with matplotlib from the same scene as ``to_svg``.

The picture a widget leaves where nothing else renders: JupyterLab shows a PNG from a notebook it does
not trust (SVG and widgets it does not), and so do GitHub and nbviewer. matplotlib is already a
dependency of the course; no browser or SVG rasteriser is needed. The scene's SVG attributes are
translated here: pixels to points (matplotlib's unit, 72 per inch, at 96 pixels per inch), a text's
anchor to its alignment, the halo to a stroke path effect.
"""

from __future__ import annotations

import re

from ..graph import model_graph
from .layout import diagram_scene, place

DPI = 96
_PT = 72 / DPI  # points per pixel
_ANCHORS = {"start": "left", "middle": "center", "end": "right"}
_COMMAND = re.compile(r"[MLQZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _path_data(d: str):
    """matplotlib (vertices, codes) of an SVG path with absolute M, L, Q and Z commands."""
    from matplotlib.path import Path

    vertices, codes, tokens = [], [], _COMMAND.findall(d)
    i, command = 0, None
    while i < len(tokens):
        if tokens[i] in "MLQZ":
            command = tokens[i]
            i += 1
            if command == "Z":
                vertices.append(vertices[-1] if vertices else (0, 0))
                codes.append(Path.CLOSEPOLY)
            continue
        count = 4 if command == "Q" else 2
        values = [float(t) for t in tokens[i : i + count]]
        i += count
        if command == "Q":
            vertices += [(values[0], values[1]), (values[2], values[3])]
            codes += [Path.CURVE3, Path.CURVE3]
        else:
            vertices.append((values[0], values[1]))
            codes.append(Path.MOVETO if command == "M" else Path.LINETO)
            command = "L" if command == "M" else command  # SVG: pairs after a moveto are linetos
    return vertices, codes


def _colour(style: dict, key: str):
    value = style.get(key)
    if value in (None, "none"):
        return "none"
    opacity = style.get(f"{key}-opacity")
    if opacity is None:
        return value
    from matplotlib.colors import to_rgba

    return to_rgba(value, float(opacity))


def _line_kwargs(style: dict) -> dict:
    kwargs = {"facecolor": _colour(style, "fill"), "edgecolor": _colour(style, "stroke"),
              "linewidth": float(style.get("stroke-width", 1)) * _PT if "stroke" in style else 0}  # fmt: skip
    dash = style.get("stroke-dasharray")
    if dash:
        kwargs["linestyle"] = (0, tuple(float(v) * _PT for v in str(dash).split()))
    return kwargs


class _Painter:
    def __init__(self, axes, scene):
        self.axes, self.scene = axes, scene

    def _add(self, patch):
        # add_artist, not add_patch: the limits are fixed, and updating them per patch is most of the cost.
        self.axes.add_artist(patch)

    def marks(self, marks, dx=0.0, dy=0.0, names=None):
        from matplotlib import patches, patheffects
        from matplotlib.path import Path

        styles = self.scene["styles"]
        for mark in marks:
            kind = mark[0]
            if kind == "node":
                self.marks(mark[4], dx, dy, names)
                continue
            style = styles[mark[1]]
            if kind == "rect":
                _, _, x, y, w, h = mark
                rounding = float(style.get("rx", 0))
                self._add(patches.FancyBboxPatch(
                    (x + dx, y + dy), w, h, boxstyle=f"round,pad=0,rounding_size={rounding}", **_line_kwargs(style)
                ))  # fmt: skip
            elif kind == "circle":
                _, _, cx, cy, r = mark
                self._add(patches.Circle((cx + dx, cy + dy), r, **_line_kwargs(style)))
            elif kind == "path":
                vertices, codes = _path_data(mark[2])
                moved = [(vx + dx, vy + dy) for vx, vy in vertices]
                self._add(patches.PathPatch(Path(moved, codes), **_line_kwargs(style)))
            elif kind == "text":
                _, _, x, y, text = mark
                effects = []
                if style.get("paint-order") == "stroke":
                    effects = [patheffects.withStroke(linewidth=float(style["stroke-width"]) * _PT,
                                                      foreground=style["stroke"])]  # fmt: skip
                self.axes.text(
                    x + dx, y + dy, text, fontsize=float(style["font-size"]) * _PT, color=style.get("fill", "black"),
                    fontweight=style.get("font-weight", "normal"), ha=_ANCHORS[style.get("text-anchor", "start")],
                    va="baseline", path_effects=effects,
                )  # fmt: skip

    def body(self, placed, top):
        scene = self.scene
        self.marks(placed["marks"], 0, top)
        for column, spot in zip(scene["columns"], placed["columns"]):
            self.marks(column["marks"], spot["x"], top)
            for item in column["items"]:
                at = placed["items"][item["name"]]
                if at["open"]:
                    opened = item["open"]
                    self.marks(scene["parts"][opened["part"]], at["x"], top + at["y"], opened["names"])
                    self.marks(opened["marks"], at["x"], top + at["y"])
                else:
                    self.marks(item["marks"], at["x"], top + at["y"])


def paint_png(scene: dict, expanded=(), dpi: int = DPI) -> bytes:
    """The scene as PNG bytes, with the ``expanded`` items open, one pixel per scene pixel at ``dpi`` 96."""
    import matplotlib

    from matplotlib.figure import Figure

    from ..display import figure_png

    placed = place(scene, expanded)
    header = scene["header"]
    width, height = max(header["w"], placed["width"]), header["h"] + placed["height"]
    # Dashes in pixels, as the SVG gives them, not scaled by the line width.
    with matplotlib.rc_context({"lines.scale_dashes": False, "svg.fonttype": "none"}):
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=scene["styles"]["background"]["fill"])
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(0, width)
        axes.set_ylim(height, 0)  # SVG's y axis points down
        axes.set_axis_off()
        painter = _Painter(axes, scene)
        painter.marks(header["marks"])
        painter.body(placed, header["h"])
        return figure_png(figure, dpi=dpi, tight=False)  # the figure is the picture's size already


def to_png(model_or_graph, expanded=(), dpi: int = DPI) -> bytes:
    """The architecture diagram as PNG bytes: the picture :func:`to_svg` draws, rasterised by matplotlib.

    Args:
        model_or_graph: a Keras functional model (see :func:`model_graph`) or a ``model_graph`` dict.
        expanded: names of the blocks (or "stem", "head") to draw open.
        dpi: 96 draws one pixel per scene pixel; 192 twice as sharp.

    Raises:
        TypeError/ValueError: as :func:`model_graph` for a bad model; ValueError for a bad graph dict.
    """
    graph = model_or_graph if isinstance(model_or_graph, dict) else model_graph(model_or_graph)
    return paint_png(diagram_scene(graph), expanded, dpi)
