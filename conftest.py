"""Project-wide pytest rules (this file sits at the root so it also governs nbval's notebook items).

RESNET_LAB_REQUIRE_ALL=1 (set by .ci/run) turns every skip into a failure: in CI a browser or
notebook test that could not run has proved nothing, so it must not pass as "skipped".
"""

import os

import pytest

REQUIRE_ALL = os.environ.get("RESNET_LAB_REQUIRE_ALL", "") not in ("", "0", "false")


def _fail_skip(report, when):
    reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped during {when}, but RESNET_LAB_REQUIRE_ALL is set, so skips count as failures: {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report, report.when)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:
        _fail_skip(report, "collection")
