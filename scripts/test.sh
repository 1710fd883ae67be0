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
#   4. with CI=true or --san only: the unit tests under ASan+UBSan, the
#      integration tests again against the binaries built with ASan+UBSan
#      (build/san-address+undefined), and the
#      multi-threaded ones (4 queues, gen on two CPUs, sink split over queues,
#      serve on two queues)
#      against the TSan build (build/san-thread); any sanitizer report fails
#      the test (halt_on_error, the exit status asserted by the tests)
#   5. with CI=true only: each libFuzzer target for FUZZ_SECONDS (default 20)
#      seconds, as many at once as there are CPUs (`make fuzz` runs them for
#      60 s each at any time)
# and ends with one line: "total: N passed, N failed, N skipped".
#
# Where the time goes, CI=true on 2 cores (544 s in all, 763 s before the
# cuts noted in parentheses; 651 s once issue 11's and 12's tests came): build and unit tests 13 s; unit tests under
# TSan 15 s (the ring stress 4 s: a tenth of the descriptors under TSan,
# was 32 s); integration 217 s (test_serve 52, the classifier 26: two system
# calls per BPF_PROG_TEST_RUN frame, was 86); unit tests under ASan+UBSan
# 16 s; integration under ASan+UBSan 178 s (test_serve 53); threaded
# integration under TSan 39 s; fuzzing 88 s (7 targets x 20 s, two at a
# time, was 132 for 6). Every build runs with -j. Each sanitizer build compiles
# the BPF objects again (the same objects: 0.6 s, not worth sharing) and the
# test tools with its sanitizers, on purpose.
# Usage: bash scripts/test.sh [--no-tsan] [--san] [integration FILTER...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tsan=1 san=0
[ "${CI:-}" = true ] && san=1
while :; do
	case "${1:-}" in
	--no-tsan) tsan=0 ;;
	--san) san=1 ;;
	*) break ;;
	esac
	shift
done
# Integration tests under ASan+UBSan (all but the rig's own and the clang-19
# rebuild, which run no sanitized binary), and those that run threads under TSan.
# test_serve: about 53 s, as without sanitizers (the clients set the pace).
SAN_TESTS=(test_classifier_test_run test_core: test_forward: test_gen: test_sink: test_hostile: test_serve:
	test_serve_hostile: test_route: test_jumbo:)
TSAN_TESTS=(test_four_queues_all_used test_gen_xsk_through_forwarder
	test_gen_live_two_cpus_ipv6_flows test_stream_split_over_queues test_gen_to_sink_exact
	test_two_queues_64_clients test_acks_on_another_queue test_went_away_once_four_queues
	test_sighup_clean_every_mode test_four_queues_all_serve test_route_change_followed)
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
make --no-print-directory -j"$(nproc)" unit 2>&1 | tee "$logdir/unit.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count "$logdir/unit.log"

if [ "$tsan" = 1 ]; then
	echo "== unit tests under ThreadSanitizer"
	make --no-print-directory -j"$(nproc)" SAN=thread unit 2>&1 | tee "$logdir/unit-tsan.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	count "$logdir/unit-tsan.log"
fi

echo "== integration tests"
bash tests/integration/run.sh "$@" 2>&1 | tee "$logdir/integration.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count "$logdir/integration.log"

if [ "$san" = 1 ]; then
	echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	ASAN_OPTIONS=halt_on_error=1:exitcode=66:detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:exitcode=67:print_stacktrace=1 \
		make --no-print-directory -j"$(nproc)" SAN=address,undefined unit 2>&1 | tee "$logdir/unit-asan.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	count "$logdir/unit-asan.log"

	echo "== integration tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	if make -j"$(nproc)" SAN=address,undefined all >"$logdir/build-asan.log" 2>&1; then
		# The classifier's random frames run in the kernel, sanitized or not:
		# the full 100000 per rule set ran above. Here the tables run in full
		# and 1000 random frames per rule set put the test's own generator
		# and checks under the sanitizers.
		ASAN_OPTIONS=halt_on_error=1:exitcode=66:detect_leaks=1 \
			UBSAN_OPTIONS=halt_on_error=1:exitcode=67:print_stacktrace=1 \
			XF_RANDOM_FRAMES=1000 \
			XF_BIN="$PWD/build/san-address+undefined" XF_TEST_LOGDIR="$PWD/$logdir/asan" \
			bash tests/integration/run.sh "${SAN_TESTS[@]}" 2>&1 | tee "$logdir/integration-asan.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	else
		cat "$logdir/build-asan.log"
		echo "0 passed, 1 failed" >"$logdir/integration-asan.log"
	fi
	count "$logdir/integration-asan.log"

	echo "== threaded integration tests under ThreadSanitizer"
	if make -j"$(nproc)" SAN=thread all >"$logdir/build-tsan.log" 2>&1; then
		TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
			XF_BIN="$PWD/build/san-thread" XF_TEST_LOGDIR="$PWD/$logdir/tsan" \
			bash tests/integration/run.sh "${TSAN_TESTS[@]}" 2>&1 | tee "$logdir/integration-tsan.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	else
		cat "$logdir/build-tsan.log"
		echo "0 passed, 1 failed" >"$logdir/integration-tsan.log"
	fi
	count "$logdir/integration-tsan.log"
else
	echo "== integration tests under sanitizers: not run (only with CI=true or --san)"
fi

if [ "${CI:-}" = true ]; then
	echo "== fuzzing, ${FUZZ_SECONDS:-20} s per target"
	make --no-print-directory -j"$(nproc)" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" 2>&1 | tee "$logdir/fuzz.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	count "$logdir/fuzz.log"
else
	echo "== fuzzing: not run (only with CI=true; or: make fuzz)"
fi

[ "$failed" -eq 0 ] || status=1
echo "total: $passed passed, $failed failed, $skipped skipped"
exit "$status"
