// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of ringlib's multi-buffer verbs (ringlib/rl_chain.h and the
 * chain paths of rl.h: rl_rx_to_tx, rl_rx_peek_pkts, rl_rx_pkt_len,
 * rl_tx_put_pkt, rl_tx_put_contd, rl_pkt_to_pool, rl_rx_release and
 * rl_tx_submit's counting), single-threaded, against the stand-in kernel of
 * fake_rings.h. The two-thread stress with chains is in test_rings.c.
 *
 * The stand-in kernel receives packets as chains: descriptor j of a test
 * is frame j (+ headroom), 100 + j bytes, and carries XDP_PKT_CONTD unless it
 * ends its packet. Each case pins down what one verb takes: whole packets
 * only, up to the batch (a first packet longer than the batch whole), up to
 * the tx room (a packet that does not fit waits, untouched), across the
 * ring's end and the indices' wrap past 2^32; CONTD carried to tx; a chain
 * longer than the egress allows dropped, its frames back in the pool and
 * counted; counters in packets and descriptors. Without multi-buffer the
 * same calls behave as before (and a CONTD bit the kernel never sets is not
 * looked at).
 */
#include "fake_rings.h"

#define NPOOL 64 /* frames of the pool: frame j is pool frame j */

/* Descriptors of the test so far, and what the kernel gave each. */
struct chains {
	struct rl_sock *a, *b; /* rx on a, tx on b */
	struct ksock ka, kb;
	struct rl_pool pool;
	uint32_t next; /* next descriptor number */
};

static void setup(struct chains *c, uint32_t rx, uint32_t tx, uint32_t base, uint32_t max_chain)
{
	memset(c, 0, sizeof(*c));
	c->a = sock_new(&c->ka, rx, rx, 16, 16, base);
	c->b = sock_new(&c->kb, rx, tx, 16, 16, base + 77);
	c->a->sg = c->b->sg = true;
	c->a->max_chain = c->b->max_chain = max_chain;
	assert_int_equal(rl_pool_init(&c->pool, 0, NPOOL, FRAME_SIZE), 0);
	/* the frames the kernel receives into are not in the pool */
	c->pool.count = 0;
	memset(c->pool.is_free, 0, NPOOL);
}

static void teardown(struct chains *c)
{
	rl_pool_fini(&c->pool);
	sock_free(c->a, &c->ka);
	sock_free(c->b, &c->kb);
}

/* The kernel receives packets of @n descriptors each (a 0 ends the list). */
static void k_receive_pkts(struct chains *c, const uint32_t *lens)
{
	struct kring *k = &c->ka.rx;
	uint32_t p, i, m = 0;

	for (p = 0; lens[p]; p++)
		for (i = 0; i < lens[p]; i++, m++) {
			struct xdp_desc *d = k_desc(k, k->prod + m);
			uint32_t j = c->next++;

			d->addr = (j % NPOOL) * FRAME_SIZE + HEADROOM;
			d->len = 100 + j;
			d->options = i + 1 < lens[p] ? XDP_PKT_CONTD : 0;
		}
	k_produced(k, m);
}

/* The kernel finds, next on b's tx ring, descriptors @first, @first + 1, ...
 * as packets of @lens (CONTD on all but their last), and consumes them. */
static void k_expect_tx(struct chains *c, uint32_t first, const uint32_t *lens)
{
	struct kring *k = &c->kb.tx;
	uint32_t p, i, m = 0;

	for (p = 0; lens[p]; p++)
		for (i = 0; i < lens[p]; i++, m++) {
			const struct xdp_desc *d = k_desc(k, k->cons + m);
			uint32_t j = first + m;

			assert_int_equal(d->addr, (j % NPOOL) * FRAME_SIZE + HEADROOM);
			assert_int_equal(d->len, 100 + j);
			assert_int_equal(d->options, i + 1 < lens[p] ? XDP_PKT_CONTD : 0);
		}
	assert_true(k_avail(k) >= m);
	k_consumed(k, m);
}

/* Bytes of descriptors @first .. @first + @n - 1. */
static uint64_t bytes_of(uint32_t first, uint32_t n)
{
	return (uint64_t)n * (100 + first) + (uint64_t)n * (n - 1) / 2;
}

static void test_whole_packets_by_batch(void **state)
{
	static const uint32_t rx[] = { 1, 3, 2, 1, 4, 0 };
	static const uint32_t tx1[] = { 1, 3, 0 }, tx2[] = { 2, 1, 0 }, tx3[] = { 4, 0 };
	struct chains c;

	(void)state;
	setup(&c, 16, 16, 0, 18);
	k_receive_pkts(&c, rx); /* 11 descriptors */

	/* batch 5: 1 + 3; the 2-descriptor packet would cross the batch */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 5), 4);
	assert_int_equal(rl_rx_left(c.a), 7);
	k_expect_tx(&c, 0, tx1);
	assert_int_equal(c.a->stats.rx_packets, 2);
	assert_int_equal(c.a->stats.rx_descs, 4);
	assert_int_equal(c.a->stats.rx_bytes, bytes_of(0, 4));
	assert_int_equal(c.b->stats.tx_packets, 2);
	assert_int_equal(c.b->stats.tx_descs, 4);
	assert_int_equal(c.b->stats.tx_bytes, bytes_of(0, 4));
	assert_int_equal(c.b->tx_outstanding, 4);

	/* 2 + 1; the 4 would cross */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 5), 3);
	k_expect_tx(&c, 4, tx2);
	/* the last packet, 4 descriptors, fits a batch of 5 */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 5), 4);
	k_expect_tx(&c, 7, tx3);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 5), 0);

	assert_int_equal(c.a->stats.rx_packets, 5);
	assert_int_equal(c.a->stats.rx_descs, 11);
	assert_int_equal(c.b->stats.tx_packets, 5);
	assert_int_equal(c.b->stats.tx_descs, 11);
	assert_int_equal(c.b->stats.tx_bytes, bytes_of(0, 11));
	assert_int_equal(c.a->stats.rx_bytes, bytes_of(0, 11));
	assert_int_equal(c.b->tx_queued, 0);
	assert_int_equal(c.b->tx_queued_contd, 0);
	assert_int_equal(c.b->stats.tx_chain_too_long, 0);
	assert_int_equal(rl_rx_left(c.a), 0);
	teardown(&c);
}

static void test_first_longer_than_batch(void **state)
{
	static const uint32_t rx[] = { 4, 1, 5, 0 };
	static const uint32_t tx1[] = { 4, 0 }, tx2[] = { 1, 0 }, tx3[] = { 5, 0 };
	struct chains c;

	(void)state;
	setup(&c, 16, 16, 0, 18);
	k_receive_pkts(&c, rx);
	/* batch 1 and 2: the first packet is taken whole all the same, alone */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 1), 4);
	k_expect_tx(&c, 0, tx1);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 1), 1);
	k_expect_tx(&c, 4, tx2);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 2), 5);
	k_expect_tx(&c, 5, tx3);
	assert_int_equal(c.a->stats.rx_packets, 3);
	assert_int_equal(c.b->stats.tx_packets, 3);
	assert_int_equal(c.b->stats.tx_descs, 10);
	teardown(&c);
}

static void test_tx_room(void **state)
{
	static const uint32_t rx[] = { 3, 3, 3, 0 }, tx2[] = { 3, 3, 0 }, tx1[] = { 3, 0 };
	struct chains c;
	uint32_t i;

	(void)state;
	setup(&c, 16, 8, 0u - 5, 18); /* a tx ring of 8, indices passing 2^32 */
	k_receive_pkts(&c, rx);
	/* room 8: two packets; the third would need 9 */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 6);
	assert_int_equal(rl_rx_left(c.a), 3);
	/* room 2: the packet of 3 waits, nothing put, nothing released */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 0);
	assert_int_equal(rl_rx_left(c.a), 3);
	assert_int_equal(rl_tx_pending(c.b), 6);
	assert_int_equal(c.b->tx_queued, 0);
	k_expect_tx(&c, 0, tx2);
	/* room again: it goes, whole */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 3);
	k_expect_tx(&c, 6, tx1);
	for (i = 0; i < 2; i++) /* the kernel sees no more */
		assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 0);
	assert_int_equal(c.a->stats.rx_packets, 3);
	assert_int_equal(c.b->stats.tx_packets, 3);
	assert_int_equal(c.b->stats.tx_descs, 9);
	teardown(&c);
}

/* Packets of 3 through rings of 8, many times: chains straddle the end of
 * the ring's memory and the indices pass 2^32. */
static void test_ring_wrap(void **state)
{
	static const uint32_t rx[] = { 3, 1, 0 }, tx[] = { 3, 1, 0 };
	struct chains c;
	uint32_t r, first;

	(void)state;
	setup(&c, 8, 8, WRAP_BASE + 0xffc, 18);
	for (r = 0; r < 40; r++) {
		first = c.next;
		k_receive_pkts(&c, rx);
		assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 3), 3);
		assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 3), 1);
		k_expect_tx(&c, first, tx);
	}
	assert_int_equal(c.a->stats.rx_packets, 80);
	assert_int_equal(c.a->stats.rx_descs, 160);
	assert_int_equal(c.b->stats.tx_packets, 80);
	assert_int_equal(c.b->stats.tx_descs, 160);
	assert_int_equal(c.b->stats.tx_bytes, bytes_of(0, 160));
	teardown(&c);
}

static void test_too_long(void **state)
{
	/* max_chain 3: the 5, the 4 and the 6 are never sent */
	static const uint32_t rx[] = { 2, 5, 1, 4, 3, 6, 1, 0 }, rx2[] = { 6, 1, 0 };
	static const uint32_t tx2[] = { 2, 0 }, tx1[] = { 1, 0 }, tx3[] = { 3, 0 };
	static const uint32_t freed[] = { 2, 3, 4, 5, 6, 8, 9, 10, 11, 15, 16, 17, 18, 19, 20 };
	struct chains c;
	uint32_t j;

	(void)state;
	setup(&c, 32, 4, 0, 3);
	k_receive_pkts(&c, rx); /* 22 descriptors */

	/* the 2 moves; the window of 4 stops inside the 5 */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 2);
	assert_int_equal(rl_pool_avail(&c.pool), 0);
	k_expect_tx(&c, 0, tx2);
	/* the 5 dropped, the 1 moves, the 4 dropped, the 3 moves, the 6 dropped
	 * (with the ring full), the last 1 waits for room */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 5 + 1 + 4 + 3 + 6);
	assert_int_equal(c.b->stats.tx_chain_too_long, 3);
	assert_int_equal(rl_pool_avail(&c.pool), 15);
	for (j = 0; j < sizeof(freed) / sizeof(freed[0]); j++)
		assert_int_equal(c.pool.is_free[freed[j]], 1);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 0);
	assert_int_equal(rl_rx_left(c.a), 1);
	k_expect_tx(&c, 7, tx1);
	k_expect_tx(&c, 12, tx3);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 1);
	k_expect_tx(&c, 21, tx1);

	/* a tx ring full of our own frames: nothing is looked at; with room for
	 * one, the 6 (longer than the ring) is dropped, then the 1 moves */
	assert_int_equal(rl_tx_room(c.b, 4), 4);
	for (j = 60; j < 64; j++)
		rl_tx_put(c.b, j * FRAME_SIZE, j);
	rl_tx_submit(c.b);
	k_receive_pkts(&c, rx2); /* descriptors 22..28 */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 2), 0);
	assert_int_equal(rl_rx_left(c.a), 7);
	k_consumed(&c.kb.tx, 1);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 2), 6);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 2), 1);
	assert_int_equal(c.b->stats.tx_chain_too_long, 4);
	k_consumed(&c.kb.tx, 3);
	k_expect_tx(&c, 28, tx1);

	/* rx counts all it received, tx what it sent; the frames add up */
	assert_int_equal(c.a->stats.rx_packets, 9);
	assert_int_equal(c.a->stats.rx_descs, 29);
	assert_int_equal(c.a->stats.rx_bytes, bytes_of(0, 29));
	assert_int_equal(c.b->stats.tx_packets, 1 + 2 + 1 + 4 + 1);
	assert_int_equal(c.b->stats.tx_descs, 2 + 4 + 1 + 4 + 1);
	assert_int_equal(rl_pool_avail(&c.pool), 21);
	assert_int_equal(c.a->stats.rx_descs, c.b->stats.tx_descs - 4 + rl_pool_avail(&c.pool));
	assert_int_equal(c.pool.errors, 0);
	teardown(&c);
}

/* A chain too long for the egress, whole in the window after a packet that
 * fits: the one before it moves, then it is dropped, then the rest moves. */
static void test_too_long_in_window(void **state)
{
	static const uint32_t rx[] = { 1, 4, 2, 0 }, tx1[] = { 1, 0 }, tx2[] = { 2, 0 };
	struct chains c;

	(void)state;
	setup(&c, 16, 16, 0, 3);
	k_receive_pkts(&c, rx);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 1);
	assert_int_equal(c.b->stats.tx_chain_too_long, 0);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 4 + 2);
	assert_int_equal(c.b->stats.tx_chain_too_long, 1);
	assert_int_equal(rl_pool_avail(&c.pool), 4);
	k_expect_tx(&c, 0, tx1);
	k_expect_tx(&c, 5, tx2);
	assert_int_equal(k_avail(&c.kb.tx), 0);
	assert_int_equal(c.a->stats.rx_packets, 3);
	assert_int_equal(c.b->stats.tx_packets, 2);
	assert_int_equal(c.b->stats.tx_descs, 3);
	teardown(&c);
}

/* Never expected of the kernel: half a packet published. It waits (and is
 * seen once the rest is there: the producer index is read again). */
static void test_half_published(void **state)
{
	static const uint32_t tx[] = { 1, 4, 0 };
	struct kring *k;
	struct chains c;
	uint32_t i;

	(void)state;
	setup(&c, 16, 16, 0, 18);
	k = &c.ka.rx;
	for (i = 0; i < 5; i++) {
		struct xdp_desc *d = k_desc(k, k->prod + i);

		d->addr = i * FRAME_SIZE + HEADROOM;
		d->len = 100 + i;
		d->options = i == 0 || i == 4 ? 0 : XDP_PKT_CONTD;
	}
	c.next = 5;
	k_produced(k, 3); /* the 1, and 2 of the 4 */
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 0);
	assert_int_equal(rl_rx_left(c.a), 2);
	k_produced(k, 2);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, &c.pool, 64), 4);
	k_expect_tx(&c, 0, tx);
	assert_int_equal(c.b->stats.tx_packets, 2);
	teardown(&c);
}

/* A chain built by the caller (gen, serve): put, contd, one submit. */
static void test_tx_put_contd(void **state)
{
	struct chains c;
	const struct xdp_desc *d;

	(void)state;
	setup(&c, 16, 8, 0u - 1, 18);
	assert_int_equal(rl_tx_room(c.b, 3), 3);
	rl_tx_put_contd(c.b, 0 * FRAME_SIZE, 1000);
	rl_tx_put_contd(c.b, 1 * FRAME_SIZE, 2000);
	rl_tx_put(c.b, 2 * FRAME_SIZE, 30);
	rl_tx_put(c.b, 3 * FRAME_SIZE, 40); /* a packet of one */
	assert_int_equal(k_avail(&c.kb.tx), 0);
	rl_tx_submit(c.b);
	assert_int_equal(k_avail(&c.kb.tx), 4);
	d = k_desc(&c.kb.tx, c.kb.tx.cons);
	assert_int_equal(d[0].options, XDP_PKT_CONTD);
	assert_int_equal(k_desc(&c.kb.tx, c.kb.tx.cons + 1)->options, XDP_PKT_CONTD);
	assert_int_equal(k_desc(&c.kb.tx, c.kb.tx.cons + 2)->options, 0);
	assert_int_equal(k_desc(&c.kb.tx, c.kb.tx.cons + 3)->options, 0);
	assert_int_equal(c.b->stats.tx_packets, 2);
	assert_int_equal(c.b->stats.tx_descs, 4);
	assert_int_equal(c.b->stats.tx_bytes, 3070);
	assert_int_equal(c.b->tx_outstanding, 4);
	assert_int_equal(c.b->tx_queued_contd, 0);
	/* completions come per frame */
	k_consumed(&c.kb.tx, 4);
	for (uint32_t i = 0; i < 4; i++)
		*k_addr(&c.kb.comp, c.kb.comp.prod + i) = i * FRAME_SIZE;
	k_produced(&c.kb.comp, 4);
	assert_int_equal(rl_complete(c.b, &c.pool, 64), 4);
	assert_int_equal(c.b->stats.tx_completed, c.b->stats.tx_descs);
	assert_int_equal(c.b->tx_outstanding, 0);
	teardown(&c);
}

/* rl_rx_peek_pkts' windows, and rl_rx_release counting packets. */
static void test_peek_pkts(void **state)
{
	static const uint32_t rx[] = { 2, 3, 1, 0 };
	struct chains c;
	uint32_t idx, n;

	(void)state;
	setup(&c, 16, 16, WRAP_BASE, 18);
	assert_int_equal(rl_rx_peek_pkts(c.a, 4, &idx), 0); /* empty */
	k_receive_pkts(&c, rx);
	n = rl_rx_peek_pkts(c.a, 4, &idx); /* the 3 would cross 4 */
	assert_int_equal(n, 2);
	assert_int_equal(rl_rx_pkt_len(c.a, idx, n), 2);
	rl_rx_release(c.a, n, bytes_of(0, 2));
	assert_int_equal(c.a->stats.rx_packets, 1);
	assert_int_equal(c.a->stats.rx_descs, 2);
	n = rl_rx_peek_pkts(c.a, 1, &idx); /* the first, longer than 1, whole */
	assert_int_equal(n, 3);
	assert_int_equal(rl_rx_pkt_len(c.a, idx, n), 3);
	assert_int_equal(rl_rx_pkt_len(c.a, idx, 2), 2); /* at most what is there */
	rl_rx_release(c.a, 0, 0);			 /* nothing taken: peeked again */
	n = rl_rx_peek_pkts(c.a, 64, &idx);
	assert_int_equal(n, 4);
	assert_int_equal(rl_rx_pkt_len(c.a, idx + 3, 1), 1);
	rl_rx_release(c.a, n, bytes_of(2, 4));
	assert_int_equal(c.a->stats.rx_packets, 3);
	assert_int_equal(c.a->stats.rx_descs, 6);
	assert_int_equal(c.a->stats.rx_bytes, bytes_of(0, 6));
	teardown(&c);
}

/* What the route steering does: one egress per packet, one room check per
 * packet, a full egress stops the batch; a packet too long for one egress
 * is dropped there. */
static void test_put_pkt_spread(void **state)
{
	static const uint32_t rx[] = { 2, 3, 1, 4, 2, 0 };
	struct rl_sock *out[2];
	uint32_t idx, n, i, len, pkts = 0;
	uint64_t bytes = 0;
	struct chains c;

	(void)state;
	setup(&c, 16, 4, 0, 18);
	out[0] = c.b;
	out[1] = c.a; /* a's tx ring: 16, but it may send chains of 3 at most */
	c.a->max_chain = 3;
	k_receive_pkts(&c, rx);
	n = rl_rx_peek_pkts(c.a, 64, &idx);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i += len, pkts++) {
		struct rl_sock *o = out[pkts & 1]; /* even packets to 0, odd to 1 */

		len = rl_rx_pkt_len(c.a, idx + i, n - i);
		if (!rl_tx_put_pkt(o, c.a, idx + i, len, &c.pool, &bytes))
			break;
	}
	/* out[0] takes the 2 and the 1; the 2 after the 4 finds 1 free: stop */
	assert_int_equal(i, 10);
	assert_int_equal(pkts, 4);
	rl_tx_submit(out[0]);
	rl_tx_submit(out[1]);
	rl_rx_release_pkts(c.a, i, pkts, bytes);
	assert_int_equal(out[0]->stats.tx_packets, 2);
	assert_int_equal(out[0]->stats.tx_descs, 3);
	assert_int_equal(out[1]->stats.tx_packets, 1); /* the 3; the 4 too long */
	assert_int_equal(out[1]->stats.tx_descs, 3);
	assert_int_equal(out[1]->stats.tx_chain_too_long, 1);
	assert_int_equal(rl_pool_avail(&c.pool), 4);
	assert_int_equal(c.a->stats.rx_packets, 4);
	assert_int_equal(c.a->stats.rx_descs, 10);
	assert_int_equal(c.a->stats.rx_bytes, bytes_of(0, 10));
	assert_int_equal(k_desc(&c.ka.tx, c.ka.tx.cons)->options, XDP_PKT_CONTD);
	assert_int_equal(k_desc(&c.ka.tx, c.ka.tx.cons + 2)->options, 0);
	assert_int_equal(rl_rx_left(c.a), 2);
	teardown(&c);
}

/* Multi-buffer off: a CONTD bit (which the kernel never sets then) is not
 * looked at, every descriptor is a packet, the counters agree. */
static void test_sg_off(void **state)
{
	static const uint32_t rx[] = { 3, 2, 0 };
	struct chains c;
	uint32_t idx;

	(void)state;
	setup(&c, 16, 16, 0, 1);
	c.a->sg = c.b->sg = false;
	k_receive_pkts(&c, rx);
	assert_int_equal(rl_rx_peek_pkts(c.a, 2, &idx), 2);
	rl_rx_release(c.a, 0, 0);
	assert_int_equal(rl_rx_to_tx(c.a, c.b, NULL, 4), 4);
	assert_int_equal(k_desc(&c.kb.tx, c.kb.tx.cons)->options, 0); /* not carried */
	assert_int_equal(c.a->stats.rx_packets, 4);
	assert_int_equal(c.a->stats.rx_descs, 4);
	assert_int_equal(c.b->stats.tx_packets, 4);
	assert_int_equal(c.b->stats.tx_descs, 4);
	rl_rx_peek(c.a, 64, &idx);
	rl_rx_release(c.a, 1, 104);
	assert_int_equal(c.a->stats.rx_packets, 5);
	assert_int_equal(c.b->stats.tx_chain_too_long, 0);
	teardown(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_packets_by_batch),
		cmocka_unit_test(test_first_longer_than_batch),
		cmocka_unit_test(test_tx_room),
		cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_too_long_in_window),
		cmocka_unit_test(test_half_published),
		cmocka_unit_test(test_tx_put_contd),
		cmocka_unit_test(test_peek_pkts),
		cmocka_unit_test(test_put_pkt_spread),
		cmocka_unit_test(test_sg_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
