"""Grad-CAM on TensorFlow and on JAX: the same model and images give the same heatmaps (max difference <= 1e-4).

The other backend runs in a subprocess (a Python process has one Keras backend); both load one weights file.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from resnet_widgets.inside import grad_cam
from resnet_widgets.models import ResNet50, ResNet50V2

TOLERANCE = 1e-4
SIZE = 96  # conv5 is 3x3: nine places for the two backends to agree on
CASES = [("ResNet50", "auto"), ("ResNet50", "conv4_block6_out"), ("ResNet50V2", "auto")]

_OTHER_BACKEND = """
import json, sys
import numpy as np
from resnet_widgets.inside import grad_cam
from resnet_widgets import models
folder, size, cases = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
images = np.load(f"{folder}/images.npy")
out = {}
for variant, layer in cases:
    model = getattr(models, variant)(weights=f"{folder}/{variant}.weights.h5", input_shape=(size, size, 3), classes=5)
    cam = grad_cam(model, images, layer=layer)
    out[f"{variant}/{layer}"] = {"heatmaps": cam.heatmaps.tolist(), "class_index": cam.class_index.tolist(),
                                 "layer": cam.layer}
print(json.dumps(out))
"""


def test_tensorflow_and_jax_give_the_same_heatmaps(tmp_path):
    images = np.random.default_rng(7).uniform(-1, 1, size=(3, SIZE, SIZE, 3)).astype("float32")
    np.save(tmp_path / "images.npy", images)
    ours = {}
    for seed, build in enumerate((ResNet50, ResNet50V2)):
        keras.utils.set_random_seed(seed)
        model = build(weights=None, input_shape=(SIZE, SIZE, 3), classes=5)
        model.save_weights(tmp_path / f"{build.__name__}.weights.h5")
        for variant, layer in CASES:
            if variant == build.__name__:
                ours[f"{variant}/{layer}"] = grad_cam(model, images, layer=layer)

    other = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
    env = {**os.environ, "KERAS_BACKEND": other, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", _OTHER_BACKEND, str(tmp_path), str(SIZE), json.dumps(CASES)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = json.loads(done.stdout.strip().splitlines()[-1])

    for key, cam in ours.items():
        assert theirs[key]["layer"] == cam.layer
        assert theirs[key]["class_index"] == cam.class_index.tolist(), key
        difference = np.abs(np.asarray(theirs[key]["heatmaps"]) - cam.heatmaps).max()
        assert difference <= TOLERANCE, f"{key}: {keras.backend.backend()} and {other} differ by {difference:.2e}"
        assert cam.heatmaps.max() == pytest.approx(1.0)  # not trivially equal: the maps are not all zero
