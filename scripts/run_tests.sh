#!/usr/bin/env bash
# Run `ruff check`, then pytest once per Keras backend (KERAS_BACKEND must be
# set before keras is imported, so each backend gets its own process).
# Prints one summary line per backend; exits non-zero if ruff finds anything,
# or any backend fails or runs zero tests.
# Usage: scripts/run_tests.sh PYTHON [BACKEND ...] [-- PYTEST_ARGS ...]
set -u
py="$1"; shift
backends=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do backends+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#backends[@]} -gt 0 ] || backends=(tensorflow jax torch)

status=0
echo "== ruff check"
"$py" -m ruff check . || { echo "ruff: FAILED"; status=1; }

total_passed=0; total_failed=0; summary=()
for b in "${backends[@]}"; do
  echo "== pytest, KERAS_BACKEND=$b"
  log=$(mktemp)
  # -n 2: pytest-xdist, two worker processes — the tests are mostly
  # single-threaded Python and op dispatch, so this halves the wall time on
  # CI's two cores. --dist loadfile keeps each file in one process, in order,
  # as a plain run would.
  KERAS_BACKEND="$b" "$py" -m pytest -q -n 2 --dist loadfile --durations=8 "$@" 2>&1 \
    | tee "$log"
  rc=${PIPESTATUS[0]}
  # pytest's own final line ("3 passed, 1 skipped in 9.1s"); other output
  # (TensorFlow's "round-off errors" banner from a worker) must not count.
  last=$(grep -E '^[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s|no tests ran' \
    "$log" | tail -n 1)
  count() { grep -oE "[0-9]+ $1" <<<"$last" | grep -oE '^[0-9]+' || echo 0; }
  passed=$(count passed); failed=$(count failed); errors=$(count 'errors?')
  failed=$((failed + errors))
  verdict=ok
  if [ "$rc" -ne 0 ] || [ "$passed" -eq 0 ]; then verdict=FAILED; status=1; fi
  [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1  # zero tests counts as a failure
  total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed))
  summary+=("$b: $verdict ($passed passed, $failed failed, pytest exit $rc)")
  rm -f "$log"
done

echo "== summary"
printf '%s\n' "${summary[@]}"
[ $status -eq 0 ] || echo "FAILED"
echo "$total_passed passed, $total_failed failed"
exit $status
