"""Feedback on the learner's exercise code: what is wrong, where, and why it matters.

    from resnet_widgets.checks import check_identity_block, check_conv_block, check_resnet50
    check_identity_block(my_identity_block)      # displays a verdict; .passed and .problems for code

Every check takes the learner's function (check_resnet50 also takes the model it built). A function that
still raises NotImplementedError makes the check raise `ExerciseNotWritten`: one friendly line in Jupyter,
and "Run All" in a student copy stops at the first exercise not yet written.

How a block is checked (in the spirit of deeplearning.ai's checks, made specific):
1. The learner's function and our reference (resnet_widgets.models) each build a block on the same
   symbolic input. A build error is read for its cause (two branches of different shapes: which one?).
2. The learner's graph is read back from its output: the layers after the addition, the addition, and
   its two branches (shortcut and residual). Each is compared with the reference's, convolution by
   convolution: kernel, filters, stride, padding, bias, then the BN and ReLU that follow it, then names.
3. Both blocks get the same deterministic weights (a fixed value per weight role and shape, so layer
   names play no part) and run on one fixed input in inference mode; their outputs must agree.

Every check is a pure function of the learner's code, returns a `CheckResult`, and runs on any Keras
backend (TensorFlow, JAX). The package has one module per job:

    verdict    CheckResult: what the learner reads, as text and HTML; under nbgrader, its points
    reading    a block's graph read back from its output (the diagram's rule picks the shortcut)
    rules      the comparison rules: a learner's block next to the reference, part by part (with layer_rules,
               name_rules and block_kinds)
    running    calling the learner's function, fixed weights and inputs, running both models
    layer_outputs  a learner's network next to a reference, layer by layer: the first output that differs
    blocks, resnet50, counting, cifar_resnet   the checks the notebooks call, built from the above
    grad_cam           notebook 09's Grad-CAM weighting step (numpy in, numpy out: only the verdict)

A new exercise adds its check in a module of its own that uses these four, and exports it here.

Models are read through resnet_widgets.graph (the shared model-graph walk, so a check and the diagram agree on
which path is the shortcut), not through the diagram. The Grad-CAM check compares the learner's layer with
`resnet_widgets.layer_gradients.activations_and_gradients`, the shared layer's reference that `inside`'s Grad-CAM
uses too.

Under nbgrader (the course's exercises are its autograded cells), each check cell is an autograder test cell
worth `POINTS`. Its hidden tests call the same check again with other arguments (another width, input size,
depth, stage or seed: every check takes them) and join the verdicts: `verdict.including(hidden)`. While
nbgrader grades, a verdict's plain text is its points, `POINTS` times the share of its calls that passed, which
nbgrader reads as partial credit; its HTML, which the feedback shows, is the verdict in the check's words.
"""

from .blocks import check_basic_block, check_conv_block, check_identity_block, check_preact_block
from .cifar_resnet import check_cifar_resnet, check_plain_block
from .counting import check_stage_multiply_adds, check_stage_parameters
from .grad_cam import check_grad_cam_target, check_grad_cam_weighting
from .resnet50 import RESNET50_PARAMETERS, check_resnet50, check_resnet50_arguments
from .verdict import POINTS, CheckResult, ExerciseNotWritten
from . import landing

# In a Jupyter kernel, Run All that stops at an unwritten exercise shows that cell, not the notebook's end.
landing.install()

__all__ = ["POINTS", "RESNET50_PARAMETERS", "CheckResult", "ExerciseNotWritten", "check_basic_block", "check_cifar_resnet",
           "check_conv_block", "check_grad_cam_target", "check_grad_cam_weighting", "check_identity_block", "check_plain_block",
           "check_preact_block", "check_resnet50", "check_resnet50_arguments", "check_stage_multiply_adds", "check_stage_parameters"]
