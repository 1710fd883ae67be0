// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the route steering (user/forward/fwd_route.c) with
 * multi-buffer chains, against the ring stand-in of
 * tests/unit/ringlib/fake_rings.h and a plain buffer as the UMEM area.
 *
 * Port 0's socket receives; each packet's first frame carries the route
 * metadata (egress port, MACs) in front of an IPv4 header with TTL 64. The
 * continuation frames carry metadata too, naming the other port: the
 * steering must read only the first's. Checked: a chain moves whole to the
 * first descriptor's port with XDP_PKT_CONTD carried, only the first frame
 * is rewritten (MACs, TTL 63); a chain whose egress has no room for all of
 * it waits untouched; a first packet longer than the batch goes whole; a
 * chain with bad metadata and one longer than its egress allows go back to
 * the pool, counted; the rx counters count packets and descriptors.
 */
#include "../ringlib/fake_rings.h"
#include "fwd_poller.h"
#include "xskfwd_shared.h"

#define NFRAMES 64
#define TTL 64

static const uint8_t DMAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x02, 0x01 };

struct rt {
	struct fwd_poller fp;
	struct ksock k[2];
	struct rl_umem umem;
	uint32_t next; /* next frame */
};

static void rt_setup(struct rt *t, uint32_t tx1, uint32_t batch)
{
	uint32_t p;

	memset(t, 0, sizeof(*t));
	t->umem.area = zalloc64(NFRAMES * FRAME_SIZE);
	for (p = 0; p < 2; p++) {
		t->fp.sock[p] = sock_new(&t->k[p], 32, p ? tx1 : 32, 16, 16, WRAP_BASE + 0xff0);
		t->fp.sock[p]->umem = &t->umem;
		t->fp.sock[p]->sg = true;
		t->fp.sock[p]->max_chain = 18;
	}
	t->fp.nsocks = 2;
	t->fp.batch = batch;
	assert_int_equal(rl_pool_init(&t->fp.pool, 0, NFRAMES, FRAME_SIZE), 0);
	t->fp.pool.count = 0; /* every frame is out: on the rings */
	memset(t->fp.pool.is_free, 0, NFRAMES);
}

static void rt_teardown(struct rt *t)
{
	uint32_t p;

	for (p = 0; p < 2; p++)
		sock_free(t->fp.sock[p], &t->k[p]);
	rl_pool_fini(&t->fp.pool);
	free(t->umem.area);
}

static uint8_t *frame(struct rt *t, uint32_t j)
{
	return (uint8_t *)t->umem.area + j * FRAME_SIZE + HEADROOM;
}

/* Port 0 receives a packet of @len frames for @port (@magic: its metadata's). */
static void receive(struct rt *t, uint32_t len, uint16_t port, uint16_t magic)
{
	struct kring *k = &t->k[0].rx;
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint32_t j = t->next++;
		uint8_t *f = frame(t, j);
		struct xf_route_meta *m = (void *)(f - sizeof(*m));
		struct xdp_desc *d = k_desc(k, k->prod + i);

		memset(f, 0, 64);
		f[12] = 0x08; /* IPv4, TTL 64, the checksum does not matter here */
		f[14] = 0x45;
		f[22] = TTL;
		memcpy(m->dmac, DMAC, 6);
		m->port = i ? !port : port; /* continuations name the other port */
		m->magic = i ? XF_ROUTE_META_MAGIC : magic;
		d->addr = j * FRAME_SIZE + HEADROOM;
		d->len = 1000;
		d->options = i + 1 < len ? XDP_PKT_CONTD : 0;
	}
	k_produced(k, len);
}

/* Port @port's tx ring holds, next, the packet of @len frames from @first,
 * its first frame rewritten and nothing else; the kernel consumes it. */
static void expect_tx(struct rt *t, uint32_t port, uint32_t first, uint32_t len)
{
	struct kring *k = &t->k[port].tx;
	uint32_t i;

	assert_true(k_avail(k) >= len);
	for (i = 0; i < len; i++) {
		const struct xdp_desc *d = k_desc(k, k->cons + i);

		assert_int_equal(d->addr, (first + i) * FRAME_SIZE + HEADROOM);
		assert_int_equal(d->options, i + 1 < len ? XDP_PKT_CONTD : 0);
		assert_int_equal(frame(t, first + i)[22], i ? TTL : TTL - 1);
		assert_int_equal(memcmp(frame(t, first + i), DMAC, 6) != 0, i != 0);
	}
	k_consumed(k, len);
}

static void test_chains_whole(void **state)
{
	struct rt t;

	(void)state;
	rt_setup(&t, 32, 64);
	receive(&t, 3, 1, XF_ROUTE_META_MAGIC);
	receive(&t, 1, 0, XF_ROUTE_META_MAGIC);
	receive(&t, 2, 1, XF_ROUTE_META_MAGIC);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 6);
	expect_tx(&t, 1, 0, 3);
	expect_tx(&t, 0, 3, 1);
	expect_tx(&t, 1, 4, 2);
	assert_int_equal(t.fp.sock[0]->stats.rx_packets, 3);
	assert_int_equal(t.fp.sock[0]->stats.rx_descs, 6);
	assert_int_equal(t.fp.sock[1]->stats.tx_packets, 2);
	assert_int_equal(t.fp.sock[1]->stats.tx_descs, 5);
	assert_int_equal(t.fp.sock[0]->stats.tx_packets, 1);
	assert_int_equal(t.fp.bad_meta, 0);
	rt_teardown(&t);
}

static void test_no_room_waits(void **state)
{
	struct rt t;

	(void)state;
	rt_setup(&t, 4, 64); /* port 1: a tx ring of 4 */
	receive(&t, 2, 1, XF_ROUTE_META_MAGIC);
	receive(&t, 3, 1, XF_ROUTE_META_MAGIC);
	receive(&t, 1, 0, XF_ROUTE_META_MAGIC);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 2); /* room 2 left: the 3 waits */
	assert_int_equal(frame(&t, 2)[22], TTL);		/* not rewritten yet */
	assert_int_equal(rl_rx_left(t.fp.sock[0]), 4);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 0);
	expect_tx(&t, 1, 0, 2);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 4);
	expect_tx(&t, 1, 2, 3);
	expect_tx(&t, 0, 5, 1);
	assert_int_equal(t.fp.sock[0]->stats.rx_packets, 3);
	rt_teardown(&t);
}

static void test_batch_smaller_than_chain(void **state)
{
	struct rt t;

	(void)state;
	rt_setup(&t, 32, 1);
	receive(&t, 4, 1, XF_ROUTE_META_MAGIC);
	receive(&t, 1, 1, XF_ROUTE_META_MAGIC);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 4);
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 1);
	expect_tx(&t, 1, 0, 4);
	expect_tx(&t, 1, 4, 1);
	rt_teardown(&t);
}

static void test_dropped_chains(void **state)
{
	struct rt t;
	uint32_t j;

	(void)state;
	rt_setup(&t, 32, 64);
	t.fp.sock[1]->max_chain = 2;
	receive(&t, 3, 1, 0x1234);		/* bad metadata: frames 0..2 */
	receive(&t, 3, 1, XF_ROUTE_META_MAGIC); /* too long for port 1: 3..5 */
	receive(&t, 2, 1, XF_ROUTE_META_MAGIC); /* goes: 6..7 */
	assert_int_equal(fwd_route_rx(&t.fp, t.fp.sock[0]), 8);
	assert_int_equal(t.fp.bad_meta, 1);
	assert_int_equal(t.fp.sock[1]->stats.tx_chain_too_long, 1);
	assert_int_equal(rl_pool_avail(&t.fp.pool), 6);
	for (j = 0; j < 6; j++)
		assert_int_equal(t.fp.pool.is_free[j], 1);
	expect_tx(&t, 1, 6, 2);
	assert_int_equal(k_avail(&t.k[1].tx), 0);
	assert_int_equal(t.fp.sock[0]->stats.rx_packets, 3);
	assert_int_equal(t.fp.sock[0]->stats.rx_descs, 8);
	assert_int_equal(t.fp.pool.errors, 0);
	rt_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains_whole),
		cmocka_unit_test(test_no_room_waits),
		cmocka_unit_test(test_batch_smaller_than_chain),
		cmocka_unit_test(test_dropped_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
