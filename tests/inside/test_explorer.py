"""GradCamExplorer in Python: the selectors drive the explanation; the static picture follows the live one."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from resnet_widgets.inside import GradCamExplorer  # noqa: E402
from resnet_widgets.inside.explorer import TOP_CLASS, explain  # noqa: E402

from .test_grad_cam import BRIGHT_REGION, DARK_REGION, evidence_model, image_with_both_patches, inside, peak  # noqa: E402

pytestmark = pytest.mark.backend_neutral

NAMES = ["bright", "dark"]


@pytest.fixture(scope="module")
def explorer():
    model = evidence_model()
    only_dark = np.zeros_like(image_with_both_patches())
    only_dark[0][DARK_REGION] = -1.0
    return GradCamExplorer(model, np.concatenate([image_with_both_patches(), only_dark]), NAMES, labels=[0, 1])


def test_choosing_a_class_moves_the_heatmap_to_its_evidence(explorer):
    explorer.image_picker.value = 0
    explorer.class_selector.value = 0
    assert explorer.explanation.class_index == 0 and inside(peak(explorer.explanation.heatmap), BRIGHT_REGION)
    before = explorer.picture.value
    explorer.class_selector.value = 1
    assert explorer.explanation.class_index == 1 and inside(peak(explorer.explanation.heatmap), DARK_REGION)
    assert explorer.picture.value != before
    assert "explaining <b>dark</b>" in explorer.caption.value


def test_the_predicted_class_is_the_default_and_follows_the_image(explorer):
    explorer.class_selector.value = TOP_CLASS
    explorer.image_picker.value = 1
    assert explorer.explanation.predicted == 1 and explorer.explanation.class_index == 1
    assert explorer.image_picker.options[1] == ("image 1 (dark)", 1)


def test_the_static_picture_and_text_describe_the_current_view(explorer):
    explorer.image_picker.value = 0
    explorer.class_selector.value = 1
    bundle = explorer.static_bundle()
    assert bundle["text/plain"] == "GradCamExplorer(image 0, explaining 'dark', layer 'features')"
    assert explorer.static_png() == explorer.picture.value
    assert explorer.static_png().startswith(b"\x89PNG")


def test_explain_matches_grad_cam_and_gives_probabilities():
    model = evidence_model()
    explanation = explain(model, image_with_both_patches(), 0, class_index=1)
    assert explanation.probabilities.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="image_index must be an integer from 0 to 0"):
        explain(model, image_with_both_patches(), 1)


def test_bad_arguments_are_refused_before_anything_is_drawn():
    model = evidence_model()
    with pytest.raises(ValueError, match=r"class_names must have one name per class \(2\); received 3"):
        GradCamExplorer(model, image_with_both_patches(), ["a", "b", "c"])
    with pytest.raises(ValueError, match="labels must be class indices from 0 to 1"):
        GradCamExplorer(model, image_with_both_patches(), NAMES, labels=[2])
    with pytest.raises(ValueError, match="layer must be 'auto' or the name"):
        GradCamExplorer(model, image_with_both_patches(), NAMES, layer="nope")
