"""Augmentation and rescaling as Keras preprocessing layers.

They go inside the model, so they run on the accelerator with the rest of it, on any Keras backend
(TensorFlow or JAX), and are active only in training. Nothing here imports TensorFlow.
"""

from .. import arguments

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
        ValueError: a flip mode or a factor outside the allowed values.
        TypeError: a factor that is not a number, a seed that is not a whole number.
    """
    import keras

    arguments.choice("flip", flip, (None, False) + FLIP_MODES)
    rotation, zoom, translation, contrast = (
        arguments.real_number(label, value, minimum=0, maximum=1, open_maximum=True, meaning="0 turns it off")
        for label, value in (("rotation", rotation), ("zoom", zoom), ("translation", translation),
                             ("contrast", contrast))
    )
    seed = None if seed is None else arguments.whole_number("seed", seed, minimum=0)
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

    Raises:
        TypeError / ValueError: `scale` or `offset` not a finite number.
    """
    import keras

    scale, offset = arguments.real_number("scale", scale), arguments.real_number("offset", offset)

    return keras.Sequential([keras.layers.Rescaling(scale, offset)], name=name)
