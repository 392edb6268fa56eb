"""The traps diagnose() finds with a batch of data: images in the wrong range for the network's preprocessing, and
a learning rate whose first step would wipe out pretrained weights. One batch, no training: every variable is
restored bit for bit."""

from __future__ import annotations

import contextlib

import keras
import numpy as np

from .diagnosis import Finding
from .model_traps import effectively_trainable, loss_from_logits, partly_frozen, weighted_layers
from .preprocessing import EXPECTED_RANGE, ImagePreprocessing
from .transfer import base_preprocessing_mode

# CS231n, "Neural Networks Part 3", ratio of weights:updates: "somewhere around 1e-3". A step ten times that
# size, 1 % of a pretrained layer's weights, replaces what they learnt within a few dozen steps.
UPDATE_RATIO_LIMIT = 1e-2
ADAPTIVE_OPTIMIZERS = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Lion", "Lamb", "Muon")
DIAGNOSIS_BATCH = 32


DATA_KINDS = ("images x (an array)", "a pair (x, y)", "a keras.utils.PyDataset", "an iterable of batches")


def first_batch(data, model=None):
    """(x, y) numpy arrays from `data` (at most DIAGNOSIS_BATCH examples); (None, None) without data.

    Raises:
        TypeError: `data` is none of DATA_KINDS, or its images are not numbers.
        ValueError: an empty `data`, or images whose shape the model does not take.
    """
    if data is None:
        return None, None
    kinds = ", ".join(DATA_KINDS)
    if isinstance(data, keras.utils.PyDataset):
        data = data[0]
    elif isinstance(data, (str, bytes, dict)) or (
            not isinstance(data, (tuple, list, np.ndarray)) and not hasattr(data, "shape")
            and not hasattr(data, "__iter__")):
        raise TypeError(f"data must be one of: {kinds}; received data={_shown(data)}")
    elif not isinstance(data, (tuple, list, np.ndarray)) and not hasattr(data, "shape"):
        data = next(iter(data), None)
        if data is None:
            raise ValueError("data must hold at least one batch; the iterable given was empty")
    if isinstance(data, (tuple, list)):
        if not data:
            raise ValueError(f"data must be one of: {kinds}; received an empty {type(data).__name__}")
        x = data[0]
        y = data[1] if len(data) > 1 else None
    else:
        x, y = data, None
    x = np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"data must hold images as numbers (uint8 or floats); received images of dtype {x.dtype}")
    if model is not None:
        _check_input_shape(model, x)
    x = x[:DIAGNOSIS_BATCH]
    y = None if y is None else np.asarray(y)[:DIAGNOSIS_BATCH]
    return x, y


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else f"an object of type {type(value).__name__}"


def _check_input_shape(model, x):
    """Raise ValueError naming `data` when the batch `x` does not have the shape the model's input takes."""
    if len(model.inputs or ()) != 1:
        return  # several inputs: diagnose reads the images only for their range
    expected = tuple(model.inputs[0].shape)
    fits = x.ndim == len(expected) and all(want is None or want == got for want, got in zip(expected[1:], x.shape[1:]))
    if not fits:
        shown = "(N, " + ", ".join("any" if d is None else str(d) for d in expected[1:]) + ")"
        raise ValueError(f"data must hold images of shape {shown}, what {model.name!r} takes; received images of "
                         f"shape {x.shape}" + (" (one image? add a batch axis: x[None])"
                                               if x.ndim == len(expected) - 1 else ""))


def _range_text(low, high):
    return f"[{low:.3g}, {high:.3g}]"


def preprocessing_findings(model, bases, x):
    x = x.astype(np.float64)
    low, high = float(x.min()), float(x.max())
    inside = [layer for layer in model.layers if isinstance(layer, ImagePreprocessing)]
    if inside:
        mode = inside[0].mode
        if high <= 1.5:
            problem = f"are in {_range_text(low, high)}, but the model's own preprocessing ({mode} mode) expects " \
                      "raw pixels in [0, 255]: to the network they look almost black"
        elif low < -1.0:
            problem = f"are in {_range_text(low, high)}: already preprocessed, and the model preprocesses them again " \
                      f"({mode} mode)"
        else:
            return []
        return [Finding("preprocessing_mismatch", "the images " + problem,
                        "pass raw pixels (uint8 or floats in [0, 255]); the model does the rest",
                        (inside[0].name,))]
    for base in bases:
        mode = base_preprocessing_mode(base.model)
        if mode is None or not _fed_directly(model, base.model):
            continue
        expected = EXPECTED_RANGE[mode]
        if mode == "caffe":
            ok = low < -20 and high > 20 and high < 200
        else:
            ok = low >= -1.01 and high <= 1.01 and low < -0.1
        if ok:
            return []
        looks = "[0, 1] floats" if high <= 1.5 and low >= 0 else "tf-mode images ([-1, 1])" if high <= 1.01 else \
            "raw pixels" if low >= 0 else "images"
        return [Finding(
            "preprocessing_mismatch",
            f"the images are in {_range_text(low, high)} ({looks}), but {base.model.name!r} is a "
            f"{'v1 ResNet that was trained in caffe mode' if mode == 'caffe' else 'v2 ResNet that was trained in tf mode'}"
            f" (about {_range_text(*expected)}): it runs without an error and gets most images wrong",
            f"preprocess with resnet_widgets.models.{'resnet' if mode == 'caffe' else 'resnet_v2'}.preprocess_input, "
            "or put the preprocessing in the model (build_transfer_model does)",
            (base.model.name,),
        )]
    return []


def _fed_directly(model, base):
    """True when the model's input reaches `base` through no layer that changes values (or is the base)."""
    if base is model:
        return True
    passive = (keras.layers.InputLayer, keras.layers.Identity, keras.layers.Dropout)
    for layer in model.layers:
        if layer is base:
            return True
        if isinstance(layer, passive) or layer.__class__.__name__.startswith("Random") or \
                (isinstance(layer, keras.Sequential) and all(l.__class__.__name__.startswith("Random") or
                                                             isinstance(l, keras.layers.Identity) for l in layer.layers)):
            continue
        return False
    return False


def learning_rate_findings(model, bases, x, y):
    from ..gradient_dispatch import loss_and_gradients

    tuned = []
    for base in bases:
        if base.model is model and len(bases) > 1:
            continue  # the nested base is looked at on its own
        if not partly_frozen(base):
            continue
        tuned += [layer for layer in weighted_layers(base.model)
                  if effectively_trainable(layer, base.model) and hasattr(layer, "kernel")
                  and not isinstance(layer, keras.layers.BatchNormalization)]
    if not tuned:
        return []
    optimizer = model.optimizer
    learning_rate = _current_learning_rate(optimizer)
    kernels = [layer.kernel for layer in tuned]
    adaptive = type(optimizer).__name__ in ADAPTIVE_OPTIMIZERS
    from_logits = loss_from_logits(model.loss)[1] if model.loss is not None else False
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    _, gradients = loss_and_gradients(model, x.astype("float32"), y, loss_fn, kernels, training=True)
    ratios = []
    for layer, kernel, gradient in zip(tuned, kernels, gradients):
        weight_norm = float(np.linalg.norm(np.asarray(kernel, dtype=np.float64)))
        if weight_norm == 0:
            continue
        if adaptive:  # the first Adam step is lr * sign(g) in every coordinate with a gradient
            step = learning_rate * float(np.sqrt(np.count_nonzero(gradient)))
        else:
            step = learning_rate * float(np.linalg.norm(gradient.astype(np.float64)))
        ratios.append((step / weight_norm, layer.name))
    too_big = sorted((r for r in ratios if r[0] > UPDATE_RATIO_LIMIT), reverse=True)
    if not too_big:
        return []
    worst, where = too_big[0]
    return [Finding(
        "learning_rate_too_high",
        f"with {type(optimizer).__name__}(learning_rate={learning_rate:.3g}) one step changes {len(too_big)} of the "
        f"{len(ratios)} unfrozen pretrained layers by more than {UPDATE_RATIO_LIMIT:.0%} of their weights "
        f"(up to {worst:.1%}, in {where!r}); a ratio near 0.1 % is the usual guide (CS231n)",
        f"compile with a learning rate about {max(worst / 1e-3, 10):.0f}x lower for fine-tuning, "
        "and consider a schedule that decays it",
        tuple(name for _, name in too_big),
    )]


@contextlib.contextmanager
def variables_restored(model):
    """Put back every variable of `model` (weights, BN moving statistics, seed states) as it was, bit for bit.

    The learning-rate check needs the gradient of a training step (BN normalising by the batch, as in fit),
    and a training-mode call updates the moving statistics of every BN layer that trains. A stateless call
    would avoid that on JAX only; copying the values out and back is exact on every backend.
    """
    saved = [(variable, np.array(keras.ops.convert_to_numpy(variable), copy=True)) for variable in model.variables]
    try:
        yield
    finally:
        for variable, value in saved:
            variable.assign(value)


def _current_learning_rate(optimizer):
    value = optimizer.learning_rate
    if callable(value) and not hasattr(value, "numpy"):
        value = value(optimizer.iterations)
    return float(np.asarray(keras.ops.convert_to_numpy(value)))
