# shellcheck shell=bash
# test_classifier.sh - the XDP classifier under BPF_PROG_TEST_RUN.
#
# No interfaces, no namespaces: build/tests/test_classifier (tests/bpf/)
# loads the classifier (never attached) once per rule set, feeds it crafted
# and random frames and checks each verdict and counter. These tests run it,
# and run it again against an object built by clang-19, so that a newer
# compiler's code is put through the verifier (and the same table) too.

# The clang-19 build plus a full run of the table and random frames.
TIMEOUT_test_classifier_clang19=300

test_classifier_test_run() {
	require_root
	[ -x "$XF_BIN/tests/test_classifier" ] || fail "build first: make"
	"$XF_BIN/tests/test_classifier" || fail "test_classifier failed (exit status $?)"
}

# The BPF object built with clang-19 into a scratch folder, and the same
# test binary built around it: it loads the object with 0, 1 and 64 rules
# (the verifier's worst case) and checks the verdicts.
test_classifier_clang19() {
	local b=$XF_TEST_TMP/build
	require_root
	command -v clang-19 >/dev/null 2>&1 || skip "clang-19 not installed"
	make -C "$XF_ROOT" --no-print-directory CLANG=clang-19 BUILD="$b" \
		"$b/tests/test_classifier"
	# the object really is clang-19's (DWARF producer)
	grep -aq 'clang version 19\.' "$b/xskfwd.bpf.o" ||
		fail "$b/xskfwd.bpf.o was not built by clang 19"
	XF_RANDOM_FRAMES=${XF_RANDOM_FRAMES:-20000} "$b/tests/test_classifier" ||
		fail "test_classifier (clang-19 object) failed (exit status $?)"
}
