"""Small models and data shared by the training tests."""

import keras
import numpy as np

from resnet_widgets.training import ImagePreprocessing, build_transfer_model, course_resnet


def images(n=16, size=32, seed=0):
    """Raw uint8 pixels, (n, size, size, 3)."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, size, size, 3), dtype=np.uint8)


def labels(n=16, classes=5, seed=0):
    return np.random.default_rng(seed).integers(0, classes, size=n)


def transfer_model(compile_lr=1e-3, **kwargs):
    """The right way: the course ResNet as a frozen base, compiled."""
    model = build_transfer_model(course_resnet(include_top=False), 5, augment=False, **kwargs)
    if compile_lr is not None:
        model.compile(keras.optimizers.Adam(compile_lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def naive_model(unfrozen=("conv5",), pin_inference=False):
    """The wrong way: the base called without training=False, top stages unfrozen by hand, BN included."""
    base = course_resnet(include_top=False)
    inputs = keras.Input((32, 32, 3))
    x = ImagePreprocessing("caffe")(inputs)
    x = base(x, training=False) if pin_inference else base(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(5, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs)
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name.startswith(unfrozen)
    model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    return model
