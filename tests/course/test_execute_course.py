"""scripts/execute_course.py writes what a browser would write back, and keeps only small widget state."""

import nbformat

from ..scripts import load_script

script = load_script("execute_course")


def notebook_with(models, views):
    """A notebook whose cells display the given model ids (with a PNG beside each view) and save `models`."""
    cells = []
    for model_id in views:
        cell = nbformat.v4.new_code_cell("w")
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            script.WIDGET_VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 0},
            "image/png": "iVBORw0KGgo=", "text/plain": "Widget()"})]
        cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["widgets"] = {script.WIDGET_STATE: {"state": models, "version_major": 2, "version_minor": 0}}
    return notebook


def model(**state):
    return {"model_name": "X", "model_module": "m", "model_module_version": "1", "state": state}


def test_a_small_widget_keeps_its_state_with_its_children_and_unshown_state_is_dropped():
    models = {"a": model(children=["IPY_MODEL_b"], layout="IPY_MODEL_c"), "b": model(), "c": model(),
              "orphan": model()}
    notebook = notebook_with(models, ["a"])
    assert script.keep_small_widget_state(notebook) == []
    assert set(notebook.metadata.widgets[script.WIDGET_STATE]["state"]) == {"a", "b", "c"}
    assert script.WIDGET_VIEW in notebook.cells[0].outputs[0].data


def test_a_large_widget_shows_its_static_picture_instead_of_its_view():
    models = {"big": model(children=["IPY_MODEL_esm"]), "esm": model(_esm="x" * (script.MAX_SAVED_WIDGET_BYTES + 1)),
              "small": model()}
    notebook = notebook_with(models, ["big", "small"])
    removed = script.keep_small_widget_state(notebook)
    assert [index for index, _ in removed] == [0] and removed[0][1] > script.MAX_SAVED_WIDGET_BYTES
    assert set(notebook.cells[0].outputs[0].data) == {"image/png", "text/plain"}
    assert set(notebook.metadata.widgets[script.WIDGET_STATE]["state"]) == {"small"}


def test_a_view_whose_model_was_not_saved_loses_its_view_and_no_state_means_no_widgets_metadata():
    notebook = notebook_with({}, ["gone"])
    assert script.keep_small_widget_state(notebook) == [(0, 0)]
    assert "widgets" not in notebook.metadata


def test_whole_floats_are_written_as_a_browser_writes_them_back():
    assert script.whole_floats_as_ints({"x": [10.0, 2.5, {"y": -3.0}], "n": 4, "s": "10.0", "b": True}) == \
        {"x": [10, 2.5, {"y": -3}], "n": 4, "s": "10.0", "b": True}


def test_stderr_and_default_reprs_are_found_by_cell():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b")])
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr", text="Warning: slow\n")]
    notebook.cells[1].outputs = [nbformat.v4.new_output("execute_result", data={
        "text/plain": "<resnet_widgets.diagram.widget.ArchitectureDiagram object at 0x7f3a>"})]
    found = script.problems(notebook)
    assert len(found) == 2 and found[0].startswith("cell 0: stderr") and "object at 0x7f3a" in found[1]
