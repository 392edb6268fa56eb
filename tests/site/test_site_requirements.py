"""The website's pins (docs/requirements.txt) sit on top of the learner's lock: they must never disagree with it.

`make site` and `make test` install docs/requirements.txt with binder/requirements.txt as constraints. A package
pinned in both at different versions would make that install fail, or (installed without the constraint) move a
learner's package under the tests' feet. So: exact pins only, and no package pinned differently in the two.
"""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name


ROOT = Path(__file__).resolve().parents[2]
SITE_REQUIREMENTS = ROOT / "docs" / "requirements.txt"
LEARNER_LOCK = ROOT / "binder" / "requirements.txt"


def exact_pins(path: Path) -> dict[str, str]:
    """{canonical name: version} of a requirements file made of ``name==version`` lines (and comments).

    Raises:
        ValueError: a line that is not an exact pin (a range, an option, an include), naming the file and line.
    """
    pins = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        name, separator, version = text.partition("==")
        if not separator or not name.strip() or not version.strip() or any(c in version for c in "<>=!~,;* "):
            raise ValueError(f"{path.name} line {number} must be an exact pin name==version; found {text!r}")
        pins[canonicalize_name(name)] = version.strip()
    return pins


def conflicts(pins: dict[str, str], lock: dict[str, str]) -> list[str]:
    """Packages pinned in both at different versions, as 'name: a (site) vs b (lock)'."""
    return [f"{name}: {pins[name]} (site) vs {lock[name]} (lock)" for name in sorted(pins) if name in lock
            and pins[name] != lock[name]]


def test_the_site_requirements_are_exact_pins():
    assert exact_pins(SITE_REQUIREMENTS), "docs/requirements.txt pins nothing"


def test_no_site_pin_conflicts_with_the_learners_lock():
    found = conflicts(exact_pins(SITE_REQUIREMENTS), exact_pins(LEARNER_LOCK))
    assert not found, "docs/requirements.txt pins these differently from binder/requirements.txt:\n" + "\n".join(found)


def test_a_conflict_and_a_range_are_caught(tmp_path):
    site, lock = tmp_path / "site.txt", tmp_path / "lock.txt"
    site.write_text("# the site\nSphinx==9.0.4\nJinja2==3.1.5\n")
    lock.write_text("jinja2==3.1.6\nnumpy==2.4.6\n")
    assert conflicts(exact_pins(site), exact_pins(lock)) == ["jinja2: 3.1.5 (site) vs 3.1.6 (lock)"]
    site.write_text("sphinx>=9\n")
    with pytest.raises(ValueError, match="line 1 must be an exact pin"):
        exact_pins(site)


def test_the_site_packages_installed_here_are_the_pinned_ones():
    # A venv made before a pin changed would test other versions than CI's: `make site-setup` reinstalls.
    wrong = []
    for name, version in exact_pins(SITE_REQUIREMENTS).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            wrong.append(f"{name}: pinned {version}, installed {installed}")
    assert not wrong, "run `make site-setup`:\n" + "\n".join(wrong)


def test_the_sites_anywidget_front_end_is_the_version_the_lock_installs():
    # The notebooks' stored widget state names the Python anywidget's version; the site serves that front end.
    lines = (ROOT / "docs" / "site" / "widgets-js.txt").read_text().splitlines()
    site_js = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    (front_end,) = [spec for spec in site_js if spec.startswith("anywidget@")]
    assert front_end.partition("@")[2] == exact_pins(LEARNER_LOCK)["anywidget"]
    assert all(re.fullmatch(r"@?[\w./-]+@\d+\.\d+\.\d+", spec) for spec in site_js), "widgets-js.txt: exact versions"
