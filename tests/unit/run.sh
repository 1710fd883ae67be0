#!/usr/bin/env bash
# run.sh - run xskfwd's unit test binaries (cmocka) and sum up.
#
# Usage: tests/unit/run.sh BINARY...      (make unit passes build/tests/*/test_*)
#
# Runs each binary, shows its output, and prints as its last line exactly
#   unit: N passed, N failed
# counting cmocka test cases, from the "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)" lines. A binary that crashes or exits non-zero
# without a failure in those lines (no summary at all, or a sanitizer report
# after it) counts as 1 failed, and so does a sanitizer report in its output.
# Skipped cases ("[  SKIPPED ] N test(s)") are reported on the line before.
# Exit status: 0 if something ran and nothing failed, 1 otherwise.
#
# Sanitizer builds: UBSan is made to stop at its first report (it only warns
# by default). ThreadSanitizer in gcc 12 cannot cope with the larger mmap
# randomization of recent kernels ("FATAL: ThreadSanitizer: unexpected memory
# mapping"); a binary that fails so is run again under `setarch -R` (ASLR off
# for that process only).
set -uo pipefail

export CMOCKA_MESSAGE_OUTPUT=stdout
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# A sanitizer's report, whatever the exit status (UBSan only warns by default).
san_report='(WARNING|ERROR): (Thread|Address|Leak)Sanitizer|runtime error: '
san_report+='|^SUMMARY: (Undefined|Address|Thread|Leak)Sanitizer'

passed=0
failed=0
skipped=0
ran=0

if [ $# -eq 0 ]; then
	echo "run.sh: no unit test binaries given" >&2
fi

for bin in "$@"; do
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		echo "*** $name: not found or not executable" >&2
		failed=$((failed + 1))
		continue
	fi
	echo "=== $name"
	out=$(mktemp)
	start=$(date +%s.%N)
	"$bin" >"$out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q 'FATAL: ThreadSanitizer: unexpected memory mapping' "$out"; then
		cat "$out"
		echo "*** $name: TSan cannot map its shadow memory with ASLR on; again under setarch -R"
		setarch "$(uname -m)" -R "$bin" >"$out" 2>&1
		rc=$?
	fi
	end=$(date +%s.%N)
	cat "$out"

	p=0 f=0 s=0 summary=0
	while IFS= read -r line; do
		if [[ $line =~ ^\[\ \ PASSED\ \ \]\ ([0-9]+)\ test ]]; then
			p=$((p + BASH_REMATCH[1]))
			summary=1
		elif [[ $line =~ ^\[\ \ FAILED\ \ \]\ ([0-9]+)\ test ]]; then
			f=$((f + BASH_REMATCH[1]))
			summary=1
		elif [[ $line =~ ^\[\ \ SKIPPED\ \]\ ([0-9]+)\ test ]]; then
			s=$((s + BASH_REMATCH[1]))
		fi
	done <"$out"
	san=0
	if grep -qE "$san_report" "$out"; then
		san=1
	fi
	rm -f "$out"

	if [ $summary -eq 0 ]; then
		echo "*** $name: exited with status $rc without a cmocka summary: counted as 1 failed"
		f=1
	elif [ $rc -ne 0 ] && [ $f -eq 0 ]; then
		echo "*** $name: exited with status $rc although no test case failed: counted as 1 failed"
		f=1
	elif [ $san -eq 1 ] && [ $f -eq 0 ]; then
		echo "*** $name: sanitizer report in its output: counted as 1 failed"
		f=1
	fi
	printf '=== %s: %d passed, %d failed, %d skipped (exit %d, %.1f s)\n' \
		"$name" "$p" "$f" "$s" "$rc" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	ran=$((ran + p + f))
done

if [ $skipped -gt 0 ]; then
	echo "unit: $skipped skipped"
fi
echo "unit: $passed passed, $failed failed"
if [ $failed -ne 0 ] || [ $ran -eq 0 ]; then
	exit 1
fi
exit 0
