// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The sink poller's accounting (see sink_poller.h): its trackers and
 * histogram, and one rx batch: each packet parsed, counted, and its frames
 * given back to the pool.
 *
 * A packet is one descriptor, or with multi-buffer a chain of them
 * (rl_chain.h): the batch holds whole packets only (rl_rx_peek_pkts), the
 * headers and the generator's payload are in the first descriptor's frame,
 * and the lengths in them are checked against the packet's length, the sum
 * of its descriptors' (xf_gen_parse_head). So a chain that lost a piece on
 * the way reads as truncated, not as ours. The socket counts packets
 * (rx_packets) and descriptors (rx_descs); the sink's own counters count
 * packets and their bytes.
 *
 * No system call and no clock read (the caller passes the time): the unit
 * tests run it against the ring stand-in of tests/unit/ringlib.
 */
#include <stdlib.h>

#include "sink_poller.h"

int sink_poller_init(struct sink_poller *sp)
{
	uint32_t i;

	sp->streams = calloc(XF_GEN_MAX_STREAMS, sizeof(*sp->streams));
	/* calloc of this size maps fresh zero pages: untouched, they cost nothing */
	sp->stream_bits = calloc((size_t)XF_GEN_MAX_STREAMS * XF_SEQ_WORDS, sizeof(uint64_t));
	sp->latency = malloc(sizeof(*sp->latency));
	if (!sp->streams || !sp->stream_bits || !sp->latency) {
		sink_poller_fini(sp);
		return -ENOMEM;
	}
	for (i = 0; i < XF_GEN_MAX_STREAMS; i++)
		xf_seq_init(&sp->streams[i], sp->stream_bits + (size_t)i * XF_SEQ_WORDS);
	xf_hist_init(sp->latency);
	return 0;
}

void sink_poller_fini(struct sink_poller *sp)
{
	free(sp->streams);
	free(sp->stream_bits);
	free(sp->latency);
	sp->streams = NULL;
	sp->stream_bits = NULL;
	sp->latency = NULL;
}

void sink_rx_batch(struct sink_poller *sp, uint32_t idx, uint32_t n, uint64_t now)
{
	struct rl_sock *s = sp->sock;
	uint64_t bytes = 0, ours = 0, ours_bytes = 0, untimed = 0, len;
	uint32_t i, nd, pkts = 0;
	struct xf_gen_payload pl;
	enum xf_gen_verdict v;

	for (i = 0; i < n; i += nd, pkts++) {
		const struct xdp_desc *d = rl_rx_desc(s, idx + i);

		nd = rl_rx_pkt_len(s, idx + i, n - i);
		/* Its frames straight back (the pool hands them to the fill
		 * ring after this batch): the bytes are read before that. */
		len = rl_pkt_to_pool(s, idx + i, nd, &sp->pool);
		bytes += len;
		v = xf_gen_parse_head(rl_data(sp->area, d->addr), d->len, (uint32_t)len, &pl);
		if (v != XF_GEN_OURS) {
			rl_stat_add(sp->c.other[v], 1);
			continue;
		}
		xf_seq_add(&sp->streams[pl.stream], pl.seq);
		if (pl.tx_ns && pl.tx_ns <= now)
			xf_hist_add(sp->latency, now - pl.tx_ns);
		else
			untimed++;
		ours++;
		ours_bytes += len;
	}
	rl_rx_release_pkts(s, n, pkts, bytes);
	rl_stat_add(sp->c.ours, ours);
	rl_stat_add(sp->c.ours_bytes, ours_bytes);
	rl_stat_add(sp->c.untimed, untimed);
}
