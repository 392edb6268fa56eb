"""check_identity_block names the typical mistakes of a learner's identity block, one by one."""

import pytest

from resnet_widgets.checks import CheckResult, ExerciseNotWritten, check_identity_block
from resnet_widgets.models import identity_block

from . import blocks_to_check as blocks


def only_problem(result):
    assert isinstance(result, CheckResult)
    assert not result.passed
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_correct_identity_block_passes_with_equal_outputs():
    result = check_identity_block(blocks.correct_identity_block)
    assert result.passed, result.problems
    assert result.problems == [] and result.notes == []
    assert any("same output as the reference" in fact for fact in result.facts)


def test_our_identity_block_passes():
    assert check_identity_block(identity_block).passed


# One learner mistake per row: the block that makes it, and what the one problem the check reports must say.
MISTAKES = [
    pytest.param(blocks.identity_block_without_final_relu, ["no ReLU after the addition", 'name=f"{name}_out"'],
                 id="missing_relu_after_the_add_is_named"),
    pytest.param(blocks.identity_block_with_relu_before_add, ["before the addition", "`{name}_3_relu`"],
                 id="relu_before_the_add_is_named"),
    pytest.param(blocks.identity_block_without_second_bn,
                 ["BatchNormalization is missing after the 3x3 convolution", "`{name}_2_bn`"],
                 id="missing_batch_normalization_names_the_convolution"),
    pytest.param(blocks.identity_block_without_first_relu, ["ReLU after the first 1x1 convolution", "`{name}_1_relu`"],
                 id="missing_relu_inside_the_branch_is_named"),
    pytest.param(blocks.identity_block_with_relu_before_bn,
                 ["ReLU → BatchNormalization", "BatchNormalization → ReLU"],
                 id="relu_before_batch_normalization_is_an_order_problem"),
    pytest.param(blocks.identity_block_without_expansion, ["4x expansion", "16 channels"],
                 id="forgotten_expansion_is_named"),
    pytest.param(blocks.identity_block_without_shortcut, ["no addition", "shortcut is never added"],
                 id="block_without_shortcut_is_not_residual"),
    pytest.param(blocks.identity_block_adding_its_branch_to_itself, ["adds one tensor to itself", "shortcut = x"],
                 id="adding_the_branch_to_itself_is_caught"),
    pytest.param(blocks.identity_block_with_fixed_names, ["'conv2_block2'", "`name` argument"],
                 id="fixed_name_prefix_is_caught"),
    pytest.param(blocks.identity_block_with_duplicate_names, ['f"{name}_bn" is used by 2 layers'],
                 id="duplicate_names_are_explained"),
    pytest.param(blocks.identity_block_with_valid_padding, ["8x8 vs 6x6", "padding='same'"],
                 id="valid_padding_is_explained_from_the_failed_addition"),
    pytest.param(blocks.identity_block_with_fused_relu, ["activation='relu' built in", "`{name}_1_conv`"],
                 id="relu_inside_the_convolution_is_caught"),
    pytest.param(blocks.identity_block_without_bias, ["use_bias=False", "official weight files"],
                 id="convolutions_without_bias_are_caught"),
    pytest.param(blocks.identity_block_that_returns_nothing, ["returned None"], id="function_returning_none_is_caught"),
]


@pytest.mark.parametrize("block, fragments", MISTAKES)
def test_each_mistake_is_the_one_problem_and_named(block, fragments):
    problem = only_problem(check_identity_block(block))
    missing = [fragment for fragment in fragments if fragment not in problem]
    assert not missing, f"the problem does not say {missing}: {problem}"


def test_shortcut_taken_inside_the_branch_is_caught_and_the_branch_still_compared():
    result = check_identity_block(blocks.identity_block_with_shortcut_from_inside)
    assert len(result.problems) == 2 and not result.incomplete, result.problems
    assert "inside the residual branch" in result.problems[0] and "`{name}_1_relu`" in result.problems[0]
    assert "first 1x1 convolution (`{name}_1_conv`) has 16 filters; it should have 4" in result.problems[1]


def test_wrong_weighted_layer_names_are_listed_and_unweighted_ones_noted():
    result = check_identity_block(blocks.identity_block_with_own_names)
    problem = only_problem(result)
    assert "`reduce` → `{name}_1_conv`" in problem and "`bn_a` → `{name}_1_bn`" in problem
    assert len(result.notes) == 1 and "`relu_a` → `{name}_1_relu`" in result.notes[0]


def test_default_batchnorm_epsilon_is_caught_once_for_all_layers():
    problem = only_problem(check_identity_block(blocks.identity_block_with_default_epsilon))
    assert "epsilon=0.001" in problem and "1.001e-05" in problem
    assert all(f"`{{name}}_{i}_bn`" in problem for i in (1, 2, 3))


def test_operators_instead_of_named_layers_pass_with_notes():
    result = check_identity_block(blocks.identity_block_with_operators)
    assert result.passed, result.problems
    assert len(result.notes) == 2
    assert 'layers.Add(name=f"{name}_add")' in result.notes[0]


def test_unwritten_exercise_raises_a_one_line_not_written_yet():
    with pytest.raises(ExerciseNotWritten, match="Not written yet: identity_block_not_written_yet") as raised:
        check_identity_block(blocks.identity_block_not_written_yet)
    (line,) = raised.value._render_traceback_()
    assert "Not written yet" in line and "Traceback" not in line
    # A learner who writes the code and re-runs only the check must learn that the exercise cell runs first.
    assert "run that cell first" in line and "this check again" in line
    assert "between the markers" not in line  # a student copy has no markers


def test_wrong_signature_shows_how_the_check_calls_it():
    problem = only_problem(check_identity_block(lambda x, channels, block_name: x))
    assert "(x, filters=4, name='checked_block')" in problem and "TypeError" in problem


def test_non_callable_is_a_type_error():
    with pytest.raises(TypeError, match=r"fn must be a function \(your block function"):
        check_identity_block("my_identity_block")


def test_both_mistakes_of_notebook_02s_demo_are_reported():
    result = check_identity_block(blocks.block_from_notebook_02_with_two_mistakes)
    assert len(result.problems) == 2 and not result.incomplete, result.problems
    assert "adds one tensor to itself" in result.problems[0]
    assert "ReLU (`{name}_3_relu`) on the residual branch before the addition" in result.problems[1]


def test_what_the_check_saw_marks_the_wrong_part_and_shows_what_was_expected():
    lines = check_identity_block(blocks.block_from_notebook_02_with_two_mistakes).structure
    residual = next(i for i, line in enumerate(lines) if line.startswith("residual branch"))
    assert lines[residual].endswith("→ 1x1 conv (16) → BN → ReLU   ✗")
    assert lines[residual + 1].strip() == "expected: " + lines[residual].split(": ", 1)[1][: -len(" → ReLU   ✗")]
    assert any(line.startswith("shortcut: lost") and line.endswith("✗") for line in lines)
    assert "after the addition: ReLU   ✓" in lines


def test_a_build_that_fails_says_more_may_follow_below_the_problems_not_in_the_headline():
    result = check_identity_block(blocks.identity_block_with_valid_padding)
    text = str(result)
    assert result.incomplete and result.headline.endswith("to fix.")
    assert text.index("more may follow") > text.index("Problems:")
    assert "more may follow" in result._repr_html_()


@pytest.mark.parametrize("block", [name for name in dir(blocks) if name.startswith("identity_block_")
                                   and name != "identity_block_not_written_yet"])
def test_messages_name_layers_as_the_learner_wrote_them(block):
    result = check_identity_block(getattr(blocks, block))
    for text in result.problems + result.notes + result.structure:
        assert "checked_block_" not in text, text
