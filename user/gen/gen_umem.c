// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The xsk engine's frames (see gen.h): the template laid out once in the
 * thread's UMEM slice, and the packets put on its tx ring.
 *
 * A packet of nseg descriptors takes one frame from each of the thread's
 * nseg pools: the k-th frame of every chain comes from pool k, which holds
 * the template's k-th piece (gen_frame.h: xf_gen_seg_len) in every frame,
 * written once at set-up. Completions give each frame back to its own pool
 * (rl_complete_pools: the pools' slices lie one after the other), so a
 * frame never changes place in a chain and its bytes never need writing
 * again. Per packet only the first frame is stamped, where the headers and
 * the payload are; with nseg = 1 this is one pool and one descriptor, as
 * without multi-buffer.
 *
 * Descriptors of a chain are put one after the other after one rl_tx_room
 * check for the whole batch, every one but the last with XDP_PKT_CONTD
 * (rl_tx_put_contd), and the batch is submitted after its last packet's
 * last descriptor: the kernel never sees half a packet (rl_chain.h).
 *
 * No system call and no clock read here (the caller passes the time): the
 * unit tests run it against the ring stand-in of tests/unit/ringlib.
 */
#include <string.h>

#include "gen.h"

void gen_umem_fill(const struct gen_thread *g)
{
	const struct xf_gen_tmpl *t = g->tmpl;
	uint32_t k, i, len;

	for (k = 0; k < g->nseg; k++) {
		const struct rl_pool *p = &g->pools[k];

		len = xf_gen_seg_len(t->len, g->room, k);
		for (i = 0; i < p->size; i++)
			memcpy(g->umem_area + p->first + ((uint64_t)i << p->frame_shift),
			       t->frame + (uint64_t)k * g->room, len);
	}
}

uint32_t gen_umem_room(struct gen_thread *g, uint32_t want)
{
	uint32_t n = rl_tx_room(g->sock, want * g->nseg) / g->nseg, k;

	for (k = 0; k < g->nseg; k++)
		if (n > rl_pool_avail(&g->pools[k]))
			n = rl_pool_avail(&g->pools[k]);
	return n;
}

void gen_umem_put(struct gen_thread *g, uint64_t *seq, uint32_t n, uint64_t now)
{
	const struct xf_gen_tmpl *t = g->tmpl;
	struct rl_sock *s = g->sock;
	uint32_t last = g->nseg - 1, i, k;
	uint32_t last_len = xf_gen_seg_len(t->len, g->room, last);
	uint64_t addr;

	for (i = 0; i < n; i++) {
		addr = rl_pool_pop(&g->pools[0]);
		xf_gen_stamp(g->umem_area + addr, t, g->stream, (*seq)++, now);
		for (k = 0; k < last; k++) {
			rl_tx_put_contd(s, addr, g->room);
			addr = rl_pool_pop(&g->pools[k + 1]);
		}
		rl_tx_put(s, addr, last_len);
	}
	rl_tx_submit(s);
}
