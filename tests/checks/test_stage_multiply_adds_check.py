"""check_stage_multiply_adds: notebook 05's exercise, a strided v1 stage's multiply-adds, and the typical slips."""

import pytest

from resnet_widgets.checks import ExerciseNotWritten, check_stage_multiply_adds
from resnet_widgets.checks.counting import MAC_MISTAKES, MAC_STAGES
from resnet_widgets.models import FAMILY
from resnet_widgets.models.costs import cost_breakdown, variant_cost


def closed_form(c, f, n, side, stride):
    s = (side + stride - 1) // stride  # a stride-2 1x1 convolution keeps rows 0, 2, 4, ...
    return (13 * f * f + 5 * c * f) * s * s + (n - 1) * 17 * f * f * s * s


def test_the_closed_form_passes_on_every_stage():
    result = check_stage_multiply_adds(closed_form)
    assert result.passed, result.problems
    assert len(result.structure) == len(MAC_STAGES) and all(line.endswith("✓") for line in result.structure)
    assert "multiply-adds" in result.facts[0]


@pytest.mark.parametrize("size", [224, 225])
def test_the_reference_agrees_with_the_family_table(size):
    """The stages the check uses are the family's own, at 224x224 and at 225x225: the same as cost_breakdown."""
    for where, c, f, n, side, stride in MAC_STAGES:
        stage, variant = where.split()[0], where.split()[2]
        if (size == 225) != where.endswith("225x225"):
            continue
        assert closed_form(c, f, n, side, stride) == cost_breakdown(variant, input_size=size)[stage].macs, where
        assert n == FAMILY[variant].depths[int(stage[-1]) - 2]
    assert variant_cost("ResNet50").macs > 0


@pytest.mark.parametrize("wrong, words", [
    (lambda c, f, n, side, st: closed_form(c, f, n, side * st, st), "at the stage's input side"),
    (lambda c, f, n, side, st: closed_form(c, f, n, side // st * st, st), "wrong on odd ones"),
    (lambda c, f, n, side, st: closed_form(c, f, n, side, st) + c * f * (side ** 2 - ((side + st - 1) // st) ** 2),
     "that is v1.5"),
    (lambda c, f, n, side, st: closed_form(c, f, n, side, st) - 4 * c * f * ((side + st - 1) // st) ** 2,
     "projection shortcut"),
    (lambda c, f, n, side, st: closed_form(c, f, n - 1, side, st), "one block short"),
])
def test_typical_wrong_counts_are_named(wrong, words):
    result = check_stage_multiply_adds(wrong)
    assert not result.passed and len(result.problems) == 2, result.problems
    assert words in result.problems[1], result.problems


def test_a_count_fitted_to_even_sides_fails_only_the_hidden_odd_stages():
    result = check_stage_multiply_adds(lambda c, f, n, side, st: closed_form(c, f, n, side // st * st, st))
    assert "on 2 of the 6 stages" in result.problems[0] and "225x225" in result.problems[0], result.problems


def test_each_typical_mistake_gives_its_own_counts():
    counts = {tuple(count(*args) for _, *args in MAC_STAGES) for count, _ in MAC_MISTAKES}
    assert len(counts) == len(MAC_MISTAKES)


def test_an_unknown_wrong_count_gets_advice_rather_than_a_guess():
    result = check_stage_multiply_adds(lambda *args: closed_form(*args) + 1)
    assert len(result.problems) == 1 and "k²·c_in·c_out" in result.notes[0]


def test_a_float_count_is_refused_with_advice():
    result = check_stage_multiply_adds(lambda *args: closed_form(*args) / 1)
    assert "whole number" in result.problems[0] and result.incomplete


def test_unwritten_count_raises_not_written_yet():
    def my_stage_multiply_adds(channels_in, filters, blocks, side, stride):
        raise NotImplementedError("Exercise: write your code here")

    with pytest.raises(ExerciseNotWritten, match="my_stage_multiply_adds"):
        check_stage_multiply_adds(my_stage_multiply_adds)


def test_a_function_that_is_not_callable_is_a_type_error_naming_fn():
    with pytest.raises(TypeError, match="fn"):
        check_stage_multiply_adds(4_089_184_256)
