"""preprocess_input (caffe mode for v1, tf mode for v2) and decode_predictions, by what they compute.

The ImageNet class names are a download; the tests make their own class index and serve it from loopback
through the same I/O layer the weights use.
"""

import hashlib
import json

import numpy as np
import pytest

from resnet_widgets.io import DownloadError
from resnet_widgets.models import resnet, resnet_v2
from resnet_widgets.models import weights as weights_module

IMAGENET_MEANS_BGR = np.array([103.939, 116.779, 123.68])


def test_v1_is_caffe_mode_rgb_to_bgr_minus_the_imagenet_means():
    red = np.zeros((1, 1, 1, 3), "float32")
    red[..., 0] = 255.0
    np.testing.assert_allclose(resnet.preprocess_input(red.copy())[0, 0, 0], [0, 0, 255] - IMAGENET_MEANS_BGR,
                               rtol=1e-6)


def test_v2_is_tf_mode_from_0_255_to_minus_1_plus_1():
    pixels = np.array([0.0, 127.5, 255.0], "float32").reshape(1, 1, 3, 1).repeat(3, axis=-1)
    np.testing.assert_allclose(resnet_v2.preprocess_input(pixels.copy())[0, 0, :, 0], [-1.0, 0.0, 1.0], atol=1e-6)


@pytest.fixture
def served_class_index(http_server, tmp_path, monkeypatch):
    """A test-made class index (class i is ("n<i>", "class_<i>")) served where the real one would be."""
    folder, base_url = http_server
    data = json.dumps({str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}).encode()
    (folder / "imagenet_class_index.json").write_bytes(data)
    monkeypatch.setattr(weights_module, "CLASS_INDEX_URL", base_url + "imagenet_class_index.json")
    monkeypatch.setattr(weights_module, "CLASS_INDEX_MD5", hashlib.md5(data).hexdigest())
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RESNET_LAB_OFFLINE", raising=False)
    return tmp_path / "cache" / "models" / "imagenet_class_index.json"


@pytest.mark.parametrize("module", [resnet, resnet_v2])
def test_decode_predictions_gives_the_top_classes_best_first(module, served_class_index):
    preds = np.full((2, 1000), 1e-4, "float32")
    preds[0, [7, 3, 999]] = [0.5, 0.3, 0.1]
    preds[1, [0, 42]] = [0.2, 0.7]

    decoded = module.decode_predictions(preds, top=3)

    assert [[(wnid, name) for wnid, name, _ in row] for row in decoded] == [
        [("n00000007", "class_7"), ("n00000003", "class_3"), ("n00000999", "class_999")],
        [("n00000042", "class_42"), ("n00000000", "class_0"), ("n00000001", "class_1")],  # then the first tie
    ]
    np.testing.assert_allclose([score for _, _, score in decoded[0]], [0.5, 0.3, 0.1])
    assert served_class_index.exists()  # fetched once into the cache, like the weights


def test_decode_predictions_refuses_what_is_not_a_batch_of_1000_scores(served_class_index):
    with pytest.raises(ValueError, match=r"^preds must be a batch of ImageNet predictions shaped \(N, 1000\); "
                                         r"received shape \(1000,\) \(one prediction\? add a batch axis"):
        resnet.decode_predictions(np.zeros(1000))
    with pytest.raises(ValueError, match=r"^top must be an integer from 1 to 1000"):
        resnet.decode_predictions(np.zeros((1, 1000)), top=0)


def test_decode_predictions_offline_names_the_class_index_and_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_own_cache"))
    monkeypatch.setenv("RESNET_LAB_OFFLINE", "1")
    with pytest.raises(DownloadError) as caught:
        resnet_v2.decode_predictions(np.zeros((1, 1000)))
    message = str(caught.value)
    assert weights_module.CLASS_INDEX_URL in message and weights_module.CLASS_INDEX_MD5 in message
    assert str(tmp_path / "cache" / "models" / "imagenet_class_index.json") in message
