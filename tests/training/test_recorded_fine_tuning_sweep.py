"""Lab 08's recorded sweep: provenance, the budgets the lab reads, and its smallest budget run again."""

import numpy as np
import pytest

from resnet_widgets.data.recorded import PROVENANCE_KEYS, recorded_run

from ..scripts import load_script

pytestmark = pytest.mark.slow  # TensorFlow only: the record's float32 sums were taken on TensorFlow


@pytest.fixture(scope="module")
def record():
    return recorded_run("fine-tuning-sweep")


def test_the_record_carries_its_provenance_and_every_budget_the_lab_reads(record):
    for key in PROVENANCE_KEYS:
        assert record["provenance"][key] not in (None, "", [])
    budgets = sorted(int(n) for n in record["budgets"])
    assert budgets == [10, 50, 200]
    for result in record["budgets"].values():
        assert len(result["feature extraction"]) == len(result["fine-tuned"]) == len(record["provenance"]["seeds"])


def test_the_smallest_budget_runs_again_as_recorded(record):
    script = load_script("record_fine_tuning_sweep")
    smallest = min(int(n) for n in record["budgets"])
    again = script.sweep([smallest], [0])[smallest]
    recorded = record["budgets"][str(smallest)]
    # Feature extraction is the optimum of a convex problem: the same up to float32 noise in the features.
    assert again["feature extraction"][0] == pytest.approx(recorded["feature extraction"][0], abs=0.004)
    # Fine-tuning runs 10 epochs of float32 SGD: the same on this machine, within a point across CPUs.
    assert again["fine-tuned"][0] == pytest.approx(recorded["fine-tuned"][0], abs=0.01)
