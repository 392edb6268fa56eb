"""The course ResNet: ResNet-style names, committed weights that match their record, and a recipe that
still reproduces the figures recorded when the weights were made."""

import shutil

import keras
import numpy as np
import pytest

from resnet_widgets.models import resnet
from resnet_widgets.training import COURSE_RESNET_CLASSES, PretrainedWeightsError, course_resnet, pretrained_record
from resnet_widgets.training.course_resnet import WEIGHTS_FILE, course_resnet_architecture, verify_pretrained_weights
from resnet_lab.pretraining import RECIPE, SHORT_RUN, kernel_norm, pretrain_course_resnet, pretraining_data

from ..first_steps import assert_first_steps_match


@pytest.mark.backend_neutral
def test_layer_names_follow_the_resnet_scheme_and_every_stage_ends_in_out():
    model = course_resnet(pretrained=False)
    names = [layer.name for layer in model.layers]
    assert names[1:4] == ["conv1_conv", "conv1_bn", "conv1_relu"]
    assert "conv2_block1_1_conv" in names and "conv5_block2_2_bn" in names
    outputs = {stage: model.get_layer(f"{stage}_block2_out").output.shape for stage in ("conv2", "conv3", "conv4", "conv5")}
    assert outputs == {"conv2": (None, 32, 32, 16), "conv3": (None, 16, 16, 32),
                       "conv4": (None, 8, 8, 64), "conv5": (None, 4, 4, 128)}
    assert names[-2:] == ["avg_pool", "predictions"]
    assert model.output.shape == (None, len(COURSE_RESNET_CLASSES))


@pytest.mark.backend_neutral
def test_without_the_top_it_ends_at_the_last_block_output():
    base = course_resnet(pretrained=False, include_top=False)
    assert base.layers[-1].name == "conv5_block2_out"
    assert base.output.shape == (None, 4, 4, 128)


@pytest.mark.backend_neutral
def test_the_committed_weights_load_and_match_their_recorded_sha256():
    record = pretrained_record()
    assert verify_pretrained_weights() == WEIGHTS_FILE
    pretrained, fresh = course_resnet(pretrained=True), course_resnet(pretrained=False)
    assert record["classes"] == list(COURSE_RESNET_CLASSES)
    assert not np.allclose(pretrained.get_layer("conv1_conv").kernel, fresh.get_layer("conv1_conv").kernel)
    assert kernel_norm(pretrained) == pytest.approx(record["kernel_norm"], abs=1e-3)


def test_a_damaged_weights_file_is_refused_before_loading(tmp_path):
    damaged = tmp_path / WEIGHTS_FILE.name
    shutil.copy(WEIGHTS_FILE, damaged)
    with open(damaged, "r+b") as handle:
        handle.seek(5000)
        byte = handle.read(1)
        handle.seek(5000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(PretrainedWeightsError, match="sha256"):
        verify_pretrained_weights(damaged)
    with pytest.raises(PretrainedWeightsError, match="missing"):
        verify_pretrained_weights(tmp_path / "absent.weights.h5")


@pytest.mark.backend_neutral
def test_the_committed_weights_reach_the_recorded_validation_accuracy():
    record = pretrained_record()
    data = pretraining_data()
    model = course_resnet(pretrained=True)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _, accuracy = model.evaluate(resnet.preprocess_input(data.x_val.astype("float32")), data.y_val, verbose=0)
    assert len(data.y_val) == record["data"]["validation"]
    assert accuracy == pytest.approx(record["validation_accuracy"], abs=0.004)  # two images of 500
    assert accuracy > 0.85


@pytest.mark.slow
def test_the_recipe_shortened_reproduces_the_recorded_first_steps():
    """The script's recipe, scheduled for SHORT_RUN's epochs, gives the first steps' losses recorded beside the weights.

    They were recorded on TensorFlow (the record says so). The first loss depends on the data, the architecture
    and the seed; the later ones on the recipe too (rate, momentum, weight decay, augmentation), and on the CPU's
    rounding (tests/first_steps.py). A two-epoch run's final loss would drift further (pretraining.SHORT_RUN).
    """
    record = pretrained_record()
    assert record["made_with"]["backend"] == keras.backend.backend() == "tensorflow"
    assert record["recipe"] == RECIPE
    _, figures = pretrain_course_resnet(epochs=SHORT_RUN["epochs"], steps=SHORT_RUN["first_steps"])
    recorded = record["short_run"]["first_losses"]
    assert len(figures["first_losses"]) == len(recorded) == SHORT_RUN["first_steps"]
    assert_first_steps_match(figures["first_losses"], recorded, "the course ResNet's recipe")


def test_bad_arguments_name_the_argument():
    with pytest.raises(TypeError, match="pretrained must be True or False"):
        course_resnet(pretrained="yes")
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2"):
        course_resnet_architecture(num_classes=1)
    with pytest.raises(TypeError, match="steps must be None or an int"):
        pretrain_course_resnet(epochs=2, steps="8")
    with pytest.raises(ValueError, match="steps must be a positive number of batches"):
        pretrain_course_resnet(epochs=2, steps=0)
