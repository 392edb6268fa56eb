"""Feature extraction trained to convergence: a softmax head on features computed once.

With the base frozen and no augmentation, an image's features never change, so the base runs once over the
labelled images and the head trains on the stored features alone (the Keras transfer-learning guide's "feature
extraction"). The head is a logistic regression: a convex problem, so training it until the loss stops falling
gives *the* feature-extraction result for those features and labels, not one that depends on how long someone
let it run. That is the baseline fine-tuning has to beat (lab 08).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arguments


@dataclass(frozen=True)
class ConvergedHead:
    """A softmax head trained to convergence on fixed features.

    Attributes:
        weights: [kernel (features, classes), bias (classes,)], ready for the transfer model's `predictions`.
        steps: Newton steps taken.
        losses: the training loss (cross-entropy + L2 on the kernel) at every step.
        converged: True when the gradient vanished (every entry below the tolerance).
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


def _loss_gradient_hessian(theta, x, y_onehot, l2, penalised):
    """Cross-entropy + l2 * ||W||^2 of a softmax head, with its gradient and Hessian in theta ((d + 1) x K)."""
    n, k = y_onehot.shape
    logits = x @ theta
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(y_onehot * np.log(np.maximum(p, 1e-300)), axis=1)) + l2 * np.sum((theta * penalised) ** 2)
    gradient = x.T @ (p - y_onehot) / n + 2 * l2 * theta * penalised
    dim = x.shape[1]
    hessian = np.zeros((dim * k, dim * k))
    for a in range(k):  # blocks of sum_n (p_na [a == b] - p_na p_nb) x_n x_n^T / n
        for b in range(a, k):
            weights = p[:, a] * ((a == b) - p[:, b])
            block = (x * weights[:, None]).T @ x / n
            hessian[a * dim:(a + 1) * dim, b * dim:(b + 1) * dim] = block
            hessian[b * dim:(b + 1) * dim, a * dim:(a + 1) * dim] = block
    hessian += np.diag(2 * l2 * penalised.T.reshape(-1))
    return loss, gradient, hessian


def converged_head(features, labels, num_classes, l2=1e-3, tolerance=1e-8, max_steps=50):
    """Train a softmax head on `features` by Newton's method until its gradient vanishes.

    The problem is convex (strictly, with the L2 penalty), so Newton's method reaches the optimum to machine
    precision in a few dozen steps, in numpy, whatever the backend: this is the feature-extraction result
    for these features and labels, not a point on the way to it.

    Args:
        features: (N, d) features of the labelled images (the base's pooled output).
        labels: (N,) class indices.
        num_classes: outputs of the head.
        l2: weight of the penalty l2 * ||kernel||^2 on the kernel of the standardised features (each column
            divided by its standard deviation; the bias is not penalised), so that separable data has a finite
            optimum.
        tolerance: stop when the largest entry of the gradient is below it.
        max_steps: at most this many Newton steps.

    Returns:
        ConvergedHead (`converged` False only if max_steps ran out first).

    Raises:
        ValueError, TypeError: features that are not (N, d), labels of another length or out of range.
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2:
        raise ValueError(f"features must have shape (N, d); received shape {features.shape}")
    num_classes = arguments.whole_number("num_classes", num_classes, minimum=2)
    labels = arguments.class_labels("labels", labels, num_classes)
    if len(labels) != len(features):
        raise ValueError(f"labels must have one entry per row of features; received {len(labels)} and {len(features)}")
    l2 = arguments.real_number("l2", l2, minimum=0, open_minimum=True)
    max_steps = arguments.positive_int("max_steps", max_steps)

    # The head works on standardised features (unit variance per column: a better-conditioned Hessian, and a
    # penalty that weighs every feature alike); the kernel is scaled back for the raw features at the end.
    scale = features.std(axis=0) + 1e-8
    x = np.hstack([features / scale, np.ones((len(features), 1))])
    y_onehot = np.eye(num_classes)[labels]
    penalised = np.ones((x.shape[1], num_classes))
    penalised[-1] = 0.0  # the bias row is not penalised
    theta = np.zeros((x.shape[1], num_classes))
    losses, converged, steps = [], False, 0
    for steps in range(1, max_steps + 1):
        loss, gradient, hessian = _loss_gradient_hessian(theta, x, y_onehot, l2, penalised)
        losses.append(float(loss))
        if np.max(np.abs(gradient)) < tolerance:
            converged = True
            break
        # The softmax's logits are free up to a constant per image, so the Hessian is singular along the bias;
        # a tiny damping fixes that direction without moving the optimum.
        step = np.linalg.solve(hessian + 1e-10 * np.eye(len(hessian)), gradient.T.reshape(-1))
        direction = step.reshape(num_classes, -1).T
        t = 1.0  # backtracking: Newton's full step can overshoot far from the optimum
        while t > 1e-4:
            trial = theta - t * direction
            if _loss_gradient_hessian(trial, x, y_onehot, l2, penalised)[0] <= loss:
                break
            t /= 2
        theta = theta - t * direction
    kernel = theta[:-1] / scale[:, None]
    return ConvergedHead([kernel.astype("float32"), theta[-1].astype("float32")], steps, tuple(losses), converged)
