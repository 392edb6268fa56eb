"""preprocess_input and decode_predictions equal keras' own, for v1 (caffe) and v2 (tf)."""

import keras
import numpy as np
import pytest

from resnet_widgets.models import resnet, resnet_v2

pytestmark = pytest.mark.backend_neutral


@pytest.mark.parametrize("ours, theirs", [
    (resnet.preprocess_input, keras.applications.resnet.preprocess_input),
    (resnet_v2.preprocess_input, keras.applications.resnet_v2.preprocess_input),
])
def test_preprocess_input_equals_keras(ours, theirs):
    x = np.random.default_rng(0).uniform(0, 255, size=(2, 8, 8, 3)).astype("float32")
    np.testing.assert_array_equal(ours(x.copy()), theirs(x.copy()))


def test_v1_is_caffe_mode_and_v2_is_tf_mode():
    white = np.full((1, 1, 1, 3), 255.0, "float32")
    np.testing.assert_allclose(resnet_v2.preprocess_input(white.copy()), np.ones((1, 1, 1, 3)))
    # caffe: BGR order, ImageNet means subtracted, no scaling
    np.testing.assert_allclose(resnet.preprocess_input(white.copy())[0, 0, 0], [255 - 103.939, 255 - 116.779, 255 - 123.68],
                               rtol=1e-6)


@pytest.mark.parametrize("module", [resnet, resnet_v2])
def test_decode_predictions_equals_keras(module, monkeypatch):
    from keras.src.applications import imagenet_utils

    # The class index is a download; a test-made index in keras' own module cache stands in for it.
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", index)
    preds = np.random.default_rng(1).dirichlet(np.ones(1000), size=3).astype("float32")
    assert module.decode_predictions(preds, top=3) == keras.applications.resnet.decode_predictions(preds, top=3)
