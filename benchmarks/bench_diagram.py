"""Architecture diagram figures: model_graph time and payload for the family, and drawing times in Chromium.

Run: `.venv/bin/python benchmarks/bench_diagram.py` (add `--no-browser` to skip Chromium).

Python side: the median of `--repeats` calls after one warm-up, per variant, of model_graph,
diagram_layout and to_svg, and the payload the widget sends (compact JSON, UTF-8 bytes).
Browser side: the ES module rendered into a plain Chromium page (no JupyterLab) with a stand-in widget
model, timed by the module's own performance marks (render -> first painted frame, click -> painted
frame). tests/ui/test_architecture_diagram.py records the same marks inside JupyterLab in
test-artifacts/ui/diagram_timings.json.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from resnet_widgets import models  # noqa: E402
from resnet_widgets.diagram import diagram_layout, model_graph, to_svg  # noqa: E402

VARIANTS = ["ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
FAKE_MODEL = """
window.makeModel = (state) => {
  const model = {state, get: (k) => model.state[k], set: (k, v) => { model.state[k] = v; },
                 on: () => {}, off: () => {}, save_changes: () => {}};
  return model;
};
"""


def median_seconds(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compact_bytes(obj):
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def python_figures(repeats):
    rows, graphs = [], {}
    for name in VARIANTS:
        model = getattr(models, name)(weights=None)
        graph = model_graph(model)
        graphs[name] = graph
        layout = diagram_layout(graph)
        rows.append({
            "variant": name,
            "layers": graph["layer_count"],
            "blocks": graph["block_count"],
            "model_graph_s": median_seconds(lambda: model_graph(model), repeats),
            "layout_s": median_seconds(lambda: diagram_layout(graph), repeats),
            "to_svg_s": median_seconds(lambda: to_svg(graph), repeats),
            "graph_kB": compact_bytes(graph) / 1000,
            "layout_kB": compact_bytes(layout) / 1000,
        })  # fmt: skip
        del model
        keras.backend.clear_session()
    return rows, graphs


def browser_figures(graph, clicks):
    from playwright.sync_api import sync_playwright

    source = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.js").read_text()
    css = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.css").read_text()
    layout = diagram_layout(graph)
    blocks = [b["name"] for s in graph["children"] if s["kind"] == "stage" for b in s["children"]]
    targets = blocks[:: max(1, len(blocks) // clicks)][:clicks]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=CHROMIUM_ARGS)  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_content(f"<html><head><style>{css}</style></head><body><div id='host'></div></body></html>")
        page.add_script_tag(content=source + "\nwindow.rnd = { render };", type="module")
        page.add_script_tag(content=FAKE_MODEL)
        page.wait_for_function("() => !!window.rnd")
        page.evaluate(
            """([graph, layout]) => window.rnd.render({
                model: window.makeModel({_graph: graph, _layout: layout, expanded: [], selected: null}),
                el: document.getElementById('host')})""",
            [graph, layout],
        )
        page.wait_for_function("() => performance.getEntriesByName('resnet-diagram:first-render').length === 1")
        for name in targets:
            page.locator(f".rnd-item[data-name={name}]").click()
            page.locator(f".rnd-open-title[data-name={name}]").click()
        page.wait_for_function(
            f"() => performance.getEntriesByName('resnet-diagram:collapse').length === {len(targets)}"
        )
        measures = page.evaluate(
            """() => Object.fromEntries(['first-render', 'expand', 'collapse'].map(n =>
                [n, performance.getEntriesByName('resnet-diagram:' + n).map(e => e.duration)]))"""
        )
        version = browser.version
        browser.close()
    return measures, version


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clicks", type=int, default=10, help="blocks opened and closed in the browser")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
          f"Keras {keras.__version__} ({keras.backend.backend()})")  # fmt: skip
    rows, graphs = python_figures(args.repeats)
    print("\nvariant       layers blocks  model_graph  layout   to_svg   graph JSON  layout JSON")
    for r in rows:
        print(f"{r['variant']:<13} {r['layers']:>6} {r['blocks']:>6}  {r['model_graph_s'] * 1000:8.1f} ms "
              f"{r['layout_s'] * 1000:6.1f} ms {r['to_svg_s'] * 1000:6.1f} ms {r['graph_kB']:8.1f} kB "
              f"{r['layout_kB']:8.1f} kB")  # fmt: skip

    if args.no_browser or not shutil.which("chromium"):
        print("\n(browser figures skipped)")
        return
    measures, version = browser_figures(graphs["ResNet152V2"], args.clicks)
    print(f"\nResNet152V2 in Chromium {version} (plain page, headless), ms, from the module's performance marks:")
    for name, values in measures.items():
        print(f"  {name:<13} median {statistics.median(values):6.1f}   max {max(values):6.1f}   (n={len(values)})")


if __name__ == "__main__":
    main()
