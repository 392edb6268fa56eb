"""check_basic_block: notebook 01's two-3x3 block, option B (projection only where the shape changes)."""

import pytest

from resnet_widgets.checks import ExerciseNotWritten, check_basic_block
from resnet_widgets.models import basic_block

from . import blocks_to_check as blocks

pytestmark = pytest.mark.backend_neutral


def test_correct_basic_block_passes_all_three_calls():
    result = check_basic_block(blocks.correct_basic_block)
    assert result.passed, result.problems
    assert result.notes == [] and not result.incomplete
    assert any("same output as the reference" in fact for fact in result.facts)
    assert any("the shortcut is x itself" in fact for fact in result.facts)
    assert any("the projection follows the channels" in fact for fact in result.facts)


def test_our_basic_block_passes():
    def ours(x, filters, stride=1, name="block"):
        return basic_block(x, filters, stride=stride, name=name)

    assert check_basic_block(ours).passed


def test_keras_default_bias_and_epsilon_pass_with_one_note_each():
    result = check_basic_block(blocks.basic_block_with_keras_defaults)
    assert result.passed, result.problems
    assert len(result.notes) == 2, result.notes
    assert "use_bias=True" in result.notes[0] and "`{name}_1_conv`" in result.notes[0]
    assert "epsilon=0.001" in result.notes[1]


def test_a_projection_where_the_shape_stays_is_named_in_the_identity_call():
    result = check_basic_block(blocks.basic_block_that_always_projects)
    (problem,) = result.problems
    assert problem.startswith("(with stride=1 and the same channels)")
    assert "x itself" in problem and "Option B projects only where the shape changes" in problem
    assert result.structure[0] == "with stride=1 and the same channels:"  # the call that failed is shown


def test_a_projection_forgotten_when_only_the_channels_change_is_named():
    result = check_basic_block(blocks.basic_block_that_projects_only_with_a_stride)
    (problem,) = result.problems
    assert problem.startswith("(with stride=1 and new channels)") and "projection shortcut is missing" in problem


def test_relu_before_the_addition_is_named_and_later_calls_are_announced():
    result = check_basic_block(blocks.basic_block_with_relu_before_add)
    (problem,) = result.problems
    assert "ReLU (`{name}_2_relu`) on the residual branch before the addition" in problem
    assert result.incomplete and "more may follow" in str(result) and "more may follow" not in result.headline


def test_stride_on_the_second_convolution_names_both_convolutions():
    result = check_basic_block(blocks.basic_block_with_stride_on_the_second_convolution)
    assert len(result.problems) == 2
    assert "`{name}_1_conv` has strides=(1, 1); it should have strides=(2, 2)" in result.problems[0]
    assert "`{name}_2_conv` has strides=(2, 2)" in result.problems[1]
    assert any(line.endswith("✗") and line.startswith("residual branch") for line in result.structure)


def test_unwritten_basic_block_raises_not_written_yet():
    with pytest.raises(ExerciseNotWritten, match="basic_block_not_written_yet"):
        check_basic_block(blocks.basic_block_not_written_yet)
