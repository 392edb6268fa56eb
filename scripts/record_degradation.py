"""Make the degradation experiment's recorded run: He et al.'s Fig. 6 at 20 and 56 layers, on two CPU cores.

    .venv/bin/python scripts/record_degradation.py                 # mode "recorded" (about 20 minutes on 2 cores)
    .venv/bin/python scripts/record_degradation.py --mode full     # the paper's scale, for a GPU

Writes datasets/recorded/degradation-<mode>.json (atomically): every network's errors per epoch and per seed,
the first steps' losses (tests/gradients/test_recorded_degradation.py re-runs them and matches), the settings,
and the provenance (script, command, arguments, seeds, commit, machine, date, wall time, versions).
Notebook 01b shows it beside its live run, labelled as recorded.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine():
    """The CPU model and count, the OS, and the accelerator when one is in use."""
    model = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPU cores, {platform.system()} {platform.machine()}"


def commit():
    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "resnet_widgets", "scripts")
    return head + (" + uncommitted changes to resnet_widgets/scripts" if dirty else "")


def provenance(script, arguments, seeds, made_at, wall):
    """The record's provenance (resnet_widgets.data.recorded.PROVENANCE_KEYS), shared by every record script.

    Args:
        script: the script's path from the repository root, e.g. "scripts/record_degradation.py".
        arguments: the arguments that shaped the record; seeds: the seeds it ran.
        made_at: commit() taken before the run; wall: its seconds.
    """
    import keras
    import numpy as np

    return {
        "script": script,
        "command": " ".join(["python", script, *sys.argv[1:]]),
        "arguments": arguments,
        "seeds": seeds,
        "commit": made_at,
        "machine": machine(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "wall_seconds": round(wall),
        "versions": {"keras": keras.__version__, "backend": keras.backend.backend(), "numpy": np.__version__,
                     "python": platform.python_version()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="recorded", choices=("recorded", "full"))
    parser.add_argument("--seeds", nargs="*", type=int, help="default: the mode's")
    parser.add_argument("--epochs", type=int, help="default: the mode's")
    parser.add_argument("--out", type=Path, help="default: datasets/recorded/degradation-<mode>.json")
    args = parser.parse_args()

    from resnet_widgets.startup import import_keras_quietly

    import_keras_quietly()  # before anything imports keras: TensorFlow's start-up notices stay out

    from resnet_widgets.gradients import degradation_experiment
    from resnet_widgets.io import write_atomically

    overrides = {k: v for k, v in {"seeds": tuple(args.seeds) if args.seeds else None, "epochs": args.epochs}.items()
                 if v is not None}
    made_at = commit()  # before the run: the code that runs is the code at this commit
    start = time.perf_counter()
    result = degradation_experiment(args.mode, **overrides, verbose=1)
    wall = time.perf_counter() - start
    made = provenance("scripts/record_degradation.py", {"mode": args.mode, **overrides}, list(result.seeds), made_at,
                      wall)
    out = args.out or ROOT / "datasets" / "recorded" / f"degradation-{args.mode}.json"
    text = json.dumps(result.to_record(made), indent=1) + "\n"
    write_atomically(out, text)
    print(result.summary())
    print(f"wrote {out} ({len(text) / 1024:.0f} kB) in {wall / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
