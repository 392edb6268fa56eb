"""What an instructor deploys (deploy/): the JupyterHub configurations hold what the class needs, from measured figures.

The checks read the files as JupyterHub and nbgrader read them (YAML for Zero to JupyterHub, Python config files
executed with traitlets), with no hub or cluster: the real multi-user hub is another test's job.
"""

import importlib.util
import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from traitlets.config import PyFileConfigLoader

from .scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
Z2JH = DEPLOY / "z2jh" / "config.yaml"
TLJH_INSTALL = DEPLOY / "tljh" / "install.sh"
TLJH_SNIPPET = DEPLOY / "tljh" / "jupyterhub_config.d" / "resnet_lab.py"
NBGRADER_CONFIG = DEPLOY / "nbgrader" / "nbgrader_config.py"
BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
GUIDE = ROOT / "docs" / "INSTRUCTORS.md"
GPU_IMAGE = DEPLOY / "gpu-image"
# The shared-GPU settings: JAX allocates on demand, TensorFlow grows its allocation.
GPU_ENVIRONMENT = {"XLA_PYTHON_CLIENT_PREALLOCATE": "false", "TF_FORCE_GPU_ALLOW_GROWTH": "true"}
# Keys of the Zero to JupyterHub chart's values.schema.yaml (jupyterhub/zero-to-jupyterhub-k8s at 48ea50e,
# 2026-07-24) that deploy/z2jh/config.yaml may use; the schema refuses any other key under these (additionalProperties
# false), and helm would refuse the file.
Z2JH_KEYS = {
    "singleuser": {"image", "memory", "cpu", "lifecycleHooks", "profileList", "extraEnv", "defaultUrl", "storage",
                   "extraResource", "startTimeout", "cmd"},
    "singleuser.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "singleuser.memory": {"limit", "guarantee"},
    "singleuser.cpu": {"limit", "guarantee"},
    "cull": {"enabled", "users", "adminUsers", "removeNamedServers", "timeout", "every", "concurrency", "maxAge"},
}
PROFILE_KEYS = {"display_name", "slug", "description", "default", "kubespawner_override"}
# JupyterHub's byte units (ByteSpecification): K, M, G, T are powers of 1024.
UNITS = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 ** 2}


def mebibytes(value):
    """A JupyterHub memory value ("2G", "1536M") in MiB."""
    number, unit = re.fullmatch(r"([0-9.]+)([KMGT])", str(value)).groups()
    return float(number) * UNITS[unit]


def measured_peaks():
    """{notebook: [peaks in MiB]} from the "now" column of docs/BENCHMARKS.md's "Memory per notebook" table."""
    section = BENCHMARKS.read_text().split("### Memory per notebook", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if re.match(r"\| \d\d", line)]
    header = next(line for line in section.splitlines() if line.startswith("| notebook"))
    now = [cell.strip() for cell in header.split("|")[1:-1]].index("now")
    return {row[0].strip(): [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", row[now])] for row in rows}


def largest_peak():
    return max(peak for peaks in measured_peaks().values() for peak in peaks)


@pytest.fixture(scope="module")
def z2jh():
    return yaml.safe_load(Z2JH.read_text())


def profile(values, slug):
    return next(p for p in values["singleuser"]["profileList"] if p["slug"] == slug)


def test_the_memory_table_is_read_and_has_every_measured_notebook():
    peaks = measured_peaks()
    assert len(peaks) >= 10 and all(peaks.values()), peaks
    assert 1000 < largest_peak() < 4096  # MiB: a parse that picked up a wrong column would land outside


def test_z2jh_uses_only_keys_of_the_chart_schema(z2jh):
    assert set(z2jh) <= {"singleuser", "cull", "hub", "proxy", "scheduling", "prePuller"}
    for path, allowed in Z2JH_KEYS.items():
        node = z2jh
        for part in path.split("."):
            node = node[part]
        assert set(node) <= allowed, f"{path}: {set(node) - allowed} are not in the chart's schema"
    for entry in z2jh["singleuser"]["profileList"]:
        assert set(entry) <= PROFILE_KEYS, entry


def test_z2jh_image_has_an_explicit_tag_never_latest(z2jh):
    image = z2jh["singleuser"]["image"]
    for tag in [image["tag"], profile(z2jh, "gpu")["kubespawner_override"]["image"].rsplit(":", 1)[1]]:
        assert tag and tag.lower() != "latest"
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", tag), tag  # a valid image tag


def test_z2jh_memory_limit_holds_the_largest_measured_notebook_peak(z2jh):
    memory = z2jh["singleuser"]["memory"]
    assert mebibytes(memory["limit"]) >= largest_peak()
    assert mebibytes(memory["guarantee"]) <= mebibytes(memory["limit"])
    assert "mem_limit" not in profile(z2jh, "gpu")["kubespawner_override"]  # the GPU profile inherits it


def test_z2jh_has_a_default_cpu_profile_and_a_gpu_profile_with_one_gpu(z2jh):
    cpu, gpu = profile(z2jh, "cpu"), profile(z2jh, "gpu")
    assert cpu.get("default") is True and "extra_resource_limits" not in cpu.get("kubespawner_override", {})
    assert gpu["kubespawner_override"]["extra_resource_limits"] == {"nvidia.com/gpu": "1"}


def test_z2jh_gpu_profile_stops_jax_and_tensorflow_taking_the_whole_gpu(z2jh):
    environment = profile(z2jh, "gpu")["kubespawner_override"]["environment"]
    assert GPU_ENVIRONMENT.items() <= environment.items()


def test_z2jh_culls_idle_servers_and_pulls_the_course_with_nbgitpuller(z2jh):
    cull = z2jh["cull"]
    assert cull["enabled"] is True and cull["timeout"] > 0 and cull["every"] > 0
    command = z2jh["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller" and command[1].startswith("https://") and len(command) == 4


def test_the_image_that_z2jh_pulls_the_course_with_has_nbgitpuller():
    assert re.search(r"^nbgitpuller==", (ROOT / "binder" / "requirements.txt").read_text(), re.M)


def test_the_gpu_image_installs_its_lock_over_the_learner_s_image_and_z2jh_pulls_it(z2jh):
    steps = GPU_IMAGE.joinpath("Dockerfile").read_text()
    assert re.search(r"^FROM \$\{LEARNER_IMAGE\}$", steps, re.M)
    uninstall = steps.index("pip uninstall --yes tensorflow-cpu")
    install = steps.index("pip install --no-cache-dir --no-deps -r /tmp/resnet-lab-gpu-requirements.txt")
    assert uninstall < install < steps.index("pip check")  # one TensorFlow, and nothing left unsatisfied
    assert "COPY deploy/gpu-image/requirements.txt /tmp/resnet-lab-gpu-requirements.txt" in steps
    learner_image = z2jh["singleuser"]["image"]
    gpu_image = profile(z2jh, "gpu")["kubespawner_override"]["image"]
    assert gpu_image == f"{learner_image['name']}-gpu:{learner_image['tag']}"  # built from it, with its tag


def tljh_settings():
    """{key: value} of every `tljh-config set` in deploy/tljh/install.sh."""
    return dict(re.findall(r"^tljh-config set (\S+) (\S+)$", TLJH_INSTALL.read_text(), re.M))


def test_tljh_limits_hold_the_largest_measured_peak_and_culling_is_on():
    settings = tljh_settings()
    assert mebibytes(settings["limits.memory"]) >= largest_peak()
    assert float(settings["limits.cpu"]) >= 1
    assert int(settings["services.cull.timeout"]) > 0 and int(settings["services.cull.every"]) > 0


def test_tljh_installs_the_learner_lock_and_the_dev_lock_s_nbgrader():
    script = TLJH_INSTALL.read_text()
    url = re.search(r"--user-requirements-txt-url \"https://raw\.githubusercontent\.com/\$REPO/\$REF/(\S+)\"", script)
    assert url and (ROOT / url.group(1)).is_file(), "the requirements file TLJH installs must be in the repository"
    dev_pin = re.search(r"^nbgrader==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M).group(1)
    assert f'"nbgrader=={dev_pin}"' in script
    for copied in re.findall(r"\$CHECKOUT/(\S+?)\"", script):
        assert (ROOT / copied).exists(), f"install.sh copies {copied}, which is not in the repository"


def test_tljh_servers_get_binder_start_s_settings_and_the_gpu_settings(monkeypatch):
    monkeypatch.setenv("RESNET_LAB_CHECKOUT", str(ROOT))
    config = PyFileConfigLoader(TLJH_SNIPPET.name, path=str(TLJH_SNIPPET.parent)).load_config()
    environment = config.Spawner.environment.get_value({})
    start = dict(re.findall(r"^export (\w+)=(\S+)$", (ROOT / "binder" / "start").read_text(), re.M))
    assert start and start.items() <= environment.items()
    assert GPU_ENVIRONMENT.items() <= environment.items()


def test_the_class_nbgrader_config_is_the_course_s_with_the_shared_exchange(monkeypatch, tmp_path):
    course_tools = load_script("nbgrader_course")
    for name in course_tools.GRADING_ENVIRONMENT:  # the config sets them: restored after the test
        monkeypatch.setenv(name, "before")
    monkeypatch.setenv("RESNET_LAB_CHECKOUT", str(ROOT))
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / NBGRADER_CONFIG.name).write_text(NBGRADER_CONFIG.read_text())
    config = PyFileConfigLoader(NBGRADER_CONFIG.name, path=str(folder)).load_config()
    expected = course_tools.course_config(folder)
    assert config.ClearSolutions.code_stub == expected.ClearSolutions.code_stub
    assert config.Execute.timeout == expected.Execute.timeout
    assert config.CourseDirectory.root == str(folder.resolve())
    assert config.CourseDirectory.course_id == "resnet-lab"
    assert "root" not in config.Exchange  # nbgrader's default exchange, shared by every learner's server
    assert config.OverwriteCells.add_missing_cells is True
    assert all(os.environ[name] == value for name, value in course_tools.GRADING_ENVIRONMENT.items())


def test_stage_course_copies_a_notebook_as_an_assignment_without_widget_state(tmp_path):
    spec = importlib.util.spec_from_file_location("stage_course", DEPLOY / "nbgrader" / "stage_course.py")
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    assert stage.stage_course(tmp_path, ["02_identity_block.ipynb"]) == ["02_identity_block"]
    staged = nbformat.read(tmp_path / "source" / "02_identity_block" / "02_identity_block.ipynb", as_version=4)
    original = nbformat.read(ROOT / "course" / "02_identity_block.ipynb", as_version=4)
    assert "widgets" not in staged.metadata
    assert [cell.metadata.get("nbgrader") for cell in staged.cells] == \
        [cell.metadata.get("nbgrader") for cell in original.cells]


def test_the_guide_says_which_notebooks_have_no_measured_peak():
    measured = set(measured_peaks())
    guide = GUIDE.read_text().split("### Memory per learner", 1)[1].split("\n### ", 1)[0]
    for notebook in sorted(p.stem for p in (ROOT / "course").glob("*.ipynb")):
        if notebook not in measured:
            row = next((line for line in guide.splitlines() if line.startswith(f"| {notebook} ")), "")
            assert "not yet measured" in row, f"docs/INSTRUCTORS.md: {notebook}'s memory row must say so"
