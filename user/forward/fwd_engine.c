// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The forwarding modes' engine (design in fwd_engine.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwd_engine.h"
#include "log.h"
#include "setup.h"

int fwd_check(struct xf_run *r)
{
	uint32_t k;

	if (r->o.batch > r->o.ring_size)
		return xf_bad_arg(r->mode->name, "--batch", "%u exceeds --ring-size %u", r->o.batch,
				  r->o.ring_size);
	if (xf_opt_given(&r->opts, "queues"))
		return 0;
	for (k = 1; k < r->nports; k++)
		if (r->port[k].nqueues != r->port[0].nqueues) {
			xf_warn("%s has %u queues and %s has %u: serving queues 0-%u",
				r->port[0].name, r->port[0].nqueues, r->port[k].name,
				r->port[k].nqueues, r->o.nqueues - 1);
			break;
		}
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
	uint32_t k;
	int err;

	fp->steer = f->steer;
	fp->nsocks = r->nports;
	fp->queue = q.queue;
	fp->batch = r->o.batch;
	fp->busy_poll = r->o.busy_poll_us != 0;
	fp->spin_ns = (uint64_t)r->o.spin_us * 1000;
	fp->stop = &r->stop;
	fp->th.fn = fwd_poller_run;
	fp->th.arg = fp;
	fp->th.cpu = xf_run_cpu(r, i);
	err = xf_pool_slice(&fp->pool, f->umem, i, per_poller, fp->queue);
	for (k = 0; k < r->nports && !err; k++)
		err = xf_socket_open(r, &r->port[k], f->umem, &q, &fp->pool, &fp->sock[k]);
	return err ? err : xf_run_thread(r, &fp->th);
}

static int attach(struct xf_run *r, enum fwd_steer steer)
{
	struct xf_classifier c = { .rules = r->o.rules, .nrules = r->o.nrules };
	int ifindex[XF_MAX_PORTS];
	uint32_t k;

	if (steer == FWD_ROUTE) {
		for (k = 0; k < r->nports; k++)
			ifindex[k] = r->port[k].ifindex;
		c.route_ifindex = ifindex;
		c.nroute = r->nports;
	}
	return xf_run_attach(r, &c);
}

int fwd_setup(struct xf_run *r, enum fwd_steer steer)
{
	struct fwd *f = r->ctx;
	uint32_t k;
	int err;

	f->steer = steer;
	for (k = 0; k < r->nports; k++) {
		err = xf_check_mtu(r, &r->port[k], true);
		if (err)
			return err;
	}
	err = attach(r, steer);
	if (err)
		return err;
	/* Per socket: a full fill ring (2N), a full rx ring and a full tx ring. */
	err = xf_umem_per_queue(r, r->nports * 4ull * r->o.ring_size, r->o.ring_size * 2, &f->umem);
	if (err)
		return err;
	f->npollers = r->o.nqueues;
	err = xf_run_pollers(r, (void **)&f->pollers, sizeof(*f->pollers), setup_poller);
	/* The first rate line counts from here: the classifiers passed frames
	 * while the sockets were made. */
	for (k = 0; !err && k < r->nports; k++)
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &f->prev[k], NULL);
	return err ? err : fwd_metrics_start(&f->metrics, r);
}

void fwd_start(struct xf_run *r, struct xf_out *o)
{
	struct fwd *f = r->ctx;
	uint32_t i, k;

	xo_arr_open(o, "rules");
	for (i = 0; i < r->o.nrules; i++)
		xo_str(o, NULL, NULL, r->o.rule_text[i]);
	xo_arr_close(o);
	xo_arr_open(o, "ports");
	for (k = 0; k < r->nports; k++) {
		xf_port_out(o, &r->port[k], r->sg);
		for (i = 0; i < f->npollers; i++) {
			const struct fwd_poller *fp = &f->pollers[i];

			xf_port_queue_out(o, &r->port[k], fp->queue);
			xf_sock_out(o, fp->sock[k]);
			xo_bool(o, "busy_poll", ", busy_poll %s", fp->busy_poll);
			xo_i64(o, "cpu", ", cpu %lld\n", fp->th.cpu);
			xo_obj_close(o);
		}
		xf_port_out_close(o);
	}
	xo_arr_close(o);
	for (i = 0; i < r->o.nrules; i++)
		xo_text(o, "rule %u: %s\n", i + 1, r->o.rule_text[i]);
	fwd_metrics_out(&f->metrics, o);
}

void fwd_rate(struct xf_run *r, struct xf_out *o, double t, double dt)
{
	struct fwd *f = r->ctx;
	struct xf_port_totals cur;
	uint32_t k;

	for (k = 0; k < r->nports; k++) {
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &cur, NULL);
		xf_print_rate(o, t, r->port[k].name, &f->prev[k], &cur, dt, f->steer == FWD_ROUTE);
		f->prev[k] = cur;
	}
}

/*
 * Stop without losing what was already received: unhook the classifiers (no
 * new frames come in) and let the pollers forward what is still on the rx
 * and tx rings, at most FWD_DRAIN_MS; the lifecycle then stops them.
 */
void fwd_drain(struct xf_run *r)
{
	struct timespec ms = { 0, 1000 * 1000 };
	struct fwd *f = r->ctx;
	uint32_t i, k, t;
	bool idle;

	for (k = 0; k < r->nports; k++)
		xf_port_detach(&r->port[k]);
	for (t = 0; t < FWD_DRAIN_MS && !atomic_load(&r->failed); t++) {
		idle = true;
		for (i = 0; i < f->npollers && idle; i++)
			for (k = 0; k < r->nports; k++)
				idle = idle && (!f->pollers[i].th.started ||
						rl_rings_empty(f->pollers[i].sock[k]));
		if (idle)
			break;
		nanosleep(&ms, NULL);
	}
}

void fwd_stats(struct xf_run *r, struct xf_out *o, double secs)
{
	struct xf_queue_totals qt[XF_MAX_LIST];
	struct fwd *f = r->ctx;
	struct xf_port_totals t;
	uint32_t k;

	for (k = 0; k < r->nports; k++) {
		xf_fwd_collect(&r->port[k], f->pollers, f->npollers, k, &t, qt);
		xf_print_summary(o, r->port[k].name, &t, r->o.queues, qt, f->npollers, secs,
				 f->steer == FWD_ROUTE);
	}
}

void fwd_summary(struct xf_run *r, struct xf_out *o, double secs)
{
	struct fwd *f = r->ctx;
	uint32_t i;

	fwd_stats(r, o, secs);
	/* Never expected: the kernel handed back a frame that was not in flight,
	 * or the classifier redirected a frame without its route metadata. */
	for (i = 0; i < f->npollers; i++) {
		const struct fwd_poller *fp = &f->pollers[i];

		if (fp->pool.errors)
			xf_warn("q%u: %llu completed frame(s) were foreign or already free, and "
				"were ignored",
				fp->queue, (unsigned long long)fp->pool.errors);
		if (rl_stat_read(fp->bad_meta))
			xf_warn("q%u: %llu received frame(s) had no route metadata, and were "
				"dropped",
				fp->queue, (unsigned long long)rl_stat_read(fp->bad_meta));
	}
}

void fwd_teardown(struct xf_run *r)
{
	struct fwd *f = r->ctx;
	uint32_t i, k;

	fwd_metrics_stop(&f->metrics); /* first: it reads the sockets */
	for (i = 0; i < f->npollers; i++) {
		for (k = 0; k < r->nports; k++)
			rl_sock_destroy(f->pollers[i].sock[k]);
		rl_pool_fini(&f->pollers[i].pool);
	}
	xf_umem_destroy(f->umem);
	free(f->pollers);
}

const struct xf_opt_use fwd_shared_opts[] = {
	{ .name = "queues", .def_help = "every rx queue all the interfaces have" },
	{ .name = "cpus" },
	{ .name = "match",
	  .help = "take only frames matching RULE (repeatable, up to 64; any may match; "
		  "default: every frame); the others go to the host stack. RULE is words "
		  "from: ip | ip6 | src PREFIX | dst PREFIX | tcp | udp | sctp | icmp | "
		  "icmp6 | proto N | sport P[-Q] | dport P[-Q] | ethertype N | vlan ID | "
		  "any; e.g. 'udp dport 4789', 'ip6 dst 2001:db8::/32'" },
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

static int parse_metrics(void *dst, const struct xf_opt *opt, const char *arg, char *err)
{
	struct fwd *f = dst;

	(void)opt;
	return fwd_metrics_parse(&f->metrics, arg, err);
}

const struct xf_opt fwd_opts[] = {
	{ "metrics", 0, XF_OPT_FN, "ADDR:PORT", .parse = parse_metrics,
	  .help = "serve the counters for Prometheus at http://ADDR:PORT/metrics (IPv4:PORT or "
		  "[IPv6]:PORT), from a thread of its own off the pollers' CPUs" },
	{},
};
