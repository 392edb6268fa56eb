"""Reading a classifier (confusion matrix, confident mistakes) and what Part B can use on this machine."""

import numpy as np
import pytest

from resnet_widgets.training.evaluation import confusion_matrix, most_confident_mistakes, plot_gallery
from resnet_lab.lab_inputs import lab_inputs

pytestmark = pytest.mark.backend_neutral


def test_the_confusion_matrix_counts_true_classes_in_rows():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], num_classes=3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    with pytest.raises(ValueError, match="y_pred must be class indices from 0 to 2"):
        confusion_matrix([0, 1], [0, 3], num_classes=3)


def test_the_most_confident_mistakes_come_first():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]])
    y_true = np.array([0, 0, 0, 1])
    assert most_confident_mistakes(y_true, probabilities).tolist() == [1, 2]  # image 3 is right


def test_the_gallery_titles_each_image_with_truth_and_prediction():
    images = np.zeros((3, 8, 8, 3), dtype=np.uint8)
    figure = plot_gallery(images, [0, 1, 1], np.array([[0.2, 0.8]] * 3), ["cat", "dog"], [0], columns=2)
    assert figure.axes[0].get_title() == "cat\n→ dog (80%)"


def test_offline_fast_mode_downloads_nothing_and_transfers_the_pretrained_course_resnet(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no weights cached there
    inputs = lab_inputs("fast", image_size=32, offline_limit=50)
    assert inputs.weights is None and not inputs.imagenet
    assert inputs.dataset.class_names == ["Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    assert inputs.dataset.x_train.shape[1:] == (32, 32, 3)
    # The offline base is pretrained, not random: its weights are the committed ones.
    from resnet_widgets.training import course_resnet

    reference = course_resnet(pretrained=True, include_top=False)
    for mine, theirs in zip(inputs.base.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    text = inputs.summary()
    assert "ImageNet weights" in text and "fast mode downloads nothing" in text
    assert "course ResNet" in text and "never saw" in text and "weights=None" not in text
