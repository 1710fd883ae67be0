// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd forward IF_A IF_B: cross-connect two interfaces through one UMEM,
 * every chosen frame to the other port as it is. The engine
 * (fwd_engine.h) does the work; this file declares the mode.
 */
#include "commands.h"
#include "fwd_engine.h"

static int setup(struct xf_run *r)
{
	return fwd_setup(r, FWD_CROSS);
}

static void start(struct xf_run *r, struct xf_out *o)
{
	fwd_start(r, o);
	xo_text(o, "forwarding %s <-> %s: %s", r->port[0].name, r->port[1].name,
		r->o.nrules ? "frames matching a rule" : "every frame");
}

const struct xf_mode xf_forward_mode = {
	.name = "forward",
	.args = "IF_A IF_B",
	.about = "Forward chosen frames between IF_A and IF_B, both ways, through AF_XDP\n"
		 "sockets sharing one UMEM. Other frames go to the host stack (XDP_PASS).\n"
		 "Runs until SIGINT, SIGTERM or SIGHUP; prints rates once a second, a summary\n"
		 "at exit.",
	.min_ifaces = 2,
	.max_ifaces = 2,
	.setup = setup,
	.start = start,
	FWD_ENGINE_MODE,
};
