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

import anywidget
import traitlets

_ESM = r"""
let count = 0;

function render({ model, el }) {
  const id = `resnet-plot-summary-${++count}-${Math.random().toString(36).slice(2, 8)}`;
  const box = document.createElement("div");
  box.className = "resnet-plot-caption";
  el.appendChild(box);
  let observer = null;
  let pending = false;

  // Sliders: the handle is the focusable control; its name is the slider's own visible label.
  function nameSliders(root) {
    for (const handle of root.querySelectorAll(".widget-slider .noUi-handle")) {
      const label = handle.closest(".widget-slider").querySelector(".widget-label");
      const text = label && label.textContent.trim();
      if (text && handle.getAttribute("aria-label") !== text) handle.setAttribute("aria-label", text);
    }
  }

  // The plot may render after this widget, and its controls may be redrawn: watch the shared box and (re)name
  // what it holds, once per frame at most.
  function watch() {
    const root = el.closest("." + model.get("scope"));
    if (!root || observer) return;
    observer = new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        label();
      });
    });
    observer.observe(root, { childList: true, subtree: true });
  }

  function label() {
    const root = el.closest("." + model.get("scope"));
    if (!root) return;
    nameSliders(root);
    const plot = root.querySelector(model.get("target"));
    if (plot) {
      if (plot.tagName === "IMG") {
        plot.setAttribute("alt", model.get("name"));
      } else {
        plot.setAttribute("role", "figure");
        plot.setAttribute("aria-label", model.get("name"));
      }
      if (model.get("summary")) plot.setAttribute("aria-describedby", id);
      else if (plot.hasAttribute("aria-describedby")) plot.removeAttribute("aria-describedby");
    }
  }

  function draw() {
    box.textContent = "";
    if (model.get("summary")) {
      const summary = document.createElement("p");
      summary.id = id;
      summary.className = "resnet-plot-summary";
      summary.textContent = model.get("summary");
      box.appendChild(summary);
    }
    const table = model.get("table") || {};
    if (table.rows && table.rows.length) {
      const details = document.createElement("details");
      details.className = "resnet-plot-table";
      const title = document.createElement("summary");
      title.textContent = `${model.get("table_title")} (${table.rows.length} rows)`;
      details.appendChild(title);
      const grid = document.createElement("table");
      const caption = document.createElement("caption");
      caption.textContent = table.caption || "";
      grid.appendChild(caption);
      const head = grid.createTHead().insertRow();
      for (const column of table.columns) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = column;
        head.appendChild(th);
      }
      const body = grid.createTBody();
      for (const row of table.rows) {
        const tr = body.insertRow();
        row.forEach((value, i) => {
          const cell = document.createElement(i === 0 ? "th" : "td");
          if (i === 0) cell.scope = "row";
          cell.textContent = value;
          tr.appendChild(cell);
        });
      }
      details.appendChild(grid);
      box.appendChild(details);
    }
    label();
    watch();
  }

  model.on("change:summary", draw);
  model.on("change:table", draw);
  model.on("change:name", draw);
  model.on("change:target", draw);
  draw();
  // The box may not hold this widget yet when render runs: look once more after the first frame.
  requestAnimationFrame(() => {
    label();
    watch();
  });
  return () => observer && observer.disconnect();
}

export default { render };
"""

_CSS = """
.resnet-plot-caption { font-size: 12px; line-height: 1.4; color: var(--jp-ui-font-color1, #0f172a); }
.resnet-plot-summary { margin: 2px 0 4px; max-width: 70em; }
.resnet-plot-table summary { cursor: pointer; }
.resnet-plot-table summary:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 1px; }
.resnet-plot-table table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 4px 0; }
.resnet-plot-table caption { text-align: left; font-weight: 600; padding: 2px 0; }
.resnet-plot-table th, .resnet-plot-table td {
  text-align: right; padding: 1px 10px 1px 0; border-bottom: 1px solid var(--jp-border-color2, #e2e8f0);
}
.resnet-plot-table thead th { font-weight: 600; }
.resnet-plot-table tbody th { font-weight: 400; }
"""


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

    _esm = _ESM
    _css = _CSS
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
