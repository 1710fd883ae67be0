/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The engine of the two forwarding modes, forward (a two-port L2
 * cross-connect) and route (an N-port IP router steered by the kernel's
 * FIB): one set-up, one report, one drain and one tear-down, which differ
 * only in the classifier's flavour and the poller's steering (fwd_poller.h).
 *
 * Set-up, in order: MTU checks -> classifiers attached (rules, and for
 * route the egress ports, written; socket maps still empty, so everything
 * is passed meanwhile) -> one UMEM for all queues -> per queue q: a socket
 * (P,q) on every port P, a pool slice, fill rings primed, sockets entered
 * into the maps. At stop, fwd_drain() detaches the classifiers (no new
 * frames for the sockets) and lets the pollers forward what is already on
 * the rings (at most FWD_DRAIN_MS) before they are stopped; then the
 * summary, then tear-down. With --metrics, the counters are served over
 * HTTP (fwd_metrics.h) from the end of set-up to the start of tear-down,
 * and always over the control socket (core/ctl.h: fwd_stats) while the
 * pollers run.
 */
#ifndef XF_FWD_ENGINE_H
#define XF_FWD_ENGINE_H

#include "fwd_metrics.h"
#include "fwd_poller.h"
#include "fwd_stats.h"
#include "run.h"

#define FWD_DRAIN_MS 500

/* A forwarding mode's context (its xf_mode.ctx_size). */
struct fwd {
	enum fwd_steer steer;
	struct rl_umem *umem;
	struct fwd_poller *pollers;
	uint32_t npollers;
	struct xf_port_totals prev[XF_MAX_PORTS];
	struct fwd_metrics metrics; /* --metrics */
};

/* The checks both modes make: --batch against --ring-size; a warning when
 * the ports have different queue counts and --queues was not given. */
int fwd_check(struct xf_run *r);
/* Everything after the checks; @steer picks the flavour. */
int fwd_setup(struct xf_run *r, enum fwd_steer steer);
/* The start record's "rules" and "ports" lists and the rule lines. */
void fwd_start(struct xf_run *r, struct xf_out *o);
/* The lifecycle's callbacks, the same for both modes. */
void fwd_rate(struct xf_run *r, struct xf_out *o, double t, double dt);
void fwd_drain(struct xf_run *r);
void fwd_summary(struct xf_run *r, struct xf_out *o, double secs);
/* The summary records alone (also `xskfwd ctl PORT stats`, from its thread). */
void fwd_stats(struct xf_run *r, struct xf_out *o, double secs);
void fwd_teardown(struct xf_run *r);

/* The shared options both modes take (--queues ... --busy-poll), and their
 * own (--metrics). */
extern const struct xf_opt_use fwd_shared_opts[];
extern const struct xf_opt fwd_opts[];

/* The members of a forwarding mode's struct xf_mode that the engine gives;
 * the mode adds its name, arguments, text, .setup and .start. */
#define FWD_ENGINE_MODE                                                                           \
	.flags = XF_MODE_PORTS, .shared = fwd_shared_opts, .opts = fwd_opts,                      \
	.ctx_size = sizeof(struct fwd), .check = fwd_check, .rate = fwd_rate, .drain = fwd_drain, \
	.summary = fwd_summary, .teardown = fwd_teardown, .ctl_stats = fwd_stats

#endif
