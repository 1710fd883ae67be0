#!/usr/bin/env bash
# run.sh - run xskfwd's libFuzzer targets for a while each, and sum up.
#
# Usage: tests/fuzz/run.sh SECONDS BINARY...   (make fuzz passes build/fuzz/fuzz_*)
#
# Each target NAME runs for SECONDS (-max_total_time) on a working corpus in
# BUILD/fuzz/corpus/NAME (new inputs land there, never in the repository),
# seeded from tests/fuzz/corpus/NAME, with tests/fuzz/NAME.dict if present.
# An input that runs longer than 10 s counts as a hang. A crash, sanitizer
# report, leak or hang fails the target; libFuzzer saves the input that did
# it in BUILD/fuzz/artifacts/NAME/ and this prints how to run it again. One
# line per target gives its executions, exec/s, corpus size and libFuzzer's
# random seed (-seed=N repeats a run); its full output is in
# BUILD/fuzz/NAME.log. The last line is exactly
#   fuzz: N passed, N failed
# Exit status: 0 if every target ran and none failed, 1 otherwise.
#
# A libFuzzer process is one busy thread: FUZZ_JOBS targets (default: the
# number of CPUs) run at once, each on its own CPU for its SECONDS, so the
# executions per target are those of a run alone; the lines come out in
# the order of the arguments.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
secs=${1:-}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -eq 0 ] || [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS BINARY..." >&2
	exit 1
fi
shift
jobs=${FUZZ_JOBS:-$(nproc)}
if ! [[ "$jobs" =~ ^[0-9]+$ ]] || [ "$jobs" -eq 0 ]; then
	echo "$0: FUZZ_JOBS='$jobs': expected a positive number" >&2
	exit 1
fi

# fuzz_one BINARY: run one target; print its lines; exit 0 if it passed.
fuzz_one() {
	local bin=$1 name dir work art log before rc new seed units summary f args seeds
	name=$(basename "$bin")
	dir=$(dirname "$bin")
	if [ ! -x "$bin" ]; then
		echo "*** $name: not found or not executable"
		return 1
	fi
	work=$dir/corpus/$name
	art=$dir/artifacts/$name
	log=$dir/$name.log
	mkdir -p "$work" "$art"
	args=(-max_total_time="$secs" -timeout=10 -print_final_stats=1 -artifact_prefix="$art/")
	[ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
	seeds=()
	[ -d "$here/corpus/$name" ] && seeds=("$here/corpus/$name")
	before=$(find "$art" -type f | sort)
	"$bin" "${args[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	new=$(comm -13 <(echo "$before") <(find "$art" -type f | sort))

	stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
	seed=$(sed -n 's/^INFO: Seed: \([0-9]*\).*/\1/p' "$log" | head -n 1)
	units=$(find "$work" -type f | wc -l)
	summary="$(stat number_of_executed_units) runs, $(stat average_exec_per_sec) exec/s, corpus $units, seed ${seed:-?}"
	if [ "$rc" -eq 0 ] && [ -z "$new" ]; then
		echo "=== $name: ok ($summary)"
		return 0
	fi
	echo "=== $name: FAILED, exit status $rc ($summary)"
	grep -E '^(==[0-9]+==|SUMMARY|fuzz_|.*runtime error)' "$log" | head -n 20 | sed 's/^/    /'
	while IFS= read -r f; do
		[ -n "$f" ] && echo "    input: $f  (again: $bin $f)"
	done <<<"$new"
	echo "    log: $log"
	return 1
}

# Each target's lines and status go to files in $out, printed in order at the end.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
for bin in "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	(
		fuzz_one "$bin" >"$out/$i.lines" 2>&1
		echo $? >"$out/$i.rc"
	) &
	i=$((i + 1))
done
wait

passed=0
failed=0
for ((k = 0; k < i; k++)); do
	cat "$out/$k.lines"
	if [ "$(cat "$out/$k.rc" 2>/dev/null)" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
