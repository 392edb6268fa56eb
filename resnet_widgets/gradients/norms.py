"""Gradient norms of any Keras model, per layer or per residual block, and the spread of a profile.

The measure: the L2 norm of the loss gradient with respect to a layer's kernel (Conv and Dense weights;
biases and BN scale/offset are left out), on one batch, in training mode, as the first step of training
would see it. For a residual block the kernels of all its layers count together.
"""

import functools
import math
from dataclasses import dataclass

import keras
import numpy as np

from .. import arguments
from ..gradient_dispatch import loss_and_gradients

GROUPINGS = ("auto", "block", "layer")
KERNEL_NAMES = ("kernel", "depthwise_kernel", "pointwise_kernel")


@dataclass(frozen=True)
class GradientNorms:
    """Gradient norms of one model on one batch, input side first.

    Attributes:
        names: the group of each value: a block name ("conv2_block1") or a layer name.
        values: float64 array of norms, one per name.
        grouped_by: "block" or "layer".
        loss: the loss on the batch.
    """

    names: tuple
    values: np.ndarray
    grouped_by: str
    loss: float

    def __len__(self):
        return len(self.values)

    def as_dict(self):
        return dict(zip(self.names, (float(v) for v in self.values)))


def norm(array):
    """L2 norm in float64 (float32 squares of exploding gradients would overflow)."""
    values = np.asarray(array, dtype=np.float64)
    return float(np.sqrt(np.sum(values * values)))


def spread(values):
    """Largest over smallest of a profile of norms.

    Returns nan when the profile is empty or has a zero or non-finite norm: a layer with no gradient
    at all (zero-initialised gamma) has no place on a ratio scale, and dividing by it would only print
    "inf".
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        return math.nan
    return float(values.max() / values.min())


def first_last_ratio(values):
    """Input-side norm over output-side norm (> 1: gradients grow towards the input). nan as in spread."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or not np.all(np.isfinite(values[[0, -1]])) or np.any(values[[0, -1]] <= 0):
        return math.nan
    return float(values[0] / values[-1])


@functools.lru_cache(maxsize=2)
def sparse_crossentropy(from_logits):
    """Mean sparse categorical cross-entropy, as a (y_true, y_pred) callable on any backend.

    The same callable for the same `from_logits`, so that a compiled gradient step (backend.py) that uses it can
    be reused.
    """

    def loss_fn(y_true, y_pred):
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits))

    return loss_fn


def _leaf_layers(layer):
    # Nested models (a backbone inside a transfer model) are walked in order, so blocks keep their names.
    inner = getattr(layer, "layers", None)
    if inner:
        for sub in inner:
            yield from _leaf_layers(sub)
    else:
        yield layer


def _kernels(layer):
    return [v for v in layer.trainable_variables if v.name in KERNEL_NAMES]


def kernel_groups(model, group_by="auto"):
    """The model's trainable kernels, grouped and in order from the input side.

    Args:
        model: a Keras model.
        group_by: "block" (residual blocks found by ResNet layer names such as conv3_block2_1_conv; layers
            outside blocks, the stem and the head, are left out), "layer" (every layer with a trainable
            kernel) or "auto" (block when such names exist, else layer).

    Returns:
        (grouped_by, [(name, [variables]), ...]).

    Raises:
        ValueError: unknown group_by, or group_by="block" on a model without ResNet block names, or a
            model without trainable kernels.
    """
    arguments.choice("group_by", group_by, GROUPINGS)
    with_kernels = [(layer.name, _kernels(layer)) for layer in _leaf_layers(model)]
    with_kernels = [(name, kernels) for name, kernels in with_kernels if kernels]
    if not with_kernels:
        raise ValueError("model has no trainable kernels (Conv or Dense weights) to measure")
    has_blocks = any(_block_of(name) for name, _ in with_kernels)
    if group_by == "block" and not has_blocks:
        raise ValueError(
            "group_by='block' needs ResNet layer names such as 'conv3_block2_1_conv'; this model has none. "
            "Use group_by='layer' (one value per layer with a kernel) or 'auto'"
        )
    if group_by == "layer" or (group_by == "auto" and not has_blocks):
        return "layer", with_kernels
    groups = {}
    for name, kernels in with_kernels:
        block = _block_of(name)
        if block:
            groups.setdefault(block, []).extend(kernels)
    return "block", list(groups.items())


def _block_of(layer_name):
    """'conv3_block2' for a layer of that residual block ('conv3_block2_1_conv'), else None."""
    match = arguments.RESNET_BLOCK_NAME.match(layer_name)
    return f"{match.group(1)}_block{match.group(2)}" if match and match.group(3) else None


def _output_is_probability(model):
    layers = getattr(model, "layers", None) or [None]
    activation = getattr(layers[-1], "activation", None)
    return activation is keras.activations.softmax or getattr(activation, "__name__", "") == "softmax"


def _classes(model):
    outputs = getattr(model, "outputs", None)
    if outputs and len(outputs) == 1 and len(outputs[0].shape) == 2 and outputs[0].shape[-1] is not None:
        return int(outputs[0].shape[-1])
    return None


def check_batch(model, x, y):
    """Check that (x, y) fits the model's input and is a batch of integer labels the model can score.

    Returns:
        (x as float32 array, y as int32 array).

    Raises:
        TypeError: x not numbers, or y not integers (the wrong kind).
        ValueError: wrong rank or shape of x, y not one label per image, or a label
            outside [0, classes) for a model with one (N, classes) output (TensorFlow would fail deep in a
            kernel and JAX would silently score it as zero).
    """
    x = np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"x must be an array of numbers (uint8 or floats); received dtype {x.dtype}")
    expected = tuple(model.inputs[0].shape) if getattr(model, "inputs", None) else None
    if expected is not None:
        fits = x.ndim == len(expected) and all(e is None or e == d for e, d in zip(expected[1:], x.shape[1:]))
        if not fits:
            allowed = "(N, " + ", ".join("any" if e is None else str(e) for e in expected[1:]) + ")"
            raise ValueError(f"x must have shape {allowed} for this model; received shape {x.shape}")
    elif x.ndim < 2:
        raise ValueError(f"x must be a batch (N, ...) of inputs; received shape {x.shape}")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"y must hold one integer label per image, shape ({len(x)},); received shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels; received dtype {y.dtype}")
    classes = _classes(model)
    if classes is not None:
        y = arguments.class_labels("y", y, classes)
    return x.astype(np.float32), y.astype(np.int32)


def gradient_norms(model, x, y, group_by="auto", from_logits=None, training=True):
    """Per-block (or per-layer) gradient norms of any Keras classifier on one batch.

    Args:
        model: a built Keras model, e.g. resnet_widgets.models.ResNet50(weights=None, ...).
        x: a batch of inputs matching the model's input shape.
        y: integer class labels, one per input.
        group_by: "auto", "block" or "layer"; see kernel_groups. With "auto", a ResNet gives one value per
            residual block (16 for ResNet50), any other model one value per layer with a kernel.
        from_logits: whether the model outputs logits; None infers it (a softmax last layer gives
            probabilities, anything else is taken as logits).
        training: measure in training mode (BatchNormalization on batch statistics), as training sees it.

    Returns:
        GradientNorms, input side first.

    Raises:
        ValueError: bad x or y (see check_batch: labels outside the class range are refused on every backend)
            or group_by (see kernel_groups).
        NotImplementedError: a Keras backend other than TensorFlow or JAX.
    """
    grouped_by, groups = kernel_groups(model, group_by)
    x, y = check_batch(model, x, y)
    if from_logits is None:
        from_logits = not _output_is_probability(model)
    variables = [v for _, kernels in groups for v in kernels]
    loss, grads = loss_and_gradients(model, x, y, sparse_crossentropy(from_logits), variables, training)
    values, start = [], 0
    for _, kernels in groups:
        part = grads[start : start + len(kernels)]
        values.append(math.sqrt(sum(norm(g) ** 2 for g in part)))
        start += len(kernels)
    return GradientNorms(tuple(name for name, _ in groups), np.array(values), grouped_by, loss)
