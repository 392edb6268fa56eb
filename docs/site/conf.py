"""Sphinx configuration of the course's website (`make site`; scripts/build_site.py stages the sources).

The stack is the one Jupyter Book 1 wraps: myst-nb reads the notebooks, sphinx-book-theme draws the book.
Everything is built offline from the committed notebooks: nothing is executed, nothing is fetched.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "ResNet Lab"
author = "ResNet Lab developers"
copyright = "ResNet Lab developers, Apache-2.0"
language = "en"  # <html lang="en">: screen readers pick the right voice (WCAG 3.1.1)

# The repository the launch buttons point at (README's Binder badge names the same).
REPOSITORY = "https://github.com/resnet-lab/resnet-lab"
BRANCH = "main"

extensions = ["myst_nb", "course_pages"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "extra", "downloads"]

# The committed outputs are the pages: nbval keeps them current, the site never re-runs a notebook.
nb_execution_mode = "off"
# Widgets whose state a notebook stores show live (scripts/build_site.py turns their outputs into the view plus
# the static picture); the widget JavaScript is served from _static/widgets, never from a CDN, so the pages work
# offline. widgets-local.js points require.js at anywidget's front end there.
nb_ipywidgets_js = {"widgets/require.js": {}, "widgets-local.js": {}, "widgets/html-manager/embed-amd.js": {}}
# Every other widget output (no stored state) shows the static picture the notebook keeps beside it.
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "image/svg+xml", 1),
    ("html", "image/png", 2),
]
nb_output_stderr = "remove"
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # notebooks start at '# 01 · ...' and use '###' under it in places

html_theme = "sphinx_book_theme"
html_title = "ResNet Lab"
html_favicon = "_static/favicon.svg"
# The reader's light or dark preference, from the first visit on (an empty default logs a console error).
html_context = {"default_mode": "auto"}
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_extra_path = ["extra"]  # extra/student/course/<name>.ipynb: the learners' copy of each page
html_last_updated_fmt = None
html_copy_source = True
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": BRANCH,
    "path_to_docs": "",  # the staged sources mirror the repository: course/NN_name.ipynb
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
    "navigation_with_keys": False,  # arrow keys stay with the reader (and screen readers)
}
