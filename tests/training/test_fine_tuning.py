"""Lab 08's measurement: fine-tuning from a converged head changes only the unfrozen stages, keeps every
BatchNormalization's statistics, and starts over exactly for the next seed."""

import numpy as np
import pytest

from resnet_widgets.training import course_resnet
from resnet_widgets.training.converged_head import converged_head
from resnet_widgets.training.fine_tuning import FineTuning, epoch_order
from resnet_widgets.training.seed_comparison import SeedComparison, mean_and_range

pytestmark = pytest.mark.backend_neutral


@pytest.fixture(scope="module")
def runs():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 32, 32, 3)).astype("uint8")
    labels = np.repeat(np.arange(4), 10)
    tuning = FineTuning(course_resnet(pretrained=True, include_top=False), 4, steps_per_epoch=2, epochs=2,
                        batch_size=16)
    features = tuning.extractor().predict(images, verbose=0)
    head = converged_head(features, labels, 4)
    return tuning, images, labels, head


def weights_by_name(model):
    base = next(layer for layer in model.layers if layer.name == "course_resnet")
    return {w.path: np.array(w) for layer in base.layers for w in layer.weights}


def test_fine_tuning_moves_conv4_and_conv5_only_and_keeps_bn_statistics(runs):
    tuning, images, labels, head = runs
    before = weights_by_name(tuning.model)
    tuning.fine_tune(head, images, labels, np.arange(32), seed=0)
    after = weights_by_name(tuning.model)
    changed = {path for path in before if not np.array_equal(before[path], after[path])}
    assert changed and all(path.split("/")[-2].startswith(("conv4", "conv5")) for path in changed)
    assert not any("moving_" in path or path.endswith(("gamma", "beta")) for path in changed)


def test_the_next_seed_starts_from_the_pretrained_base_and_its_own_head(runs):
    tuning, images, labels, head = runs
    tuning.fine_tune(head, images, labels, np.arange(32), seed=0)
    first = weights_by_name(tuning.model)
    tuning.fine_tune(head, images, labels, np.arange(32), seed=0)
    for path, value in weights_by_name(tuning.model).items():
        np.testing.assert_allclose(value, first[path], rtol=1e-5, atol=1e-6)  # the same run again, not a continuation


def test_each_epoch_orders_the_labelled_images_by_seed_and_epoch():
    labelled = np.arange(10, 20)
    assert sorted(epoch_order(labelled, 0, 0)) == list(labelled)
    assert np.array_equal(epoch_order(labelled, 0, 1), epoch_order(labelled, 0, 1))
    assert not np.array_equal(epoch_order(labelled, 0, 0), epoch_order(labelled, 0, 1))
    assert not np.array_equal(epoch_order(labelled, 1, 0), epoch_order(labelled, 0, 0))


def test_a_paired_comparison_needs_every_seed_and_a_margin_over_the_gaps_spread():
    ahead = SeedComparison("fine-tuned", "feature extraction", (0.93, 0.92, 0.92), (0.91, 0.91, 0.90))
    assert ahead.a_ahead and not ahead.b_ahead
    assert ahead.sentence().endswith("fine-tuned ahead") and "per seed +2.0, +1.0, +2.0" in ahead.sentence()
    mixed = SeedComparison("a", "b", (0.93, 0.90, 0.92), (0.91, 0.91, 0.90))
    assert not mixed.a_ahead and mixed.verdict() == "no difference beyond the seeds' spread"
    noisy = SeedComparison("a", "b", (0.95, 0.905, 0.92), (0.90, 0.90, 0.90))  # gaps 5.0, 0.5, 2.0: spread 4.5
    assert not noisy.a_ahead
    assert mean_and_range([0.911, 0.904, 0.918]) == "91.1% (90.4-91.8%)"
