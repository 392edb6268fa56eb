"""diagnose() names each fine-tuning trap in a model built to have it, and finds nothing in a correct one."""

import keras
import numpy as np
import pytest

from resnet_widgets.models import resnet, resnet_v2
from resnet_widgets.training import ImagePreprocessing, course_resnet, diagnose, unfreeze

from .helpers import images, labels, naive_model, transfer_model

pytestmark = pytest.mark.backend_neutral


def test_a_correct_transfer_model_gives_no_finding():
    model = transfer_model()
    result = diagnose(model, data=(images(), labels()))
    assert not result and result.traps == ()
    assert "no findings" in str(result)
    assert set(result.checked) >= {"batch normalisation", "compile state", "input statistics", "learning rate"}


def test_a_correctly_unfrozen_model_with_a_low_learning_rate_gives_no_finding():
    model = transfer_model()
    unfreeze(model, "conv4")
    model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    assert diagnose(model, data=(images(), labels())).traps == ()


def test_a_network_trained_from_scratch_gives_no_finding():
    model = course_resnet(pretrained=False)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    x = resnet.preprocess_input(images().astype("float32"))
    model.fit(x, labels(), epochs=1, verbose=0)
    assert diagnose(model, data=(x, labels())).traps == ()


def test_batchnorm_in_training_mode_under_a_frozen_base_is_found():
    result = diagnose(naive_model())
    assert result.traps == ("batchnorm_training_mode",)
    finding = result.findings[0]
    assert finding.layers and all(name.startswith("conv5") and name.endswith("_bn") for name in finding.layers)
    assert "training=False" in finding.message


def test_trainable_batchnorm_in_inference_mode_is_found_as_its_own_trap():
    assert diagnose(naive_model(pin_inference=True)).traps == ("batchnorm_trainable",)


def test_trainable_changed_without_compiling_again_is_found_before_and_after_fit():
    model = transfer_model()
    model.get_layer("course_resnet").trainable = True  # no compile
    before = diagnose(model)
    assert before.traps == ("not_recompiled",)
    assert "course_resnet" in before.findings[0].layers

    fitted = transfer_model()
    fitted.fit(images(), labels(), epochs=1, verbose=0)
    fitted.get_layer("course_resnet").trainable = True
    try:  # TensorFlow trains the old set of layers; JAX refuses (the variables no longer match)
        fitted.fit(images(), labels(), epochs=1, verbose=0)
    except ValueError:
        pass
    after = diagnose(fitted)
    assert after.traps == ("not_recompiled",)
    assert "the optimizer updates" in after.findings[0].message
    fitted.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    assert "not_recompiled" not in diagnose(fitted).traps


@pytest.mark.parametrize("wrong", ["unit floats", "already preprocessed"])
def test_images_outside_the_range_the_models_own_preprocessing_expects_are_found(wrong):
    x = images().astype("float32")
    x = x / 255.0 if wrong == "unit floats" else resnet.preprocess_input(x)
    result = diagnose(transfer_model(), data=(x, labels()))
    assert result.traps == ("preprocessing_mismatch",)


@pytest.mark.parametrize("wrong", ["tf", "unit floats", "raw"])
def test_a_caffe_mode_base_fed_other_preprocessing_is_found(wrong):
    model = course_resnet()
    model.compile(loss="sparse_categorical_crossentropy")
    raw = images().astype("float32")
    x = {"tf": resnet_v2.preprocess_input(raw.copy()), "unit floats": raw / 255.0, "raw": raw}[wrong]
    result = diagnose(model, data=x)
    assert result.traps == ("preprocessing_mismatch",), str(result)
    assert "caffe" in result.findings[0].message
    assert diagnose(model, data=resnet.preprocess_input(raw.copy())).traps == ()


def test_a_softmax_head_with_a_from_logits_loss_is_found_and_so_is_the_reverse():
    model = transfer_model(compile_lr=None)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert diagnose(model).traps == ("activation_loss_mismatch",)

    inputs = keras.Input((4,))
    logits = keras.layers.Dense(3, name="scores")(inputs)
    linear = keras.Model(inputs, logits)
    linear.compile("adam", "sparse_categorical_crossentropy")
    finding = diagnose(linear).findings[0]
    assert finding.trap == "activation_loss_mismatch" and finding.layers == ("scores",)
    linear.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert diagnose(linear).traps == ()


def test_a_learning_rate_too_high_for_the_unfrozen_layers_is_found():
    model = transfer_model()
    unfreeze(model, "conv4")
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    result = diagnose(model, data=(images(), labels()))
    assert result.traps == ("learning_rate_too_high",)
    assert all(name.startswith(("conv4", "conv5")) for name in result.findings[0].layers)

    sgd = transfer_model()
    unfreeze(sgd, "conv5")
    sgd.compile(keras.optimizers.SGD(50.0), "sparse_categorical_crossentropy")
    assert diagnose(sgd, data=(images(), labels())).traps == ("learning_rate_too_high",)


def test_checks_that_need_data_say_they_were_skipped():
    result = diagnose(transfer_model())
    assert any("pass data" in note for note in result.skipped)
    with pytest.raises(TypeError, match="keras.Model"):
        diagnose("model")


def _state(model):
    """Every variable of the model (weights, BN moving statistics, seed states) as raw bytes."""
    return {variable.path: np.asarray(keras.ops.convert_to_numpy(variable)).tobytes() for variable in model.variables}


def test_diagnose_leaves_every_variable_bit_for_bit_unchanged():
    # conv5 unfrozen with its BN, the base not pinned to inference: the learning-rate check's gradient runs the
    # model in training mode, where those BN layers would update their moving statistics.
    model = naive_model()
    before = _state(model)
    moving = [v.path for v in model.variables if "moving" in v.path and v.path.split("/")[-2].startswith("conv5")]
    assert moving  # the statistics that a training-mode call would move are among the variables compared
    result = diagnose(model, data=(images(), labels()))
    assert "learning rate" in result.checked  # the gradient was measured
    after = _state(model)
    assert after.keys() == before.keys()
    changed = [path for path in before if before[path] != after[path]]
    assert changed == [], f"diagnose changed {changed[:5]}"


def _unfrozen_whole(pin_inference, pretrained=True):
    """The Keras transfer-learning guide's fine-tuning step: the course ResNet as a nested base, then
    base.trainable = True for the whole base and a compile."""
    base = course_resnet(pretrained=pretrained, include_top=False)
    inputs = keras.Input((32, 32, 3))
    x = ImagePreprocessing("caffe")(inputs)
    x = base(x, training=False) if pin_inference else base(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(5, activation="softmax", name="predictions")(x))
    base.trainable = True
    model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    return model


def test_a_pretrained_base_unfrozen_whole_and_called_in_training_mode_is_found():
    result = diagnose(_unfrozen_whole(pin_inference=False))
    assert result.traps == ("batchnorm_training_mode",), str(result)
    finding = result.findings[0]
    assert "'course_resnet' is unfrozen whole" in finding.message and "training=False" in finding.fix
    assert "conv1_bn" in finding.layers and all(name.endswith("_bn") for name in finding.layers)


def test_a_pretrained_base_unfrozen_whole_but_called_with_training_false_gives_no_finding():
    assert diagnose(_unfrozen_whole(pin_inference=True)).traps == ()


def test_a_fresh_nested_network_trained_whole_gives_no_finding():
    # Random weights, moving statistics never moved: training BN from scratch is what BN is for.
    assert diagnose(_unfrozen_whole(pin_inference=False, pretrained=False)).traps == ()
