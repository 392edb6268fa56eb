// ArchitectureDiagram's browser side: draws the layout Python computed (resnet_widgets/diagram/layout.py)
// as SVG. Python says what to show and where; this module only stacks items (place, a running sum that
// mirrors layout.place), draws them, and syncs `expanded` and `selected` back.
//
// Timing marks for the benchmarks (read by tests/ui through performance.getEntriesByName):
//   resnet-diagram:first-render   render() called -> first frame painted after drawing
//   resnet-diagram:expand         click on a closed block -> frame painted with it open
//   resnet-diagram:collapse       click on an open block -> frame painted with it closed
// Each measure's `detail` holds {model, items}.

const NS = "http://www.w3.org/2000/svg";
const MEASURE = "resnet-diagram:";
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 2.5;
const MAX_VIEW_HEIGHT = 640;
let instances = 0;

function el(tag, attrs, parent, text) {
  const node = document.createElementNS(NS, tag);
  for (const key in attrs) node.setAttribute(key, attrs[key]);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function html(tag, className, parent, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

export function formatCount(value) {
  if (value === null || value === undefined) return "?";
  for (const [size, suffix] of [[1e9, "G"], [1e6, "M"], [1e3, "k"]]) {
    if (Math.abs(value) >= size) {
      const scaled = value / size;
      return (scaled < 100 ? String(Number(scaled.toPrecision(3))) : scaled.toFixed(0)) + " " + suffix;
    }
  }
  return String(value);
}

export function formatShape(shape) {
  if (!shape) return "";
  if (shape.length && Array.isArray(shape[0])) return shape.map(formatShape).join(" | ");
  const dims = shape.length > 1 ? shape.slice(1) : shape;
  return dims.map((d) => (d === null ? "?" : String(d))).join("×");
}

// Absolute positions for the layout with `expanded` items open: mirrors layout.place in Python.
export function place(layout, expanded) {
  const c = layout.constants;
  let x = c.margin;
  let height = 0;
  const columns = [];
  const items = {};
  for (const column of layout.columns) {
    let width = column.w;
    let y = c.margin + c.header_h + c.top_gap;
    for (const item of column.items) {
      const open = expanded.has(item.name) && !!item.open;
      const w = open ? item.open.w : item.w;
      const h = open ? item.open.h : item.h;
      items[item.name] = { x, y, w, h, open };
      width = Math.max(width, w);
      y += h + c.item_gap;
    }
    columns.push({ x, w: width, bottom: y - c.item_gap });
    height = Math.max(height, y - c.item_gap);
    x += width + c.column_gap;
  }
  return { width: x - c.column_gap + c.margin, height: height + c.margin, columns, items };
}

function indexGraph(graph) {
  const nodes = new Map();
  const stack = [...(graph.children || [])];
  while (stack.length) {
    const node = stack.pop();
    nodes.set(node.name, node);
    if (node.children) stack.push(...node.children);
  }
  return nodes;
}

function headline(graph) {
  const parts = [
    graph.name,
    `${formatCount(graph.params)} parameters`,
    `${formatCount(graph.macs)} multiply-adds`,
    `depth ${graph.depth}`,
  ];
  if (graph.structure === "residual") parts.push(`${graph.block_count} residual blocks`);
  return parts.join(" · ");
}

function describe(node) {
  const rows = [
    ["output", formatShape(node.output_shape)],
    ["parameters", `${node.params.toLocaleString("en-US")}`],
    ["", `trainable ${node.trainable.toLocaleString("en-US")} · non-trainable ${node.non_trainable.toLocaleString("en-US")}`],
    ["multiply-adds", formatCount(node.macs)],
  ];
  if (node.shortcut) {
    const via = node.shortcut.layers.length ? node.shortcut.layers.join(", ") : "nothing (x passes unchanged)";
    rows.push(["shortcut", `${node.shortcut.kind}, through ${via}`]);
  }
  return { title: node.name, kind: node.type || node.kind, rows };
}

function path(points, cls, parent, arrow) {
  let d = `M${points[0]},${points[1]}`;
  for (let i = 2; i < points.length; i += 2) d += ` L${points[i]},${points[i + 1]}`;
  const attrs = { d, class: `rnd-edge rnd-${cls}` };
  if (arrow) attrs["marker-end"] = `url(#${arrow})`;
  return el("path", attrs, parent);
}

function drawBox(parent, name, x, y, w, h, family, label, shape, shapeX) {
  const g = el("g", { class: `rnd-node rnd-fam-${family}`, "data-name": name, "data-kind": "layer" }, parent);
  if (family === "add") {
    const r = w / 2;
    el("circle", { cx: x + r, cy: y + r, r }, g);
    el("path", { class: "rnd-plus", d: `M${x + r},${y + 4} V${y + w - 4} M${x + 4},${y + r} H${x + w - 4}` }, g);
    return g;
  }
  el("rect", { x, y, width: w, height: h, rx: 4 }, g);
  el("text", { x: x + w / 2, y: y + h / 2 + 4, "text-anchor": "middle", class: "rnd-label" }, g, label);
  if (shape && shapeX !== undefined) el("text", { x: shapeX, y: y + h / 2 + 4, class: "rnd-shape" }, g, shape);
  return g;
}

function drawClosed(parent, item, at, c) {
  const { x, y, h } = at;
  const axis = x + c.axis;
  const g = el("g", {
    class: `rnd-item rnd-${item.kind}`, "data-name": item.name, "data-kind": item.kind, tabindex: 0,
  }, parent);
  if (item.kind === "block") {
    const lane = x + c.lane_closed;
    const top = y - 5;
    const bottom = y + h + 5;
    el("path", {
      class: `rnd-edge rnd-skip-${item.shortcut}`,
      d: `M${axis},${top} L${lane - 6},${top} Q${lane},${top} ${lane},${top + 6} L${lane},${bottom - 6} ` +
        `Q${lane},${bottom} ${lane - 6},${bottom} L${axis},${bottom}`,
    }, g);
    if (item.marker) {
      const width = 8 + 6 * item.marker.length;
      el("rect", {
        class: `rnd-marker rnd-marker-${item.shortcut}`, x: lane - width / 2, y: y + h / 2 - 8, width, height: 16, rx: 3,
      }, g);
      el("text", {
        class: `rnd-marker-text rnd-marker-${item.shortcut}`, x: lane, y: y + h / 2 + 4, "text-anchor": "middle",
      }, g, item.marker);
    }
  }
  el("rect", { class: "rnd-frame", x: axis - 60, y, width: 120, height: h, rx: 6 }, g);
  if (item.kind === "section") {
    el("text", { class: "rnd-title", x: axis, y: y + 16, "text-anchor": "middle" }, g, item.label);
    el("text", { class: "rnd-summary", x: axis, y: y + 31, "text-anchor": "middle" }, g, item.summary);
  } else {
    el("text", { class: "rnd-block-label", x: axis, y: y + h / 2 + 4, "text-anchor": "middle" }, g, item.label);
    if (item.badge) {
      el("text", { class: "rnd-badge", x: axis + 55, y: y + h / 2 + 4, "text-anchor": "end" }, g, item.badge);
    }
  }
  return g;
}

function drawOpen(parent, item, at, c) {
  const geometry = item.open;
  const g = el("g", {
    class: `rnd-item rnd-open rnd-${item.kind}`, "data-name": item.name, "data-kind": item.kind,
    transform: `translate(${at.x},${at.y})`,
  }, parent);
  el("rect", { class: "rnd-open-frame", x: 2, y: 0, width: geometry.w - 4, height: geometry.h, rx: 8 }, g);
  for (const edge of geometry.edges) path(edge.slice(1), edge[0], g);
  const title = el("g", { class: "rnd-open-title", "data-name": item.name, "data-kind": item.kind, tabindex: 0 }, g);
  el("rect", { class: "rnd-hit", x: c.axis - 66, y: 2, width: 132, height: 22 }, title);
  el("text", { class: "rnd-title rnd-halo", x: c.axis, y: 17, "text-anchor": "middle" }, title, `${item.name} ▴`);
  for (const [name, bx, by, bw, bh, family, label, shape] of geometry.boxes) {
    drawBox(g, name, bx, by, bw, bh, family, label, shape, bx + bw + 6);
  }
  return g;
}

function drawDiagram(svg, layout, placed, expanded) {
  const c = layout.constants;
  svg.textContent = "";
  const defs = el("defs", {}, svg);
  const marker = el("marker", {
    id: svg.dataset.arrow, viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto",
  }, defs);
  el("path", { d: "M0,0 L8,4 L0,8 z", class: "rnd-arrowhead" }, marker);
  const root = el("g", {}, svg);
  const trunks = el("g", { class: "rnd-trunks" }, root);
  layout.columns.forEach((column, i) => {
    const spot = placed.columns[i];
    const axis = spot.x + c.axis;
    el("text", { class: "rnd-column-title", x: axis, y: c.margin + 20, "text-anchor": "middle" }, root, column.title);
    el("text", { class: "rnd-column-subtitle", x: axis, y: c.margin + 36, "text-anchor": "middle" }, root, column.subtitle);
    let yPrev = c.margin + c.header_h;
    for (const item of column.items) {
      const at = placed.items[item.name];
      path([axis, yPrev, axis, at.y - 1], "main", trunks, svg.dataset.arrow);
      yPrev = at.y + at.h;
    }
    for (const item of column.items) {
      const at = placed.items[item.name];
      if (item.kind === "layer") {
        drawBox(root, item.name, spot.x + c.axis - 60, at.y, 120, c.box_h, item.family, item.label, item.shape,
          spot.x + 136);
      } else if (at.open) {
        drawOpen(root, item, at, c);
      } else {
        drawClosed(root, item, at, c);
      }
    }
    if (i + 1 < layout.columns.length) {
      const next = placed.columns[i + 1];
      el("text", {
        class: "rnd-chevron", x: (spot.x + spot.w + next.x) / 2, y: c.margin + 28, "text-anchor": "middle",
      }, root, "›");
    }
  });
}

function afterPaint(callback) {
  // requestAnimationFrame runs before the frame is painted; the timeout after it runs once it is.
  requestAnimationFrame(() => setTimeout(callback, 0));
}

function render({ model, el: host }) {
  const id = ++instances;
  const startMark = `${MEASURE}render-start-${id}`;
  performance.mark(startMark);

  const root = html("div", "rnd-root", host);
  const bar = html("div", "rnd-bar", root);
  const title = html("div", "rnd-headline", bar);
  const legend = html("div", "rnd-legend", bar);
  const tools = html("div", "rnd-tools", bar);
  const buttons = {};
  for (const [key, text, tip] of [
    ["out", "−", "zoom out (or ctrl + wheel)"],
    ["in", "+", "zoom in (or ctrl + wheel)"],
    ["fit", "fit", "show the whole network"],
    ["close", "close all", "close every open block"],
  ]) {
    buttons[key] = html("button", "rnd-button", tools, text);
    buttons[key].title = tip;
    buttons[key].type = "button";
  }
  const view = html("div", "rnd-view", root);
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "rnd-svg");
  svg.dataset.arrow = `rnd-arrow-${id}`;
  view.appendChild(svg);
  const tip = html("div", "rnd-tip", root);

  let layout = null;
  let graph = null;
  let nodes = new Map();
  let placed = null;
  let zoom = 1;
  let expanded = new Set();

  function applyZoom() {
    if (!placed) return;
    svg.setAttribute("viewBox", `0 0 ${placed.width} ${placed.height}`);
    svg.setAttribute("width", placed.width * zoom);
    svg.setAttribute("height", placed.height * zoom);
    view.style.height = `${Math.min(placed.height * zoom + 18, MAX_VIEW_HEIGHT)}px`;
  }

  // Fit the width (the first view), or with `whole` the whole picture within the view's height cap.
  function fitZoom(whole) {
    const available = (view.clientWidth || host.clientWidth || 900) - 4;
    let fitted = Math.min(1, available / placed.width);
    if (whole) fitted = Math.min(fitted, (MAX_VIEW_HEIGHT - 18) / placed.height);
    return Math.max(MIN_ZOOM, fitted);
  }

  function markSelected() {
    const selected = model.get("selected");
    for (const node of svg.querySelectorAll(".rnd-selected")) node.classList.remove("rnd-selected");
    if (!selected) return;
    for (const node of svg.querySelectorAll("[data-name]")) {
      if (node.getAttribute("data-name") === selected) node.classList.add("rnd-selected");
    }
  }

  function draw() {
    if (!layout) return;
    placed = place(layout, expanded);
    drawDiagram(svg, layout, placed, expanded);
    applyZoom();
    markSelected();
  }

  function loadModel() {
    layout = model.get("_layout");
    graph = model.get("_graph");
    nodes = indexGraph(graph || {});
    expanded = new Set(model.get("expanded") || []);
    if (!layout || !layout.columns) {
      svg.textContent = "";
      title.textContent = "no model";
      return;
    }
    title.textContent = headline(graph);
    legend.textContent = "";
    if (graph.structure === "residual") {
      html("span", "rnd-swatch rnd-swatch-identity", legend);
      html("span", "", legend, "identity shortcut");
      html("span", "rnd-swatch rnd-swatch-projection", legend);
      html("span", "", legend, "projection shortcut");
      html("span", "rnd-hint", legend, "click a block to open it");
    } else {
      html("span", "rnd-hint", legend, "a plain chain of layers (no residual blocks)");
    }
    placed = place(layout, expanded);
    zoom = fitZoom();
    draw();
  }

  function measureSince(start, name) {
    const items = layout ? layout.columns.reduce((n, col) => n + col.items.length, 0) : 0;
    afterPaint(() => {
      performance.measure(MEASURE + name, { start, end: performance.now(), detail: { model: graph && graph.name, items } });
    });
  }

  function toggle(name) {
    const start = performance.now();
    const opening = !expanded.has(name);
    if (opening) expanded.add(name);
    else expanded.delete(name);
    draw();
    measureSince(start, opening ? "expand" : "collapse");
    model.set("expanded", [...expanded]);
    model.set("selected", name);
    model.save_changes();
  }

  function select(name) {
    model.set("selected", name);
    model.save_changes();
    markSelected();
  }

  function target(event) {
    const hit = event.target.closest ? event.target.closest("[data-name]") : null;
    return hit && svg.contains(hit) ? hit : null;
  }

  let dragged = false;
  svg.addEventListener("click", (event) => {
    if (dragged) return;
    const hit = target(event);
    if (!hit) return;
    const kind = hit.getAttribute("data-kind");
    const name = hit.getAttribute("data-name");
    if (kind === "block" || kind === "section") toggle(name);
    else select(name);
  });
  svg.addEventListener("keydown", (event) => {
    const hit = target(event);
    if (hit && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      const kind = hit.getAttribute("data-kind");
      if (kind === "block" || kind === "section") toggle(hit.getAttribute("data-name"));
    }
  });

  // Hover: the node's details next to the pointer.
  svg.addEventListener("pointermove", (event) => {
    const hit = target(event);
    const node = hit && nodes.get(hit.getAttribute("data-name"));
    if (!node) {
      tip.style.display = "none";
      return;
    }
    const info = describe(node);
    if (tip.dataset.name !== node.name) {
      tip.dataset.name = node.name;
      tip.textContent = "";
      const head = html("div", "rnd-tip-title", tip, info.title);
      html("span", "rnd-tip-kind", head, ` ${info.kind}`);
      const table = html("table", "", tip);
      for (const [key, value] of info.rows) {
        const row = html("tr", "", table);
        html("th", "", row, key);
        html("td", "", row, value);
      }
    }
    const box = root.getBoundingClientRect();
    tip.style.display = "block";
    const left = Math.min(event.clientX - box.left + 14, box.width - tip.offsetWidth - 4);
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${event.clientY - box.top + 16}px`;
  });
  svg.addEventListener("pointerleave", () => {
    tip.style.display = "none";
  });

  // Navigation: the view scrolls natively; drag the background to pan, ctrl/cmd + wheel to zoom.
  let drag = null;
  view.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || target(event)) return;
    drag = { x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop };
    dragged = false;
  });
  const onDragMove = (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) dragged = true;
    view.scrollLeft = drag.left - dx;
    view.scrollTop = drag.top - dy;
  };
  window.addEventListener("pointermove", onDragMove);
  const endDrag = () => {
    drag = null;
    setTimeout(() => (dragged = false), 0);
  };
  window.addEventListener("pointerup", endDrag);

  function zoomTo(next, anchorX, anchorY) {
    next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, next));
    const x = (view.scrollLeft + anchorX) / zoom;
    const y = (view.scrollTop + anchorY) / zoom;
    zoom = next;
    applyZoom();
    view.scrollLeft = x * zoom - anchorX;
    view.scrollTop = y * zoom - anchorY;
  }
  view.addEventListener("wheel", (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    const box = view.getBoundingClientRect();
    zoomTo(zoom * Math.exp(-event.deltaY * 0.002), event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  buttons.in.addEventListener("click", () => zoomTo(zoom * 1.25, view.clientWidth / 2, 0));
  buttons.out.addEventListener("click", () => zoomTo(zoom / 1.25, view.clientWidth / 2, 0));
  buttons.fit.addEventListener("click", () => {
    zoom = fitZoom(true);
    applyZoom();
    view.scrollLeft = 0;
    view.scrollTop = 0;
  });
  buttons.close.addEventListener("click", () => {
    const start = performance.now();
    expanded = new Set();
    draw();
    measureSince(start, "collapse");
    model.set("expanded", []);
    model.save_changes();
  });

  const onLayout = () => loadModel();
  const onExpanded = () => {
    const next = new Set(model.get("expanded") || []);
    if (next.size === expanded.size && [...next].every((n) => expanded.has(n))) return;
    expanded = next;
    draw();
  };
  model.on("change:_layout", onLayout);
  model.on("change:expanded", onExpanded);
  model.on("change:selected", markSelected);

  loadModel();
  // The first frame after drawing: width may only be known now that the output is attached.
  afterPaint(() => {
    if (placed && view.clientWidth) {
      const fitted = fitZoom();
      if (Math.abs(fitted - zoom) > 0.01) {
        zoom = fitted;
        applyZoom();
      }
    }
    const endMark = `${MEASURE}render-end-${id}`;
    performance.mark(endMark);
    const items = layout ? layout.columns.reduce((n, col) => n + col.items.length, 0) : 0;
    performance.measure(`${MEASURE}first-render`, {
      start: startMark, end: endMark, detail: { model: graph && graph.name, items },
    });
  });

  return () => {
    model.off("change:_layout", onLayout);
    model.off("change:expanded", onExpanded);
    model.off("change:selected", markSelected);
    window.removeEventListener("pointermove", onDragMove);
    window.removeEventListener("pointerup", endDrag);
  };
}

export default { render };
