"""A widget's static picture: present in the saved output, replaced by refresh_static(), the rest of the cell kept."""

import base64

import nbformat
from nbclient import NotebookClient

WIDGET = '''
import ipywidgets as widgets
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from resnet_widgets.display import StaticPicture, figure_png

class Counter(StaticPicture, widgets.IntText):
    def static_png(self):
        figure, axes = plt.subplots(figsize=(1 + self.value, 1))
        return figure_png(figure, dpi=20)
    def static_text(self):
        return f"Counter({self.value})"

counter = Counter(value=1)
'''


def run(cells):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    return notebook


def png_width(data):
    raw = base64.b64decode(data)
    return int.from_bytes(raw[16:20], "big")


def test_a_displayed_widget_leaves_a_png_and_a_stable_text_line():
    notebook = run([WIDGET, "counter"])
    (output,) = notebook.cells[1].outputs
    assert output.data["text/plain"] == "Counter(1)"
    assert "application/vnd.jupyter.widget-view+json" in output.data
    assert png_width(output.data["image/png"]) > 0


def test_refresh_static_replaces_the_picture_and_keeps_the_rest_of_the_cell():
    notebook = run([WIDGET, "print('before')\ndisplay(counter)\nprint('after')", "counter.value = 5\ncounter.refresh_static()"])
    outputs = notebook.cells[1].outputs
    texts = [o.get("text", "") for o in outputs if o.output_type == "stream"]
    assert "".join(texts) == "before\nafter\n"
    (shown,) = [o for o in outputs if o.output_type == "display_data"]
    assert shown.data["text/plain"] == "Counter(5)"
    # The picture was re-drawn for value 5: wider than the one drawn for value 1.
    first = run([WIDGET, "counter"]).cells[1].outputs[0]
    assert png_width(shown.data["image/png"]) > png_width(first.data["image/png"])
