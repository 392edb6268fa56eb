"""The degradation experiment after He et al. 2015 (arXiv 1512.03385, Fig. 1 and Fig. 6).

Train the paper's CIFAR-10 networks (section 4.2: 6n + 2 layers of basic blocks, option A shortcuts; see
networks.py), plain and residual, at a shallow and a deep depth, on Fashion-MNIST in place of CIFAR-10, and
record training and validation error per epoch. He et al. saw the deeper plain net end with *higher training
error* than the shallower one (so not overfitting), while the deeper residual net did better than its
shallow twin. Whatever our curves show is reported as measured: summary() states each comparison from the
numbers.

Fast mode is sized for well under a minute on two CPU cores; full mode (20 vs 56 layers, all 60,000 images,
the paper's learning-rate schedule) is for a GPU.
"""

import time
from dataclasses import dataclass, field

import keras
import numpy as np

from .. import arguments
from .batches import CLASSES, as_images_and_labels
from .networks import build_network
from .options import KINDS
from .settings import check_depth
from .track import check_learning_rate

# One source of truth for both modes. Fast: images averaged down by `downsample` (28x28 -> 14x14), so the three
# stages run on 14x14, 7x7 and 4x4 maps, 4 times cheaper than at 28x28, on a few thousand images.
# `lr_drops`: fractions of the run after which the learning rate is divided by 10 (the paper: at 32k and 48k
# of 64k iterations, i.e. after 1/2 and 3/4 of the run). `xla`: compile with XLA on TensorFlow (see _jit_compile).
CONFIGS = {
    "fast": {
        "depths": (8, 20),
        "width": 16,
        "train_size": 2000,
        "val_size": 1000,
        "epochs": 4,
        "batch_size": 64,
        "downsample": 2,
        "learning_rate": 0.1,
        "lr_drops": (),
        "xla": False,
    },
    "full": {
        "depths": (20, 56),
        "width": 16,
        "train_size": None,  # all 60,000
        "val_size": None,  # all 10,000
        "epochs": 40,
        "batch_size": 128,
        "downsample": 1,
        "learning_rate": 0.1,
        "lr_drops": (0.5, 0.75),
        "xla": True,
    },
}


@dataclass
class Degradation:
    """Training and validation error per epoch of plain and residual networks at two depths.

    Attributes:
        depths: (shallow, deep).
        train_error, val_error: {(kind, depth): float array, one value per epoch}. Training error is the
            running error over each epoch (training mode, as He et al.'s thin curves); validation error
            is measured after each epoch in inference mode.
        seconds: {(kind, depth): wall-clock seconds of that run}.
        settings: every choice made (mode, width, sizes, epochs, optimizer, seed, data source, backend).
    """

    depths: tuple
    train_error: dict
    val_error: dict
    seconds: dict
    settings: dict = field(default_factory=dict)

    def final(self, which="train"):
        """{(kind, depth): last-epoch error} for which = "train" or "val"."""
        errors = {"train": self.train_error, "val": self.val_error}[arguments.choice("which", which, ("train", "val"))]
        return {key: float(values[-1]) for key, values in errors.items()}

    def deeper_is_worse(self, kind, which="train"):
        """True when the deep `kind` net ended with a higher error than the shallow one (as measured)."""
        final = self.final(which)
        shallow, deep = self.depths
        return final[(kind, deep)] > final[(kind, shallow)]

    def shows_the_papers_effect(self, which="train"):
        """True when the deeper plain net ended worse and the deeper residual net better, as in Fig. 6."""
        return self.deeper_is_worse("plain", which) and not self.deeper_is_worse("residual", which)

    def residual_gain(self, which="train"):
        """{depth: plain error - residual error at the end}: how far the shortcuts put the residual net ahead."""
        final = self.final(which)
        return {depth: final[("plain", depth)] - final[("residual", depth)] for depth in self.depths}

    @property
    def steps(self):
        """Training steps (batches) each run took: epochs x batches per epoch."""
        s = self.settings
        return s["epochs"] * -(-s["train_size"] // s["batch_size"])

    def summary(self):
        """What was measured, in words and numbers; no claim that the numbers do not back."""
        shallow, deep = self.depths
        s = self.settings
        lines = [
            f"{s['mode']} mode: the paper's CIFAR nets (basic blocks, option A shortcuts), {s['train_size']} training / "
            f"{s['val_size']} validation images of {s['data']} at {s['image_size']}x{s['image_size']}, "
            f"{s['epochs']} epochs, width {s['width']}, batch {s['batch_size']}, {s['optimizer']}, seed {s['seed']}",
        ]
        for kind in KINDS:
            for depth in self.depths:
                lines.append(
                    f"{kind:>8}-{depth:<3d} final training error {self.train_error[(kind, depth)][-1]:6.1%}, "
                    f"validation error {self.val_error[(kind, depth)][-1]:6.1%}"
                )
        for kind in KINDS:
            for which, label in (("train", "training"), ("val", "validation")):
                final = self.final(which)
                worse = self.deeper_is_worse(kind, which)
                lines.append(
                    f"{kind}: the {deep}-layer net ended with {'higher' if worse else 'lower or equal'} {label} error "
                    f"than the {shallow}-layer net ({final[(kind, deep)]:.1%} vs {final[(kind, shallow)]:.1%})"
                )
        gain = self.residual_gain("train")
        parts = [f"at {d} layers {_points(gain[d])}" for d in self.depths]
        lines.append(f"shortcuts: the residual net ended {', '.join(parts)} its plain twin in training error")
        return "\n".join(lines)

    def __repr__(self):
        return f"Degradation(\n{self.summary()}\n)"

    def plot(self, axes=None):
        """Like He et al.'s Fig. 6: plain (left) and residual (right); dashed training, solid validation error.

        Returns the two matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        from .plotting import integer_ticks

        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
        colors = {self.depths[0]: "#ff7f0e", self.depths[1]: "#9467bd"}
        for ax, kind in zip(axes, KINDS):
            for depth in self.depths:
                train, val = 100 * self.train_error[(kind, depth)], 100 * self.val_error[(kind, depth)]
                epochs = np.arange(1, len(train) + 1)
                ax.plot(epochs, train, "--", color=colors[depth], label=f"{kind}-{depth} training")
                ax.plot(epochs, val, "-", color=colors[depth], linewidth=2, label=f"{kind}-{depth} validation")
            ax.set_title(f"{kind} nets ({self.settings['mode']} mode)", fontsize=10)
            integer_ticks(ax)
            ax.set_xlabel("epoch")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        axes[0].set_ylabel("error (%)")
        return axes


def _points(difference):
    """'5.0 points below' for a residual net 0.05 ahead of its twin; 'level with' within 0.05 points."""
    if abs(difference) < 0.0005:
        return "level with"
    return f"{100 * abs(difference):.1f} points {'below' if difference > 0 else 'above'}"


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


def learning_rate_at(epoch, config):
    """The learning rate of epoch `epoch` (0-based): config's rate, divided by 10 after each of its lr_drops."""
    drops = sum(epoch >= fraction * config["epochs"] for fraction in config["lr_drops"])
    return config["learning_rate"] / 10**drops


def _jit_compile(config):
    # On TensorFlow, XLA takes longer to compile one of these nets on a CPU than a fast run takes to train it
    # (tf.function's graph is kept); JAX needs jit to run fast at all, and a GPU repays XLA in full mode.
    if keras.backend.backend() == "tensorflow" and not config["xla"]:
        return False
    return "auto"


def _train_one(kind, depth, arrays, config, seed, verbose):
    x_train, y_train, x_val, y_val = arrays
    model = build_network(kind, depth, width=config["width"], seed=seed, input_shape=x_train.shape[1:], classes=CLASSES)
    optimizer = keras.optimizers.SGD(learning_rate=config["learning_rate"], momentum=0.9)
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        jit_compile=_jit_compile(config),
    )
    # Shuffle with our own seeded generator (fit's shuffling would follow Keras' global seed).
    rng = np.random.default_rng(np.random.SeedSequence([seed, depth, 271828]))
    train_error, val_error = [], []
    for epoch in range(config["epochs"]):
        optimizer.learning_rate.assign(learning_rate_at(epoch, config))
        order = rng.permutation(len(x_train))
        history = model.fit(
            x_train[order], y_train[order], batch_size=config["batch_size"], epochs=1, shuffle=False, verbose=0
        )
        train_error.append(1.0 - history.history["accuracy"][-1])
        _, accuracy = model.evaluate(x_val, y_val, batch_size=256, verbose=0)
        val_error.append(1.0 - accuracy)
        if verbose:
            print(
                f"{kind}-{depth} epoch {epoch + 1}: training error {train_error[-1]:.1%}, "
                f"validation error {val_error[-1]:.1%}"
            )
    return np.array(train_error), np.array(val_error)


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


def degradation_experiment(
    mode=None,
    *,
    depths=None,
    width=None,
    epochs=None,
    train_size=None,
    val_size=None,
    batch_size=None,
    learning_rate=None,
    downsample=None,
    seed=0,
    data="fashion_mnist",
    verbose=0,
):
    """Train plain and residual CIFAR nets at two depths and record their errors per epoch.

    The networks are those of compare() (network="cifar": 6n + 2 layers, basic blocks, option A shortcuts,
    batch norm, He-normal init). SGD with momentum 0.9 and a starting learning rate of 0.1, as He et al.;
    unlike them, no weight decay and no data augmentation (the experiment is about training error).

    Args:
        mode: "fast" (well under a minute on 2 CPU cores), "full" (GPU: 20 vs 56 layers, all 60,000 images,
            the learning rate divided by 10 after 1/2 and 3/4 of the epochs, as in the paper), or None for
            resnet_widgets.mode.course_mode().
        depths, width, epochs, train_size, val_size, batch_size, learning_rate, downsample: override the
            mode's CONFIGS entry (train_size/val_size None in full mode: the whole split; downsample 2
            averages 2x2 pixel squares, 28x28 -> 14x14). depths are two depths 6n + 2, shallow first.
        seed: seeds weights, the images drawn and the shuffling.
        data: "fashion_mnist" (through resnet_widgets.data) or a dataset object with x_train, y_train,
            x_val, y_val.
        verbose: 1 prints one line per epoch.

    Returns:
        Degradation (summary() and plot() report it).

    Raises:
        ValueError, TypeError: an unknown mode, depths not two depths 6n + 2 with shallow < deep, other sizes
            not >= 1, learning_rate not > 0, data not usable (see as_images_and_labels).
    """
    if mode is None:
        from resnet_widgets.mode import course_mode

        mode = course_mode()
    mode = arguments.choice("mode", mode, tuple(CONFIGS))
    config = dict(CONFIGS[mode])
    overrides = {
        "depths": depths,
        "width": width,
        "epochs": epochs,
        "train_size": train_size,
        "val_size": val_size,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "downsample": downsample,
    }
    config.update({k: v for k, v in overrides.items() if v is not None})

    config["depths"] = check_depths(config["depths"])
    meanings = {
        "width": "filters of the first stage",
        "epochs": "passes over the data",
        "batch_size": "images per step",
        "downsample": "pixels averaged per side",
    }
    for name, meaning in meanings.items():
        config[name] = arguments.positive_int(name, config[name], meaning)
    for name in ("train_size", "val_size"):
        if config[name] is not None:
            config[name] = arguments.positive_int(name, config[name], "images (None: the whole split)")
    config["learning_rate"] = check_learning_rate(config["learning_rate"])
    seed = arguments.whole_number("seed", seed, minimum=0, meaning="the seed of weights, data and shuffling")

    x_train, y_train, x_val, y_val, source = _load(data, config["train_size"], config["val_size"], seed)
    x_train, x_val = _average_down(x_train, config["downsample"]), _average_down(x_val, config["downsample"])
    arrays = (x_train, y_train, x_val, y_val)
    train_error, val_error, seconds = {}, {}, {}
    for depth in config["depths"]:
        for kind in KINDS:
            start = time.perf_counter()
            errors = _train_one(kind, depth, arrays, config, seed, verbose)
            train_error[(kind, depth)], val_error[(kind, depth)] = errors
            seconds[(kind, depth)] = time.perf_counter() - start
    drops = ", the learning rate / 10 after " + " and ".join(f"{f:.0%}" for f in config["lr_drops"]) \
        if config["lr_drops"] else ""
    settings = {
        **config,
        "mode": mode,
        "seed": seed,
        "data": source,
        "train_size": len(x_train),
        "val_size": len(x_val),
        "image_size": x_train.shape[1],
        "optimizer": f"SGD, momentum 0.9, learning rate {config['learning_rate']:g}{drops}",
        "backend": keras.backend.backend(),
    }
    return Degradation(config["depths"], train_error, val_error, seconds, settings)
