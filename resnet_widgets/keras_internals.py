"""The private Keras APIs the package relies on, all in one module.

Keras 3 publishes no way to walk a functional model's graph: which call of which layer produced a tensor,
and which calls feed which. The architecture diagram (the graph package) and the exercise checks need exactly
that, so they read it here and nowhere else. Where a public API exists it is used instead
(keras.utils.get_source_inputs, model.operations, model.inputs, layer.name).

What is read (as of the Keras in binder/requirements.txt, 3.15):

    Function._nodes_by_depth     every layer call of a functional model, grouped by depth from the outputs
    Function._run_through_graph  the walk of the graph on new inputs that clone_model(call_function=) runs
    Function (the class)         keras.src.ops.function.Function, the base of every functional model
    Sequential._functional       the functional model a built Sequential keeps (None until it is built)
    KerasTensor._keras_history   (operation, node_index, tensor_index): the layer call that made a tensor
    Operation._inbound_nodes     the calls of one layer, in the order they were made
    Node.operation, .parent_nodes, .input_tensors, .outputs
                                 one call (keras.src.ops.node.Node, a class Keras does not export)
    Node.arguments.kwargs        the keyword arguments of one call, e.g. training=False (training.diagnose)
    Trainer._compiled_trainable_state
                                 every layer's `trainable` as it was at the last compile (training.diagnose)
    Optimizer._trainable_variables
                                 the variables a built optimizer updates (training.diagnose)
    Trainer._initial_epoch       the epoch fit starts from, set by BackupAndRestore (training.checkpoints)
    BackupAndRestore._save_model, ._load_model, ._current_epoch; ModelCheckpoint._save_model,
    ._should_save_model, ._get_file_path
                                 the hooks training.checkpoints overrides to write its files atomically
                                 (require_callback_hooks checks them when a callback is made)
    Trainer.compiled             set to False after unfreezing, so that fit asks for compile() again
                                 (training.unfreeze, require_compile_again)

tests/test_keras_internals.py reads each of them on a small model. (The tests' own writer of the official
weights layout, a private Keras function too, is in tests/official_layout.py: the package never writes it.)
When a Keras upgrade renames one, that test fails with a message naming the attribute and this module, and so
does any call here at run time (KerasInternalsChanged), rather than an AttributeError deep inside the diagram or a
check.
"""

from __future__ import annotations

# Keras itself is imported only when a message needs its version: importing this module stays free, so the
# modules that use it (the diagram's graph reader) can be imported before Keras is.


class KerasInternalsChanged(RuntimeError):
    """The installed Keras no longer has a private attribute this module reads; the message names it."""


def _changed(what, attribute):
    import keras

    return KerasInternalsChanged(
        f"Keras {keras.__version__} has no {attribute} ({what}). resnet_widgets/keras_internals.py reads it, "
        "because Keras offers no public way to walk a model's graph; update that module for this Keras "
        "(tests/test_keras_internals.py shows what is expected), or install the Keras version in "
        "binder/requirements.txt."
    )


def _read(obj, attribute, what):
    try:
        return getattr(obj, attribute)
    except AttributeError:
        raise _changed(what, f"{type(obj).__name__}.{attribute}") from None


def is_functional(model) -> bool:
    """True for a model built the functional way (keras.Model(inputs, outputs), keras.applications): one whose
    layer graph can be read. False for a subclassed model, whose call() is Python code."""
    try:
        from keras.src.ops.function import Function
    except ImportError:
        raise _changed("the base class of functional models", "keras.src.ops.function.Function") from None
    return isinstance(model, Function)


def sequential_graph(model):
    """The functional model behind a keras.Sequential, or None while the Sequential is not built."""
    return _read(model, "_functional", "the functional model a built Sequential keeps")


def graph_nodes(model) -> list:
    """Every layer call (Node) of a functional model, inputs first: depth by depth from the inputs to the outputs."""
    by_depth = _read(model, "_nodes_by_depth", "a functional model's layer calls by depth")
    return [node for depth in sorted(by_depth, reverse=True) for node in by_depth[depth]]


def inbound_nodes(operation) -> list:
    """The calls (Nodes) of one layer or operation, in the order they were made."""
    return _read(operation, "_inbound_nodes", "the calls of a layer")


def producer(tensor):
    """(operation, node): the layer and the call of it that produced a symbolic tensor."""
    history = _read(tensor, "_keras_history", "the layer call that produced a symbolic tensor")
    return history.operation, inbound_nodes(history.operation)[history.node_index]


def call_index(node) -> int:
    """Which call of its layer `node` is: 0 for the first, 1 for a shared layer's second call, ..."""
    return inbound_nodes(node.operation).index(node)


def run_graph(model, inputs, call_fn):
    """Re-run a functional model's graph on new input tensors, layer call by layer call.

    `call_fn(layer, *args, **kwargs)` stands for each call and returns its output; this is the walk that
    `keras.models.clone_model(..., call_function=...)` runs inside (graph.unfold steps into nested models
    with it). Returns the model's outputs, computed from `inputs`, in the structure of `model.output`.
    """
    run = _read(model, "_run_through_graph", "the walk of a functional model's graph that clone_model runs")
    return run(inputs, operation_fn=lambda operation: operation, call_fn=call_fn)


def call_keyword(node, name, default=None):
    """The value of keyword argument `name` in one layer call (Node), e.g. call_keyword(node, "training")."""
    arguments = _read(node, "arguments", "the arguments of a layer call")
    return _read(arguments, "kwargs", "the keyword arguments of a layer call").get(name, default)


def compiled_trainable_state(model):
    """{layer: trainable} as recorded at the model's last compile; None for a model never compiled.

    Raises:
        KerasInternalsChanged: a compiled model without the record (Keras renamed it).
    """
    if not _read(model, "compiled", "whether a model is compiled"):
        return None  # Keras writes the record in compile(), so an uncompiled model has none
    return _read(model, "_compiled_trainable_state", "every layer's trainable flag at the last compile")


def require_compile_again(model):
    """Mark a compiled model as not compiled: fit and evaluate then raise "You must call `compile()`" until it is.

    Keras compiles the trainable flags into its training step, so after unfreezing layers an old step would
    train the old set. Returns whether the model was compiled.
    """
    was_compiled = bool(_read(model, "compiled", "whether a model is compiled"))
    if was_compiled:
        model.compiled = False
    return was_compiled


def optimizer_trainable_variables(optimizer) -> list:
    """The variables a built optimizer updates (the model's trainable variables when it was built)."""
    return list(_read(optimizer, "_trainable_variables", "the variables an optimizer was built for"))


def initial_epoch(model) -> int:
    """The epoch the next fit starts from when BackupAndRestore restored a run (0 otherwise)."""
    return int(_read(model, "_initial_epoch", "the epoch fit starts from after a restore") or 0)


def set_initial_epoch(model, epoch):
    """Make the next fit start at `epoch`, as keras.callbacks.BackupAndRestore does after a restore."""
    model._initial_epoch = int(epoch)


# The private methods training.checkpoints overrides in Keras' callbacks; tests check they still exist, and
# so does each callback when it is made (require_callback_hooks).
TRAINING_CALLBACK_HOOKS = {
    "BackupAndRestore": ("_save_model", "_load_model", "on_epoch_end"),
    "ModelCheckpoint": ("_save_model", "_should_save_model", "_get_file_path"),
}


def require_callback_hooks(name):
    """Raise KerasInternalsChanged unless keras.callbacks.`name` still has every hook training.checkpoints overrides.

    An override of a hook Keras renamed would never be called: the callback would run Keras' own code and write
    its files without the atomic writes, silently. So the check runs when such a callback is made.
    """
    import keras

    cls = getattr(keras.callbacks, name)
    for hook in TRAINING_CALLBACK_HOOKS[name]:
        if not callable(getattr(cls, hook, None)):
            raise _changed(f"the hook training.checkpoints overrides in {name}", f"{name}.{hook}")


def backup_epoch(callback) -> int:
    """The number of epochs completed that a BackupAndRestore callback is about to save."""
    return int(_read(callback, "_current_epoch", "the epoch BackupAndRestore saves"))


def checkpoint_file_path(callback, epoch, batch, logs):
    """The file a ModelCheckpoint writes for this epoch (its filepath with the epoch and logs filled in)."""
    return _read(callback, "_get_file_path", "where ModelCheckpoint writes")(epoch, batch, logs)


def checkpoint_should_save(callback, epoch, batch, logs, filepath) -> bool:
    """Whether a ModelCheckpoint saves now (save_best_only: the monitor improved; updates its best value)."""
    return bool(_read(callback, "_should_save_model", "whether ModelCheckpoint saves")(epoch, batch, logs, filepath))
