"""The data path never needs TensorFlow (the GPU machine has JAX only), and importing it is light."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.backend_neutral

REPO = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter where `import tensorflow` fails, as on the GPU machine.
WITHOUT_TENSORFLOW = r"""
import importlib.abc, json, sys

class NoTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" or name.startswith("tensorflow."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: the GPU machine has no TensorFlow)")
        return None

sys.meta_path.insert(0, NoTensorFlow())

import resnet_widgets.data as data
light = sorted(m for m in ("keras", "tensorflow", "jax", "PIL") if m in sys.modules)

ds = data.load_dataset("fashion_mnist", image_size=(32, 32), limit=8, classes=range(5))
import keras, numpy as np
images = ds.x_train.astype("float32")
augmented = keras.ops.convert_to_numpy(data.augmentation_layers(seed=0)(images, training=True))
rescaled = keras.ops.convert_to_numpy(data.rescaling()(images))
print(json.dumps({"light": light, "backend": keras.backend.backend(), "source": ds.source,
                  "shape": list(augmented.shape), "augmented_differs": bool(np.abs(augmented - images).max() > 1),
                  "rescaling_error": float(np.abs(rescaled - images / 255.0).max()),
                  "tf": "tensorflow" in sys.modules}))
"""


def test_data_layer_works_on_jax_without_tensorflow(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": "jax", "KERAS_HOME": str(tmp_path), "RESNET_LAB_OFFLINE": "1",
           "RESNET_LAB_FASHION_MNIST_DIR": str(tmp_path / "absent")}
    result = subprocess.run([sys.executable, "-c", WITHOUT_TENSORFLOW], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report.pop("rescaling_error") < 1e-6  # rescaling() maps 0..255 onto 0..1, as the lab expects
    assert report == {"light": [], "backend": "jax", "source": "committed-subset", "shape": [8, 32, 32, 3],
                      "augmented_differs": True, "tf": False}
