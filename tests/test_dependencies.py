"""What the package needs to run, and the lock that pins it.

TensorFlow and JupyterLab are extras, not hard dependencies: the package must then work without them (a
JAX-only GPU machine, Colab's own front end). And every range in pyproject.toml, extras included, must be
pinned by binder/requirements.txt, the one lock that Binder, `make` and CI install.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

pytestmark = pytest.mark.backend_neutral

REPO = Path(__file__).resolve().parents[1]
# The lock builds a small Binder image with tensorflow-cpu, which provides the tensorflow extra's package.
STANDS_IN_FOR = {"tensorflow": "tensorflow-cpu"}
NOT_LOCKED_EXTRAS = {"gpu", "course"}  # gpu: CUDA wheels for GPU machines only; course: names other extras


def project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def lock():
    pins = {}
    for line in (REPO / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def declared():
    requirements = [Requirement(text) for text in project()["dependencies"]]
    for extra, texts in project()["optional-dependencies"].items():
        if extra not in NOT_LOCKED_EXTRAS:
            requirements += [Requirement(text) for text in texts]
    return requirements


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_declared_range_is_pinned_by_the_lock_inside_its_range(requirement):
    pins = lock()
    name = canonicalize_name(requirement.name)
    name = name if name in pins else canonicalize_name(STANDS_IN_FOR.get(name, name))
    assert name in pins, f"{requirement} is declared in pyproject.toml but binder/requirements.txt does not pin it"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"the lock pins {name}=={pins[name]}, outside pyproject.toml's {requirement}"
    )


def test_the_course_extra_brings_the_default_backend_and_jupyterlab():
    extras = project()["optional-dependencies"]
    course = Requirement(extras["course"][0])
    assert canonicalize_name(course.name) == canonicalize_name(project()["name"])
    assert course.extras == {"tensorflow", "lab"}


# Imports every subpackage and builds and runs a ResNet block on JAX, in an interpreter where importing
# tensorflow or jupyterlab fails, as on a JAX-only GPU machine.
WITHOUT_TENSORFLOW_OR_JUPYTERLAB = r"""
import importlib.abc, json, sys

BLOCKED = ("tensorflow", "jupyterlab")

class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not a hard dependency)")
        return None

sys.meta_path.insert(0, Blocked())

import numpy as np
import keras
import resnet_widgets.checks, resnet_widgets.diagram, resnet_widgets.environment, resnet_widgets.gradients
import resnet_widgets.io, resnet_widgets.mode
from resnet_widgets.models import identity_block
from resnet_widgets.diagram import model_graph, to_svg

inputs = keras.Input((8, 8, 16))
model = keras.Model(inputs, identity_block(inputs, 4, name="conv2_block2"))
out = model(np.ones((1, 8, 8, 16), "float32"))
graph = model_graph(model)
print(json.dumps({"backend": keras.backend.backend(), "shape": list(out.shape), "svg": to_svg(model)[:4],
                  "blocked_loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}))
"""


def test_the_package_runs_without_tensorflow_and_jupyterlab(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": "jax", "KERAS_HOME": str(tmp_path), "RESNET_LAB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", WITHOUT_TENSORFLOW_OR_JUPYTERLAB], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"backend": "jax", "shape": [1, 8, 8, 16], "svg": "<svg", "blocked_loaded": []}
