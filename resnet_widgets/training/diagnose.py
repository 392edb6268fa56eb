"""diagnose(model): the classic fine-tuning traps, found in the learner's own model.

    print(diagnose(model))                     # structure and compile state
    print(diagnose(model, data=(x, y)))        # and the data: input statistics, the size of one update

Each check reads what Keras keeps about the model, or measures it on one batch; none trains anything, and every
variable (weights and BatchNormalization moving statistics) is left bit for bit as it was.

    trap                       what it means                                            how it is found
    batchnorm_training_mode    pretrained BN normalises each batch by its own            BN trainable in a partly frozen base,
                               statistics in training, by moving averages at            or in a nested base unfrozen whole whose
                               validation, and the two disagree                          BN holds learnt statistics, when the
                                                                                        base's call does not pin training=False
    batchnorm_trainable        BN layers trainable under a frozen base: γ, β and         BN trainable while other layers of its
                               the moving statistics drift with a few small batches     base are frozen
    not_recompiled             `trainable` changed since compile: fit trains the old     Keras' compile-time record of every
                               set of layers (TensorFlow) or fails (JAX)               layer's `trainable`; the optimizer's variables
    preprocessing_mismatch     images in the wrong range for the network (e.g. [0, 1]   the batch's range against the range the
                               floats into a caffe-mode ResNet)                          model's preprocessing, or its base, expects
    activation_loss_mismatch   softmax output with from_logits=True, or raw scores     the last layer's activation and the loss
                               with from_logits=False                                    compiled
    learning_rate_too_high     one step moves pretrained weights by more than 1 % of     lr x gradient (SGD) or lr x sqrt(n) (Adam
                               their norm: fine-tuning wipes out what they learnt       and kin, first step) over the weight norm

Fine-tuning here means a base with some layers frozen and some trainable; the learning-rate and BN checks
look only at such bases, so a network trained from scratch, or a frozen feature extractor, gives no finding.
One more base counts as fine-tuned for the BN check: a model nested in the learner's model, unfrozen whole
(`base.trainable = True`), whose BN layers hold learnt moving statistics (not their initial mean 0, variance 1),
that is, a pretrained base. A fresh nested network (random weights, statistics never moved) gives no finding.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import keras
import numpy as np

from .. import keras_internals
from .preprocessing import EXPECTED_RANGE, ImagePreprocessing
from .transfer import base_preprocessing_mode

# CS231n, "Neural Networks Part 3", ratio of weights:updates: "somewhere around 1e-3". A step ten times that
# size, 1 % of a pretrained layer's weights, replaces what they learnt within a few dozen steps.
UPDATE_RATIO_LIMIT = 1e-2
ADAPTIVE_OPTIMIZERS = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Lion", "Lamb", "Muon")
DIAGNOSIS_BATCH = 32
TRAPS = ("batchnorm_training_mode", "batchnorm_trainable", "not_recompiled", "preprocessing_mismatch",
         "activation_loss_mismatch", "learning_rate_too_high")


@dataclass(frozen=True)
class Finding:
    """One trap found: which (one of TRAPS), where (layer names), what was measured, and the fix."""

    trap: str
    message: str
    fix: str
    layers: tuple = ()

    def __str__(self):
        where = f" [{', '.join(self.layers[:4])}{', ...' if len(self.layers) > 4 else ''}]" if self.layers else ""
        return f"{self.trap}{where}: {self.message}\n    fix: {self.fix}"


@dataclass(frozen=True)
class Diagnosis:
    """The findings of diagnose(), and which checks ran. Iterates over the findings; falsy when there are none."""

    model: str
    findings: tuple
    checked: tuple
    skipped: tuple = field(default_factory=tuple)

    @property
    def traps(self):
        """The trap names found, in order, each once."""
        return tuple(dict.fromkeys(f.trap for f in self.findings))

    def __iter__(self):
        return iter(self.findings)

    def __len__(self):
        return len(self.findings)

    def __bool__(self):
        return bool(self.findings)

    def __str__(self):
        head = f"diagnose({self.model}): " + (
            f"{len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}" if self.findings else "no findings")
        lines = [head] + [f"- {f}" for f in self.findings]
        lines.append(f"checked: {', '.join(self.checked)}")
        if self.skipped:
            lines.append(f"not checked: {'; '.join(self.skipped)}")
        return "\n".join(lines)

    __repr__ = __str__


def diagnose(model, data=None):
    """Look for the fine-tuning traps in `model` (and in `data`, when given).

    Args:
        model: any Keras model (built by build_transfer_model or by hand).
        data: optional: images `x`, a pair `(x, y)`, a keras.utils.PyDataset, or an iterable of batches.
            The first DIAGNOSIS_BATCH images are used for the input statistics; with labels, one gradient
            measures the update size for the learning-rate check.

    Returns:
        Diagnosis: its findings (empty for a correct model), the checks that ran and those that could not.
        The model is left as it was: every variable, BN moving statistics included, bit for bit.

    Raises:
        TypeError: `model` is not a Keras model; `data` is none of DATA_KINDS, or holds no numbers.
        ValueError: `data` is empty, or its images do not have the shape the model takes.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received an object of type {type(model).__name__}")
    x, y = _first_batch(data, model)  # bad data is refused before any check runs
    findings, checked, skipped = [], [], []
    bases = _bases(model)

    checked.append("batch normalisation")
    findings += _batchnorm_findings(model, bases)
    checked.append("compile state")
    findings += _recompile_findings(model)
    checked.append("head and loss")
    findings += _activation_loss_findings(model)

    if x is None:
        skipped.append("input statistics and learning rate (pass data=(x, y))")
    else:
        checked.append("input statistics")
        findings += _preprocessing_findings(model, bases, x)
        if y is None:
            skipped.append("learning rate (data has no labels)")
        elif not getattr(model, "optimizer", None) or not getattr(model, "compiled", False):
            skipped.append("learning rate (the model is not compiled)")
        else:
            checked.append("learning rate")
            with _variables_restored(model):
                findings += _learning_rate_findings(model, bases, x, y)
    return Diagnosis(model=model.name, findings=tuple(findings), checked=tuple(checked), skipped=tuple(skipped))


# --- structure -----------------------------------------------------------------------------------------------

@dataclass
class _Base:
    model: keras.Model
    pinned_inference: bool  # called with training=False inside the outer model


def _bases(model):
    """The model itself and every model nested in it, with whether its call pins training=False."""
    found = [_Base(model, pinned_inference=False)]
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            calls = [keras_internals.call_keyword(node, "training") for node in keras_internals.inbound_nodes(layer)]
            found.append(_Base(layer, pinned_inference=bool(calls) and all(c is False for c in calls)))
    return found


def _weighted(base):
    return [layer for layer in base.layers if layer.weights and not isinstance(layer, keras.Model)]


def _effectively_trainable(layer, base):
    return bool(layer.trainable and base.trainable)


def _partly_frozen(base):
    """True when some weighted non-BN layers of `base` are frozen and some are trainable, or all are frozen."""
    layers = [layer for layer in _weighted(base.model) if not isinstance(layer, keras.layers.BatchNormalization)]
    if not layers:
        return False
    trainable = [_effectively_trainable(layer, base.model) for layer in layers]
    return not all(trainable)


def _has_learnt_statistics(layer):
    """True when a BatchNormalization layer's moving statistics differ from their initial values (mean 0,
    variance 1): it has seen data, as a pretrained base has."""
    mean = np.asarray(keras.ops.convert_to_numpy(layer.moving_mean))
    variance = np.asarray(keras.ops.convert_to_numpy(layer.moving_variance))
    return bool(np.any(mean != 0) or np.any(variance != 1))


def _unfrozen_pretrained_base(model, base, batch_norm):
    """True for the Keras transfer-learning guide's fine-tuning case: a base nested in `model`, unfrozen
    whole (no weighted layer frozen), whose BN layers hold learnt statistics, called without training=False."""
    return (base.model is not model and not base.pinned_inference
            and any(_has_learnt_statistics(layer) for layer in batch_norm))


def _batchnorm_findings(model, bases):
    findings = []
    for base in bases:
        batch_norm = [layer for layer in base.model.layers
                      if isinstance(layer, keras.layers.BatchNormalization) and _effectively_trainable(layer, base.model)]
        if not batch_norm:
            continue
        names = tuple(layer.name for layer in batch_norm)
        if not _partly_frozen(base):
            if _unfrozen_pretrained_base(model, base, batch_norm):
                findings.append(Finding(
                    "batchnorm_training_mode",
                    f"{base.model.name!r} is unfrozen whole and is not called with training=False, so its "
                    f"{len(names)} BatchNormalization layers run in training mode in fit: they normalise each batch "
                    "by its own statistics and overwrite the pretrained moving averages that validation and "
                    "prediction use (the Keras transfer-learning guide's warning: setting base.trainable = True "
                    "does not put BN back in inference mode, only the call's training=False does)",
                    "call the base with training=False (x = base(x, training=False), as build_transfer_model does): "
                    "BN then keeps its pretrained statistics even when the whole base is unfrozen",
                    names,
                ))
            continue
        if not base.pinned_inference:
            findings.append(Finding(
                "batchnorm_training_mode",
                f"{len(names)} BatchNormalization layers of {base.model.name!r} are trainable and the base is not "
                "called with training=False, so in fit they normalise each batch by its own statistics and "
                "overwrite their pretrained moving averages, while validation uses those averages: the model "
                "validates as a different network from the one that trained (how much that costs depends on the "
                "data and the run; lab 08 measures it)",
                "keep BN frozen and in inference mode: build with build_transfer_model (it calls the base with "
                "training=False) and unfreeze with unfreeze(), which leaves every BatchNormalization frozen",
                names,
            ))
        else:
            findings.append(Finding(
                "batchnorm_trainable",
                f"{len(names)} BatchNormalization layers of {base.model.name!r} are trainable under a partly "
                "frozen base: their scale and shift follow a few small batches of new data",
                "set layer.trainable = False on every BatchNormalization of the base (unfreeze() does)",
                names,
            ))
    return findings


def _recompile_findings(model):
    changed = []
    recorded = keras_internals.compiled_trainable_state(model)
    if getattr(model, "compiled", False) and isinstance(recorded, dict):
        for layer, trainable in recorded.items():
            if layer.trainable != trainable and layer.weights:
                changed.append(layer.name)
    optimizer = getattr(model, "optimizer", None)
    stale_optimizer = None
    if getattr(model, "compiled", False) and optimizer is not None and getattr(optimizer, "built", False):
        tracked = {id(v) for v in keras_internals.optimizer_trainable_variables(optimizer)}
        current = {id(v) for v in model.trainable_variables}
        if tracked != current:
            stale_optimizer = (len(tracked), len(current))
    if not changed and stale_optimizer is None:
        return []
    parts = []
    if changed:
        parts.append(f"{len(changed)} layers changed `trainable` since the last compile")
    if stale_optimizer:
        parts.append(f"the optimizer updates {stale_optimizer[0]} variables, the model now has {stale_optimizer[1]} "
                     "trainable ones")
    return [Finding(
        "not_recompiled",
        "; ".join(parts) + ": fit keeps training the old set of layers on TensorFlow, and fails on JAX",
        "call model.compile(...) again after changing `trainable` (unfreeze() enforces this)",
        tuple(changed),
    )]


def _output_activation(model):
    """The name of the activation that produces the model's output ("softmax", "sigmoid", "linear"), or None."""
    layer = model.layers[-1]
    activation = getattr(layer, "activation", None)
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    if activation is None:
        return None
    name = getattr(activation, "__name__", str(activation))
    return name


def _loss_from_logits(loss):
    """(is a crossentropy, from_logits) for a compiled loss given as a string, function or Loss object."""
    if isinstance(loss, str):
        return "crossentropy" in loss, False
    if isinstance(loss, keras.losses.Loss):
        config = loss.get_config()
        name = type(loss).__name__.lower() + str(config.get("name", ""))
        return "crossentropy" in name, bool(config.get("from_logits", False))
    name = getattr(loss, "__name__", "")
    return "crossentropy" in name, False


def _activation_loss_findings(model):
    if not getattr(model, "compiled", False) or model.loss is None or isinstance(model.loss, (list, dict)):
        return []
    is_crossentropy, from_logits = _loss_from_logits(model.loss)
    activation = _output_activation(model)
    if not is_crossentropy or activation is None:
        return []
    last = model.layers[-1].name
    if from_logits and activation in ("softmax", "sigmoid"):
        return [Finding(
            "activation_loss_mismatch",
            f"the output layer {last!r} applies {activation}, and the loss has from_logits=True, so it applies "
            "softmax once more: probabilities are read as scores, the loss cannot approach 0 and the gradients shrink",
            "either drop the activation (activation=None) or compile with from_logits=False",
            (last,),
        )]
    if not from_logits and activation == "linear":
        return [Finding(
            "activation_loss_mismatch",
            f"the output layer {last!r} gives raw scores (no activation) and the loss has from_logits=False, so it "
            "reads the scores as probabilities (clipped to [1e-7, 1])",
            "compile with from_logits=True, or give the layer activation='softmax'",
            (last,),
        )]
    return []


# --- data ----------------------------------------------------------------------------------------------------

DATA_KINDS = ("images x (an array)", "a pair (x, y)", "a keras.utils.PyDataset", "an iterable of batches")


def _first_batch(data, model=None):
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


def _preprocessing_findings(model, bases, x):
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


def _learning_rate_findings(model, bases, x, y):
    from ..gradient_dispatch import loss_and_gradients

    tuned = []
    for base in bases:
        if base.model is model and len(bases) > 1:
            continue  # the nested base is looked at on its own
        if not _partly_frozen(base):
            continue
        tuned += [layer for layer in _weighted(base.model)
                  if _effectively_trainable(layer, base.model) and hasattr(layer, "kernel")
                  and not isinstance(layer, keras.layers.BatchNormalization)]
    if not tuned:
        return []
    optimizer = model.optimizer
    learning_rate = _current_learning_rate(optimizer)
    kernels = [layer.kernel for layer in tuned]
    adaptive = type(optimizer).__name__ in ADAPTIVE_OPTIMIZERS
    from_logits = _loss_from_logits(model.loss)[1] if model.loss is not None else False
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
def _variables_restored(model):
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
