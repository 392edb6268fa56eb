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

import numpy as np

from .verdict import CheckResult, ExerciseNotWritten

ROWS, COLUMNS, CHANNELS = 3, 4, 5
TOLERANCE = 1e-4


def _fixed_inputs():
    rng = np.random.default_rng(2017)
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


def check_grad_cam_weighting(weighting) -> CheckResult:
    """Check a learner's Grad-CAM weighting step: `weighting(activations, gradients) -> heatmap`.

    Args:
        weighting: a function of two (h, w, k) numpy arrays (one image) returning the (h, w) map of eq. 2,
            before any division by its maximum (a map divided by its maximum passes, with a note).

    Returns:
        CheckResult.

    Raises:
        TypeError: `weighting` is not callable.
        ExerciseNotWritten: `weighting` still raises NotImplementedError (a student copy).
    """
    if not callable(weighting):
        raise TypeError(f"weighting must be a function (activations, gradients) -> heatmap; received {weighting!r}")
    result = CheckResult("Grad-CAM weighting (eq. 1 and 2)")
    a, g = _fixed_inputs()
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
