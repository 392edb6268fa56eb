#!/usr/bin/env bash
# Every GPU check in one call, for the lent device machine (JAX + GPU, no TensorFlow, no network).
#
# Here, once:   ../shared/gpu/fetch-wheels.sh pytest-socket pytest-xdist hatchling   (prepares .whl/, about 31 MB)
#               cp -r /usr/share/datasets/fashion-mnist .fashion-mnist   (30 MB: the full set for degradation_full;
#               without it the device has only the committed subset, and the log says so)
# On the device (device tool, carry [".whl", ".fashion-mnist"], timeout_s 600):   bash benchmarks/gpu_check.sh
#
# Stages, each in its own log under $OUT (or /tmp/gpu-check), whose figures belong in docs/BENCHMARKS.md
# with the device and the date:
#   devices.txt                    Keras, JAX and the GPU it sees (no GPU: stop, the CPU would outrun the call)
#   bench_training_throughput.txt  ResNet50 training images/s, 224 px, batch 256, mixed_bfloat16 (target 3,000,
#                                  goal 4,000), model FLOP utilisation, and the same model on real data through
#                                  the labs' input path (decoded cache + ImageBatches): real / synthetic (target 0.8)
#   labs.txt                       labs 07 and 08 in full mode under nbval (JAX, offline: Part B says what it skips)
#   tests.txt                      the backend-neutral, non-UI tests on the GPU
#   bench_models.txt               forward time of the six variants against keras.applications
#   bench_gradients.txt            the gradient explorer's figures
#   degradation_full.txt           the degradation experiment in full mode: He et al.'s CIFAR nets, 20 vs 56 layers,
#                                  all 60,000 Fashion-MNIST images (the committed subset offline: see the log),
#                                  DEGRADATION_ARGS epochs; its summary says whether Fig. 6's effect shows
#   tests_rerun.txt                only after failures: the failed tests again with float32 matmuls (no TF32)
#                                  and deterministic GPU ops, to tell GPU numerics from real bugs
#   summary.txt                    each stage's exit status and seconds
# Each stage runs under its own time limit, and all of them under GPU_CHECK_BUDGET_S (default 540 s), so a
# stage that hangs costs only its slot and the script ends inside the device's 600 s. The stages run in the
# order of their value, so a short budget cuts the model and gradient figures first. Estimated on one H200
# (from CPU dry runs; no GPU run yet): throughput 2 minutes, labs 3 to 4, tests the rest. The exit status is 0
# only when every stage passed.
#
# Dry run on a CPU (an imitation of the device's Python, see the README of the device tool), with smaller
# settings: GPU_CHECK_ALLOW_CPU=1 RESNET_COURSE_MODE=fast TESTS_ARGS="-n 2 --dist loadfile" MODELS_ARGS="--rounds 1
# --batch 1 --variants ResNet50" GRADIENTS_ARGS="--repeats 3 --skip-degradation" bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1 RESNET_COURSE_MODE=${RESNET_COURSE_MODE:-full}
[ -d .fashion-mnist ] && export RESNET_LAB_FASHION_MNIST_DIR=$PWD/.fashion-mnist
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
budget=${GPU_CHECK_BUDGET_S:-540}
# The real settings; the variables are for dry runs on a CPU (or another precision: TRAINING_ARGS).
TESTS_ARGS=${TESTS_ARGS:--n 4 --dist loadfile}
MODELS_ARGS=${MODELS_ARGS:---rounds 20 --batch 32}
TRAINING_ARGS=${TRAINING_ARGS:-}
GRADIENTS_ARGS=${GRADIENTS_ARGS:---degradation none}
# 20 epochs (the learning rate / 10 after 10 and 15): estimated 2 to 3 minutes on one H100-class GPU, 4 runs.
DEGRADATION_ARGS=${DEGRADATION_ARGS:---skip-explorer --degradation full --epochs 20}
LABS=(course/07_lab_feature_extraction.ipynb course/08_lab_fine_tuning.ipynb)
PYTEST_FILTER=(-m "backend_neutral and not ui" -o cache_dir=/tmp/gpu-check-pytest-cache)
rm -rf /tmp/gpu-check-pytest-cache  # --last-failed below must see this run's failures only
status=0
summary=()

# stage NAME LIMIT_S SHOWN_LINES COMMAND...: runs COMMAND under min(LIMIT_S, what is left of the budget), its whole
# output in $out/NAME.txt and its last SHOWN_LINES lines on stdout; records the exit status (124: out of time).
stage() {
  local name=$1 limit=$2 shown=$3 left=$((budget - SECONDS)) start=$SECONDS rc
  shift 3
  ((limit > left)) && limit=$left
  if ((limit < 30)); then
    summary+=("$(printf '%-26s skipped: %ss of the %ss budget left' "$name" "$left" "$budget")")
    status=1
    return 125
  fi
  echo "=== $name (limit ${limit}s): $*"
  timeout -k 10 "$limit" "$@" >"$out/$name.txt" 2>&1
  rc=$?
  tail -n "$shown" "$out/$name.txt"
  ((rc == 124 || rc == 137)) && echo "=== $name: stopped at its ${limit}s limit" | tee -a "$out/$name.txt"
  summary+=("$(printf '%-26s rc %-3s %4ss' "$name" "$rc" "$((SECONDS - start))")")
  ((rc == 0)) || status=1
  return "$rc"
}

python3 - <<'EOF' 2>&1 | tee "$out/devices.txt"
import sys, keras, jax
print("keras", keras.__version__, "jax", jax.__version__, "python", sys.version.split()[0], jax.devices())
sys.exit(0 if any(d.platform == "gpu" for d in jax.devices()) else 3)
EOF
gpu_rc=${PIPESTATUS[0]}
if command -v nvidia-smi >/dev/null; then  # a second opinion only: JAX's device list above is what counts
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee -a "$out/devices.txt" \
    || echo "nvidia-smi failed" | tee -a "$out/devices.txt"
else
  echo "nvidia-smi: not on PATH" | tee -a "$out/devices.txt"
fi
python3 -m pip list 2>/dev/null | grep -iE '^(keras|jax|jaxlib|jax-cuda[0-9]*-(plugin|pjrt)|numpy|ml.dtypes|nvidia-cudnn[a-z0-9-]*|pytest|pytest-xdist) ' \
  | tee -a "$out/devices.txt"
if ((gpu_rc == 3)) && [ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 ]; then
  echo "JAX sees no GPU: stopping here, the real settings would outrun the call on a CPU (GPU_CHECK_ALLOW_CPU=1 to go on)"
  exit 2
elif ((gpu_rc != 0 && gpu_rc != 3)); then
  echo "Keras or JAX failed to start (exit status $gpu_rc): see devices.txt"
  exit 1
fi

# shellcheck disable=SC2086  # the *_ARGS are word lists on purpose
{
  stage bench_training_throughput 180 14 env RESNET_LAB_OFFLINE=1 \
    python3 benchmarks/bench_training_throughput.py --data both $TRAINING_ARGS
  # The labs as learners run them in full mode, under nbval; offline, Part B says what it skipped and why.
  stage labs 270 25 env RESNET_LAB_OFFLINE=1 XLA_PYTHON_CLIENT_PREALLOCATE=false \
    python3 -m pytest -q -o cache_dir=/tmp/gpu-check-labs-cache --nbval-lax --nbval-cell-timeout=240 "${LABS[@]}"
  # Several workers share the one GPU: each takes memory as it needs it instead of 75% of it up front.
  stage tests 240 30 env XLA_PYTHON_CLIENT_PREALLOCATE=false \
    python3 -m pytest -q "${PYTEST_FILTER[@]}" $TESTS_ARGS tests
  tests_rc=$?
  stage bench_models 150 12 python3 benchmarks/bench_models.py $MODELS_ARGS
  # Offline by design: Fashion-MNIST comes from the committed subset, with no download attempt to wait for.
  stage bench_gradients 120 20 env RESNET_LAB_OFFLINE=1 python3 benchmarks/bench_gradients.py $GRADIENTS_ARGS
  stage degradation_full 200 16 env RESNET_LAB_OFFLINE=1 python3 benchmarks/bench_gradients.py $DEGRADATION_ARGS
  if ((tests_rc == 1)); then  # failures (not a crash or the time limit): which of them are GPU numerics?
    stage tests_rerun 90 30 env XLA_PYTHON_CLIENT_PREALLOCATE=false JAX_DEFAULT_MATMUL_PRECISION=highest \
      XLA_FLAGS="${XLA_FLAGS:+$XLA_FLAGS }--xla_gpu_deterministic_ops=true" \
      python3 -m pytest -q "${PYTEST_FILTER[@]}" --last-failed --last-failed-no-failures none tests
    [ -f "$out/tests_rerun.txt" ] && echo "(a test that passes in this rerun failed only through TF32 matmuls or" \
      "nondeterministic GPU ops)" >>"$out/tests_rerun.txt"
  fi
}

printf '%s\n' "${summary[@]}" "total ${SECONDS}s, exit status $status" | tee "$out/summary.txt"
exit $status
