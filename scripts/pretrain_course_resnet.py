"""Make the course ResNet's committed weights and their record.

    .venv/bin/python scripts/pretrain_course_resnet.py            # the full recipe, then the shortened run
    .venv/bin/python scripts/pretrain_course_resnet.py --check    # only the shortened run, compared with the record

Writes resnet_widgets/training/pretrained/course_resnet_fashion5.weights.h5 and .json (sha256, recipe, data,
the accuracy reached, and the figures of the shortened run that tests/training/test_course_resnet.py repeats).
Both files are written to a temporary name and then renamed, so a killed run leaves the old pair intact.
Runs on the TensorFlow backend (the recorded figures are TensorFlow's); the full recipe took 315 s of training on
two shared CPU cores (the record keeps the figure), the shortened run about 40 s.
"""

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from resnet_widgets.io import file_digest, write_atomically  # noqa: E402
from resnet_widgets.training.course_resnet import (  # noqa: E402
    COURSE_RESNET_CLASSES,
    RECORD_FILE,
    WEIGHTS_FILE,
    pretrained_record,
)
from resnet_lab.pretraining import RECIPE, SHORT_RUN, pretrain_course_resnet  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="run the shortened recipe and compare with the record")
    parser.add_argument("--first-steps-only", action="store_true",
                        help="re-record only the short run's first steps (what the reproduction test compares)")
    args = parser.parse_args(argv)
    print(f"keras {keras.__version__} on {keras.backend.backend()}, python {platform.python_version()}", flush=True)

    _, first = pretrain_course_resnet(epochs=SHORT_RUN["epochs"], steps=SHORT_RUN["first_steps"])
    print("first steps:", json.dumps(first), flush=True)
    if args.first_steps_only:
        record = pretrained_record()
        record["short_run"]["first_losses"] = first["first_losses"]
        record["short_run"]["first_losses_made_with"] = {"keras": keras.__version__, "backend": keras.backend.backend(),
                                                         "machine": platform.processor() or platform.machine()}
        write_atomically(RECORD_FILE, json.dumps(record, indent=2) + "\n")
        print(f"wrote the first steps into {RECORD_FILE}")
        return 0
    _, short = pretrain_course_resnet(epochs=SHORT_RUN["epochs"])
    short["first_losses"] = first["first_losses"]
    print("shortened run:", json.dumps(short), flush=True)
    if args.check:
        recorded = pretrained_record()["short_run"]
        print("recorded:     ", json.dumps(recorded))
        return 0

    network, full = pretrain_course_resnet(verbose=2)
    print("full run:", json.dumps(full), flush=True)
    temporary_weights = WEIGHTS_FILE.with_name(f".{WEIGHTS_FILE.name}.{os.getpid()}.tmp.weights.h5")
    network.save_weights(temporary_weights)
    record = {
        "file": WEIGHTS_FILE.name,
        "sha256": file_digest(temporary_weights, "sha256"),
        "classes": list(COURSE_RESNET_CLASSES),
        "image_size": RECIPE["image_size"],
        "preprocessing": "caffe (resnet_widgets.models.resnet.preprocess_input)",
        "recipe": RECIPE,
        "made_by": "scripts/pretrain_course_resnet.py",
        "made_with": {"keras": keras.__version__, "backend": keras.backend.backend(),
                      "python": platform.python_version()},
        **{key: full[key] for key in ("validation_accuracy", "validation_loss", "final_loss", "kernel_norm")},
        "data": full["data"],
        "training_seconds": full["seconds"],
        "short_run": {key: value for key, value in short.items() if key != "seconds"},
    }
    temporary_record = RECORD_FILE.with_name(f".{RECORD_FILE.name}.{os.getpid()}.tmp")
    temporary_record.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(temporary_weights, WEIGHTS_FILE)
    os.replace(temporary_record, RECORD_FILE)
    print(f"wrote {WEIGHTS_FILE} ({WEIGHTS_FILE.stat().st_size:,} bytes, sha256 {record['sha256']}) and {RECORD_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
