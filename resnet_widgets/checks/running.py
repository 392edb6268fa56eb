"""Building and running: call the learner's function on a fresh input, explain a failed build, and run the
learner's model and the reference on the same fixed weights and input.

Fixed weights depend only on a weight's role and shape (layer type, weight name, shape), never on a layer's
name, so a learner's layers get exactly the reference's values whatever they are called.
"""

import functools
import re
import traceback
import zlib

import keras
import numpy as np

from ..models.blocks import EXPANSION
from .verdict import ExerciseNotWritten

TOLERANCE = 1e-4  # float32 sums in a different order differ by ~1e-6; a real mistake differs by ~0.1


class BuildFailed(Exception):
    """The learner's function could not be built into a model; `problem` says why, in the learner's terms."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


_SHAPES = re.compile(r"[\(\[]((?:None, )?\d+, \d+, \d+)[\)\]]")


def _option_a_hints(shapes, in_channels, filters, stride):
    """Why an option A shortcut (subsample, append zero channels) does not fit the residual branch."""
    (h1, w1, c1), (h2, w2, c2) = shapes
    hints = []
    if (h1, w1) != (h2, w2):
        hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): with stride={stride} the shortcut keeps every "
                     "stride-th row and column of x, x[:, ::stride, ::stride, :] (use the block's stride, not a "
                     "fixed number).")
    if c1 != c2:
        if in_channels in (c1, c2):
            hints.append(f"One side still has the input's {in_channels} channels: option A appends "
                         f"filters - {in_channels} = {filters - in_channels} zero channels to x (keras.ops.pad on the "
                         f"last axis), so the shortcut has filters = {filters} channels.")
        else:
            hints.append(f"The shortcut must end with filters = {filters} channels: pad x's {in_channels} channels "
                         f"with filters - x.shape[-1] = {filters - in_channels} zeros, computed from the shapes, not "
                         "a fixed number or a fixed ratio.")
    return hints


def _add_error_problem(message, in_channels, filters, stride, conv, expansion=EXPANSION, zero_pad=False):
    """Explain a failed addition from the two shapes in Keras' message (`zero_pad`: an option A shortcut)."""
    shapes = [tuple(int(v) for v in s.replace("None, ", "").split(", ")) for s in _SHAPES.findall(message)][:2]
    head = f"Keras could not add the shortcut and the residual branch ({message.strip().splitlines()[0]})."
    if len(shapes) != 2:
        return f"{head} The two branches must have the same shape."
    if zero_pad:
        return " ".join([head] + _option_a_hints(shapes, in_channels, filters, stride))
    (h1, w1, c1), (h2, w2, c2) = shapes
    out = expansion * filters
    times = f"{expansion} * filters = {out}" if expansion > 1 else f"filters = {out}"
    hints = []
    if c1 != c2:
        if expansion > 1 and filters in (c1, c2) and out in (c1, c2):
            hints.append(f"One side has {filters} channels (= filters): the last 1x1 convolution must restore "
                         f"4 * filters = {out} channels (the 4x expansion).")
        elif conv and in_channels in (c1, c2):
            hints.append(f"One side still has the input's {in_channels} channels: the projection shortcut is "
                         f"missing. Project x with a 1x1 convolution to {times} channels, strides=stride, "
                         "then BN (He et al. 2015, eq. 2).")
        else:
            hints.append(f"The block outputs {times} channels on both branches.")
    projection_missing = conv and c1 != c2 and in_channels in (c1, c2) and filters not in (c1, c2)
    if (h1, w1) != (h2, w2) and not projection_missing:  # the projection's own stride fixes the size too
        if not conv and stride > 1:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): the residual branch has stride={stride}, so the "
                         "shortcut must subsample x too, without changing its channels: a 1x1 max pool with "
                         "strides=stride (keras.applications' v2 calls it f\"{name}_0_pool\").")
        elif conv:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): with stride={stride}, both the shortcut and "
                         "one convolution of the residual branch take strides=stride, and the 3x3 convolution keeps "
                         "the size otherwise (padding='same').")
        else:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): an identity block keeps height and width, so "
                         "no stride, and padding='same' on the 3x3 convolution.")
    return " ".join([head] + hints)


def _unwritten(error, fn):
    """The learner's function that raised NotImplementedError, or None when Keras or a library raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    innermost = frames[-1] if frames else None
    if innermost is None or "site-packages" in innermost.filename or "/keras/" in innermost.filename:
        return None
    return innermost.name if innermost.name != "<module>" else getattr(fn, "__name__", "your function")


def build(fn, input_shape, kwargs, projection, expansion=EXPANSION, zero_pad=False):
    """Call the learner's function on a fresh input and wrap it in a model.

    Args:
        fn: the learner's function, called as fn(x, **kwargs).
        input_shape: the input's shape without the batch axis.
        projection: whether the block's shape changes (its shortcut must project), for the hints.
        expansion: output channels per `filters` (4 for a bottleneck, 1 for a basic block).
        zero_pad: the shortcut should be option A (subsampled, zero channels appended), for the hints.

    Returns:
        (the symbolic input, the output, a keras.Model from one to the other).

    Raises:
        ExerciseNotWritten: the learner's function still raises NotImplementedError.
        BuildFailed: anything else that stopped the build, explained.
    """
    x = keras.Input(shape=input_shape, name="block_input")
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    function = getattr(fn, "__name__", "fn")
    call = f"{function}(x, {args}) with x of shape {(None,) + tuple(input_shape)}"
    try:
        output = fn(x, **kwargs)
    except NotImplementedError as error:
        unwritten = _unwritten(error, fn)
        if unwritten:
            raise ExerciseNotWritten(unwritten) from None
        raise BuildFailed(f"Keras raised NotImplementedError when the check called {call}: {error}") from None
    except TypeError as error:
        raise BuildFailed(f"The check calls {call}, and that raised TypeError: {error}. Keep the signature the "
                          "exercise gives.") from None
    except ValueError as error:
        message = str(error)
        if "incompatible shapes" in message or "broadcast" in message:
            raise BuildFailed(_add_error_problem(message, input_shape[-1], kwargs["filters"],
                                                 kwargs.get("stride", 1), projection, expansion,
                                                 zero_pad)) from None
        raise BuildFailed(f"Your function raised ValueError when the check called {call}: "
                          f"{message.strip().splitlines()[0] if message.strip() else ''}") from None
    except Exception as error:
        raise BuildFailed(f"Your function raised {type(error).__name__} when the check called {call}: "
                          f"{str(error).strip()[:300]}") from None
    if output is None:
        raise BuildFailed("Your function returned None: end it with `return x` (the block's output tensor).")
    if not isinstance(output, keras.KerasTensor):
        raise BuildFailed(f"Your function returned a {type(output).__name__}; it should return the block's output "
                          "tensor, the result of the last layer you called.")
    try:
        model = keras.Model(x, output)
    except ValueError as error:
        message = str(error)
        duplicate = re.search(r'The name "([^"]+)" is used (\d+) times', message)
        if duplicate:
            used = duplicate.group(1)
            block = kwargs.get("name", "")
            used = f'f"{{name}}{used[len(block):]}"' if block and used.startswith(block) else f"'{used}'"
            raise BuildFailed(
                f"The name {used} is used by {duplicate.group(2)} layers; every layer in a model "
                "needs its own name. Derive each from `name`: f\"{name}_1_bn\", f\"{name}_2_bn\", ...") from None
        raise BuildFailed("Your function's output does not come from the input x it was given (did you create a "
                           f"new keras.Input inside?): {message.strip().splitlines()[0]}") from None
    return x, output, model


@functools.lru_cache(maxsize=512)  # a ResNet50 has a few dozen distinct roles and shapes; blocks far fewer
def _fixed_value(layer_type, weight_name, shape):
    """The same value for every weight of one role and shape: a learner's layers get ours whatever their names."""
    rng = np.random.default_rng(zlib.crc32(f"{layer_type}/{weight_name}/{tuple(shape)}".encode()))
    if weight_name == "kernel":
        fan_in = int(np.prod(shape[:-1])) or 1
        value = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)  # He init keeps activations near 1
    elif weight_name in ("moving_variance", "gamma"):
        value = rng.uniform(0.5, 1.5, size=shape)
    else:
        value = rng.uniform(-0.5, 0.5, size=shape)  # bias, beta, moving_mean
    value = value.astype("float32")
    value.flags.writeable = False  # shared by every caller
    return value


def set_fixed_weights(model, zero_biases=False):
    """Give every weight of `model` its fixed value (see `_fixed_value`); convolution biases 0 if asked."""
    for layer in model.layers:
        for weight in layer.weights:
            if zero_biases and weight.name == "bias" and not isinstance(layer, keras.layers.Dense):
                weight.assign(np.zeros(weight.shape, weight.dtype))
                continue
            weight.assign(_fixed_value(type(layer).__name__, weight.name, tuple(weight.shape)).astype(weight.dtype))


def fixed_input(input_shape, batch=2):
    return np.random.default_rng(0).normal(size=(batch,) + tuple(input_shape)).astype("float32")


def close(mine, ours):
    """(True/False, largest difference): equal within TOLERANCE, relative to the reference's scale."""
    mine, ours = np.asarray(mine, "float64"), np.asarray(ours, "float64")
    difference = float(np.max(np.abs(mine - ours))) if mine.size else 0.0
    return difference <= TOLERANCE * max(1.0, float(np.max(np.abs(ours))) if ours.size else 1.0), difference


def outputs_match(model, reference, input_shape, zero_biases=False, epsilon=None):
    """(True/False, largest difference) after giving both the same fixed weights and input.

    Args:
        zero_biases: run both with zero convolution biases, so a bias the reference leaves out changes nothing.
        epsilon: when given, every BatchNormalization of `model` runs with it (for blocks without official
            weights, where the learner's epsilon is a free choice). `model` is the check's own, built only for it.
    """
    set_fixed_weights(model, zero_biases)
    set_fixed_weights(reference, zero_biases)
    if epsilon is not None:
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.epsilon = epsilon
    x = fixed_input(input_shape)
    mine = keras.ops.convert_to_numpy(model(x, training=False))
    ours = keras.ops.convert_to_numpy(reference(x, training=False))
    return close(mine, ours)
