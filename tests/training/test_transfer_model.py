"""build_transfer_model: raw pixels in, the variant's preprocessing and augmentation inside, a frozen base
called with training=False, a new head; bad input refused with the argument named."""

import keras
import numpy as np
import pytest

from resnet_widgets import keras_internals
from resnet_widgets.models import FAMILY, ResNet50, resnet, resnet_v2
from resnet_widgets.training import ImagePreprocessing, build_transfer_model, course_resnet, preprocessing_mode

from .helpers import images

pytestmark = pytest.mark.backend_neutral


@pytest.mark.parametrize("mode, reference", [("caffe", resnet.preprocess_input), ("tf", resnet_v2.preprocess_input)])
def test_the_preprocessing_layer_computes_what_keras_preprocess_input_computes(mode, reference):
    raw = images(4)
    ours = np.asarray(ImagePreprocessing(mode)(raw))
    np.testing.assert_allclose(ours, reference(raw.astype("float32")), atol=1e-4)


def test_each_variant_gets_its_own_preprocessing_inside_the_model():
    assert {name: preprocessing_mode(name) for name in FAMILY} == {
        "ResNet18": "caffe", "ResNet34": "caffe", "ResNet50": "caffe", "ResNet101": "caffe", "ResNet152": "caffe",
        "ResNet50V2": "tf", "ResNet101V2": "tf", "ResNet152V2": "tf"}
    v1 = build_transfer_model("ResNet50", 3, image_size=32, weights=None, augment=False)
    v2 = build_transfer_model("ResNet50V2", 3, image_size=32, weights=None, augment=False)
    assert v1.get_layer("preprocessing").mode == "caffe" and v2.get_layer("preprocessing").mode == "tf"
    assert [layer.name for layer in v1.layers] == ["images", "preprocessing", "resnet50", "avg_pool", "head_dropout",
                                                   "predictions"]


def test_raw_uint8_pixels_go_in_and_the_base_sees_them_preprocessed():
    base = course_resnet(include_top=False)
    model = build_transfer_model(base, 5, augment=False, dropout=0.0)
    raw = images(3)
    inner = keras.Model(model.input, model.get_layer("avg_pool").input)  # the base's output in this graph
    expected = base(resnet.preprocess_input(raw.astype("float32")), training=False)
    np.testing.assert_allclose(np.asarray(inner(raw)), np.asarray(expected), atol=1e-4)
    assert model.output.shape == (None, 5)


def test_the_base_is_frozen_and_called_in_inference_mode():
    model = build_transfer_model(course_resnet(include_top=False), 5)
    base = model.get_layer("course_resnet")
    assert base.trainable is False and all(not layer.trainable for layer in base.layers)
    assert [keras_internals.call_keyword(node, "training") for node in keras_internals.inbound_nodes(base)] == [False]
    assert {v.path.split("/")[0] for v in model.trainable_variables} == {"predictions"}


def test_augmentation_is_inside_and_idle_at_inference():
    model = build_transfer_model(course_resnet(include_top=False), 5, seed=1)
    assert model.get_layer("augmentation").layers  # data.augmentation_layers: flip, rotation, zoom
    raw = images(4)
    np.testing.assert_allclose(np.asarray(model(raw, training=False)), np.asarray(model(raw, training=False)))
    assert not np.allclose(np.asarray(model.get_layer("augmentation")(raw, training=True)), raw)


def test_a_whole_classifier_built_by_the_learner_is_cut_to_its_features():
    learner = ResNet50(weights=None, input_shape=(32, 32, 3), classes=7)
    model = build_transfer_model(learner, 3, augment=False)
    base = model.get_layer("resnet50")
    assert base.output.shape == (None, 2048)  # ends at avg_pool: the old predictions layer is gone
    assert model.get_layer("preprocessing").mode == "caffe"
    v2 = build_transfer_model(resnet_v2.ResNet50V2(include_top=False, weights=None, input_shape=(32, 32, 3)), 3)
    assert v2.get_layer("preprocessing").mode == "tf"


def test_the_model_saves_and_loads_back_in_safe_mode(tmp_path):
    from resnet_widgets.training.checkpoints import load_checkpoint

    model = build_transfer_model(course_resnet(include_top=False), 5, augment=False)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = load_checkpoint(path)
    raw = images(2)
    np.testing.assert_allclose(np.asarray(loaded(raw)), np.asarray(model(raw)), atol=1e-6)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"variant": "ResNet51"}, ValueError, ["variant must be one of", "'ResNet50'", "'ResNet152V2'", "ResNet51"]),
    ({"variant": 50}, TypeError, ["variant must be one of", "keras.Model"]),
    ({"num_classes": 1}, ValueError, ["num_classes must be an integer >= 2", "num_classes=1"]),
    ({"num_classes": 2.5}, TypeError, ["num_classes"]),
    ({"image_size": 16}, ValueError, ["image_size must be at least 32 pixels", "image_size=16"]),
    ({"dropout": 1.0}, ValueError, ["dropout must be a number >= 0.0 and < 1.0"]),
    ({"preprocessing": "torch"}, ValueError, ["preprocessing must be one of", "'caffe'", "'tf'"]),
])
def test_bad_arguments_are_refused_with_the_argument_and_the_allowed_values(kwargs, error, words):
    arguments = {"variant": "ResNet50", "num_classes": 3, "image_size": 32, "weights": None, **kwargs}
    with pytest.raises(error) as raised:
        build_transfer_model(**arguments)
    for word in words:
        assert word in str(raised.value)


def test_a_base_with_a_fixed_size_refuses_another_size():
    with pytest.raises(ValueError, match=r"image_size must be \(32, 32\)"):
        build_transfer_model(course_resnet(include_top=False), 5, image_size=64)
