// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Collecting and printing the forward mode's counters (see fwd_stats.h). */
#include <string.h>

#include "counters.h"
#include "fwd_stats.h"

static void queue_totals_add(struct xf_queue_totals *t, const struct rl_sock *s)
{
	struct rl_xdp_stats k;

	t->rx_packets += rl_stat_read(s->stats.rx_packets);
	t->rx_bytes += rl_stat_read(s->stats.rx_bytes);
	t->tx_packets += rl_stat_read(s->stats.tx_packets);
	t->tx_bytes += rl_stat_read(s->stats.tx_bytes);
	t->tx_completed += rl_stat_read(s->stats.tx_completed);
	t->rx_descs += rl_stat_read(s->stats.rx_descs);
	t->tx_descs += rl_stat_read(s->stats.tx_descs);
	t->tx_chain_too_long += rl_stat_read(s->stats.tx_chain_too_long);
	t->sg |= s->sg;
	t->rx_left += rl_rx_left(s);
	if (!rl_sock_xdp_stats(s, &k))
		rl_xdp_stats_add(&t->k, &k);
}

static void queue_totals_sum(struct xf_queue_totals *into, const struct xf_queue_totals *q)
{
	into->rx_packets += q->rx_packets;
	into->rx_bytes += q->rx_bytes;
	into->tx_packets += q->tx_packets;
	into->tx_bytes += q->tx_bytes;
	into->tx_completed += q->tx_completed;
	into->rx_descs += q->rx_descs;
	into->tx_descs += q->tx_descs;
	into->tx_chain_too_long += q->tx_chain_too_long;
	into->sg |= q->sg;
	into->rx_left += q->rx_left;
	rl_xdp_stats_add(&into->k, &q->k);
}

void xf_fwd_collect(const struct xf_port *p, const struct fwd_poller *pollers, uint32_t n, int k,
		    struct xf_port_totals *t, struct xf_queue_totals *per_queue)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		struct xf_queue_totals q = {};

		queue_totals_add(&q, pollers[i].sock[k]);
		if (per_queue)
			per_queue[i] = q;
		queue_totals_sum(&t->sum, &q);
	}
	xf_port_counters(p, t->xdp);
}

uint64_t xf_port_drops(const struct xf_port_totals *t)
{
	return t->sum.k.rx_dropped + t->sum.k.rx_ring_full + t->sum.k.tx_invalid_descs +
	       t->sum.tx_chain_too_long + t->xdp[XF_CNT_DROP_MALFORMED];
}

/* The route flavour's frames left to the kernel (every XF_CNT_SLOW_*). */
static uint64_t slow_total(const struct xf_port_totals *t)
{
	uint64_t n = 0;
	int k;

	for (k = XF_CNT_COMMON; k < XF_CNT_MAX; k++)
		n += t->xdp[k];
	return n;
}

void xf_print_rate(struct xf_out *o, double t, const char *port, const struct xf_port_totals *prev,
		   const struct xf_port_totals *now, double secs, bool route)
{
	uint64_t drops = xf_port_drops(now);

	xo_open(o, "rate");
	xo_double(o, "t", NULL, t);
	xo_text(o, "%7.1fs", t);
	xo_str(o, "port", " %-10s", port);
	xo_double(o, "rx_pps", " rx %10.0f pps",
		  (double)(now->sum.rx_packets - prev->sum.rx_packets) / secs);
	xo_double(o, "rx_mbps", " %9.2f Mbit/s",
		  (double)(now->sum.rx_bytes - prev->sum.rx_bytes) * 8 / secs / 1e6);
	xo_double(o, "tx_pps", "   tx %10.0f pps",
		  (double)(now->sum.tx_packets - prev->sum.tx_packets) / secs);
	xo_double(o, "tx_mbps", " %9.2f Mbit/s",
		  (double)(now->sum.tx_bytes - prev->sum.tx_bytes) * 8 / secs / 1e6);
	xo_u64(o, "drops", "   drops %llu", drops - xf_port_drops(prev));
	xo_u64(o, "drops_total", NULL, drops);
	/* What leaks to the host stack: no rule chose it, or no poller's queue. */
	xo_u64(o, "xdp_pass_nomatch", "   to host: nomatch %llu",
	       now->xdp[XF_CNT_PASS_NOMATCH] - prev->xdp[XF_CNT_PASS_NOMATCH]);
	xo_u64(o, "xdp_pass_nosock", " nosock %llu",
	       now->xdp[XF_CNT_PASS_NOSOCK] - prev->xdp[XF_CNT_PASS_NOSOCK]);
	if (route) /* chosen, but the kernel's to route: the slow path */
		xo_u64(o, "xdp_slow", " slow %llu", slow_total(now) - slow_total(prev));
	xo_close(o);
}

size_t xf_queue_fields(const struct xf_queue_totals *q, struct xo_field *f)
{
	const struct xo_field moved[] = {
		{ "rx_packets", q->rx_packets }, { "rx_bytes", q->rx_bytes },
		{ "rx_left", q->rx_left },	 { "tx_packets", q->tx_packets },
		{ "tx_bytes", q->tx_bytes },	 { "tx_completed", q->tx_completed },
	};
	/* Multi-buffer: packets and frames (descriptors) differ. */
	const struct xo_field chains[] = {
		{ "rx_descs", q->rx_descs },
		{ "tx_descs", q->tx_descs },
		{ "tx_chain_too_long", q->tx_chain_too_long },
	};
	size_t n = XO_NFIELDS(moved);

	memcpy(f, moved, sizeof(moved));
	if (q->sg) {
		memcpy(f + n, chains, sizeof(chains));
		n += XO_NFIELDS(chains);
	}
	return n + xf_sock_stats_fields(&q->k, true, f + n);
}

static void print_moved(struct xf_out *o, const struct xf_queue_totals *q)
{
	struct xo_field f[XF_QUEUE_FIELDS];

	xo_u64_fields(o, f, xf_queue_fields(q, f), '=');
}

void xf_print_summary(struct xf_out *o, const char *port, const struct xf_port_totals *t,
		      const uint32_t *queues, const struct xf_queue_totals *qt, uint32_t nq,
		      double secs, bool route)
{
	uint32_t i;

	xo_open(o, "summary");
	xo_str(o, "port", "summary %s", port);
	xo_double(o, "seconds", NULL, secs);
	xo_text(o, " (%.1f s):", secs);
	print_moved(o, &t->sum);
	xf_port_counters_out(o, t->xdp, route ? XF_CNT_MAX : XF_CNT_COMMON);
	xo_u64(o, "drops", " drops=%llu", xf_port_drops(t));
	xo_arr_open(o, "queues");
	for (i = 0; i < nq; i++) {
		xo_obj_open(o, NULL);
		xo_text(o, "\nsummary %s/q%u:", port, queues[i]);
		xo_u64(o, "queue", NULL, queues[i]);
		print_moved(o, &qt[i]);
		xo_obj_close(o);
	}
	xo_arr_close(o);
	xo_close(o);
}
