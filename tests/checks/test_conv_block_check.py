"""check_conv_block: the projection shortcut and where the stride sits."""

import pytest

from resnet_widgets.checks import check_conv_block
from resnet_widgets.models import conv_block

from . import blocks_to_check as blocks


def test_correct_conv_block_passes_with_both_strides():
    result = check_conv_block(blocks.correct_conv_block)
    assert result.passed, result.problems
    assert any("stride=1 too" in fact for fact in result.facts)


@pytest.mark.parametrize("stride_on", ["1x1", "3x3"])
def test_our_conv_block_passes_for_its_own_stride_placement(stride_on):
    def ours(x, filters, stride, name):
        return conv_block(x, filters, stride=stride, stride_on=stride_on, name=name)

    assert check_conv_block(ours, stride_on=stride_on).passed


def test_stride_in_the_3x3_is_v15_and_named_as_such():
    result = check_conv_block(blocks.conv_block_v15)
    assert result.problems == [result.problems[0]]
    assert "3x3 convolution (`{name}_2_conv`)" in result.problems[0]
    assert "v1.5" in result.problems[0] and "stride_on='3x3'" in result.problems[0]
    assert check_conv_block(blocks.conv_block_v15, stride_on="3x3").passed


def test_v1_block_fails_a_v15_check_with_the_placement_named():
    result = check_conv_block(blocks.correct_conv_block, stride_on="3x3")
    assert len(result.problems) == 1 and "first 1x1 convolution (`{name}_1_conv`)" in result.problems[0]


def test_missing_projection_is_named():
    result = check_conv_block(blocks.conv_block_without_projection)
    assert len(result.problems) == 1
    assert "projection shortcut is missing" in result.problems[0] and "8 channels" in result.problems[0]


def test_projection_without_batch_normalization_is_named():
    result = check_conv_block(blocks.conv_block_without_projection_bn)
    assert result.problems == [
        "BatchNormalization is missing after the projection (`{name}_0_conv`) (keras.applications calls it "
        "`{name}_0_bn`). Every convolution is followed by BN (He et al. 2015, sec. 3.4)."]


def test_projection_without_the_stride_is_explained():
    result = check_conv_block(blocks.conv_block_with_unstrided_projection)
    assert len(result.problems) == 1 and "8x8 vs 4x4" in result.problems[0]


def test_hard_coded_stride_is_found_by_the_second_call():
    result = check_conv_block(blocks.conv_block_with_hard_coded_stride)
    assert not result.passed
    assert all(problem.startswith("(with stride=1)") for problem in result.problems)
    assert any("use strides=stride, not a fixed number" in problem for problem in result.problems)


def test_unknown_stride_placement_is_a_value_error():
    with pytest.raises(ValueError, match="stride_on must be one of '1x1', '3x3'"):
        check_conv_block(blocks.correct_conv_block, stride_on="middle")


# Notebook 03's exercise asks for one function with both placements, which the walkthrough does not print.


def test_one_function_with_both_stride_placements_passes_all_three_calls():
    result = check_conv_block(blocks.correct_conv_block_both_placements, stride_on="both")
    assert result.passed, result.problems
    assert any("stride_on='3x3' too" in fact for fact in result.facts)


def test_a_function_that_ignores_stride_on_is_told_where_the_v15_stride_goes():
    result = check_conv_block(blocks.conv_block_that_ignores_stride_on, stride_on="both")
    (problem,) = result.problems
    assert problem.startswith("(with stride_on='3x3')") and "`{name}_2_conv`" in problem, problem


def test_a_v15_block_whose_projection_lost_its_stride_is_named():
    result = check_conv_block(blocks.conv_block_that_moves_the_projection_stride_too, stride_on="both")
    assert not result.passed
    assert all(p.startswith("(with stride_on='3x3')") for p in result.problems), result.problems
    assert any("8x8 vs 4x4" in p and "both the shortcut and" in p for p in result.problems), result.problems


def test_a_function_without_stride_on_shows_how_the_check_calls_it():
    result = check_conv_block(blocks.conv_block_without_a_stride_on_argument, stride_on="both")
    assert "stride_on='1x1'" in result.problems[0] and "TypeError" in result.problems[0], result.problems


def test_an_unknown_stride_placement_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="stride_on"):
        check_conv_block(blocks.correct_conv_block_both_placements, stride_on="2x2")
