"""The learning-rate schedules of the degradation experiment, as one Keras LearningRateSchedule.

He et al. 2015, section 4.2: "We start with a learning rate of 0.1, divide it by 10 at 32k and 48k
iterations, and terminate training at 64k iterations" ("steps": drops after 1/2 and 3/4 of the run), and for
the 110-layer net "we use 0.01 to warm up the training until the training error is below 80% (about 400
iterations), and then go back to 0.1" (a warm-up). "cosine" (Loshchilov and Hutter 2017, SGDR) decays
smoothly to zero instead: on a short run it reaches the small rates that let a net settle in a few epochs.
"""

import math

import keras

from .. import arguments

SHAPES = ("constant", "steps", "cosine")


@keras.saving.register_keras_serializable(package="resnet_widgets")
class PaperSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """`base` after `warmup_steps` steps at `base * warmup_factor`, shaped by `shape` over `total_steps`.

    Args:
        base: the learning rate the schedule starts from (after the warm-up).
        total_steps: the steps of the whole run (warm-up included).
        shape: "constant"; "steps" (divided by 10 after each fraction in `drops`); "cosine" (half a cosine
            from `base` down to 0 at `total_steps`).
        drops: fractions of the run after which "steps" divides by 10 (the paper: 0.5 and 0.75).
        warmup_steps: steps at the start that run at `base * warmup_factor` (the paper: 400 at 0.01 / 0.1).
        warmup_factor: the warm-up's fraction of `base`.
    """

    def __init__(self, base, total_steps, shape="constant", drops=(0.5, 0.75), warmup_steps=0, warmup_factor=0.1):
        self.base = arguments.real_number("learning_rate", base, minimum=0, open_minimum=True, meaning="the step size")
        self.total_steps = arguments.positive_int("total_steps", total_steps, "steps of the run")
        self.shape = arguments.choice("schedule", shape, SHAPES, meaning="the learning rate's shape over the run")
        self.drops = tuple(arguments.real_number("drops", d, minimum=0, maximum=1) for d in drops)
        self.warmup_steps = arguments.whole_number("warmup_steps", warmup_steps, minimum=0)
        self.warmup_factor = arguments.real_number("warmup_factor", warmup_factor, minimum=0, maximum=1)

    def at(self, step):
        """The learning rate of step `step` (0-based), as a Python float: the same formula as __call__."""
        if step < self.warmup_steps:
            return self.base * self.warmup_factor
        if self.shape == "steps":
            return self.base / 10 ** sum(step >= d * self.total_steps for d in self.drops)
        if self.shape == "cosine":
            return self.base * 0.5 * (1 + math.cos(math.pi * min(step / self.total_steps, 1.0)))
        return self.base

    def __call__(self, step):
        ops = keras.ops
        step = ops.cast(step, "float32")
        if self.shape == "steps":
            drops = sum(ops.cast(step >= d * self.total_steps, "float32") for d in self.drops)
            rate = self.base * ops.power(0.1, drops) if self.drops else ops.ones_like(step) * self.base
        elif self.shape == "cosine":
            rate = self.base * 0.5 * (1 + ops.cos(math.pi * ops.minimum(step / self.total_steps, 1.0)))
        else:
            rate = ops.ones_like(step) * self.base
        return ops.where(step < self.warmup_steps, self.base * self.warmup_factor, rate)

    def describe(self):
        """In words, e.g. 'learning rate 0.1, / 10 after 50% and 75% of the run, 0.01 for the first 400 steps'."""
        text = f"learning rate {self.base:g}"
        if self.shape == "steps" and self.drops:
            text += ", / 10 after " + " and ".join(f"{d:.0%}" for d in self.drops) + " of the run"
        elif self.shape == "cosine":
            text += ", cosine decay to 0"
        if self.warmup_steps:
            text += f", {self.base * self.warmup_factor:g} for the first {self.warmup_steps} steps"
        return text

    def get_config(self):
        return {"base": self.base, "total_steps": self.total_steps, "shape": self.shape, "drops": list(self.drops),
                "warmup_steps": self.warmup_steps, "warmup_factor": self.warmup_factor}
