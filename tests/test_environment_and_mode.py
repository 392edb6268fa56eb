"""The 00_start_here environment check and the course-mode switch."""

import pytest

from resnet_widgets import environment
from resnet_widgets.mode import course_mode

pytestmark = pytest.mark.backend_neutral


@pytest.mark.parametrize("value, expected", [("fast", "fast"), ("full", "full"), (" FULL ", "full")])
def test_course_mode_reads_the_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv("RESNET_COURSE_MODE", value)
    assert course_mode() == expected


def test_course_mode_auto_is_fast_without_a_gpu(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "auto")
    monkeypatch.setattr("resnet_widgets.mode.gpu_available", lambda: False)
    assert course_mode() == "fast"
    monkeypatch.setattr("resnet_widgets.mode.gpu_available", lambda: True)
    assert course_mode() == "full"


def test_unknown_course_mode_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "turbo")
    with pytest.raises(ValueError, match=r"RESNET_COURSE_MODE must be one of auto, fast, full; received 'turbo'"):
        course_mode()
    with pytest.raises(ValueError, match=r"mode must be one of"):
        course_mode("slow")


def test_offline_machine_is_reported_offline_quickly(closed_url):
    port = int(closed_url.rsplit(":", 1)[1].strip("/"))
    assert environment.is_online(("127.0.0.1", port), timeout=1.0) is False


def test_reachable_host_is_reported_online(http_server):
    _, url = http_server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert environment.is_online(("127.0.0.1", port), timeout=2.0) is True


def test_environment_report_names_backend_packages_and_cache():
    report = environment.environment_report(check_network=False)
    assert report["keras_backend"] in ("tensorflow", "jax", "torch")
    assert "keras" in report["packages"]
    assert report["keras_cache"].endswith("models")
    text = environment.format_report(report)
    assert "Keras backend" in text and "not checked" in text
