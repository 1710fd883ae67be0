#!/usr/bin/env bash
# run.sh - xskfwd's integration test runner (in the style of xdp-tools'
# lib/testing/test_runner.sh).
#
# Usage:
#   tests/integration/run.sh [--list] [FILTER...]
#   tests/integration/run.sh --help
#
# Runs every tests/integration/test_*.sh (or $XF_TEST_DIR/test_*.sh). A test
# file defines functions test_*, and may define setup_file/teardown_file (run
# once around the file's tests) and setup/teardown (around each test); see
# lib.sh for the helpers tests use. With FILTERs, only tests whose
# "file:test_name" contains one of them (as a substring) run; --list prints
# the selected tests without running them.
#
# Each file runs in its own subshell: setup_file, then each test in its own
# process group with a timeout, then teardown_file, which always runs (also
# after a failure, a timeout or SIGINT). A test's output goes to
# $XF_TEST_LOGDIR/<file>/<test>.log. One line per test is printed:
#   PASS test_name (1.2s)
#   FAIL test_name (3.4s)      followed by the last 30 lines of its log
#   SKIP test_name: reason
# and last, alone on its line: "N passed, N failed, N skipped".
# Exit status: 0 if nothing failed (skips alone are fine), 1 if a test failed
# or no test ran, 130 if interrupted.
#
# Environment:
#   XF_TEST_DIR         directory with the test_*.sh files (default: this one)
#   XF_TEST_LOGDIR      log directory (default: $XF_ROOT/build/test-logs)
#   XF_TEST_TIMEOUT     per-test timeout in seconds (default 120); a test file
#                       may set TIMEOUT_<test_name>=N for one test (that wins),
#                       and TIMEOUT_setup_file / TIMEOUT_teardown_file
#   XF_TEST_KILL_AFTER  seconds between SIGTERM and SIGKILL on timeout (10)
#   XF_BIN              where built binaries are (default: $XF_ROOT/build)

# Most functions here run only as traps or in background subshells.
# shellcheck disable=SC2317
set -uo pipefail

_XF_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/integration/lib.sh
source "$_XF_HERE/lib.sh"

XF_TEST_DIR=${XF_TEST_DIR:-$_XF_HERE}
XF_TEST_LOGDIR=${XF_TEST_LOGDIR:-$XF_ROOT/build/test-logs}
XF_TEST_TIMEOUT=${XF_TEST_TIMEOUT:-120}
XF_TEST_KILL_AFTER=${XF_TEST_KILL_AFTER:-10}
export XF_TEST_LOGDIR

_XF_INTERRUPTED=0

_xf_usage() {
	sed -n '2,/^#   XF_BIN/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

_xf_die() {
	echo "run: error: $*" >&2
	exit 1
}

# _xf_fmt_secs MICROSECONDS -> "1.2"
_xf_fmt_secs() {
	local us=$1
	printf '%d.%d' $((us / 1000000)) $(((us % 1000000) / 100000))
}

# _xf_timeout_for NAME: TIMEOUT_<NAME> if set, else XF_TEST_TIMEOUT.
_xf_timeout_for() {
	local var="TIMEOUT_$1" t=$XF_TEST_TIMEOUT
	if [[ "$var" =~ ^[A-Za-z_][A-Za-z0-9_]*$ && -n "${!var:-}" ]]; then
		t=${!var}
	fi
	[[ "$t" =~ ^[0-9]+$ && "$t" -gt 0 ]] || t=120
	echo "$t"
}

# _xf_discover FILE: print FILE's test function names in definition order.
# Runs in a subshell; fails if the file cannot be sourced.
_xf_discover() {
	(
		# shellcheck disable=SC1090
		source "$1" >/dev/null 2>&1 </dev/null || exit 1
		shopt -s extdebug
		local fn line src
		declare -F | while read -r _ _ fn; do
			[[ "$fn" == test_* ]] || continue
			read -r _ line src < <(declare -F "$fn")
			[[ "$src" == "$1" ]] && echo "$line $fn"
		done | sort -n | awk '{print $2}'
	)
}

_xf_selected() {
	local id=$1 f
	((${#_XF_FILTERS[@]})) || return 0
	for f in "${_XF_FILTERS[@]}"; do
		[[ "$id" == *"$f"* ]] && return 0
	done
	return 1
}

_xf_record() {
	echo "$1 $2" >>"$_XF_RESULTS"
}

_xf_print_tail() {
	[[ -f "$1" ]] || return 0
	tail -n 30 "$1" | sed 's/^/    /'
}

# --- running one process group, bounded ---------------------------------

# _xf_kill_group PGID: SIGTERM the group, wait up to XF_TEST_KILL_AFTER s,
# then SIGKILL whatever is left.
_xf_kill_group() {
	local pg=$1 end
	_xf_group_alive "$pg" || return 0
	kill -TERM -- "-$pg" 2>/dev/null || return 0
	end=$((${EPOCHREALTIME/./} + XF_TEST_KILL_AFTER * 1000000))
	while _xf_group_alive "$pg" && ((${EPOCHREALTIME/./} < end)); do
		sleep 0.1
	done
	if _xf_group_alive "$pg"; then
		echo "run: process group $pg still alive ${XF_TEST_KILL_AFTER}s after SIGTERM, sending SIGKILL"
		kill -KILL -- "-$pg" 2>/dev/null
	fi
	return 0
}

# _xf_run_bounded LOG TIMEOUT FUNC ARGS...: run FUNC in a background
# subshell leading its own process group, output to LOG. Waits at most
# TIMEOUT seconds (or until the file is interrupted, unless
# _XF_UNINTERRUPTIBLE=1), then kills what is left of the group. Sets _XF_RC
# and _XF_TIMED_OUT.
_xf_run_bounded() {
	local log=$1 timeout=$2 pid st end
	shift 2
	_XF_TIMED_OUT=0
	# The redirections are made inside the child with exec (not on this
	# call): bash undoes a call's redirections when errexit fires, which
	# would send the EXIT trap's output to the terminal. set +m: the
	# child must not put its own commands in process groups of their own.
	set -m
	{
		set +m
		exec >"$log" 2>&1 </dev/null {_XF_OUT}>&- {_XF_ERR}>&-
		"$@"
	} &
	pid=$!
	set +m
	st=$(_xf_starttime "$pid")
	_XF_CUR_PG=$pid
	end=$((${EPOCHREALTIME/./} + timeout * 1000000))
	while _xf_alive "$pid" "$st"; do
		((_XF_INTERRUPTED && !${_XF_UNINTERRUPTIBLE:-0})) && break
		if ((${EPOCHREALTIME/./} >= end)); then
			_XF_TIMED_OUT=1
			break
		fi
		sleep 0.1
	done
	# Whatever is left of the group (the test itself on timeout or
	# interrupt, or processes it left behind) goes.
	_xf_kill_group "$pid"
	wait "$pid"
	_XF_RC=$?
	_XF_CUR_PG=
}

# --- inside a test's subshell -------------------------------------------

_xf_on_err() {
	local rc=$?
	echo "ERROR: '$BASH_COMMAND' failed with status $rc at ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}" >&2
}

_xf_test_exit() {
	local rc=$? trc
	[[ "$BASHPID" == "$_XF_TEST_PID" ]] || exit "$rc" # see _xf_file_exit
	set +eE
	trap - ERR
	trap ':' INT TERM HUP
	if ((_XF_SETUP_STARTED)) && declare -F teardown >/dev/null; then
		echo "--- teardown"
		(
			set -eE -o pipefail
			trap _xf_on_err ERR
			teardown
		)
		trc=$?
		if ((trc != 0 && trc != XF_SKIP_RC)); then
			echo "FAIL: teardown failed with status $trc" >&2
			((rc == 0 || rc == XF_SKIP_RC)) && rc=1
		fi
	fi
	_xf_bg_stop_all
	echo "=== end $XF_TEST_NAME: status $rc"
	exit "$rc"
}

# _xf_test_body NAME TMPDIR LOG: setup, test, teardown (EXIT trap).
_xf_test_body() {
	XF_TEST_NAME=$1 XF_TEST_TMP=$2 XF_TEST_LOG=$3
	export XF_TEST_NAME XF_TEST_TMP XF_TEST_LOG
	_XF_TEST_PID=$BASHPID
	_XF_BG_DIR=$XF_TEST_TMP/.bg
	_XF_BG_LOG_PREFIX=${XF_TEST_LOG%.log}
	_XF_SKIP_FILE=$XF_TEST_TMP/.skip_reason
	mkdir -p "$_XF_BG_DIR"
	_XF_SETUP_STARTED=0
	trap _xf_test_exit EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
	echo "=== $XF_TEST_NAME ($(date '+%F %T'))"
	set -eE -o pipefail
	trap _xf_on_err ERR
	if declare -F setup >/dev/null; then
		_XF_SETUP_STARTED=1
		setup
	fi
	_XF_SETUP_STARTED=1
	"$XF_TEST_NAME"
	exit 0
}

# _xf_file_fn_body FUNC: body of the bounded subshell running teardown_file.
_xf_file_fn_body() {
	_XF_SKIP_FILE=$_XF_FILE_TMP/.skip_$1
	trap 'exit 143' TERM
	trap 'exit 130' INT
	set -eE -o pipefail
	trap _xf_on_err ERR
	"$1"
}

# --- inside a file's subshell -------------------------------------------

_xf_file_sig() {
	[[ "$BASHPID" == "$_XF_FILE_PG" ]] || exit 143
	_XF_INTERRUPTED=1
	# During setup_file the file's shell itself must stop.
	[[ "$_XF_PHASE" == setup_file ]] && exit 130
	[[ -n "${_XF_CUR_PG:-}" ]] && kill -TERM -- "-$_XF_CUR_PG" 2>/dev/null
	return 0
}

# _xf_report ID NAME RC SECS [NOTE] LOG
_xf_report() {
	local id=$1 name=$2 rc=$3 secs=$4 note=$5 log=$6 reason
	if ((rc == 0)) && [[ -z "$note" ]]; then
		echo "PASS $name (${secs}s)" >&"$_XF_OUT"
		_xf_record PASS "$id"
	elif ((rc == XF_SKIP_RC)) && [[ -z "$note" ]]; then
		reason=$(head -n 1 "$_XF_SKIP_REASON" 2>/dev/null)
		echo "SKIP $name: ${reason:-skipped}" >&"$_XF_OUT"
		_xf_record SKIP "$id"
	else
		echo "FAIL $name (${secs}s)${note:+: $note}" >&"$_XF_OUT"
		_xf_print_tail "$log" >&"$_XF_OUT"
		_xf_record FAIL "$id"
	fi
}

_xf_run_test() {
	local t=$1 log tmp start timeout note=
	log=$_XF_FILE_LOGDIR/$t.log
	tmp=$(mktemp -d "$_XF_FILE_TMP/$t.XXXXXX")
	timeout=$(_xf_timeout_for "$t")
	start=${EPOCHREALTIME/./}
	_xf_run_bounded "$log" "$timeout" _xf_test_body "$t" "$tmp" "$log"
	# Runner-side safety net: background processes the test registered
	# but could not stop itself (killed on timeout, for instance).
	_XF_BG_DIR=$tmp/.bg _xf_bg_stop_all >>"$log" 2>&1
	((_XF_TIMED_OUT)) && note="timed out after ${timeout}s"
	((_XF_INTERRUPTED && !_XF_TIMED_OUT && _XF_RC != 0)) && note="interrupted"
	_XF_SKIP_REASON=$tmp/.skip_reason
	_xf_report "$_XF_BASE:$t" "$t" "$_XF_RC" \
		"$(_xf_fmt_secs $((${EPOCHREALTIME/./} - start)))" "$note" "$log"
	rm -rf "$tmp"
}

# Runs when the file's subshell exits, however: reports tests that setup_file
# kept from running, then runs teardown_file.
_xf_file_exit() {
	local rc=$? t log start note reason
	# A child forked just before a signal can run its parent's traps
	# before bash resets them: only the file's own shell goes on here.
	[[ "$BASHPID" == "$_XF_FILE_PG" ]] || exit "$rc"
	set +eE
	trap - ERR
	trap '_XF_INTERRUPTED=1' INT TERM HUP
	exec 1>&"$_XF_OUT" 2>&"$_XF_ERR"
	: >"$_XF_FILE_TMP/.setup_done"

	case "$_XF_PHASE" in
	setup_file)
		log=$_XF_FILE_LOGDIR/setup_file.log
		note="setup_file failed with status $rc"
		[[ -f "$_XF_FILE_TMP/.setup_timeout" ]] && note="setup_file timed out after $(_xf_timeout_for setup_file)s"
		((_XF_INTERRUPTED)) && [[ ! -f "$_XF_FILE_TMP/.setup_timeout" ]] && note="interrupted in setup_file"
		if ((rc == XF_SKIP_RC)); then
			reason=$(head -n 1 "$_XF_FILE_TMP/.skip_setup_file" 2>/dev/null)
			for t in "${_XF_TESTS[@]}"; do
				echo "SKIP $t: ${reason:-skipped in setup_file}"
				_xf_record SKIP "$_XF_BASE:$t"
			done
		elif ((!_XF_INTERRUPTED)) || [[ -f "$_XF_FILE_TMP/.setup_timeout" ]]; then
			for t in "${_XF_TESTS[@]}"; do
				echo "FAIL $t (0.0s): $note"
				_xf_record FAIL "$_XF_BASE:$t"
			done
			_xf_print_tail "$log"
		else
			echo "run: $_XF_BASE: $note"
		fi
		;;
	esac

	if declare -F teardown_file >/dev/null; then
		log=$_XF_FILE_LOGDIR/teardown_file.log
		start=${EPOCHREALTIME/./}
		# An interrupt does not cut teardown_file short; its timeout does.
		_XF_UNINTERRUPTIBLE=1 _xf_run_bounded "$log" "$(_xf_timeout_for teardown_file)" \
			_xf_file_fn_body teardown_file
		if ((_XF_RC != 0 || _XF_TIMED_OUT)); then
			note="status $_XF_RC"
			((_XF_TIMED_OUT)) && note="timed out after $(_xf_timeout_for teardown_file)s"
			echo "FAIL $_XF_BASE:teardown_file ($(_xf_fmt_secs $((${EPOCHREALTIME/./} - start)))s): $note"
			_xf_print_tail "$log"
			_xf_record FAIL "$_XF_BASE:teardown_file"
		fi
	fi
	rm -rf "$_XF_FILE_TMP"
	((_XF_INTERRUPTED)) && exit 130
	exit 0
}

# _xf_run_file FILE TEST...: the body of a file's subshell.
_xf_run_file() {
	local file=$1 t rc timeout
	shift
	_XF_TESTS=("$@")
	_XF_BASE=$(basename "$file" .sh)
	_XF_FILE_LOGDIR=$XF_TEST_LOGDIR/$_XF_BASE
	_XF_FILE_PG=$BASHPID # started with job control: it leads its group
	_XF_CUR_PG=
	_XF_PHASE=load
	set +eum # started with job control; its own commands stay in its group
	exec {_XF_OUT}>&1 {_XF_ERR}>&2 </dev/null
	rm -rf "$_XF_FILE_LOGDIR"
	mkdir -p "$_XF_FILE_LOGDIR" || exit 1
	_XF_FILE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xf-test.XXXXXX") || exit 1
	trap _xf_file_exit EXIT
	trap _xf_file_sig INT TERM HUP

	_XF_PHASE=setup_file
	# shellcheck disable=SC1090
	source "$file" >"$_XF_FILE_LOGDIR/setup_file.log" 2>&1 || exit 1
	if declare -F setup_file >/dev/null; then
		# setup_file runs in this shell (so the tests see what it sets);
		# a watchdog bounds it by stopping this whole process group. It
		# polls for .setup_done rather than being killed: a signal sent
		# right after a fork can run this shell's traps in the child.
		timeout=$(_xf_timeout_for setup_file)
		set -m
		(
			set +m
			end=$((${EPOCHREALTIME/./} + timeout * 1000000))
			while [[ -d "$_XF_FILE_TMP" && ! -e "$_XF_FILE_TMP/.setup_done" ]]; do
				if ((${EPOCHREALTIME/./} >= end)); then
					: >"$_XF_FILE_TMP/.setup_timeout"
					kill -TERM -- "-$_XF_FILE_PG"
					exit 0
				fi
				sleep 0.2
			done
		) >/dev/null 2>&1 </dev/null {_XF_OUT}>&- {_XF_ERR}>&- &
		set +m
		_XF_SKIP_FILE=$_XF_FILE_TMP/.skip_setup_file
		# Errors in setup_file are fatal, as in a test.
		set -eE -o pipefail
		trap _xf_on_err ERR
		setup_file >>"$_XF_FILE_LOGDIR/setup_file.log" 2>&1
		trap - ERR
		set +eE
		: >"$_XF_FILE_TMP/.setup_done"
		unset _XF_SKIP_FILE
	fi

	_XF_PHASE=tests
	for t in "${_XF_TESTS[@]}"; do
		((_XF_INTERRUPTED)) && break
		_xf_run_test "$t"
	done
	_XF_PHASE=finished
	exit 0
}

# --- main ---------------------------------------------------------------

_xf_main_sig() {
	[[ "$BASHPID" == "$$" ]] || exit 143 # see _xf_file_exit
	_XF_INTERRUPTED=1
	if [[ -n "${_XF_FILE_PID:-}" ]]; then
		kill -INT -- "-$_XF_FILE_PID" 2>/dev/null || kill -INT "$_XF_FILE_PID" 2>/dev/null
	fi
	return 0
}

main() {
	local list=0 files=() f t id n_pass n_fail n_skip total
	_XF_FILTERS=()
	while (($#)); do
		case "$1" in
		--list) list=1 ;;
		-h | --help) _xf_usage; exit 0 ;;
		--) shift; _XF_FILTERS+=("$@"); break ;;
		-*) _xf_die "unknown option '$1' (see --help)" ;;
		*) _XF_FILTERS+=("$1") ;;
		esac
		shift
	done

	[[ -d "$XF_TEST_DIR" ]] || _xf_die "test directory $XF_TEST_DIR does not exist"
	XF_TEST_DIR=$(cd "$XF_TEST_DIR" && pwd)
	shopt -s nullglob
	files=("$XF_TEST_DIR"/test_*.sh)
	shopt -u nullglob
	((${#files[@]})) || _xf_die "no test files (test_*.sh) in $XF_TEST_DIR"

	mkdir -p "$XF_TEST_LOGDIR" || _xf_die "cannot create log directory $XF_TEST_LOGDIR"
	_XF_RESULTS=$(mktemp "${TMPDIR:-/tmp}/xf-results.XXXXXX") || _xf_die "mktemp failed"
	trap '[[ "$BASHPID" == "$$" ]] && rm -f "$_XF_RESULTS"' EXIT
	trap _xf_main_sig INT TERM HUP

	for f in "${files[@]}"; do
		((_XF_INTERRUPTED)) && break
		local base out all=() sel=()
		base=$(basename "$f" .sh)
		if ! out=$(_xf_discover "$f"); then
			echo "FAIL $base: cannot source $f"
			(cd "$XF_TEST_DIR" && bash -n "$f" 2>&1 | sed 's/^/    /')
			_xf_record FAIL "$base:load"
			continue
		fi
		[[ -n "$out" ]] && mapfile -t all <<<"$out"
		for t in "${all[@]}"; do
			_xf_selected "$base:$t" && sel+=("$t")
		done
		((${#sel[@]})) || continue
		if ((list)); then
			for t in "${sel[@]}"; do echo "$base:$t"; done
			continue
		fi
		echo "# $base (${#sel[@]} test$([[ ${#sel[@]} -eq 1 ]] || echo s))"
		set -m
		_xf_run_file "$f" "${sel[@]}" &
		_XF_FILE_PID=$!
		set +m
		# wait returns early when a signal arrives; keep waiting until
		# the file's subshell (and so its teardown_file) is done.
		while :; do
			wait "$_XF_FILE_PID"
			[[ -d /proc/$_XF_FILE_PID ]] || break
			sleep 0.05
		done
		_XF_FILE_PID=
	done
	((list)) && exit 0

	n_pass=$(grep -c '^PASS ' "$_XF_RESULTS")
	n_fail=$(grep -c '^FAIL ' "$_XF_RESULTS")
	n_skip=$(grep -c '^SKIP ' "$_XF_RESULTS")
	total=$((n_pass + n_fail + n_skip))
	((_XF_INTERRUPTED)) && echo "run: interrupted" >&2
	((total || _XF_INTERRUPTED)) || echo "run: error: no test ran${_XF_FILTERS[*]:+ (filter: ${_XF_FILTERS[*]})}" >&2
	echo "$n_pass passed, $n_fail failed, $n_skip skipped"
	((_XF_INTERRUPTED)) && exit 130
	((n_fail == 0 && total > 0)) || exit 1
	exit 0
}

main "$@"
