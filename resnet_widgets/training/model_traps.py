"""The traps diagnose() finds in the model alone: BatchNormalization under fine-tuning, a stale compile, a head and a
loss that disagree. Each reads what Keras keeps about the model and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from .. import keras_internals
from .diagnosis import Finding


@dataclass
class Base:
    model: keras.Model
    pinned_inference: bool  # called with training=False inside the outer model


def bases_of(model):
    """The model itself and every model nested in it, with whether its call pins training=False."""
    found = [Base(model, pinned_inference=False)]
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            calls = [keras_internals.call_keyword(node, "training") for node in keras_internals.inbound_nodes(layer)]
            found.append(Base(layer, pinned_inference=bool(calls) and all(c is False for c in calls)))
    return found


def weighted_layers(base):
    return [layer for layer in base.layers if layer.weights and not isinstance(layer, keras.Model)]


def effectively_trainable(layer, base):
    return bool(layer.trainable and base.trainable)


def partly_frozen(base):
    """True when some weighted non-BN layers of `base` are frozen and some are trainable, or all are frozen."""
    layers = [layer for layer in weighted_layers(base.model) if not isinstance(layer, keras.layers.BatchNormalization)]
    if not layers:
        return False
    trainable = [effectively_trainable(layer, base.model) for layer in layers]
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


def batchnorm_findings(model, bases):
    findings = []
    for base in bases:
        batch_norm = [layer for layer in base.model.layers
                      if isinstance(layer, keras.layers.BatchNormalization) and effectively_trainable(layer, base.model)]
        if not batch_norm:
            continue
        names = tuple(layer.name for layer in batch_norm)
        if not partly_frozen(base):
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


def recompile_findings(model):
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


def loss_from_logits(loss):
    """(is a crossentropy, from_logits) for a compiled loss given as a string, function or Loss object."""
    if isinstance(loss, str):
        return "crossentropy" in loss, False
    if isinstance(loss, keras.losses.Loss):
        config = loss.get_config()
        name = type(loss).__name__.lower() + str(config.get("name", ""))
        return "crossentropy" in name, bool(config.get("from_logits", False))
    name = getattr(loss, "__name__", "")
    return "crossentropy" in name, False


def activation_loss_findings(model):
    if not getattr(model, "compiled", False) or model.loss is None or isinstance(model.loss, (list, dict)):
        return []
    is_crossentropy, from_logits = loss_from_logits(model.loss)
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
