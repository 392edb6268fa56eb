"""A layer's activations, and the gradient of a class score with respect to them: the first half of Grad-CAM.

Shared below the feature packages: `inside.grad_cam` weights these activations into heatmaps (Selvaraju et al.
2017, eq. 1 and 2), and the Grad-CAM exercise check (`checks.grad_cam`) compares a learner's layer and scores
with them.

How the gradient is taken, on TensorFlow and JAX alike: the model's graph is rebuilt (`graph.unfold`, same
layers, same weights) with one extra input, a tensor of zeros added to the chosen layer's output. The
derivative of the score with respect to that input *is* the derivative with respect to the activations,
wherever the layer sits, even inside a residual block whose shortcut bypasses it, and whatever model wraps the
ResNet. The score is read before the output's softmax, as the paper does. The one backend-specific step is
`gradient_dispatch.outputs_and_input_gradient`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import keras
import numpy as np
from keras import layers, ops

from . import arguments
from .gradient_dispatch import outputs_and_input_gradient
from .graph import is_model, unfold
from .graph.levels import find_levels, last_stage_output

SCORE_ACTIVATIONS = ("softmax", "sigmoid")  # read the score before these, as the paper does


@dataclass(frozen=True)
class LayerGradients:
    """A layer's activations and the gradient of a class score with respect to them, per image.

    Attributes:
        activations, gradients: (N, h, w, k) float32 arrays.
        scores: (N, classes) scores before the softmax.
        class_index: (N,) the class whose score was differentiated.
        layer: the layer's name.
    """

    activations: np.ndarray
    gradients: np.ndarray
    scores: np.ndarray
    class_index: np.ndarray
    layer: str


def activations_and_gradients(model, images, class_index=None, layer="auto", batch_size=None) -> LayerGradients:
    """The first half of Grad-CAM: a layer's activations, and the gradient of a class score for them.

    Arguments and errors as `inside.grad_cam` (the model, the images, the class or classes to explain, the
    layer, the images per pass). Returns a `LayerGradients`.
    """
    images = check_model_images(model, images)
    if not isinstance(layer, str):
        raise TypeError(f"layer must be 'auto' or a layer name (str); received layer={layer!r}")
    if batch_size is not None:
        batch_size = arguments.positive_int("batch_size", batch_size, meaning="images per forward and backward pass")
    probe = _probe(model, images.shape[1:], layer)
    chosen = _check_class_index(class_index, len(images), probe.classes)
    step = batch_size or max(len(images), 1)
    parts = [_measure(probe, images[start : start + step], None if chosen is None else chosen[start : start + step])
             for start in range(0, len(images), step)]
    return LayerGradients(
        activations=np.concatenate([part[0] for part in parts]),
        gradients=np.concatenate([part[1] for part in parts]),
        scores=np.concatenate([part[2] for part in parts]),
        class_index=np.concatenate([part[3] for part in parts]),
        layer=probe.layer,
    )


def _measure(probe, images, chosen):
    """One forward and backward pass: (activations, gradients, scores, class explained), as numpy arrays."""
    classes = probe.classes
    zeros = np.zeros((len(images),) + probe.activation_shape, dtype=np.float32)
    target = None if chosen is None else np.eye(classes, dtype=np.float32)[chosen]

    def score(outputs):
        scores = outputs[1]
        if target is None:  # each image's top class; argmax carries no gradient of its own
            top = ops.argmax(ops.stop_gradient(scores), axis=-1)
            mask = ops.one_hot(top, classes, dtype=scores.dtype)
        else:
            mask = ops.convert_to_tensor(target, dtype=scores.dtype)
        return ops.sum(scores * mask)

    (activations, scores), gradients = outputs_and_input_gradient(probe.model, [images, zeros], score, wrt=1)
    explained = np.argmax(scores, axis=-1) if chosen is None else chosen
    return (np.asarray(activations, dtype=np.float32), np.asarray(gradients, dtype=np.float32),
            np.asarray(scores, dtype=np.float32), np.asarray(explained, dtype=np.int64))


# ----------------------------------------------------------------------------------------------------------
# The probe model: (images, zeros) -> (activations of the layer, scores before the softmax)
# ----------------------------------------------------------------------------------------------------------


@dataclass
class _Probe:
    model: keras.Model
    layer: str
    activation_shape: tuple
    classes: int


# Built once per (model, layer, image shape): the widget asks again at every click.
_PROBES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _probe(model, image_shape, layer) -> _Probe:
    cache = _PROBES.setdefault(model, {})
    key = (layer, tuple(image_shape))
    if key not in cache:
        cache[key] = _build_probe(model, tuple(image_shape), layer)
    return cache[key]


def _build_probe(model, image_shape, layer) -> _Probe:
    plain = unfold(model, input_shape=image_shape)
    name = resolve_layer(plain.order, plain.shapes, layer, model, ambiguous=plain.ambiguous)
    output_layer = _output_layer(model)
    added = {}

    def call(op, args, kwargs, default):
        if op is output_layer and not is_model(op):
            return _score_before_activation(op, args, kwargs, default)
        output = default()
        if op.name == name and not added:
            # The gradient of the score with respect to this zero input is the gradient with respect to
            # the layer's activations: d(f(a + z))/dz = f'(a) at z = 0.
            added["zeros"] = keras.Input(shape=tuple(output.shape[1:]), name="grad_cam_zeros")
            added["activations"] = output
            return layers.Add(name="grad_cam_probe")([output, added["zeros"]])
        return output

    probed = unfold(model, input_shape=image_shape, call=call)
    scores = probed.outputs
    if isinstance(scores, (list, tuple)):
        if len(scores) != 1:
            raise ValueError(f"grad_cam needs a model with one output (class scores); {model.name} has {len(scores)}")
        scores = scores[0]
    if len(scores.shape) != 2:
        raise ValueError(
            f"grad_cam needs a classifier, a model whose output is (batch, classes); {model.name} outputs shape "
            f"{tuple(scores.shape)} (a feature extractor? add a classification head, or pass include_top=True)"
        )
    probe_model = keras.Model([probed.input, added["zeros"]], [added["activations"], scores], name="grad_cam_probe")
    return _Probe(probe_model, name, tuple(added["activations"].shape[1:]), int(scores.shape[-1]))


def _output_layer(model):
    """The layer that produces the model's output (stepping into a nested model that ends the model)."""
    last = model.layers[-1] if model.layers else None
    while last is not None and is_model(last) and last.layers:
        last = last.layers[-1]
    return last


class _Linear(layers.Layer):
    """A Dense layer's affine part, with its own weights: the score before the layer's softmax."""

    def __init__(self, dense, **kwargs):
        super().__init__(name=f"{dense.name}_before_{dense.activation.__name__}", **kwargs)
        self.dense = dense

    def call(self, x):
        y = ops.matmul(x, self.dense.kernel)
        return y + self.dense.bias if self.dense.use_bias else y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.dense.units,)


def _score_before_activation(op, args, kwargs, default):
    activation = getattr(op, "activation", None)
    name = getattr(activation, "__name__", "")
    if isinstance(op, layers.Dense) and name in SCORE_ACTIVATIONS:
        return _Linear(op)(*args)
    if isinstance(op, (layers.Softmax,)) or (isinstance(op, layers.Activation) and name in SCORE_ACTIVATIONS):
        return args[0]  # a separate softmax layer: its input is the score
    return default()


# ----------------------------------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------------------------------


def resolve_layer(order, shapes, layer, model, ambiguous=()) -> str:
    """The layer name to use: `layer` itself when valid, or the default for "auto".

    Raises:
        ValueError: an unknown name (the message lists the stage outputs and how many other valid names
            there are), a layer whose output is not 4-D, or a name two layers share.
    """
    spatial = [n for n in order if len(shapes.get(n, ())) == 4]
    if layer == "auto":
        chosen = last_stage_output(order, shapes)
        if chosen is None:
            raise ValueError(f"layer='auto' found no layer with a 4-D output (batch, height, width, channels) in {model.name}")
        return chosen
    if layer in ambiguous:
        raise ValueError(f"layer {layer!r} names more than one layer of {model.name} (or one layer used twice); choose another")
    if layer in spatial:
        return layer
    if layer in shapes:
        raise ValueError(
            f"layer must have a 4-D output (batch, height, width, channels) for Grad-CAM; {layer!r} outputs "
            f"{shapes[layer]}. Choose a convolutional layer such as {last_stage_output(order, shapes)!r}"
        )
    stages = list(find_levels(order, shapes).values())
    shown = stages if stages else spatial[-8:]
    others = len(spatial) - len(shown)
    raise ValueError(
        f"layer must be 'auto' or the name of a layer of {model.name} with a 4-D output; received layer={layer!r}. "
        f"Valid names include the stage outputs {', '.join(shown)}"
        + (f", and {others} other layers (model.summary() lists them)" if others > 0 else "")
    )


def check_model_images(model, images):
    if not is_model(model):
        raise TypeError(
            "model must be a Keras Functional or Sequential model (one of resnet_widgets.models, or a model "
            f"built on one); received {type(model).__name__}"
        )
    array = arguments.image_batch("images", images, channels=(1, 2, 3, 4))
    expected = tuple(model.inputs[0].shape[1:])
    if len(expected) != 3:
        raise ValueError(f"model must take images (batch, height, width, channels); {model.name} takes {expected}")
    if any(e is not None and e != got for e, got in zip(expected, array.shape[1:])):
        want = tuple("any" if e is None else e for e in expected)
        raise ValueError(
            f"images must be shaped (N, {', '.join(map(str, want))}) for {model.name}; received shape {array.shape}"
        )
    if array.shape[0] == 0:
        raise ValueError("images must hold at least one image; received an empty batch")
    if not np.all(np.isfinite(array)):
        raise ValueError("images must be finite numbers; received NaN or infinity")
    return array.astype(np.float32)


def _check_class_index(class_index, count, classes):
    if class_index is None:
        return None
    meaning = f"the class to explain, one of the model's {classes} outputs"
    if np.ndim(class_index) == 0:
        index = arguments.whole_number("class_index", class_index, minimum=0, maximum=classes - 1, meaning=meaning)
        return np.full(count, index, dtype=np.int64)
    indices = arguments.class_labels("class_index", class_index, classes)
    if len(indices) != count:
        raise ValueError(
            f"class_index must be None, one int, or one int per image ({count}); received {len(indices)} values"
        )
    return indices
