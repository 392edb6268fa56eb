"""The first layer whose output differs: a learner's network next to a reference, layer by layer.

Both networks get the same fixed weights (by role and shape, as in the block checks, so names play no part
in the values) and the same fixed input; their operations are matched by name, in the reference's order. The
first one whose output shape or values differ is named, with what differs in its settings or its inputs and
the layers missing just before it. The learner's own weights are restored afterwards.
"""

import keras

from .reading import input_names, made_by, times_called
from .running import close, fixed_input, set_fixed_weights

# The settings that decide what a layer computes, by layer type, for naming what differs.
SETTINGS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "BatchNormalization": ("axis", "epsilon", "center", "scale"),
    "Dense": ("units", "activation", "use_bias"),
    "Activation": ("activation",),
    "Rescaling": ("scale", "offset"),
}


def _called_once(model):
    """The operations of `model` that have one output each, in order (layers called twice are left out)."""
    return [op for op in model.operations if not isinstance(op, keras.layers.InputLayer)
            and times_called(op) == 1]


# Layers compared per forward pass. Every layer's output of a 224x224 image is about 150 MB per ResNet50; an eighth
# at a time keeps a check inside a 2 GB Binder session (the forward passes cost a fraction of a second each).
LAYERS_PER_PASS = 25


def _outputs_by_name(model, image, names=None):
    """{operation name: its output for `image`} for the operations called once in `model` (those in `names`)."""
    operations = [op for op in _called_once(model) if names is None or op.name in names]
    probe = keras.Model(model.input, [op.output for op in operations])
    outputs = probe(image, training=False)
    return {op.name: keras.ops.convert_to_numpy(out) for op, out in zip(operations, outputs)}


def _settings(op):
    config = op.get_config() if hasattr(op, "get_config") else {}
    values = {}
    for key in SETTINGS.get(type(op).__name__, ()):
        value = config.get(key)
        values[key] = tuple(value) if isinstance(value, list) else value
    return values


def _describe_layer(op):
    settings = _settings(op)
    shown = ", ".join(f"{k}={v!r}" for k, v in settings.items() if k in ("kernel_size", "pool_size", "strides",
                                                                           "padding", "filters"))
    return f"`{op.name}` ({type(op).__name__}{f': {shown}' if shown else ''})"


def compare_layer_outputs(model, reference, input_shape, result, label, hints=None):
    """Append to `result` the first layer of `model` whose output differs from `reference`'s, or a fact.

    Args:
        model: the learner's keras.Model (its weights are restored afterwards).
        reference: the reference keras.Model, with its fixed weights already set (set_fixed_weights).
        input_shape: one input's shape, without the batch axis.
        result: a CheckResult to append problems, notes and facts to.
        label: how the messages name the reference, e.g. "keras.applications'" or "the reference's".
        hints: optional callable(layer name, setting) -> a sentence on the likely mistake, or ""; the setting is
            None for a layer missing from the learner's model.

    Returns:
        True when every compared layer's output agrees.
    """
    hints = hints or (lambda name, key: "")
    mine_ops = {op.name: op for op in _called_once(model)}
    order = _called_once(reference)
    # Shapes first, from the graphs alone: a wrong stride is named without running anything.
    missing = []
    for op in order:
        if op.name not in mine_ops:
            missing.append(op)
            continue
        mine_shape, ref_shape = tuple(mine_ops[op.name].output.shape), tuple(op.output.shape)
        if mine_shape != ref_shape:
            result.problems.append(_explain(mine_ops[op.name], op, missing, f"it outputs {_shape(mine_shape)}, "
                                            f"{label} {_shape(ref_shape)}", label, hints))
            return False
        missing = []

    image = fixed_input(input_shape, batch=1)
    found = sum(1 for op in order if op.name in mine_ops)
    saved = model.get_weights()  # the learner's own weights come back afterwards
    try:
        set_fixed_weights(model)
        if found < len(order) // 2:
            mine = _outputs_by_name(model, image, {_output_name(model)})[_output_name(model)]
            ours = _outputs_by_name(reference, image, {_output_name(reference)})[_output_name(reference)]
            same, difference = close(mine, ours)
            result.notes.append(f"Too few layers carry {label} names to compare the two networks layer by layer; "
                                "only their final outputs were compared.")
            if not same:
                result.problems.append(f"With the same fixed weights and image, your network's output differs from "
                                       f"{label} by up to {difference:.3g}.")
            return same
        missing = []
        for start in range(0, len(order), LAYERS_PER_PASS):
            chunk = order[start:start + LAYERS_PER_PASS]
            names = {op.name for op in chunk}
            mine, ours = _outputs_by_name(model, image, names), _outputs_by_name(reference, image, names)
            for op in chunk:
                if op.name not in mine:
                    missing.append(op)
                    continue
                same, difference = close(mine[op.name], ours[op.name])
                if not same:
                    result.problems.append(_explain(mine_ops[op.name], op, missing, f"same shape "
                                                    f"{_shape(mine[op.name].shape)}, but values that differ by up to "
                                                    f"{difference:.3g}", label, hints))
                    return False
                missing = []
            del mine, ours
    finally:
        model.set_weights(saved)
    result.facts.append(f"every layer's output equals {label} ({found} layers compared, with the same fixed "
                        "weights and one fixed input)")
    return True


def _output_name(model):
    return made_by(model.outputs[0])


def _shape(shape):
    return "x".join(str(d) for d in tuple(shape)[1:])


def _explain(mine, ref, missing_before, what, label, hints):
    """The first layer whose output differs: what differs, and the likely cause."""
    lines = [f"The first layer whose output differs from {label} is `{ref.name}`: {what}."]
    if type(mine).__name__ != type(ref).__name__:
        lines.append(f"Yours is a {type(mine).__name__}, {label} a {type(ref).__name__}.")
    else:
        mine_settings, ref_settings = _settings(mine), _settings(ref)
        for key, value in ref_settings.items():
            if mine_settings.get(key) != value:
                lines.append(f"It has {key}={mine_settings.get(key)!r}; {label} has {key}={value!r}.")
                hint = hints(ref.name, key)
                if hint:
                    lines.append(hint)
    if missing_before:
        listed = ", ".join(_describe_layer(op) for op in missing_before)
        lines.append(f"Missing from your model just before it: {listed}.")
        lines += [hint for hint in (hints(op.name, None) for op in missing_before) if hint]
    my_inputs, ref_inputs = input_names(mine), input_names(ref)
    if my_inputs != ref_inputs:
        lines.append(f"It reads {', '.join(f'`{n}`' for n in my_inputs)}; {label} reads "
                     f"{', '.join(f'`{n}`' for n in ref_inputs)}.")
    if len(lines) == 1:
        lines.append("Its settings and its inputs' names agree, so look at what comes before it in your code "
                     "(a layer added, an argument left out) or at an operation the check does not read.")
    return " ".join(lines)
