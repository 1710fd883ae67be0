// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Collecting and printing the forward mode's counters (see fwd_stats.h). */
#include <string.h>

#include "fwd_stats.h"

static const char *const xdp_names[XF_CNT_MAX] = {
	[XF_CNT_REDIRECTED] = "xdp_redirected",
	[XF_CNT_PASS_NOMATCH] = "xdp_pass_nomatch",
	[XF_CNT_PASS_NOSOCK] = "xdp_pass_nosock",
	[XF_CNT_DROP_MALFORMED] = "xdp_drop_malformed",
};

void xf_queue_totals_add(struct xf_queue_totals *t, const struct rl_sock *s)
{
	struct rl_xdp_stats k;

	t->rx_packets += rl_stat_read(s->stats.rx_packets);
	t->rx_bytes += rl_stat_read(s->stats.rx_bytes);
	t->tx_packets += rl_stat_read(s->stats.tx_packets);
	t->tx_bytes += rl_stat_read(s->stats.tx_bytes);
	t->tx_completed += rl_stat_read(s->stats.tx_completed);
	t->rx_left += rl_rx_left(s);
	if (!rl_sock_xdp_stats(s, &k))
		rl_xdp_stats_add(&t->k, &k);
}

void xf_queue_totals_sum(struct xf_queue_totals *into, const struct xf_queue_totals *q)
{
	into->rx_packets += q->rx_packets;
	into->rx_bytes += q->rx_bytes;
	into->tx_packets += q->tx_packets;
	into->tx_bytes += q->tx_bytes;
	into->tx_completed += q->tx_completed;
	into->rx_left += q->rx_left;
	rl_xdp_stats_add(&into->k, &q->k);
}

uint64_t xf_port_drops(const struct xf_port_totals *t)
{
	return t->sum.k.rx_dropped + t->sum.k.rx_ring_full + t->sum.k.tx_invalid_descs +
	       t->xdp[XF_CNT_DROP_MALFORMED];
}

void xf_print_rate(FILE *f, bool json, double t, const char *port,
		   const struct xf_port_totals *prev, const struct xf_port_totals *now, double secs)
{
	double rx_pps = (double)(now->sum.rx_packets - prev->sum.rx_packets) / secs;
	double tx_pps = (double)(now->sum.tx_packets - prev->sum.tx_packets) / secs;
	double rx_mbps = (double)(now->sum.rx_bytes - prev->sum.rx_bytes) * 8 / secs / 1e6;
	double tx_mbps = (double)(now->sum.tx_bytes - prev->sum.tx_bytes) * 8 / secs / 1e6;
	uint64_t drops = xf_port_drops(now), new_drops = drops - xf_port_drops(prev);

	if (json)
		fprintf(f,
			"{\"type\":\"rate\",\"t\":%.3f,\"port\":\"%s\",\"rx_pps\":%.0f,"
			"\"rx_mbps\":%.3f,\"tx_pps\":%.0f,\"tx_mbps\":%.3f,\"drops\":%llu,"
			"\"drops_total\":%llu}\n",
			t, port, rx_pps, rx_mbps, tx_pps, tx_mbps, (unsigned long long)new_drops,
			(unsigned long long)drops);
	else
		fprintf(f,
			"%7.1fs %-10s rx %10.0f pps %9.2f Mbit/s   tx %10.0f pps %9.2f Mbit/s"
			"   drops %llu\n",
			t, port, rx_pps, rx_mbps, tx_pps, tx_mbps, (unsigned long long)new_drops);
	fflush(f);
}

static void print_kernel(FILE *f, bool json, const struct rl_xdp_stats *k)
{
	const char *fmt = json ? ",\"rx_dropped\":%llu,\"rx_ring_full\":%llu,"
				 "\"rx_fill_ring_empty\":%llu,\"rx_invalid_descs\":%llu,"
				 "\"tx_invalid_descs\":%llu,\"tx_ring_empty\":%llu"
			       : " rx_dropped=%llu rx_ring_full=%llu rx_fill_ring_empty=%llu"
				 " rx_invalid_descs=%llu tx_invalid_descs=%llu tx_ring_empty=%llu";

	fprintf(f, fmt, (unsigned long long)k->rx_dropped, (unsigned long long)k->rx_ring_full,
		(unsigned long long)k->rx_fill_ring_empty_descs,
		(unsigned long long)k->rx_invalid_descs, (unsigned long long)k->tx_invalid_descs,
		(unsigned long long)k->tx_ring_empty_descs);
}

static void print_moved(FILE *f, bool json, const struct xf_queue_totals *q)
{
	const char *fmt = json ? "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"rx_left\":%llu,"
				 "\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_completed\":%llu"
			       : "rx_packets=%llu rx_bytes=%llu rx_left=%llu tx_packets=%llu"
				 " tx_bytes=%llu tx_completed=%llu";

	fprintf(f, fmt, (unsigned long long)q->rx_packets, (unsigned long long)q->rx_bytes,
		(unsigned long long)q->rx_left, (unsigned long long)q->tx_packets,
		(unsigned long long)q->tx_bytes, (unsigned long long)q->tx_completed);
	print_kernel(f, json, &q->k);
}

void xf_print_summary(FILE *f, bool json, const char *port, const struct xf_port_totals *t,
		      const uint32_t *queues, const struct xf_queue_totals *qt, uint32_t nq,
		      double secs)
{
	uint32_t i;
	int k;

	if (json) {
		fprintf(f, "{\"type\":\"summary\",\"port\":\"%s\",\"seconds\":%.3f,", port, secs);
		print_moved(f, true, &t->sum);
		for (k = 0; k < XF_CNT_MAX; k++)
			fprintf(f, ",\"%s\":%llu", xdp_names[k], (unsigned long long)t->xdp[k]);
		fprintf(f, ",\"drops\":%llu,\"queues\":[", (unsigned long long)xf_port_drops(t));
		for (i = 0; i < nq; i++) {
			fprintf(f, "%s{\"queue\":%u,", i ? "," : "", queues[i]);
			print_moved(f, true, &qt[i]);
			fprintf(f, "}");
		}
		fprintf(f, "]}\n");
	} else {
		fprintf(f, "summary %s (%.1f s): ", port, secs);
		print_moved(f, false, &t->sum);
		for (k = 0; k < XF_CNT_MAX; k++)
			fprintf(f, " %s=%llu", xdp_names[k], (unsigned long long)t->xdp[k]);
		fprintf(f, " drops=%llu\n", (unsigned long long)xf_port_drops(t));
		for (i = 0; i < nq; i++) {
			fprintf(f, "summary %s/q%u: ", port, queues[i]);
			print_moved(f, false, &qt[i]);
			fprintf(f, "\n");
		}
	}
	fflush(f);
}
