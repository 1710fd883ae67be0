# shellcheck shell=bash
# test_classifier.sh - the XDP classifier under BPF_PROG_TEST_RUN.
#
# No interfaces, no namespaces: build/tests/test_classifier (tests/bpf/)
# loads the classifier (never attached) once per rule set, feeds it crafted
# and random frames and checks each verdict and counter.

test_classifier_test_run() {
	require_root
	[ -x "$XF_BIN/tests/test_classifier" ] || fail "build first: make"
	"$XF_BIN/tests/test_classifier" || fail "test_classifier failed (exit status $?)"
}
