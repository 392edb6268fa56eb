"""Write the two locks from pyproject.toml with pip's own resolver (a maintainer's tool).

    .venv/bin/python scripts/write_locks.py            # keep today's versions, add what is new
    .venv/bin/python scripts/write_locks.py --upgrade  # newest versions the index has

The learner's lock, binder/requirements.txt, is what Binder, `make lab` and a JupyterHub image install: the
package's dependencies, the `lab` extra (JupyterLab, which brings ipykernel) and tensorflow-cpu in place of the
`tensorflow` extra (a small Binder image). Nothing for tests.
The developer's lock, requirements-dev.txt, is `-r binder/requirements.txt`, `-r docs/requirements.txt` (the
course website's pins) and exact pins of what the tests and benchmarks add: the `test`, `browser`, `grading`
(nbgrader: `make student`, tests/grading) and `hub` (JupyterHub: tests/hub) extras and the build backend
(hatchling, editables: `make setup` installs the package with --no-build-isolation).

The GPU image's lock, deploy/gpu-image/requirements.txt, is what deploy/gpu-image/Dockerfile installs over the
learner's image in place of tensorflow-cpu: the `gpu` extra (tensorflow[and-cuda]) resolved with every other
learner pin held, written as what it adds (TensorFlow and its CUDA libraries); a resolution that would move a
learner pin stops the script.

Each set is resolved by `pip install --dry-run --ignore-installed --report` (nothing is installed), for the
Python running this script, with the current locks as constraints unless --upgrade; the developer's set is
resolved together with the learner's and the docs' pins, so both locks agree on every shared package
(tests/test_dependencies.py checks that). Review the diff before committing.

No hashes (--require-hashes): the index this project's machines read holds only the Linux x86_64 CPython 3.11
wheels, so a hashed lock written here would refuse every other platform and Python a learner runs `make lab` on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LEARNER_LOCK = ROOT / "binder" / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
GPU_LOCK = ROOT / "deploy" / "gpu-image" / "requirements.txt"
DOCS_LOCK = ROOT / "docs" / "requirements.txt"
# The tensorflow extra is locked as tensorflow-cpu: the same package without the CUDA libraries.
STANDS_IN_FOR = {"tensorflow": "tensorflow-cpu"}
LEARNER_EXTRAS = ("tensorflow", "lab")
DEV_EXTRAS = ("test", "browser", "grading", "hub")
BUILD_BACKEND = ("hatchling", "editables")

LEARNER_HEADER = """\
# The learner's lock: exact versions for Binder (repo2docker reads this file), `make lab` and a JupyterHub image.
# What a learner's session needs and nothing else: resnet-widgets' dependencies, JupyterLab (with ipykernel),
# and tensorflow-cpu for the [tensorflow] extra. The tests' tools are in ../requirements-dev.txt.
# Written by scripts/write_locks.py from pyproject.toml (Python 3.11); tests/test_dependencies.py checks that
# every range in pyproject.toml is pinned inside its range and that the two locks agree.
"""
DEV_HEADER = """\
# The developer's lock: what `make test`, `make benchmarks` and CI install. The learner's lock, the course
# website's pins, and exact pins of the test and benchmark tools on top ([test] and [browser] extras, and the
# build backend that `make setup` installs the package with).
# Written by scripts/write_locks.py from pyproject.toml (Python 3.11); tests/test_dependencies.py checks it.
-r binder/requirements.txt
-r docs/requirements.txt

"""
GPU_HEADER = """\
# The GPU image's lock: what deploy/gpu-image/Dockerfile installs (--no-deps) on top of the learner's image, after
# uninstalling tensorflow-cpu: TensorFlow itself (the `gpu` extra, tensorflow[and-cuda]) at tensorflow-cpu's version,
# and the CUDA libraries it brings. Every other package is the learner's lock's, at its pin.
# Written by scripts/write_locks.py from pyproject.toml (Python 3.11); tests/test_dependencies.py checks it.
"""


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def extra_requirements(extras, stand_ins=STANDS_IN_FOR) -> list[str]:
    found = []
    for extra in extras:
        for text in project()["optional-dependencies"][extra]:
            requirement = Requirement(text)
            name = stand_ins.get(canonicalize_name(requirement.name), requirement.name)
            found.append(str(requirement).replace(requirement.name, name, 1))
    return found


def pins_of(path: Path) -> dict[str, str]:
    """{canonical name: "Name==version"} of a lock's exact pins (comments and -r lines skipped)."""
    pins = {}
    if not path.exists():
        return pins
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-") and "==" in line:
            pins[canonicalize_name(line.split("==")[0])] = line
    return pins


def resolve(requirements: list[str], constraints: list[str]) -> dict[str, str]:
    """pip's resolution of `requirements` under `constraints`: {canonical name: "Name==version"}."""
    with tempfile.TemporaryDirectory() as folder:
        report, constraint_file = Path(folder) / "report.json", Path(folder) / "constraints.txt"
        constraint_file.write_text("\n".join(constraints) + "\n")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
                        "--report", str(report), "-c", str(constraint_file), *requirements], check=True)
        installed = json.loads(report.read_text())["install"]
    return {canonicalize_name(item["metadata"]["name"]): f"{item['metadata']['name']}=={item['metadata']['version']}"
            for item in installed}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="ignore today's pins: newest versions the index has")
    args = parser.parse_args(argv)

    learner_roots = project()["dependencies"] + extra_requirements(LEARNER_EXTRAS)
    docs = list(pins_of(DOCS_LOCK).values())
    keep = [] if args.upgrade else [*pins_of(LEARNER_LOCK).values(), *pins_of(DEV_LOCK).values()]
    learner = resolve(learner_roots, keep + docs)
    dev_roots = [*learner.values(), *docs, *extra_requirements(DEV_EXTRAS), *BUILD_BACKEND]
    dev = resolve(dev_roots, keep)
    disagree = sorted(dev[name] for name in learner if dev[name] != learner[name])
    if disagree:
        raise SystemExit(f"the developer's resolution moved learner pins: {disagree}")

    # The GPU image: the learner's environment with the `gpu` extra in place of tensorflow-cpu.
    gpu_roots = [pin for name, pin in learner.items() if name != "tensorflow-cpu"]
    gpu_roots += extra_requirements(("gpu",), stand_ins={})
    gpu = resolve(gpu_roots, [*keep, *([] if args.upgrade else pins_of(GPU_LOCK).values())])
    moved = sorted(gpu[name] for name in learner if name in gpu and gpu[name] != learner[name])
    if moved:
        raise SystemExit(f"the GPU image's resolution moved learner pins: {moved}")

    LEARNER_LOCK.write_text(LEARNER_HEADER + "".join(f"{learner[n]}\n" for n in sorted(learner)))
    added = sorted(n for n in dev if n not in learner and n not in pins_of(DOCS_LOCK))
    DEV_LOCK.write_text(DEV_HEADER + "".join(f"{dev[n]}\n" for n in added))
    gpu_added = sorted(n for n in gpu if n not in learner)
    GPU_LOCK.parent.mkdir(parents=True, exist_ok=True)
    GPU_LOCK.write_text(GPU_HEADER + "".join(f"{gpu[n]}\n" for n in gpu_added))
    print(f"{LEARNER_LOCK.relative_to(ROOT)}: {len(learner)} pins; {DEV_LOCK.relative_to(ROOT)}: {len(added)} more; "
          f"{GPU_LOCK.relative_to(ROOT)}: {len(gpu_added)} in place of tensorflow-cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
