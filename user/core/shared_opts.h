/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The options modes share, declared once (shared_opts.c) with one meaning
 * everywhere, and where their values live. A mode takes the ones it lists
 * in its struct xf_mode (.shared), with its own default where it differs
 * (--spin-us 0 for the sink, whose pollers share a CPU with others).
 */
#ifndef XF_SHARED_OPTS_H
#define XF_SHARED_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <xdp/libxdp.h>

#include "args.h"
#include "rl.h"
#include "xskfwd_shared.h"

struct xf_shared_opts {
	uint32_t queues[XF_MAX_LIST], nqueues; /* 0: the mode's default */
	uint32_t cpus[XF_MAX_LIST], ncpus;     /* 0: every CPU allowed */
	enum rl_bind_mode bind_mode;	       /* --mode */
	enum xdp_attach_mode xdp_mode;	       /* --xdp-mode */
	uint32_t frame_size, ring_size, batch, spin_us;
	uint32_t busy_poll_us; /* 0: off */
	bool no_need_wakeup;
	uint32_t duration; /* s; 0: until a signal */
	bool json, verbose, help, version;
	const char *config;		    /* --config FILE */
	struct xf_rule rules[XF_MAX_RULES]; /* --match */
	const char *rule_text[XF_MAX_RULES];
	uint32_t nrules;
};

#endif
