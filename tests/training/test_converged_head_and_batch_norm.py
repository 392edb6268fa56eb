"""The labs' helpers: a feature-extraction head trained to convergence, BN statistics recomputed after a short run
from scratch, and a compiled model started over from a snapshot."""

import keras
import numpy as np
import pytest

from resnet_widgets.optimizer_state import reset_optimizer, start_over
from resnet_widgets.training.batch_norm import batch_norm_layers, recalibrate_batch_norm
from resnet_widgets.training.converged_head import converged_head

pytestmark = pytest.mark.backend_neutral


def blobs(n_per_class=40, classes=3, d=8, seed=0, spread=0.5):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, (classes, d))
    x = np.concatenate([centres[c] + rng.normal(0, spread, (n_per_class, d)) for c in range(classes)])
    return x.astype("float32"), np.repeat(np.arange(classes), n_per_class)


def test_the_head_trains_until_its_gradient_vanishes():
    x, y = blobs(spread=2.0)
    head = converged_head(x, y, 3)
    assert head.converged and head.steps < 50
    assert all(later <= earlier + 1e-12 for earlier, later in zip(head.losses, head.losses[1:]))
    assert head.accuracy(x, y) > 0.9


def test_the_head_is_the_optimum_more_steps_of_gradient_descent_do_not_improve_it():
    x, y = blobs(spread=2.0)
    head = converged_head(x, y, 3, l2=1e-2)
    from resnet_widgets.training.converged_head import _loss_gradient_hessian

    scale = x.std(axis=0) + 1e-8
    theta = np.vstack([head.weights[0] * scale[:, None], head.weights[1]]).astype(np.float64)
    xs = np.hstack([x / scale, np.ones((len(x), 1))])
    penalised = np.ones_like(theta)
    penalised[-1] = 0
    loss, gradient, _ = _loss_gradient_hessian(theta, xs, np.eye(3)[y], 1e-2, penalised)
    assert np.max(np.abs(gradient)) < 1e-6
    for _ in range(100):  # small steps downhill from the optimum find nothing lower
        theta_try = theta - 0.01 * gradient
        assert _loss_gradient_hessian(theta_try, xs, np.eye(3)[y], 1e-2, penalised)[0] >= loss - 1e-9


def test_a_head_stopped_early_says_it_did_not_converge():
    x, y = blobs(spread=2.0)
    early = converged_head(x, y, 3, max_steps=1)
    assert not early.converged and early.steps == 1


def test_bad_features_and_labels_are_refused_by_name():
    x, y = blobs()
    with pytest.raises(ValueError, match="features must have shape"):
        converged_head(x[:, :, None], y, 3)
    with pytest.raises(ValueError, match="labels must have one entry per row"):
        converged_head(x, y[:-1], 3)


def small_net():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(6), keras.layers.BatchNormalization(),
                             keras.layers.Dense(2)])


def test_recalibration_sets_the_moving_statistics_to_the_data_and_leaves_learnt_weights():
    model = small_net()
    x = np.random.default_rng(0).normal(3.0, 2.0, (256, 4)).astype("float32")
    learnt = [np.asarray(w) for w in model.trainable_weights]
    assert recalibrate_batch_norm(model, x) == 1
    bn = batch_norm_layers(model)[0]
    hidden = keras.ops.convert_to_numpy(model.layers[0](x))
    np.testing.assert_allclose(np.asarray(bn.moving_mean), hidden.mean(axis=0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(bn.moving_variance), hidden.var(axis=0), rtol=1e-3, atol=1e-4)
    assert bn.momentum == 0.99  # put back
    for before, after in zip(learnt, model.trainable_weights):
        np.testing.assert_array_equal(before, np.asarray(after))


def test_recalibrating_in_uneven_batches_gives_the_statistics_of_all_the_images():
    # 250 rows in batches of 64 (64, 64, 64, 58): the pooled mean and variance are those of all 250 rows, not
    # the last batch's and not an unweighted average of the four batches' variances.
    x = np.random.default_rng(1).normal(0.0, 1.0, (250, 4)).astype("float32")
    x[:64] += 5.0  # the first batch far from the others: a pooling that drops the means' spread is off by ~5
    model = small_net()
    assert recalibrate_batch_norm(model, x, batch_size=64) == 1
    hidden = keras.ops.convert_to_numpy(model.layers[0](x))
    bn = batch_norm_layers(model)[0]
    np.testing.assert_allclose(np.asarray(bn.moving_mean), hidden.mean(axis=0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(bn.moving_variance), hidden.var(axis=0), rtol=1e-3, atol=1e-4)


def test_recalibration_names_a_bad_batch_size_or_empty_images():
    model = small_net()
    with pytest.raises(ValueError, match="batch_size"):
        recalibrate_batch_norm(model, np.ones((8, 4), "float32"), batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        recalibrate_batch_norm(model, np.ones((8, 4), "float32"), batch_size=2.5)
    with pytest.raises(ValueError, match="images must hold at least one image"):
        recalibrate_batch_norm(model, np.ones((0, 4), "float32"))


def test_a_frozen_bn_layer_is_left_as_it_is():
    model = small_net()
    batch_norm_layers(model)[0].trainable = False
    assert recalibrate_batch_norm(model, np.ones((8, 4), "float32")) == 0
    np.testing.assert_array_equal(np.asarray(batch_norm_layers(model)[0].moving_mean), 0.0)


def test_starting_over_restores_weights_and_zeroes_the_optimizer_but_keeps_its_rate():
    model = small_net()
    model.compile(keras.optimizers.SGD(0.1, momentum=0.9), "mse")
    snapshot = model.get_weights()
    x, y = np.ones((16, 4), "float32"), np.zeros((16, 2), "float32")
    model.fit(x, y, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == 2
    start_over(model, snapshot)
    for before, after in zip(snapshot, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert int(model.optimizer.iterations) == 0
    assert all(not np.any(np.asarray(v)) for v in model.optimizer.variables if "momentum" in v.name)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.1)
    reset_optimizer(keras.optimizers.Adam())  # never built: nothing to reset, and no error
