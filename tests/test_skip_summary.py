"""The root conftest.py: a run with skips ends with a banner naming what did not run and how to run it, and
RESNET_LAB_REQUIRE_ALL=1 (CI) still turns every skip into a failure. Each test runs pytest on a small test
file in a fresh folder that holds a copy of the real root conftest."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

PROBES = '''
import pytest

def test_runs():
    pass

@pytest.mark.skip(reason="Debian's chromium is not on PATH (apt-get install chromium)")
def test_in_the_browser():
    pass

@pytest.mark.skipif(True, reason="Debian's dataset-fashion-mnist is missing (CI installs it)")
def test_on_the_full_dataset():
    pass

@pytest.mark.skipif(True, reason="Debian's dataset-fashion-mnist is missing (CI installs it)")
def test_on_the_full_dataset_again():
    pass
'''


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.delenv("RESNET_LAB_REQUIRE_ALL", raising=False)  # CI sets it; these runs choose their own
    pytester.makeconftest(ROOT_CONFTEST.read_text())
    return pytester


def test_a_run_with_skips_ends_with_what_did_not_run_and_how_to_run_it(project):
    project.makepyfile(test_probes=PROBES)

    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")

    result.assert_outcomes(passed=1, skipped=3)
    output = result.stdout.str()
    assert "NOT A FULL RUN: 3 tests skipped" in output
    result.stdout.fnmatch_lines([
        "*2  Debian's dataset-fashion-mnist is missing (CI installs it)",
        "*test_probes.py::test_on_the_full_dataset, test_probes.py::test_on_the_full_dataset_again",
        "*1  Debian's chromium is not on PATH (apt-get install chromium)",
        "To run them here: apt-get install dataset-fashion-mnist; apt-get install chromium; then make test again.",
        "Or run .ci/run, which installs what CI has*RESNET_LAB_REQUIRE_ALL=1*",
    ])


def test_a_run_without_skips_has_no_banner(project):
    project.makepyfile(test_probes="def test_runs():\n    pass\n")

    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")

    result.assert_outcomes(passed=1)
    assert "NOT A FULL RUN" not in result.stdout.str()


def test_require_all_still_fails_every_skip(project, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_REQUIRE_ALL", "1")
    project.makepyfile(test_probes=PROBES)

    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")

    result.assert_outcomes(passed=1, errors=3)  # a skip fires in setup, so it fails there
    result.stdout.fnmatch_lines(["*skipped during setup, but RESNET_LAB_REQUIRE_ALL is set*"])
    assert "NOT A FULL RUN" not in result.stdout.str()


def test_require_all_fails_an_expected_failure_too(project, monkeypatch):
    monkeypatch.setenv("RESNET_LAB_REQUIRE_ALL", "1")
    project.makepyfile(test_probes=(
        "import pytest\n\n"
        "@pytest.mark.xfail(reason='answers pending')\n"
        "def test_pending():\n    assert False\n\n"
        "def test_runs():\n    pass\n"
    ))

    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*an expected failure (answers pending), but RESNET_LAB_REQUIRE_ALL is set*"])
