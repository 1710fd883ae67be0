// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of ringlib's ring verbs (ringlib/rl.h: rl_fill, rl_complete,
 * rl_rx_peek/rl_rx_release, rl_tx_room/rl_tx_put/rl_tx_submit, rl_rx_to_tx,
 * and the predicates rl_tx_pending, rl_rx_left, rl_rings_empty),
 * against the stand-in for the kernel side of the AF_XDP rings in
 * fake_rings.h. The multi-buffer verbs' single-threaded cases are in
 * test_chains.c.
 *
 * First a few single-threaded cases pin down how much each helper moves
 * (its max, the room on the ring it produces to, the frames in the pool) and
 * what it writes. Then the stress test: like the forwarder, frames received
 * on socket A are sent on socket B, both sharing one rl_pool. A "kernel"
 * thread, with acquire loads and release stores of the ring indices like the
 * kernel's xsk_queue.h, turns A's fill entries into rx descriptors (frame
 * base + 256 bytes of headroom, a length derived from a sequence number) and
 * consumes B's tx ring, checking every descriptor is the next one in
 * sequence (address, length, options), then completes it on B's completion
 * ring. It also tracks, per frame, that no frame is handed to the fill ring
 * while it is still on the rx/tx path, and it stops serving tx now and then
 * until both the tx and rx rings are full, so the back-pressure paths run.
 * The test's thread is the poller: rl_complete(B), rl_fill(A),
 * rl_rx_to_tx(A, B, batch), until XF_RINGS_ITEMS (default RINGS_ITEMS: 5M,
 * 500k under ThreadSanitizer) descriptors have gone round. Three cases,
 * batch 1, 7 and 64, with small rings of different shapes so that every
 * ring wraps and fills in one of them (a completion ring smaller than tx, a
 * fill ring smaller than rx, a pool smaller than the rings), and indices
 * that start from 0 or just below 2^32; and the same three with
 * multi-buffer on: the kernel receives packets of 1 to 4, 5 or 20
 * descriptors, each whole (XDP_PKT_CONTD on all but the last), checks that
 * they leave on B whole, in order, with the flag carried, and expects none
 * of those longer than B's max_chain (the poller returns their frames to
 * the pool; the kernel loses sight of them, so its frame tracking does not
 * cover them). At the end every counter (packets and descriptors) must
 * match the kernel's totals and the pool must hold every frame again. A run
 * that makes no progress for NO_PROGRESS_S seconds fails instead of
 * hanging. Under ThreadSanitizer this also checks the ring accesses for
 * data races.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "fake_rings.h"

/*
 * Descriptors per stress case (env XF_RINGS_ITEMS). ThreadSanitizer makes
 * every ring access about 25 times slower (31 s for the six cases): a tenth
 * as many there still gives 24 stalls per case, and every ring still wraps
 * and fills; the interleavings are the same kind, only fewer of them.
 */
#if defined(__SANITIZE_THREAD__)
#define XF_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define XF_TSAN 1
#endif
#endif
#ifdef XF_TSAN
#define RINGS_ITEMS 500000ull
#else
#define RINGS_ITEMS 5000000ull
#endif
#define STALL_EVERY 20000u /* the kernel stops serving tx every this many packets */
#define HIST_SIZE 8192u	   /* > frames in flight: addresses remembered per sequence number */
#define NO_PROGRESS_S 10

_Static_assert(!(HIST_SIZE & (HIST_SIZE - 1)), "history size");

/* Packet length of sequence number @seq: 60..1514, scattered. */
static uint32_t len_of(uint64_t seq)
{
	return 60 + (uint32_t)(((seq * 0x9e3779b97f4a7c15ull) >> 40) % 1455);
}

/* ---- single-threaded cases: what each helper moves ---- */

static void test_fill_limits(void **state)
{
	const uint32_t base = 0u - 10; /* the indices pass 2^32 during the test */
	struct rl_sock *a;
	struct ksock ka;
	struct rl_pool pool;
	uint32_t i;

	(void)state;
	a = sock_new(&ka, 16, 16, 8, 8, base);
	assert_int_equal(rl_pool_init(&pool, 4 * FRAME_SIZE, 20, FRAME_SIZE), 0);

	assert_int_equal(rl_fill(a, &pool, 3), 3); /* max */
	assert_int_equal(__atomic_load_n(&ka.fill.f->producer, __ATOMIC_RELAXED), base + 3);
	assert_int_equal(k_avail(&ka.fill), 3);
	assert_int_equal(rl_pool_avail(&pool), 17);
	for (i = 0; i < 3; i++) /* the pool's frames, lowest first */
		assert_int_equal(*k_addr(&ka.fill, ka.fill.cons + i), (4 + i) * FRAME_SIZE);
	/* the rest of the ring is untouched */
	assert_int_equal(*k_addr(&ka.fill, ka.fill.cons + 3), 0xa5a5a5a5a5a5a5a5ull);

	assert_int_equal(rl_fill(a, &pool, 100), 5); /* room on the ring */
	assert_int_equal(k_avail(&ka.fill), 8);
	assert_int_equal(rl_pool_avail(&pool), 12);
	assert_int_equal(rl_fill(a, &pool, 100), 0); /* full */
	assert_int_equal(k_avail(&ka.fill), 8);
	assert_int_equal(rl_pool_avail(&pool), 12);
	assert_int_equal(a->stats.fill_starved, 0);

	k_consumed(&ka.fill, 8); /* the kernel takes them all (the index wraps) */
	assert_int_equal(rl_fill(a, &pool, 100), 8);
	assert_int_equal(rl_pool_avail(&pool), 4);
	for (i = 0; i < 8; i++)
		assert_int_equal(*k_addr(&ka.fill, ka.fill.cons + i), (4 + 8 + i) * FRAME_SIZE);
	k_consumed(&ka.fill, 5);
	assert_int_equal(rl_fill(a, &pool, 100), 4); /* frames in the pool */
	assert_int_equal(rl_pool_avail(&pool), 0);
	assert_int_equal(k_avail(&ka.fill), 7);
	assert_int_equal(a->stats.fill_starved, 0);
	assert_int_equal(rl_fill(a, &pool, 100), 0); /* room, but no frames */
	assert_int_equal(a->stats.fill_starved, 1);
	assert_int_equal(k_avail(&ka.fill), 7);
	assert_int_equal(pool.errors, 0);
	rl_pool_fini(&pool);
	sock_free(a, &ka);
}

static void test_rx_to_tx_limits(void **state)
{
	struct rl_sock *a, *b;
	struct ksock ka, kb;
	uint64_t bytes = 0;
	uint32_t i, idx;

	(void)state;
	a = sock_new(&ka, 16, 16, 16, 16, WRAP_BASE + 10);
	b = sock_new(&kb, 16, 8, 16, 16, 0u - 3);
	for (i = 0; i < 12; i++) {
		struct xdp_desc *d = k_desc(&ka.rx, ka.rx.prod + i);

		d->addr = i * FRAME_SIZE + HEADROOM;
		d->len = 100 + i;
		d->options = 0x5a; /* not copied: tx options are 0 */
	}
	k_produced(&ka.rx, 12);

	assert_int_equal(rl_rx_to_tx(a, b, NULL, 5), 5); /* max */
	assert_int_equal(k_avail(&kb.tx), 5);
	assert_int_equal(k_room(&ka.rx), 16 - 7); /* 5 released, 7 still there */
	for (i = 0; i < 5; i++) {
		struct xdp_desc *d = k_desc(&kb.tx, kb.tx.cons + i);

		assert_int_equal(d->addr, i * FRAME_SIZE + HEADROOM);
		assert_int_equal(d->len, 100 + i);
		assert_int_equal(d->options, 0);
	}
	bytes = 100 + 101 + 102 + 103 + 104;
	assert_int_equal(a->stats.rx_packets, 5);
	assert_int_equal(a->stats.rx_bytes, bytes);
	assert_int_equal(b->stats.tx_packets, 5);
	assert_int_equal(b->stats.tx_bytes, bytes);
	assert_int_equal(b->tx_outstanding, 5);

	assert_int_equal(rl_rx_to_tx(a, b, NULL, 64), 3); /* room on the tx ring */
	assert_int_equal(k_avail(&kb.tx), 8);
	assert_int_equal(k_room(&ka.rx), 16 - 4);	  /* what did not fit waits on rx */
	assert_int_equal(rl_rx_to_tx(a, b, NULL, 64), 0); /* tx full */
	assert_int_equal(k_room(&ka.rx), 16 - 4);
	assert_int_equal(b->stats.tx_packets, 8);
	assert_int_equal(b->tx_outstanding, 8);

	/* the kernel sends 6: the 4 left on rx follow, in order, across the index wrap */
	for (i = 0; i < 6; i++)
		assert_int_equal(k_desc(&kb.tx, kb.tx.cons + i)->addr, i * FRAME_SIZE + HEADROOM);
	k_consumed(&kb.tx, 6);
	assert_int_equal(rl_rx_to_tx(a, b, NULL, 64), 4); /* what rx has */
	assert_int_equal(rl_rx_to_tx(a, b, NULL, 64), 0); /* rx empty */
	assert_int_equal(k_avail(&kb.tx), 6);
	for (i = 0, idx = kb.tx.cons; i < 6; i++, idx++) {
		struct xdp_desc *d = k_desc(&kb.tx, idx);

		assert_int_equal(d->addr, (6 + i) * FRAME_SIZE + HEADROOM);
		assert_int_equal(d->len, 106 + i);
		assert_int_equal(d->options, 0);
	}
	assert_int_equal(k_room(&ka.rx), 16);
	assert_int_equal(a->stats.rx_packets, 12);
	assert_int_equal(b->stats.tx_packets, 12);
	assert_int_equal(b->stats.tx_bytes, 12 * 100 + 66);
	assert_int_equal(a->stats.rx_bytes, 12 * 100 + 66);
	assert_int_equal(b->tx_outstanding, 12);
	/* nothing on the other directions */
	assert_int_equal(a->stats.tx_packets, 0);
	assert_int_equal(a->tx_outstanding, 0);
	assert_int_equal(b->stats.rx_packets, 0);
	sock_free(a, &ka);
	sock_free(b, &kb);
}

static void test_complete_limits(void **state)
{
	struct rl_pool pool;
	struct rl_sock *b;
	struct ksock kb;
	uint64_t f[10];
	uint32_t i;

	(void)state;
	b = sock_new(&kb, 16, 16, 16, 8, 0u - 6); /* the indices pass 2^32 */
	assert_int_equal(rl_pool_init(&pool, 0, 32, FRAME_SIZE), 0);
	assert_int_equal(rl_pool_get(&pool, f, 10), 10);
	b->tx_outstanding = 10; /* as if rl_rx_to_tx had sent them */
	for (i = 0; i < 6; i++)
		*k_addr(&kb.comp, kb.comp.prod + i) = f[i] + HEADROOM;
	k_produced(&kb.comp, 6);

	assert_int_equal(rl_complete(b, &pool, 4), 4); /* max */
	assert_int_equal(rl_pool_avail(&pool), 22 + 4);
	assert_int_equal(k_room(&kb.comp), 8 - 2);
	assert_int_equal(b->tx_outstanding, 6);
	assert_int_equal(b->stats.tx_completed, 4);
	assert_int_equal(rl_complete(b, &pool, 64), 2); /* what the ring has */
	assert_int_equal(rl_complete(b, &pool, 64), 0);
	assert_int_equal(rl_pool_avail(&pool), 28);
	assert_int_equal(k_room(&kb.comp), 8);
	assert_int_equal(b->tx_outstanding, 4);
	assert_int_equal(b->stats.tx_completed, 6);
	/* the frames came back as their bases, last completed on top */
	for (i = 0; i < 6; i++)
		assert_int_equal(rl_pool_pop(&pool), f[5 - i]);

	/* the last 4, past the end of the ring's memory */
	for (i = 0; i < 4; i++)
		*k_addr(&kb.comp, kb.comp.prod + i) = f[6 + i] + 1;
	k_produced(&kb.comp, 4);
	assert_int_equal(rl_complete(b, &pool, 64), 4);
	assert_int_equal(b->tx_outstanding, 0);
	assert_int_equal(b->stats.tx_completed, 10);
	assert_int_equal(rl_pool_avail(&pool), 32 - 6);
	assert_int_equal(pool.errors, 0);
	rl_pool_fini(&pool);
	sock_free(b, &kb);
}

static void test_rx_peek_release(void **state)
{
	struct rl_sock *a;
	struct ksock ka;
	uint32_t idx = 0, idx2 = 0, i, n;
	uint64_t bytes;

	(void)state;
	a = sock_new(&ka, 8, 8, 8, 8, 0u - 5);	      /* the indices pass 2^32 */
	assert_int_equal(rl_rx_peek(a, 64, &idx), 0); /* empty */
	assert_int_equal(rl_rx_left(a), 0);
	k_receive(&ka.rx, 0, 6);
	assert_int_equal(rl_rx_left(a), 6);

	n = rl_rx_peek(a, 4, &idx); /* max */
	assert_int_equal(n, 4);
	for (i = 0, bytes = 0; i < n; i++) {
		const struct xdp_desc *d = rl_rx_desc(a, idx + i);

		assert_int_equal(d->addr, i * FRAME_SIZE + HEADROOM);
		assert_int_equal(d->len, 100 + i);
		bytes += d->len;
	}
	/* peeked is not released: the kernel has no room yet, left still counts them */
	assert_int_equal(k_room(&ka.rx), 8 - 6);
	assert_int_equal(rl_rx_left(a), 6);
	rl_rx_release(a, n, bytes);
	assert_int_equal(k_room(&ka.rx), 8 - 2);
	assert_int_equal(rl_rx_left(a), 2);
	assert_int_equal(a->stats.rx_packets, 4);
	assert_int_equal(a->stats.rx_bytes, 100 + 101 + 102 + 103);

	/* The producer index is read only once the entries seen are used up. */
	k_receive(&ka.rx, 6, 5);
	n = rl_rx_peek(a, 64, &idx);
	assert_int_equal(n, 2);
	assert_int_equal(rl_rx_desc(a, idx)->addr, 4 * FRAME_SIZE + HEADROOM);
	/* a partial release: what was not released is peeked again, in order */
	rl_rx_release(a, 1, 104);
	assert_int_equal(rl_rx_left(a), 6);
	n = rl_rx_peek(a, 64, &idx2);
	assert_int_equal(n, 1);
	assert_int_equal(idx2, idx + 1);
	assert_int_equal(rl_rx_desc(a, idx2)->len, 105);
	rl_rx_release(a, 1, 105);
	n = rl_rx_peek(a, 64, &idx);
	assert_int_equal(n, 5);
	assert_int_equal(idx, idx2 + 1);
	rl_rx_release(a, 3, 106 + 107 + 108);
	n = rl_rx_peek(a, 64, &idx2);
	assert_int_equal(n, 2);
	assert_int_equal(idx2, idx + 3);
	for (i = 0; i < n; i++)
		assert_int_equal(rl_rx_desc(a, idx2 + i)->len, 109 + i);
	assert_int_equal(rl_rx_left(a), 2);
	rl_rx_release(a, 2, 109 + 110);
	assert_int_equal(rl_rx_peek(a, 64, &idx), 0);
	assert_int_equal(rl_rx_left(a), 0);
	assert_int_equal(k_room(&ka.rx), 8);
	assert_int_equal(a->stats.rx_packets, 11);
	assert_int_equal(a->stats.rx_bytes, 11 * 100 + 55);
	/* nothing else moved */
	assert_int_equal(a->stats.tx_packets, 0);
	assert_int_equal(k_avail(&ka.tx), 0);
	sock_free(a, &ka);
}

/*
 * What an N-port router does: one rx batch spread over several tx rings by
 * a per-descriptor choice, each tx ring submitted once per batch, one rx
 * release per batch; a full egress stops the batch and the rest waits on rx.
 */
static void test_tx_put_spread(void **state)
{
	struct rl_sock *in, *out[2];
	struct ksock kin, kout[2];
	uint32_t idx = 0, i, n, e, prod_before[2];
	uint64_t bytes;

	(void)state;
	in = sock_new(&kin, 16, 16, 16, 16, WRAP_BASE + 14);
	out[0] = sock_new(&kout[0], 16, 16, 16, 16, 0u - 2);
	out[1] = sock_new(&kout[1], 16, 4, 16, 16, 0u - 1); /* a small tx ring */
	k_receive(&kin.rx, 0, 12);

	n = rl_rx_peek(in, 64, &idx);
	assert_int_equal(n, 12);
	for (e = 0; e < 2; e++)
		prod_before[e] = kout[e].tx.f->producer;
	for (i = 0, bytes = 0; i < n; i++) {
		const struct xdp_desc *d = rl_rx_desc(in, idx + i);
		struct rl_sock *o = out[i & 1]; /* the choice: even to 0, odd to 1 */

		if (!rl_tx_room(o, 1))
			break;
		rl_tx_put(o, d->addr, d->len);
		bytes += d->len;
	}
	/* out[1] holds 4: frames 1 3 5 7; frame 9 found it full, so 0..8 went */
	assert_int_equal(i, 9);
	assert_int_equal(out[0]->tx_queued, 5);
	assert_int_equal(out[1]->tx_queued, 4);
	/* nothing is visible to the kernel before the submit */
	for (e = 0; e < 2; e++) {
		assert_int_equal(kout[e].tx.f->producer, prod_before[e]);
		assert_int_equal(k_avail(&kout[e].tx), 0);
		assert_int_equal(rl_tx_pending(out[e]), e ? 4 : 5); /* counts put ones */
	}
	for (e = 0; e < 2; e++)
		rl_tx_submit(out[e]);
	rl_tx_submit(out[0]); /* nothing put since: nothing done */
	rl_rx_release(in, i, bytes);

	assert_int_equal(k_avail(&kout[0].tx), 5);
	assert_int_equal(k_avail(&kout[1].tx), 4);
	for (i = 0; i < 5; i++) {
		struct xdp_desc *d = k_desc(&kout[0].tx, kout[0].tx.cons + i);

		assert_int_equal(d->addr, 2 * i * FRAME_SIZE + HEADROOM);
		assert_int_equal(d->len, 100 + 2 * i);
		assert_int_equal(d->options, 0);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(k_desc(&kout[1].tx, kout[1].tx.cons + i)->addr,
				 (2 * i + 1) * FRAME_SIZE + HEADROOM);
	assert_int_equal(out[0]->stats.tx_packets, 5);
	assert_int_equal(out[0]->stats.tx_bytes, 100 + 102 + 104 + 106 + 108);
	assert_int_equal(out[1]->stats.tx_packets, 4);
	assert_int_equal(out[1]->stats.tx_bytes, 101 + 103 + 105 + 107);
	assert_int_equal(out[0]->tx_outstanding, 5);
	assert_int_equal(out[1]->tx_outstanding, 4);
	assert_int_equal(out[0]->tx_queued, 0);
	assert_int_equal(in->stats.rx_packets, 9);
	assert_int_equal(in->stats.rx_bytes, 9 * 100 + 36);
	assert_int_equal(rl_rx_left(in), 3);

	/* the kernel sends 2 of out[1]'s: room for 2 more, frames 9 and 11 */
	assert_int_equal(rl_tx_room(out[1], 64), 0);
	k_consumed(&kout[1].tx, 2);
	assert_int_equal(rl_tx_pending(out[1]), 2);
	assert_int_equal(rl_tx_room(out[1], 64), 2);
	assert_int_equal(rl_tx_room(out[1], 1), 1);
	n = rl_rx_peek(in, 64, &idx);
	assert_int_equal(n, 3);
	assert_int_equal(rl_rx_desc(in, idx)->addr, 9 * FRAME_SIZE + HEADROOM);
	for (i = 0, bytes = 0; i < n; i++) {
		const struct xdp_desc *d = rl_rx_desc(in, idx + i);
		struct rl_sock *o = out[(9 + i) & 1];

		if (!rl_tx_room(o, 1))
			break;
		rl_tx_put(o, d->addr, d->len);
		bytes += d->len;
	}
	assert_int_equal(i, 3);
	for (e = 0; e < 2; e++)
		rl_tx_submit(out[e]);
	rl_rx_release(in, i, bytes);
	assert_int_equal(rl_rx_left(in), 0);
	assert_int_equal(k_avail(&kout[0].tx), 6);
	assert_int_equal(k_avail(&kout[1].tx), 4);
	assert_int_equal(k_desc(&kout[1].tx, kout[1].tx.cons + 3)->addr,
			 11 * FRAME_SIZE + HEADROOM);
	assert_int_equal(in->stats.rx_packets, 12);
	assert_int_equal(out[0]->stats.tx_packets + out[1]->stats.tx_packets, 12);
	assert_int_equal(in->stats.rx_bytes, out[0]->stats.tx_bytes + out[1]->stats.tx_bytes);

	/* drained: rx released, every submitted descriptor consumed by the kernel */
	assert_false(rl_rings_empty(out[0]));
	assert_true(rl_rings_empty(in));
	k_consumed(&kout[0].tx, 6);
	k_consumed(&kout[1].tx, 4);
	for (e = 0; e < 2; e++) {
		assert_true(rl_rings_empty(out[e]));
		assert_int_equal(rl_tx_pending(out[e]), 0);
	}
	k_receive(&kin.rx, 20, 1);
	assert_false(rl_rings_empty(in));
	sock_free(in, &kin);
	for (e = 0; e < 2; e++)
		sock_free(out[e], &kout[e]);
}

/* ---- the two-thread stress test ---- */

/* One stress case; the ring sizes are the same on A and B. */
struct stress_cfg {
	const char *name;
	uint32_t batch;	  /* rl_rx_to_tx's max */
	uint32_t nframes; /* frames of the shared pool */
	uint32_t rx, tx, fill, comp;
	uint32_t base; /* initial ring indices */
	/* multi-buffer: 0 off; else packets of 1 .. chain descriptors, and
	 * those longer than max_chain (B's limit) are dropped by the poller */
	uint32_t chain, max_chain;
};

#define DROPPED 0x100u /* in stress.hopt: a descriptor of a packet B may not send */

struct stress {
	/* set up by the test, read-only while running */
	const struct stress_cfg *cfg;
	uint32_t chain_max; /* the longest packet: cfg->chain, or 1 */
	uint64_t items;
	uint32_t nframes;
	uint64_t first; /* the pool's first frame */
	struct ksock *ka, *kb;
	/* kernel thread's own state */
	uint64_t rx_seq, tx_seq;		    /* descriptors */
	uint64_t pkt_seq;			    /* packets received */
	uint64_t hist[HIST_SIZE];		    /* rx address by sequence number */
	uint32_t hopt[HIST_SIZE];		    /* rx options | DROPPED by sequence number */
	uint64_t drop_descs, drop_pkts, drop_bytes; /* what B may not send */
	uint8_t *on_path; /* per frame: between fill consumption and completion */
	uint64_t stalls, rx_full, tx_full, comp_full, fill_empty;
	uint64_t next_stall;
	bool stall;
	uint64_t poller_idle; /* poller rounds that moved nothing */
	/* shared */
	int stop;		  /* poller -> kernel: done */
	int failed;		  /* kernel -> poller: error[] says what */
	uint64_t rx_total;	  /* kernel -> poller: descriptors received, once all are */
	uint64_t kernel_progress; /* rx_seq + tx_seq, for the watchdog */
	uint64_t poller_progress;
	char error[256];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int kernel_fail(struct stress *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int kernel_fail(struct stress *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->error, sizeof(st->error), fmt, ap);
	va_end(ap);
	__atomic_store_n(&st->failed, 1, __ATOMIC_RELEASE);
	return -1;
}

static uint32_t min3(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Descriptors of packet @p: 1 without multi-buffer; with it, half the
 * packets 1, the others 1 .. chain. */
static uint32_t pkt_len(const struct stress_cfg *cfg, uint64_t p)
{
	uint64_t h = (p + 1) * 0xbf58476d1ce4e5b9ull;

	if (!cfg->chain || !((h >> 33) & 1))
		return 1;
	return 1 + (uint32_t)((h >> 40) % cfg->chain);
}

/* The sequence numbers of packets B may not send are never seen on tx. */
static void k_skip_dropped(struct stress *st)
{
	while (st->tx_seq < st->rx_seq && (st->hopt[st->tx_seq % HIST_SIZE] & DROPPED))
		st->tx_seq++;
}

/* Fill entry @i of this round becomes rx descriptor @i, options @opts. */
static int k_rx_desc(struct stress *st, uint32_t i, uint32_t opts, bool dropped)
{
	struct kring *fill = &st->ka->fill, *rx = &st->ka->rx;
	uint64_t end = st->first + (uint64_t)st->nframes * FRAME_SIZE;
	uint64_t addr = *k_addr(fill, fill->cons + i), f;
	struct xdp_desc *d = k_desc(rx, rx->prod + i);

	if (addr % FRAME_SIZE || addr < st->first || addr >= end)
		return kernel_fail(st, "fill entry %#llx is not a frame of the pool",
				   (unsigned long long)addr);
	f = (addr - st->first) / FRAME_SIZE;
	if (st->on_path[f])
		return kernel_fail(st,
				   "frame %#llx on the fill ring while still on the rx/tx path "
				   "(seq %llu)",
				   (unsigned long long)addr, (unsigned long long)st->rx_seq);
	/* a dropped packet's frames go back to the pool without us */
	st->on_path[f] = !dropped;
	d->addr = addr + HEADROOM;
	d->len = len_of(st->rx_seq);
	d->options = opts;
	st->hist[st->rx_seq % HIST_SIZE] = d->addr;
	st->hopt[st->rx_seq % HIST_SIZE] = opts | (dropped ? DROPPED : 0);
	if (dropped) {
		st->drop_descs++;
		st->drop_bytes += d->len;
	}
	st->rx_seq++;
	return 0;
}

/* A: frames from the fill ring become received packets on rx, each whole,
 * at most @budget descriptors (but at least one packet). Returns the
 * descriptors received, or -1 (failed). */
static int k_rx(struct stress *st, uint32_t budget)
{
	struct kring *fill = &st->ka->fill, *rx = &st->ka->rx;
	uint32_t avail = k_avail(fill), room = k_room(rx), n = 0, len, k;
	bool dropped;

	if (avail > fill->size)
		return kernel_fail(st, "fill ring holds %u entries (size %u)", avail, fill->size);
	k_skip_dropped(st);
	len = pkt_len(st->cfg, st->pkt_seq);
	if (room < len)
		st->rx_full++;
	else if (avail < len)
		st->fill_empty++;
	while (st->rx_seq < st->items) {
		len = pkt_len(st->cfg, st->pkt_seq);
		if (n + len > avail || n + len > room || (n && n + len > budget) ||
		    st->rx_seq + len - st->tx_seq > HIST_SIZE)
			break;
		dropped = st->cfg->chain && len > st->cfg->max_chain;
		for (k = 0; k < len; k++)
			if (k_rx_desc(st, n + k, k + 1 < len ? XDP_PKT_CONTD : 0, dropped))
				return -1;
		st->drop_pkts += dropped;
		st->pkt_seq++;
		n += len;
	}
	if (n) {
		k_produced(rx, n);
		k_consumed(fill, n);
	}
	if (st->rx_seq >= st->items)
		__atomic_store_n(&st->rx_total, st->rx_seq, __ATOMIC_RELEASE);
	return (int)n;
}

/* Tx descriptor @d is the next one received that B may send. */
static int k_tx_check(struct stress *st, const struct xdp_desc *d)
{
	uint64_t seq, f;
	uint32_t opts;

	k_skip_dropped(st);
	seq = st->tx_seq;
	if (seq >= st->rx_seq)
		return kernel_fail(st, "tx descriptor %llu was never received",
				   (unsigned long long)seq);
	opts = st->hopt[seq % HIST_SIZE];
	if (d->addr != st->hist[seq % HIST_SIZE] || d->len != len_of(seq) || d->options != opts)
		return kernel_fail(st,
				   "tx descriptor %llu: addr %#llx len %u options %#x, expected "
				   "addr %#llx len %u options %#x",
				   (unsigned long long)seq, (unsigned long long)d->addr, d->len,
				   d->options, (unsigned long long)st->hist[seq % HIST_SIZE],
				   len_of(seq), opts);
	f = (d->addr - st->first) / FRAME_SIZE;
	if (!st->on_path[f])
		return kernel_fail(st, "frame %#llx sent twice (seq %llu)",
				   (unsigned long long)d->addr, (unsigned long long)seq);
	st->on_path[f] = 0;
	st->tx_seq++;
	return 0;
}

/* B: sent descriptors are checked and completed, at most @budget. Returns
 * how many, or -1 (failed). */
static int k_tx(struct stress *st, uint32_t budget)
{
	struct kring *tx = &st->kb->tx, *comp = &st->kb->comp;
	uint32_t avail = k_avail(tx), room = k_room(comp), n, i;

	if (avail > tx->size)
		return kernel_fail(st, "tx ring holds %u entries (size %u)", avail, tx->size);
	if (tx->size - avail < st->chain_max) /* full: no room for the longest packet */
		st->tx_full++;
	if (avail && !room)
		st->comp_full++;
	n = min3(avail, room, budget);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = k_desc(tx, tx->cons + i);

		if (k_tx_check(st, d))
			return -1;
		*k_addr(comp, comp->prod + i) = d->addr;
	}
	if (n) {
		k_produced(comp, n);
		k_consumed(tx, n);
	}
	return (int)n;
}

/* Now and then stop serving tx until the tx and rx rings are both full (no
 * room for the longest packet). Returns true while stalled. */
static bool k_stall(struct stress *st)
{
	struct kring *tx = &st->kb->tx, *rx = &st->ka->rx;

	if (!st->stall && st->rx_seq >= st->next_stall &&
	    st->rx_seq + rx->size + tx->size <= st->items) {
		st->stall = true;
		st->next_stall += STALL_EVERY;
	}
	if (st->stall && tx->size - k_avail(tx) < st->chain_max && k_room(rx) < st->chain_max) {
		st->stall = false;
		st->stalls++;
	}
	return st->stall;
}

/* Last resort if the poller hangs inside ringlib (it checks at NO_PROGRESS_S). */
static void k_watchdog(struct stress *st, uint64_t *last_poller, uint64_t *last_kernel,
		       double *last_change)
{
	uint64_t p = __atomic_load_n(&st->poller_progress, __ATOMIC_RELAXED);

	if (p != *last_poller || st->rx_seq + st->tx_seq != *last_kernel) {
		*last_poller = p;
		*last_kernel = st->rx_seq + st->tx_seq;
		*last_change = now_s();
	} else if (now_s() - *last_change > NO_PROGRESS_S + 5) {
		fprintf(stderr, "test_rings: the poller made no progress for %d s, giving up\n",
			NO_PROGRESS_S + 5);
		_exit(3);
	}
}

/* The kernel's side of A (fill -> rx) and B (tx -> completion). */
static void *kernel_thread(void *arg)
{
	struct stress *st = arg;
	uint64_t rng = 0x2545f4914f6cdd1dull, last_poller = 0, last_kernel = 0;
	double last_change = now_s();
	uint32_t idle = 0, budget;
	int rx, tx = 0;

	st->next_stall = STALL_EVERY;
	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		budget = 1 + (uint32_t)(rng % 64); /* vary the kernel's batches too */
		if (!((rng >> 20) % 128)) {
			/* dawdle now and then, so the poller also finds its rings empty */
			volatile uint32_t spin = (uint32_t)(rng >> 40) % 4096;

			while (spin)
				spin = spin - 1;
		}
		rx = k_rx(st, budget);
		if (rx < 0)
			return NULL;
		if (!k_stall(st)) {
			tx = k_tx(st, budget);
			if (tx < 0)
				return NULL;
		}
		if (rx || tx) {
			__atomic_store_n(&st->kernel_progress, st->rx_seq + st->tx_seq,
					 __ATOMIC_RELAXED);
			idle = 0;
			tx = 0;
			continue;
		}
		if (++idle % 256)
			continue;
		sched_yield();
		k_watchdog(st, &last_poller, &last_kernel, &last_change);
	}
	return NULL;
}

static uint64_t stress_items(void)
{
	const char *s = getenv("XF_RINGS_ITEMS");
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return RINGS_ITEMS;
	v = strtoull(s, &end, 10);
	if (*end || !v)
		fail_msg("XF_RINGS_ITEMS='%s' is not a positive number", s);
	return v;
}

/* All received (moved or dropped) and every frame sent completed. */
static bool poller_done(struct stress *st, struct rl_sock *a, struct rl_sock *b)
{
	uint64_t total = __atomic_load_n(&st->rx_total, __ATOMIC_ACQUIRE);

	return total && rl_stat_read(a->stats.rx_descs) == total && !b->tx_outstanding;
}

/* The poller: the forwarder's loop for one direction. Returns its time. */
static double poller(struct stress *st, struct rl_sock *a, struct rl_sock *b, struct rl_pool *pool)
{
	double t0 = now_s(), t, last_change = t0;
	uint64_t moved = 0, last = ~0ull, kp;
	uint32_t idle = 0, n;

	while (!poller_done(st, a, b)) {
		n = rl_complete(b, pool, b->comp.size);
		n += rl_fill(a, pool, a->fill.size);
		n += rl_rx_to_tx(a, b, pool, st->cfg->batch);
		if (n) {
			moved += n;
			__atomic_store_n(&st->poller_progress, moved, __ATOMIC_RELAXED);
			idle = 0;
			continue;
		}
		if (__atomic_load_n(&st->failed, __ATOMIC_ACQUIRE))
			break;
		st->poller_idle++;
		if (++idle % 256)
			continue;
		sched_yield();
		t = now_s();
		kp = __atomic_load_n(&st->kernel_progress, __ATOMIC_RELAXED);
		if (moved + kp != last) {
			last = moved + kp;
			last_change = t;
		} else if (t - last_change > NO_PROGRESS_S) {
			break;
		}
	}
	return now_s() - t0;
}

static void stress_report(const struct stress *st, const struct rl_sock *a, const struct rl_sock *b,
			  double t)
{
	print_message("      batch %u, %u frames, chains %u (max %u): %llu descriptors, %llu "
		      "packets (%llu too long) in %.2f s (%.2f M descriptors/s); %llu stalls; "
		      "kernel saw rx full %llu, tx full %llu, comp full %llu, fill empty %llu; "
		      "poller idle %llu, fill starved %llu\n",
		      st->cfg->batch, st->nframes, st->cfg->chain, st->cfg->max_chain,
		      (unsigned long long)st->rx_seq, (unsigned long long)st->pkt_seq,
		      (unsigned long long)st->drop_pkts, t, st->rx_seq / t / 1e6,
		      (unsigned long long)st->stalls, (unsigned long long)st->rx_full,
		      (unsigned long long)st->tx_full, (unsigned long long)st->comp_full,
		      (unsigned long long)st->fill_empty, (unsigned long long)st->poller_idle,
		      (unsigned long long)a->stats.fill_starved);
	(void)b;
}

/* Every counter against the kernel's totals. */
static void stress_check_counters(struct stress *st, const struct rl_sock *a,
				  const struct rl_sock *b)
{
	uint64_t total = st->rx_seq, bytes = 0, seq;

	k_skip_dropped(st); /* the last packets may have been dropped */
	assert_true(total >= st->items);
	assert_int_equal(st->rx_total, total);
	assert_int_equal(st->tx_seq, total);
	for (seq = 0; seq < total; seq++)
		bytes += len_of(seq);
	assert_int_equal(a->stats.rx_descs, total);
	assert_int_equal(a->stats.rx_packets, st->pkt_seq);
	assert_int_equal(a->stats.rx_bytes, bytes);
	assert_int_equal(b->stats.tx_descs, total - st->drop_descs);
	assert_int_equal(b->stats.tx_packets, st->pkt_seq - st->drop_pkts);
	assert_int_equal(b->stats.tx_bytes, bytes - st->drop_bytes);
	assert_int_equal(b->stats.tx_completed, b->stats.tx_descs);
	assert_int_equal(b->stats.tx_chain_too_long, st->drop_pkts);
	assert_int_equal(b->tx_outstanding, 0);
	if (!st->cfg->chain) { /* every descriptor a packet, all sent */
		assert_int_equal(total, st->items);
		assert_int_equal(st->pkt_seq, total);
		assert_int_equal(st->drop_descs, 0);
	} else if (st->cfg->max_chain < st->cfg->chain && st->items >= 100000) {
		assert_true(st->drop_pkts > 0);
	}
	/* nothing moved the other way */
	assert_int_equal(a->stats.tx_packets, 0);
	assert_int_equal(a->stats.tx_completed, 0);
	assert_int_equal(a->tx_outstanding, 0);
	assert_int_equal(b->stats.rx_packets, 0);
	assert_int_equal(b->stats.fill_starved, 0);
}

/* The rings are empty but for A's fill ring; every frame is back. */
static void stress_check_frames(struct stress *st, struct rl_pool *pool)
{
	const struct stress_cfg *cfg = st->cfg;
	uint32_t i, n;

	assert_int_equal(k_room(&st->ka->rx), cfg->rx);
	assert_int_equal(k_avail(&st->kb->tx), 0);
	assert_int_equal(k_room(&st->kb->comp), cfg->comp);
	assert_int_equal(k_avail(&st->kb->fill), 0);
	n = k_avail(&st->ka->fill);
	assert_true(n <= cfg->fill);
	for (i = 0; i < n; i++)
		assert_int_equal(rl_pool_put(pool, *k_addr(&st->ka->fill, st->ka->fill.cons + i)),
				 0);
	for (i = 0; i < st->nframes; i++)
		assert_int_equal(st->on_path[i], 0);
	assert_int_equal(rl_pool_avail(pool), st->nframes);
	assert_int_equal(pool->errors, 0);
	/* the rings wrapped and the back-pressure paths ran */
	if (st->items >= STALL_EVERY + cfg->rx + cfg->tx) {
		/* certain: a stall ends only once tx and rx are full */
		assert_true(st->stalls > 0);
		assert_true(st->tx_full > 0);
		assert_true(st->rx_full > 0);
	}
	/*
	 * A full completion ring and a starved fill ring depend on how the two
	 * threads happen to interleave (a run of 5M descriptors once saw no
	 * full completion ring at all): they are printed above, not asserted;
	 * the counters' identities hold either way.
	 */
}

static void stress(const struct stress_cfg *cfg)
{
	struct stress *st = calloc(1, sizeof(*st));
	struct rl_sock *a, *b;
	struct ksock ka, kb;
	struct rl_pool pool;
	pthread_t kt;
	double t;

	assert_non_null(st);
	assert_true(cfg->nframes > cfg->rx + cfg->tx); /* a stall must fill rx and tx */
	assert_true(cfg->nframes < HIST_SIZE);
	st->cfg = cfg;
	st->chain_max = cfg->chain ? cfg->chain : 1;
	st->items = stress_items();
	st->nframes = cfg->nframes;
	st->first = 8ull * FRAME_SIZE; /* the pool's slice does not start at 0 */
	st->on_path = calloc(cfg->nframes, 1);
	assert_non_null(st->on_path);
	st->ka = &ka;
	st->kb = &kb;
	a = sock_new(&ka, cfg->rx, cfg->tx, cfg->fill, cfg->comp, cfg->base);
	b = sock_new(&kb, cfg->rx, cfg->tx, cfg->fill, cfg->comp, cfg->base + 12345);
	a->sg = b->sg = cfg->chain > 0;
	if (cfg->chain)
		b->max_chain = cfg->max_chain;
	assert_int_equal(rl_pool_init(&pool, st->first, cfg->nframes, FRAME_SIZE), 0);

	assert_int_equal(pthread_create(&kt, NULL, kernel_thread, st), 0);
	t = poller(st, a, b, &pool);
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(kt, NULL), 0);

	if (st->failed)
		fail_msg("kernel side: %s", st->error);
	if (!poller_done(st, a, b))
		fail_msg("no progress for %d s: %llu of %llu received, %llu completed, rx_seq "
			 "%llu tx_seq %llu, pool %u, fill %u rx %u tx %u comp %u queued",
			 NO_PROGRESS_S, (unsigned long long)a->stats.rx_descs,
			 (unsigned long long)st->items, (unsigned long long)b->stats.tx_completed,
			 (unsigned long long)st->rx_seq, (unsigned long long)st->tx_seq,
			 rl_pool_avail(&pool), k_avail(&ka.fill), cfg->rx - k_room(&ka.rx),
			 k_avail(&kb.tx), cfg->comp - k_room(&kb.comp));
	stress_report(st, a, b, t);
	stress_check_counters(st, a, b);
	stress_check_frames(st, &pool);

	rl_pool_fini(&pool);
	sock_free(a, &ka);
	sock_free(b, &kb);
	free(st->on_path);
	free(st);
}

static void test_stress(void **state)
{
	stress(*state);
}

/*
 * The stress cases: every ring wraps and fills in one of them.
 *   batch_1: the usual shape (fill and completion twice rx and tx), indices
 *     from 0 as after mmap;
 *   batch_7: fewer frames than the rings hold (the pool runs dry), a
 *     completion ring that fills;
 *   batch_64: small fill and completion rings: the kernel finds fill empty,
 *     completion full;
 * and the same with multi-buffer:
 *   chains_batch_1: chains of up to 4, each taken whole, alone;
 *   chains_batch_7: chains of up to 5 straddling the batch, those of 4 and 5
 *     too long for B;
 *   chains_batch_64: chains of up to 20 (copy mode allows 18).
 */
static const struct stress_cfg stress_cases[] = {
	/* name, batch, frames, rx, tx, fill, comp, base, chain, max_chain */
	{ "test_stress_batch_1", 1, 4096, 256, 256, 512, 512, 0, 0, 0 },
	{ "test_stress_batch_7", 7, 640, 256, 256, 512, 128, WRAP_BASE, 0, 0 },
	{ "test_stress_batch_64", 64, 4096, 512, 256, 64, 64, WRAP_BASE + 99, 0, 0 },
	{ "test_stress_chains_batch_1", 1, 4096, 256, 256, 512, 512, 0, 4, 4 },
	{ "test_stress_chains_batch_7", 7, 640, 256, 256, 512, 128, WRAP_BASE, 5, 3 },
	{ "test_stress_chains_batch_64", 64, 4096, 512, 256, 64, 64, WRAP_BASE + 99, 20, 18 },
};

#define NSTRESS (sizeof(stress_cases) / sizeof(stress_cases[0]))
#define NSINGLE 5

int main(void)
{
	struct CMUnitTest tests[NSINGLE + NSTRESS] = {
		cmocka_unit_test(test_fill_limits),	cmocka_unit_test(test_rx_to_tx_limits),
		cmocka_unit_test(test_complete_limits), cmocka_unit_test(test_rx_peek_release),
		cmocka_unit_test(test_tx_put_spread),
	};
	uint32_t i;

	for (i = 0; i < NSTRESS; i++) {
		tests[NSINGLE + i].name = stress_cases[i].name;
		tests[NSINGLE + i].test_func = test_stress;
		tests[NSINGLE + i].initial_state = (void *)&stress_cases[i];
	}
	return _cmocka_run_group_tests("test_rings", tests, NSINGLE + NSTRESS, NULL, NULL);
}
