"""check_preact_block: notebook 06's v2 block, in keras.applications' layout (official weights bind to it)."""

import pytest

from resnet_widgets.checks import check_preact_block
from resnet_widgets.models import preact_block

from . import blocks_to_check as blocks


def test_correct_preact_block_passes_all_three_calls():
    result = check_preact_block(blocks.correct_preact_block)
    assert result.passed, result.problems
    assert result.notes == []
    assert any("1x1 max pool" in fact for fact in result.facts)


def test_our_preact_block_passes():
    def ours(x, filters, stride=1, conv_shortcut=False, name="block"):
        return preact_block(x, filters, stride=stride, conv_shortcut=conv_shortcut, name=name)

    assert check_preact_block(ours).passed


@pytest.mark.parametrize("block, words", [
    ("preact_block_with_relu_after_add", ["After the addition comes ReLU", "nothing follows it"]),
    ("preact_block_with_bn_after_the_last_convolution", ["`{name}_3_bn`", "ends with its last convolution"]),
    ("preact_block_whose_projection_reads_x", ["The projection reads x itself", "`{name}_preact_relu`"]),
    ("preact_block_with_biases_before_bn", ["`{name}_1_conv`, `{name}_2_conv` have a bias", "use_bias=False"]),
])
def test_each_v2_mistake_is_the_one_problem_named(block, words):
    result = check_preact_block(getattr(blocks, block))
    (problem,) = result.problems
    assert all(word in problem for word in words), problem


def test_missing_preactivation_names_both_paths():
    result = check_preact_block(blocks.preact_block_without_preactivation)
    assert len(result.problems) == 2
    assert "The projection reads x itself" in result.problems[0]
    assert "must start with BN → ReLU" in result.problems[1] and "`{name}_preact_bn`" in result.problems[1]


def test_unsubsampled_shortcut_is_explained_from_the_failed_addition():
    result = check_preact_block(blocks.preact_block_without_subsampled_shortcut)
    (problem,) = result.problems
    assert problem.startswith("(with stride=2 and conv_shortcut=False)")
    assert "8x8 vs 4x4" in problem and "1x1 max pool with strides=stride" in problem


def test_same_padding_is_fine_at_stride_1_and_named_at_stride_2():
    result = check_preact_block(blocks.preact_block_with_same_padding)
    (problem,) = result.problems
    assert problem.startswith("(with stride=2 and conv_shortcut=False)")
    assert "padding='same'" in problem and "ZeroPadding2D" in problem and "`{name}_2_pad`" in problem


def test_a_parameter_count_that_differs_is_never_marked_with_a_tick():
    # The BN after the last convolution adds 4 numbers per output channel: 16 channels, 64 parameters.
    result = check_preact_block(blocks.preact_block_with_bn_after_the_last_convolution)
    text = str(result)
    assert not any("parameters" in fact for fact in result.facts), result.facts
    assert "the reference has 464" in text
    assert not any(line.startswith("  ✓") and "reference has" in line for line in text.splitlines())
