"""The committed degradation record: complete provenance, the claims notebook 01b states, and its first steps
re-run with today's code.

The record (datasets/recorded/degradation-recorded.json) took about an hour on two CPU cores; this test re-trains
the first steps of every network from seed 0 and matches the losses the record kept, so a change to the networks,
the data, the schedule or the seeding that would make the record stale fails here.
"""

import pytest

from resnet_widgets.data.recorded import PROVENANCE_KEYS, provenance_line, recorded_run
from resnet_widgets.gradients import Degradation
from resnet_widgets.gradients.degradation import CONFIGS, rerun_first_steps

from ..first_steps import assert_first_steps_match

pytestmark = pytest.mark.slow  # TensorFlow only: the record's float32 sums were taken on TensorFlow


@pytest.fixture(scope="module")
def record():
    return recorded_run("degradation-recorded")


def test_the_record_carries_its_provenance(record):
    provenance = record["provenance"]
    for key in PROVENANCE_KEYS:
        assert provenance[key] not in (None, "", [])
    assert provenance["script"] == "scripts/record_degradation.py"
    assert provenance["arguments"]["mode"] == "recorded"
    assert "recorded" in provenance_line(record) and provenance["commit"] in provenance_line(record)


def test_the_record_is_the_recorded_mode_of_today(record):
    result = Degradation.from_record(record)
    for key, value in CONFIGS["recorded"].items():
        if key in ("seeds", "depths"):
            assert tuple(result.settings[key]) == tuple(value), key
        elif key not in ("train_size", "val_size", "probe_size"):
            assert result.settings[key] == value, key
    assert result.seeds == CONFIGS["recorded"]["seeds"]


def test_the_record_shows_what_notebook_01b_says_it_shows(record):
    """Both halves of Fig. 6 at the paper's 20 and 56 layers, in the running and the inference-mode training error:
    the deeper plain net ends higher, the deeper residual net lower, every seed agreeing beyond the spread. And the
    curves 01b describes: the 56-layer residual net is behind the 20-layer one early in the run and ahead at its end."""
    result = Degradation.from_record(record)
    for which in ("train", "train_final"):
        assert result.plain_degrades(which), which
        assert result.residual_improves(which), which
    deep, shallow = (result.runs["residual", depth].train_error.mean(axis=0) for depth in (56, 20))
    assert deep[2] > shallow[2] and deep[-1] < shallow[-1]  # behind after 3 epochs, ahead after the last


def test_the_first_steps_of_every_network_run_again_as_recorded(record):
    result = Degradation.from_record(record)
    again = rerun_first_steps(result, seeds=(0,))
    for key, losses in again.items():
        recorded = result.runs[key].first_losses[0, :losses.shape[1]]
        assert_first_steps_match(losses[0], recorded, f"{key}: the record no longer matches the code")
