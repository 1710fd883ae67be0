// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the sink's accounting of an rx batch (user/sink/sink_rx.c)
 * with multi-buffer chains, against the ring stand-in of
 * tests/unit/ringlib/fake_rings.h and a plain buffer as the UMEM area.
 *
 * The stand-in kernel receives the generator's frames (gen_frame.h's
 * template, stamped) cut into pieces of a frame's room, one descriptor each,
 * XDP_PKT_CONTD on all but the last, as the kernel delivers a jumbo frame.
 * Checked: every packet is counted once, as ours, with its whole length, its
 * sequence number and latency; the socket counts packets and descriptors;
 * every frame goes back to the pool; a chain that lost a piece, and one whose
 * headers or payload run past its first frame, read as truncated (and no
 * byte past a descriptor's length is relied on); single-descriptor packets
 * in between are read as before; a batch limit never cuts a chain.
 */
#include <arpa/inet.h>

#include "../ringlib/fake_rings.h"
#include "../../../user/gen/gen_frame.h" /* the generator builds the frames */
#include "sink_poller.h"

#define NFRAMES 128
#define ROOM (FRAME_SIZE - HEADROOM)
#define NOW 1000000000ull
#define SENT_AT (NOW - 25000) /* 25 us before */

struct ts {
	struct sink_poller sp;
	struct ksock k;
	uint32_t next; /* next frame */
};

static struct xf_gen_tmpl tmpl;
static uint8_t frame[XF_GEN_MAX_FRAME];

static void ts_setup(struct ts *t)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(sink_poller_init(&t->sp), 0);
	t->sp.area = zalloc64(NFRAMES * FRAME_SIZE);
	t->sp.sock = sock_new(&t->k, 64, 16, 16, 16, WRAP_BASE + 0xff0);
	t->sp.sock->sg = true;
	t->sp.sock->max_chain = 18;
	assert_int_equal(rl_pool_init(&t->sp.pool, 0, NFRAMES, FRAME_SIZE), 0);
	t->sp.pool.count = 0; /* every frame is out: on the rings */
	memset(t->sp.pool.is_free, 0, NFRAMES);
}

static void ts_teardown(struct ts *t)
{
	assert_int_equal(t->sp.pool.errors, 0);
	rl_pool_fini(&t->sp.pool);
	sock_free(t->sp.sock, &t->k);
	free(t->sp.area);
	sink_poller_fini(&t->sp);
}

/* The generator's frame of @len bytes (IPv6 or not), packet (@stream, @seq). */
static void make_frame(bool v6, uint32_t len, uint16_t stream, uint64_t seq)
{
	struct xf_gen_addrs a = { .ipv6 = v6, .sport = 10000, .dport = 9000 };

	inet_pton(AF_INET, "198.18.0.1", &a.src4);
	inet_pton(AF_INET, "198.18.0.2", &a.dst4);
	inet_pton(AF_INET6, "2001:db8::1", &a.src6);
	inet_pton(AF_INET6, "2001:db8::2", &a.dst6);
	assert_int_equal(xf_gen_tmpl_init(&tmpl, &a, len, 1), 0);
	memcpy(frame, tmpl.frame, len);
	xf_gen_stamp(frame, &tmpl, stream, seq, SENT_AT);
}

/*
 * The kernel receives frame[0..@len) as descriptors of @first bytes, then
 * ROOM bytes each (the last the rest); @drop_last: the last piece is lost.
 * Returns the descriptors.
 */
static uint32_t k_receive_chain(struct ts *t, uint32_t len, uint32_t first, bool drop_last)
{
	struct kring *k = &t->k.rx;
	uint32_t off = 0, n = 0, piece;

	while (off < len) {
		struct xdp_desc *d = k_desc(k, k->prod + n);
		uint32_t j = t->next++ % NFRAMES;

		piece = n ? ROOM : first;
		if (piece > len - off)
			piece = len - off;
		memcpy((uint8_t *)t->sp.area + j * FRAME_SIZE + HEADROOM, frame + off, piece);
		d->addr = j * FRAME_SIZE + HEADROOM;
		d->len = piece;
		off += piece;
		d->options = off < len ? XDP_PKT_CONTD : 0;
		n++;
	}
	if (drop_last) /* the piece before it ends the packet now */
		k_desc(k, k->prod + --n - 1)->options = 0;
	k_produced(k, n);
	return n;
}

/* One poller iteration: peek up to @max, account at NOW. Returns the descriptors. */
static uint32_t rx(struct ts *t, uint32_t max)
{
	uint32_t idx, n = rl_rx_peek_pkts(t->sp.sock, max, &idx);

	if (n)
		sink_rx_batch(&t->sp, idx, n, NOW);
	return n;
}

static struct xf_seq_counts stream_counts(const struct ts *t, uint16_t s)
{
	struct xf_seq_counts c;

	xf_seq_snapshot(&t->sp.streams[s], &c);
	return c;
}

static void test_chains_counted_once(void **state)
{
	static struct ts t;
	uint32_t descs = 0;
	struct xf_seq_counts c;

	(void)state;
	ts_setup(&t);
	make_frame(false, 9014, 3, 0);
	descs += k_receive_chain(&t, 9014, ROOM, false); /* 6 pieces of 1792 */
	make_frame(true, 2049, 3, 1);
	descs += k_receive_chain(&t, 2049, ROOM, false);
	make_frame(false, 64, 3, 2);
	descs += k_receive_chain(&t, 64, ROOM, false);
	make_frame(true, 4097, 3, 3);
	descs += k_receive_chain(&t, 4097, ROOM, false);
	assert_int_equal(descs, 6 + 2 + 1 + 3);
	assert_int_equal(rx(&t, 64), descs);
	assert_true(t.sp.c.ours == 4);
	assert_true(t.sp.c.ours_bytes == 9014 + 2049 + 64 + 4097);
	assert_true(t.sp.c.untimed == 0);
	assert_true(t.sp.sock->stats.rx_packets == 4);
	assert_true(t.sp.sock->stats.rx_descs == descs);
	assert_true(t.sp.sock->stats.rx_bytes == 9014 + 2049 + 64 + 4097);
	c = stream_counts(&t, 3);
	assert_true(c.received == 4 && c.first == 0 && c.last == 3);
	assert_true(c.reordered == 0 && c.duplicate == 0);
	assert_true(t.sp.latency->count == 4);
	assert_true(t.sp.latency->max == NOW - SENT_AT);
	/* every frame back in the pool, the ring released */
	assert_int_equal(rl_pool_avail(&t.sp.pool), descs);
	assert_int_equal(t.k.rx.f->consumer, t.k.rx.prod);
	ts_teardown(&t);
}

/* A chain cut short, and chains whose first frame does not hold the
 * headers or the payload: truncated, never ours, their frames still back. */
static void test_broken_chains_truncated(void **state)
{
	static struct ts t;
	uint32_t descs = 0;

	(void)state;
	ts_setup(&t);
	make_frame(false, 9014, 0, 0);
	descs += k_receive_chain(&t, 9014, ROOM, true); /* the last piece lost */
	make_frame(false, 4000, 0, 1);
	descs += k_receive_chain(&t, 4000, 30, false); /* IPv4 header split */
	make_frame(true, 4000, 0, 2);
	descs += k_receive_chain(&t, 4000, tmpl.pl_off + 10, false); /* payload split */
	make_frame(true, 4000, 0, 3);
	descs += k_receive_chain(&t, 4000, tmpl.pl_off + XF_GEN_PAYLOAD_LEN, false);
	assert_int_equal(rx(&t, 64), descs);
	assert_true(t.sp.c.other[XF_GEN_TRUNCATED] == 3);
	assert_true(t.sp.c.ours == 1); /* the payload just fits its first frame */
	assert_true(stream_counts(&t, 0).first == 3);
	assert_true(t.sp.sock->stats.rx_packets == 4);
	assert_true(t.sp.sock->stats.rx_descs == descs);
	assert_int_equal(rl_pool_avail(&t.sp.pool), descs);
	ts_teardown(&t);
}

/* A batch smaller than the chains: whole packets per peek, none cut. */
static void test_batch_limit_keeps_chains_whole(void **state)
{
	static struct ts t;
	uint64_t seq;
	uint32_t got = 0, n, calls = 0;

	(void)state;
	ts_setup(&t);
	for (seq = 0; seq < 5; seq++) {
		make_frame(false, 9014, 1, seq);
		k_receive_chain(&t, 9014, ROOM, false);
	}
	while ((n = rx(&t, 4)) > 0) {
		assert_int_equal(n, 6); /* one chain per call: longer than the batch */
		got += n;
		calls++;
	}
	assert_int_equal(calls, 5);
	assert_int_equal(got, 30);
	assert_true(t.sp.c.ours == 5 && t.sp.sock->stats.rx_packets == 5);
	assert_true(stream_counts(&t, 1).received == 5 && stream_counts(&t, 1).reordered == 0);
	ts_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains_counted_once),
		cmocka_unit_test(test_broken_chains_truncated),
		cmocka_unit_test(test_batch_limit_keeps_chains_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
