"""The verdict under nbgrader: the hidden calls join the visible one, and the points are the share that passed."""

import pytest

from resnet_widgets.checks import POINTS, CheckResult, check_conv_block, check_identity_block, check_stage_multiply_adds
from resnet_widgets.checks.counting import stage_multiply_adds

from . import blocks_to_check as blocks


def identity_block_fitted_to_the_visible_call(x, filters, name):
    """Right for the check the notebook shows (filters=4, 16 channels), with the expansion written as 16."""
    return blocks.finish(x, blocks.residual_branch(x, filters, name, expansion=16 // filters), name)


def test_a_passing_verdict_with_its_hidden_calls_reads_as_the_visible_one():
    visible = check_identity_block(blocks.correct_identity_block)
    combined = visible.including(check_identity_block(blocks.correct_identity_block, filters=8, size=6))
    assert str(combined) == str(visible) and combined._repr_html_() == visible._repr_html_()
    assert (combined.calls, combined.calls_passed, combined.score, combined.points) == (2, 2, 1.0, POINTS)


def test_a_block_fitted_to_the_visible_call_earns_part_of_the_points_and_is_told_why():
    visible = check_identity_block(identity_block_fitted_to_the_visible_call)
    assert visible.passed
    hidden = check_identity_block(identity_block_fitted_to_the_visible_call, filters=8, size=6)
    combined = visible.including(hidden)
    assert not combined.passed and 0 < combined.points < POINTS
    assert combined.score == 0.5
    assert combined.problems[0].startswith("(a call with other arguments) ") and "32" in combined.problems[0]
    assert visible.passed and len(visible.problems) == 0  # the visible verdict itself is unchanged


def test_a_mistake_every_call_finds_earns_nothing():
    combined = check_identity_block(blocks.identity_block_without_final_relu).including(
        check_identity_block(blocks.identity_block_without_final_relu, filters=8, size=6))
    assert combined.points == 0 and len(combined.problems) == 2


def test_a_verdict_never_earns_every_point_with_a_problem():
    result = CheckResult("block", problems=["wrong"], calls=3, calls_passed=3)
    assert result.score == pytest.approx(2 / 3) and result.points < POINTS


def test_under_nbgrader_the_plain_text_is_the_points_and_the_html_the_verdict(monkeypatch):
    verdict = CheckResult("block", problems=["The ReLU is missing."]).including(CheckResult("block"))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert verdict._repr_mimebundle_() is None  # IPython's usual display: the text and the HTML of the verdict
    for run in ("autograde", "validate"):
        monkeypatch.setenv("NBGRADER_EXECUTION", run)
        bundle = verdict._repr_mimebundle_()
        assert float(bundle["text/plain"]) == verdict.points == POINTS / 2
        assert "The ReLU is missing." in bundle["text/html"]


def test_the_hidden_calls_call_the_function_with_their_own_arguments():
    shapes = []

    def recording_block(x, filters, stride, name, stride_on="1x1"):
        shapes.append((tuple(x.shape[1:]), filters))
        return blocks.correct_conv_block(x, filters, stride, name)

    check_conv_block(recording_block, filters=8, size=7)
    assert shapes[0] == ((7, 7, 16), 8)
    stages = (("a stage of 2 blocks on 9x9", 32, 16, 2, 9, 2),)
    assert check_stage_multiply_adds(stage_multiply_adds, stages=stages).passed
    assert not check_stage_multiply_adds(lambda c, f, n, side, stride: 123, stages=stages).passed
