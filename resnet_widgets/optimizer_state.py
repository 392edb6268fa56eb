"""Starting a compiled model over: its weights back to a snapshot, its optimizer's state back to zero.

Tracing (TensorFlow) or compiling (JAX) a training step costs seconds on a CPU, as much as a short run itself. An
experiment that trains the same network from several seeds, or from the same starting point several ways, can
keep one compiled model and start it over instead: the traced step stays, only the numbers change.
"""

import keras


def reset_optimizer(optimizer):
    """The optimizer's state back to zero: the step count (and with it a schedule) and every slot (the momenta).

    A learning rate held as a variable (a float, not a schedule) is the setting, not state, and stays.
    An optimizer that has not been built yet (no step taken) has no state, and is left as it is.
    """
    if not optimizer.built:
        return
    for variable in optimizer.variables:
        if variable.name != "learning_rate":
            variable.assign(keras.ops.zeros(variable.shape, variable.dtype))


def start_over(model, weights):
    """Give `model` the weights `weights` (from model.get_weights()) and reset its optimizer, if compiled.

    BatchNormalization's moving statistics are weights too, so they come back with the rest.
    """
    model.set_weights(weights)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        reset_optimizer(optimizer)
