# shellcheck shell=bash disable=SC2034 # TIMEOUT_* are read by run.sh
# test_install.sh - `make install` and the man pages, as a packager and a
# reader would check them: `make install DESTDIR=... PREFIX=/usr` puts exactly
# the binary, one page per command, the example config and the systemd unit
# where they belong, `make uninstall` takes them away again, every page
# renders without a groff warning, each page's OPTIONS list is the list `xskfwd MODE --help` prints (both come from
# the option tables: a page that leaves an option out, or has one --help has
# not, fails), xskfwd(8) lists the commands `xskfwd --help` does, and the
# installed binary runs.
#
# No namespaces, no root needed. Everything is installed below one temporary
# directory, removed by teardown_file. It runs make against XF_BIN's build
# folder (a sanitizer build gets its SAN back, so nothing is rebuilt without
# it).

MODES=(forward route gen sink serve status unload)
TIMEOUT_setup_file=300 # make may relink after a commit (the version text)
PAGES=(xskfwd xskfwd-ctl xskfwd-forward xskfwd-route xskfwd-gen xskfwd-sink xskfwd-serve
	xskfwd-status xskfwd-unload)

# xf_make TARGET ARGS...: make in the repository for XF_BIN's build.
xf_make() {
	local build=$XF_BIN san=() base
	[[ "$build" == "$XF_ROOT"/* ]] && build=${build#"$XF_ROOT"/}
	base=$(basename "$build")
	[[ "$base" == san-* ]] && san=("SAN=${base#san-}") && san=("${san[0]//+/,}")
	make --no-print-directory -C "$XF_ROOT" BUILD="$build" "${san[@]}" "$@"
}

setup_file() {
	require_cmd make scdoc man groff
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
	DEST=$(mktemp -d "${TMPDIR:-/tmp}/xf-install.XXXXXX")
	MAN8=$DEST/usr/share/man/man8
	xf_make install DESTDIR="$DEST/" PREFIX=/usr
}

teardown_file() {
	rm -rf "${DEST:?}"
}

# The files below DEST, "MODE PATH" each, sorted.
installed() {
	(cd "$1" && find . ! -type d -printf '%m %P\n' | sort -k2)
}

test_install_exactly_these_files() {
	local want page
	want="755 usr/sbin/xskfwd"
	for page in "${PAGES[@]}"; do
		want+=$'\n'"644 usr/share/man/man8/$page.8"
	done
	want+=$'\n'"644 usr/share/doc/xskfwd/examples/forward.conf"
	want+=$'\n'"644 usr/lib/systemd/system/xskfwd@.service"
	want=$(sort -k2 <<<"$want")
	assert_eq "$want" "$(installed "$DEST")" "files installed"
}

# make uninstall removes what make install put there, nothing else.
test_uninstall_removes_them() {
	local d=$XF_TEST_TMP/dest
	mkdir -p "$d/usr/sbin"
	echo keep >"$d/usr/sbin/other"
	xf_make install DESTDIR="$d" PREFIX=/usr
	xf_make uninstall DESTDIR="$d" PREFIX=/usr
	assert_eq "644 usr/sbin/other" "$(installed "$d")" "files left after uninstall"
}

# Every page renders, and neither man nor groff warns (-ww: all warnings).
test_man_pages_render_without_warnings() {
	local page f out err
	for page in "${PAGES[@]}"; do
		f=$MAN8/$page.8
		err=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		assert_eq "" "$err" "man -l $page.8: warnings"
		err=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
		assert_eq "" "$err" "groff -ww $page.8: warnings"
		out=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
		assert_contains "$out" "NAME"
		assert_contains "$out" "$page(8)"
	done
}

# section PAGE NAME: the lines of section NAME of the rendered PAGE.
section() {
	MANWIDTH=80 man -l "$MAN8/$1.8" 2>/dev/null |
		awk -v s="$2" '/^[A-Z]/ { on = ($0 == s); next } on'
}

# The option names at the head of each entry ("-v, --verbose" or "--queues"),
# one a line, in order: of the rendered OPTIONS section (an entry's head is a
# line of its own at column 8, its text below at column 12) and of --help (at
# column 3).
page_options() {
	section "$1" OPTIONS | grep -E '^       (-[a-zA-Z], )?--[a-z0-9-]+(\[=[^ ]+\]| [^ ]+)?$' |
		grep -oE '^ *(-[a-zA-Z], )?--[a-z0-9-]+' | sed 's/^ *//'
}
help_options() {
	"$DEST/usr/sbin/xskfwd" "$1" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z0-9-]+' | sed 's/^ *//'
}

test_man_options_are_the_help_options() {
	local mode page help
	for mode in "${MODES[@]}"; do
		help=$(help_options "$mode")
		page=$(page_options "xskfwd-$mode")
		[[ -n "$help" ]] || fail "$mode --help lists no option"
		assert_eq "$help" "$page" "xskfwd-$mode(8) OPTIONS against xskfwd $mode --help"
	done
}

# xskfwd(8)'s COMMANDS are the commands `xskfwd --help` lists, each mode's
# with its page named.
test_man_commands_are_the_help_commands() {
	local help page mode
	help=$("$DEST/usr/sbin/xskfwd" --help | sed -n '/^Commands:/,$p' | awk 'NR > 1 { print $1 }')
	page=$(section xskfwd COMMANDS | grep -oE '^       [a-z]+$' | sed 's/^ *//')
	assert_eq "$help" "$page" "xskfwd(8) COMMANDS against xskfwd --help"
	for mode in "${MODES[@]}"; do
		# (a name may be broken across lines at its hyphen)
		section xskfwd COMMANDS | tr -d '\n ' | sed 's/‐//g; s/-//g' | grep -q "xskfwd$mode(8)" ||
			fail "xskfwd(8) does not name xskfwd-$mode(8)"
	done
}

test_installed_binary_runs() {
	local bin=$DEST/usr/sbin/xskfwd out mode
	out=$("$bin" --version)
	assert_eq "$("$XF_BIN/xskfwd" --version)" "$out" "installed --version"
	[[ "$out" =~ ^xskfwd\ [0-9] ]] || fail "--version: '$out'"
	out=$("$bin" --help)
	assert_contains "$out" "Usage: xskfwd COMMAND"
	for mode in "${MODES[@]}"; do
		out=$("$bin" "$mode" --help)
		assert_contains "$out" "Usage: xskfwd $mode "
	done
}
