#!/usr/bin/env bash
# Every GPU check in one call, for the lent device machine (JAX + GPU, no TensorFlow, no network).
#
# Here, once:   ../shared/gpu/fetch-wheels.sh pytest-socket pytest-xdist     (prepares .whl/, ~30 MB)
# On the device (device tool, carry [".whl"]):   bash benchmarks/gpu_check.sh
#
# It runs the backend-neutral test suite on the GPU, then the benchmarks; every figure lands in $OUT
# (or /tmp/gpu-check) and belongs in docs/BENCHMARKS.md with the device and the date.
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1 RESNET_COURSE_MODE=full
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
status=0
python3 -c "import keras, jax; print('keras', keras.__version__, 'jax', jax.__version__, jax.devices())" | tee "$out/devices.txt" || exit 1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee -a "$out/devices.txt"
python3 -m pytest -q -m "backend_neutral and not ui" -p no:cacheprovider tests 2>&1 | tail -40 | tee "$out/tests.txt"
status=$((status | ${PIPESTATUS[0]}))
python3 benchmarks/bench_models.py --rounds 20 --batch 32 2>&1 | tee "$out/bench_models.txt"
status=$((status | ${PIPESTATUS[0]}))
[ -f benchmarks/bench_gradients.py ] && { python3 benchmarks/bench_gradients.py 2>&1 | tee "$out/bench_gradients.txt"; }
exit $status
