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

This module is the entry point; the checks live in model_traps (the model alone) and data_traps (one batch),
and diagnosis holds what they return (TRAPS, Finding, Diagnosis).
"""

from __future__ import annotations

import keras

from .data_traps import first_batch, learning_rate_findings, preprocessing_findings, variables_restored
from .diagnosis import TRAPS, Diagnosis, Finding
from .model_traps import activation_loss_findings, batchnorm_findings, bases_of, recompile_findings

__all__ = ["TRAPS", "Diagnosis", "Finding", "diagnose"]


def diagnose(model, data=None):
    """Look for the fine-tuning traps in `model` (and in `data`, when given).

    Args:
        model: any Keras model (built by build_transfer_model or by hand).
        data: optional: images `x`, a pair `(x, y)`, a keras.utils.PyDataset, or an iterable of batches.
            The first data_traps.DIAGNOSIS_BATCH images are used for the input statistics; with labels, one gradient
            measures the update size for the learning-rate check.

    Returns:
        Diagnosis: its findings (empty for a correct model), the checks that ran and those that could not.
        The model is left as it was: every variable, BN moving statistics included, bit for bit.

    Raises:
        TypeError: `model` is not a Keras model; `data` is none of data_traps.DATA_KINDS, or holds no numbers.
        ValueError: `data` is empty, or its images do not have the shape the model takes.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received an object of type {type(model).__name__}")
    x, y = first_batch(data, model)  # bad data is refused before any check runs
    findings, checked, skipped = [], [], []
    bases = bases_of(model)

    checked.append("batch normalisation")
    findings += batchnorm_findings(model, bases)
    checked.append("compile state")
    findings += recompile_findings(model)
    checked.append("head and loss")
    findings += activation_loss_findings(model)

    if x is None:
        skipped.append("input statistics and learning rate (pass data=(x, y))")
    else:
        checked.append("input statistics")
        findings += preprocessing_findings(model, bases, x)
        if y is None:
            skipped.append("learning rate (data has no labels)")
        elif not getattr(model, "optimizer", None) or not getattr(model, "compiled", False):
            skipped.append("learning rate (the model is not compiled)")
        else:
            checked.append("learning rate")
            with variables_restored(model):
                findings += learning_rate_findings(model, bases, x, y)
    return Diagnosis(model=model.name, findings=tuple(findings), checked=tuple(checked), skipped=tuple(skipped))
