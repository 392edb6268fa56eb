"""The 00_start_here environment check and the course-mode switch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from resnet_lab import environment
from resnet_lab.mode import course_mode

pytestmark = pytest.mark.backend_neutral


@pytest.mark.parametrize("value, expected", [("fast", "fast"), ("full", "full"), (" FULL ", "full")])
def test_course_mode_reads_the_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv("RESNET_COURSE_MODE", value)
    assert course_mode() == expected


def test_course_mode_auto_is_fast_without_a_gpu(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "auto")
    monkeypatch.setattr("resnet_lab.mode.gpu_available", lambda: False)
    assert course_mode() == "fast"
    monkeypatch.setattr("resnet_lab.mode.gpu_available", lambda: True)
    assert course_mode() == "full"


def test_unknown_course_mode_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "turbo")
    with pytest.raises(ValueError, match=r"^RESNET_COURSE_MODE must be one of 'auto', 'fast', 'full' \(the course "
                                         r"mode\); received RESNET_COURSE_MODE='turbo'$"):
        course_mode()
    with pytest.raises(ValueError, match=r"^requested must be one of 'auto', 'fast', 'full'.* requested='slow'$"):
        course_mode("slow")


def test_offline_machine_is_reported_offline_quickly(closed_url):
    port = int(closed_url.rsplit(":", 1)[1].strip("/"))
    assert environment.is_online(("127.0.0.1", port), timeout=1.0) is False


def test_reachable_host_is_reported_online(http_server):
    _, url = http_server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert environment.is_online(("127.0.0.1", port), timeout=2.0) is True


REPORT = """
import json
from resnet_lab.environment import environment_report, format_report
report = environment_report(check_network=False)
print(json.dumps({"backend": report["keras_backend"], "text": format_report(report)}))
"""


def test_the_report_names_the_backend_keras_really_runs_on(tmp_path):
    """Run with KERAS_BACKEND=jax in a fresh interpreter: the report must say jax, not a default it assumed."""
    env = {**os.environ, "KERAS_BACKEND": "jax", "KERAS_HOME": str(tmp_path), "RESNET_LAB_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", REPORT], env=env, cwd=Path(__file__).resolve().parents[1],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["backend"] == "jax"
    assert "Keras backend  jax" in shown["text"]


def test_the_report_shows_where_the_weights_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(tmp_path / "downloads"))
    report = environment.environment_report(check_network=False)
    assert report["keras_cache"] == str(tmp_path / "downloads" / "models")
    text = environment.format_report(report)
    assert f"Weights cache  {tmp_path / 'downloads' / 'models'}" in text and "not checked" in text


def test_package_versions_lists_what_is_installed_and_skips_what_is_not():
    import keras

    versions = environment.package_versions(("keras", "no-such-distribution-resnet-lab"))
    assert versions == {"keras": keras.__version__}


GPU_PROBE = """
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from resnet_lab.mode import course_mode
    from resnet_widgets.devices import gpu_available
    found = gpu_available()
    mode = course_mode("auto")
print(json.dumps({"gpu": found, "mode": mode,
                  "warnings": [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]}))
"""


def _probe_gpu(jax_platforms):
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": jax_platforms}
    result = subprocess.run([sys.executable, "-c", GPU_PROBE], env=env, cwd=Path(__file__).resolve().parents[1],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_gpu_platform_that_cannot_start_is_reported_not_taken_for_no_gpu():
    # JAX_PLATFORMS=cuda on a machine whose JAX cannot start CUDA: what a broken CUDA install looks like to JAX.
    broken = _probe_gpu("cuda")
    if broken["gpu"]:  # a GPU machine (gpu_check.sh): CUDA starts, full mode, and nothing to warn about
        assert broken["mode"] == "full" and broken["warnings"] == []
        return
    assert broken["mode"] == "fast"
    assert any("the jax backend failed when asked for its GPUs" in w and "RESNET_COURSE_MODE" in w
               for w in broken["warnings"]), broken["warnings"]


def test_a_machine_without_a_gpu_is_fast_mode_without_a_warning():
    missing = _probe_gpu("cpu")
    assert missing == {"gpu": False, "mode": "fast", "warnings": []}
