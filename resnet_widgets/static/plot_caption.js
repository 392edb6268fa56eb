// PlotCaption's browser side (resnet_widgets/plot_caption.py says what it does and why).
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
