"""Argument errors: refused where keras.applications refuses, plus an unknown pooling (which keras
ignores). Every message names the argument."""

import keras
import numpy as np
import pytest

from resnet_widgets import models

# (kwargs, argument the message must name); keras.applications refuses each of these too.
REFUSED_LIKE_KERAS = [
    (dict(weights="no/such/file.h5"), "weights"),
    (dict(weights="imagenet", classes=10), "classes"),
    (dict(weights="imagenet", include_top=True, input_shape=(200, 200, 3)), "input_shape"),
    (dict(weights=None, include_top=False, input_shape=(31, 64, 3)), "input_shape"),
    (dict(weights=None, include_top=False, input_shape=(64, 16, 3)), "input_shape"),
    (dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)), "input_shape"),
    (dict(weights="imagenet", include_top=False, input_shape=(64, 64)), "input_shape"),
    (dict(weights=None, include_top=False, input_shape=(64, 64, 3, 1)), "input_shape"),
    (dict(weights=None, include_top=True, input_shape=(None, None, 3)), "input_shape"),
]


@pytest.mark.parametrize("kwargs, argument", REFUSED_LIKE_KERAS)
def test_refused_like_keras_with_a_message_naming_the_argument(kwargs, argument):
    with pytest.raises(ValueError):
        keras.applications.ResNet50(**kwargs)
    with pytest.raises(ValueError) as caught:
        models.ResNet50(**kwargs)
    assert argument in str(caught.value)
    assert "received" in str(caught.value)


def test_classifier_activation_other_than_softmax_or_none_is_refused_with_pretrained_weights(tmp_path):
    path = tmp_path / "w.weights.h5"
    models.ResNet50(weights=None, input_shape=(32, 32, 3), classes=3).save_weights(path)
    for weights in ("imagenet", str(path)):
        with pytest.raises(ValueError, match="classifier_activation"):
            models.ResNet50(weights=weights, classifier_activation="sigmoid")
    with pytest.raises(ValueError, match="classifier_activation"):
        keras.applications.ResNet50(weights=str(path), classifier_activation="sigmoid", input_shape=(32, 32, 3),
                                    classes=3)


def test_classifier_activation_is_free_without_pretrained_weights():
    model = models.ResNet50(weights=None, classifier_activation="sigmoid", input_shape=(32, 32, 3), classes=2)
    assert model.get_layer("predictions").get_config()["activation"] == "sigmoid"


@pytest.mark.parametrize("pooling", ["mean", "AVG", "global", 1])
def test_unknown_pooling_is_an_error_naming_the_allowed_values(pooling):
    with pytest.raises(ValueError) as caught:
        models.ResNet50(weights=None, include_top=False, pooling=pooling)
    message = str(caught.value)
    assert "pooling" in message and "'avg'" in message and "'max'" in message and "None" in message


@pytest.mark.parametrize("weights, error", [(42, TypeError), ("ImageNet", ValueError), (["imagenet"], TypeError)])
def test_weights_must_be_none_imagenet_or_an_existing_path(weights, error):
    with pytest.raises(error) as caught:
        models.ResNet50(weights=weights)
    assert "weights" in str(caught.value) and "'imagenet'" in str(caught.value) and "None" in str(caught.value)


@pytest.mark.parametrize("classes, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("10", TypeError),
                                            (True, TypeError)])
def test_classes_must_be_a_positive_integer(classes, error):
    with pytest.raises(error, match=rf"^classes must be an integer >= 1 .*; received classes={classes!r}$"):
        models.ResNet50(weights=None, classes=classes)


def test_numpy_integers_and_bools_are_accepted_as_the_numbers_they_hold():
    """A count read from an array (np.int64) is a count: ResNet50(classes=np.int64(10)) builds a 10-way head."""
    model = models.ResNet50(weights=None, classes=np.int64(10), include_top=np.bool_(True),
                            input_shape=(np.int64(32), 32, 3))
    assert model.output_shape == (None, 10)
    assert model.input_shape == (None, 32, 32, 3)


@pytest.mark.parametrize("include_top", ["yes", 1, None])
def test_include_top_must_be_true_or_false(include_top):
    """keras.applications takes any truthy value, so include_top="no" would keep the head; refuse it."""
    expected = rf"^include_top must be True or False .*; received include_top={include_top!r}$"
    with pytest.raises(TypeError, match=expected):
        models.ResNet50(weights=None, include_top=include_top)


def test_unknown_variant_lists_the_family():
    with pytest.raises(ValueError) as caught:
        models.build_resnet("ResNet51", weights=None)
    message = str(caught.value)
    assert message.startswith("variant must be one of ")
    assert message.endswith("received variant='ResNet51'")
    assert all(repr(name) in message for name in models.FAMILY)


def test_input_tensor_must_be_a_keras_tensor():
    with pytest.raises(TypeError, match="input_tensor"):
        models.ResNet50(weights=None, input_tensor=np.zeros((1, 224, 224, 3), "float32"))


def test_arguments_are_checked_before_anything_is_built():
    """A refused call leaves no half-built graph behind: no layer was created."""
    keras.backend.clear_session()
    with pytest.raises(ValueError):
        models.ResNet152(weights=None, include_top=False, pooling="mean")
    assert keras.backend.get_uid("conv2d") == 1  # the next Conv2D would be the first


def test_signature_and_defaults_equal_keras_applications():
    import inspect

    for variant in models.KERAS_VARIANTS:
        ours = inspect.signature(getattr(models, variant)).parameters
        theirs = inspect.signature(getattr(keras.applications, variant)).parameters
        assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]
