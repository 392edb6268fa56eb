"""The verdict a learner reads: plain text and HTML, deterministic, with the problems numbered."""

from resnet_widgets.checks import CheckResult, check_identity_block

from . import blocks_to_check as blocks


def test_passing_verdict_reads_as_text_and_html():
    result = check_identity_block(blocks.correct_identity_block)
    text = str(result)
    assert text.startswith("Identity block: passed.")
    assert "✓ output shape (None, 8, 8, 16); 392 parameters, as in the reference" in text
    assert "residual branch F(x): 1x1 conv (4) → BN → ReLU → 3x3 conv (4) → BN → ReLU → 1x1 conv (16) → BN" in text
    assert repr(result) == text
    assert "passed. Well done!" in result._repr_html_()


def test_failing_verdict_numbers_problems_and_marks_names_as_code():
    result = check_identity_block(blocks.identity_block_without_final_relu)
    assert "Identity block: 1 problem to fix." in str(result) and "\n  1. There is no ReLU" in str(result)
    html = result._repr_html_()
    assert "<ol" in html and "<code>layers.Activation(&#x27;relu&#x27;, name=f&quot;{name}_out&quot;)</code>" in html


def test_html_escapes_what_the_learner_wrote():
    result = CheckResult("identity block", problems=["`<script>` is not a layer"])
    assert "&lt;script&gt;" in result._repr_html_() and "<script>" not in result._repr_html_()


def test_verdicts_are_deterministic():
    first = str(check_identity_block(blocks.identity_block_with_relu_before_add))
    assert str(check_identity_block(blocks.identity_block_with_relu_before_add)) == first


def test_what_the_check_saw_is_open_when_something_is_wrong_and_keeps_its_alignment():
    failing = check_identity_block(blocks.identity_block_with_relu_before_add)._repr_html_()
    passing = check_identity_block(blocks.correct_identity_block)._repr_html_()
    assert "<details open><summary>What the check saw</summary><pre" in failing
    assert "<details><summary>What the check saw</summary><pre" in passing
    assert "\n            expected: 1x1 conv (4)" in failing  # the colons line up under each other
