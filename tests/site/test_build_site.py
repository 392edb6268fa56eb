"""scripts/build_site.py without a browser: which notebooks become pages, their text alternatives, the student copies.

The browser test of the built site is tests/ui/test_site.py.
"""

import zipfile

import nbformat
import pytest

from ..scripts import load_script

build_site = load_script("build_site")


def notebook(path, cells, outputs=()):
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                        "language": "python"}})
    for cell, output in zip(nb.cells, outputs):
        cell.outputs = output
    nbformat.write(nb, path)
    return path


def test_pages_are_every_notebook_of_the_course_in_file_name_order(tmp_path):
    names = ["06b_train_your_resnet.ipynb", "01b_gradients.ipynb", "10_new.ipynb", "01a_residual.ipynb",
             "06_resnet_v2.ipynb", "00_start_here.ipynb"]
    for name in names:
        notebook(tmp_path / name, [nbformat.v4.new_markdown_cell(f"# {name}")])
    (tmp_path / "notes.txt").write_text("not a page")
    found = [path.name for path in build_site.course_notebooks(tmp_path)]
    assert found == ["00_start_here.ipynb", "01a_residual.ipynb", "01b_gradients.ipynb", "06_resnet_v2.ipynb",
                     "06b_train_your_resnet.ipynb", "10_new.ipynb"]


def test_an_empty_course_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="holds none"):
        build_site.course_notebooks(tmp_path)


@pytest.mark.parametrize("text, expected", [
    ("ArchitectureDiagram('resnet50', 16 residual blocks)", "ArchitectureDiagram('resnet50', 16 residual blocks)"),
    ("<Figure size 700x360 with 1 Axes>", build_site.GENERIC_ALT),
    ("", build_site.GENERIC_ALT),
])
def test_an_image_is_described_by_its_own_text_unless_that_is_a_default_repr(text, expected):
    output = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": text})
    assert build_site.alt_text(output) == expected


def test_an_svg_is_described_by_its_title():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>ResNet50: 16 residual blocks</title></svg>'
    output = nbformat.v4.new_output("display_data", data={"image/svg+xml": svg,
                                                          "text/plain": "<IPython.core.display.SVG object>"})
    assert build_site.alt_text(output) == "ResNet50: 16 residual blocks"


def test_every_image_output_gets_an_alt_and_a_given_one_is_kept():
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    kept = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"}, metadata={"image/png": {"alt": "mine"}})
    text = nbformat.v4.new_output("stream", text="hello")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [png, kept, text]
    assert build_site.add_alt_texts(nb) == 1
    assert png.metadata["image/png"]["alt"] == build_site.GENERIC_ALT
    assert kept.metadata["image/png"]["alt"] == "mine"


def test_the_student_copies_leave_out_solutions_and_outputs(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    solved = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION")
    solved.metadata["nbgrader"] = {"grade": False, "grade_id": "answer_f", "locked": False, "schema_version": 3,
                                   "solution": True, "task": False}  # an exercise, as nbgrader releases it
    notebook(course / "02_block.ipynb", [solved], [[nbformat.v4.new_output("stream", text="42")]])
    notebook(course / "00_start.ipynb", [nbformat.v4.new_code_cell("print(1)")])
    source = tmp_path / "source"
    source.mkdir()
    archive = build_site.student_copies(course, source)
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == ["resnet-lab-student/00_start.ipynb", "resnet-lab-student/02_block.ipynb"]
        copy = nbformat.reads(zipped.read("resnet-lab-student/02_block.ipynb").decode(), as_version=4)
    assert "42" not in copy.cells[0].source and "NotImplementedError" in copy.cells[0].source
    assert copy.cells[0].outputs == []
    assert (source / "extra" / "student" / "course" / "02_block.ipynb").is_file()


def test_a_widget_with_stored_state_becomes_its_live_view_with_the_picture_after_it():
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    stored = nbformat.v4.new_output("display_data", data={
        build_site.WIDGET_VIEW: view, "image/png": "iVBOR\nw0", "text/plain": "ArchitectureDiagram('x', 1 residual block)"})
    unstored = nbformat.v4.new_output("display_data", data={
        build_site.WIDGET_VIEW: {**view, "model_id": "plotly"}, "image/png": "iVBOR", "text/plain": "<Figure>"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("d")], metadata={
        "widgets": {build_site.WIDGET_STATE: {"state": {"abc": {"model_name": "AnyModel"}}}}})
    nb.cells[0].outputs = [stored, unstored]
    assert build_site.live_widget_outputs(nb) == 1
    html = stored.data["text/html"]
    assert html.startswith('<div class="resnet-live-widget"><script type="application/vnd.jupyter.widget-view+json">')
    assert '"model_id": "abc"' in html and 'src="data:image/png;base64,iVBORw0"' in html
    assert "alt=\"ArchitectureDiagram('x', 1 residual block)\"" in html.replace("&#x27;", "'")
    assert build_site.WIDGET_VIEW in unstored.data  # no state: left as it was (the site shows its picture)


def test_the_widget_javascript_must_have_been_packed_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="make site-setup"):
        build_site.vendor_widget_js(tmp_path / "empty", tmp_path / "_static")
