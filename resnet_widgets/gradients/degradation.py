"""The degradation experiment after He et al. 2015 (arXiv 1512.03385, Fig. 1 and Fig. 6).

Train plain and residual stacks at a shallow and a deep depth on Fashion-MNIST, and record training and
validation error per epoch. He et al. saw the deeper plain net end with *higher training error* than the
shallower one (so not overfitting), while the deeper residual net did better than its shallow twin.
Whatever our curves show is reported as measured: summary() states each comparison from the numbers.

Fast mode is sized for about a minute on two CPU cores; full mode is for a GPU.
"""

import math
import time
from dataclasses import dataclass, field

import keras
import numpy as np

from .batches import CLASSES, as_images_and_labels
from .networks import conv_stack
from .options import KINDS, check_choice, check_positive_int, check_settings

# One source of truth for both modes. Fast: images averaged down by `downsample` (28x28 -> 14x14) and a
# stride-2 stem, so the stack runs on 7x7 maps, 16 times cheaper than at 28x28; a few thousand images.
CONFIGS = {
    "fast": {
        "depths": (8, 32),
        "width": 16,
        "train_size": 2000,
        "val_size": 1000,
        "epochs": 5,
        "batch_size": 64,
        "downsample": 2,
        "stem_stride": 2,
        "learning_rate": 0.05,
    },
    "full": {
        "depths": (20, 56),
        "width": 16,
        "train_size": None,  # all 60,000
        "val_size": None,  # all 10,000
        "epochs": 30,
        "batch_size": 128,
        "downsample": 1,
        "stem_stride": 1,
        "learning_rate": 0.05,
    },
}


@dataclass
class Degradation:
    """Training and validation error per epoch of plain and residual stacks at two depths.

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
        errors = {"train": self.train_error, "val": self.val_error}[check_choice("which", which, ("train", "val"))]
        return {key: float(values[-1]) for key, values in errors.items()}

    def deeper_is_worse(self, kind, which="train"):
        """True when the deep `kind` net ended with a higher error than the shallow one (as measured)."""
        final = self.final(which)
        shallow, deep = self.depths
        return final[(kind, deep)] > final[(kind, shallow)]

    def summary(self):
        """What was measured, in words and numbers; no claim that the numbers do not back."""
        shallow, deep = self.depths
        s = self.settings
        lines = [
            f"{s['mode']} mode: {s['train_size']} training / {s['val_size']} validation images of {s['data']} at "
            f"{s['image_size']}x{s['image_size']}, {s['epochs']} epochs, width {s['width']}, batch {s['batch_size']}, "
            f"{s['optimizer']}, seed {s['seed']}",
        ]
        for kind in KINDS:
            for depth in self.depths:
                lines.append(
                    f"{kind:>8}-{depth:<3d} final training error {self.train_error[(kind, depth)][-1]:6.1%}, "
                    f"validation error {self.val_error[(kind, depth)][-1]:6.1%}  ({self.seconds[(kind, depth)]:.0f} s)"
                )
        for kind in KINDS:
            for which, label in (("train", "training"), ("val", "validation")):
                final = self.final(which)
                worse = self.deeper_is_worse(kind, which)
                lines.append(
                    f"{kind}: the {deep}-layer net ended with {'higher' if worse else 'lower or equal'} {label} error "
                    f"than the {shallow}-layer net ({final[(kind, deep)]:.1%} vs {final[(kind, shallow)]:.1%})"
                )
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


def _load(data, train_size, val_size, seed):
    if isinstance(data, str):
        check_choice("data", data, ("fashion_mnist",))
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


def _train_one(kind, depth, arrays, config, seed, verbose):
    x_train, y_train, x_val, y_val = arrays
    model = conv_stack(
        kind,
        depth,
        width=config["width"],
        seed=seed,
        input_shape=x_train.shape[1:],
        classes=CLASSES,
        stem_stride=config["stem_stride"],
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=config["learning_rate"], momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    # Shuffle with our own seeded generator (fit's shuffling would follow Keras' global seed).
    rng = np.random.default_rng(np.random.SeedSequence([seed, depth, 271828]))
    train_error, val_error = [], []
    for epoch in range(config["epochs"]):
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
    """Train plain and residual stacks at two depths and record their errors per epoch.

    The stacks are those of compare() with batch norm and He-normal init. Fast mode averages the images
    down to 14x14 and gives the stack a stride-2 stem (7x7 feature maps). SGD with momentum 0.9, as He et al.

    Args:
        mode: "fast" (about a minute on 2 CPU cores), "full" (GPU: 20 vs 56 layers, all 60,000 images), or
            None for resnet_widgets.mode.course_mode().
        depths, width, epochs, train_size, val_size, batch_size, learning_rate, downsample: override the
            mode's CONFIGS entry (train_size/val_size None in full mode: the whole split; downsample 2
            averages 2x2 pixel squares, 28x28 -> 14x14).
        seed: seeds weights, the images drawn and the shuffling.
        data: "fashion_mnist" (through resnet_widgets.data) or a dataset object with x_train, y_train,
            x_val, y_val.
        verbose: 1 prints one line per epoch.

    Returns:
        Degradation (summary() and plot() report it).

    Raises:
        ValueError, TypeError: an unknown mode, depths not two whole numbers 1 <= shallow < deep, other sizes not >= 1,
            learning_rate not > 0, data not usable (see as_images_and_labels).
    """
    if mode is None:
        from resnet_widgets.mode import course_mode

        mode = course_mode()
    mode = check_choice("mode", mode, tuple(CONFIGS))
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

    if not isinstance(config["depths"], (tuple, list)) or len(config["depths"]) != 2:
        raise ValueError(f"depths must be two depths (shallow, deep), e.g. (8, 32); received {config['depths']!r}")
    config["depths"] = tuple(check_settings(d, 1, True, "he_normal", "relu", 0).depth for d in config["depths"])
    if config["depths"][0] >= config["depths"][1]:
        raise ValueError(f"depths must be (shallow, deep) with shallow < deep; received {config['depths']!r}")
    meanings = {
        "width": "channels per conv",
        "epochs": "passes over the data",
        "batch_size": "images per step",
        "downsample": "pixels averaged per side",
    }
    for name, meaning in meanings.items():
        config[name] = check_positive_int(name, config[name], meaning)
    for name in ("train_size", "val_size"):
        if config[name] is not None:
            config[name] = check_positive_int(name, config[name], "images (None: the whole split)")
    rate = config["learning_rate"]
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not (rate > 0 and math.isfinite(rate)):
        raise ValueError(f"learning_rate must be a finite number > 0; received {rate!r}")
    seed = check_settings(1, 1, True, "he_normal", "relu", seed).seed

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
    settings = {
        **config,
        "mode": mode,
        "seed": seed,
        "data": source,
        "train_size": len(x_train),
        "val_size": len(x_val),
        "image_size": x_train.shape[1],
        "optimizer": "SGD, momentum 0.9",
        "backend": keras.backend.backend(),
    }
    return Degradation(config["depths"], train_error, val_error, seconds, settings)
