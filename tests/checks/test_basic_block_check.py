"""check_basic_block: notebook 01's two-3x3 block, option B (projection only where the shape changes)."""

import pytest

from resnet_widgets.checks import ExerciseNotWritten, check_basic_block
from resnet_widgets.models import basic_block

from . import blocks_to_check as blocks


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


# Notebook 01a's exercise asks for option A as well (shortcut="zero_pad"), which the walkthrough does not print.
# The check's last call (filters=10 on a 9x9x6 input) finds a stride or a padding fitted to the first.


def test_one_function_with_both_shortcuts_passes_all_six_calls():
    result = check_basic_block(blocks.correct_basic_block_both_shortcuts, shortcut="both")
    assert result.passed, result.problems
    assert any("filters=10 on a 9x9x6 input too" in fact for fact in result.facts), result.facts
    assert any(line.startswith("shortcut:") and "✓" in line for line in result.structure), result.structure


def test_our_basic_block_passes_with_both_shortcuts():
    def ours(x, filters, stride=1, shortcut="projection", name="block"):
        return basic_block(x, filters, stride=stride, shortcut=shortcut, name=name)

    assert check_basic_block(ours, shortcut="both").passed


def test_a_projection_where_option_a_is_asked_is_named_as_option_b():
    result = check_basic_block(blocks.basic_block_that_ignores_the_shortcut_argument, shortcut="both")
    (problem,) = result.problems
    assert problem.startswith("(with shortcut='zero_pad')") and "that is option B" in problem, problem
    assert "adds no parameter" in problem and "`{name}_0_conv`" in problem


@pytest.mark.parametrize("block, words", [
    (blocks.basic_block_whose_option_a_pads_in_front, "puts the zero channels before x's channels"),
    (blocks.basic_block_whose_option_a_keeps_odd_rows, "keeps rows and columns 1, 1 + 2"),
    (blocks.basic_block_whose_option_a_averages, "averages 2x2 windows"),
])
def test_an_option_a_that_computes_other_values_is_named(block, words):
    result = check_basic_block(block, shortcut="both")
    assert not result.passed
    assert result.problems[0].startswith("(with shortcut='zero_pad')") and words in result.problems[0], result.problems
    assert any(line.startswith("  shortcut:") and line.endswith("✗") for line in result.structure), result.structure


def test_an_option_a_fitted_to_the_first_call_fails_a_later_one():
    doubled = check_basic_block(blocks.basic_block_whose_option_a_doubles_the_channels, shortcut="both")
    (problem,) = doubled.problems
    assert problem.startswith("(with shortcut='zero_pad', filters=10 on 9x9x6)"), problem
    assert "filters - x.shape[-1] = 4 zeros" in problem and "not a fixed number" in problem
    fixed_stride = check_basic_block(blocks.basic_block_whose_option_a_always_subsamples, shortcut="both")
    (problem,) = fixed_stride.problems
    assert problem.startswith("(with shortcut='zero_pad' and stride=1)"), problem
    assert "The sizes differ (4x4 vs 8x8)" in problem and "not a fixed number" in problem


def test_a_function_without_a_shortcut_argument_shows_how_the_check_calls_it():
    result = check_basic_block(blocks.correct_basic_block, shortcut="both")
    assert "shortcut='projection'" in result.problems[0] and "TypeError" in result.problems[0], result.problems


def test_an_unknown_shortcut_option_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="shortcut"):
        check_basic_block(blocks.correct_basic_block_both_shortcuts, shortcut="zero_pad")
