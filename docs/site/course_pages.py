"""A small Sphinx extension of the course's website: the student copy beside each notebook's download button.

scripts/build_site.py stages each notebook's student copy (solutions out, outputs cleared) under
``extra/student/course/<name>.ipynb``; html_extra_path publishes it as ``student/course/<name>.ipynb``. This adds a "student copy"
entry to the theme's download menu of every notebook page that has one.
"""

from pathlib import Path

STUDENT_FOLDER = "student"


def add_student_copy_button(app, pagename, templatename, context, doctree):
    """Append the student copy to the download group that sphinx-book-theme built (it runs at priority 501)."""
    copy = Path(app.srcdir) / "extra" / STUDENT_FOLDER / f"{pagename}.ipynb"
    if not copy.is_file():
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(1, {
                "type": "link",
                "url": f"{context['pathto'](STUDENT_FOLDER, 1)}/{pagename}.ipynb",
                "text": "student copy",
                "tooltip": "Download the student copy: the notebook without solutions or outputs",
                "icon": "fas fa-user-graduate",
                "label": "download-student-copy-button",
            })
            return


def _alt_from_output_metadata(render_image):
    """Wrap myst-nb's image renderer so an image output's ``metadata[mime]["alt"]`` becomes the <img>'s alt.

    myst-nb takes only width and height from an output's metadata; without this, Sphinx writes the image's
    file name as its alt text. scripts/build_site.py writes the alt of every staged image output.
    """

    def render(self, data):
        nodes = render_image(self, data)
        alt = (data.output_metadata.get(data.mime_type) or {}).get("alt")
        for node in nodes:
            if alt and "alt" not in node:
                node["alt"] = alt
        return nodes

    render.wrapped_for_alt = True
    return render


def setup(app):
    from myst_nb.core.render import NbElementRenderer

    if not getattr(NbElementRenderer.render_image, "wrapped_for_alt", False):
        NbElementRenderer.render_image = _alt_from_output_metadata(NbElementRenderer.render_image)
    app.connect("html-page-context", add_student_copy_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
