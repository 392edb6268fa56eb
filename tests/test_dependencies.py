"""What the package needs to run, the two locks that pin it, and the Python they are tested on.

TensorFlow and JupyterLab are extras, not hard dependencies: the package must then work without them (a
JAX-only GPU machine, Colab's own front end). Two locks pin every range in pyproject.toml, extras included:
binder/requirements.txt, the learner's (what Binder, `make lab` and a JupyterHub image install: no test tool),
and requirements-dev.txt, which adds the test and benchmark tools on top of it and of the website's pins
(docs/requirements.txt). Shared packages must have one version in all of them.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[1]
LEARNER_LOCK = REPO / "binder" / "requirements.txt"
DEV_LOCK = REPO / "requirements-dev.txt"
DOCS_LOCK = REPO / "docs" / "requirements.txt"
GPU_LOCK = REPO / "deploy" / "gpu-image" / "requirements.txt"
# The lock builds a small Binder image with tensorflow-cpu, which provides the tensorflow extra's package.
STANDS_IN_FOR = {"tensorflow": "tensorflow-cpu"}
NOT_LOCKED_EXTRAS = {"gpu", "course"}  # gpu: CUDA wheels for GPU machines only; course: names other extras
LEARNER_EXTRAS = {"tensorflow", "lab"}  # what a learner's session runs on; the other extras are the developer's
# What only tests, benchmarks and builds use: none of it belongs in a learner's image.
TEST_TOOLS = {"pytest", "pytest-xdist", "pytest-socket", "nbval", "jax", "jaxlib", "playwright", "hatchling",
              "coverage", "editables", "execnet", "nbgrader"}  # nbgrader: the instructor's, not in a Binder image


def project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def lines_of(path):
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines() if line.split("#", 1)[0].strip()]


def pins_in(path):
    """{canonical name: version} of a lock's own pins (its -r includes not followed)."""
    pins = {}
    for line in lines_of(path):
        if not line.startswith("-r "):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def lock(path=DEV_LOCK):
    """Every pin `path` installs, its -r includes followed."""
    pins = {}
    for line in lines_of(path):
        if line.startswith("-r "):
            pins.update(lock(REPO / line.removeprefix("-r ").strip()))
    return {**pins, **pins_in(path)}


def declared(extras_wanted=None):
    """pyproject's ranges: the dependencies, and the extras named (default: every locked extra)."""
    requirements = [Requirement(text) for text in project()["dependencies"]]
    for extra, texts in project()["optional-dependencies"].items():
        if extra not in NOT_LOCKED_EXTRAS and (extras_wanted is None or extra in extras_wanted):
            requirements += [Requirement(text) for text in texts]
    return requirements


def locked_name(requirement, pins):
    name = canonicalize_name(requirement.name)
    return name if name in pins else canonicalize_name(STANDS_IN_FOR.get(name, name))


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_declared_range_is_pinned_by_the_dev_lock_inside_its_range(requirement):
    pins = lock(DEV_LOCK)
    name = locked_name(requirement, pins)
    assert name in pins, f"{requirement} is declared in pyproject.toml but requirements-dev.txt does not pin it"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"the locks pin {name}=={pins[name]}, outside pyproject.toml's {requirement}"
    )


@pytest.mark.parametrize("requirement", declared(LEARNER_EXTRAS), ids=str)
def test_what_a_learner_runs_is_pinned_by_the_learner_lock(requirement):
    pins = lock(LEARNER_LOCK)
    name = locked_name(requirement, pins)
    assert name in pins, f"{requirement} is what a learner runs, but binder/requirements.txt does not pin it"
    assert requirement.specifier.contains(pins[name], prereleases=True)


def test_the_learner_lock_holds_no_test_tool():
    found = sorted(TEST_TOOLS & set(lock(LEARNER_LOCK)))
    assert not found, f"binder/requirements.txt (the learner's image) pins test tools: {found}"
    assert TEST_TOOLS <= set(lock(DEV_LOCK)), sorted(TEST_TOOLS - set(lock(DEV_LOCK)))


def test_the_gpu_lock_is_tensorflow_s_cuda_build_at_tensorflow_cpu_s_version_and_its_cuda_libraries():
    """The GPU image (deploy/gpu-image) is the learner's with this lock in place of tensorflow-cpu; the test above
    checks that no package is pinned both here and in the learner's lock."""
    learner, gpu = pins_in(LEARNER_LOCK), pins_in(GPU_LOCK)
    assert gpu["tensorflow"] == learner["tensorflow-cpu"] and "tensorflow-cpu" not in gpu
    extra = Requirement(project()["optional-dependencies"]["gpu"][0])
    assert extra.name == "tensorflow" and extra.extras == {"and-cuda"} and extra.specifier.contains(gpu["tensorflow"])
    # What it adds besides TensorFlow is CUDA's libraries, and it has them (cuDNN, cuBLAS).
    assert all(name.startswith("nvidia-") for name in set(gpu) - {"tensorflow"}), sorted(gpu)
    assert {"nvidia-cudnn-cu12", "nvidia-cublas-cu12"} <= set(gpu)


def test_the_dev_lock_adds_to_the_learner_and_docs_locks():
    assert lines_of(DEV_LOCK)[:2] == ["-r binder/requirements.txt", "-r docs/requirements.txt"]


@pytest.mark.parametrize("path", [LEARNER_LOCK, DEV_LOCK, DOCS_LOCK, GPU_LOCK], ids=lambda p: str(p.relative_to(REPO)))
def test_every_lock_line_is_an_exact_pin(path):
    for line in lines_of(path):
        assert line.startswith("-r ") or re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line), (
            f"{path.name}: {line!r} is not an exact pin (name==version)"
        )


def test_the_locks_agree_on_every_shared_package():
    locks = {path.relative_to(REPO): pins_in(path) for path in (LEARNER_LOCK, DEV_LOCK, DOCS_LOCK, GPU_LOCK)}
    versions = {}
    for path, pins in locks.items():
        for name, version in pins.items():
            versions.setdefault(name, {})[str(path)] = version
    disagree = {name: seen for name, seen in versions.items() if len(set(seen.values())) > 1}
    assert not disagree, f"packages pinned at different versions in different locks: {disagree}"
    repeated = {name: seen for name, seen in versions.items() if len(seen) > 1}
    assert not repeated, f"pin each package in one lock only (the others include it with -r): {repeated}"


def test_the_promised_python_is_the_one_ci_and_binder_run():
    """3.11 is what binder/runtime.txt asks for and what CI's Debian has: the one version tested."""
    tested = re.fullmatch(r"python-(\d+\.\d+)\s*", (REPO / "binder" / "runtime.txt").read_text()).group(1)
    classifiers = {c.rsplit(" :: ", 1)[1] for c in project()["classifiers"]
                   if re.fullmatch(r"Programming Language :: Python :: \d+\.\d+", c)}
    assert classifiers == {tested}, f"pyproject's classifiers promise {sorted(classifiers)}; CI and Binder test {tested}"
    requires = SpecifierSet(project()["requires-python"])
    assert requires.contains(tested) and not requires.contains("3.10"), project()["requires-python"]
    assert f"Python {tested}" in (REPO / "README.md").read_text()
    if os.environ.get("CI"):  # .ci/run: the Python CI really runs is the one promised
        assert sys.version_info[:2] == tuple(int(part) for part in tested.split("."))


def make_dry_run(target, tmp_path):
    """The commands `make -n <target>` would run on a fresh clone (no .venv), as a user runs make."""
    for name in ("Makefile", "pyproject.toml", "requirements-dev.txt", "binder/requirements.txt",
                 "docs/requirements.txt", "docs/site/widgets-js.txt", "binder/overrides.json",
                 "tests/hub/package.json", "tests/hub/package-lock.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tmp_path / name)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    run = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return [line for line in run.stdout.splitlines() if "pip install" in line and " -r " in line]


def test_make_lab_installs_the_learner_lock_only(tmp_path):
    assert make_dry_run("lab", tmp_path) == [".venv/bin/python -m pip install --quiet -r binder/requirements.txt"]


def test_make_test_installs_the_dev_lock(tmp_path):
    assert make_dry_run("test", tmp_path) == [".venv/bin/python -m pip install --quiet -r requirements-dev.txt"]


def test_the_hub_tests_proxy_is_installed_exactly_from_its_lock():
    """configurable-http-proxy (tests/hub) is pinned exactly, its lock agrees, and `make test` installs it with
    `npm ci`, which refuses a lock that disagrees with package.json."""
    wanted = json.loads((REPO / "tests" / "hub" / "package.json").read_text())["dependencies"]
    locked = json.loads((REPO / "tests" / "hub" / "package-lock.json").read_text())["packages"]
    assert wanted and all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values()), wanted
    for name, version in wanted.items():
        assert locked[""]["dependencies"][name] == version and locked[f"node_modules/{name}"]["version"] == version
    assert all("integrity" in entry for key, entry in locked.items() if key), "every locked package has a hash"
    commands = subprocess.run(["make", "--no-print-directory", "-n", "-W", "tests/hub/package-lock.json",
                               ".venv/share/resnet-lab-hub-proxy/.installed"], cwd=REPO, capture_output=True,
                              text=True, timeout=60).stdout
    assert "npm ci" in commands and "npm install" not in commands, commands


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
import resnet_widgets.checks, resnet_widgets.diagram, resnet_widgets.devices, resnet_widgets.gradients
import resnet_widgets.io, resnet_lab.environment, resnet_lab.mode
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
