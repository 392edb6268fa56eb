"""Unfreezing the top stages of a frozen base for fine-tuning, the safe way.

    report = unfreeze(model, from_stage="conv5")
    print(report)
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=..., metrics=[...])   # required, see below

Two traps are handled here:
- BatchNormalization stays frozen. A frozen BN layer runs in inference mode in Keras 3 (its moving
  statistics, never the batch's), and its statistics are not overwritten by a few small batches of new data.
- `trainable` changes take effect only when the model is compiled again (keras-team/keras issue 6405; Keras'
  own `compile` docstring says so). On TensorFlow, fit after an un-recompiled change silently trains the old
  set of layers; on JAX it fails. `unfreeze` **enforces** the recompile: it marks the model uncompiled, so
  `fit` and `evaluate` raise Keras' "You must call `compile()`" until you call `compile` again, which is
  also the moment to choose the lower learning rate that fine-tuning needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras

from .. import arguments, keras_internals

STAGES = ("conv1", "conv2", "conv3", "conv4", "conv5")
# v2 ResNets end with post_bn / post_relu after conv5: they belong to the top.
_AFTER_LAST_STAGE = ("post_",)


def layer_stage(name):
    """The stage a ResNet layer belongs to ("conv1" ... "conv5", "post" for v2's post_bn), or None."""
    match = arguments.RESNET_BLOCK_NAME.match(name)
    if match:
        return match.group(1)
    if name.startswith("conv1_"):
        return "conv1"
    if name.startswith(_AFTER_LAST_STAGE):
        return "post"
    return None


def _stage_rank(stage):
    return len(STAGES) if stage == "post" else STAGES.index(stage)


def resnet_bases(model):
    """The models inside `model` (or `model` itself) whose layers carry ResNet stage names."""
    found = []
    candidates = [model] + [layer for layer in model.layers if isinstance(layer, keras.Model)]
    for candidate in candidates:
        if any(layer_stage(layer.name) for layer in candidate.layers if not isinstance(layer, keras.Model)):
            found.append(candidate)
    return found


@dataclass(frozen=True)
class UnfreezeReport:
    """What `unfreeze` changed. `str(report)` says it in a few lines."""

    from_stage: str
    base: str
    unfrozen_layers: tuple
    frozen_layers: tuple
    frozen_batch_norm: tuple
    trainable_parameters: int
    needs_compile: bool

    def __str__(self):
        lines = [
            f"unfroze {len(self.unfrozen_layers)} layers of {self.base!r} from {self.from_stage} up "
            f"({self.trainable_parameters:,} trainable parameters in the model now)",
            f"kept frozen: {len(self.frozen_layers)} layers below {self.from_stage}, and all "
            f"{len(self.frozen_batch_norm)} BatchNormalization layers of the base (inference mode)",
        ]
        if self.needs_compile:
            lines.append("the model is marked uncompiled: call model.compile(...) again (with a low learning rate) "
                         "before fit; until then fit and evaluate refuse to run")
        return "\n".join(lines)


def unfreeze(model, from_stage="conv5"):
    """Make the base's layers from `from_stage` up trainable, keep every BatchNormalization frozen.

    Args:
        model: a model built by `build_transfer_model`, or any Keras model whose base (the model itself or a
            model inside it) names its layers like the ResNet family (conv1_*, conv2_block1_*, ...).
        from_stage: "conv5" (the last stage), "conv4" (the last two), ..., "conv1" (the whole base). Stages
            below it stay frozen; layers outside the base (the head) keep their state.

    Returns:
        UnfreezeReport. The model is marked uncompiled (the recompile is enforced, see the module docstring).

    Raises:
        ValueError: `from_stage` is not a stage of the model's base (the message lists the stages it has), or
            the model has no ResNet-named base.
        TypeError: `model` is not a Keras model.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received an object of type {type(model).__name__}")
    bases = resnet_bases(model)
    if not bases:
        raise ValueError(
            "model must contain a base whose layers carry ResNet stage names (conv1_*, conv2_block1_*, ...); "
            f"{model.name!r} has none"
        )
    base = bases[-1]  # the nested base when there is one, else the model itself
    present = sorted({layer_stage(layer.name) for layer in base.layers} - {None, "post"}, key=_stage_rank)
    arguments.choice("from_stage", from_stage, present, "the lowest stage to unfreeze")

    rank = _stage_rank(from_stage)
    was_trainable = {id(layer): layer.trainable for layer in model.layers}
    base.trainable = True  # a frozen parent hides its sublayers' variables; the sublayers are set one by one below
    unfrozen, frozen, frozen_bn = [], [], []
    for layer in base.layers:
        stage = layer_stage(layer.name)
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
            frozen_bn.append(layer.name)
        elif stage is not None and _stage_rank(stage) >= rank:
            layer.trainable = True
            if layer.weights:
                unfrozen.append(layer.name)
        else:
            layer.trainable = False
            if layer.weights:
                frozen.append(layer.name)
    if base is not model:  # the head and everything else outside the base keep their state
        for layer in model.layers:
            if layer is not base:
                layer.trainable = was_trainable[id(layer)]
    # fit/evaluate now raise "You must call `compile()`" until compile runs again
    needs_compile = keras_internals.require_compile_again(model)
    return UnfreezeReport(
        from_stage=from_stage,
        base=base.name,
        unfrozen_layers=tuple(unfrozen),
        frozen_layers=tuple(frozen),
        frozen_batch_norm=tuple(frozen_bn),
        trainable_parameters=int(sum(math.prod(v.shape) for v in model.trainable_variables)),
        needs_compile=needs_compile,
    )
