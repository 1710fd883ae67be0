// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd forward IF_A IF_B: cross-connect two interfaces through one UMEM.
 *
 * The lifecycle (core/run.h) checks the arguments, locks both ports and
 * runs this mode's callbacks. Set-up, in order: MTU checks -> classifiers
 * attached (rules written, socket maps still empty, so everything is passed
 * meanwhile) -> one UMEM for all queues -> per queue q: sockets (A,q) and
 * (B,q), a pool slice, fill rings primed, sockets entered into the maps.
 * At stop, .drain detaches the classifiers (no new frames for the sockets)
 * and lets the pollers forward what is already on the rings (at most
 * DRAIN_MS) before they are stopped; then the summary, then tear-down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "fwd_poller.h"
#include "fwd_stats.h"
#include "log.h"
#include "setup.h"

#define DRAIN_MS 500

struct fwd {
	struct rl_umem *umem;
	struct fwd_poller *pollers;
	uint32_t npollers;
	struct xf_port_totals prev[2];
};

static int check(struct xf_run *r)
{
	if (r->o.batch > r->o.ring_size)
		return xf_bad_arg("forward", "--batch", "%u exceeds --ring-size %u", r->o.batch,
				  r->o.ring_size);
	if (r->port[0].nqueues != r->port[1].nqueues && !xf_opt_given(&r->opts, "queues"))
		xf_warn("%s has %u queues and %s has %u: serving queues 0-%u", r->port[0].name,
			r->port[0].nqueues, r->port[1].name, r->port[1].nqueues, r->o.nqueues - 1);
	return 0;
}

static int setup_poller(struct xf_run *r, uint32_t i)
{
	struct fwd *f = r->ctx;
	struct fwd_poller *fp = &f->pollers[i];
	uint64_t per_poller = f->umem->nframes / f->npollers;
	struct xf_sock_req q = {
		.queue = r->o.queues[i],
		.rx_size = r->o.ring_size,
		.tx_size = r->o.ring_size,
		.tx_budget = r->o.ring_size,
	};
	int err, k;

	fp->queue = q.queue;
	fp->batch = r->o.batch;
	fp->busy_poll = r->o.busy_poll_us != 0;
	fp->spin_ns = (uint64_t)r->o.spin_us * 1000;
	fp->stop = &r->stop;
	fp->th.fn = fwd_poller_run;
	fp->th.arg = fp;
	fp->th.cpu = xf_run_cpu(r, i);
	err = xf_pool_slice(&fp->pool, f->umem, i, per_poller, fp->queue);
	for (k = 0; k < 2 && !err; k++)
		err = xf_socket_open(r, &r->port[k], f->umem, &q, &fp->pool, &fp->sock[k]);
	return err ? err : xf_run_thread(r, &fp->th);
}

static int setup(struct xf_run *r)
{
	struct fwd *f = r->ctx;
	/* Per socket: a full fill ring, a full rx ring and a full tx ring. */
	int k, err;

	for (k = 0; k < 2; k++) {
		err = xf_check_mtu(&r->port[k], r->o.frame_size);
		if (err)
			return err;
	}
	err = xf_run_attach(r, r->o.rules, r->o.nrules);
	if (err)
		return err;
	/* Per socket: a full fill ring (2N), a full rx ring and a full tx ring. */
	err = xf_umem_per_queue(r, 2 * 4ull * r->o.ring_size, r->o.ring_size * 2, &f->umem);
	if (err)
		return err;
	f->npollers = r->o.nqueues;
	err = xf_run_pollers(r, (void **)&f->pollers, sizeof(*f->pollers), setup_poller);
	/* The first rate line counts from here: the classifiers passed frames
	 * while the sockets were made. */
	for (k = 0; !err && k < 2; k++)
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &f->prev[k], NULL);
	return err;
}

static void start(struct xf_run *r, struct xf_out *o)
{
	struct fwd *f = r->ctx;
	uint32_t i;
	int k;

	xo_arr_open(o, "rules");
	for (i = 0; i < r->o.nrules; i++)
		xo_str(o, NULL, NULL, r->o.rule_text[i]);
	xo_arr_close(o);
	xo_arr_open(o, "ports");
	for (k = 0; k < 2; k++) {
		xf_port_out(o, &r->port[k]);
		for (i = 0; i < f->npollers; i++) {
			const struct fwd_poller *fp = &f->pollers[i];

			xf_port_queue_out(o, &r->port[k], fp->queue);
			xo_str(o, "bind_mode", "bind %s",
			       fp->sock[k]->zerocopy ? "zero-copy" : "copy");
			xo_bool(o, "need_wakeup", ", need_wakeup %s", fp->sock[k]->need_wakeup);
			xo_bool(o, "busy_poll", ", busy_poll %s", fp->busy_poll);
			xo_i64(o, "cpu", ", cpu %lld\n", fp->th.cpu);
			xo_obj_close(o);
		}
		xf_port_out_close(o);
	}
	xo_arr_close(o);
	for (i = 0; i < r->o.nrules; i++)
		xo_text(o, "rule %u: %s\n", i + 1, r->o.rule_text[i]);
	xo_text(o, "forwarding %s <-> %s: %s", r->port[0].name, r->port[1].name,
		r->o.nrules ? "frames matching a rule" : "every frame");
}

static void rate(struct xf_run *r, struct xf_out *o, double t, double dt)
{
	struct fwd *f = r->ctx;
	struct xf_port_totals cur;
	int k;

	for (k = 0; k < 2; k++) {
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &cur, NULL);
		xf_print_rate(o, t, r->port[k].name, &f->prev[k], &cur, dt);
		f->prev[k] = cur;
	}
}

/*
 * Stop without losing what was already received: unhook the classifiers (no
 * new frames come in) and let the pollers forward what is still on the rx
 * and tx rings, at most DRAIN_MS; the lifecycle then stops them.
 */
static void drain(struct xf_run *r)
{
	struct timespec ms = { 0, 1000 * 1000 };
	struct fwd *f = r->ctx;
	uint32_t i, t;
	bool idle;
	int k;

	for (k = 0; k < 2; k++)
		xf_port_detach(&r->port[k]);
	for (t = 0; t < DRAIN_MS && !atomic_load(&r->failed); t++) {
		idle = true;
		for (i = 0; i < f->npollers && idle; i++)
			for (k = 0; k < 2; k++)
				idle = idle && (!f->pollers[i].th.started ||
						rl_rings_empty(f->pollers[i].sock[k]));
		if (idle)
			break;
		nanosleep(&ms, NULL);
	}
}

static void summary(struct xf_run *r, struct xf_out *o, double secs)
{
	struct xf_queue_totals qt[XF_MAX_LIST];
	struct fwd *f = r->ctx;
	struct xf_port_totals t;
	uint32_t i;
	int k;

	for (k = 0; k < 2; k++) {
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &t, qt);
		xf_print_summary(o, r->port[k].name, &t, r->o.queues, qt, f->npollers, secs);
	}
	/* Never expected: the kernel handed back a frame that was not in flight. */
	for (i = 0; i < f->npollers; i++)
		if (f->pollers[i].pool.errors)
			xf_warn("q%u: %llu completed frame(s) were foreign or already free, and "
				"were ignored",
				f->pollers[i].queue, (unsigned long long)f->pollers[i].pool.errors);
}

static void teardown(struct xf_run *r)
{
	struct fwd *f = r->ctx;
	uint32_t i;
	int k;

	for (i = 0; i < f->npollers; i++) {
		for (k = 0; k < 2; k++)
			rl_sock_destroy(f->pollers[i].sock[k]);
		rl_pool_fini(&f->pollers[i].pool);
	}
	xf_umem_destroy(f->umem);
	free(f->pollers);
}

static const struct xf_opt_use shared[] = {
	{ .name = "queues", .def_help = "every rx queue both interfaces have" },
	{ .name = "cpus" },
	{ .name = "match",
	  .help = "forward only frames matching RULE (repeatable, up to 64; any may "
		  "match; default: every frame). RULE is words from: ip | ip6 | src "
		  "PREFIX | dst PREFIX | tcp | udp | sctp | icmp | icmp6 | proto N | "
		  "sport P[-Q] | dport P[-Q] | ethertype N | vlan ID | any; e.g. 'udp "
		  "dport 4789', 'ip6 dst 2001:db8::/32'" },
	{ .name = "mode" },
	{ .name = "xdp-mode" },
	{ .name = "frame-size" },
	{ .name = "ring-size" },
	{ .name = "batch" },
	{ .name = "no-need-wakeup" },
	{ .name = "spin-us" },
	{ .name = "busy-poll" },
	{},
};

const struct xf_mode xf_forward_mode = {
	.name = "forward",
	.args = "IF_A IF_B",
	.about = "Forward chosen frames between IF_A and IF_B, both ways, through AF_XDP\n"
		 "sockets sharing one UMEM. Other frames go to the host stack (XDP_PASS).\n"
		 "Runs until SIGINT, SIGTERM or SIGHUP; prints rates once a second, a summary\n"
		 "at exit.",
	.min_ifaces = 2,
	.max_ifaces = 2,
	.flags = XF_MODE_PORTS,
	.shared = shared,
	.ctx_size = sizeof(struct fwd),
	.check = check,
	.setup = setup,
	.start = start,
	.rate = rate,
	.drain = drain,
	.summary = summary,
	.teardown = teardown,
};
