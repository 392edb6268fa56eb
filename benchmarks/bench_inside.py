"""Lab 09's figures, outside the notebook: segmentation IoU against the baseline, overfitting, backbone cost.

    .venv/bin/python benchmarks/bench_inside.py [--mode fast|full]

The same package calls and settings as course/09_inside_resnet.ipynb (fast: its CI settings), printed as
the rows recorded in docs/BENCHMARKS.md. The machine's load is printed with them: the cost figures are
wall-clock, the IoU and accuracies are not.
"""

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as the notebooks run

SETTINGS = {
    "fast": dict(mosaics=(300, 100), seg_epochs=6, small=(200, 300), small_epochs=12, sizes=(112, 224), batch=1, repeats=3),
    "full": dict(mosaics=(3000, 500), seg_epochs=20, small=(500, 2000), small_epochs=60, sizes=(224, 448), batch=8, repeats=10),
}


def segmentation(settings):
    import keras

    from resnet_widgets.data import load_dataset
    from resnet_widgets.inside import backbone
    from resnet_widgets.inside.segmentation import mean_iou, mosaics, segmentation_head, silhouette_baseline
    from resnet_widgets.models.resnet import preprocess_input
    from resnet_widgets.training import course_resnet

    fashion = load_dataset("fashion_mnist", image_size=32, classes=range(5), limit=2000)
    train_count, test_count = settings["mosaics"]
    x, masks = mosaics(fashion.x_train, fashion.y_train, train_count, seed=0)
    x_test, masks_test = mosaics(fashion.x_val, fashion.y_val, test_count, seed=1)
    features = backbone(course_resnet(), levels=("C3", "C4", "C5"), input_shape=(64, 64, 3))
    train_features = features.predict(preprocess_input(x.astype("float32")), batch_size=100, verbose=0)
    keras.utils.set_random_seed(0)
    head = segmentation_head({k: v.shape[1:] for k, v in train_features.items()}, classes=6, input_size=64)
    head.compile(keras.optimizers.Adam(3e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    head.fit(train_features, masks, epochs=settings["seg_epochs"], batch_size=20, verbose=0)
    test_features = features.predict(preprocess_input(x_test.astype("float32")), batch_size=100, verbose=0)
    predicted = head.predict(test_features, verbose=0).argmax(axis=-1)
    return mean_iou(masks_test, predicted, 6), mean_iou(masks_test, silhouette_baseline(x_test, masks), 6)


def overfitting(settings):
    from resnet_widgets.data import load_dataset
    from resnet_widgets.inside.overfitting import train_regimes

    train, held = settings["small"]
    small = load_dataset("fashion_mnist", limit=max(train, held), seed=0)
    curves = train_regimes(small.x_train[:train], small.y_train[:train], small.x_val[:held], small.y_val[:held],
                           epochs=settings["small_epochs"])
    return {name: curve.final() for name, curve in curves.items()}


def cost(settings):
    from resnet_widgets.inside.measured_cost import backbone_cost

    return backbone_cost("ResNet50", sizes=settings["sizes"], batch_size=settings["batch"], repeats=settings["repeats"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=tuple(SETTINGS), default="fast")
    settings = SETTINGS[parser.parse_args().mode]
    import keras

    print(f"{platform.node()}: {os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}; Keras "
          f"{keras.__version__} on {keras.backend.backend()}; {time.strftime('%Y-%m-%d')}")
    start = time.perf_counter()
    ours, baseline = segmentation(settings)
    print(f"segmentation, {settings['mosaics'][1]} held-out mosaics: mean IoU {ours:.3f} (head on frozen course_resnet) "
          f"vs {baseline:.3f} (silhouette + majority class)  [{time.perf_counter() - start:.0f} s]")
    start = time.perf_counter()
    for name, (train, held, gap) in overfitting(settings).items():
        print(f"overfitting, {settings['small'][0]} images: {name:<24} training {train:.1%}  held-out {held:.1%}  gap {gap:.1%}")
    print(f"  [{time.perf_counter() - start:.0f} s]")
    for row in cost(settings):
        peak = "n/a" if row.measured.peak_bytes is None else f"{row.measured.peak_bytes / 1e6:.0f} MB"
        print(f"cost, ResNet50 backbone at {row.input_size} px, batch {settings['batch']}: {row.parameters:,} parameters, "
              f"{row.macs / 1e9:.2f} G multiply-adds, {row.activation_bytes / 1e6:.0f} MB activations, "
              f"{row.measured.seconds * 1e3:.0f} ms, peak {peak}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
