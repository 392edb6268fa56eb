"""Notebook 06b's recorded run: complete provenance, the figure the notebook quotes, and its first steps re-run."""

import numpy as np
import pytest

from resnet_widgets.data.recorded import PROVENANCE_KEYS, recorded_run

from ..scripts import load_script

pytestmark = pytest.mark.slow  # TensorFlow only: the record's float32 sums were taken on TensorFlow


@pytest.fixture(scope="module")
def record():
    return recorded_run("train-your-resnet")


def test_the_record_carries_its_provenance(record):
    for key in PROVENANCE_KEYS:
        assert record["provenance"][key] not in (None, "", [])
    assert record["provenance"]["script"] == "scripts/record_train_your_resnet.py"


def test_every_recorded_seed_of_the_resnet_reaches_93_percent_on_the_test_images(record):
    finals = [run["history"]["test_accuracy"][-1] for name, run in record["runs"].items() if name.startswith("basic")]
    assert finals and min(finals) >= 0.93
    assert all(len(run["history"]["test_accuracy"]) == record["settings"]["epochs"] for run in record["runs"].values())


def test_the_first_steps_of_seed_0_run_again_as_recorded(record):
    script = load_script("record_train_your_resnet")
    settings = record["settings"]
    recorded_kinds = sorted({name.split("-")[0] for name in record["runs"] if name.endswith("-0")})
    assert "basic" in recorded_kinds
    for kind in recorded_kinds:
        again = script.train_run(kind, 0, settings["epochs"], augment=settings["augment"], steps=script.FIRST_STEPS)
        np.testing.assert_allclose(again["first_losses"], record["runs"][f"{kind}-0"]["first_losses"], rtol=2e-3,
                                   err_msg=f"{kind}: the record no longer matches the code")
