/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counters of the forward mode, as the user reads them.
 *
 * Per (port, queue) and summed per port: what our pollers moved (user-space
 * counters of ringlib), what the kernel reports for the socket
 * (XDP_STATISTICS), and, per port, the classifier's counters. "drops" is
 * every frame of ours that was lost on the way: dropped by the socket
 * (rx_dropped, which includes an empty fill ring, and rx_ring_full),
 * invalid tx descriptors, and malformed frames the classifier dropped.
 * Every frame the classifier redirected is in exactly one of: rx_packets,
 * rx_left (still on the rx ring: at exit, what the bounded drain did not
 * take), rx_dropped, rx_ring_full, rx_invalid_descs. What the classifier
 * left to the host stack is in xdp_pass_nomatch (no rule chose it) and
 * xdp_pass_nosock (chosen, but it arrived on a queue no poller serves);
 * the live lines show both. In route mode (@route below) the classifier
 * also leaves chosen frames to the kernel's routing, by reason
 * (xdp_slow_*: in the summary; their sum on the live lines as "slow").
 * A frame routed from port P to port E is in P's rx_packets and E's
 * tx_packets.
 */
#ifndef XF_FWD_STATS_H
#define XF_FWD_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "fwd_poller.h"
#include "out.h"
#include "port.h"
#include "rl.h"
#include "xskfwd_shared.h"

struct xf_queue_totals {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t tx_completed; /* descriptors (frames), as rx_descs and tx_descs */
	uint64_t rx_descs, tx_descs, tx_chain_too_long;
	bool sg;	  /* multi-buffer: the three above are printed */
	uint64_t rx_left; /* on the rx ring, not taken by the poller (yet) */
	struct rl_xdp_stats k;
};

struct xf_port_totals {
	struct xf_queue_totals sum;
	uint64_t xdp[XF_CNT_MAX];
};

/*
 * Totals of port @p, which is socket @k of each of the @n pollers; with
 * @per_queue, each queue's too. Reads kernel statistics (system calls).
 */
void xf_fwd_collect(const struct xf_port *p, const struct fwd_poller *pollers, uint32_t n, int k,
		    struct xf_port_totals *t, struct xf_queue_totals *per_queue);
uint64_t xf_port_drops(const struct xf_port_totals *t);

/*
 * A queue's (or a port's summed) counters as (name, value) pairs into @f, in
 * the summary's order; the multi-buffer ones only when @q->sg. Returns how
 * many (at most XF_QUEUE_FIELDS).
 */
#define XF_QUEUE_FIELDS (9 + XF_SOCK_FIELDS)
size_t xf_queue_fields(const struct xf_queue_totals *q, struct xo_field *f);

/* One rate record for a port: from @prev to @now over @secs. */
void xf_print_rate(struct xf_out *o, double t, const char *port, const struct xf_port_totals *prev,
		   const struct xf_port_totals *now, double secs, bool route);

/* Exit summary for a port, with its @nq queues' totals. */
void xf_print_summary(struct xf_out *o, const char *port, const struct xf_port_totals *t,
		      const uint32_t *queues, const struct xf_queue_totals *qt, uint32_t nq,
		      double secs, bool route);

#endif
