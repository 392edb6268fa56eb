"""What a widget leaves behind where no widget can render: a static picture beside the live view.

A live widget needs a kernel and a trusted notebook. Everywhere else (a notebook opened fresh and not yet
trusted, GitHub, nbviewer, an HTML export, nbval with no front end) the front end falls back to the other
entries of the output's mime bundle. Plain ipywidgets leave only `text/plain` there, which shows
`<...Widget object at 0x7f...>`. Widgets that mix in `StaticPicture` add:

    image/png      the picture, which every front end renders, trusted or not (JupyterLab treats SVG and
                   HTML from an untrusted notebook as unsafe, PNG as safe);
    image/svg+xml  optionally, a sharper copy for front ends that allow it;
    text/plain     one stable line (no memory address, so re-running a notebook does not change it).

The picture is taken when the widget is displayed. A widget whose picture changes later (a training
dashboard at the end of a run) calls `refresh_static()`, which re-sends the bundle to every place the
widget was displayed, so the saved notebook ends with the final picture. Only the display, never the rest
of the cell's output, is replaced.
"""

from __future__ import annotations

import base64
import io
import uuid


class StaticPicture:
    """Mixin for ipywidgets / anywidget classes: put it first, `class W(StaticPicture, widgets.VBox)`.

    Subclasses override `static_png` (bytes of a PNG) and/or `static_svg` (an SVG string), and
    `static_text` (one line). Each may return None to leave that entry out.
    """

    def static_png(self) -> bytes | None:
        return None

    def static_svg(self) -> str | None:
        return None

    def static_text(self) -> str:
        return f"{type(self).__name__}()"

    def static_bundle(self) -> dict:
        """The static entries of the mime bundle: text/plain always, image/png and image/svg+xml when given."""
        data = {"text/plain": self.static_text()}
        png = self.static_png()
        if png:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        svg = self.static_svg()
        if svg:
            data["image/svg+xml"] = svg
        return data

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        if data is None:  # a closed widget has no view; keep ipywidgets' answer
            return bundle
        return {**data, **self.static_bundle()}, metadata

    def _ipython_display_(self):
        # Displaying through a display id lets refresh_static() replace exactly this output later.
        from IPython.display import display

        ids = self.__dict__.setdefault("_static_display_ids", [])
        display_id = uuid.uuid4().hex
        ids.append(display_id)
        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True, display_id=display_id)

    def refresh_static(self) -> int:
        """Re-send the bundle (with a fresh picture) to every output that shows this widget.

        Returns:
            How many outputs were updated (0 when the widget was never displayed).
        """
        from IPython.display import update_display

        ids = self.__dict__.get("_static_display_ids", [])
        if not ids:
            return 0
        data, metadata = self._repr_mimebundle_()
        for display_id in ids:
            update_display(data, metadata=metadata, raw=True, display_id=display_id)
        return len(ids)


def figure_png(figure, dpi: int = 96, tight: bool = True) -> bytes:
    """A matplotlib figure as PNG bytes; the figure is closed afterwards, so it never shows a second time.

    With ``tight`` (the default) the picture is cropped to what is drawn, plus a small border; without it,
    it keeps the figure's own size (and is drawn once, not twice).
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    finally:
        plt.close(figure)
    return buffer.getvalue()
