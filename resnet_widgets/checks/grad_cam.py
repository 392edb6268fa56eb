"""The Grad-CAM exercise (notebook 09): `check_grad_cam_weighting`, the learner's eq. 1 and 2 next to ours.

The learner writes the step that turns a layer's activations A and the gradients dy^c/dA into a heatmap
(Selvaraju et al. 2017, arXiv 1610.02391, section 3):

    alpha_k = mean over (i, j) of dy^c/dA_k[i, j]        (eq. 1: one weight per channel)
    L^c     = ReLU( sum_k alpha_k A_k )                  (eq. 2: a weighted sum of the channels)

The check runs their function on fixed arrays of an odd shape (3 rows, 4 columns, 5 channels, so that no
two axes can be confused without it showing), compares with the reference, and when they differ, tries
the usual mistakes one by one and names the one that reproduces the learner's answer.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import arguments
from .verdict import CheckResult, ExerciseNotWritten

ROWS, COLUMNS, CHANNELS = 3, 4, 5
TOLERANCE = 1e-4


SEED = 2017  # the fixed inputs of the check the notebook shows; nbgrader's hidden test draws others


def _fixed_inputs(seed=SEED):
    rng = np.random.default_rng(seed)
    activations = np.maximum(rng.normal(size=(ROWS, COLUMNS, CHANNELS)), 0).astype("float32")  # after a ReLU
    gradients = rng.normal(size=(ROWS, COLUMNS, CHANNELS)).astype("float32")
    return activations, gradients


def reference_weighting(activations, gradients):
    """Eq. 1 and 2 for one image: (h, w, k) activations and gradients -> (h, w) map."""
    alpha = gradients.mean(axis=(0, 1))
    return np.maximum((activations * alpha).sum(axis=-1), 0.0)


def _mistakes(a, g):
    """The usual wrong answers, each with the sentence that names it."""
    alpha = g.mean(axis=(0, 1))
    return [
        ((a * alpha).sum(axis=-1),
         "No ReLU: the map has negative values. Eq. 2 keeps only the positive part, max(0, ·): locations that "
         "speak *against* the class are not evidence for it."),
        (np.abs((a * alpha).sum(axis=-1)),
         "abs() instead of ReLU: negative evidence became positive. Use max(0, ·) (np.maximum(..., 0))."),
        (np.maximum((a * g).sum(axis=-1), 0),
         "The gradients were multiplied location by location (A * dy/dA): eq. 1 first *averages* each channel's "
         "gradient over the whole map, giving one weight alpha_k per channel (mean over axes 0 and 1)."),
        (np.maximum((a * g.sum(axis=(0, 1))).sum(axis=-1), 0),
         f"The channel weights are sums, not means: eq. 1 divides by the number of locations "
         f"(here {ROWS * COLUMNS}). Use .mean(axis=(0, 1))."),
        (np.maximum((a * g.mean(axis=-1, keepdims=True)).sum(axis=-1), 0),
         "The gradients were averaged over the channels (axis -1) instead of over the map: alpha_k needs one "
         "weight per channel, the mean over height and width (axes 0 and 1)."),
        (np.maximum((a * np.maximum(g, 0).mean(axis=(0, 1))).sum(axis=-1), 0),
         "The ReLU went on the gradients: eq. 2 applies it once, to the weighted sum, after weighting."),
        (np.maximum((np.maximum(a * alpha, 0)).sum(axis=-1), 0),
         "The ReLU went on each weighted channel before the sum: eq. 2 sums the channels first, then keeps the "
         "positive part."),
        (np.maximum((a * alpha).mean(axis=-1), 0),
         f"The channels were averaged instead of summed: eq. 2 is a sum over k (yours is {CHANNELS} times "
         "smaller)."),
    ]


def check_grad_cam_weighting(weighting, target=None, seed=SEED) -> CheckResult:
    """Check a learner's Grad-CAM weighting step: `weighting(activations, gradients) -> heatmap`.

    With `target` (notebook 09's exercise), once the weighting passes, the learner's choice of layer and score
    is checked too (`check_grad_cam_target`): on a v1 and a v2 network, the last map and the scores before the
    softmax.

    Args:
        weighting: a function of two (h, w, k) numpy arrays (one image) returning the (h, w) map of eq. 2,
            before any division by its maximum (a map divided by its maximum passes, with a note).
        target: None, or a function (model) -> keras.Model(model.input, [activations, scores]).
        seed: the seed of the fixed activations and gradients (another in nbgrader's hidden test, so that an
            answer fitted to the visible inputs does not pass).

    Returns:
        CheckResult.

    Raises:
        TypeError: `weighting` (or `target`, when given) is not callable; seed is not a whole number.
        ValueError: seed is negative.
        ExerciseNotWritten: `weighting` still raises NotImplementedError (a student copy).
    """
    if not callable(weighting):
        raise TypeError(f"weighting must be a function (activations, gradients) -> heatmap; received {weighting!r}")
    if target is not None and not callable(target):
        raise TypeError(f"target must be None or a function (model) -> keras.Model with outputs [A, y]; "
                        f"received {target!r}")
    seed = arguments.whole_number("seed", seed, minimum=0, meaning="the seed of the check's fixed inputs")
    result = _check_weighting(weighting, "Grad-CAM weighting (eq. 1 and 2)" if target is None
                              else "Grad-CAM: weighting, layer and score", seed)
    if target is not None and result.passed:
        check_grad_cam_target(target, result)
    return result


def _check_weighting(weighting, exercise, seed=SEED):
    result = CheckResult(exercise)
    a, g = _fixed_inputs(seed)
    expected = reference_weighting(a, g)
    try:
        answer = weighting(a.copy(), g.copy())
    except NotImplementedError:  # a student copy, not written yet: stop "Run All" here, in one friendly line
        raise ExerciseNotWritten(getattr(weighting, "__name__", "the weighting function")) from None
    except Exception as error:  # the learner's code: say what it raised, not a traceback
        result.problems.append(f"The function raised {type(error).__name__}: {error}")
        return result
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except Exception:
        result.problems.append(f"The function returned {type(answer).__name__}, not an array of numbers.")
        return result

    if answer.shape != expected.shape:
        result.problems.append(_shape_problem(answer.shape))
        return result
    result.facts.append(f"shape {answer.shape}: one value per location of the {ROWS}x{COLUMNS} map")
    if np.allclose(answer, expected, atol=TOLERANCE):
        result.facts.append(f"values equal the reference to {TOLERANCE:g}")
        return result
    peak = expected.max()
    if peak > 0 and np.allclose(answer, expected / peak, atol=TOLERANCE):
        result.facts.append("values equal the reference divided by its maximum")
        result.notes.append("You also divided by the maximum. grad_cam does that for display; eq. 2 itself does not.")
        return result
    for wrong, sentence in _mistakes(a, g):
        if np.allclose(answer, wrong, atol=TOLERANCE):
            result.problems.append(sentence)
            return result
    where = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
    result.problems.append(
        f"The map differs from eq. 2: at row {where[0]}, column {where[1]} it is {answer[where]:.4f}, "
        f"eq. 2 gives {expected[where]:.4f}. Check eq. 1 (the mean over the map, per channel) and eq. 2 (weighted "
        "sum over the channels, then ReLU)."
    )
    return result


def _shape_problem(shape):
    if shape == (COLUMNS, ROWS):
        return (f"The map is {shape}, rows and columns swapped: it should be {(ROWS, COLUMNS)} (height, width), "
                "as the activations are.")
    if shape == (ROWS, COLUMNS, CHANNELS):
        return (f"The map still has its {CHANNELS} channels {shape}: eq. 2 sums the weighted channels into one "
                "map (sum over the last axis).")
    if shape == (CHANNELS,):
        return (f"The result has one value per channel {shape}: those are eq. 1's weights alpha_k. Eq. 2 then "
                "weights the channels of A with them and sums over the channels.")
    if shape == ():
        return "The result is a single number: eq. 2 gives one value per location (height x width)."
    return f"The map has shape {shape}; it should be {(ROWS, COLUMNS)}: one value per location of the layer's map."


# ----------------------------------------------------------------------------------------------------------
# The other half: which layer, which score (notebook 09's exercise, `target=`)
# ----------------------------------------------------------------------------------------------------------

TARGET_IMAGE = (32, 32, 3)
TARGET_CLASSES = 4


@functools.lru_cache(maxsize=2)
def _target_network(version):
    """A small classifier with keras.applications' names and a softmax head: v1 ends in conv5_block2_out, v2 in
    post_relu (its last block's sum is not activated), so a layer name fitted to one fails on the other."""
    import keras
    from keras import layers

    from ..models.blocks import conv_block, identity_block, preact_block
    from .running import set_fixed_weights

    x_in = keras.Input(shape=TARGET_IMAGE, name="input_layer")
    x = layers.Conv2D(16, 3, strides=2, padding="same", name="conv1_conv")(x_in)
    x = layers.Activation("relu", name="conv1_relu")(x)
    if version == 1:
        for stage, stride in ((4, 2), (5, 2)):
            x = conv_block(x, 8, stride=stride, name=f"conv{stage}_block1")
            x = identity_block(x, 8, name=f"conv{stage}_block2")
    else:
        for stage in (4, 5):
            x = preact_block(x, 8, conv_shortcut=True, name=f"conv{stage}_block1")
            x = preact_block(x, 8, stride=2 if stage == 4 else 1, name=f"conv{stage}_block2")
        x = layers.BatchNormalization(epsilon=1.001e-5, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(TARGET_CLASSES, activation="softmax", name="predictions")(x)
    model = keras.Model(x_in, outputs, name=f"small_resnet_v{version}")
    set_fixed_weights(model)
    return model


def _layer_problem(chosen, expected, shape, version):
    """Why the learner's layer is not the one Grad-CAM reads, in the learner's terms."""
    if len(shape) != 4:
        return (f"Your activations come from `{chosen}`, whose output {shape} has no map left: Grad-CAM weights the "
                "channels of a layer that still has height and width, the last one before the pooling.")
    if version == 2 and chosen.endswith("_out"):
        return (f"Your activations come from `{chosen}`: in a V2 network the last block's sum is not activated, and "
                f"BN and ReLU follow it (`post_bn`, `post_relu`). The last map is `{expected}`. Choose the layer "
                "from the model (the last layer with a 4-D output), not by a name that fits one network.")
    if chosen.endswith("_out") or chosen == "post_relu":
        return (f"Your activations come from `{chosen}`, an earlier stage ({shape[1]}x{shape[2]}). The usual layer "
                f"is the last map, `{expected}`: it has the most class-specific features and still keeps where "
                "they are (Selvaraju et al. 2017, sec. 3).")
    return (f"Your activations come from `{chosen}`, a layer inside a block, before the shortcut adds x back. Use "
            f"a block's output; for Grad-CAM, the last map, `{expected}`.")


def check_grad_cam_target(target, result=None) -> CheckResult:
    """Check the learner's choice of layer and score: `target(model) -> keras.Model(model.input, [A, y])`.

    The check calls `target` on two small classifiers with softmax heads and keras.applications' names, v1 then
    v2 (`_target_network`), and compares both outputs with what `grad_cam` reads: A, the last layer that is still
    a map (`conv5_block2_out` in v1, `post_relu` in v2), and y, the class scores before the softmax.

    Args:
        target: a function of a keras.Model returning a keras.Model with two outputs, [activations, scores].
        result: a CheckResult to add to (check_grad_cam_weighting's), or None for a new one.

    Returns:
        CheckResult.

    Raises:
        TypeError: `target` is not callable.
        ExerciseNotWritten: `target` still raises NotImplementedError.
    """
    if not callable(target):
        raise TypeError(f"target must be a function (model) -> keras.Model with outputs [A, y]; received {target!r}")
    import keras

    from .. import keras_internals
    from ..layer_gradients import activations_and_gradients

    result = CheckResult("Grad-CAM layer and score") if result is None else result
    name = getattr(target, "__name__", "target")
    images = np.random.default_rng(2017).normal(size=(2,) + TARGET_IMAGE).astype("float32")
    for version in (1, 2):
        model = _target_network(version)
        label = f"(on a V{version} network) " if version == 2 else ""
        try:
            built = target(model)
        except NotImplementedError:
            raise ExerciseNotWritten(name) from None
        except Exception as error:
            result.problems.append(f"{label}{name}(model) raised {type(error).__name__}: {str(error)[:300]}")
            return result
        outputs = getattr(built, "outputs", None)
        if not isinstance(built, keras.Model) or outputs is None or len(outputs) != 2:
            result.problems.append(f"{label}{name}(model) returned {type(built).__name__}; it should return "
                                   "keras.Model(model.input, [activations, scores]): two outputs.")
            return result
        reference = activations_and_gradients(model, images)
        activations, scores = (keras.ops.convert_to_numpy(v) for v in built(images, training=False))
        chosen = keras_internals.producer(outputs[0])[0].name
        if activations.shape != reference.activations.shape or not np.allclose(
                activations, reference.activations, atol=TOLERANCE):
            result.problems.append(label + _layer_problem(chosen, reference.layer, tuple(outputs[0].shape), version))
        exp = np.exp(reference.scores - reference.scores.max(axis=1, keepdims=True))
        if scores.shape == reference.scores.shape and np.allclose(scores, reference.scores, atol=TOLERANCE):
            pass
        elif scores.shape == exp.shape and np.allclose(scores, exp / exp.sum(axis=1, keepdims=True), atol=TOLERANCE):
            result.problems.append(
                f"{label}Your scores are the softmax's probabilities. Grad-CAM takes y^c before the softmax: "
                "dp_c/dy_c = p_c(1 - p_c) is near 0 for a confident prediction, and p_c also moves with every other "
                "class's score. Compute the dense layer's output without its activation (its kernel and bias).")
        else:
            result.problems.append(f"{label}Your scores {scores.shape} are not the class scores before the softmax "
                                   f"{reference.scores.shape}: the last dense layer's x·W + b.")
        if result.problems:
            return result
        result.facts.append(f"on a V{version} network: the layer grad_cam reads (`{reference.layer}`) and the "
                            "scores before the softmax")
    return result
