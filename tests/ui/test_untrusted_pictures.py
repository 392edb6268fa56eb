"""A saved notebook opened without trust (fresh from git, GitHub, a colleague) shows the widgets' pictures.

JupyterLab renders neither widgets nor SVG from a notebook it does not trust; it falls back to the
output's safe entries. Each widget output carries a PNG for that, so the learner sees the diagram, not
"<resnet_widgets.diagram.widget.ArchitectureDiagram object at 0x...>".
"""

import nbformat
import pytest

from ..diagram.executed import executed_notebook
from .harness import assert_no_browser_errors, new_page, open_notebook, save_screenshot

pytestmark = pytest.mark.ui

NOTEBOOK = "untrusted_pictures.ipynb"
CELLS = [
    "from resnet_widgets.diagram import ArchitectureDiagram, explore\nfrom resnet_widgets.models import ResNet50",
    "ArchitectureDiagram(ResNet50(weights=None), expanded=['conv2_block1'])",
    "explore('ResNet50V2', input_size=32)",
]

OUTPUTS_JS = """() => Array.from(document.querySelectorAll('.jp-Cell.jp-CodeCell')).map(cell => {
    const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
    return {
        mimes: outputs.map(o => o.getAttribute('data-mime-type')),
        trusted: outputs.some(o => o.classList.contains('jp-mod-trusted')),
        images: Array.from(cell.querySelectorAll('.jp-OutputArea-output img'))
            .map(i => [i.naturalWidth, i.naturalHeight]),
        text: outputs.map(o => o.innerText).join('\\n'),
    };
})"""


def test_an_untrusted_saved_notebook_shows_each_widget_as_a_picture(jupyterlab, browser):
    # Executed and saved as nbconvert does; never signed, so JupyterLab does not trust it.
    nbformat.write(executed_notebook(CELLS), jupyterlab.root_dir / NOTEBOOK)

    page = new_page(browser)
    try:
        open_notebook(page, jupyterlab, NOTEBOOK, timeout=120)
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.jp-OutputArea-output img')).filter(i => i.naturalWidth > 0)"
            ".length >= 2",
            timeout=30_000,
        )
        cells = page.evaluate(OUTPUTS_JS)
        for index in (1, 2):
            shown = cells[index]
            assert not shown["trusted"], "the test notebook should not be trusted"
            assert shown["mimes"] == ["image/png"], f"cell {index} shows {shown['mimes']}"
            (width, height), = shown["images"]
            assert width > 300 and height > 100
            assert "object at 0x" not in shown["text"] and "Error displaying widget" not in shown["text"]
        save_screenshot(page, "untrusted_notebook_shows_pictures")
        assert_no_browser_errors(page)
    finally:
        page.context.close()
