#!/usr/bin/env bash
# deps.sh - install the Debian packages xskfwd needs to build and test.
#
# Usage:
#   scripts/deps.sh           install whatever is missing (needs root)
#   scripts/deps.sh --check   only report what is missing; exit 1 if anything is
#   scripts/deps.sh --bench   also what the benchmark needs (gnuplot)
#   scripts/deps.sh --help
#
# Each package is checked with dpkg-query; `apt-get update` runs once, and only
# when something is missing. Quiet on success: prints one line
# ("deps: all present" or "deps: installed X Y ..."). Also warns (without
# failing) when /sys/fs/bpf is not a mounted bpf filesystem.
# Targets Debian 12 (bookworm).
set -euo pipefail

# clang-19: the classifier is also built and verified with it
# (tests/integration/test_classifier.sh); about 10 s to fetch and install here.
# libclang-rt-14-dev: libFuzzer and the sanitizers for clang 14 (make fuzz).
# curl, atftp, tftp-hpa: the TFTP clients test_serve fetches with; tftpd-hpa:
# the kernel-socket TFTP server the serve benchmark compares with (its
# postinst would start a daemon on the host: see no_daemons_during_install).
# iputils-tracepath: test_route checks the router's hop and the path MTU with it.
# libmnl-dev: ringlib asks the kernel's "netdev" netlink family for a driver's
# zero-copy chain limit (libbpf 1.1.2 cannot).
# libyaml-dev: the config file (--config, user/core/conf.c).
# libsystemd-dev: sd_notify() for the Type=notify unit (user/core/run.c);
# systemd: systemd-analyze, which test_service verifies the unit with.
# scdoc: the man pages (docs/man/, make man); man-db, groff-base: test_install
# renders them with man -l and groff -ww.
# libmicrohttpd-dev: the --metrics HTTP server (forward, route). prometheus:
# test_metrics checks the exposition text with promtool and scrapes it with a
# real server; its postinst would start a daemon on the host's port 9090, so
# it is installed under the same policy-rc.d as tftpd-hpa.
PACKAGES=(
	clang clang-19 libclang-rt-14-dev llvm libxdp-dev libbpf-dev bpftool libelf-dev
	zlib1g-dev libjansson-dev libmnl-dev libyaml-dev libsystemd-dev systemd pkg-config make gcc libc6-dev libcmocka-dev iproute2 ethtool
	iputils-ping socat procps coreutils libcap2-bin
	curl atftp tftp-hpa tftpd-hpa iputils-tracepath scdoc man-db groff-base
	libmicrohttpd-dev prometheus
)

# A policy-rc.d that exits 101 ("action forbidden") keeps maintainer scripts
# (invoke-rc.d, deb-systemd-invoke) from starting services: tftpd-hpa's would
# otherwise listen on the host's port 69, prometheus' on 9090. Only one this script made is removed.
POLICY_RC_D=/usr/sbin/policy-rc.d
MADE_POLICY_RC_D=0

usage() {
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
	echo "deps: error: $*" >&2
	exit 1
}

# is_installed PKG: true if dpkg reports PKG as fully installed.
is_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ "$status" == "install ok installed" ]]
}

# missing_packages: prints the missing packages, space separated.
missing_packages() {
	local p out=()
	for p in "${PACKAGES[@]}"; do
		is_installed "$p" || out+=("$p")
	done
	echo "${out[*]}"
}

# no_daemons_during_install: install the temporary policy-rc.d, unless one
# exists already (then it is the admin's, and left alone).
no_daemons_during_install() {
	[[ -e "$POLICY_RC_D" ]] && return 0
	trap remove_policy_rc_d EXIT
	trap 'exit 130' INT TERM HUP
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts during its install; removed after\nexit 101\n' \
		>"$POLICY_RC_D" || die "cannot write $POLICY_RC_D"
	chmod 755 "$POLICY_RC_D"
	MADE_POLICY_RC_D=1
}

remove_policy_rc_d() {
	((MADE_POLICY_RC_D)) || return 0
	rm -f "$POLICY_RC_D"
	MADE_POLICY_RC_D=0
}

check_bpffs() {
	local fstype
	fstype=$(stat -f -c %T /sys/fs/bpf 2>/dev/null || true)
	if [[ "$fstype" != "bpf_fs" ]]; then
		echo "deps: warning: /sys/fs/bpf is not a bpf filesystem (mount -t bpf bpf /sys/fs/bpf); libxdp will attach without its dispatcher" >&2
	fi
}

main() {
	local check_only=0
	while (($#)); do
		case "$1" in
		--check) check_only=1 ;;
		--bench) PACKAGES+=(gnuplot-nox) ;;
		-h | --help) usage; exit 0 ;;
		*) die "unknown argument '$1' (see --help)" ;;
		esac
		shift
	done

	command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script needs Debian/Ubuntu"

	local missing
	missing=$(missing_packages)
	check_bpffs

	if [[ -z "$missing" ]]; then
		echo "deps: all present"
		exit 0
	fi

	if ((check_only)); then
		echo "deps: missing: $missing"
		exit 1
	fi

	[[ $EUID -eq 0 ]] || die "missing packages ($missing); run as root to install them"

	local log
	log=$(mktemp /tmp/xskfwd-deps.XXXXXX)
	no_daemons_during_install
	# shellcheck disable=SC2086 # word splitting of $missing is intended
	if ! { apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; } >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "apt-get failed installing: $missing (log: $log)"
	fi
	rm -f "$log"
	remove_policy_rc_d

	local still
	still=$(missing_packages)
	[[ -z "$still" ]] || die "still missing after install: $still"
	echo "deps: installed $missing"
}

main "$@"
