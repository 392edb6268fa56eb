"""The degradation experiment after He et al. 2015 (arXiv 1512.03385, Fig. 1 and Fig. 6).

Train the paper's CIFAR-10 networks (section 4.2: 6n + 2 layers of basic blocks, option A shortcuts; see
networks.py), plain and residual, at a shallow and a deep depth, each from several seeds, on Fashion-MNIST in
place of CIFAR-10, and record training and validation error per epoch. He et al. saw the deeper plain net end
with a *higher training error* than the shallower one (so not overfitting), while the deeper residual net
ended lower than its shallow twin. Degradation (degradation_result.py) states each half from the numbers,
and only as holding when every seed agrees and the gap is wider than the spread between seeds.

Modes (CONFIGS): "fast" is the live run of notebook 01b on two CPU cores; "recorded" is the run that
scripts/record_degradation.py makes on two CPU cores in about 20 minutes and commits under datasets/recorded/;
"full" is the paper's scale, for a GPU. Every departure from the paper is a field of the config, and
`departures()` lists them in words.
"""


import keras
import numpy as np

from .. import arguments
from ..memory import release_memory
from .batches import CLASSES, as_images_and_labels
from .degradation_result import Degradation
from .networks import build_network
from .options import KINDS
from .schedule import SHAPES, PaperSchedule
from .seeded_runs import first_losses, train_over_seeds
from .settings import NetworkSettings, check_depth
from .track import check_learning_rate

# The paper's recipe (section 4.2), against which every config's departures are listed.
PAPER = {
    "depths": "20, 32, 44, 56 and 110",
    "batch_size": 128,
    "learning_rate": 0.1,
    "schedule": "steps",
    "weight_decay": 1e-4,
    "augment": "4 pixels padded on each side, a random 32x32 crop or its flip",
    "steps": 64_000,
}

# One source of truth for every mode. `downsample` averages pixel squares (2: 28x28 -> 14x14, 4 times cheaper).
# `probe_size`: training images on which the final training error is measured in inference mode.
CONFIGS = {
    "fast": {
        # 8 vs 32 layers with a warm-up of 16 steps (round 5 of the search, docs/BENCHMARKS.md): both halves held
        # with TensorFlow on 1, 2, 3 and 4 threads, whose float sums differ, by at least 1.6 times the seeds' spread.
        # 8 vs 26 without a warm-up, before, failed its residual half on one thread (a gap of 3.8 against 3.9).
        "depths": (8, 32),
        "width": 16,
        "train_size": 2000,
        "val_size": 1000,
        "probe_size": 2000,
        "epochs": 12,
        "batch_size": 128,
        "downsample": 2,
        "learning_rate": 0.05,
        "schedule": "cosine",
        "warmup_steps": 16,  # at a tenth of the rate, as the recorded mode below
        "weight_decay": 1e-4,
        "seeds": (0, 1, 2),
        "xla": False,
    },
    "recorded": {
        "depths": (20, 56),
        "width": 16,
        # 10,000 images for 12 epochs (948 steps) at 0.02: the search's round 4 (docs/BENCHMARKS.md). On 30,000
        # images for 5 epochs at 0.05 the 56-layer residual net only caught up with the 20-layer one; at 0.1 it
        # fell far behind, and a lower rate with more passes over fewer images let depth show. On 10,000 for 15
        # epochs at 0.05 the 20-layer residual net fitted 99.9% of its images, a floor at which nothing compares.
        "train_size": 10_000,
        "val_size": 2000,
        "probe_size": 2000,
        "epochs": 12,
        "batch_size": 128,
        "downsample": 2,
        "learning_rate": 0.02,
        "schedule": "cosine",
        "warmup_steps": 100,  # at a tenth of the rate: the paper's remedy for its deepest net (section 4.2)
        "weight_decay": 1e-4,
        "seeds": (0, 1, 2),
        "xla": False,
    },
    "full": {
        "depths": (20, 56),
        "width": 16,
        "train_size": None,  # all 60,000
        "val_size": None,  # all 10,000
        "probe_size": 10_000,
        "epochs": 40,
        "batch_size": 128,
        "downsample": 1,
        "learning_rate": 0.1,
        "schedule": "steps",
        "warmup_steps": 0,
        "weight_decay": 1e-4,
        "seeds": (0, 1, 2),
        "xla": True,
    },
}


def _load(data, train_size, val_size, seed):
    if isinstance(data, str):
        arguments.choice("data", data, ("fashion_mnist",))
        from resnet_widgets.data import load_dataset

        # load_dataset's limit applies to both splits, so a split wanted whole (None) means no limit.
        limit = None if train_size is None or val_size is None else max(train_size, val_size)
        dataset = load_dataset("fashion_mnist", limit=limit, seed=seed)
        source = f"Fashion-MNIST ({getattr(dataset, 'source', 'resnet_widgets.data')})"
    elif all(hasattr(data, name) for name in ("x_train", "y_train", "x_val", "y_val")):
        dataset, source = data, "the given dataset"
    else:
        raise ValueError(
            "data must be 'fashion_mnist' or a dataset with x_train, y_train, x_val, y_val "
            f"(such as resnet_widgets.data.load_dataset(...)); received {type(data).__name__}"
        )
    x_train, y_train = as_images_and_labels(dataset.x_train, dataset.y_train, "data (training split)")
    x_val, y_val = as_images_and_labels(dataset.x_val, dataset.y_val, "data (validation split)")
    return x_train[:train_size], y_train[:train_size], x_val[:val_size], y_val[:val_size], source


def _average_down(images, factor):
    """Average factor x factor pixel squares (28x28 -> 14x14 for factor 2); edge rows that don't fit are dropped."""
    if factor == 1:
        return images
    n, h, w, c = images.shape
    h, w = h // factor * factor, w // factor * factor
    blocks = images[:, :h, :w].reshape(n, h // factor, factor, w // factor, factor, c)
    return blocks.mean(axis=(2, 4), dtype=np.float32)



def _jit_compile(config):
    # On TensorFlow, XLA takes longer to compile one of these nets on a CPU than a short run takes to train it
    # (tf.function's graph is kept); JAX needs jit to run fast at all, and a GPU repays XLA in full mode.
    if keras.backend.backend() == "tensorflow" and not config["xla"]:
        return False
    return "auto"


def check_depths(depths):
    """Return (shallow, deep) when both are depths of the paper's CIFAR nets (6n + 2) and shallow < deep.

    Raises:
        TypeError / ValueError: not two depths, a depth that is not 6n + 2 (the message names it), or
            shallow >= deep.
    """
    if not isinstance(depths, (tuple, list)) or len(depths) != 2:
        raise ValueError(f"depths must be two depths (shallow, deep), e.g. (20, 56); received {depths!r}")
    shallow, deep = (check_depth("cifar", d) for d in depths)
    if shallow >= deep:
        raise ValueError(f"depths must be (shallow, deep) with shallow < deep; received {tuple(depths)!r}")
    return shallow, deep


def check_seeds(seeds):
    """Return `seeds` as a tuple of distinct whole numbers >= 0 (at least one)."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = (seeds,)
    if not isinstance(seeds, (tuple, list, range)) or not seeds:
        raise TypeError(f"seeds must be a tuple of whole numbers >= 0, e.g. (0, 1, 2); received {seeds!r}")
    checked = tuple(arguments.whole_number("seeds", s, minimum=0, meaning="seeds of weights and order") for s in seeds)
    if len(set(checked)) != len(checked):
        raise ValueError(f"seeds must be distinct; received {tuple(seeds)!r}")
    return checked


def departures(config):
    """The config's departures from the paper's recipe (section 4.2), one phrase each."""
    found = [
        "Fashion-MNIST (28x28 grey, 10 classes) in place of CIFAR-10",
        f"depths {config['depths'][0]} and {config['depths'][1]} (the paper: {PAPER['depths']})",
        f"no augmentation (the paper: {PAPER['augment']}): the experiment is about training error",
    ]
    if config["downsample"] > 1:
        side = 28 // config["downsample"]
        found.append(f"images averaged down to {side}x{side}")
    if config["batch_size"] != PAPER["batch_size"]:
        found.append(f"batch {config['batch_size']} (the paper: {PAPER['batch_size']})")
    if config["learning_rate"] != PAPER["learning_rate"]:
        found.append(f"learning rate {config['learning_rate']:g} (the paper: {PAPER['learning_rate']:g})")
    if config["schedule"] != PAPER["schedule"]:
        found.append(f"{config['schedule']} learning-rate schedule (the paper: / 10 at 50% and 75% of the run)")
    if config["warmup_steps"]:
        found.append(f"a warm-up: the first {config['warmup_steps']} steps at a tenth of the rate (the paper warms "
                     "up only its 110-layer net, at 0.01 for about 400 steps)")
    if config["weight_decay"] != PAPER["weight_decay"]:
        found.append(f"weight decay {config['weight_decay']:g} (the paper: {PAPER['weight_decay']:g})")
    return found


def resolve_config(mode="fast", **overrides):
    """The mode's CONFIGS entry with `overrides` (None: keep the mode's) applied, every value checked.

    Raises:
        ValueError, TypeError: see degradation_experiment.
    """
    mode = arguments.choice("mode", mode, tuple(CONFIGS))
    config = dict(CONFIGS[mode])
    unknown = sorted(set(overrides) - set(config))
    if unknown:
        raise TypeError(f"unknown setting {unknown[0]!r}; the settings are {', '.join(sorted(config))}")
    config.update({k: v for k, v in overrides.items() if v is not None})
    config["mode"] = mode
    config["depths"] = check_depths(config["depths"])
    meanings = {"width": "filters of the first stage", "epochs": "passes over the data",
                "batch_size": "images per step", "downsample": "pixels averaged per side",
                "probe_size": "training images measured in inference mode"}
    for name, meaning in meanings.items():
        config[name] = arguments.positive_int(name, config[name], meaning)
    for name in ("train_size", "val_size"):
        if config[name] is not None:
            config[name] = arguments.positive_int(name, config[name], "images (None: the whole split)")
    config["learning_rate"] = check_learning_rate(config["learning_rate"])
    config["schedule"] = arguments.choice("schedule", config["schedule"], SHAPES)
    config["warmup_steps"] = arguments.whole_number("warmup_steps", config["warmup_steps"], minimum=0)
    config["weight_decay"] = arguments.real_number("weight_decay", config["weight_decay"], minimum=0,
                                                   meaning="the L2 coefficient of every kernel")
    config["seeds"] = check_seeds(config["seeds"])
    config["xla"] = arguments.boolean("xla", config["xla"])
    return config


def _prepared_data(config, data):
    """(x_train, y_train, x_val, y_val, x_probe, y_probe), source. The images are drawn once, with seed 0:
    the seeds vary the weights and the order, not the images."""
    x_train, y_train, x_val, y_val, source = _load(data, config["train_size"], config["val_size"], 0)
    x_train, x_val = _average_down(x_train, config["downsample"]), _average_down(x_val, config["downsample"])
    probe = min(config["probe_size"], len(x_train))
    return (x_train, y_train, x_val, y_val, x_train[:probe], y_train[:probe]), source


def _schedule(config, train_size):
    total_steps = config["epochs"] * -(-train_size // config["batch_size"])
    return PaperSchedule(config["learning_rate"], total_steps, config["schedule"], warmup_steps=config["warmup_steps"])


def _network_and_optimizer(kind, depth, config, input_shape, train_size):
    settings = NetworkSettings(depth=depth, width=config["width"])  # seed 0; reseed() draws each run's weights
    model = build_network(kind, settings, input_shape=input_shape, classes=CLASSES, weight_decay=config["weight_decay"])
    return model, keras.optimizers.SGD(learning_rate=_schedule(config, train_size), momentum=0.9)


def degradation_experiment(mode="fast", *, data="fashion_mnist", progress=False, verbose=0, **overrides):
    """Train plain and residual CIFAR nets at two depths, from several seeds, and record their errors.

    The networks are those of compare() (network="cifar": 6n + 2 layers, basic blocks, option A shortcuts,
    batch norm, He-normal init). SGD with momentum 0.9, as He et al.; `departures(config)` lists every other
    difference from section 4.2's recipe, and the result's settings carry the list.

    Args:
        mode: "fast" (the live run, two CPU cores), "recorded" (the committed run, about 20 minutes on two CPU
            cores), or "full" (the paper's scale: 20 vs 56 layers, all 60,000 images, its schedule; a GPU).
        data: "fashion_mnist" (through resnet_widgets.data) or a dataset object with x_train, y_train,
            x_val, y_val.
        progress: True shows one progress line (updated in place in a notebook).
        verbose: 1 prints one line per epoch of every run.
        **overrides: any key of the mode's CONFIGS entry: depths (two depths 6n + 2, shallow first), width,
            epochs, train_size / val_size (None: the whole split), probe_size, batch_size, learning_rate,
            schedule ("constant", "steps": / 10 after 50% and 75%, "cosine"), warmup_steps, weight_decay,
            downsample (2 averages 2x2 pixel squares: 28x28 -> 14x14), seeds, xla.

    Returns:
        Degradation (summary(), claim(), plot(), to_record()).

    Raises:
        ValueError, TypeError: an unknown mode, setting or schedule, depths not two depths 6n + 2 with
            shallow < deep, other sizes not >= 1, learning_rate not > 0, seeds not distinct whole numbers,
            data not usable.
    """
    config = resolve_config(mode, **overrides)
    verbose = arguments.whole_number("verbose", verbose, minimum=0, maximum=1)
    arrays, source = _prepared_data(config, data)
    x_train = arrays[0]

    shown = None
    if progress:
        from ..progress import ProgressLine

        runs_in_all = len(KINDS) * len(config["depths"]) * len(config["seeds"])
        shown = ProgressLine(runs_in_all * config["epochs"], f"{runs_in_all} training runs, epochs")

    runs = {}
    for depth in config["depths"]:
        for kind in KINDS:
            def on_epoch(seed, epoch, logs, kind=kind, depth=depth):
                line = (f"{kind}-{depth} seed {seed} epoch {epoch + 1}: training error {1 - logs['accuracy']:.1%}, "
                        f"validation error {1 - logs['val_accuracy']:.1%}")
                if shown is not None:
                    shown.advance(1, line)
                if verbose:
                    print(line, flush=True)

            model, optimizer = _network_and_optimizer(kind, depth, config, x_train.shape[1:], len(x_train))
            runs[(kind, depth)] = train_over_seeds(model, optimizer, arrays, config["seeds"], config["epochs"],
                                                   config["batch_size"], jit_compile=_jit_compile(config),
                                                   on_epoch=on_epoch)
            # Let each network go before the next is built: a trained network and its traced steps otherwise stay
            # in the C library's free pages. In a fresh process the four fast-mode networks peaked at 980 MiB
            # with this, 1,042 without (docs/BENCHMARKS.md); Binder gives a session 2 GB.
            del model, optimizer
            release_memory()
    settings = {
        **config,
        "data": source,
        "train_size": len(x_train),
        "val_size": len(arrays[2]),
        "probe_size": len(arrays[4]),
        "image_size": x_train.shape[1],
        "steps_per_epoch": -(-len(x_train) // config["batch_size"]),
        "optimizer": f"SGD, momentum 0.9, {_schedule(config, len(x_train)).describe()}, "
                     f"weight decay {config['weight_decay']:g}",
        "departures": departures(config),
        "backend": keras.backend.backend(),
    }
    return Degradation(config["depths"], runs, settings)


def rerun_first_steps(result, seeds=(0,), data="fashion_mnist"):
    """Train every network of `result` for its first recorded steps again, with today's code.

    Args:
        result: a Degradation (e.g. Degradation.from_record of a committed record).
        seeds: which of its seeds to re-run.
        data: as for degradation_experiment (the record's data must be what this finds).

    Returns:
        {(kind, depth): float array (len(seeds), steps)}: the running mean loss after each of the first steps
        (those of the first epoch), comparable with the first columns of result.runs[kind, depth].first_losses.
    """
    keys = ("depths", "width", "train_size", "val_size", "probe_size", "epochs", "batch_size", "downsample",
            "learning_rate", "schedule", "warmup_steps", "weight_decay", "xla")
    settings = result.settings
    config = resolve_config(settings["mode"], **{key: settings[key] for key in keys}, seeds=tuple(seeds))
    arrays, _ = _prepared_data(config, data)
    x_train, y_train = arrays[0], arrays[1]
    # The first epoch's steps at most: the record's first losses may run into the second epoch of a tiny run.
    steps = min(next(iter(result.runs.values())).first_losses.shape[1], -(-len(x_train) // config["batch_size"]))
    rerun = {}
    for (kind, depth) in result.runs:
        model, optimizer = _network_and_optimizer(kind, depth, config, x_train.shape[1:], len(x_train))
        rerun[(kind, depth)] = np.array([first_losses(model, optimizer, x_train, y_train, seed, config["batch_size"],
                                                      steps, jit_compile=_jit_compile(config))
                                         for seed in config["seeds"]])
    return rerun
