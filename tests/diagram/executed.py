"""Notebooks of diagram cells executed as nbconvert executes them, for tests of what a saved notebook keeps."""

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def executed_notebook(cells: list[str], timeout: float = 300):
    """A notebook of these code cells, run in a fresh python3 kernel with the widget state stored (nbclient).

    The notebook is not signed, so JupyterLab does not trust it once written.
    """
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells], metadata={"kernelspec": dict(KERNELSPEC)}
    )
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True).execute()
    return notebook
