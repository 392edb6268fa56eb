"""check_stage_parameters: notebook 05's closed-form count of a v1 stage, and the typical wrong counts."""

import pytest

from resnet_widgets.checks import ExerciseNotWritten, check_stage_parameters
from resnet_widgets.checks.counting import MISTAKES, STAGES
from resnet_widgets.models import FAMILY
from resnet_widgets.models.costs import cost_breakdown


def closed_form(c, f, n):
    return (13 * f * f + 5 * c * f + 50 * f) + (n - 1) * (17 * f * f + 30 * f)


def test_the_closed_form_passes_on_every_stage():
    result = check_stage_parameters(closed_form)
    assert result.passed, result.problems
    assert all(line.endswith("✓") for line in result.structure) and len(result.structure) == len(STAGES)


def test_the_reference_agrees_with_the_family_table():
    """The stages the check uses are the family's own: the same counts as cost_breakdown."""
    by_stage = {("conv2", "ResNet50"), ("conv3", "ResNet50"), ("conv4", "ResNet101"), ("conv3", "ResNet152"),
                ("conv5", "ResNet50")}
    for stage, variant in by_stage:
        where = next(s for s in STAGES if s[0] == f"{stage} of {variant}")
        assert closed_form(*where[1:]) == cost_breakdown(variant)[stage].params
        assert where[3] == FAMILY[variant].depths[int(stage[-1]) - 2]


@pytest.mark.parametrize("wrong, words", [
    (lambda c, f, n: closed_form(c, f, n) - (6 * f + 4 * f) - (n - 1) * 6 * f, "biases"),
    (lambda c, f, n: n * (17 * f * f + 30 * f), "every block as an identity block"),
    (lambda c, f, n: closed_form(c, f, n) - 16 * f, "BN after the projection"),
    (lambda c, f, n: closed_form(c, f, n - 1), "one block short"),
])
def test_typical_wrong_counts_are_named(wrong, words):
    result = check_stage_parameters(wrong)
    assert not result.passed and len(result.problems) == 2, result.problems
    assert "differs from the layers' on 5 of the 5 stages" in result.problems[0]
    assert words in result.problems[1]
    assert all("✗" in line for line in result.structure)


def test_each_typical_mistake_gives_its_own_counts():
    """Otherwise the first of two equal candidates would always be named for both."""
    counts = {tuple(count(c, f, n) for _, c, f, n in STAGES) for count, _ in MISTAKES}
    assert len(counts) == len(MISTAKES)


def test_an_unknown_wrong_count_gets_advice_rather_than_a_guess():
    result = check_stage_parameters(lambda c, f, n: closed_form(c, f, n) + 1)
    assert len(result.problems) == 1 and "layer by layer" in result.notes[0]


def test_a_float_count_is_refused_with_advice():
    result = check_stage_parameters(lambda c, f, n: closed_form(c, f, n) / 1)
    assert "whole number" in result.problems[0] and result.incomplete


def test_unwritten_count_raises_not_written_yet():
    def my_stage_parameters(channels_in, filters, blocks):
        raise NotImplementedError("Exercise: write your code here")

    with pytest.raises(ExerciseNotWritten, match="my_stage_parameters"):
        check_stage_parameters(my_stage_parameters)
