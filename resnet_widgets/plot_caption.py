"""PlotCaption: the words beside a live plot or picture, for everyone and for screen readers.

A plotly FigureWidget draws an SVG with no accessible name, ipywidgets cannot put ARIA attributes on it, and
ipywidgets' Image has no alt text (its tooltip crashes a view without a description, ipywidgets 8.1). This small
anywidget, placed in the same widget as the plot, shows a short text summary of what the plot shows and, folded,
the numbers behind it as a table; and it names the plot: the first element matching ``target`` inside the widget
whose CSS class is ``scope`` gets ``role="figure"`` and ``aria-label`` (the name), or, for an <img>, ``alt``; and
``aria-describedby`` (the summary) when there is one. It also names the ipywidgets sliders in the same widget by
their visible label: ipywidgets 8 leaves a slider's handle (``role="slider"``) without an accessible name.
The widget that owns the plot computes the summary and the table (pure functions its tests call) and sets them.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_STATIC = Path(__file__).parent / "static"


def check_table(table) -> dict:
    """A data table as PlotCaption shows it: ``{"caption": str, "columns": [str], "rows": [[str, ...], ...]}``.

    Raises:
        TypeError: ``table`` is not a dict of that shape (the message names the part that is wrong).
        ValueError: a row whose length differs from the number of columns.
    """
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list) or not isinstance(table.get("rows"), list):
        raise TypeError(f"table must be a dict with 'columns' and 'rows' lists; received {table!r:.80}")
    for index, row in enumerate(table["rows"]):
        if len(row) != len(table["columns"]):
            raise ValueError(f"table row {index} has {len(row)} cells; the table has {len(table['columns'])} columns")
    return {"caption": str(table.get("caption", "")), "columns": [str(c) for c in table["columns"]],
            "rows": [[str(cell) for cell in row] for row in table["rows"]]}


class PlotCaption(anywidget.AnyWidget):
    """The summary and data table of a plot, which also gives that plot its accessible name.

    Args:
        scope: the CSS class of the widget that holds both this caption and the plot (for example
            "resnet-gradient-explorer").
        name: the plot's accessible name (what a screen reader announces for it; an image's alt text).
        summary: one or two sentences saying what the plot shows, shown under it ("" for none).
        table: the numbers behind it (see :func:`check_table`), or None for no table.
        target: the CSS selector of the plot inside the scope (a plotly plot by default; "img" for a picture).
        table_title: the words on the folded table's toggle.

    Raises:
        TypeError, ValueError: a scope or name that is not a non-empty string, or a malformed table.
    """

    _esm = _STATIC / "plot_caption.js"
    _css = _STATIC / "plot_caption.css"
    scope = traitlets.Unicode().tag(sync=True)
    name = traitlets.Unicode().tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    table = traitlets.Dict({}).tag(sync=True)
    target = traitlets.Unicode(".js-plotly-plot").tag(sync=True)
    table_title = traitlets.Unicode("numbers behind the plot").tag(sync=True)

    def __init__(self, scope: str, name: str, summary: str = "", table: dict | None = None, **kwargs):
        for label, value in (("scope", scope), ("name", name)):
            if not isinstance(value, str) or not value.strip():
                raise TypeError(f"{label} must be a non-empty string; received {value!r}")
        super().__init__(scope=scope, name=name, summary=str(summary),
                         table=check_table(table) if table is not None else {}, **kwargs)

    def show(self, summary: str, table: dict | None = None, name: str | None = None) -> None:
        """Replace the summary and the table, and the name when given (one message to the browser)."""
        with self.hold_sync():
            if name is not None:
                self.name = str(name)
            self.summary = str(summary)
            self.table = check_table(table) if table is not None else {}
