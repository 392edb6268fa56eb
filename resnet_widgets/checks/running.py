"""Building and running: call the learner's function on a fresh input, explain a failed build, and run the
learner's model and the reference on the same fixed weights and input.

Fixed weights depend only on a weight's role and shape (layer type, weight name, shape), never on a layer's
name, so a learner's layers get exactly the reference's values whatever they are called.
"""

import re
import zlib

import keras
import numpy as np

from ..models.blocks import EXPANSION

TOLERANCE = 1e-4  # float32 sums in a different order differ by ~1e-6; a real mistake differs by ~0.1


class BuildFailed(Exception):
    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


_SHAPES = re.compile(r"[\(\[]((?:None, )?\d+, \d+, \d+)[\)\]]")


def _add_error_problem(message, in_channels, filters, stride, conv):
    """Explain a failed addition from the two shapes in Keras' message."""
    shapes = [tuple(int(v) for v in s.replace("None, ", "").split(", ")) for s in _SHAPES.findall(message)][:2]
    head = f"Keras could not add the shortcut and the residual branch ({message.strip().splitlines()[0]})."
    if len(shapes) != 2:
        return f"{head} The two branches must have the same shape."
    (h1, w1, c1), (h2, w2, c2) = shapes
    out = EXPANSION * filters
    hints = []
    if c1 != c2:
        if filters in (c1, c2) and out in (c1, c2):
            hints.append(f"One side has {filters} channels (= filters): the last 1x1 convolution must restore "
                         f"4 * filters = {out} channels (the 4x expansion).")
        elif conv and in_channels in (c1, c2):
            hints.append(f"One side still has the input's {in_channels} channels: the projection shortcut is "
                         f"missing. Project x with a 1x1 convolution to 4 * filters = {out} channels, strides=stride, "
                         "then BN (He et al. 2015, eq. 2).")
        else:
            hints.append(f"The block outputs 4 * filters = {out} channels on both branches.")
    projection_missing = conv and c1 != c2 and in_channels in (c1, c2) and filters not in (c1, c2)
    if (h1, w1) != (h2, w2) and not projection_missing:  # the projection's own stride fixes the size too
        if conv:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): with stride={stride}, both the shortcut's 1x1 "
                         "projection and one convolution of the residual branch take strides=stride, and the 3x3 "
                         "convolution uses padding='same'.")
        else:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): an identity block keeps height and width, so "
                         "no stride, and padding='same' on the 3x3 convolution.")
    return " ".join([head] + hints)


def build(fn, input_shape, kwargs, conv):
    """Call the learner's function on a fresh input and wrap it in a model; raise BuildFailed to explain."""
    x = keras.Input(shape=input_shape, name="block_input")
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    call = f"fn(x, {args}) with x of shape {(None,) + tuple(input_shape)}"
    try:
        output = fn(x, **kwargs)
    except NotImplementedError:
        raise BuildFailed("Not written yet: your function raises NotImplementedError. Replace that line with "
                           "your code, then run this check again.") from None
    except TypeError as error:
        raise BuildFailed(f"The check calls {call}, and that raised TypeError: {error}. Keep the signature the "
                           "exercise gives.") from None
    except ValueError as error:
        message = str(error)
        if "incompatible shapes" in message or "broadcast" in message:
            raise BuildFailed(_add_error_problem(message, input_shape[-1], kwargs["filters"],
                                                  kwargs.get("stride", 1), conv)) from None
        raise BuildFailed(f"Your function raised ValueError when the check called {call}: "
                           f"{message.strip().splitlines()[0] if message.strip() else ''}") from None
    except Exception as error:
        raise BuildFailed(f"Your function raised {type(error).__name__} when the check called {call}: "
                           f"{str(error).strip()[:300]}") from None
    if output is None:
        raise BuildFailed("Your function returned None: end it with `return x` (the tensor after the final ReLU).")
    if not isinstance(output, keras.KerasTensor):
        raise BuildFailed(f"Your function returned a {type(output).__name__}; it should return the block's output "
                           "tensor, the result of the last layer you called.")
    try:
        model = keras.Model(x, output)
    except ValueError as error:
        message = str(error)
        duplicate = re.search(r'The name "([^"]+)" is used (\d+) times', message)
        if duplicate:
            raise BuildFailed(
                f"The name '{duplicate.group(1)}' is used by {duplicate.group(2)} layers; every layer in a model "
                "needs its own name. Derive each from `name`: f\"{name}_1_bn\", f\"{name}_2_bn\", ...") from None
        raise BuildFailed("Your function's output does not come from the input x it was given (did you create a "
                           f"new keras.Input inside?): {message.strip().splitlines()[0]}") from None
    return x, output, model


def _fixed_value(layer_type, weight_name, shape):
    """The same value for every weight of one role and shape: a learner's layers get ours whatever their names."""
    rng = np.random.default_rng(zlib.crc32(f"{layer_type}/{weight_name}/{tuple(shape)}".encode()))
    if weight_name == "kernel":
        fan_in = int(np.prod(shape[:-1])) or 1
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)  # He init keeps activations near 1
    if weight_name == "moving_variance":
        return rng.uniform(0.5, 1.5, size=shape)
    if weight_name == "gamma":
        return rng.uniform(0.5, 1.5, size=shape)
    return rng.uniform(-0.5, 0.5, size=shape)  # bias, beta, moving_mean


def set_fixed_weights(model):
    for layer in model.layers:
        for weight in layer.weights:
            weight.assign(_fixed_value(type(layer).__name__, weight.name, tuple(weight.shape)).astype(weight.dtype))


def fixed_input(input_shape):
    return np.random.default_rng(0).normal(size=(2,) + tuple(input_shape)).astype("float32")


def outputs_match(model, reference, input_shape):
    """(True/False, largest difference) after giving both the same fixed weights and input."""
    set_fixed_weights(model)
    set_fixed_weights(reference)
    x = fixed_input(input_shape)
    mine = keras.ops.convert_to_numpy(model(x, training=False))
    ours = keras.ops.convert_to_numpy(reference(x, training=False))
    difference = float(np.max(np.abs(mine - ours)))
    return difference <= TOLERANCE * max(1.0, float(np.max(np.abs(ours)))), difference

