/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The command line of `xskfwd serve`: its options, their defaults and their
 * checks (xskfwd serve --help). Every error is one line naming the option,
 * and exit status 2.
 */
#ifndef XF_SERVE_OPTS_H
#define XF_SERVE_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <xdp/libxdp.h>

#include "args.h"
#include "rl.h"
#include "serve_sessions.h"
#include "xskfwd_shared.h"

#define MAX_ADDRS (XF_MAX_RULES / 2) /* two classifier rules per served address */

struct serve_opts {
	const char *ifname, *root;
	struct sv_client addrs[MAX_ADDRS]; /* port unused */
	uint32_t naddrs;
	uint32_t port, ports_lo, ports_hi;
	uint32_t queues[XF_MAX_LIST], nqueues;
	uint32_t cpus[XF_MAX_LIST], ncpus;
	uint32_t max_sessions, max_per_client, blksize_max, windowsize_max;
	uint32_t timeout_ms, retries, duration, spin_us;
	enum rl_bind_mode mode;
	enum xdp_attach_mode xdp_mode;
	bool json;
};

/*
 * Parse serve's arguments (argv[0] is "serve") into @o, defaults filled in.
 * Returns 0, 2 after a one-line error, or -1 after printing --help.
 */
int serve_parse_opts(int argc, char **argv, struct serve_opts *o);

#endif
