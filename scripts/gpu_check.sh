#!/usr/bin/env bash
# GPU check: the test suite on the torch and JAX backends on a CUDA GPU, then
# the layer benchmark. Skips cleanly (exit 0) when no CUDA GPU is present.
#
#   scripts/gpu_check.sh prepare   # here, with network: wheels into .whl/
#   scripts/gpu_check.sh [OUTDIR]  # on the GPU machine (no network needed)
#
# GPU_BACKENDS (default "torch jax") picks the backends; GPU_BENCH=0 skips the
# benchmark.
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

OUT=${1:-gpu_check_out}
mkdir -p "$OUT"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check: no CUDA GPU found (nvidia-smi failed); skipping the GPU check."
  exit 0
fi
nvidia-smi -L | tee "$OUT/device.txt"

$PY -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/keras_reg_site \
  "$WHEELS"/*.whl || { echo "gpu_check: could not install the wheels in $WHEELS"; exit 1; }
export PYTHONPATH=/tmp/keras_reg_site
export XLA_PYTHON_CLIENT_PREALLOCATE=false
# JAX multiplies float32 matrices in TF32 on GPUs by default (~1e-3 relative);
# the suite checks exact identities (an orthonormal kernel has penalty 0,
# SGD+L2 == SGDW to 1e-6), so it runs at full float32 matmul precision.
export JAX_DEFAULT_MATMUL_PRECISION=highest
KERAS_BACKEND=jax $PY - <<'PYEOF' | tee -a "$OUT/device.txt"
import jax, keras, numpy, torch
print(f"torch {torch.__version__} cuda={torch.cuda.is_available()} | jax {jax.__version__} "
      f"{jax.devices()} | keras {keras.__version__} | numpy {numpy.__version__}")
PYEOF

status=0
for b in ${GPU_BACKENDS:-torch jax}; do
  echo "== pytest on the GPU, KERAS_BACKEND=$b"
  # Run from a copy of tests/ so the installed wheel, not the checkout, is imported.
  rm -rf /tmp/keras_reg_run && mkdir -p /tmp/keras_reg_run && cp -r tests examples /tmp/keras_reg_run/
  (cd /tmp/keras_reg_run && KERAS_BACKEND=$b $PY -m pytest -q -p no:cacheprovider tests 2>&1) \
    | tee "$OUT/pytest_$b.txt" | tail -n 15
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
[ "${GPU_BENCH:-1}" = 0 ] && exit $status
for b in ${GPU_BACKENDS:-torch jax}; do
  echo "== benchmark, KERAS_BACKEND=$b"
  KERAS_BACKEND=$b $PY benchmarks/bench_layers.py --shape 64 56 56 256 --repeats 10 2>&1 \
    | grep -v Warning | tee "$OUT/bench_$b.md"
done
exit $status
