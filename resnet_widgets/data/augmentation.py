"""Augmentation and rescaling as Keras preprocessing layers.

They go inside the model, so they run on the accelerator with the rest of it, on any Keras backend
(TensorFlow or JAX), and are active only in training. Nothing here imports TensorFlow.
"""

FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def augmentation_layers(flip="horizontal", rotation=0.1, zoom=0.1, translation=0.0, contrast=0.0, seed=None,
                        name="augmentation"):
    """A keras.Sequential of random augmentations (identity at inference).

    Args:
        flip: None/False, or one of FLIP_MODES.
        rotation: fraction of a full turn, in [0, 1) (0.1 = up to +-36 degrees); 0 turns it off.
        zoom: fraction in [0, 1); 0 turns it off.
        translation: fraction of height/width in [0, 1); 0 turns it off.
        contrast: factor in [0, 1); 0 turns it off.
        seed: int seed for reproducible augmentation, or None.
        name: the Sequential's name.

    Returns:
        keras.Sequential.

    Raises:
        ValueError: for a flip mode or a factor outside the allowed values.
    """
    import keras

    if flip not in (None, False) and flip not in FLIP_MODES:
        raise ValueError(f"flip must be None or one of {', '.join(FLIP_MODES)}; received {flip!r}")
    for label, value in (("rotation", rotation), ("zoom", zoom), ("translation", translation), ("contrast", contrast)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ValueError(f"{label} must be a number in [0, 1); received {value!r}")
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip(flip, seed=seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="reflect", seed=seed))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="reflect", seed=seed))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, fill_mode="reflect", seed=seed))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, seed=seed))
    return keras.Sequential(layers or [keras.layers.Identity()], name=name)


def rescaling(scale=1.0 / 255, offset=0.0, name="rescaling"):
    """A keras.Sequential that maps uint8 pixels to the range a model expects: x * scale + offset.

    rescaling() gives [0, 1]; rescaling(1 / 127.5, -1.0) gives [-1, 1] (the ResNet V2 convention).
    For the ImageNet-pretrained ResNets use the variant's own preprocess_input instead.
    """
    import keras

    return keras.Sequential([keras.layers.Rescaling(scale, offset)], name=name)
