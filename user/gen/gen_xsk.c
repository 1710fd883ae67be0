// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The xsk engine's thread (see gen.h): AF_XDP TX from the thread's slice of
 * the UMEM. One loop iteration, never blocking while there is work:
 *   completions -> pool; how many may go now (batch, quota, pacing);
 *   reserve that many tx descriptors on free frames, stamp each frame,
 *   submit; kick the kernel (copy mode sends in sendto()).
 * When nothing could be queued and nothing completed for IDLE_SPINS
 * iterations (ring full, kernel busy), it waits in poll() for at most 1 ms.
 * A paced thread sleeps until its next packet is due (at most 10 ms at a
 * time). At the end it drains: kicks and reaps until every frame it queued
 * has completed, for at most DRAIN_NS.
 */
#include <poll.h>
#include <sched.h>
#include <time.h>

#include "gen.h"
#include "gen_pace.h"
#include "run.h"

#define IDLE_SPINS 256
#define IDLE_POLL_MS 1
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

static bool tx_pending(const struct rl_sock *s)
{
	return s->tx.cached_prod != __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);
}

/* Queue up to @want stamped frames. Returns how many. */
static uint32_t queue_frames(struct gen_thread *g, uint64_t *seq, uint32_t want)
{
	const struct xf_gen_tmpl *t = g->tmpl;
	struct rl_sock *s = g->sock;
	uint32_t idx, i, n;
	uint64_t now;

	n = rl_tx_reserve(s, &g->pool, want, t->len, &idx);
	if (!n)
		return 0;
	now = xf_now_ns();
	for (i = 0; i < n; i++) {
		uint64_t addr = xsk_ring_prod__tx_desc(&s->tx, idx + i)->addr;

		xf_gen_stamp(g->umem_area + addr, t, g->stream, (*seq)++, now);
	}
	rl_tx_submit(s, n, (uint64_t)n * t->len);
	return n;
}

/* Send what is still on the ring and reap it, for at most DRAIN_NS. */
static void drain(struct gen_thread *g)
{
	struct rl_sock *s = g->sock;
	uint64_t end = xf_now_ns() + DRAIN_NS;
	struct timespec pause = { 0, 100 * 1000 };

	while (s->tx_outstanding && xf_now_ns() < end) {
		if (rl_complete(s, &g->pool, s->comp.size))
			continue;
		if (rl_tx_kick(s))
			break;
		nanosleep(&pause, NULL);
	}
	rl_stat_add(g->unsent, s->tx_outstanding);
}

void *gen_xsk_run(void *arg)
{
	struct gen_thread *g = arg;
	struct rl_sock *s = g->sock;
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	uint64_t seq = 0, now;
	struct xf_pace pace;
	uint32_t idle = 0, want, n, done;
	int err;

	xf_pace_init(&pace, g->rate, BURST_NS, g->batch, xf_now_ns());
	while (!atomic_load_explicit(g->stop, memory_order_relaxed)) {
		done = rl_complete(s, &g->pool, s->comp.size);
		want = g->batch;
		if (seq >= g->quota)
			break;
		if (g->quota - seq < want)
			want = (uint32_t)(g->quota - seq);
		if (g->rate > 0) {
			now = xf_now_ns();
			n = xf_pace_avail(&pace, now);
			if (!n) {
				/* Not due yet: what is queued must still leave. */
				err = rl_tx_kick(s);
				if (err) {
					fail(g, err, "tx kick");
					break;
				}
				if (xf_pace_next(&pace) > now + SPIN_NS && !tx_pending(s)) {
					rl_stat_add(g->idle_sleeps, 1);
					xf_sleep_until(xf_pace_next(&pace));
				}
				continue;
			}
			if (n < want)
				want = n;
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
			idle = 0;
			continue;
		}
		if (++idle < IDLE_SPINS)
			continue;
		rl_stat_add(g->idle_sleeps, 1);
		poll(&pfd, 1, IDLE_POLL_MS);
		idle = 0;
	}
	drain(g);
	g->end_ns = xf_now_ns();
	/* Release store: end_ns and the counters before done. */
	__atomic_store_n(&g->done, true, __ATOMIC_RELEASE);
	xf_thread_wake(&g->th);
	return NULL;
}
