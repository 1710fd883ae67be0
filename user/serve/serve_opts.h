/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The command line of `xskfwd serve`: its own options (struct serve_opts,
 * the first member of the mode's context, so the option table's offsets
 * are offsets into the context), the shared options it takes, and the
 * checks made before anything is set up (core/opt.h).
 */
#ifndef XF_SERVE_OPTS_H
#define XF_SERVE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "opt.h"
#include "run.h"
#include "serve_sessions.h"
#include "xskfwd_shared.h"

#define MAX_ADDRS (XF_MAX_RULES / 2) /* two classifier rules per served address */

struct serve_opts {
	const char *root;
	struct sv_client addrs[MAX_ADDRS]; /* port unused */
	uint32_t naddrs;
	uint32_t port, ports_lo, ports_hi;
	uint32_t max_sessions, max_per_client, blksize_max, windowsize_max;
	uint32_t timeout_ms, retries;
};

extern const struct xf_opt serve_opts[];
extern const struct xf_opt_use serve_shared[];
/* The checks across options; 0 or 2 after one line. */
int serve_check(struct xf_run *r);

#endif
