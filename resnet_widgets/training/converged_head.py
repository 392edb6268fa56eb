"""Feature extraction trained to convergence: a softmax head on features computed once.

With the base frozen and no augmentation, an image's features never change, so the base runs once over the
labelled images and the head trains on the stored features alone (the Keras transfer-learning guide's "feature
extraction"). The head is a logistic regression: a convex problem, so training it until the loss stops falling
gives *the* feature-extraction result for those features and labels, not one that depends on how long someone
let it run. That is the baseline fine-tuning has to beat (lab 08).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from .. import arguments


@dataclass(frozen=True)
class ConvergedHead:
    """A softmax head trained to convergence on fixed features.

    Attributes:
        weights: [kernel (features, classes), bias (classes,)], ready for the transfer model's `predictions`.
        steps: full-batch steps taken.
        losses: the training loss (cross-entropy + L2) after every `check_every` steps.
        converged: True when the loss fell by less than `tolerance` (relative) over the last check.
    """

    weights: list
    steps: int
    losses: tuple
    converged: bool

    def predict(self, features):
        """Class probabilities for `features` (numpy, float64)."""
        logits = np.asarray(features, dtype=np.float64) @ self.weights[0] + self.weights[1]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def accuracy(self, features, labels):
        return float(np.mean(self.predict(features).argmax(axis=1) == np.asarray(labels)))


def converged_head(features, labels, num_classes, l2=1e-4, learning_rate=0.05, check_every=100, max_steps=5000,
                   tolerance=1e-4, seed=0):
    """Train a softmax head on `features` with full-batch Adam until its loss stops falling.

    Args:
        features: (N, d) features of the labelled images (the base's pooled output).
        labels: (N,) class indices.
        num_classes: outputs of the head.
        l2: weight of an L2 penalty on the kernel, so that separable data has a finite optimum.
        learning_rate: Adam's step.
        check_every, max_steps, tolerance: every `check_every` steps the loss is compared with the previous
            check; training stops when it fell by less than `tolerance` (relative), or after `max_steps`.
        seed: seeds the head's initial weights (the optimum does not depend on it).

    Returns:
        ConvergedHead.

    Raises:
        ValueError, TypeError: features that are not (N, d), labels of another length or out of range.
    """
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2:
        raise ValueError(f"features must have shape (N, d); received shape {features.shape}")
    num_classes = arguments.whole_number("num_classes", num_classes, minimum=2)
    labels = arguments.class_labels("labels", labels, num_classes)
    if len(labels) != len(features):
        raise ValueError(f"labels must have one entry per row of features; received {len(labels)} and {len(features)}")
    l2 = arguments.real_number("l2", l2, minimum=0)
    check_every = arguments.positive_int("check_every", check_every)
    max_steps = arguments.positive_int("max_steps", max_steps)

    rng = np.random.default_rng(arguments.whole_number("seed", seed, minimum=0))
    head = keras.Sequential([
        keras.Input((features.shape[1],)),
        # L2 as Keras adds it to the loss: l2 * sum(kernel ** 2).
        keras.layers.Dense(num_classes, kernel_regularizer=keras.regularizers.L2(l2) if l2 else None),
    ])
    head.layers[-1].set_weights([rng.normal(0, 0.01, (features.shape[1], num_classes)).astype("float32"),
                                 np.zeros(num_classes, dtype="float32")])
    head.compile(keras.optimizers.Adam(learning_rate), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    losses, steps, converged = [], 0, False
    while steps < max_steps:
        # One epoch of one batch is one full-batch step: `check_every` of them per fit.
        history = head.fit(features, labels, batch_size=len(features), epochs=check_every, shuffle=False, verbose=0)
        steps += check_every
        losses.append(float(history.history["loss"][-1]))
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) <= tolerance * abs(losses[-2]):
            converged = True
            break
    return ConvergedHead([np.asarray(w) for w in head.layers[-1].get_weights()], steps, tuple(losses), converged)
