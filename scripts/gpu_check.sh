#!/usr/bin/env bash
# GPU check: the test suite without the `slow` tests on the torch and JAX
# backends on a CUDA GPU, then the dropout and augmentation benchmarks against
# Keras's own layers. Every step runs under its own time cap; results, with
# versions, go to OUTDIR (summary.md lists each step's outcome and seconds).
# Skips cleanly (exit 0) when no CUDA GPU is present, unless --cpu is given.
#
#   scripts/gpu_check.sh prepare          # here, with network: wheels into .whl/
#   scripts/gpu_check.sh [--cpu] [OUTDIR] # on the GPU machine (no network needed)
#
# --cpu runs every step on the CPU (no GPU needed): the end-to-end check of
# this script itself. Without wheels in .whl/ the checkout is imported.
#
# Environment: GPU_BACKENDS (default "torch jax"); GPU_STEPS (default
# "tests bench"; at the default caps the two halves take up to 6 minutes
# each, so run them as two commands where one may last 10 minutes); caps in seconds GPU_CAP_TESTS (per backend, default 180),
# GPU_CAP_BENCH (per benchmark and backend, default 90); GPU_PYTEST_ARGS
# (default "-n 12 --timeout 120 tests": pytest-xdist and pytest-timeout are
# on that machine; set "tests" where they are not); GPU_BENCH_SHAPE (default "64 56 56 256").
# The GPU machine is expected to have python3 with torch, jax (CUDA builds),
# numpy, h5py, ml-dtypes, absl-py, rich, pytest and matplotlib; keras_reg,
# keras and keras's remaining pure-Python/binary dependencies come as wheels.
set -u
cd "$(dirname "$0")/.."
WHEELS=.whl
PY=${PYTHON:-python3}

if [ "${1:-}" = "prepare" ]; then
  mkdir -p "$WHEELS"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d "$WHEELS" \
    keras==3.15.1 namex optree
  python3 -m pip wheel -q --no-deps -w "$WHEELS" .
  ls "$WHEELS"
  exit 0
fi

CPU=0
if [ "${1:-}" = "--cpu" ]; then CPU=1; shift; fi
OUT=$(mkdir -p "${1:-gpu_check_out}" && cd "${1:-gpu_check_out}" && pwd)
BACKENDS=${GPU_BACKENDS:-torch jax}
STEPS=${GPU_STEPS:-tests bench}
CAP_TESTS=${GPU_CAP_TESTS:-180}
CAP_BENCH=${GPU_CAP_BENCH:-90}
SUMMARY="$OUT/summary.md"

if [ "$CPU" = 1 ]; then
  echo "gpu_check: --cpu, every step on the CPU" | tee "$OUT/device.txt"
  export JAX_PLATFORMS=cpu CUDA_VISIBLE_DEVICES=""
elif ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check: no CUDA GPU found (nvidia-smi failed); skipping the GPU check."
  exit 0
else
  nvidia-smi -L | tee "$OUT/device.txt"
fi

if ls "$WHEELS"/*.whl >/dev/null 2>&1; then
  $PY -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/keras_reg_site \
    "$WHEELS"/*.whl || { echo "gpu_check: could not install the wheels in $WHEELS"; exit 1; }
  export PYTHONPATH=/tmp/keras_reg_site
  TESTS_FROM=/tmp/keras_reg_run  # a copy of tests/, so the wheel is what is imported
elif [ "$CPU" = 1 ]; then
  export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
  TESTS_FROM=$PWD
else
  echo "gpu_check: no wheels in $WHEELS (run 'scripts/gpu_check.sh prepare' first)"; exit 1
fi
export XLA_PYTHON_CLIENT_PREALLOCATE=false
# JAX multiplies float32 matrices in TF32 on GPUs by default (~1e-3 relative);
# the suite checks exact identities (an orthonormal kernel has penalty 0,
# SGD+L2 == SGDW to 1e-6), so it runs at full float32 matmul precision.
export JAX_DEFAULT_MATMUL_PRECISION=highest
# Likewise cuDNN's convolutions (torch allows TF32 there by default).
export NVIDIA_TF32_OVERRIDE=0
# That machine has no TensorFlow (its wheel is too large to carry): the tests
# that need it (the tf.data cases) skip with that reason, the rest run.
export KERAS_REG_TESTS_WITHOUT_TENSORFLOW=1
KERAS_BACKEND=jax timeout 120 $PY - <<'PYEOF' 2>/dev/null | tee -a "$OUT/device.txt"
import platform
import jax, keras, numpy, torch
import keras_reg
print(f"torch {torch.__version__} cuda={torch.cuda.is_available()} | jax {jax.__version__} "
      f"{jax.devices()} | keras {keras.__version__} | keras_reg {keras_reg.__version__} | "
      f"numpy {numpy.__version__} | python {platform.python_version()}")
PYEOF

printf '| step | outcome | seconds |\n|---|---|---|\n' > "$SUMMARY"
status=0

# step NAME CAP OUTFILE COMMAND...: run COMMAND under `timeout CAP`, output to
# OUTFILE (and its tail to the console), outcome and time to the summary.
step() {
  local name=$1 cap=$2 file=$3; shift 3
  echo "== $name (cap ${cap} s)"
  local start=$SECONDS
  timeout --kill-after=10 "$cap" "$@" > "$OUT/$file" 2>&1
  local rc=$?
  local outcome=ok
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then outcome="timed out"; status=1
  elif [ $rc -ne 0 ]; then outcome="failed (exit $rc)"; status=1; fi
  grep -v -i -e warn -e '^I0000' -e '^W0000' -e '^ ' -e '^$' "$OUT/$file" | tail -n 8
  echo "| $name | $outcome | $((SECONDS - start)) |" >> "$SUMMARY"
}

if [[ " $STEPS " == *" tests "* ]]; then
  if [ "$TESTS_FROM" != "$PWD" ]; then
    rm -rf "$TESTS_FROM" && mkdir -p "$TESTS_FROM" && cp -r tests examples docs "$TESTS_FROM"/  # docs: test_public_api reads docs/api
  fi
  for b in $BACKENDS; do
    # shellcheck disable=SC2086
    step "pytest -m 'not slow', $b" "$CAP_TESTS" "pytest_$b.txt" \
      env -C "$TESTS_FROM" KERAS_BACKEND=$b $PY -m pytest -q -p no:cacheprovider -m "not slow" \
      -rfEs --durations=15 --junitxml="$OUT/pytest_$b.xml" \
      ${GPU_PYTEST_ARGS:--n 12 --timeout 120 tests}
  done
fi
if [[ " $STEPS " == *" bench "* ]]; then
  for b in $BACKENDS; do
    # shellcheck disable=SC2086
    step "dropout layers vs Keras, $b" "$CAP_BENCH" "bench_dropout_$b.md" \
      env KERAS_BACKEND=$b $PY benchmarks/bench_layers.py \
      --shape ${GPU_BENCH_SHAPE:-64 56 56 256} --repeats 10
    step "augmentation in the model vs Keras, $b" "$CAP_BENCH" "bench_augment_$b.md" \
      env KERAS_BACKEND=$b $PY benchmarks/bench_augment.py --in-model
  done
fi
cat "$SUMMARY"
exit $status
