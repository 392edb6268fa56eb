"""GradCamExplorer: pick an image and a class, see where the network finds evidence for that class.

The widget only displays and syncs: `explain()` computes (a pure function over `grad_cam`), and
`explanation_png()` draws. Changing the image or the class redraws at once (one Grad-CAM of one image).
Where widgets cannot render (GitHub, nbviewer, nbval) the output keeps a PNG of the current overlay.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import arguments
from ..display import StaticPicture, figure_png
from ..layer_gradients import check_model_images
from ..plot_caption import PlotCaption
from .grad_cam import grad_cam

TOP_CLASS = -1  # the class selector's value for "whatever the network predicts"


@dataclass(frozen=True)
class Explanation:
    """What the explorer shows for one image and one class.

    Attributes:
        image_index: which image.
        class_index: the class the heatmap explains.
        heatmap: (h, w) in [0, 1].
        probabilities: (classes,) softmax of the scores.
        predicted: the top class.
        layer: the layer Grad-CAM read.
    """

    image_index: int
    class_index: int
    heatmap: np.ndarray
    probabilities: np.ndarray
    predicted: int
    layer: str


def explain(model, images, image_index, class_index=TOP_CLASS, layer="auto") -> Explanation:
    """Grad-CAM of one image of a batch, for one class (or TOP_CLASS for the predicted one).

    Raises:
        ValueError, TypeError: as `grad_cam`, and an image index outside the batch.
    """
    image_index = arguments.whole_number("image_index", image_index, minimum=0, maximum=len(images) - 1)
    chosen = None if class_index == TOP_CLASS else class_index
    cam = grad_cam(model, images[image_index : image_index + 1], class_index=chosen, layer=layer)
    scores = cam.scores[0].astype(np.float64)
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    return Explanation(
        image_index=image_index,
        class_index=int(cam.class_index[0]),
        heatmap=cam.heatmaps[0],
        probabilities=probabilities.astype(np.float32),
        predicted=int(cam.predicted[0]),
        layer=cam.layer,
    )


_ROWS, _COLUMNS = ("top", "middle", "bottom"), ("left", "centre", "right")


def where_the_evidence_is(heatmap) -> str:
    """Where a heatmap is strongest, in words: 'top left', 'middle centre', ... (the image in a 3x3 grid).

    Raises:
        ValueError: ``heatmap`` is not a 2-D array.
    """
    heatmap = np.asarray(heatmap, dtype=np.float64)
    if heatmap.ndim != 2 or not heatmap.size:
        raise ValueError(f"heatmap must be a 2-D array; received shape {heatmap.shape}")
    row, column = np.unravel_index(int(np.argmax(heatmap)), heatmap.shape)
    name = f"{_ROWS[min(2, 3 * row // heatmap.shape[0])]} {_COLUMNS[min(2, 3 * column // heatmap.shape[1])]}"
    return "the middle" if name == "middle centre" else f"the {name}"


def explanation_text(explanation, class_names) -> str:
    """The picture in words (its text alternative): the prediction, the class explained, where its evidence is.

    Example: 'Image 3, predicted dog (87%). Grad-CAM heatmap of the evidence for dog (87%) at conv5_block3_out:
    strongest in the top left; 12% of the image above half the peak.'
    """
    heatmap = np.asarray(explanation.heatmap, dtype=np.float64)
    peak = float(heatmap.max()) if heatmap.size else 0.0
    share = float(np.mean(heatmap > 0.5 * peak)) if peak > 0 else 0.0
    predicted, explained = explanation.predicted, explanation.class_index
    where = f"strongest in {where_the_evidence_is(heatmap)}; {share:.0%} of the image above half the peak" if peak > 0 \
        else "no evidence anywhere (the heatmap is zero)"
    return (f"Image {explanation.image_index}, predicted {class_names[predicted]} "
            f"({explanation.probabilities[predicted]:.0%}). Grad-CAM heatmap of the evidence for "
            f"{class_names[explained]} ({explanation.probabilities[explained]:.0%}) at {explanation.layer}: {where}.")


def probability_table(explanation, class_names) -> dict:
    """The class probabilities of one explanation, most likely first, as a PlotCaption table."""
    order = np.argsort(explanation.probabilities)[::-1]
    rows = [[class_names[i], f"{explanation.probabilities[i]:.1%}"] for i in order]
    return {"caption": f"image {explanation.image_index}", "columns": ["class", "probability"], "rows": rows}


def explanation_png(shown_image, explanation, class_names, alpha=0.45, dpi=80) -> bytes:
    """The picture: the image, and the image under its heatmap, with the class and its probability."""
    import matplotlib.pyplot as plt

    from .overlay import displayable, overlay

    fig, (left, right) = plt.subplots(1, 2, figsize=(5.6, 3.0))
    picture = displayable(shown_image)
    left.imshow(picture, cmap="gray" if picture.ndim == 2 else None)
    left.set_axis_off()
    predicted = class_names[explanation.predicted]
    left.set_title(f"image {explanation.image_index}: predicted {predicted}\n"
                   f"({explanation.probabilities[explanation.predicted]:.0%})", fontsize=9)
    explained = class_names[explanation.class_index]
    overlay(shown_image, explanation.heatmap, ax=right, alpha=alpha,
            title=f"evidence for {explained} ({explanation.probabilities[explanation.class_index]:.0%})\n"
                  f"Grad-CAM at {explanation.layer}")
    fig.tight_layout()
    return figure_png(fig, dpi=dpi)


class GradCamExplorer(StaticPicture, widgets.VBox):
    """An image picker and a class selector over a Grad-CAM overlay, redrawn when either changes.

    Args:
        model: a classifier (see `grad_cam`).
        images: (N, height, width, channels), prepared as the model takes them.
        class_names: one name per class of the model's output; None numbers them.
        shown: the images as they should be drawn (e.g. the photos before `preprocess_input`); None draws
            `images`.
        labels: optional true class index per image, shown in the image picker.
        layer: the layer Grad-CAM reads ("auto": the last stage output).
        alpha: opacity of the heatmap.

    Attributes:
        image_picker, class_selector: the two ipywidgets Dropdowns (class value TOP_CLASS = predicted).
        picture: the ipywidgets.Image with the current PNG; caption: the line under it.
        description: the picture's alt text (``explanation_text``) and the probabilities table (a PlotCaption).
        explanation: the current `Explanation`; redraws: how many pictures were drawn.

    Raises:
        ValueError, TypeError: bad images, class names of the wrong number, labels, layer (checked now,
            not at the first click).
    """

    def __init__(self, model, images, class_names=None, shown=None, labels=None, layer="auto", alpha=0.45):
        self.model = model
        self.images = check_model_images(model, images)
        first = explain(model, self.images, 0, TOP_CLASS, layer)  # checks the layer and the model now
        classes = len(first.probabilities)
        if class_names is None:
            class_names = [f"class {i}" for i in range(classes)]
        class_names = [str(name) for name in class_names]
        if len(class_names) != classes:
            raise ValueError(f"class_names must have one name per class ({classes}); received {len(class_names)}")
        self.class_names = class_names
        self.shown = self.images if shown is None else np.asarray(shown)
        if len(self.shown) != len(self.images):
            raise ValueError(f"shown must hold one image per image ({len(self.images)}); received {len(self.shown)}")
        self.labels = None if labels is None else arguments.class_labels("labels", labels, classes)
        if self.labels is not None and len(self.labels) != len(self.images):
            raise ValueError(f"labels must hold one label per image ({len(self.images)}); received {len(self.labels)}")
        self.layer, self.alpha = layer, arguments.real_number("alpha", alpha, minimum=0.0, maximum=1.0)
        self.redraws = 0

        def image_label(i):
            return f"image {i}" + (f" ({class_names[self.labels[i]]})" if self.labels is not None else "")

        self.image_picker = widgets.Dropdown(
            options=[(image_label(i), i) for i in range(len(self.images))], value=0, description="image",
            layout={"width": "260px"},
        )
        self.class_selector = widgets.Dropdown(
            options=[("predicted class", TOP_CLASS)] + [(name, i) for i, name in enumerate(class_names)],
            value=TOP_CLASS, description="explain", layout={"width": "260px"},
        )
        self.picture = widgets.Image(format="png", layout={"width": "560px"})
        self.caption = widgets.HTML()
        # The picture's text alternative (its alt) and the class probabilities as a table.
        self.description = PlotCaption(scope="resnet-grad-cam-explorer", target="img", name="Grad-CAM picture",
                                       table_title="probability of every class")
        self.image_picker.observe(self._on_change, names="value")
        self.class_selector.observe(self._on_change, names="value")
        super().__init__([widgets.HBox([self.image_picker, self.class_selector]), self.picture, self.caption,
                          self.description])
        self.add_class("resnet-grad-cam-explorer")
        self._show(first)

    def _on_change(self, _change):
        try:
            self._show(explain(self.model, self.images, self.image_picker.value, self.class_selector.value, self.layer))
        except Exception as error:  # shown to the learner; the widget stays usable
            self.caption.value = f"<b>error:</b> {html.escape(str(error))}"

    def _show(self, explanation):
        self.explanation = explanation
        self._png = explanation_png(self.shown[explanation.image_index], explanation, self.class_names, self.alpha)
        self.picture.value = self._png
        self.redraws += 1
        top = np.argsort(explanation.probabilities)[::-1][:3]
        ranking = ", ".join(f"{html.escape(self.class_names[i])} {explanation.probabilities[i]:.0%}" for i in top)
        self.description.show("", probability_table(explanation, self.class_names),
                              name=explanation_text(explanation, self.class_names))
        self.caption.value = (
            f"<span class='resnet-grad-cam-caption'>explaining <b>{html.escape(self.class_names[explanation.class_index])}</b>"
            f" for image {explanation.image_index}; top classes: {ranking}</span>"
        )

    def static_png(self):
        return self._png

    def static_text(self):
        chosen = self.class_names[self.explanation.class_index]
        return f"GradCamExplorer(image {self.explanation.image_index}, explaining {chosen!r}, layer {self.explanation.layer!r})"
