"""One flat graph for a model that may hold other models: every layer's output as a tensor of one graph.

A transfer model usually wraps its ResNet as a single layer (`outputs = head(base(inputs))`). Inside the
outer graph, `base` is one node, so `base.get_layer("conv5_block3_out").output` lives in the base's own
graph and `keras.Model(outer.inputs, that_tensor)` fails ("not connected to inputs"). This is why the
keras.io Grad-CAM example only works on flat models.

`unfold(model)` re-runs the model's graph on new inputs, layer by layer, with the very same layers (so the
weights are shared, nothing is copied), and steps into every nested Functional or Sequential model
instead of calling it as one block. It records the tensor each layer produced, by layer name, so any
layer of any depth can become an output of a new `keras.Model(unfolded.input, ...)`. A `call` hook can
change what a layer's call returns (Grad-CAM adds a zero input after its target layer, and reads the
classifier's scores before the softmax).

Walking a functional graph uses `keras_internals.run_graph`, the walk that
`keras.models.clone_model(..., call_function=...)` itself runs; clone_model cannot be used directly for
the nested models, because it wraps them in a new Model whose outputs are copies.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import keras

from .. import keras_internals


@dataclass
class Unfolded:
    """A model's graph re-run on new inputs, with every layer's output at hand.

    Attributes:
        input: the new `keras.Input` tensor.
        outputs: the model's output(s), computed from `input` (the structure of `model.output`).
        tensors: layer name -> the output tensor that layer produced in this graph (a nested model's name
            maps to its output too). Names seen twice are left out and listed in `ambiguous`.
        shapes: layer name -> that output's shape (None for the batch axis), for messages and checks.
        order: the layer names in the order they ran (input side first).
        ambiguous: names that two different layers share (a nested model may reuse an outer name).
    """

    input: object
    outputs: object
    tensors: dict = field(default_factory=dict)
    shapes: dict = field(default_factory=dict)
    order: list = field(default_factory=list)
    ambiguous: set = field(default_factory=set)
    _owners: dict = field(default_factory=dict, repr=False)

    def record(self, layer, output):
        name = layer.name
        if name in self._owners and self._owners[name] is not layer:
            self.ambiguous.add(name)
            self.tensors.pop(name, None)
            self.shapes.pop(name, None)
            return
        if name in self._owners:  # a layer called twice: its output is not one tensor any more
            self.ambiguous.add(name)
            self.tensors.pop(name, None)
            return
        self._owners[name] = layer
        self.order.append(name)
        if isinstance(output, keras.KerasTensor):
            self.tensors[name] = output
            self.shapes[name] = tuple(output.shape)


def is_model(layer) -> bool:
    """True for a Functional or Sequential model used as a layer (the kinds `unfold` steps into)."""
    return isinstance(layer, keras.Sequential) or (isinstance(layer, keras.Model) and keras_internals.is_functional(layer))


def unfold(model, input_shape=None, call=None) -> Unfolded:
    """Re-run `model`'s graph on new inputs, stepping into nested models, recording every layer's output.

    Args:
        model: a built Functional or Sequential keras.Model (subclassed models have no graph to walk).
        input_shape: the new input's shape without the batch axis, e.g. (224, 224, 3); None keeps the
            model's own (which may have None for height and width). A concrete shape gives every
            recorded tensor a concrete shape.
        call: optional hook `call(layer, args, kwargs, default)`, where `default()` calls the layer as
            usual; whatever it returns stands for the layer's output in the new graph.

    Returns:
        An `Unfolded`.

    Raises:
        TypeError: `model` is not a Functional or Sequential Keras model.
        ValueError: the model has more than one input (ResNets and classifiers have one).
    """
    if not is_model(model):
        raise TypeError(
            "model must be a Keras Functional or Sequential model (for example a ResNet from "
            f"resnet_widgets.models, or a transfer model built on one); received {type(model).__name__}"
        )
    if len(model.inputs) != 1:
        raise ValueError(f"model must have one input (an image batch); {model.name} has {len(model.inputs)}")
    source = model.inputs[0]
    shape = tuple(source.shape[1:]) if input_shape is None else tuple(input_shape)
    inputs = keras.Input(shape=shape, dtype=source.dtype)
    unfolded = Unfolded(input=inputs, outputs=None)
    unfolded.outputs = _run(model, inputs, unfolded, call, training=None)
    return unfolded


def _run(model, x, unfolded, call, training):
    """The outputs of `model` on tensor `x`, its layers called one by one (nested models stepped into)."""
    if isinstance(model, keras.Sequential):
        for layer in model.layers:
            x = _call_layer(layer, (x,), {}, unfolded, call, training)
        return x

    def call_fn(layer, *args, **kwargs):
        return _call_layer(layer, args, kwargs, unfolded, call, training)

    return keras_internals.run_graph(model, x, call_fn)


def _call_layer(layer, args, kwargs, unfolded, call, training):
    if is_model(layer):
        # A `training=` fixed at the call site (base(x, training=False) in a transfer model) holds for every
        # layer inside; without it, the inner layers follow whatever the new graph is called with.
        inner_training = kwargs.get("training", training)

        def default():
            return _run(layer, args[0], unfolded, call, inner_training)
    else:
        if training is not None and "training" not in kwargs and _takes_training(layer):
            kwargs = {**kwargs, "training": training}

        def default():
            return layer(*args, **kwargs)

    output = call(layer, args, kwargs, default) if call is not None else default()
    unfolded.record(layer, output)
    return output


def _takes_training(layer) -> bool:
    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False
