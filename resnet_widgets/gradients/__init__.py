"""Plain vs residual networks: gradient norms layer by layer, and the degradation experiment.

    from resnet_widgets.gradients import NetworkSettings, compare, gradient_norms, track, GradientExplorer
    result = compare(NetworkSettings(depth=56, batch_norm=True))  # the paper's CIFAR nets; one norm per conv
    compare(NetworkSettings(depth=50, network="one_conv"))  # the simpler one-conv stack
    compare(20)                                           # shorthand for compare(NetworkSettings(depth=20))
    track(NetworkSettings(depth=20), steps=10)            # the same, along a short training run
    result.spreads                                        # largest/smallest norm of each profile
    result.plot()                                         # static matplotlib figure
    gradient_norms(ResNet50(weights=None), x, y)          # one value per residual block
    GradientExplorer()                                    # the widget (ipywidgets + plotly)
    degradation_experiment()                              # after He et al. 2015, Fig. 1 and 6

The seven knobs of a plain/residual pair (depth, width, batch_norm, init, activation, seed, network) travel
together as one NetworkSettings, checked when it is made; compare, track, matched_pair and build_network take it.

Only resnet_widgets.gradient_dispatch (shared with `inside` and `training`) knows about TensorFlow or JAX;
everything here runs on keras.ops.
"""

from .batches import synthetic_batch
from .compare import Comparison, compare
from .debounce import Debouncer
from .degradation import CONFIGS as DEGRADATION_CONFIGS
from .degradation import degradation_experiment
from .degradation_result import Degradation
from .networks import build_network, clear_bank_cache, matched_block, matched_pair, measured_convs, reseed
from .norms import GradientNorms, first_last_ratio, gradient_norms, spread
from .options import ACTIVATIONS, INITS, NETWORKS
from .settings import NetworkSettings, cifar_depths
from .plotting import plot_gradient_norms, plot_tracking
from .track import Tracking, track

__all__ = [
    "ACTIVATIONS",
    "DEGRADATION_CONFIGS",
    "INITS",
    "NETWORKS",
    "Comparison",
    "Debouncer",
    "Degradation",
    "GradientExplorer",
    "GradientNorms",
    "NetworkSettings",
    "Tracking",
    "build_network",
    "cifar_depths",
    "clear_bank_cache",
    "compare",
    "degradation_experiment",
    "first_last_ratio",
    "gradient_norms",
    "matched_block",
    "matched_pair",
    "measured_convs",
    "plot_gradient_norms",
    "plot_tracking",
    "reseed",
    "spread",
    "synthetic_batch",
    "track",
]


def __getattr__(name):
    # The widget pulls in ipywidgets and plotly; load them only when it is asked for.
    if name == "GradientExplorer":
        from .explorer import GradientExplorer

        return GradientExplorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
