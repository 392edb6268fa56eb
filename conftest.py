"""Project-wide pytest rules (this file sits at the root so it also governs nbval's notebook items).

RESNET_LAB_REQUIRE_ALL=1 (set by .ci/run) turns every skip into a failure: in CI a browser or
notebook test that could not run has proved nothing, so it must not pass as "skipped". An expected failure
(xfail) fails there too: it proves nothing either, and CI is where the list of what is pending must be empty.

Without it (a plain `make test` on a machine without Chromium or Debian's Fashion-MNIST), those tests skip
and the run can pass, so the end of the run says, in a banner that cannot be missed, what was skipped and
how to run it: the apt packages, or `.ci/run`. A green run is never mistaken for a full one.
"""

import os
from collections import defaultdict

import pytest

REQUIRE_ALL = os.environ.get("RESNET_LAB_REQUIRE_ALL", "") not in ("", "0", "false")

# A skip reason that mentions one of these words means this machine lacks a piece CI has: how to get it.
MISSING_PIECES = {
    "chromium": "apt-get install chromium",
    "dataset-fashion-mnist": "apt-get install dataset-fashion-mnist",
    "playwright": "make setup (Playwright for Python is in the lock)",
}
SHOWN_PER_REASON = 3


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
    if REQUIRE_ALL and report.skipped:
        if hasattr(report, "wasxfail"):
            report.outcome = "failed"
            report.longrepr = (f"an expected failure ({report.wasxfail or 'xfail'}), but RESNET_LAB_REQUIRE_ALL is "
                               "set, so it counts as a failure: make the test pass, or remove it")
        else:
            _fail_skip(report, report.when)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:
        _fail_skip(report, "collection")


# The course's notebooks in JupyterLab (tests/ui/test_course_notebooks_*.py: 01b alone takes about 10 worker-minutes)
# go first. pytest collects tests/ui inside tests/, so in collection order they came last, and the run ended with
# one worker on the last notebook beside an idle one. `make test` hands files out in this order
# (--no-loadscope-reorder): each worker takes a long notebook first, and the short tests fill in behind.
RUN_FIRST = "test_course_notebooks_"


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: not item.path.name.startswith(RUN_FIRST))  # a stable sort: the rest keeps its order


def _skip_reason(report):
    reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ").strip()


def pytest_terminal_summary(terminalreporter):
    """After the run: what was skipped, grouped by reason, and how to run it."""
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if not hasattr(report, "wasxfail")]
    if not skipped:
        return
    by_reason = defaultdict(list)
    for report in skipped:
        by_reason[_skip_reason(report)].append(report.nodeid)
    writer = terminalreporter
    writer.section(f"NOT A FULL RUN: {len(skipped)} test{'s' if len(skipped) > 1 else ''} skipped", sep="!",
                   yellow=True, bold=True)
    writer.line("These tests did not run, so this run proves less than CI's:")
    fixes = []
    for reason, nodeids in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        writer.line(f"  {len(nodeids):4d}  {reason}")
        shown = ", ".join(nodeids[:SHOWN_PER_REASON])
        more = f", and {len(nodeids) - SHOWN_PER_REASON} more" if len(nodeids) > SHOWN_PER_REASON else ""
        writer.line(f"        {shown}{more}")
        fixes += [fix for word, fix in MISSING_PIECES.items() if word in reason.lower() and fix not in fixes]
    if fixes:
        writer.line("To run them here: " + "; ".join(fixes) + "; then make test again.")
    writer.line("Or run .ci/run, which installs what CI has (chromium, dataset-fashion-mnist) and runs make test "
                "with RESNET_LAB_REQUIRE_ALL=1, so that any skip fails.", bold=True)
