"""resnet_widgets.arguments, the package's one module of argument checks: what each check accepts, what it
returns, and the words it refuses with."""

import numpy as np
import pytest

from resnet_widgets import arguments

@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.int32(3)])
def test_whole_numbers_include_numpy_integers_and_come_back_as_python_ints(value):
    result = arguments.whole_number("depth", value)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("value", [True, np.bool_(True), 3.0, "3", None, np.float64(3)])
def test_bools_floats_and_strings_are_not_whole_numbers(value):
    with pytest.raises(TypeError, match=r"^depth must be an integer >= 1; received depth="):
        arguments.whole_number("depth", value)


def test_a_whole_number_out_of_range_is_a_value_error_naming_the_range():
    with pytest.raises(ValueError, match=r"^stride must be an integer from 1 to 2 \(where it downsamples\); "
                                         r"received stride=3$"):
        arguments.whole_number("stride", 3, maximum=2, meaning="where it downsamples")


@pytest.mark.parametrize("value, accepted", [(0.5, True), (np.float32(0.5), True), (1.0, False), (0.0, True),
                                             (float("nan"), False)])
def test_real_numbers_respect_open_and_closed_bounds(value, accepted):
    if accepted:
        assert arguments.real_number("rate", value, minimum=0, maximum=1, open_maximum=True) == float(value)
    else:
        with pytest.raises(ValueError, match=r"^rate must be a number >= 0 and < 1; received rate="):
            arguments.real_number("rate", value, minimum=0, maximum=1, open_maximum=True)


def test_choices_match_exactly_and_list_what_is_allowed():
    assert arguments.choice("pooling", None, (None, "avg")) is None
    for wrong in ("AVG", b"avg", 1, True):
        with pytest.raises(ValueError, match=r"^pooling must be one of None, 'avg'; received pooling="):
            arguments.choice("pooling", wrong, (None, "avg"))
    with pytest.raises(ValueError):
        arguments.choice("stride", True, (1, 2))  # True is not the choice 1


def test_image_sizes_become_height_width_pairs_with_the_resnet_minimum_by_default():
    assert arguments.image_size("image_size", 224) == (224, 224)
    assert arguments.image_size("image_size", (np.int64(64), 48)) == (64, 48)
    with pytest.raises(ValueError, match=r"at least 32 pixels on each side \(five stride-2 steps leave 1x1 at 32 px\)"):
        arguments.image_size("image_size", (31, 64))
    with pytest.raises(TypeError, match=r"^image_size must be an integer or a \(height, width\) pair"):
        arguments.image_size("image_size", "224")


def test_an_image_size_with_its_own_minimum_gives_no_resnet_reason():
    assert arguments.image_size("size", 8, minimum=1) == (8, 8)
    with pytest.raises(ValueError) as caught:
        arguments.image_size("size", (0, 8), minimum=1)
    assert str(caught.value) == "size must be at least 1 pixel on each side; received size=(0, 8)"


def test_class_labels_must_be_in_range_and_whole():
    np.testing.assert_array_equal(arguments.class_labels("y", [0.0, 2.0], 3), [0, 2])
    with pytest.raises(ValueError, match=r"^y must be class indices from 0 to 2 \(num_classes=3\); received 1 label"):
        arguments.class_labels("y", [0, 3], 3)
    with pytest.raises(TypeError, match=r"^y must hold integer class indices"):
        arguments.class_labels("y", [0.5], 3)


def test_image_batches_need_four_axes_and_say_how_to_add_the_batch_axis():
    with pytest.raises(ValueError, match=r"add a batch axis: images\[None\]"):
        arguments.image_batch("images", np.zeros((8, 8, 3)))
    assert arguments.image_batch("images", np.zeros((1, 8, 8, 3))).shape == (1, 8, 8, 3)


def test_the_resnet_block_name_pattern_reads_stage_block_and_rest():
    match = arguments.RESNET_BLOCK_NAME.match("conv4_block12_2_conv")
    assert match.groups() == ("conv4", "12", "2_conv")
    assert arguments.RESNET_BLOCK_NAME.match("conv3_block1").groups() == ("conv3", "1", None)
    assert arguments.RESNET_BLOCK_NAME.match("conv1_conv") is None
    assert arguments.RESNET_BLOCK_NAME.match("post_bn") is None
