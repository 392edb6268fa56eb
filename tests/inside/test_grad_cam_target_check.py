"""check_grad_cam_weighting(..., target=...): notebook 09's exercise also chooses the layer and the score.

The check calls the learner's target(model) on a v1 and then a v2 network with softmax heads; a layer name fitted
to the first (conv5_block2_out) fails on the second, whose last map is post_relu.
"""

import keras
import numpy as np
import pytest

from resnet_widgets.checks import ExerciseNotWritten, check_grad_cam_target, check_grad_cam_weighting

pytestmark = pytest.mark.backend_neutral


def weighting(activations, gradients):
    return np.maximum((activations * gradients.mean(axis=(0, 1))).sum(axis=-1), 0.0)


def logits(model):
    head = model.layers[-1]
    return keras.ops.matmul(head.input, head.kernel) + head.bias


def last_map(model):
    return [layer for layer in model.layers if len(layer.output.shape) == 4][-1]


def correct_target(model):
    return keras.Model(model.input, [last_map(model).output, logits(model)])


def target_after_the_softmax(model):
    return keras.Model(model.input, [last_map(model).output, model.output])


def target_with_a_fixed_layer_name(model):
    return keras.Model(model.input, [model.get_layer("conv5_block2_out").output, logits(model)])


def target_at_the_pooling(model):
    return keras.Model(model.input, [model.get_layer("avg_pool").output, logits(model)])


def target_inside_the_last_block(model):
    return keras.Model(model.input, [model.get_layer("conv5_block2_3_bn").output, logits(model)])


def test_the_last_map_and_the_scores_before_the_softmax_pass_on_both_networks():
    result = check_grad_cam_weighting(weighting, target=correct_target)
    assert result.passed, result.problems
    assert any("`post_relu`" in fact for fact in result.facts) and any("`conv5_block2_out`" in f for f in result.facts)


@pytest.mark.parametrize("target, words", [
    (target_after_the_softmax, "softmax's probabilities"),
    (target_at_the_pooling, "has no map left"),
    (target_inside_the_last_block, "inside a block, before the shortcut adds x back"),
])
def test_a_wrong_layer_or_score_is_named(target, words):
    result = check_grad_cam_weighting(weighting, target=target)
    (problem,) = result.problems
    assert words in problem, problem


def test_a_layer_name_fitted_to_the_v1_network_fails_on_the_v2_one():
    result = check_grad_cam_target(target_with_a_fixed_layer_name)
    (problem,) = result.problems
    assert problem.startswith("(on a V2 network)") and "`post_relu`" in problem, problem
    assert any("V1 network" in fact for fact in result.facts)


def test_the_target_is_checked_only_once_the_weighting_passes():
    result = check_grad_cam_weighting(lambda a, g: (a * g).sum(axis=-1), target=target_after_the_softmax)
    assert len(result.problems) == 1 and "softmax" not in result.problems[0]


def test_an_unwritten_target_stops_with_the_not_written_error():
    def my_grad_cam_target(model):
        raise NotImplementedError("Exercise: write your code here")

    with pytest.raises(ExerciseNotWritten, match="my_grad_cam_target"):
        check_grad_cam_weighting(weighting, target=my_grad_cam_target)


def test_a_target_that_is_not_callable_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="target"):
        check_grad_cam_weighting(weighting, target="post_relu")
