"""The gradient dispatch: the one backend-specific piece, shared by every feature package that differentiates.

Two primitives: the loss of one batch and its gradients for chosen variables (`loss_and_gradients`: the
gradient experiments, `training.diagnose`), and a model's outputs with the gradient of a score for one input
(`outputs_and_input_gradient`: Grad-CAM in `inside`). It sits below the feature packages, so none of them
imports another to differentiate.

TensorFlow records the forward pass on a GradientTape. JAX differentiates a pure function, so the model
runs through `stateless_call` and `jax.value_and_grad`.

On TensorFlow a model measured again and again (`track`'s training steps, a depth the explorer revisits, another
batch or seed on the same layer bank) gets its step traced, from its TRACE_AFTER + 1-th call on (a tf.function per
model and set of variables, kept as long as the model lives, without autograph, which the step does not need and
which doubles the trace time): a traced step runs 2 to 3 times faster than op by op from Python. Tracing a 50-layer
net costs several eager steps (10 to 25 s on two loaded cores), so a model measured once or twice (a new
architecture in the explorer, `diagnose`'s one gradient) runs eagerly (docs/BENCHMARKS.md measures both).
`COMPILED = False` measures eagerly always, the way this module did before, for comparison. JAX runs eagerly too: its
jit would compile per shape of every network. Everything else in the package goes through keras.ops and works
on any backend that has a branch here.
"""

import weakref

import keras
import numpy as np

from . import arguments

SUPPORTED_BACKENDS = ("tensorflow", "jax")
COMPILED = True  # trace TensorFlow's gradient step for a model measured repeatedly (see the module docstring)
TRACE_AFTER = 2  # eager calls of one model before its step is traced
_traced = weakref.WeakKeyDictionary()  # model -> {(variable ids, loss_fn, training): tf.function or eager calls}


def loss_and_gradients(model, x, y, loss_fn, variables, training=True):
    """Loss on one batch and its gradients with respect to `variables`.

    Args:
        model: a built Keras model.
        x, y: the batch (numpy arrays or tensors).
        loss_fn: callable (y_true, y_pred) -> scalar tensor.
        variables: trainable variables of `model` (e.g. its conv kernels).
        training: run the model in training mode (BatchNormalization uses batch statistics and
            updates its moving averages, as in a training step).

    Returns:
        (loss, gradients): loss as a Python float; gradients as numpy arrays in the order of
        `variables` (zeros for a variable the loss does not depend on).

    Raises:
        ValueError: a variable is not among the model's trainable variables.
        NotImplementedError: the active Keras backend is neither TensorFlow nor JAX.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        loss, grads = _tensorflow(model, x, y, loss_fn, variables, training)
    elif backend == "jax":
        loss, grads = _jax(model, x, y, loss_fn, variables, training)
    else:
        raise NotImplementedError(
            f"gradient measurements support the Keras backends {', '.join(SUPPORTED_BACKENDS)}; this session "
            f"uses {backend!r} (set KERAS_BACKEND before importing keras)"
        )
    arrays = [np.zeros(v.shape, dtype=np.float32) if g is None else np.asarray(g) for v, g in zip(variables, grads)]
    return float(loss), arrays


def _tensorflow(model, x, y, loss_fn, variables, training):
    import tensorflow as tf

    trainable = {id(v) for v in model.trainable_variables}
    _check_trainable(variables, trainable)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=training))
        return loss, tape.gradient(loss, variables)

    if not COMPILED:
        return step(x, y)
    traced = _traced.setdefault(model, {})
    key = (tuple(id(v) for v in variables), loss_fn, training)
    calls = traced.get(key, 0)
    if isinstance(calls, int):
        if calls < TRACE_AFTER:
            traced[key] = calls + 1
            return step(x, y)
        traced[key] = tf.function(step, reduce_retracing=True, autograph=False)
    # One tf.function per model is the design, and TensorFlow warns when many functions trace ("triggered
    # tf.function retracing"), on stderr, in a learner's notebook: its logger is quiet during the call.
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        loss, grads = traced[key](tf.convert_to_tensor(x), tf.convert_to_tensor(y))
    finally:
        logger.setLevel(level)
    return loss, list(grads)


def traces_next(model):
    """True when `model`'s next measurement will trace its step (it has had TRACE_AFTER eager ones).

    Tracing a deep net takes several seconds on a CPU, once; a widget can say so while it waits.
    """
    if not COMPILED or keras.backend.backend() != "tensorflow":
        return False
    return any(isinstance(calls, int) and calls == TRACE_AFTER for calls in _traced.get(model, {}).values())


def _jax(model, x, y, loss_fn, variables, training):
    import jax

    trainable = list(model.trainable_variables)
    non_trainable = list(model.non_trainable_variables)
    position = {id(v): i for i, v in enumerate(trainable)}
    _check_trainable(variables, position)

    def loss_of(trainable_values, non_trainable_values):
        y_pred, updated = model.stateless_call(trainable_values, non_trainable_values, x, training=training)
        return loss_fn(y, y_pred), updated

    (loss, updated), grads = jax.value_and_grad(loss_of, has_aux=True)(
        [v.value for v in trainable], [v.value for v in non_trainable]
    )
    # TensorFlow's eager call updates BN moving averages in place; do the same so both backends
    # leave the model in the same state.
    for variable, value in zip(non_trainable, updated):
        variable.assign(value)
    return loss, [grads[position[id(v)]] for v in variables]


def _check_trainable(variables, trainable_ids):
    for v in variables:
        if id(v) not in trainable_ids:
            raise ValueError(
                f"variables must be trainable variables of the model; {getattr(v, 'path', v)!r} is not "
                "(a frozen layer's weights get no gradient in a training step)"
            )


def outputs_and_input_gradient(model, inputs, score_fn, wrt=0):
    """A model's outputs in inference mode, and the gradient of a score of them with respect to one input.

    Saliency methods need this: Grad-CAM differentiates a class score with respect to a feature map
    (fed to the model as an extra input), a plain saliency map with respect to the image.

    Args:
        model: a built Keras model; it runs with training=False and no variable changes.
        inputs: the model's inputs, as a list (numpy arrays or tensors), one per model input.
        score_fn: callable (outputs) -> scalar tensor, written with keras.ops; `outputs` has the structure
            of the model's outputs (a list for a multi-output model).
        wrt: the position in `inputs` of the input to differentiate with respect to.

    Returns:
        (outputs, gradient): the outputs as numpy arrays (same structure as the model's), and the
        gradient as a numpy array of the shape of `inputs[wrt]`.

    Raises:
        TypeError: `wrt` is not an integer.
        ValueError: `wrt` is not a position in `inputs`.
        NotImplementedError: the active Keras backend is neither TensorFlow nor JAX.
    """
    import keras.ops as ops

    inputs = list(inputs)
    wrt = arguments.whole_number("wrt", wrt, minimum=0, maximum=len(inputs) - 1, meaning="a position in inputs")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(x) for x in inputs]
        with tf.GradientTape() as tape:
            tape.watch(tensors[wrt])
            outputs = model(tensors, training=False)
            score = score_fn(outputs)
        gradient = tape.gradient(score, tensors[wrt])
    elif backend == "jax":
        import jax

        tensors = [ops.convert_to_tensor(x) for x in inputs]
        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]

        def score_of(target):
            values = tensors[:wrt] + [target] + tensors[wrt + 1 :]
            outputs, _ = model.stateless_call(trainable, non_trainable, values, training=False)
            return score_fn(outputs), outputs

        (_, outputs), gradient = jax.value_and_grad(score_of, has_aux=True)(tensors[wrt])
    else:
        raise NotImplementedError(
            f"gradients support the Keras backends {', '.join(SUPPORTED_BACKENDS)}; this session uses "
            f"{backend!r} (set KERAS_BACKEND before importing keras)"
        )
    as_numpy = keras.tree.map_structure(lambda t: np.asarray(ops.convert_to_numpy(t)), outputs)
    if gradient is None:  # the score does not depend on that input
        return as_numpy, np.zeros(np.shape(inputs[wrt]), dtype=np.float32)
    return as_numpy, np.asarray(ops.convert_to_numpy(gradient))
