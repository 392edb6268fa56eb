"""The diagram's ES module on its own, in a plain Chromium page: no JupyterLab, a stand-in widget model.

Checks that the browser's `place` gives Python's geometry (the two must not drift apart), and that the
module draws, opens, closes and reports back through the model the way anywidget expects.
"""

from pathlib import Path

import pytest

from resnet_widgets.diagram import diagram_layout, model_graph
from resnet_widgets.diagram.layout import format_count, place
from resnet_widgets.models import ResNet50V2

from .harness import assert_no_browser_errors, new_page

pytestmark = pytest.mark.ui

MODULE = Path(__file__).resolve().parents[2] / "resnet_widgets" / "diagram" / "static" / "diagram.js"

# A stand-in for anywidget's model: get/set/on/off/save_changes, with the saved state kept for checks.
FAKE_MODEL = """
window.makeModel = (state) => {
  const handlers = {};
  const model = {
    state, saved: [],
    get: (key) => model.state[key],
    set: (key, value) => { model.state[key] = value; },
    on: (event, fn) => { (handlers[event] = handlers[event] || []).push(fn); },
    off: () => {},
    save_changes: () => { model.saved.push(JSON.parse(JSON.stringify(model.state))); },
    emit: (key, value) => { model.state[key] = value; (handlers['change:' + key] || []).forEach(fn => fn()); },
  };
  return model;
};
"""


@pytest.fixture(scope="module")
def graph():
    return model_graph(ResNet50V2(weights=None))


@pytest.fixture(scope="module")
def page(browser):
    page = new_page(browser, width=1200, height=800)
    page.set_content("<html><body><div id='host' style='width:1100px'></div></body></html>")
    source = MODULE.read_text()
    page.add_script_tag(
        content=source + "\nwindow.rnd = { place, formatCount, formatShape, module: { render } };", type="module"
    )
    page.add_script_tag(content=FAKE_MODEL)
    page.wait_for_function("() => !!window.rnd", timeout=10_000)
    try:
        yield page
        assert_no_browser_errors(page)
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "expanded", [[], ["conv2_block1"], ["stem", "conv3_block4", "conv4_block6", "head"]], ids=["closed", "one", "many"]
)
def test_browser_place_matches_python_place(page, graph, expanded):
    layout = diagram_layout(graph)
    in_browser = page.evaluate("([layout, open]) => window.rnd.place(layout, new Set(open))", [layout, expanded])
    assert in_browser == place(layout, expanded)


def test_browser_counts_read_like_python_counts(page):
    values = [0, 512, 9_472, 25_636_712, 3_868_560_384, 60_380_648, 123_456_789_012]
    assert page.evaluate("(vs) => vs.map(window.rnd.formatCount)", values) == [format_count(v) for v in values]


def test_module_draws_opens_closes_and_reports_back(page, graph):
    page.evaluate(
        """([graph, layout]) => {
            window.model = window.makeModel({_graph: graph, _layout: layout, expanded: [], selected: null});
            window.rnd.module.render({model: window.model, el: document.getElementById('host')});
        }""",
        [graph, diagram_layout(graph)],
    )
    host = page.locator("#host")
    assert host.locator(".rnd-item[data-kind=block]").count() == 16
    assert host.locator(".rnd-skip-projection").count() == 4 and host.locator(".rnd-skip-identity").count() == 12

    host.locator(".rnd-item[data-name=conv4_block6]").click()
    host.locator(".rnd-open[data-name=conv4_block6]").wait_for(timeout=5_000)
    assert host.locator(".rnd-open[data-name=conv4_block6] .rnd-node").count() == 12
    saved = page.evaluate("() => window.model.saved.at(-1)")
    assert saved["expanded"] == ["conv4_block6"] and saved["selected"] == "conv4_block6"

    host.locator(".rnd-open-title[data-name=conv4_block6]").click()
    host.locator(".rnd-open").wait_for(state="detached", timeout=5_000)
    assert page.evaluate("() => window.model.saved.at(-1).expanded") == []

    page.evaluate("() => window.model.emit('expanded', ['conv2_block1'])")  # Python opens a block
    host.locator(".rnd-open[data-name=conv2_block1]").wait_for(timeout=5_000)
    page.evaluate("() => window.model.emit('selected', 'conv2_block1_0_conv')")
    assert host.locator(".rnd-selected[data-name=conv2_block1_0_conv]").count() == 1

    page.wait_for_function(
        "() => performance.getEntriesByName('resnet-diagram:collapse').length > 0", timeout=5_000
    )
    names = page.evaluate("() => performance.getEntriesByType('measure').map(e => e.name)")
    assert {"resnet-diagram:first-render", "resnet-diagram:expand", "resnet-diagram:collapse"} <= set(names)
