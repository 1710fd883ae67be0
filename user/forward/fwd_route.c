// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The route steering of the forwarding poller (fwd_poller.h): each received
 * frame carries, in the XDP metadata in front of it, the egress port and the
 * MACs the kernel's FIB and neighbour tables chose for it (struct
 * xf_route_meta, written by the classifier's route flavour). The frame is
 * rewritten in place (xf_ip_forward) and its descriptor moves to the egress
 * port's tx ring on the same queue: the bytes never move.
 *
 * Room is checked before the rewrite: a frame that must wait for its tx ring
 * stays on the rx ring untouched, and is rewritten once, when it leaves.
 *
 * Multi-buffer: a packet is a chain of descriptors (rl_chain.h) and moves
 * whole: the metadata is in front of its first descriptor only, and the
 * headers to rewrite are in the first descriptor; the room check covers all
 * its descriptors (rl_tx_put_pkt). Without multi-buffer every packet is one
 * descriptor and this is the same loop.
 */
#include "fwd_poller.h"
#include "ip_forward.h"
#include "xskfwd_shared.h"

/* The metadata in front of the frame at @data, or NULL if it is not ours. */
static const struct xf_route_meta *route_meta(const uint8_t *data, uint32_t nsocks)
{
	const struct xf_route_meta *m = (const void *)(data - sizeof(*m));

	if (m->magic != XF_ROUTE_META_MAGIC || m->port >= nsocks)
		return NULL;
	return m;
}

uint32_t fwd_route_rx(struct fwd_poller *fp, struct rl_sock *in)
{
	void *area = in->umem->area;
	uint32_t idx, n = rl_rx_peek_pkts(in, fp->batch, &idx), i, k, len, pkts = 0;
	uint64_t bytes = 0, bad = 0;

	for (i = 0; i < n; i += len, pkts++) {
		const struct xdp_desc *d = rl_rx_desc(in, idx + i);
		uint8_t *data = rl_data(area, d->addr);
		const struct xf_route_meta *m = route_meta(data, fp->nsocks);
		struct rl_sock *out = NULL;

		len = rl_rx_pkt_len(in, idx + i, n - i);
		if (m) {
			out = fp->sock[m->port];
			/* one room check for all its descriptors (a packet
			 * too long for @out is dropped by rl_tx_put_pkt) */
			if (len <= out->max_chain && rl_tx_room(out, len) < len)
				break; /* it and the rest wait on the rx ring */
		}
		if (!m || xf_ip_forward(data, d->len, m->dmac, m->smac) < 0) {
			/* Never expected (the classifier writes the metadata
			 * of every frame it redirects, and only redirects
			 * frames xf_ip_forward takes): the frames are ours
			 * again, counted. */
			bytes += rl_pkt_to_pool(in, idx + i, len, &fp->pool);
			bad++;
			continue;
		}
		rl_tx_put_pkt(out, in, idx + i, len, &fp->pool, &bytes);
	}
	for (k = 0; k < fp->nsocks; k++)
		rl_tx_submit(fp->sock[k]);
	if (n)
		rl_rx_release_pkts(in, i, pkts, bytes);
	if (bad)
		rl_stat_add(fp->bad_meta, bad);
	return i;
}
