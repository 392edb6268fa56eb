"""Bottleneck blocks as learners write them: one correct, and each with one deliberate, typical mistake.

Each function has the exercise's signature, so the checks see exactly what a learner's code gives them.
"""

from keras import layers, ops

EPS = 1.001e-5


def conv_bn(x, filters, kernel, name, stride=1, bn=True, relu=True, **conv_options):
    x = layers.Conv2D(filters, kernel, strides=stride, padding="same", name=f"{name}_conv", **conv_options)(x)
    if bn:
        x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_bn")(x)
    if relu:
        x = layers.Activation("relu", name=f"{name}_relu")(x)
    return x


def residual_branch(x, filters, name, stride=1, stride_on="1x1", skip_bn=None, skip_relu=None, relu_before_add=False,
                    expansion=4, epsilon=EPS, padding="same"):
    s1, s3 = (stride, 1) if stride_on == "1x1" else (1, stride)
    x = layers.Conv2D(filters, 1, strides=s1, name=f"{name}_1_conv")(x)
    if skip_bn != 1:
        x = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_1_bn")(x)
    if skip_relu != 1:
        x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, strides=s3, padding=padding, name=f"{name}_2_conv")(x)
    if skip_bn != 2:
        x = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_2_bn")(x)
    if skip_relu != 2:
        x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(expansion * filters, 1, name=f"{name}_3_conv")(x)
    if skip_bn != 3:
        x = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_3_bn")(x)
    if relu_before_add:
        x = layers.Activation("relu", name=f"{name}_3_relu")(x)
    return x


def finish(shortcut, x, name):
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


# ---- identity blocks -------------------------------------------------------------------------------------


def correct_identity_block(x, filters, name):
    return finish(x, residual_branch(x, filters, name), name)


def identity_block_without_final_relu(x, filters, name):
    return layers.Add(name=f"{name}_add")([x, residual_branch(x, filters, name)])


def identity_block_with_relu_before_add(x, filters, name):
    return finish(x, residual_branch(x, filters, name, relu_before_add=True), name)


def identity_block_without_second_bn(x, filters, name):
    return finish(x, residual_branch(x, filters, name, skip_bn=2), name)


def identity_block_without_first_relu(x, filters, name):
    return finish(x, residual_branch(x, filters, name, skip_relu=1), name)


def identity_block_without_expansion(x, filters, name):
    return finish(x, residual_branch(x, filters, name, expansion=1), name)


def identity_block_without_shortcut(x, filters, name):
    return layers.Activation("relu", name=f"{name}_out")(residual_branch(x, filters, name))


def identity_block_adding_its_branch_to_itself(x, filters, name):
    x = residual_branch(x, filters, name)
    shortcut = x  # saved too late: the input is already overwritten
    return finish(shortcut, x, name)


def identity_block_with_shortcut_from_inside(x, filters, name):
    y = layers.Conv2D(filters * 4, 1, name=f"{name}_1_conv")(x)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_1_bn")(y)
    shortcut = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(shortcut)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_2_bn")(y)
    y = layers.Activation("relu", name=f"{name}_2_relu")(y)
    y = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(y)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_3_bn")(y)
    return finish(shortcut, y, name)


def identity_block_with_relu_before_bn(x, filters, name):
    y = layers.Conv2D(filters, 1, name=f"{name}_1_conv")(x)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_1_bn")(y)
    y = conv_bn(y, filters, 3, f"{name}_2")
    y = conv_bn(y, 4 * filters, 1, f"{name}_3", relu=False)
    return finish(x, y, name)


def identity_block_with_fixed_names(x, filters, name):
    return correct_identity_block(x, filters, "conv2_block2")


def identity_block_with_own_names(x, filters, name):
    y = layers.Conv2D(filters, 1, name="reduce")(x)
    y = layers.BatchNormalization(epsilon=EPS, name="bn_a")(y)
    y = layers.Activation("relu", name="relu_a")(y)
    y = conv_bn(y, filters, 3, f"{name}_2")
    y = conv_bn(y, 4 * filters, 1, f"{name}_3", relu=False)
    return finish(x, y, name)


def identity_block_with_duplicate_names(x, filters, name):
    y = layers.Conv2D(filters, 1, name=f"{name}_1_conv")(x)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(y)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_bn")(y)
    y = layers.Activation("relu", name=f"{name}_2_relu")(y)
    y = conv_bn(y, 4 * filters, 1, f"{name}_3", relu=False)
    return finish(x, y, name)


def identity_block_with_default_epsilon(x, filters, name):
    return finish(x, residual_branch(x, filters, name, epsilon=1e-3), name)


def identity_block_with_valid_padding(x, filters, name):
    return finish(x, residual_branch(x, filters, name, padding="valid"), name)


def identity_block_with_operators(x, filters, name):
    """Correct, written with `+` and keras.ops.relu instead of named layers: passes, with notes."""
    return ops.relu(x + residual_branch(x, filters, name))


def identity_block_with_fused_relu(x, filters, name):
    y = layers.Conv2D(filters, 1, activation="relu", name=f"{name}_1_conv")(x)
    y = layers.BatchNormalization(epsilon=EPS, name=f"{name}_1_bn")(y)
    y = conv_bn(y, filters, 3, f"{name}_2")
    y = conv_bn(y, 4 * filters, 1, f"{name}_3", relu=False)
    return finish(x, y, name)


def identity_block_without_bias(x, filters, name):
    y = conv_bn(x, filters, 1, f"{name}_1", use_bias=False)
    y = conv_bn(y, filters, 3, f"{name}_2", use_bias=False)
    y = conv_bn(y, 4 * filters, 1, f"{name}_3", relu=False, use_bias=False)
    return finish(x, y, name)


def identity_block_that_returns_nothing(x, filters, name):
    finish(x, residual_branch(x, filters, name), name)


def identity_block_not_written_yet(x, filters, name):
    raise NotImplementedError("exercise")


# ---- convolutional blocks --------------------------------------------------------------------------------


def projection(x, filters, stride, name, bn=True):
    shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
    return layers.BatchNormalization(epsilon=EPS, name=f"{name}_0_bn")(shortcut) if bn else shortcut


def correct_conv_block(x, filters, stride, name):
    return finish(projection(x, filters, stride, name), residual_branch(x, filters, name, stride=stride), name)


def conv_block_v15(x, filters, stride, name):
    branch = residual_branch(x, filters, name, stride=stride, stride_on="3x3")
    return finish(projection(x, filters, stride, name), branch, name)


def conv_block_without_projection(x, filters, stride, name):
    return finish(x, residual_branch(x, filters, name, stride=stride), name)


def conv_block_without_projection_bn(x, filters, stride, name):
    return finish(projection(x, filters, stride, name, bn=False), residual_branch(x, filters, name, stride=stride),
                  name)


def conv_block_with_unstrided_projection(x, filters, stride, name):
    return finish(projection(x, filters, 1, name), residual_branch(x, filters, name, stride=stride), name)


def conv_block_with_hard_coded_stride(x, filters, stride, name):
    return finish(projection(x, filters, 2, name), residual_branch(x, filters, name, stride=2), name)
