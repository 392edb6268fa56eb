"""What one layer costs: its parameters and its multiply-adds for one input example.

Multiply-adds (MACs) count the multiplications of a layer's inner products, one example, inference:

- convolutions (1D/2D/3D, grouped):  prod(kernel) * c_in / groups * c_out * prod(output spatial)
- depthwise convolutions:            prod(kernel) * c_in * depth_multiplier * prod(output spatial)
- separable convolutions:            the depthwise part plus a 1x1 convolution (c_in * dm * c_out per position)
- transposed convolutions:           prod(kernel) * c_in * c_out * prod(input spatial)
- Dense:                             in_features * units, per position when the input has more than one axis
- BatchNormalization:                one per output element (at inference it is a scale and a shift)

Biases, activations, padding, pooling and the residual additions count as zero: they hold no inner
products. This is the convention of the ResNet paper's "FLOPs" (multiply-adds), so ResNet50 comes out
at about 3.9e9 (conv and dense layers) plus about 0.01e9 for BatchNormalization.
Unknown layer types count as zero. A shape with an unknown (None) spatial size gives None.
"""

from __future__ import annotations

import math

_CONV = {"Conv1D", "Conv2D", "Conv3D"}
_DEPTHWISE = {"DepthwiseConv1D", "DepthwiseConv2D"}
_SEPARABLE = {"SeparableConv1D", "SeparableConv2D"}
_TRANSPOSE = {"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"}

# Layers that make a network "deep" in the sense of ResNet-50's 50: conv and dense layers.
WEIGHTED_TYPES = _CONV | _DEPTHWISE | _SEPARABLE | _TRANSPOSE | {"Dense", "EinsumDense"}


def layer_params(layer) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts of a layer or operation (0, 0 for weightless ops)."""
    trainable = sum(math.prod(w.shape) for w in getattr(layer, "trainable_weights", ()))
    frozen = sum(math.prod(w.shape) for w in getattr(layer, "non_trainable_weights", ()))
    return int(trainable), int(frozen)


def _prod_or_none(dims) -> int | None:
    dims = list(dims)
    if any(d is None for d in dims):
        return None
    return int(math.prod(dims))


def _split(shape, data_format: str):
    """(channels, spatial dims) of a batched shape."""
    shape = list(shape)
    if data_format == "channels_first":
        return shape[1], shape[2:]
    return shape[-1], shape[1:-1]


def layer_macs(layer, input_shapes: list, output_shape) -> int | None:
    """Multiply-adds of one call of ``layer`` for one example (see the module docstring).

    Args:
        layer: a Keras layer or operation.
        input_shapes: the batched shapes (tuples with None for the batch) of its inputs.
        output_shape: the batched shape of its (first) output.

    Returns:
        An int, or None when a spatial size the count depends on is unknown.
    """
    kind = type(layer).__name__
    if not input_shapes or output_shape is None or not isinstance(output_shape, (tuple, list)):
        return 0
    fmt = getattr(layer, "data_format", "channels_last") or "channels_last"
    if kind in _CONV | _DEPTHWISE | _SEPARABLE | _TRANSPOSE:
        c_in, in_spatial = _split(input_shapes[0], fmt)
        c_out, out_spatial = _split(output_shape, fmt)
        kernel = math.prod(layer.kernel_size)
        positions = _prod_or_none(out_spatial)
        if c_in is None or positions is None:
            return None
        if kind in _CONV:
            return kernel * (c_in // getattr(layer, "groups", 1)) * c_out * positions
        if kind in _DEPTHWISE:
            return kernel * c_in * layer.depth_multiplier * positions
        if kind in _SEPARABLE:
            middle = c_in * layer.depth_multiplier
            return kernel * middle * positions + middle * c_out * positions
        in_positions = _prod_or_none(in_spatial)
        return None if in_positions is None else kernel * c_in * c_out * in_positions
    if kind == "Dense":
        in_features = input_shapes[0][-1]
        positions = _prod_or_none(output_shape[1:-1])
        if in_features is None or positions is None:
            return None
        return in_features * layer.units * positions
    if kind == "BatchNormalization":
        return _prod_or_none(output_shape[1:])
    return 0
