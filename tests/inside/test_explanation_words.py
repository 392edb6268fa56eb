"""The Grad-CAM picture in words: its text alternative says what is predicted and where the evidence is."""

import numpy as np
import pytest

from resnet_widgets.inside.explorer import Explanation, explanation_text, where_the_evidence_is



@pytest.mark.parametrize("row, column, words", [(0, 6, "the top right"), (3, 3, "the middle"), (6, 0, "the bottom left"),
                                                (5, 3, "the bottom centre")])
def test_the_strongest_evidence_is_placed_in_a_three_by_three_grid(row, column, words):
    heatmap = np.zeros((7, 7))
    heatmap[row, column] = 1.0
    assert where_the_evidence_is(heatmap) == words


def test_a_heatmap_must_be_two_dimensional():
    with pytest.raises(ValueError, match="heatmap must be a 2-D array"):
        where_the_evidence_is(np.zeros(5))


def test_the_text_names_prediction_class_layer_place_and_spread():
    heatmap = np.zeros((4, 4))
    heatmap[0, 0], heatmap[0, 1] = 1.0, 0.6
    explanation = Explanation(image_index=3, class_index=1, heatmap=heatmap,
                              probabilities=np.array([0.7, 0.3]), predicted=0, layer="conv5_block3_out")
    text = explanation_text(explanation, ["cat", "dog"])
    assert text == ("Image 3, predicted cat (70%). Grad-CAM heatmap of the evidence for dog (30%) at conv5_block3_out: "
                    "strongest in the top left; 12% of the image above half the peak.")
    flat = Explanation(3, 1, np.zeros((4, 4)), np.array([0.7, 0.3]), 0, "conv5_block3_out")
    assert "no evidence anywhere" in explanation_text(flat, ["cat", "dog"])


def test_the_probability_table_lists_every_class_most_likely_first():
    from resnet_widgets.inside.explorer import probability_table

    explanation = Explanation(0, 0, np.ones((2, 2)), np.array([0.2, 0.5, 0.3]), 1, "features")
    table = probability_table(explanation, ["cat", "dog", "fox"])
    assert table["rows"] == [["dog", "50.0%"], ["fox", "30.0%"], ["cat", "20.0%"]]
