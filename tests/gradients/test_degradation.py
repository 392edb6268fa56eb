"""The degradation experiment: what it trains, how it reports its claims, and that it is reproducible.

The training runs here are tiny (a few hundred images, 2 epochs, width 4), so their curves prove bookkeeping,
seeding and reporting, not the paper's effect; notebook 01b, its recorded run and docs/BENCHMARKS.md report the
effect as measured.
"""

import json
from types import SimpleNamespace

import numpy as np
import pytest

from resnet_widgets.gradients import Degradation, NetworkSettings, build_network, degradation_experiment, reseed
from resnet_widgets.gradients.degradation import departures, rerun_first_steps, resolve_config
from resnet_widgets.gradients.schedule import PaperSchedule
from resnet_widgets.gradients.seeded_runs import SeedRuns

pytestmark = pytest.mark.backend_neutral

TINY = {"depths": (8, 14), "width": 4, "epochs": 2, "train_size": 300, "val_size": 64, "probe_size": 100,
        "batch_size": 64, "seeds": (0, 1)}


@pytest.fixture(scope="module")
def tiny():
    return degradation_experiment("fast", **TINY)


def random_dataset(train, val):
    """A dataset object of random 28x28 uint8 images and labels, `train` and `val` of them, given whole."""
    rng = np.random.default_rng(0)
    return SimpleNamespace(
        x_train=rng.integers(0, 256, (train, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, train),
        x_val=rng.integers(0, 256, (val, 28, 28), dtype=np.uint8), y_val=rng.integers(0, 10, val),
    )


def made_up(final, depths=(20, 56), spread=0.0):
    """A Degradation whose last-epoch training errors are `final[(kind, depth)]` for seed 0, then + spread for
    seed 1 and - spread for seed 2; validation is training + 0.05."""
    runs = {}
    for key, error in final.items():
        seeds = np.array([error, error + spread, error - spread])
        train = np.stack([np.full(3, 0.9), seeds], axis=1)
        runs[key] = SeedRuns(seeds=(0, 1, 2), train_error=train, val_error=train + 0.05, final_train_error=seeds,
                             first_losses=np.zeros((3, 2)), seconds=np.ones(3))
    settings = {"mode": "fast", "train_size": 100, "val_size": 50, "data": "test data", "image_size": 14, "epochs": 2,
                "width": 4, "batch_size": 32, "optimizer": "SGD", "depths": depths}
    return Degradation(depths, runs, settings)


def fig6(plain, residual, spread=0.0):
    return made_up({("plain", 20): plain[0], ("plain", 56): plain[1], ("residual", 20): residual[0],
                    ("residual", 56): residual[1]}, spread=spread)


def test_errors_are_recorded_per_seed_and_epoch_for_both_kinds_at_both_depths(tiny):
    assert tiny.depths == (8, 14) and tiny.seeds == (0, 1)
    assert set(tiny.runs) == {(k, d) for k in ("plain", "residual") for d in (8, 14)}
    for runs in tiny.runs.values():
        assert runs.train_error.shape == runs.val_error.shape == (2, 2)  # (seeds, epochs)
        assert runs.final_train_error.shape == (2,)
        for errors in (runs.train_error, runs.val_error, runs.final_train_error):
            assert np.all((errors >= 0) & (errors <= 1))
    s = tiny.settings
    assert (s["train_size"], s["val_size"], s["probe_size"]) == (300, 64, 100)
    assert s["data"].startswith("Fashion-MNIST") and s["image_size"] == 14  # fast mode averages 28x28 down to 14x14
    assert s["steps_per_epoch"] == 5 and tiny.steps == 10


def test_a_half_of_fig6_holds_only_when_every_seed_agrees_and_the_gap_beats_the_spread():
    papers = fig6(plain=(0.10, 0.20), residual=(0.10, 0.05), spread=0.01)
    assert papers.plain_degrades() and papers.residual_improves() and papers.shows_the_papers_effect()
    # The same means with seeds 6 points apart: a 5-point gap is within what the seed alone does.
    noisy = fig6(plain=(0.10, 0.15), residual=(0.10, 0.05), spread=0.03)
    assert not noisy.plain_degrades() and not noisy.residual_improves()
    # Deeper worse for both kinds: degradation in the plain nets, but not the residual nets' gain.
    both_worse = fig6(plain=(0.10, 0.20), residual=(0.10, 0.15))
    assert both_worse.plain_degrades() and not both_worse.residual_improves()


def test_one_seed_against_the_others_stops_a_claim():
    result = fig6(plain=(0.10, 0.20), residual=(0.10, 0.05))
    runs = result.runs[("plain", 56)]
    runs.final_train_error[2] = 0.05  # seed 2's deep plain net ends better than its shallow one
    runs.train_error[2, -1] = 0.05
    claim = result.claim("plain")
    assert list(np.round(claim.gaps, 2)) == [0.10, 0.10, -0.05]
    assert not claim.holds_worse


def test_the_sentence_states_means_per_seed_gaps_and_spread():
    result = fig6(plain=(0.10, 0.20), residual=(0.10, 0.05), spread=0.01)
    sentence = result.claim("plain").sentence()
    assert sentence.startswith("plain: 56 layers ended 10.0 points above 20 layers in training error")
    assert "(20.0% vs 10.0%, mean of 3 seeds; per seed +10.0, +10.0, +10.0 points" in sentence
    assert "spread between seeds up to 2.0 points" in sentence
    assert "residual: 56 layers ended 5.0 points below 20 layers" in result.summary()


def test_measures_pick_the_last_epoch_the_inference_pass_or_validation():
    result = fig6(plain=(0.25, 0.5), residual=(0.125, 0.0625))
    assert result.mean("train")[("plain", 56)] == pytest.approx(0.5)
    assert result.mean("val")[("plain", 56)] == pytest.approx(0.55)
    result.runs[("plain", 56)].final_train_error[:] = 0.3
    assert result.mean("train_final")[("plain", 56)] == pytest.approx(0.3)
    assert result.residual_gain() == pytest.approx({20: 0.125, 56: 0.4375})
    with pytest.raises(ValueError, match="which must be one of 'train', 'train_final', 'val'"):
        result.errors("test")


def test_a_record_round_trips_through_json():
    result = fig6(plain=(0.10, 0.20), residual=(0.10, 0.05), spread=0.01)
    record = json.loads(json.dumps(result.to_record({"script": "x"})))
    back = Degradation.from_record(record)
    assert back.depths == result.depths and back.seeds == result.seeds
    for key, runs in result.runs.items():
        np.testing.assert_allclose(back.runs[key].train_error, runs.train_error)
        np.testing.assert_allclose(back.runs[key].final_train_error, runs.final_train_error)
    assert back.summary() == result.summary()
    with pytest.raises(ValueError, match="record must be version 1"):
        Degradation.from_record({**record, "version": 0})


def test_a_seed_run_does_not_depend_on_the_runs_before_it(tiny):
    # Seed 1 trained after seed 0 on the same compiled network, and seed 1 alone on a fresh one: the same run.
    alone = degradation_experiment("fast", **{**TINY, "depths": (8, 20), "seeds": (1,)})
    for kind in ("plain", "residual"):
        np.testing.assert_allclose(alone.runs[(kind, 8)].first_losses[0], tiny.runs[(kind, 8)].first_losses[1],
                                   rtol=1e-4)
        np.testing.assert_allclose(alone.runs[(kind, 8)].train_error[0], tiny.runs[(kind, 8)].train_error[1],
                                   atol=1e-6)
    assert not np.allclose(tiny.runs[("plain", 8)].first_losses[0], tiny.runs[("plain", 8)].first_losses[1])


def test_rerunning_the_first_steps_matches_the_run(tiny):
    again = rerun_first_steps(tiny, seeds=(0, 1))
    for key, losses in again.items():
        steps = losses.shape[1]
        assert steps == 5  # the first epoch's steps (the run recorded 8, across two epochs)
        np.testing.assert_allclose(losses, tiny.runs[key].first_losses[:, :steps], rtol=1e-4)


def test_reseed_gives_the_weights_a_fresh_build_with_that_seed_would_have():
    drawn = build_network("residual", NetworkSettings(depth=14, width=4, seed=3))
    reused = build_network("residual", NetworkSettings(depth=14, width=4, seed=0))
    reused.get_layer("conv2_block1_1_bn").moving_mean.assign(np.ones(4))  # as if it had trained
    reseed(reused, 3)
    for a, b in zip(drawn.weights, reused.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_the_schedules_follow_the_paper_or_decay_smoothly():
    steps = PaperSchedule(0.1, 8, "steps", drops=(0.5, 0.75))
    assert [steps.at(i) for i in range(8)] == pytest.approx([0.1] * 4 + [0.01] * 2 + [0.001] * 2)
    assert [float(steps(i)) for i in range(8)] == pytest.approx([steps.at(i) for i in range(8)], rel=1e-5)
    cosine = PaperSchedule(0.1, 10, "cosine")
    assert cosine.at(0) == pytest.approx(0.1) and cosine.at(5) == pytest.approx(0.05) and cosine.at(10) == 0
    assert [float(cosine(i)) for i in range(11)] == pytest.approx([cosine.at(i) for i in range(11)], abs=1e-7)
    warm = PaperSchedule(0.1, 100, "constant", warmup_steps=3)
    assert [warm.at(i) for i in (0, 2, 3)] == pytest.approx([0.01, 0.01, 0.1])
    assert warm.describe() == "learning rate 0.1, 0.01 for the first 3 steps"


def test_departures_name_each_difference_from_the_papers_recipe():
    fast = departures(resolve_config("fast"))
    assert any("averaged down to 14x14" in d for d in fast)
    config = resolve_config("fast", batch_size=64, learning_rate=0.02, schedule="constant", weight_decay=0.0)
    found = " | ".join(departures(config))
    for phrase in ("batch 64 (the paper: 128)", "learning rate 0.02 (the paper: 0.1)", "constant learning-rate",
                   "weight decay 0 (the paper: 0.0001)"):
        assert phrase in found
    assert not any("batch" in d for d in departures(resolve_config("full")))


def test_a_dataset_given_whole_is_used_whole_at_full_resolution():
    data = random_dataset(40, 24)
    # Full mode's own depths (the paper's 20 and 56) would take minutes here; its data handling does not.
    result = degradation_experiment("full", data=data, depths=(8, 14), epochs=1, width=2, batch_size=16, seeds=(0,))
    assert result.settings["train_size"] == 40 and result.settings["val_size"] == 24  # None: every image
    assert result.settings["image_size"] == 28 and result.settings["data"] == "the given dataset"
    assert "/ 10 after 50% and 75% of the run" in result.settings["optimizer"]


def test_each_network_is_let_go_and_its_memory_given_back_before_the_next_is_built(monkeypatch):
    """On Binder's 2 GB the experiment's trained networks must not pile up (01b's peak is at the limit)."""
    import gc
    import weakref

    from resnet_widgets.gradients import degradation

    built, alive_at_release = [], []
    build = degradation._network_and_optimizer

    def tracked_build(*args):
        model, optimizer = build(*args)
        built.append(weakref.ref(model))
        return model, optimizer

    def release():  # what release_memory() does first: collect the cycles Keras' objects form
        gc.collect()
        alive_at_release.append([ref() is not None for ref in built])

    monkeypatch.setattr(degradation, "_network_and_optimizer", tracked_build)
    monkeypatch.setattr(degradation, "release_memory", release)
    data = random_dataset(32, 16)
    degradation_experiment("fast", data=data, depths=(8, 14), epochs=1, width=2, batch_size=16, seeds=(0,),
                           train_size=32, val_size=16, probe_size=16)
    assert len(built) == 4  # plain and residual at both depths
    assert alive_at_release == [[False] * n for n in range(1, 5)]  # each released after its network, none held


def test_unknown_settings_and_repeated_seeds_are_refused():
    with pytest.raises(TypeError, match="unknown setting 'depth'"):
        resolve_config("fast", depth=20)
    with pytest.raises(ValueError, match="seeds must be distinct"):
        resolve_config("fast", seeds=(0, 0))
    with pytest.raises(ValueError, match="schedule must be one of"):
        resolve_config("fast", schedule="linear")


def test_the_result_plots_means_and_seed_bands(tiny):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = tiny.plot(label="live")
    assert len(axes) == 2
    assert len(axes[0].lines) == 4  # two depths x (training, validation), each the mean over the seeds
    assert len(axes[0].collections) == 4  # and the band between the seeds around each
    assert [line.get_label() for line in axes[1].lines] == [
        "residual-8 training", "residual-8 validation", "residual-14 training", "residual-14 validation"]
    assert axes[0].get_title().startswith("live: plain nets")
    logged = tiny.plot(yscale="log")
    assert [ax.get_yscale() for ax in logged] == ["log", "log"] and axes[1].get_yscale() == "linear"
    with pytest.raises(ValueError, match="yscale"):
        tiny.plot(yscale="logarithmic")
    plt.close("all")
