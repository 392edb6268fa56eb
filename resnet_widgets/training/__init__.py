"""Transfer learning made short and correct, and the live training dashboard.

    course_resnet(pretrained=True)          the course's small ResNet, pretrained on five Fashion-MNIST classes
"""

from .course_resnet import (
    COURSE_RESNET_CLASSES,
    COURSE_RESNET_IMAGE_SIZE,
    PretrainedWeightsError,
    course_resnet,
    pretrained_record,
)

__all__ = ["COURSE_RESNET_CLASSES", "COURSE_RESNET_IMAGE_SIZE", "PretrainedWeightsError", "course_resnet",
           "pretrained_record"]
