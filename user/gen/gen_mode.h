/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The state of one `xskfwd gen` run, shared by its option table and checks
 * (gen_opts.c) and its set-up and reporting (gen.c).
 */
#ifndef XF_GEN_MODE_H
#define XF_GEN_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "gen.h"
#include "gen_frame.h"
#include "rl.h"
#include "run.h"

#define GEN_RING_SIZE 2048
#define GEN_LIVE_MAX_BATCH 256

enum gen_engine { ENGINE_AUTO, ENGINE_XSK, ENGINE_LIVE };

struct gen_opts {
	struct xf_gen_addrs a;
	bool have_src_mac, src4, dst4;
	uint32_t size, flows, tx_budget, sport, dport;
	uint64_t rate, count;
	int engine; /* enum gen_engine */
};

struct gen {
	struct gen_opts o;
	const struct xf_port *port;
	struct xf_gen_tmpl tmpl;
	enum gen_engine engine; /* as chosen */
	char auto_reason[160];	/* why auto chose xsk */
	uint32_t batch;
	/* xsk */
	struct rl_umem *umem;
	uint32_t nseg; /* UMEM frames per packet (a chain when > 1) */
	bool budget_set;
	/* live */
	struct gen_live *live;
	uint64_t *live_counts; /* per CPU */
	struct gen_thread *th;
	uint32_t nth;
	uint64_t tx_dropped0; /* the interface's tx_dropped at start */
	bool have_dropped;
	uint64_t prev_sent; /* at the last rate record */
};

/* The options and checks of gen (gen_opts.c). */
extern const struct xf_opt gen_opts[];
extern const struct xf_opt_use gen_shared[];
int gen_check(struct xf_run *r);

#endif
