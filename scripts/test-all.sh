#!/usr/bin/env bash
# make test: the browser layer in one process of its own (its stacks, one Chromium) beside the
# rest of the suite spread over TEST_WORKERS processes (pytest-xdist, shared/testing/parallel.py);
# the faults layer is left to make test-faults. Arguments (paths) narrow both runs. Any failure,
# or no test collected outside the browser layer, fails it.
set -uo pipefail
cd "$(dirname "$0")/.."
python="${PY:-.venv/bin/python}"
workers="${TEST_WORKERS:-3}"
browser_log=$(mktemp)
trap 'rm -f "$browser_log"' EXIT
"$python" -m pytest -q -p no:cacheprovider -m browser "$@" >"$browser_log" 2>&1 &
browser_pid=$!
"$python" -m pytest -q -p no:cacheprovider -m "not browser" -n "$workers" --dist loadgroup \
  --durations=10 "$@"
rest=$?
wait "$browser_pid"
browser=$?
echo "=== the browser layer (one process, run beside the rest) ==="
cat "$browser_log"
status=0
if [ "$rest" -eq 5 ]; then
  echo "no tests were collected: failing" >&2
  status=1
elif [ "$rest" -ne 0 ]; then
  status=$rest
fi
if [ "$browser" -eq 5 ]; then
  echo "no browser tests yet"
elif [ "$browser" -ne 0 ]; then
  status=$browser
fi
exit "$status"
