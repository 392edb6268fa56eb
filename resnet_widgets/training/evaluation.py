"""Reading a trained classifier: accuracy, the confusion matrix, the images it gets most wrong, and the
label-budget comparison of lab 07. Numbers come from pure functions; the plots only draw them."""

from __future__ import annotations

import numpy as np

from .. import arguments


def confusion_matrix(y_true, y_pred, num_classes):
    """counts[i, j] = how many images of class i were predicted as class j.

    Raises:
        ValueError: labels or predictions outside [0, num_classes), or different lengths.
    """
    num_classes = arguments.whole_number("num_classes", num_classes, minimum=2)
    y_true = arguments.class_labels("y_true", y_true, num_classes)
    y_pred = arguments.class_labels("y_pred", y_pred, num_classes)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred must have the same length; received {len(y_true)} and {len(y_pred)}")
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def most_confident_mistakes(y_true, probabilities, count=12):
    """Indices of misclassified images, the most confidently wrong first (at most `count`)."""
    probabilities = np.asarray(probabilities)
    y_true = np.asarray(y_true)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][: arguments.positive_int("count", count)]


def plot_confusion_matrix(counts, class_names, ax=None, title="confusion matrix (rows: true class)"):
    """Draw a confusion matrix with the count in every cell; returns the axes."""
    import matplotlib.pyplot as plt

    counts = np.asarray(counts)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * len(class_names) + 2, 1.0 * len(class_names) + 1.2), layout="constrained")
    ax.imshow(counts, cmap="Blues")
    ticks = range(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(ticks, class_names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    limit = counts.max() / 2 if counts.size else 0
    for (i, j), value in np.ndenumerate(counts):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color="white" if value > limit else "black")
    ax.set_title(title, fontsize=10)
    return ax


def plot_gallery(images, y_true, probabilities, class_names, indices, columns=6):
    """The images at `indices`, each titled "true → predicted (confidence)"; returns the figure."""
    import matplotlib.pyplot as plt

    indices = list(indices)
    rows = max(1, int(np.ceil(len(indices) / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(1.7 * columns, 1.9 * rows), layout="constrained", squeeze=False)
    predicted = np.asarray(probabilities).argmax(axis=1)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, indices):
        ax.imshow(np.asarray(images[index]).astype("uint8"))
        confidence = float(np.asarray(probabilities)[index, predicted[index]])
        ax.set_title(f"{class_names[y_true[index]]}\n→ {class_names[predicted[index]]} ({confidence:.0%})", fontsize=7)
    return figure


def plot_label_budget(results, ax=None):
    """Validation accuracy against labels per class, one line per method; `results` is
    [{"labels_per_class", "method", "accuracy"}, ...]. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.4), layout="constrained")
    for method in dict.fromkeys(r["method"] for r in results):
        rows = sorted((r for r in results if r["method"] == method), key=lambda r: r["labels_per_class"])
        ax.plot([r["labels_per_class"] for r in rows], [r["accuracy"] for r in rows], marker="o", label=method)
    ax.set_xscale("log")
    budgets = sorted({r["labels_per_class"] for r in results})
    ax.set_xticks(budgets, [str(b) for b in budgets])
    ax.set_xlabel("labelled images per class")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
