"""Recorded runs: training histories too long for a live run on two CPU cores, committed with their provenance.

A recorded run lives in datasets/recorded/<name>.json. It holds the measured histories and a `provenance`
entry: the script and the command that made it, its arguments and seeds, the commit, the machine, the date and
the wall time. The notebooks show it beside the live run and say which is which; a test re-runs its first
steps with today's code and matches the record, so the record cannot drift from the code silently.
"""

import json

from .. import arguments
from .locations import datasets_dir

PROVENANCE_KEYS = ("script", "command", "arguments", "seeds", "commit", "machine", "date", "wall_seconds")


def recorded_dir():
    """The folder of recorded runs (datasets/recorded, wherever the datasets folder is)."""
    return datasets_dir() / "recorded"


def recorded_names():
    """The names of the recorded runs that exist, sorted."""
    return sorted(path.stem for path in recorded_dir().glob("*.json"))


def recorded_run(name):
    """The record `name` (a dict, as committed).

    Raises:
        ValueError: no record of that name (the message lists those that exist), or a record without
            complete provenance (names the missing keys).
    """
    name = arguments.choice("name", name, tuple(recorded_names()), meaning="a recorded run in datasets/recorded")
    path = recorded_dir() / f"{name}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    missing = [key for key in PROVENANCE_KEYS if key not in record.get("provenance", {})]
    if missing:
        raise ValueError(f"recorded run {path} lacks provenance: {', '.join(missing)}")
    return record


def provenance_line(record):
    """One line for a notebook: 'recorded on <machine>, <date>, commit <c>, <wall> min, by <command>'."""
    p = record["provenance"]
    return (f"recorded {p['date']} on {p['machine']}, commit {p['commit']}, {p['wall_seconds'] / 60:.0f} min wall, "
            f"by `{p['command']}`")
