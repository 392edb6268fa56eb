"""Transfer learning made short and correct, and the live training dashboard.

    from resnet_widgets.training import build_transfer_model, unfreeze, diagnose, LiveDashboard, course_resnet

    course_resnet(pretrained=True)          the course's small ResNet, pretrained on five Fashion-MNIST classes
    build_transfer_model(variant, n)        raw pixels -> augmentation -> the variant's preprocessing -> frozen base
                                            (training=False) -> new head
    unfreeze(model, from_stage="conv5")     the top stages trainable, every BatchNormalization kept frozen;
                                            the model must be compiled again (enforced)
    diagnose(model, data=None)              the fine-tuning traps, found in any Keras model
    LiveDashboard()                         a Keras callback that is also a widget: live curves, progress, ETA
    checkpoint_callbacks(folder)            the best model as .keras, resume after a kill, nothing half-written
    training_setup()                        precision, XLA and data parallelism for the machine at hand
    warmup_cosine_sgd(epochs, steps)        notebook 06b's recipe: SGD, Nesterov momentum, warm-up, cosine

diagnose differentiates through resnet_widgets.gradient_dispatch, the shared gradient primitive below the feature
packages; this package imports no other feature package.
"""

from .course_resnet import (
    COURSE_RESNET_CLASSES,
    COURSE_RESNET_IMAGE_SIZE,
    PretrainedWeightsError,
    course_resnet,
    pretrained_record,
)
from .checkpoints import (BestModelCheckpoint, CheckpointRecordError, ResumableBackup, checkpoint_callbacks,
                          load_checkpoint)
from .dashboard import LiveDashboard
from .diagnose import TRAPS, Diagnosis, Finding, diagnose
from .inputs import ImageBatches, take_per_class
from .precision import TrainingSetup, training_setup
from .recipe import steps_per_epoch, warmup_cosine_sgd
from .preprocessing import ImagePreprocessing, preprocessing_mode
from .transfer import build_transfer_model
from .unfreeze import UnfreezeReport, unfreeze

__all__ = [
    "COURSE_RESNET_CLASSES", "COURSE_RESNET_IMAGE_SIZE", "TRAPS",
    "BestModelCheckpoint", "CheckpointRecordError", "Diagnosis", "Finding", "ImageBatches", "ImagePreprocessing",
    "LiveDashboard",
    "PretrainedWeightsError", "ResumableBackup", "TrainingSetup", "UnfreezeReport",
    "build_transfer_model", "checkpoint_callbacks", "course_resnet", "diagnose", "load_checkpoint",
    "preprocessing_mode", "pretrained_record", "steps_per_epoch", "take_per_class", "training_setup", "unfreeze",
    "warmup_cosine_sgd",
]
