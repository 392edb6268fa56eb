"""Make notebook 06b's recorded run: the CIFAR-style ResNet-20 and its plain twin, trained longer, with augmentation.

    .venv/bin/python scripts/record_train_your_resnet.py                       # 15 epochs, seeds 0 1 2 (plain: 0)
    .venv/bin/python scripts/record_train_your_resnet.py --epochs 30 --seeds 0

Trains `resnet_widgets.models.cifar_resnet(20, "basic")` and its twin `cifar_resnet(20, "plain")` on all 60,000
Fashion-MNIST training images with notebook 06b's recipe (`resnet_widgets.training.warmup_cosine_sgd`, batch 128)
plus the augmentation of full mode (a random shift of up to 2 pixels and a horizontal flip), and measures them on
the 10,000 test images after every epoch. Writes datasets/recorded/train-your-resnet.json (atomically): the
per-epoch histories, the first steps' losses (tests/training/test_recorded_train_your_resnet.py re-runs them and
matches), the settings, and the provenance (script, command, arguments, seeds, commit, machine, date, wall time).
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

DEPTH = 20
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 0.1
WEIGHT_DECAY = 5e-4
SHIFT = 2 / 28  # RandomTranslation's fraction: up to 2 pixels each way
FIRST_STEPS = 8


class _FirstLosses:
    """Collects the running mean loss of the first `count` steps (a Keras callback, built lazily)."""

    def __new__(cls, count):
        import keras

        class Callback(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.losses = []

            def on_train_batch_end(self, batch, logs=None):
                if len(self.losses) < count:
                    self.losses.append(float(logs["loss"]))

        return Callback()


def train_run(kind, seed, epochs, augment=True, steps=None, data=None, on_epoch=None):
    """Train one network of the record from `seed`.

    Args:
        kind: "basic" (the ResNet) or "plain" (its twin).
        seed: seeds the weights (Keras' global seed), the order of the images and the augmentation.
        epochs: passes over the 60,000 images.
        augment: the random shift and flip of full mode.
        steps: train only this many steps of the first epoch (a test re-runs the first steps), else None.
        data: (x_train, y_train, x_test, y_test), or None to load Fashion-MNIST.
        on_epoch: optional callable(epoch, logs) after each epoch.

    Returns:
        {"history": {metric: [per epoch]}, "first_losses": [...], "seconds": float}.
    """
    import keras
    import numpy as np

    from resnet_widgets.models import cifar_resnet
    from resnet_widgets.training import steps_per_epoch, warmup_cosine_sgd

    if data is None:
        from resnet_widgets.data import load_dataset

        fashion = load_dataset("fashion_mnist")
        data = fashion.x_train, fashion.y_train, fashion.x_val, fashion.y_val
    x_train, y_train, x_test, y_test = data
    keras.utils.set_random_seed(seed)
    net = cifar_resnet(DEPTH, kind)
    if augment:
        shift = keras.layers.RandomTranslation(SHIFT, SHIFT, fill_mode="constant", seed=seed, name="shift")
        flip = keras.layers.RandomFlip("horizontal", seed=seed + 1, name="flip")
        model = keras.Sequential([keras.Input(x_train.shape[1:]), shift, flip, net], name=f"augmented_{net.name}")
    else:
        model = net
    per_epoch = steps_per_epoch(len(x_train), BATCH_SIZE)
    model.compile(optimizer=warmup_cosine_sgd(epochs, per_epoch, PEAK_LEARNING_RATE, WEIGHT_DECAY),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    first = _FirstLosses(FIRST_STEPS)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 314159]))
    history = {"loss": [], "accuracy": [], "test_loss": [], "test_accuracy": []}
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        if steps is not None:
            model.fit(x_train[order], y_train[order], batch_size=BATCH_SIZE, steps_per_epoch=steps, shuffle=False,
                      verbose=0, callbacks=[first])
            break
        logs = model.fit(x_train[order], y_train[order], batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=0,
                         validation_data=(x_test, y_test), validation_batch_size=1000, callbacks=[first]).history
        for name, values in (("loss", logs["loss"]), ("accuracy", logs["accuracy"]),
                             ("test_loss", logs["val_loss"]), ("test_accuracy", logs["val_accuracy"])):
            history[name].append(round(float(values[-1]), 6))
        if on_epoch is not None:
            on_epoch(epoch, {name: values[-1] for name, values in history.items()})
    return {"history": history, "first_losses": [round(v, 6) for v in first.losses],
            "seconds": round(time.perf_counter() - start, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2], help="seeds of the ResNet")
    parser.add_argument("--plain-seeds", nargs="*", type=int, default=[0], help="seeds of the plain twin")
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets" / "recorded" / "train-your-resnet.json")
    args = parser.parse_args()

    from resnet_widgets.startup import import_keras_quietly

    import_keras_quietly()  # before anything imports keras: TensorFlow's start-up notices stay out

    from record_degradation import commit, provenance
    from resnet_widgets.io import write_atomically

    made_at = commit()
    start = time.perf_counter()
    runs = {}
    for kind, seeds in (("basic", args.seeds), ("plain", args.plain_seeds)):
        for seed in seeds:
            def report(epoch, logs, kind=kind, seed=seed):
                print(f"{kind} seed {seed} epoch {epoch + 1}: loss {logs['loss']:.4f}, accuracy {logs['accuracy']:.4f}, "
                      f"test accuracy {logs['test_accuracy']:.4f}", flush=True)

            runs[f"{kind}-{seed}"] = train_run(kind, seed, args.epochs, augment=not args.no_augment, on_epoch=report)
    wall = time.perf_counter() - start
    record = {
        "settings": {"depth": DEPTH, "batch_size": BATCH_SIZE, "peak_learning_rate": PEAK_LEARNING_RATE,
                     "weight_decay": WEIGHT_DECAY, "epochs": args.epochs, "augment": not args.no_augment,
                     "shift_pixels": 2, "flip": "horizontal", "optimizer": "warmup_cosine_sgd",
                     "data": "Fashion-MNIST, 60,000 training / 10,000 test images, 28x28"},
        "runs": runs,
        "provenance": provenance("scripts/record_train_your_resnet.py", {"epochs": args.epochs, "augment": not args.no_augment}, {"basic": args.seeds, "plain": args.plain_seeds}, made_at, wall),
    }
    text = json.dumps(record, indent=1) + "\n"
    write_atomically(args.out, text)
    for name, run in runs.items():
        print(f"{name}: final test accuracy {run['history']['test_accuracy'][-1]:.4f} in {run['seconds']:.0f} s")
    print(f"wrote {args.out} in {wall / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
