"""Course notebooks of group '06b' run clean in JupyterLab (see course_notebooks.py for what is checked)."""

import pytest

from .course_notebooks import course_lab_server, notebooks_of, run_course_notebook

pytestmark = pytest.mark.ui

course_lab = pytest.fixture(scope="module")(course_lab_server)


@pytest.mark.parametrize("name", notebooks_of('06b'))
def test_a_course_notebook_runs_clean_in_jupyterlab(course_lab, browser, name):
    run_course_notebook(course_lab, browser, name)
