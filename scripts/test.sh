#!/usr/bin/env bash
# scripts/test.sh - the project's test command (README, `make test`, .ci/run).
#
# Installs what is missing (scripts/deps.sh), builds, then runs:
#   1. unit tests (no root): frame pool, ring stress, rule and argument parsing,
#      the sink's frame parser, sequence tracker and latency histogram
#   2. the same unit tests under ThreadSanitizer (the two-thread ring stress)
#   3. integration tests (root): the real classifier and AF_XDP sockets on
#      veth pairs in network namespaces the tests create and remove, and the
#      classifier under BPF_PROG_TEST_RUN
#   4. with CI=true only: each libFuzzer target for FUZZ_SECONDS (default 20)
#      seconds (`make fuzz` runs them for 60 s each at any time)
# and ends with one line: "total: N passed, N failed, N skipped".
# Usage: bash scripts/test.sh [--no-tsan] [integration FILTER...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tsan=1
if [ "${1:-}" = "--no-tsan" ]; then
	tsan=0
	shift
fi
logdir=build/test-logs
bash scripts/deps.sh || exit 1
make -j"$(nproc)" all || exit 1
mkdir -p "$logdir"

passed=0 failed=0 skipped=0 status=0
# count LOG: add the "N passed, N failed[, N skipped]" closing line of LOG.
count() {
	local line p f s
	line=$(grep -E '^([a-z]+: )?[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "test.sh: $1 has no result line" >&2
		failed=$((failed + 1))
		return
	fi
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)
	s=$(grep -oE '[0-9]+ skipped' <<<"$line" | cut -d' ' -f1)
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
}

echo "== unit tests"
make --no-print-directory unit 2>&1 | tee "$logdir/unit.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count "$logdir/unit.log"

if [ "$tsan" = 1 ]; then
	echo "== unit tests under ThreadSanitizer"
	make --no-print-directory SAN=thread unit 2>&1 | tee "$logdir/unit-tsan.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	count "$logdir/unit-tsan.log"
fi

echo "== integration tests"
bash tests/integration/run.sh "$@" 2>&1 | tee "$logdir/integration.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count "$logdir/integration.log"

if [ "${CI:-}" = true ]; then
	echo "== fuzzing, ${FUZZ_SECONDS:-20} s per target"
	make --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" 2>&1 | tee "$logdir/fuzz.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	count "$logdir/fuzz.log"
else
	echo "== fuzzing: not run (only with CI=true; or: make fuzz)"
fi

[ "$failed" -eq 0 ] || status=1
echo "total: $passed passed, $failed failed, $skipped skipped"
exit "$status"
