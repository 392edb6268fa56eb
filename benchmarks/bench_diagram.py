"""Architecture diagram figures: model_graph time and payload for the family, and drawing times in Chromium.

Run: `.venv/bin/python benchmarks/bench_diagram.py` (add `--no-browser` to skip Chromium, `--no-notebook`
to skip the saved widget state).

Python side: the median of `--repeats` calls after one warm-up, per variant, of model_graph,
diagram_scene, to_svg and to_png, the graph's size and the payload the widget syncs (the scene, compact
JSON, UTF-8 bytes). The reference measured in the same run is building the model itself (weights=None),
the work a learner's cell does anyway; the last column is what showing a diagram (graph, SVG and PNG)
adds, as a fraction of it.
Saved notebook: notebooks with one and two diagrams executed as nbconvert does (nbclient,
store_widget_state), and the size of the widget state they save (compact JSON) and of the whole file.
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
from resnet_widgets.diagram import diagram_scene, model_graph, to_png, to_svg  # noqa: E402
from resnet_widgets.diagram.widget import scene_json  # noqa: E402

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
        build = getattr(models, name)
        # The reference: building the model, the work the learner's cell does anyway.
        build_s = median_seconds(lambda: build(weights=None), max(1, repeats // 3))
        model = build(weights=None)
        graph = model_graph(model)
        graphs[name] = graph
        scene = diagram_scene(graph)
        rows.append({
            "variant": name,
            "build_s": build_s,
            "layers": graph["layer_count"],
            "blocks": graph["block_count"],
            "model_graph_s": median_seconds(lambda: model_graph(model), repeats),
            "scene_s": median_seconds(lambda: diagram_scene(graph), repeats),
            "to_svg_s": median_seconds(lambda: to_svg(graph), repeats),
            "to_png_s": median_seconds(lambda: to_png(graph), max(1, repeats // 3)),
            "graph_kB": compact_bytes(graph) / 1000,
            "scene_kB": len(scene_json(scene).encode()) / 1000,
        })  # fmt: skip
        del model
        keras.backend.clear_session()
    return rows, graphs


def browser_figures(graph, clicks, renders):
    """The module's measures: first render in `renders` fresh pages, and `clicks` blocks opened and closed."""
    from playwright.sync_api import sync_playwright

    source = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.js").read_text()
    css = (ROOT / "resnet_widgets" / "diagram" / "static" / "diagram.css").read_text()
    scene = scene_json(diagram_scene(graph))
    blocks = [b["name"] for s in graph["children"] if s["kind"] == "stage" for b in s["children"]]
    targets = blocks[:: max(1, len(blocks) // clicks)][:clicks]
    measures = {"first-render": [], "expand": [], "collapse": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=CHROMIUM_ARGS)  # fmt: skip
        for render in range(renders):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_content(
                f"<!doctype html><html><head><style>{css}</style></head><body><div id='host'></div></body></html>"
            )
            page.add_script_tag(content=source + "\nwindow.rnd = { render };", type="module")
            page.add_script_tag(content=FAKE_MODEL)
            page.wait_for_function("() => !!window.rnd")
            page.evaluate(
                """(scene) => window.rnd.render({
                    model: window.makeModel({_scene: scene, expanded: [], selected: null}),
                    el: document.getElementById('host')})""",
                scene,
            )
            page.wait_for_function("() => performance.getEntriesByName('resnet-diagram:first-render').length === 1")
            if render == 0:
                for name in targets:
                    page.locator(f".rnd-node[data-name={name}]").click()
                    page.locator(f".rnd-open[data-item={name}] .rnd-node[data-name={name}]").click()
                page.wait_for_function(
                    f"() => performance.getEntriesByName('resnet-diagram:collapse').length === {len(targets)}"
                )
            found = page.evaluate(
                """() => Object.fromEntries(['first-render', 'expand', 'collapse'].map(n =>
                    [n, performance.getEntriesByName('resnet-diagram:' + n).map(e => e.duration)]))"""
            )
            for name, values in found.items():
                measures[name] += values
            page.close()
        version = browser.version
        browser.close()
    return measures, version


NOTEBOOKS = {
    "ResNet50": ["ArchitectureDiagram(ResNet50(weights=None))"],
    "ResNet50 + ResNet50V2": [
        "ArchitectureDiagram(ResNet50(weights=None))",
        "ArchitectureDiagram(ResNet50V2(weights=None))",
    ],
    "ResNet152V2": ["ArchitectureDiagram(ResNet152V2(weights=None))"],
}


def notebook_figures():
    """(name, widget state kB, notebook file kB) of each NOTEBOOKS case, executed and saved as nbconvert does."""
    import nbformat
    from nbclient import NotebookClient

    imports = "from resnet_widgets.diagram import ArchitectureDiagram\nfrom resnet_widgets.models import *"
    rows = []
    for name, cells in NOTEBOOKS.items():
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(source) for source in [imports, *cells]],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
        NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=True).execute()
        state = notebook.metadata.get("widgets", {})
        rows.append((name, compact_bytes(state) / 1000, len(nbformat.writes(notebook).encode()) / 1000))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clicks", type=int, default=10, help="blocks opened and closed in the browser")
    parser.add_argument("--renders", type=int, default=5, help="fresh pages the diagram is first drawn in")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-notebook", action="store_true", help="skip the saved widget state figures")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
          f"Keras {keras.__version__} ({keras.backend.backend()})")  # fmt: skip
    rows, graphs = python_figures(args.repeats)
    print("\nvariant       layers blocks   build    model_graph   scene    to_svg    to_png   graph JSON"
          "  scene (synced)   (model_graph + to_svg + to_png) / build")
    for r in rows:
        drawing = r["model_graph_s"] + r["to_svg_s"] + r["to_png_s"]
        print(f"{r['variant']:<13} {r['layers']:>6} {r['blocks']:>6} {r['build_s'] * 1000:6.0f} ms "
              f"{r['model_graph_s'] * 1000:8.1f} ms {r['scene_s'] * 1000:6.1f} ms {r['to_svg_s'] * 1000:6.1f} ms "
              f"{r['to_png_s'] * 1000:6.0f} ms {r['graph_kB']:8.1f} kB {r['scene_kB']:8.1f} kB   "
              f"{drawing / r['build_s']:.2f}")  # fmt: skip

    if not args.no_notebook:
        print("\nsaved notebook (nbclient, store_widget_state)   widget state   notebook file")
        for name, state_kB, file_kB in notebook_figures():
            print(f"  {name:<45} {state_kB:8.1f} kB   {file_kB:8.1f} kB")

    if args.no_browser or not shutil.which("chromium"):
        print("\n(browser figures skipped)")
        return
    measures, version = browser_figures(graphs["ResNet152V2"], args.clicks, args.renders)
    print(f"\nResNet152V2 in Chromium {version} (plain page, headless), ms, from the module's performance marks:")
    for name, values in measures.items():
        print(f"  {name:<13} median {statistics.median(values):6.1f}   max {max(values):6.1f}   (n={len(values)})")


if __name__ == "__main__":
    main()
