"""A training process killed mid-epoch, or in the middle of writing its backup, starts again from its last
completed epoch: no completed epoch is lost, none is trained twice, and no half-written file is loaded."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.backend_neutral

WORKER = Path(__file__).with_name("resume_worker.py")
REPO = Path(__file__).resolve().parents[2]


def run_worker(folder, **kill):
    env = {**os.environ, "PYTHONPATH": str(REPO), **kill}
    return subprocess.run([sys.executable, str(WORKER), str(folder)], env=env, capture_output=True, text=True,
                          timeout=240)


def events(folder):
    return [json.loads(line) for line in (Path(folder) / "log.jsonl").read_text().splitlines()]


def test_a_run_killed_mid_epoch_continues_from_its_last_completed_epoch(tmp_path):
    killed = run_worker(tmp_path, KILL_AT_BATCH="2:3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    first = events(tmp_path)
    assert [e["epoch"] for e in first if e["event"] == "epoch"] == [0, 1]  # died inside epoch 2

    resumed = run_worker(tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    second = events(tmp_path)[len(first):]
    assert second[0]["event"] == "begin" and second[0]["initial_epoch"] == 2
    # The restarted process holds exactly the weights the killed one had after its last completed epoch.
    assert second[0]["weights"] == first[-1]["weights"]
    completed = [e["epoch"] for e in first + second if e["event"] == "epoch"]
    assert completed == [0, 1, 2, 3, 4]
    assert second[-1]["event"] == "end"


def test_a_kill_while_the_backup_is_written_leaves_the_previous_backup_whole(tmp_path):
    killed = run_worker(tmp_path, KILL_IN_SAVE="2")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    backup = tmp_path / "backup"
    assert json.loads((backup / "backup.json").read_text()) == {"epoch": 2, "weights": "epoch-0002.weights.h5"}
    assert not (backup / "epoch-0003.weights.h5").exists()  # the new file never got its final name
    assert list(backup.glob(".*.partial*"))  # it died with the complete-but-unrenamed file on disk
    first = events(tmp_path)
    assert [e["epoch"] for e in first if e["event"] == "epoch"] == [0, 1]

    resumed = run_worker(tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    second = events(tmp_path)[len(first):]
    assert second[0]["initial_epoch"] == 2 and second[0]["weights"] == first[-1]["weights"]
    assert [e["epoch"] for e in first + second if e["event"] == "epoch"] == [0, 1, 2, 3, 4]
    assert not list(backup.glob(".*.partial*"))  # leftovers are cleared on restart
    assert sorted(p.name for p in backup.iterdir()) == ["backup.json", "epoch-0005.weights.h5"]
