// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the xsk engine's frames (user/gen/gen_umem.c): the template
 * cut into UMEM frames and sent as chains, against the ring stand-in of
 * tests/unit/ringlib/fake_rings.h and a plain buffer as the UMEM area.
 *
 * The stand-in kernel takes packets off the tx ring as a driver would: a
 * packet is the descriptors up to the first without XDP_PKT_CONTD, its bytes
 * the descriptors' bytes in order. Checked, at the sizes around the frame
 * room (2049, 3840, 4097) and jumbo (9014), with 2048- and 4096-byte frames,
 * IPv4 and IPv6: how many frames a size takes and how long each piece is;
 * every packet on the ring whole (the kernel never sees half a chain), each
 * descriptor from the pool of its place in the chain, XDP_PKT_CONTD on all
 * but the last; the bytes put together are the template with only the
 * stamped fields changed (sequence numbers in order, the IPv6 checksum
 * verifying over the whole frame); the room is counted in whole packets;
 * completions in any order go back to their own pools, and the frames sent
 * again are still intact.
 */
#include <arpa/inet.h>

#include "../ringlib/fake_rings.h"
#include "../../ref_csum.h"
#include "gen.h"
#include "gen_payload.h"

#define STREAM 5
#define NOW 123456789ull

struct tg {
	struct gen_thread g;
	struct ksock k;
	uint32_t frame_size;
	uint8_t pkt[XF_GEN_MAX_FRAME]; /* the last packet the kernel took */
};

static struct xf_gen_tmpl tmpl;

static void tg_setup(struct tg *x, bool v6, uint32_t len, uint32_t frame_size, uint32_t per_seg,
		     uint32_t tx)
{
	struct xf_gen_addrs a = { .ipv6 = v6, .sport = 10000, .dport = 9000 };
	struct gen_thread *g = &x->g;
	uint32_t k;

	memset(x, 0, sizeof(*x));
	memcpy(a.dst_mac, "\x02\x58\x46\x00\x00\x02", 6);
	memcpy(a.src_mac, "\x02\x58\x46\x00\x00\x01", 6);
	inet_pton(AF_INET, "198.18.0.1", &a.src4);
	inet_pton(AF_INET, "198.18.0.2", &a.dst4);
	inet_pton(AF_INET6, "2001:db8::1", &a.src6);
	inet_pton(AF_INET6, "2001:db8::2", &a.dst6);
	assert_int_equal(xf_gen_tmpl_init(&tmpl, &a, len, 3), 0);
	x->frame_size = frame_size;
	g->tmpl = &tmpl;
	g->stream = STREAM;
	g->room = frame_size - 256;
	g->nseg = xf_gen_nseg(len, g->room);
	g->span = (uint64_t)per_seg * frame_size;
	g->umem_area = zalloc64(g->nseg * g->span);
	memset(g->umem_area, GARBAGE, g->nseg * g->span); /* unwritten bytes show */
	g->pools = calloc(g->nseg, sizeof(*g->pools));
	assert_non_null(g->pools);
	for (k = 0; k < g->nseg; k++)
		assert_int_equal(rl_pool_init(&g->pools[k], k * g->span, per_seg, frame_size), 0);
	g->sock = sock_new(&x->k, 16, tx, 16, 256, WRAP_BASE + 0xff8);
	g->sock->sg = true;
	g->sock->max_chain = 18;
	gen_umem_fill(g);
}

static void tg_teardown(struct tg *x)
{
	uint32_t k;

	for (k = 0; k < x->g.nseg; k++) {
		assert_int_equal(x->g.pools[k].errors, 0);
		rl_pool_fini(&x->g.pools[k]);
	}
	free(x->g.pools);
	free(x->g.umem_area);
	sock_free(x->g.sock, &x->k);
}

/*
 * The kernel takes the next packet off the tx ring into x->pkt and puts its
 * descriptors' addresses on the completion ring, in reverse when @reverse.
 * Returns its length. Each descriptor came from its place's pool.
 */
static uint32_t k_take(struct tg *x, bool reverse)
{
	struct kring *tx = &x->k.tx, *comp = &x->k.comp;
	uint64_t addr[32];
	uint32_t n = 0, len = 0, i;
	const struct xdp_desc *d;

	do {
		assert_true(k_avail(tx) > n);
		d = k_desc(tx, tx->cons + n);
		assert_true(n < x->g.nseg);
		/* the k-th frame of a chain is one of pool k's */
		assert_int_equal(d->addr / x->g.span, n);
		assert_int_equal(d->addr % x->frame_size, 0);
		assert_int_equal(d->len, xf_gen_seg_len(tmpl.len, x->g.room, n));
		assert_int_equal(d->options, n + 1 < x->g.nseg ? XDP_PKT_CONTD : 0);
		memcpy(x->pkt + len, x->g.umem_area + d->addr, d->len);
		len += d->len;
		addr[n++] = d->addr;
	} while (d->options & XDP_PKT_CONTD);
	k_consumed(tx, n);
	for (i = 0; i < n; i++)
		*k_addr(comp, comp->prod + i) = addr[reverse ? n - 1 - i : i];
	k_produced(comp, n);
	return len;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* x->pkt is the template stamped with (STREAM, @seq, NOW), and nothing else changed. */
static void expect_packet(const struct tg *x, uint32_t len, uint64_t seq)
{
	const uint8_t *p = x->pkt;
	struct xf_gen_payload pl;
	uint32_t ulen = len - tmpl.udp_off, end = tmpl.pl_off + sizeof(pl);

	assert_int_equal(len, tmpl.len);
	assert_int_equal(xf_gen_parse(p, len, &pl), XF_GEN_OURS);
	assert_int_equal(pl.stream, STREAM);
	assert_true(pl.seq == seq);
	assert_true(pl.tx_ns == NOW);
	assert_int_equal(be16(p + tmpl.udp_off), 10000 + seq % 3);
	assert_memory_equal(p, tmpl.frame, tmpl.udp_off);
	assert_memory_equal(p + end, tmpl.frame + end, len - end);
	if (tmpl.ipv6) {
		uint8_t ph[8] = { 0, 0, (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, 0, 0, IPPROTO_UDP };
		uint32_t s = ref_sum(p + 22, 32) + ref_sum(ph, 8) + ref_sum(p + tmpl.udp_off, ulen);

		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		assert_int_equal(s, 0xffff);
	} else {
		assert_int_equal(ref_sum(p + 14, 20), 0xffff);
	}
}

static void test_pieces(void **state)
{
	(void)state;
	assert_int_equal(xf_gen_nseg(64, 1792), 1);
	assert_int_equal(xf_gen_seg_len(64, 1792, 0), 64);
	assert_int_equal(xf_gen_nseg(1792, 1792), 1);
	assert_int_equal(xf_gen_nseg(1793, 1792), 2);
	assert_int_equal(xf_gen_seg_len(1793, 1792, 1), 1);
	assert_int_equal(xf_gen_nseg(2049, 1792), 2);
	assert_int_equal(xf_gen_seg_len(2049, 1792, 0), 1792);
	assert_int_equal(xf_gen_seg_len(2049, 1792, 1), 257);
	assert_int_equal(xf_gen_nseg(9014, 3840), 3);
	assert_int_equal(xf_gen_seg_len(9014, 3840, 1), 3840);
	assert_int_equal(xf_gen_seg_len(9014, 3840, 2), 1334);
	assert_int_equal(xf_gen_nseg(9014, 1792), 6);
	assert_int_equal(xf_gen_seg_len(9014, 1792, 5), 54);
	assert_int_equal(xf_gen_nseg(XF_GEN_MAX_FRAME, 3840), 18); /* copy mode's limit */
	/* what a stamp writes is in the first piece, at the smallest room */
	assert_true(XF_GEN_ETH_HLEN + XF_GEN_IP6_HLEN + XF_GEN_UDP_HLEN + XF_GEN_PAYLOAD_LEN <=
		    2048 - 256);
}

/* Packets of every size on the ring, sent, completed (in reverse), sent again. */
static void test_chains_on_the_ring(void **state)
{
	static const struct {
		bool v6;
		uint32_t len, frame_size;
	} c[] = {
		{ false, 9014, 4096 }, { true, 9014, 2048 }, { false, 2049, 2048 },
		{ true, 4097, 4096 },  { true, 3840, 4096 }, { false, 64, 2048 },
		{ true, 65535, 4096 },
	};
	static struct tg x;
	uint64_t seq = 0, want;
	uint32_t i, j, round;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tg_setup(&x, c[i].v6, c[i].len, c[i].frame_size, 8, 128);
		seq = 0;
		for (round = 0; round < 3; round++) {
			assert_int_equal(gen_umem_room(&x.g, 4), 4);
			gen_umem_put(&x.g, &seq, 4, NOW);
			/* all submitted, whole packets only */
			assert_int_equal(k_avail(&x.k.tx), 4 * x.g.nseg);
			assert_int_equal(x.g.sock->tx_outstanding, 4 * x.g.nseg);
			for (j = 0; j < 4; j++)
				expect_packet(&x, k_take(&x, j & 1), round * 4 + j);
			assert_int_equal(gen_umem_complete(&x.g, 256), 4 * x.g.nseg);
			for (j = 0; j < x.g.nseg; j++)
				assert_int_equal(rl_pool_avail(&x.g.pools[j]), 8);
		}
		want = 12;
		assert_true(x.g.sock->stats.tx_packets == want);
		assert_true(x.g.sock->stats.tx_descs == want * x.g.nseg);
		assert_true(x.g.sock->stats.tx_completed == want * x.g.nseg);
		assert_true(x.g.sock->stats.tx_bytes == want * c[i].len);
		assert_int_equal(x.g.sock->tx_outstanding, 0);
		tg_teardown(&x);
	}
}

/* The room is whole packets: the tx ring's room for all their descriptors,
 * and a frame in every pool for each. */
static void test_room_in_whole_packets(void **state)
{
	static struct tg x;
	uint64_t seq = 0;

	(void)state;
	/* 16 tx entries, chains of 3: 5 packets, 1 entry left over */
	tg_setup(&x, false, 9014, 4096, 8, 16);
	assert_int_equal(gen_umem_room(&x.g, 64), 5);
	gen_umem_put(&x.g, &seq, 5, NOW);
	assert_int_equal(k_avail(&x.k.tx), 15);
	assert_int_equal(gen_umem_room(&x.g, 64), 0);
	k_take(&x, false);
	/* ring room for 1, but no more frames than the pools hold */
	assert_int_equal(gen_umem_room(&x.g, 64), 1);
	k_take(&x, false);
	assert_int_equal(gen_umem_room(&x.g, 64), 2);
	assert_int_equal(gen_umem_complete(&x.g, 256), 6);
	/* the pools have 5 frames each again; the ring has room for 2 */
	assert_int_equal(gen_umem_room(&x.g, 64), 2);
	k_take(&x, false);
	k_take(&x, false);
	k_take(&x, false);
	assert_int_equal(gen_umem_complete(&x.g, 256), 9);
	assert_int_equal(gen_umem_room(&x.g, 64), 5);
	/* one pool short of frames holds every packet back */
	x.g.pools[2].count = 1;
	assert_int_equal(gen_umem_room(&x.g, 64), 1);
	x.g.pools[2].count = 8;
	tg_teardown(&x);
}

/* A completion outside every pool is refused and counted, never given to
 * a pool as one of its frames. */
static void test_foreign_completion(void **state)
{
	static struct tg x;
	struct kring *comp;

	(void)state;
	tg_setup(&x, false, 9014, 4096, 8, 16);
	comp = &x.k.comp;
	*k_addr(comp, comp->prod) = 3 * x.g.span + 4096; /* past the last pool */
	*k_addr(comp, comp->prod + 1) = 4096 + 17;	 /* pool 0's, already free */
	k_produced(comp, 2);
	x.g.sock->tx_outstanding = 2;
	assert_int_equal(gen_umem_complete(&x.g, 256), 2);
	assert_int_equal(x.g.pools[0].errors, 2);
	assert_int_equal(rl_pool_avail(&x.g.pools[0]), 8);
	x.g.pools[0].errors = 0;
	tg_teardown(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_chains_on_the_ring),
		cmocka_unit_test(test_room_in_whole_packets),
		cmocka_unit_test(test_foreign_completion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
