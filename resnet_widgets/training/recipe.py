"""The training recipe of notebook 06b (and of its recorded run): SGD with Nesterov momentum, a warm-up, a cosine.

One function, so that the notebook's live run and scripts/record_train_your_resnet.py train with the very same
recipe, and the notebook can show its source:

- SGD with momentum 0.9 and weight decay, as He et al. 2015 train every ResNet (section 3.4); Nesterov's form of
  the momentum (Sutskever et al. 2013) costs nothing more;
- a linear warm-up from a tenth of the peak rate over the first steps (Goyal et al. 2017, section 2.2): a freshly
  initialised residual net starts with a large loss (notebook 01b), and full-size first steps throw it about;
- then half a cosine down to zero (Loshchilov and Hutter 2017), so that the last steps are the smallest and the
  net settles, whatever the number of epochs.
"""

import math

import keras

from .. import arguments


def warmup_cosine_sgd(epochs, steps_per_epoch, peak_learning_rate=0.1, weight_decay=5e-4, warmup_steps=None):
    """The optimizer: SGD (Nesterov momentum 0.9, decoupled weight decay) on a warm-up then cosine schedule.

    Args:
        epochs, steps_per_epoch: the length of the run, which the schedule spans.
        peak_learning_rate: the rate reached at the end of the warm-up (0.1 for batch 128, as the paper).
        weight_decay: shrinks every weight by `learning_rate * weight_decay` each step (Keras' decoupled form).
        warmup_steps: steps of the linear warm-up; None: a tenth of the run, at most 200 steps.

    Returns:
        keras.optimizers.SGD.

    Raises:
        TypeError, ValueError: a size below 1, a rate not > 0, a weight decay below 0.
    """
    epochs = arguments.positive_int("epochs", epochs, "passes over the data")
    steps_per_epoch = arguments.positive_int("steps_per_epoch", steps_per_epoch, "batches per epoch")
    peak = arguments.real_number("peak_learning_rate", peak_learning_rate, minimum=0, open_minimum=True)
    weight_decay = arguments.real_number("weight_decay", weight_decay, minimum=0)
    total = epochs * steps_per_epoch
    if warmup_steps is None:
        warmup_steps = min(200, total // 10)
    warmup_steps = arguments.whole_number("warmup_steps", warmup_steps, minimum=0, maximum=total - 1)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / 10, decay_steps=total - warmup_steps, alpha=0.0,
        warmup_target=peak, warmup_steps=warmup_steps)
    return keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, weight_decay=weight_decay or None)


def steps_per_epoch(images, batch_size):
    """Batches in one pass over `images` images (the last one may be smaller)."""
    return math.ceil(arguments.positive_int("images", images) / arguments.positive_int("batch_size", batch_size))
