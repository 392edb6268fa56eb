"""The diagram's ES module on its own, in a plain Chromium page: no JupyterLab, a stand-in widget model.

Checks that the browser paints exactly what ``to_svg`` writes (element by element: one drawing, two
painters), that its ``place`` gives Python's geometry, and that the module opens, closes, reports back,
keeps an opened block in view and puts its tooltip beside what it describes.
"""

import json
from pathlib import Path

import keras
import pytest
from keras import layers

from resnet_widgets.diagram import diagram_scene, model_graph, side_by_side, to_svg
from resnet_widgets.diagram.layout import place
from resnet_widgets.models import ResNet50V2

from .drawing import ELEMENTS_JS, first_difference, static_group
from .harness import assert_no_browser_errors, new_page, save_screenshot

pytestmark = pytest.mark.ui

STATIC = Path(__file__).resolve().parents[2] / "resnet_widgets" / "diagram" / "static"

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
window.show = (scene, expanded, width) => {
  const host = document.getElementById('host');
  host.textContent = '';
  host.style.width = width + 'px';
  window.model = window.makeModel({_scene: scene, expanded, selected: null});
  window.rnd.render({model: window.model, el: host});
};
"""

@pytest.fixture(scope="module")
def graph():
    return model_graph(ResNet50V2(weights=None))


@pytest.fixture(scope="module")
def scene(graph):
    return diagram_scene(graph)


@pytest.fixture(scope="module")
def page(browser):
    page = new_page(browser, width=1300, height=900)
    css = (STATIC / "diagram.css").read_text()
    page.set_content(f"<!doctype html><html><head><style>{css}</style></head>"
                     "<body style='margin:8px'><div id='host'></div></body></html>")  # fmt: skip
    page.add_script_tag(
        content=(STATIC / "diagram.js").read_text() + "\nwindow.rnd = { place, render };", type="module"
    )
    page.add_script_tag(content=FAKE_MODEL)
    page.wait_for_function("() => !!window.rnd", timeout=10_000)
    try:
        yield page
        assert_no_browser_errors(page)
    finally:
        page.context.close()


def show(page, scene, expanded=(), width=1100):
    page.evaluate("([s, e, w]) => window.show(s, e, w)", [json.dumps(scene, ensure_ascii=False), list(expanded), width])
    page.wait_for_function("() => performance.getEntriesByName('resnet-diagram:first-render').length > 0")


STATES = [[], ["conv2_block1"], ["stem", "conv3_block4", "conv4_block6", "head"]]


@pytest.mark.parametrize("expanded", STATES, ids=["closed", "one", "many"])
def test_browser_place_matches_python_place(page, scene, expanded):
    in_browser = page.evaluate("([s, open]) => window.rnd.place(s, new Set(open))", [scene, expanded])
    assert in_browser == json.loads(json.dumps(place(scene, expanded)))


@pytest.mark.parametrize("expanded", STATES, ids=["closed", "one", "many"])
def test_the_widget_draws_what_to_svg_draws_element_by_element(page, scene, graph, expanded):
    show(page, scene, expanded)
    static = to_svg(graph, expanded)
    for css_class in ("rnd-header", "rnd-body"):
        drawn = page.evaluate(ELEMENTS_JS, page.locator(f"#host g.{css_class}").element_handle())
        expected = static_group(static, css_class)
        assert len(expected) >= 5  # the header: headline, two swatches, two labels; the body: far more
        assert first_difference(drawn, expected) is None, f"{css_class}: {first_difference(drawn, expected)}"


def test_module_draws_opens_closes_and_reports_back(page, scene):
    show(page, scene)
    host = page.locator("#host")
    assert host.locator(".rnd-node[data-kind=block]").count() == 16
    assert host.locator("path[stroke-dasharray]").count() == 4 + 1  # four projection brackets, the legend

    host.locator(".rnd-node[data-name=conv4_block6]").click()
    opened = host.locator(".rnd-open[data-item=conv4_block6]")
    opened.wait_for(timeout=5_000)
    assert opened.locator(".rnd-node[data-kind=layer]").count() == 12
    saved = page.evaluate("() => window.model.saved.at(-1)")
    assert saved["expanded"] == ["conv4_block6"] and saved["selected"] == "conv4_block6"

    opened.locator(".rnd-node[data-name=conv4_block6]").click()  # its title closes it
    host.locator(".rnd-open").wait_for(state="detached", timeout=5_000)
    assert page.evaluate("() => window.model.saved.at(-1).expanded") == []

    page.evaluate("() => window.model.emit('expanded', ['conv2_block1'])")  # Python opens a block
    host.locator(".rnd-open[data-item=conv2_block1]").wait_for(timeout=5_000)
    page.evaluate("() => window.model.emit('selected', 'conv2_block1_0_conv')")
    assert host.locator(".rnd-selected[data-name=conv2_block1_0_conv]").count() == 1

    page.wait_for_function("() => performance.getEntriesByName('resnet-diagram:collapse').length > 0", timeout=5_000)
    names = page.evaluate("() => performance.getEntriesByType('measure').map(e => e.name)")
    assert {"resnet-diagram:first-render", "resnet-diagram:expand", "resnet-diagram:collapse"} <= set(names)


def box(locator):
    found = locator.bounding_box()
    return found["x"], found["y"], found["x"] + found["width"], found["y"] + found["height"]


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_tooltip_sits_beside_the_open_block_not_over_it(page, scene):
    show(page, scene, ["conv3_block1"])
    host = page.locator("#host")
    layer = host.locator(".rnd-node[data-name=conv3_block1_2_conv]")
    layer.hover()
    tip = host.locator(".rnd-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert "conv3_block1_2_conv" in tip.inner_text() and "multiply-adds" in tip.inner_text()
    block, shown = box(host.locator(".rnd-open[data-item=conv3_block1]")), box(tip)
    assert not overlaps(block, shown)
    assert min(abs(shown[0] - block[2]), abs(block[0] - shown[2])) <= 20  # right beside it
    pointer_y = (box(layer)[1] + box(layer)[3]) / 2
    assert shown[1] <= pointer_y <= shown[3]  # at the pointer's height
    save_screenshot(host, "diagram_module_tooltip_beside_open_block")
    page.mouse.move(0, 0)


def test_opening_a_block_keeps_it_and_the_columns_beside_it_in_view(page, scene):
    show(page, scene, width=760)
    host = page.locator("#host")
    host.locator(".rnd-button", has_text="+").click()  # zoom in: the picture is wider than the view now
    host.locator(".rnd-button", has_text="+").click()
    host.locator(".rnd-node[data-name=conv4_block2]").click()
    host.locator(".rnd-open[data-item=conv4_block2]").wait_for(timeout=5_000)
    view = box(host.locator(".rnd-view"))
    for item in ("conv4_block2", "conv3_block2", "conv5_block1"):
        left, _, right, _ = box(host.locator(f"[data-item={item}]"))
        assert view[0] - 1 <= left and right <= view[2] + 1, f"{item} is out of view"
    top = box(host.locator(".rnd-open[data-item=conv4_block2]"))[1]
    assert view[1] - 1 <= top <= view[3]
    save_screenshot(host, "diagram_module_opened_block_in_view")


def learner_block(name):
    inputs = keras.Input((56, 56, 256))
    y = layers.Conv2D(64, 1, name=f"{name}_reduce")(inputs)
    y = layers.Conv2D(256, 1, name=f"{name}_restore")(y)
    return keras.Model(inputs, layers.ReLU()(layers.Add()([inputs, y])), name=name)


def test_side_by_side_headlines_fit_their_pictures_in_real_fonts(browser):
    pictures = [to_svg(learner_block(name), expanded=["add"]) for name in ("my_v1_block", "my_preactivation_v2_block")]
    page = new_page(browser, width=1000, height=800)
    page.set_content(f"<!doctype html><html><body style='margin:0'><div style='width:900px'>"
                     f"{side_by_side(*pictures)}</div></body></html>")  # fmt: skip
    report = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg svg')).map(inner => {
            const width = inner.viewBox.baseVal.width;
            return Array.from(inner.querySelectorAll('text')).map(t => {
                const b = t.getBBox();
                return [t.textContent, b.x, b.x + b.width, width];
            });
        })"""
    )
    assert len(report) == 2
    for texts in report:
        for text, left, right, width in texts:
            where = f"{left:.0f}..{right:.0f} of {width:.0f}"
            assert 0 <= left and right <= width, f"{text!r} runs past its picture ({where})"
    save_screenshot(page.locator("body > div"), "diagram_side_by_side_headlines")
    assert_no_browser_errors(page)
    page.context.close()



def test_static_svgs_shown_as_jupyterlab_shows_them_fit_without_growing(browser, graph):
    # JupyterLab puts an SVG output in an <img> with no CSS of its own: the SVG's attributes decide its size.
    from urllib.parse import quote

    pictures = {"network": to_svg(graph), "block": to_svg(learner_block("my_block"), expanded=["add"])}
    page = new_page(browser, width=1200, height=900)
    images = "".join(f"<div style='width:966px'><img id='{name}' src='data:image/svg+xml,{quote(svg)}'></div>"
                     for name, svg in pictures.items())  # fmt: skip
    page.set_content(f"<!doctype html><html><body style='margin:0'>{images}</body></html>")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    shown = page.evaluate("() => Object.fromEntries(Array.from(document.images).map(i => [i.id, i.width]))")
    natural = {name: float(svg.split('viewBox="0 0 ')[1].split()[0]) for name, svg in pictures.items()}
    assert natural["network"] > 966 and shown["network"] == 966  # scaled down to the area, not cut off
    assert natural["block"] < 966 and shown["block"] == natural["block"]  # kept at its size, not blown up
    assert_no_browser_errors(page)
    page.context.close()
