"""The browser harness itself: what other UI tests rely on when a notebook fails or a value is read."""

import pytest

from .harness import kernel_eval, kernel_run, open_notebook, run_all_cells, wait_for_kernel_value, write_notebook

pytestmark = pytest.mark.ui


def test_a_raising_cell_fails_with_its_traceback_and_values_come_back_as_json(jupyterlab, browser_page):
    write_notebook(
        jupyterlab.root_dir,
        "harness_check.ipynb",
        ["value = {'a': [1, 2.5, None], 'b': 'ß'}", "def broken():\n    return 1 / 0\nbroken()", "never = 1"],
    )
    open_notebook(browser_page, jupyterlab, "harness_check.ipynb")
    with pytest.raises(AssertionError, match=r"(?s)a notebook cell raised.*ZeroDivisionError.*broken"):
        run_all_cells(browser_page, timeout=60)

    assert kernel_eval(browser_page, "value") == {"a": [1, 2.5, None], "b": "ß"}
    with pytest.raises(AssertionError, match="NameError"):
        kernel_eval(browser_page, "never")  # run-all stopped at the error
    with pytest.raises(AssertionError, match="KeyError"):
        kernel_run(browser_page, "raise KeyError('missing')")
    assert kernel_run(browser_page, "print('to stdout')") == "to stdout\n"
    with pytest.raises(AssertionError, match=r"value\['a'\]\[0\] is 1 in the kernel, expected 2"):
        wait_for_kernel_value(browser_page, "value['a'][0]", 2, timeout=1)
