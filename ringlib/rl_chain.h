/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Multi-buffer packets: the chain verbs (included by rl.h).
 *
 * With multi-buffer on (rl_sock_opts.sg, kernel >= 6.6, XDP_USE_SG) a packet
 * larger than a frame arrives as a chain of descriptors, one frame each, in
 * consecutive rx ring entries; every descriptor but the last carries
 * XDP_PKT_CONTD (rl_desc_contd). The kernel publishes a packet whole: it
 * reserves rx room for all its descriptors before writing any, and moves
 * the rx producer only between packets. Any XDP metadata is in front of the
 * first descriptor's data, and the headers are in the first descriptor.
 * On tx, the same: the kernel sends a packet once it has its last
 * descriptor, and refuses (counts as tx_invalid_descs) a packet of more
 * descriptors than the socket allows (rl_sock.max_chain: MAX_SKB_FRAGS + 1
 * in copy mode, the driver's limit in zero-copy).
 *
 * So the rules here:
 *   - rx is read in windows of whole packets (rl_rx_peek_pkts): a batch
 *     limit never cuts a chain, so a caller never releases half a packet;
 *   - a packet goes onto a tx ring whole, after one room check for all its
 *     descriptors (rl_tx_put_pkt), and never with a submit in its middle;
 *     one that does not fit waits on its rx ring, untouched;
 *   - a packet longer than the egress socket's max_chain is never put on
 *     its tx ring: its frames go back to the pool, counted on the egress
 *     socket (tx_chain_too_long). The kernel never gives one in copy mode
 *     (the limits match), but a zero-copy egress may allow fewer
 *     descriptors than the ingress delivered.
 *   - Frames the caller builds itself (gen, serve) are put as a chain with
 *     rl_tx_put_contd for every descriptor but the last and rl_tx_put for
 *     the last, after one rl_tx_room check for them all.
 *
 * Without multi-buffer none of this costs anything: no descriptor carries
 * XDP_PKT_CONTD, rl_rx_peek_pkts is rl_rx_peek, a packet is one descriptor,
 * and rl_rx_to_tx keeps its single-descriptor loop (one test of from->sg).
 *
 * A route-like caller, one egress per packet (compare rl.h's example):
 *
 *	n = rl_rx_peek_pkts(in, batch, &idx);
 *	for (i = 0, pkts = 0; i < n; i += len, pkts++) {
 *		len = rl_rx_pkt_len(in, idx + i, n - i);
 *		out = egress(rl_rx_desc(in, idx + i));  // first descriptor
 *		if (!rl_tx_put_pkt(out, in, idx + i, len, pool, &bytes))
 *			break;          // it and the rest wait on the rx ring
 *	}
 *	for each out: rl_tx_submit(out);
 *	rl_rx_release_pkts(in, i, pkts, bytes);
 */
#ifndef RL_CHAIN_H
#define RL_CHAIN_H

/* rl_rx_peek_pkts() for a multi-buffer socket (rl_chain.c). */
uint32_t rl_rx_peek_pkts_sg(struct rl_sock *s, uint32_t max, uint32_t *idx);

/*
 * rl_rx_peek() in whole packets: up to @max descriptors from @s's rx ring,
 * ending at the end of a packet. A packet that would cross @max is left for
 * the next peek, unless it is the first: that one is returned whole however
 * long (so a batch smaller than a chain never stalls it). Returns the
 * number of descriptors (0 when not even one packet is there whole), the
 * first's ring index in *idx; read them with rl_rx_desc() and
 * rl_rx_pkt_len(). As for rl_rx_peek, one rl_rx_release() (of whole
 * packets) follows every peek that returned n > 0. Without multi-buffer it
 * is rl_rx_peek().
 */
static inline uint32_t rl_rx_peek_pkts(struct rl_sock *s, uint32_t max, uint32_t *idx)
{
	if (__builtin_expect(!s->sg, 1))
		return rl_rx_peek(s, max, idx);
	return rl_rx_peek_pkts_sg(s, max, idx);
}

/*
 * How many descriptors the packet starting at rx ring index @idx has, of the
 * @avail peeked from there on: up to and including the first without
 * XDP_PKT_CONTD. In a window from rl_rx_peek_pkts its end is always among
 * them; otherwise the answer is at most @avail.
 */
static inline uint32_t rl_rx_pkt_len(const struct rl_sock *s, uint32_t idx, uint32_t avail)
{
	uint32_t len = 1;

	while (len < avail && rl_desc_contd(rl_rx_desc(s, idx + len - 1)))
		len++;
	return len;
}

/*
 * Give the frames of the @len-descriptor packet at rx ring index @idx of
 * @in back to @p (the packet is dropped; the caller counts why). Returns its
 * bytes, for the caller's rl_rx_release.
 */
static inline uint64_t rl_pkt_to_pool(const struct rl_sock *in, uint32_t idx, uint32_t len,
				      struct rl_pool *p)
{
	uint64_t bytes = 0;
	uint32_t i;

	for (i = 0; i < len; i++) {
		const struct xdp_desc *d = rl_rx_desc(in, idx + i);

		rl_pool_put(p, d->addr);
		bytes += d->len;
	}
	return bytes;
}

/*
 * rl_tx_put() of a descriptor that is not the last of its packet: it
 * carries XDP_PKT_CONTD, and is counted in tx_descs but not in tx_packets.
 * The caller has checked the room for the whole packet (rl_tx_room) and
 * puts its last descriptor with rl_tx_put() before the next submit. Only on
 * a multi-buffer socket (the kernel refuses the option otherwise).
 */
static inline void rl_tx_put_contd(struct rl_sock *s, uint64_t addr, uint32_t len)
{
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, s->tx.cached_prod++);

	d->addr = addr;
	d->len = len;
	d->options = XDP_PKT_CONTD;
	s->tx_queued++;
	s->tx_queued_contd++;
	s->tx_queued_bytes += len;
}

/*
 * Put the received packet of @len descriptors at rx ring index @idx of @in
 * (from rl_rx_pkt_len) on @out's tx ring, whole or not at all, after one
 * room check for all its descriptors; XDP_PKT_CONTD is carried, nothing else
 * of the rx options. Not yet visible to the kernel (rl_tx_submit). Returns
 * true when the caller is done with the packet: it was put, or it has more
 * descriptors than @out may send (@out->max_chain), and then its frames went
 * back to @pool and it is counted in @out's tx_chain_too_long. Either way
 * its bytes are added to *@bytes (for rl_rx_release). Returns false, with
 * nothing done, when @out's tx ring has no room for all of it: it waits on
 * the rx ring.
 */
static inline bool rl_tx_put_pkt(struct rl_sock *out, const struct rl_sock *in, uint32_t idx,
				 uint32_t len, struct rl_pool *pool, uint64_t *bytes)
{
	uint64_t b = 0;
	uint32_t i;

	if (len > out->max_chain) {
		*bytes += rl_pkt_to_pool(in, idx, len, pool);
		rl_stat_add(out->stats.tx_chain_too_long, 1);
		return true;
	}
	if (rl_tx_room(out, len) < len)
		return false;
	for (i = 0; i < len; i++)
		b += rl_move_desc(in, idx + i, out, out->tx.cached_prod + i, XDP_PKT_CONTD)->len;
	out->tx.cached_prod += len;
	out->tx_queued += len;
	out->tx_queued_contd += len - 1;
	out->tx_queued_bytes += b;
	*bytes += b;
	return true;
}

#endif
