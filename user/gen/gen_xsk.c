// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The xsk engine's thread (see gen.h): AF_XDP TX from the thread's slice of
 * the UMEM. One loop iteration, never blocking while there is work:
 *   completions -> pools; how many may go now (batch, quota, pacing);
 *   put that many packets (whole chains) on free frames, stamp each
 *   packet's first frame, submit (gen_umem.c); kick the kernel (copy mode
 *   sends in sendto()).
 * Waits follow ringlib's one idle policy (rl_idle.h), on two policy objects:
 * when nothing could be queued and nothing completed for SPIN_ROUNDS
 * iterations (ring full, kernel busy), it waits in poll() for tx ring room
 * for at most 1 ms; a paced thread sleeps until its next packet is due (at
 * most 10 ms at a time), never while its tx ring still holds frames the
 * kernel has not taken. After every wait it reads its socket's error, so a
 * vanished interface stops it as it stops every mode. At the end it drains:
 * kicks and reaps until every frame it queued has completed, for at most
 * DRAIN_NS.
 */
#include <time.h>

#include "gen.h"
#include "gen_pace.h"
#include "run.h"

#define SPIN_ROUNDS 256		      /* empty iterations before a wait for room */
#define ROOM_WAIT_NS (1000 * 1000ull) /* longest wait for tx ring room */
#define DRAIN_NS (1000 * 1000 * 1000L)
#define SPIN_NS 20000	/* a paced packet due sooner than this is waited for by spinning */
#define BURST_NS 100000 /* a paced batch spans at most 100 us of traffic */

void xf_sleep_until(uint64_t until_ns)
{
	uint64_t now = xf_now_ns();
	struct timespec ts;

	if (until_ns <= now)
		return;
	if (until_ns - now > XF_GEN_MAX_WAIT_NS)
		until_ns = now + XF_GEN_MAX_WAIT_NS;
	ts.tv_sec = (time_t)(until_ns / 1000000000ull);
	ts.tv_nsec = (long)(until_ns % 1000000000ull);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void fail(struct gen_thread *g, int err, const char *what)
{
	xf_thread_fail(&g->th, err, g->ifname, (int)g->queue, what);
}

/* Queue up to @want stamped packets (as many as the tx ring has room for and
 * the pools have frames). Returns how many. */
static uint32_t queue_frames(struct gen_thread *g, uint64_t *seq, uint32_t want)
{
	uint32_t n = gen_umem_room(g, want);

	if (n)
		gen_umem_put(g, seq, n, xf_now_ns());
	return n;
}

/* Send what is still on the ring and reap it, for at most DRAIN_NS. */
static void drain(struct gen_thread *g)
{
	struct rl_sock *s = g->sock;
	uint64_t end = xf_now_ns() + DRAIN_NS;
	struct timespec pause = { 0, 100 * 1000 };

	while (s->tx_outstanding && xf_now_ns() < end) {
		if (gen_umem_complete(g, s->comp.size))
			continue;
		if (rl_tx_kick(s))
			break;
		nanosleep(&pause, NULL);
	}
	/* in packets: chains complete whole, a late one counts as one */
	rl_stat_add(g->unsent, (s->tx_outstanding + g->nseg - 1) / g->nseg);
}

void *gen_xsk_run(void *arg)
{
	struct gen_thread *g = arg;
	struct rl_sock *s = g->sock;
	/* Unpaced: spin, then wait for tx room (1 ms at most). */
	struct rl_idle_opts room_opts = {
		.spin_rounds = SPIN_ROUNDS,
		.max_sleep_ns = ROOM_WAIT_NS,
		.sleeps = &g->idle_sleeps,
	};
	/* Paced: sleep until the next packet is due, once the ring is taken. */
	struct rl_idle_opts pace_opts = {
		.spin_rounds = 1,
		.max_sleep_ns = XF_GEN_MAX_WAIT_NS,
		.sleeps = &g->idle_sleeps,
	};
	struct rl_idle room, paced;
	uint64_t seq = 0, now;
	struct xf_pace pace;
	uint32_t want, n, done;
	int err;

	/* Cannot fail: power-of-two spin_rounds, a socket with a tx ring. */
	rl_idle_init(&room, &room_opts);
	rl_idle_add(&room, s, RL_IDLE_TX_ROOM);
	rl_idle_init(&paced, &pace_opts);
	rl_idle_add(&paced, s, RL_IDLE_TX_FLUSH);
	xf_pace_init(&pace, g->rate, BURST_NS, g->batch, xf_now_ns());
	while (!atomic_load_explicit(g->stop, memory_order_relaxed)) {
		done = gen_umem_complete(g, s->comp.size);
		if (seq >= g->quota)
			break;
		now = g->rate > 0 ? xf_now_ns() : 0;
		want = xf_pace_take(&pace, now, seq, g->quota, g->batch);
		if (!want) {
			/* Not due yet: what is queued must still leave. */
			err = rl_tx_kick(s);
			if (err) {
				fail(g, err, "tx kick");
				break;
			}
			if (xf_pace_next(&pace) > now + SPIN_NS) {
				err = rl_idle_wait(&paced, xf_pace_next(&pace));
				if (err) {
					fail(g, err, "socket");
					break;
				}
			}
			continue;
		}
		n = queue_frames(g, &seq, want);
		if (g->rate > 0)
			xf_pace_consume(&pace, n);
		err = rl_tx_kick(s);
		if (err) {
			fail(g, err, "tx kick");
			break;
		}
		if (n || done) {
			rl_idle_reset(&room);
			continue;
		}
		err = rl_idle_wait(&room, 0);
		if (err) {
			fail(g, err, "socket");
			break;
		}
	}
	drain(g);
	g->end_ns = xf_now_ns();
	/* Release store: end_ns and the counters before done. */
	__atomic_store_n(&g->done, true, __ATOMIC_RELEASE);
	xf_thread_wake(&g->th);
	return NULL;
}
