// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd sink IFACE: receive the generator's frames through AF_XDP and
 * account for them: per stream, frames received, lost, reordered and
 * duplicated; one-way latency percentiles; everything else as "other".
 *
 * The lifecycle (core/run.h) checks the arguments, locks the port and runs
 * this mode's callbacks. Set-up, in order: MTU check (multi-buffer when the
 * MTU needs chains of frames: every socket then takes them, the pollers
 * count packets and read each across its chain) -> classifier attached
 * with the rules (socket map still empty, so frames are passed meanwhile)
 * -> one UMEM -> per queue: a receive-only socket, a pool slice, the fill
 * ring primed, the socket entered into the map. Rates once a second; at
 * stop the pollers drain their rx rings once, then the summary merges their
 * trackers and histograms. A poller whose socket reports an error (the
 * interface went away) stops, and the run ends with status 1.
 *
 * Streams and queues: each poller keeps its own tracker per stream. At
 * report time the trackers of one stream are merged (seq_track.h): lost is
 * exact when every sequence number arrived on one queue only, which RSS
 * guarantees for copies of one frame; reordering is seen within a queue
 * only (there is no common order between queues). Streams seen on several
 * queues are counted as "split" in the summary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "counters.h"
#include "log.h"
#include "rules.h"
#include "setup.h"
#include "sink_poller.h"

#define RULE_TEXT_LEN 32

/* Totals over all pollers and streams, as the user reads them. */
struct sink_totals {
	uint64_t rx_packets, rx_bytes; /* everything the sockets received */
	uint64_t rx_descs;	       /* ... in descriptors (frames; multi-buffer) */
	uint64_t received, bytes;      /* ours */
	uint64_t lost, reordered, duplicate, late, cross_dups;
	uint64_t other, other_by[XF_GEN_NVERDICTS], untimed;
	uint32_t streams, split_streams;
	struct rl_xdp_stats k;
	uint64_t xdp[XF_CNT_MAX];
};

struct sink {
	bool all, default_rule;
	char default_text[RULE_TEXT_LEN];
	struct rl_umem *umem;
	struct sink_poller *pollers;
	uint32_t npollers;
	struct sink_totals prev; /* at the last rate record */
};

static int check(struct xf_run *r)
{
	struct sink *k = r->ctx;
	char err[XF_ERRLEN];

	if (k->all && r->o.nrules)
		return xf_bad_arg("sink", "--all", "cannot be combined with --match");
	if (r->o.batch > r->o.ring_size)
		return xf_bad_arg("sink", "--batch", "%u exceeds --ring-size %u", r->o.batch,
				  r->o.ring_size);
	if (!k->all && !r->o.nrules) {
		/* The generator's default traffic. */
		snprintf(k->default_text, sizeof(k->default_text), "udp dport %u",
			 XF_GEN_DEFAULT_DPORT);
		if (xf_rule_parse(k->default_text, &r->o.rules[0], err))
			return xf_bad_arg("sink", "default rule", "%s", err); /* cannot happen */
		r->o.rule_text[0] = k->default_text;
		r->o.nrules = 1;
		k->default_rule = true;
	}
	return 0;
}

/* Per poller: a full fill ring (2N) and a full rx ring (N). */
static uint64_t frames_per_poller(const struct xf_run *r)
{
	return 3ull * r->o.ring_size;
}

static int setup_poller(struct xf_run *r, uint32_t i)
{
	struct sink *k = r->ctx;
	struct sink_poller *sp = &k->pollers[i];
	uint64_t per_poller = frames_per_poller(r);
	struct xf_sock_req q = { .queue = r->o.queues[i], .rx_size = r->o.ring_size };
	int err;

	sp->queue = q.queue;
	sp->batch = r->o.batch;
	sp->spin_ns = (uint64_t)r->o.spin_us * 1000;
	sp->stop = &r->stop;
	sp->area = k->umem->area;
	sp->th.fn = sink_poller_run;
	sp->th.arg = sp;
	sp->th.cpu = xf_run_cpu(r, i);
	err = sink_poller_init(sp);
	if (err) {
		xf_err("q%u: stream trackers: %s", sp->queue, strerror(-err));
		return err;
	}
	err = xf_pool_slice(&sp->pool, k->umem, i, per_poller, sp->queue);
	if (!err)
		err = xf_socket_open(r, &r->port[0], k->umem, &q, &sp->pool, &sp->sock);
	return err ? err : xf_run_thread(r, &sp->th);
}

/*
 * Sum every poller's counters and merge every stream's trackers. With
 * @streams (XF_GEN_MAX_STREAMS entries) and @nqueues, also the merged
 * counts of each stream and the number of queues it was seen on.
 */
static void collect(const struct xf_run *r, struct sink_totals *t, struct xf_seq_counts *streams,
		    uint32_t *nqueues, bool kernel)
{
	const struct sink *k = r->ctx;
	struct xf_seq_counts sum, c;
	uint32_t i, s, v, nq;
	uint64_t cross;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];
		struct rl_xdp_stats ks;

		t->rx_packets += rl_stat_read(sp->sock->stats.rx_packets);
		t->rx_bytes += rl_stat_read(sp->sock->stats.rx_bytes);
		t->rx_descs += rl_stat_read(sp->sock->stats.rx_descs);
		t->bytes += rl_stat_read(sp->c.ours_bytes);
		t->untimed += rl_stat_read(sp->c.untimed);
		for (v = 1; v < XF_GEN_NVERDICTS; v++) {
			t->other_by[v] += rl_stat_read(sp->c.other[v]);
			t->other += rl_stat_read(sp->c.other[v]);
		}
		if (kernel && !rl_sock_xdp_stats(sp->sock, &ks))
			rl_xdp_stats_add(&t->k, &ks);
	}
	for (s = 0; s < XF_GEN_MAX_STREAMS; s++) {
		memset(&sum, 0, sizeof(sum));
		for (i = nq = 0; i < k->npollers; i++) {
			xf_seq_snapshot(&k->pollers[i].streams[s], &c);
			xf_seq_merge(&sum, &c);
			nq += c.received > 0;
		}
		if (streams)
			streams[s] = sum;
		if (nqueues)
			nqueues[s] = nq;
		if (!sum.received)
			continue;
		t->streams++;
		t->split_streams += nq > 1;
		t->received += sum.received;
		t->lost += xf_seq_lost(&sum, &cross);
		t->reordered += sum.reordered;
		t->duplicate += sum.duplicate + cross;
		t->cross_dups += cross;
		t->late += sum.late;
	}
	xf_port_counters(&r->port[0], t->xdp);
}

static int setup(struct xf_run *r)
{
	struct sink *k = r->ctx;
	int err;

	/* Multi-buffer when the MTU needs chains: the pollers read them whole. */
	err = xf_check_mtu(r, &r->port[0], true);
	if (!err)
		err = xf_run_attach(r,
				    &(struct xf_classifier){ .rules = r->o.rules,
							     .nrules = k->all ? 0 : r->o.nrules });
	if (!err)
		err = xf_umem_per_queue(r, frames_per_poller(r), 64 /* no tx */, &k->umem);
	if (err)
		return err;
	k->npollers = r->o.nqueues;
	err = xf_run_pollers(r, (void **)&k->pollers, sizeof(*k->pollers), setup_poller);
	/* The first rate line counts from here, as forward's. */
	if (!err)
		collect(r, &k->prev, NULL, NULL, false);
	return err;
}

static void start(struct xf_run *r, struct xf_out *o)
{
	const struct xf_port *p = &r->port[0];
	struct sink *k = r->ctx;
	uint32_t i;

	xo_bool(o, "all", NULL, k->all);
	xo_arr_open(o, "rules");
	for (i = 0; i < r->o.nrules && !k->all; i++)
		xo_str(o, NULL, NULL, r->o.rule_text[i]);
	xo_arr_close(o);
	xo_arr_open(o, "ports");
	xf_port_out(o, p, r->sg);
	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];

		xf_port_queue_out(o, p, sp->queue);
		xf_sock_out(o, sp->sock);
		xo_i64(o, "cpu", ", cpu %lld\n", sp->th.cpu);
		xo_obj_close(o);
	}
	xf_port_out_close(o);
	xo_arr_close(o);
	for (i = 0; i < r->o.nrules && !k->all; i++)
		xo_text(o, "rule %u: %s%s\n", i + 1, r->o.rule_text[i],
			k->default_rule ? " (default: the generator's port)" : "");
	xo_text(o, "receiving on %s: %s", p->name,
		k->all ? "every frame" : "frames matching a rule");
}

static void rate(struct xf_run *r, struct xf_out *o, double t, double dt)
{
	struct sink *k = r->ctx;
	struct sink_totals cur;

	collect(r, &cur, NULL, NULL, false);
	xo_open(o, "rate");
	xo_double(o, "t", NULL, t);
	xo_str(o, "port", "sink %s:", r->port[0].name);
	xo_double(o, "rx_pps", " rx %.0f pps", (double)(cur.rx_packets - k->prev.rx_packets) / dt);
	xo_double(o, "rx_mbps", " %.2f Mbit/s",
		  (double)(cur.rx_bytes - k->prev.rx_bytes) * 8 / dt / 1e6);
	xo_u64(o, "received", NULL, cur.received);
	xo_u64(o, "lost", "  lost %llu", cur.lost);
	xo_u64(o, "other", "  other %llu", cur.other);
	xo_u64(o, "xdp_pass_nomatch", "  to host: nomatch %llu",
	       cur.xdp[XF_CNT_PASS_NOMATCH] - k->prev.xdp[XF_CNT_PASS_NOMATCH]);
	xo_u64(o, "xdp_pass_nosock", " nosock %llu",
	       cur.xdp[XF_CNT_PASS_NOSOCK] - k->prev.xdp[XF_CNT_PASS_NOSOCK]);
	xo_close(o);
	k->prev = cur;
}

static uint64_t drops(const struct sink_totals *t)
{
	return t->k.rx_dropped + t->k.rx_ring_full + t->k.rx_invalid_descs +
	       t->xdp[XF_CNT_DROP_MALFORMED];
}

/* Multi-buffer: packets and frames (descriptors) differ; said as forward says it. */
static void print_descs(struct xf_out *o, bool sg, uint64_t rx_descs)
{
	if (sg)
		xo_u64(o, "rx_descs", " rx_descs=%llu", rx_descs);
}

static void print_kernel(struct xf_out *o, const struct sink_totals *t, bool sg)
{
	const struct xo_field f[] = {
		{ "rx_packets", t->rx_packets },
		{ "rx_bytes", t->rx_bytes },
	};

	xo_u64_fields(o, f, XO_NFIELDS(f), '=');
	print_descs(o, sg, t->rx_descs);
	xf_sock_stats_out(o, &t->k, false);
	xf_port_counters_out(o, t->xdp, XF_CNT_COMMON);
	xo_u64(o, "drops", " drops=%llu", drops(t));
}

/* A latency in ns as microseconds with ns resolution. */
static void print_us(struct xf_out *o, const char *name, const char *text, uint64_t ns)
{
	char fmt[32];

	snprintf(fmt, sizeof(fmt), " %s %%.3f", text);
	xo_double(o, name, fmt, (double)ns / 1000);
}

static void print_latency(struct xf_out *o, const struct xf_hist *h, const struct sink_totals *t)
{
	xo_obj_open(o, "latency_us");
	if (!h->count) {
		xo_text(o, "latency: no timestamped frames (%llu untimed)",
			(unsigned long long)t->untimed);
		xo_null(o, "p50", NULL);
		xo_null(o, "p99", NULL);
		xo_null(o, "p999", NULL);
		xo_null(o, "max", NULL);
		xo_u64(o, "samples", NULL, 0);
		xo_obj_close(o);
		return;
	}
	xo_text(o, "latency us:");
	print_us(o, "p50", "p50", xf_hist_percentile(h, 50));
	print_us(o, "p99", "p99", xf_hist_percentile(h, 99));
	print_us(o, "p999", "p99.9", xf_hist_percentile(h, 99.9));
	print_us(o, "max", "max", h->max);
	xo_u64(o, "samples", " (%llu timed,", h->count);
	xo_text(o, " %llu untimed)", (unsigned long long)t->untimed);
	xo_obj_close(o);
}

static void print_stream(struct xf_out *o, uint32_t s, const struct xf_seq_counts *c, uint32_t nq)
{
	uint64_t cross, lost = xf_seq_lost(c, &cross);

	xo_obj_open(o, NULL);
	xo_u64(o, "stream", "\nstream %llu:", s);
	xo_u64(o, "received", " received %llu", c->received);
	xo_u64(o, "lost", " lost %llu", lost);
	xo_u64(o, "first", " first %llu", c->first);
	xo_u64(o, "last", " last %llu", c->last);
	xo_u64(o, "reordered", " reordered %llu", c->reordered);
	xo_u64(o, "duplicate", " duplicate %llu", c->duplicate + cross);
	xo_u64(o, "late", " late %llu", c->late);
	xo_u64(o, "queues", " queues %llu", nq);
	xo_obj_close(o);
}

static void print_other(struct xf_out *o, const struct sink_totals *t)
{
	char fmt[40];
	uint32_t v;

	xo_obj_open(o, "other_by_reason");
	for (v = 1; v < XF_GEN_NVERDICTS; v++) {
		snprintf(fmt, sizeof(fmt), "%s%s=%%llu", v > 1 ? " " : "", xf_gen_verdict_name(v));
		xo_u64(o, xf_gen_verdict_name(v), fmt, t->other_by[v]);
	}
	xo_obj_close(o);
}

static void print_queue(struct xf_out *o, const struct sink_poller *sp, uint64_t other,
			const struct rl_xdp_stats *ks)
{
	const struct xo_field f[] = {
		{ "rx_packets", rl_stat_read(sp->sock->stats.rx_packets) },
		{ "rx_bytes", rl_stat_read(sp->sock->stats.rx_bytes) },
	};
	const struct xo_field ours[] = {
		{ "received", rl_stat_read(sp->c.ours) },
		{ "other", other },
	};

	xo_u64_fields(o, f, XO_NFIELDS(f), '=');
	print_descs(o, sp->sock->sg, rl_stat_read(sp->sock->stats.rx_descs));
	xo_u64_fields(o, ours, XO_NFIELDS(ours), '=');
	xf_sock_stats_out(o, ks, false);
	xo_u64(o, "idle_sleeps", " idle_sleeps=%llu", rl_stat_read(sp->c.idle_sleeps));
}

/* Per queue: what its socket took, how much was ours, what the kernel dropped. */
static void print_queues(const struct xf_run *r, struct xf_out *o)
{
	const struct sink *k = r->ctx;
	uint64_t other;
	uint32_t i, v;

	xo_arr_open(o, "queues");
	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];
		struct rl_xdp_stats ks = { 0 };

		rl_sock_xdp_stats(sp->sock, &ks);
		for (v = 1, other = 0; v < XF_GEN_NVERDICTS; v++)
			other += rl_stat_read(sp->c.other[v]);
		xo_obj_open(o, NULL);
		xo_text(o, "\nsummary %s/q%u:", r->port[0].name, sp->queue);
		xo_u64(o, "queue", NULL, sp->queue);
		xo_i64(o, "cpu", " cpu %lld", sp->th.cpu);
		print_queue(o, sp, other, &ks);
		xo_obj_close(o);
	}
	xo_arr_close(o);
}

static void print_totals(struct xf_out *o, const struct sink_totals *t)
{
	const struct xo_field f[] = {
		{ "received", t->received },   { "lost", t->lost }, { "reordered", t->reordered },
		{ "duplicate", t->duplicate }, { "late", t->late }, { "other", t->other },
		{ "bytes", t->bytes },
	};

	xo_u64_fields(o, f, XO_NFIELDS(f), ' ');
}

static void print_summary(const struct xf_run *r, struct xf_out *o, double secs,
			  const struct sink_totals *t, const struct xf_hist *h,
			  const struct xf_seq_counts *streams, const uint32_t *nq)
{
	const char *name = r->port[0].name;
	uint32_t s;

	xo_open(o, "summary");
	xo_str(o, "port", "summary %s", name);
	xo_double(o, "seconds", NULL, secs);
	xo_text(o, " (%.1f s):", secs);
	print_totals(o, t);
	xo_text(o, "\nsummary %s: ", name);
	print_latency(o, h, t);
	xo_u64(o, "untimed", NULL, t->untimed);
	xo_text(o, "\nsummary %s:", name);
	xo_u64(o, "streams_seen", " streams %llu", t->streams);
	xo_u64(o, "split_streams", " split %llu", t->split_streams);
	xo_u64(o, "cross_queue_duplicates", " cross_queue_duplicates %llu", t->cross_dups);
	xo_text(o, " other: ");
	print_other(o, t);
	xo_text(o, "\nsummary %s:", name);
	print_kernel(o, t, r->sg);
	print_queues(r, o);
	xo_arr_open(o, "streams");
	for (s = 0; s < XF_GEN_MAX_STREAMS; s++)
		if (streams[s].received)
			print_stream(o, s, &streams[s], nq[s]);
	xo_arr_close(o);
	xo_close(o);
}

/* After the pollers have stopped: everything is final. */
static void summary(struct xf_run *r, struct xf_out *o, double secs)
{
	struct xf_seq_counts *streams = calloc(XF_GEN_MAX_STREAMS, sizeof(*streams));
	uint32_t *nq = calloc(XF_GEN_MAX_STREAMS, sizeof(*nq)), i;
	struct xf_hist *h = malloc(sizeof(*h));
	struct sink *k = r->ctx;
	struct sink_totals t;

	if (!streams || !h || !nq) {
		xf_err("out of memory for the summary");
		goto out;
	}
	collect(r, &t, streams, nq, true);
	xf_hist_init(h);
	for (i = 0; i < k->npollers; i++)
		xf_hist_merge(h, k->pollers[i].latency);
	print_summary(r, o, secs, &t, h, streams, nq);
	/* Losses of the sink's own making must not pass for the network's. */
	if (t.k.rx_ring_full || t.k.rx_dropped)
		xf_warn("%s: the sink's own sockets dropped %llu frames (rx_ring_full %llu, "
			"rx_dropped %llu), counted as lost above: its pollers did not keep up. "
			"Give them CPUs of their own (--cpus) or a larger --ring-size",
			r->port[0].name, (unsigned long long)(t.k.rx_ring_full + t.k.rx_dropped),
			(unsigned long long)t.k.rx_ring_full, (unsigned long long)t.k.rx_dropped);
out:
	free(streams);
	free(nq);
	free(h);
}

static void teardown(struct xf_run *r)
{
	struct sink *k = r->ctx;
	uint32_t i;

	for (i = 0; i < k->npollers; i++) {
		rl_sock_destroy(k->pollers[i].sock);
		rl_pool_fini(&k->pollers[i].pool);
		sink_poller_fini(&k->pollers[i]);
	}
	xf_umem_destroy(k->umem);
	free(k->pollers);
}

static const struct xf_opt opts[] = {
	{ "all", 0, XF_OPT_FLAG, NULL, offsetof(struct sink, all),
	  .help = "take every frame (ARP, ND and all: the host stack gets none of IFACE's "
		  "traffic)" },
	{},
};

static const struct xf_opt_use shared[] = {
	{ .name = "queues", .def_help = "every rx queue of IFACE" },
	{ .name = "cpus" },
	{ .name = "match",
	  .help = "take frames matching RULE (repeatable, up to 64; any may match). RULE is "
		  "words from: ip | ip6 | src PREFIX | dst PREFIX | tcp | udp | sctp | icmp | "
		  "icmp6 | proto N | sport P[-Q] | dport P[-Q] | ethertype N | vlan ID | any",
	  .def_help = "'udp dport 9000', the generator's port" },
	{ .name = "mode" },
	{ .name = "xdp-mode" },
	{ .name = "frame-size" },
	{ .name = "ring-size",
	  .help = "rx ring entries, a power of two; the fill ring gets "
		  "twice as many" },
	{ .name = "batch", .help = "descriptors read per ring operation" },
	{ .name = "spin-us",
	  .def = "0",
	  .help = "keep polling an empty rx ring N us before sleeping; 0 sleeps at once, "
		  "which leaves the CPU to a generator or forwarder sharing it; spin when the "
		  "pollers have CPUs of their own" },
	{},
};

const struct xf_mode xf_sink_mode = {
	.name = "sink",
	.args = "IFACE",
	.about = "Receive the generator's test frames (xskfwd gen) on IFACE through AF_XDP and\n"
		 "count them per stream: received, lost, reordered, duplicate, and one-way\n"
		 "latency (p50/p99/p99.9/max). Other frames the rules choose are counted as\n"
		 "other; frames no rule chooses go to the host stack (XDP_PASS).\n"
		 "Runs until SIGINT, SIGTERM or SIGHUP; prints rates once a second, a summary\n"
		 "at exit.",
	.notes = "Lost counts the sequence numbers missing between the first and the last one\n"
		 "received per stream: compare the generator's sent with received - duplicate.",
	.min_ifaces = 1,
	.max_ifaces = 1,
	.flags = XF_MODE_PORTS,
	.shared = shared,
	.opts = opts,
	.ctx_size = sizeof(struct sink),
	.check = check,
	.setup = setup,
	.start = start,
	.rate = rate,
	.summary = summary,
	.teardown = teardown,
};
