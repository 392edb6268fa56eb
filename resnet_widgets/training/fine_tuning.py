"""Feature extraction against fine-tuning, from the same start, over seeds: lab 08's measurement and its record.

Lab 08 compares the two ways with the course ResNet on the five Fashion-MNIST classes it never saw. For each
seed (which draws the labelled images and the order of the batches):

1. feature extraction: the base's pooled features, computed once, and a softmax head trained to convergence
   (`converged_head`): the best this base can do with a new head alone;
2. fine-tuning from that head, as the Keras transfer-learning guide does it: the top stages unfrozen (every
   BatchNormalization kept frozen, in inference mode), a low learning rate on a cosine, a few epochs.

Both are scored on the same validation images. `fine_tune` is the recommended schedule, which the notebook shows
and runs; `FineTuning` keeps one compiled model and starts it over for every seed (optimizer_state.start_over),
so its training step is traced once. scripts/record_fine_tuning_sweep.py runs the same code over several label
budgets; lab 08 shows that record beside its live run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np

from .. import arguments
from ..optimizer_state import start_over
from .converged_head import converged_head
from .inputs import take_per_class
from .transfer import build_transfer_model
from .unfreeze import unfreeze

RECOMMENDED = {"stages": "conv4", "epochs": 10, "learning_rate": 3e-4, "batch_size": 32}


def epoch_order(labelled, seed, epoch):
    """The order of the labelled images in `epoch` of the run with `seed` (a permutation of `labelled`)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, epoch, 161803]))
    return rng.permutation(labelled)


def cosine(learning_rate, steps):
    """Adam's rate for fine-tuning: from `learning_rate` down to 0 along half a cosine over `steps` steps."""
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(1, steps))


@dataclass
class FineTuning:
    """A transfer model of `base`, with its top stages unfrozen and compiled once, ready to be started over.

    Args:
        base: the pretrained base (a keras.Model without its head), or a variant's name with `weights`.
        num_classes: classes of the new head.
        weights: for a variant's name: "imagenet" (None for a base model that carries its weights).
        image_size: the images' (height, width), for a variant's name.
        stages: unfreeze from this stage up ("conv4": conv4 and conv5).
        epochs, learning_rate, batch_size: the schedule (Adam on a cosine over all the steps).
        steps_per_epoch: batches per epoch (the schedule's length depends on it).
    """

    base: object
    num_classes: int
    steps_per_epoch: int
    weights: object = None
    image_size: object = None
    stages: str = RECOMMENDED["stages"]
    epochs: int = RECOMMENDED["epochs"]
    learning_rate: float = RECOMMENDED["learning_rate"]
    batch_size: int = RECOMMENDED["batch_size"]
    model: object = field(init=False)
    snapshot: list = field(init=False)

    def __post_init__(self):
        self.epochs = arguments.positive_int("epochs", self.epochs, "passes over the labelled images")
        self.model = build_transfer_model(self.base, self.num_classes, image_size=self.image_size, weights=self.weights,
                                          augment=False, dropout=0.0, seed=0)
        self.snapshot = self.model.get_weights()  # the pretrained base and a fresh head
        unfreeze(self.model, self.stages)
        self.model.compile(keras.optimizers.Adam(cosine(self.learning_rate, self.epochs * self.steps_per_epoch)),
                           "sparse_categorical_crossentropy", metrics=["accuracy"])

    def extractor(self):
        """The model up to its pooled features (what feature extraction computes once)."""
        return keras.Model(self.model.input, self.model.get_layer("avg_pool").output)

    def fine_tune(self, head, images, labels, labelled, seed, validation=None, callbacks=()):
        """Start over from the pretrained base and `head`, then fine-tune on `labelled` for `epochs` epochs.

        Args:
            head: a ConvergedHead (feature extraction's result), the starting point.
            images, labels: the whole training pool; `labelled` indexes the images this run may use.
            seed: orders the batches.
            validation: (x, y) to score after every epoch (the dashboard draws it), or None.
            callbacks: Keras callbacks for every epoch's fit (a dashboard run).

        Returns:
            The fine-tuned model (this object's model).
        """
        start_over(self.model, self.snapshot)
        self.model.get_layer("predictions").set_weights(head.weights)
        for epoch in range(self.epochs):
            order = epoch_order(labelled, seed, epoch)
            self.model.fit(images[order], labels[order], batch_size=self.batch_size, epochs=epoch + 1,
                           initial_epoch=epoch, shuffle=False, validation_data=validation, verbose=0,
                           callbacks=list(callbacks))
        return self.model


def feature_extraction_and_fine_tuning(base, train, validation, labels_per_class, seeds, epochs=None,
                                       learning_rate=None, on_run=None):
    """For each seed: feature extraction to convergence, then fine-tuning from it; both scored on `validation`.

    Args:
        base: the pretrained base.
        train: (images, labels), the pool the labelled images are drawn from.
        validation: (images, labels).
        labels_per_class: labelled images per class, drawn with each seed (take_per_class).
        seeds: the seeds.
        epochs, learning_rate: fine-tuning's (None: RECOMMENDED's).
        on_run: optional callable(seed, result dict) after each seed.

    Returns:
        {"feature extraction": [accuracy per seed], "fine-tuned": [...], "head_steps": [...]}.
    """
    images, labels = train
    x_val, y_val = validation
    num_classes = int(labels.max()) + 1
    per_epoch = -(-num_classes * labels_per_class // RECOMMENDED["batch_size"])
    runs = FineTuning(base, num_classes, per_epoch, epochs=epochs or RECOMMENDED["epochs"],
                      learning_rate=learning_rate or RECOMMENDED["learning_rate"])
    extractor = runs.extractor()
    features = extractor.predict(images, batch_size=256, verbose=0)
    val_features = extractor.predict(x_val, batch_size=256, verbose=0)
    found = {"feature extraction": [], "fine-tuned": [], "head_steps": []}
    for seed in seeds:
        labelled = take_per_class(labels, labels_per_class, seed=seed)
        head = converged_head(features[labelled], labels[labelled], num_classes)
        model = runs.fine_tune(head, images, labels, labelled, seed)
        _, tuned = model.evaluate(x_val, y_val, batch_size=500, verbose=0)
        result = {"feature extraction": head.accuracy(val_features, y_val), "fine-tuned": float(tuned),
                  "head_steps": head.steps}
        for key, value in result.items():
            found[key].append(value)
        if on_run is not None:
            on_run(seed, result)
    return found
