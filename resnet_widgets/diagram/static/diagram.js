// ArchitectureDiagram's browser side: a thin painter of the scene Python computed
// (resnet_widgets/diagram/layout.py, the `_scene` trait, one JSON string). Every mark, text, colour and
// coordinate comes from the scene; this module only stacks the items for the open blocks (`place`, which
// mirrors layout.place line by line), writes the marks as SVG elements with the scene's attributes (as
// svg.py does), and handles the pointer and the keyboard: open/close, select, hover, pan and zoom. It syncs back
// `expanded` and `selected`.
//
// Keyboard and assistive technology (WCAG 2.1 AA): every node is a focusable button in reading order (columns
// left to right, top to bottom, an open block's title before its layers); Enter or Space opens or closes a block (aria-expanded says which) or selects a
// layer, Escape closes the open block around the focus; a focused node shows its tooltip, which describes it
// (aria-describedby). Below the picture, "text version" holds the stages and blocks as a table (the scene's
// `text`, from table.py), and "copy as table" puts that table on the clipboard, tab-separated.
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
const TIP_GAP = 12; // between the tooltip and what it describes

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

// Where the body's items go with the `expanded` items open, and the marks that join them: mirrors
// layout.place in Python (tests/ui/test_diagram_module.py compares the two).
export function place(scene, expanded) {
  const m = scene.metrics;
  const [half, length] = m.arrow;
  let x = m.margin;
  let height = 0;
  const columns = [];
  const items = {};
  const marks = [];
  for (const column of scene.columns) {
    let width = column.w;
    const axis = x + m.axis;
    let y = m.margin + m.header_h + m.top_gap;
    let trunkFrom = m.margin + m.header_h;
    for (const item of column.items) {
      const open = expanded.has(item.name) && !!item.open;
      const w = open ? item.open.w : item.w;
      const h = open ? item.open.h : item.h;
      items[item.name] = { x, y, w, h, open };
      const tip = y - 1;
      marks.push(["path", "trunk", `M${axis},${trunkFrom}L${axis},${tip - length}`]);
      const head = `M${axis - half},${tip - length}L${axis},${tip}L${axis + half},${tip - length}Z`;
      marks.push(["path", "arrowhead", head]);
      trunkFrom = y + h;
      width = Math.max(width, w);
      y += h + m.item_gap;
    }
    columns.push({ x, w: width, bottom: y - m.item_gap });
    height = Math.max(height, y - m.item_gap);
    x += width + m.column_gap;
  }
  for (let i = 0; i + 1 < columns.length; i++) {
    const left = columns[i];
    const right = columns[i + 1];
    marks.push(["text", "chevron", (left.x + left.w + right.x) / 2, m.margin + 28, "›"]);
  }
  return { width: x - m.column_gap + m.margin, height: height + m.margin, columns, items, marks };
}

// The scene's marks as SVG elements under `parent`; `names` fills a part's node slots (svg.paint_marks).
export function paint(parent, marks, scene, names) {
  const styled = (tag, style, attrs, text) => {
    const node = el(tag, attrs, parent, text);
    const values = scene.styles[style];
    for (const key in values) node.setAttribute(key, values[key]);
    return node;
  };
  for (const mark of marks) {
    switch (mark[0]) {
      case "node": {
        const [, ref, kind, tip, children] = mark;
        const name = typeof ref === "number" ? names[ref] : ref;
        const group = el("g", { class: `rnd-node rnd-${kind}`, "data-name": name, "data-kind": kind }, parent);
        if (tip !== null) group.setAttribute("data-tip", tip);
        group.setAttribute("tabindex", 0);
        group.setAttribute("role", "button");
        group.setAttribute("aria-label", `${name}, ${tip !== null ? scene.tips[tip][0] : kind}`);
        paint(group, children, scene, names);
        break;
      }
      case "rect": {
        const [, style, x, y, width, height] = mark;
        styled("rect", style, { x, y, width, height });
        break;
      }
      case "circle": {
        const [, style, cx, cy, r] = mark;
        styled("circle", style, { cx, cy, r });
        break;
      }
      case "path":
        styled("path", mark[1], { d: mark[2] });
        break;
      case "text": {
        const [, style, x, y, text] = mark;
        styled("text", style, { x, y }, text);
        break;
      }
      default:
        throw new Error(`unknown mark ${mark[0]} in the diagram scene`);
    }
  }
}

// The body (columns, connectors, items) for a `place` result, as svg.paint_body writes it.
export function paintBody(parent, scene, placed) {
  paint(parent, placed.marks, scene);
  scene.columns.forEach((column, i) => {
    const spot = placed.columns[i];
    paint(el("g", { transform: `translate(${spot.x},0)` }, parent), column.marks, scene);
    for (const item of column.items) {
      const at = placed.items[item.name];
      const group = el("g", {
        transform: `translate(${at.x},${at.y})`,
        class: at.open ? "rnd-item rnd-open" : "rnd-item",
        "data-item": item.name,
      }, parent);
      if (at.open) {
        paint(group, scene.parts[item.open.part], scene, item.open.names);
        paint(group, item.open.marks, scene);
      } else {
        paint(group, item.marks, scene);
      }
    }
  });
}

function background(svg, scene, width, height) {
  const rect = el("rect", { width, height, class: "rnd-background" }, svg);
  for (const key in scene.styles.background) rect.setAttribute(key, scene.styles.background[key]);
}

function afterPaint(callback) {
  // requestAnimationFrame runs before the frame is painted; the timeout after it runs once it is.
  requestAnimationFrame(() => setTimeout(callback, 0));
}

// The text version: the scene's table as an HTML table (caption, column headers) inside a <details>.
function fillTable(details, text) {
  details.textContent = "";
  html("summary", "rnd-text-summary", details, "text version: stages and blocks");
  if (!text) return;
  html("p", "rnd-text-description", details, text.description);
  const table = html("table", "rnd-table", details);
  html("caption", "", table, text.table.caption);
  const head = html("tr", "", html("thead", "", table));
  for (const column of text.table.columns) html("th", "", head, column).setAttribute("scope", "col");
  const body = html("tbody", "", table);
  for (const row of text.table.rows) {
    const tr = html("tr", "", body);
    row.forEach((cell, i) => {
      const c = html(i === 1 ? "th" : "td", "", tr, cell);
      if (i === 1) c.setAttribute("scope", "row");
    });
  }
}

// Tab-separated, one line per row after a header line: table.py's table_tsv, to the byte.
export function tableTsv(table) {
  return [table.columns, ...table.rows].map((row) => row.join("\t")).join("\n") + "\n";
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (error) {
    // No clipboard API (an insecure page, a denied permission): the old way, through a selected text area.
    const area = html("textarea", "", document.body, text);
    area.style.position = "fixed";
    area.style.opacity = "0";
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

function itemCount(scene) {
  return scene ? scene.columns.reduce((n, column) => n + column.items.length, 0) : 0;
}

let instances = 0;

function render({ model, el: host }) {
  const id = ++instances;
  const startMark = `${MEASURE}render-start-${id}`;
  performance.mark(startMark);

  const root = html("div", "rnd-root", host);
  // Keys pressed inside the diagram are its own: JupyterLab's shortcuts (Enter edits a cell, Escape leaves it)
  // do not act on them. Tab still leaves the diagram as usual.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const bar = html("div", "rnd-bar", root);
  const header = el("svg", { class: "rnd-header-svg", role: "img" }, bar);
  const hint = html("span", "rnd-hint", bar);
  const tools = html("div", "rnd-tools", bar);
  const buttons = {};
  for (const [key, text, tip, label] of [
    ["out", "−", "zoom out (or ctrl + wheel)", "zoom out"],
    ["in", "+", "zoom in (or ctrl + wheel)", "zoom in"],
    ["fit", "fit", "show the whole network"],
    ["close", "close all", "close every open block"],
    ["copy", "copy as table", "copy the stages and blocks as a table (tab-separated), for a spreadsheet or a document"],
  ]) {
    buttons[key] = html("button", "rnd-button", tools, text);
    buttons[key].title = tip;
    buttons[key].type = "button";
    if (label) buttons[key].setAttribute("aria-label", label);
  }
  const announce = html("span", "rnd-announce", tools);
  announce.setAttribute("role", "status");  // "copied": read out by screen readers, shown to everyone
  const view = html("div", "rnd-view", root);
  const svg = el("svg", { class: "rnd-svg", role: "group" }, view);
  const tip = html("div", "rnd-tip", root);
  tip.id = `rnd-tip-${id}`;
  tip.setAttribute("role", "tooltip");
  const textVersion = html("details", "rnd-text", root);

  let scene = null;
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
    for (const node of root.querySelectorAll(".rnd-selected")) node.classList.remove("rnd-selected");
    if (!selected) return;
    for (const node of svg.querySelectorAll("[data-name], [data-item]")) {
      const name = node.getAttribute("data-name") || node.getAttribute("data-item");
      if (name === selected) node.classList.add("rnd-selected");
    }
  }

  function draw() {
    if (!scene) return;
    placed = place(scene, expanded);
    svg.textContent = "";
    background(svg, scene, placed.width, placed.height);
    paintBody(el("g", { class: "rnd-body" }, svg), scene, placed);
    for (const node of svg.querySelectorAll(".rnd-node[data-kind=block], .rnd-node[data-kind=section]")) {
      node.setAttribute("aria-expanded", String(expanded.has(node.getAttribute("data-name"))));
    }
    applyZoom();
    markSelected();
  }

  // After a redraw the DOM is new: give the focus back to the node of that name (the open block's title).
  function focusNode(name) {
    const node = svg.querySelector(`.rnd-node[data-name="${CSS.escape(name)}"]`);
    if (node) node.focus();
  }

  function loadScene() {
    const text = model.get("_scene");
    scene = text ? JSON.parse(text) : null;
    expanded = new Set(model.get("expanded") || []);
    header.textContent = "";
    svg.textContent = "";
    if (!scene) {
      hint.textContent = "no model";
      fillTable(textVersion, null);
      return;
    }
    const words = scene.text || { title: scene.name, description: "", table: null }; // scenes saved before it
    header.setAttribute("aria-label", words.title);
    svg.setAttribute("aria-label", `${words.title}. Tab moves through the blocks; Enter or Space opens or ` +
      "closes one; Escape closes the open block. The text version below lists every block.");
    fillTable(textVersion, words.table ? words : null);
    const { w, h, marks } = scene.header;
    // The header keeps its own size (no zoom): the buttons wrap below it where the row is too narrow, and
    // only an output narrower than the headline itself scales it down (it is never cut off).
    header.setAttribute("viewBox", `0 0 ${w} ${h}`);
    header.style.width = `${w}px`;
    background(header, scene, w, h);
    paint(el("g", { class: "rnd-header" }, header), marks, scene);
    hint.textContent = scene.hint;
    placed = place(scene, expanded);
    zoom = fitZoom();
    draw();
  }

  function measureSince(start, name) {
    const items = itemCount(scene);
    afterPaint(() => {
      const detail = { model: scene && scene.name, items };
      performance.measure(MEASURE + name, { start, end: performance.now(), detail });
    });
  }

  // Keep an opened block in view with the columns beside it (the block itself if they do not fit).
  function reveal(name) {
    const at = placed.items[name];
    const index = placed.columns.findIndex((c) => at.x >= c.x && at.x < c.x + c.w);
    const left = placed.columns[Math.max(0, index - 1)];
    const right = placed.columns[Math.min(placed.columns.length - 1, index + 1)];
    const width = view.clientWidth;
    let from = left.x * zoom;
    let to = (right.x + right.w) * zoom;
    if (to - from > width) {
      from = at.x * zoom;
      to = (at.x + at.w) * zoom;
    }
    if (from < view.scrollLeft) view.scrollLeft = from;
    else if (to > view.scrollLeft + width) view.scrollLeft = Math.min(from, to - width);
    const top = at.y * zoom;
    const bottom = (at.y + at.h) * zoom;
    if (top < view.scrollTop || bottom - top > view.clientHeight) view.scrollTop = top;
    else if (bottom > view.scrollTop + view.clientHeight) view.scrollTop = bottom - view.clientHeight;
  }

  function toggle(name, refocus) {
    const start = performance.now();
    const opening = !expanded.has(name);
    if (opening) expanded.add(name);
    else expanded.delete(name);
    draw();
    if (opening) reveal(name);
    measureSince(start, opening ? "expand" : "collapse");
    if (refocus) focusNode(name);
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
  // Reading order: item by item (columns left to right, each top to bottom), an open block's title before its
  // layers. The painters draw an open block's title after its layers (on top of them), so Tab follows this list
  // rather than the DOM; past either end it leaves the picture for the controls around it.
  function readingOrder() {
    const order = [];
    for (const item of svg.querySelectorAll(".rnd-item")) {
      const nodes = [...item.querySelectorAll(".rnd-node")];
      const title = nodes.findIndex((n) => n.getAttribute("data-name") === item.getAttribute("data-item"));
      if (title > 0) nodes.unshift(...nodes.splice(title, 1));
      order.push(...nodes);
    }
    return order;
  }

  svg.addEventListener("keydown", (event) => {
    const hit = target(event);
    if (!hit) return;
    if (event.key === "Tab" && !event.altKey && !event.ctrlKey && !event.metaKey) {
      const order = readingOrder();
      const next = order.indexOf(hit) + (event.shiftKey ? -1 : 1);
      event.preventDefault();
      if (next >= 0 && next < order.length) order[next].focus();
      else if (event.shiftKey) buttons.copy.focus();
      else textVersion.querySelector("summary").focus();
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      const kind = hit.getAttribute("data-kind");
      if (kind === "block" || kind === "section") toggle(hit.getAttribute("data-name"), true);
      else select(hit.getAttribute("data-name"));
    } else if (event.key === "Escape") {
      const open = hit.closest(".rnd-open");
      if (open) {
        event.preventDefault();
        toggle(open.getAttribute("data-item"), true);
      }
    }
  });

  // Hover: the node's details beside the item it belongs to (not over it), at the pointer's height.
  function showTip(hit, event) {
    const [kind, ...rows] = scene.tips[Number(hit.getAttribute("data-tip"))];
    const name = hit.getAttribute("data-name");
    if (tip.dataset.name !== name) {
      tip.dataset.name = name;
      tip.textContent = "";
      const head = html("div", "rnd-tip-title", tip, name);
      html("span", "rnd-tip-kind", head, ` ${kind}`);
      const table = html("table", "", tip);
      for (const [key, value] of rows) {
        const row = html("tr", "", table);
        html("th", "", row, key);
        html("td", "", row, value);
      }
    }
    tip.style.display = "block";
    const box = root.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    // Beside the whole item (an open block stays readable), else beside the hovered box itself.
    let left = null;
    for (const anchor of [(hit.closest("[data-item]") || hit).getBoundingClientRect(), hit.getBoundingClientRect()]) {
      if (box.right - anchor.right - TIP_GAP >= width) left = anchor.right - box.left + TIP_GAP;
      else if (anchor.left - box.left - TIP_GAP >= width) left = anchor.left - box.left - TIP_GAP - width;
      if (left !== null) break;
    }
    if (left === null) left = box.width - width; // no room on either side: as far right as it goes
    const top = Math.min(Math.max(0, event.clientY - box.top - height / 2), Math.max(0, box.height - height));
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${top}px`;
  }
  svg.addEventListener("pointermove", (event) => {
    const hit = target(event);
    if (!hit || !hit.hasAttribute("data-tip")) {
      tip.style.display = "none";
      return;
    }
    showTip(hit, event);
  });
  svg.addEventListener("pointerleave", () => {
    tip.style.display = "none";
  });
  // Focus shows the same tooltip as hover, beside the focused node, and the node is described by it.
  svg.addEventListener("focusin", (event) => {
    const hit = target(event);
    if (!hit || !hit.hasAttribute("data-tip")) return;
    const box = hit.getBoundingClientRect();
    showTip(hit, { clientY: box.top + box.height / 2 });
    hit.setAttribute("aria-describedby", tip.id);
  });
  svg.addEventListener("focusout", () => {
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
  buttons.copy.addEventListener("click", async () => {
    if (!scene || !scene.text) return;
    const copied = await copyText(tableTsv(scene.text.table));
    announce.textContent = copied ? `copied ${scene.text.table.rows.length} rows` : "could not copy: use the text version";
    setTimeout(() => (announce.textContent = ""), 4000);
  });
  buttons.close.addEventListener("click", () => {
    const start = performance.now();
    expanded = new Set();
    draw();
    measureSince(start, "collapse");
    model.set("expanded", []);
    model.save_changes();
  });

  const onScene = () => loadScene();
  const onExpanded = () => {
    const next = new Set(model.get("expanded") || []);
    if (next.size === expanded.size && [...next].every((n) => expanded.has(n))) return;
    const opened = [...next].filter((n) => !expanded.has(n));
    expanded = next;
    draw();
    if (opened.length && placed.items[opened[0]]) reveal(opened[0]);
  };
  model.on("change:_scene", onScene);
  model.on("change:expanded", onExpanded);
  model.on("change:selected", markSelected);

  loadScene();
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
    performance.measure(`${MEASURE}first-render`, {
      start: startMark, end: endMark, detail: { model: scene && scene.name, items: itemCount(scene) },
    });
  });

  return () => {
    model.off("change:_scene", onScene);
    model.off("change:expanded", onExpanded);
    model.off("change:selected", markSelected);
    window.removeEventListener("pointermove", onDragMove);
    window.removeEventListener("pointerup", endDrag);
  };
}

export default { render };
