"""The values the knobs of the gradient experiments may take, and how the widget names them.

The checks themselves live in resnet_widgets.arguments (one module of checks for the whole package);
settings.py applies them to a network's knobs.
"""

# Which matched plain/residual pair to build. "cifar" is what He et al. 2015 trained on CIFAR-10 (section 4.2):
# a 3x3 stem, three stages of n basic blocks (16, 32, 64 filters, downsampling between stages), 6n + 2 weighted
# layers, option A shortcuts. "one_conv" is a simpler stack with one convolution per residual branch and no
# downsampling, which section 3.1 says shows no advantage over a plain net; it stays as a second choice.
NETWORKS = ("cifar", "one_conv")
NETWORK_LABELS = {
    "cifar": "He et al.'s CIFAR-10 nets (basic blocks)",
    "one_conv": "one-conv stack (simplified, not the paper's)",
}

# Initialisation schemes. The first four are Keras' variance-scaling schemes; the last is He normal
# plus a zero-initialised BN scale (gamma) at the end of every residual branch (Goyal et al. 2017).
INITS = ("he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "he_normal_zero_gamma")
INIT_LABELS = {
    "he_normal": "He normal",
    "he_uniform": "He uniform",
    "glorot_normal": "Glorot normal",
    "glorot_uniform": "Glorot uniform",
    "he_normal_zero_gamma": "He normal + zero γ",
}
ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid")
KINDS = ("plain", "residual")
