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


# Notebook 03's exercise: one function, both stride placements (stride_on="1x1" is v1, "3x3" is v1.5).


def correct_conv_block_both_placements(x, filters, stride, name, stride_on="1x1"):
    branch = residual_branch(x, filters, name, stride=stride, stride_on=stride_on)
    return finish(projection(x, filters, stride, name), branch, name)


def conv_block_that_ignores_stride_on(x, filters, stride, name, stride_on="1x1"):
    return correct_conv_block(x, filters, stride, name)


def conv_block_that_moves_the_projection_stride_too(x, filters, stride, name, stride_on="1x1"):
    # v1.5 moves only the residual branch's stride: the projection stays a strided 1x1.
    branch = residual_branch(x, filters, name, stride=stride, stride_on=stride_on)
    shortcut = projection(x, filters, stride if stride_on == "1x1" else 1, name)
    return finish(shortcut, branch, name)


def conv_block_without_a_stride_on_argument(x, filters, stride, name):
    return correct_conv_block(x, filters, stride, name)


def block_from_notebook_02_with_two_mistakes(x, filters, name):
    """Notebook 02's demo: a ReLU after the third BN, and the shortcut saved after x was overwritten."""
    for k, (width, size) in enumerate([(filters, 1), (filters, 3), (4 * filters, 1)], start=1):
        x = layers.Conv2D(width, size, padding="same", name=f"{name}_{k}_conv")(x)
        x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_{k}_bn")(x)
        x = layers.Activation("relu", name=f"{name}_{k}_relu")(x)
    shortcut = x
    return finish(shortcut, x, name)


# ---- basic blocks (two 3x3 convolutions, option B) --------------------------------------------------------


def basic_branch(x, filters, stride, name, bias=False, epsilon=EPS, relu_before_add=False, stride_on_second=False):
    s1, s2 = (1, stride) if stride_on_second else (stride, 1)
    x = layers.Conv2D(filters, 3, strides=s1, padding="same", use_bias=bias, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, strides=s2, padding="same", use_bias=bias, name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_2_bn")(x)
    if relu_before_add:
        x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    return x


def basic_projection(x, filters, stride, name, bias=False, epsilon=EPS):
    shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=bias, name=f"{name}_0_conv")(x)
    return layers.BatchNormalization(epsilon=epsilon, name=f"{name}_0_bn")(shortcut)


def correct_basic_block(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = basic_projection(x, filters, stride, name)
    return finish(shortcut, basic_branch(x, filters, stride, name), name)


def basic_block_with_keras_defaults(x, filters, stride=1, name="block"):
    """Correct wiring, with Keras' default bias and epsilon: passes, with notes."""
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = basic_projection(x, filters, stride, name, bias=True, epsilon=1e-3)
    return finish(shortcut, basic_branch(x, filters, stride, name, bias=True, epsilon=1e-3), name)


def basic_block_that_always_projects(x, filters, stride=1, name="block"):
    return finish(basic_projection(x, filters, stride, name), basic_branch(x, filters, stride, name), name)


def basic_block_that_projects_only_with_a_stride(x, filters, stride=1, name="block"):
    shortcut = basic_projection(x, filters, stride, name) if stride != 1 else x
    return finish(shortcut, basic_branch(x, filters, stride, name), name)


def basic_block_with_relu_before_add(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = basic_projection(x, filters, stride, name)
    return finish(shortcut, basic_branch(x, filters, stride, name, relu_before_add=True), name)


def basic_block_with_stride_on_the_second_convolution(x, filters, stride=1, name="block"):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = basic_projection(x, filters, stride, name)
    return finish(shortcut, basic_branch(x, filters, stride, name, stride_on_second=True), name)


def basic_block_not_written_yet(x, filters, stride=1, name="block"):
    raise NotImplementedError("Exercise: write your code here")


# Notebook 01a's exercise: one basic block with both shortcuts, "projection" (option B) and "zero_pad" (option A).


def option_a(x, filters, stride, before=None, offset=0, extra=None):
    kept = x[:, offset::stride, offset::stride, :]
    extra = filters - x.shape[-1] if extra is None else extra
    before = 0 if before is None else before
    return ops.pad(kept, [[0, 0], [0, 0], [0, 0], [before, extra - before]])


def basic_block_with(shortcut_fn):
    def block(x, filters, stride=1, shortcut="projection", name="block"):
        skip = x
        if stride != 1 or x.shape[-1] != filters:
            if shortcut == "projection":
                skip = basic_projection(x, filters, stride, name)
            else:
                skip = shortcut_fn(x, filters, stride, name)
        return finish(skip, basic_branch(x, filters, stride, name), name)
    return block


correct_basic_block_both_shortcuts = basic_block_with(lambda x, filters, stride, name: option_a(x, filters, stride))
basic_block_whose_option_a_pads_in_front = basic_block_with(
    lambda x, filters, stride, name: option_a(x, filters, stride, before=filters - x.shape[-1]))
basic_block_whose_option_a_keeps_odd_rows = basic_block_with(
    lambda x, filters, stride, name: option_a(x, filters, stride, offset=1 if stride > 1 else 0))
# Fitted to the first call: the channels double, so it pads as many zeros as x has channels.
basic_block_whose_option_a_doubles_the_channels = basic_block_with(
    lambda x, filters, stride, name: option_a(x, filters, stride, extra=x.shape[-1]))
# Fitted to the first call: a fixed stride of 2.
basic_block_whose_option_a_always_subsamples = basic_block_with(lambda x, filters, stride, name: option_a(x, filters, 2))
basic_block_whose_option_a_averages = basic_block_with(
    lambda x, filters, stride, name: ops.pad(layers.AveragePooling2D(stride, padding="same")(x),
                                             [[0, 0], [0, 0], [0, 0], [0, filters - x.shape[-1]]]))


def basic_block_that_ignores_the_shortcut_argument(x, filters, stride=1, shortcut="projection", name="block"):
    return correct_basic_block(x, filters, stride, name)


# ---- v2 pre-activation blocks -----------------------------------------------------------------------------


def preact_branch(x, filters, stride, name, bn_last=False, same_padding=False, biases=False):
    x = layers.Conv2D(filters, 1, use_bias=biases, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    if same_padding:
        x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=biases, name=f"{name}_2_conv")(x)
    else:
        x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
        x = layers.Conv2D(filters, 3, strides=stride, use_bias=biases, name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    if bn_last:
        x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_3_bn")(x)
    return x


def preactivate(x, name):
    x = layers.BatchNormalization(epsilon=EPS, name=f"{name}_preact_bn")(x)
    return layers.Activation("relu", name=f"{name}_preact_relu")(x)


def v2_shortcut(x, preact, filters, stride, conv_shortcut, name, projection_reads_x=False):
    if conv_shortcut:
        source = x if projection_reads_x else preact
        return layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(source)
    if stride > 1:
        return layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x)
    return x


def correct_preact_block(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name)])


def preact_block_with_relu_after_add(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name)
    added = layers.Add(name=f"{name}_add")([shortcut, preact_branch(preact, filters, stride, name)])
    return layers.Activation("relu", name=f"{name}_out")(added)


def preact_block_with_bn_after_the_last_convolution(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name, bn_last=True)])


def preact_block_whose_projection_reads_x(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name, projection_reads_x=True)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name)])


def preact_block_without_preactivation(x, filters, stride=1, conv_shortcut=False, name="block"):
    shortcut = v2_shortcut(x, x, filters, stride, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(x, filters, stride, name)])


def preact_block_without_subsampled_shortcut(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, 1, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name)])


def preact_block_with_same_padding(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name, same_padding=True)])


def preact_block_with_biases_before_bn(x, filters, stride=1, conv_shortcut=False, name="block"):
    preact = preactivate(x, name)
    shortcut = v2_shortcut(x, preact, filters, stride, conv_shortcut, name)
    return layers.Add(name=f"{name}_out")([shortcut, preact_branch(preact, filters, stride, name, biases=True)])
