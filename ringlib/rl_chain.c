// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The multi-buffer paths of the ring verbs (design in rl_chain.h), out of
 * line: the single-descriptor paths in rl.h stay as small as they were and
 * only test s->sg to come here. No system call, no libxdp function but its
 * inline ring helpers (the unit tests link this file).
 */
#include "rl.h"

uint32_t rl_rx_peek_pkts_sg(struct rl_sock *s, uint32_t max, uint32_t *idx)
{
	/* Everything the kernel has published: whole packets only. */
	uint32_t n = xsk_ring_cons__peek(&s->rx, s->rx.size, idx), i, end = 0;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		if (rl_desc_contd(rl_rx_desc(s, *idx + i)))
			continue;
		if (end && i + 1 > max)
			break; /* this packet would cross @max: next time */
		end = i + 1;
		if (end >= max)
			break;
	}
	/* Un-peek what follows the window (the next peek returns it again). */
	s->rx.cached_cons = *idx + end;
	/*
	 * Not even one packet whole: never expected (the kernel moves its
	 * producer only between packets), but then forget the producer index
	 * read, so that the next peek reads it again instead of looking at the
	 * same half packet forever.
	 */
	if (!end)
		s->rx.cached_prod = s->rx.cached_cons;
	return end;
}

/*
 * The general path: one packet at a time (rl_tx_put_pkt), so it can drop a
 * packet too long for @to and take a first packet longer than @max whole.
 */
static uint32_t move_pkts(struct rl_sock *from, struct rl_sock *to, struct rl_pool *pool,
			  uint32_t max)
{
	uint32_t idx, i, len, pkts = 0, n = rl_rx_peek_pkts_sg(from, max, &idx);
	uint64_t bytes = 0;

	if (!n)
		return 0;
	for (i = 0; i < n; i += len, pkts++) {
		len = rl_rx_pkt_len(from, idx + i, n - i);
		if (!rl_tx_put_pkt(to, from, idx + i, len, pool, &bytes))
			break; /* no room for all of it: it and the rest wait */
	}
	rl_tx_submit(to);
	rl_rx_release_pkts(from, i, pkts, bytes);
	return i;
}

/*
 * Of the @n descriptors copied to @to's tx ring from slot @idx_tx on, how
 * many end on the last packet end before any packet too long for @to.
 * Sets *@pkts and *@bytes for them.
 */
static uint32_t whole_pkts(struct rl_sock *to, uint32_t idx_tx, uint32_t n, uint32_t *pkts,
			   uint64_t *bytes)
{
	uint32_t i, end = 0;
	uint64_t b = 0;

	*pkts = 0;
	*bytes = 0;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *td = xsk_ring_prod__tx_desc(&to->tx, idx_tx + i);

		b += td->len;
		if (rl_desc_contd(td))
			continue;
		if (i + 1 - end > to->max_chain)
			break;
		end = i + 1;
		*bytes = b;
		(*pkts)++;
	}
	return end;
}

/*
 * The common case, as cheap as the single-descriptor loop in rl.h: the
 * window (@to's room, @max) copied in one pass, CONTD carried. If no
 * descriptor carries it, every one is a packet and all are taken. If some
 * do, only those up to the last packet's end are submitted and released
 * (what was copied past it is not published: the next call writes it
 * again), and none from a packet too long for @to on. Returns the
 * descriptors taken; 0 also when the first packet is not whole in the
 * window or too long (the window is un-peeked: the general path decides).
 */
static uint32_t move_window(struct rl_sock *from, struct rl_sock *to, uint32_t max)
{
	uint32_t n, idx_rx, idx_tx, i, contd = 0, pkts;
	uint64_t bytes = 0;

	n = rl_move_peek(from, to, max, &idx_rx);
	if (!n)
		return 0;
	idx_tx = to->tx.cached_prod;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *td =
			rl_move_desc(from, idx_rx + i, to, idx_tx + i, XDP_PKT_CONTD);

		bytes += td->len;
		contd |= td->options;
	}
	pkts = n;
	if (contd) {
		n = whole_pkts(to, idx_tx, n, &pkts, &bytes);
		if (!n) {
			from->rx.cached_cons = idx_rx; /* un-peek */
			return 0;
		}
	}
	rl_move_commit(from, to, n, pkts, bytes);
	return n;
}

uint32_t rl_rx_to_tx_chains(struct rl_sock *from, struct rl_sock *to, struct rl_pool *pool,
			    uint32_t max)
{
	uint32_t n = move_window(from, to, max);

	if (n || !rl_tx_room(to, 1))
		return n;
	return move_pkts(from, to, pool, max);
}
