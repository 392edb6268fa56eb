"""check_grad_cam_weighting: the right answer passes; each usual mistake fails with its own sentence."""

import numpy as np
import pytest

from resnet_widgets.checks import check_grad_cam_weighting
from resnet_widgets.checks.grad_cam import _fixed_inputs, reference_weighting
from resnet_widgets.inside import weight_feature_maps

def correct(activations, gradients):
    alpha = gradients.mean(axis=(0, 1))
    return np.maximum((activations * alpha).sum(axis=-1), 0)


MISTAKES = {
    "no relu": (lambda a, g: (a * g.mean(axis=(0, 1))).sum(axis=-1), "No ReLU"),
    "abs": (lambda a, g: np.abs((a * g.mean(axis=(0, 1))).sum(axis=-1)), "abs() instead of ReLU"),
    "pixelwise": (lambda a, g: np.maximum((a * g).sum(-1), 0), "multiplied location by location"),
    "sum not mean": (lambda a, g: np.maximum((a * g.sum(axis=(0, 1))).sum(-1), 0), "sums, not means"),
    "wrong axis": (lambda a, g: np.maximum((a * g.mean(-1, keepdims=True)).sum(-1), 0), "averaged over the channels"),
    "relu on gradients": (lambda a, g: np.maximum((a * np.maximum(g, 0).mean((0, 1))).sum(-1), 0), "on the gradients"),
    "relu per channel": (lambda a, g: np.maximum(a * g.mean((0, 1)), 0).sum(-1), "before the sum"),
    "mean of channels": (lambda a, g: np.maximum((a * g.mean((0, 1))).mean(-1), 0), "averaged instead of summed"),
    "transposed": (lambda a, g: correct(a, g).T, "rows and columns swapped"),
    "channels kept": (lambda a, g: a * g.mean(axis=(0, 1)), "still has its 5 channels"),
    "weights only": (lambda a, g: g.mean(axis=(0, 1)), "those are eq. 1's weights"),
}


def test_the_reference_answer_passes_and_is_the_packages_weighting():
    result = check_grad_cam_weighting(correct)
    assert result.passed, str(result)
    a, g = _fixed_inputs()
    np.testing.assert_allclose(weight_feature_maps(a[None], g[None])[0], reference_weighting(a, g), rtol=1e-6)


def test_the_fixed_inputs_can_tell_the_relu_mistakes_apart():
    a, g = _fixed_inputs()
    summed = (a * g.mean(axis=(0, 1))).sum(axis=-1)
    assert (summed < 0).any() and (summed > 0).any()


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_is_named(mistake):
    function, sentence = MISTAKES[mistake]
    result = check_grad_cam_weighting(function)
    assert not result.passed
    assert len(result.problems) == 1 and sentence in result.problems[0], result.problems


def test_an_unwritten_exercise_stops_with_the_shared_not_written_error():
    from resnet_widgets.checks import ExerciseNotWritten

    def my_weighting(activations, gradients):
        raise NotImplementedError("Exercise: write your code here")

    with pytest.raises(ExerciseNotWritten, match="my_weighting still raises NotImplementedError"):
        check_grad_cam_weighting(my_weighting)


def test_a_map_divided_by_its_maximum_passes_with_a_note():
    result = check_grad_cam_weighting(lambda a, g: correct(a, g) / correct(a, g).max())
    assert result.passed and "divided by the maximum" in result.notes[0]


def test_an_unrecognised_answer_points_at_the_largest_difference():
    result = check_grad_cam_weighting(lambda a, g: correct(a, g) + 0.5)
    assert "differs from eq. 2: at row" in result.problems[0]
