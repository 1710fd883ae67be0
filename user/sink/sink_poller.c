// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The sink poller loop (design in sink_poller.h). */
#include "sink_poller.h"
#include "run.h"

#define SPIN_ROUNDS 256 /* empty iterations before the clock is looked at */

/* Read up to @max descriptors (whole packets) off the rx ring and give
 * their frames back. Returns how many descriptors. */
static uint32_t receive(struct sink_poller *sp, uint32_t max)
{
	uint32_t idx, n = rl_rx_peek_pkts(sp->sock, max, &idx);

	/* The clock once per batch: latency is at receive time. */
	if (n)
		sink_rx_batch(sp, idx, n, xf_now_ns());
	return n;
}

void *sink_poller_run(void *arg)
{
	struct sink_poller *sp = arg;
	struct rl_sock *s = sp->sock;
	struct rl_idle_opts io = {
		.spin_ns = sp->spin_ns,
		.spin_rounds = SPIN_ROUNDS,
		.sleeps = &sp->c.idle_sleeps,
	};
	struct rl_idle idle;
	uint32_t work;
	int err;

	/* Cannot fail: a power-of-two spin_rounds, one socket with an rx ring. */
	rl_idle_init(&idle, &io);
	rl_idle_add(&idle, s, RL_IDLE_RX);
	while (!atomic_load_explicit(sp->stop, memory_order_relaxed)) {
		work = receive(sp, sp->batch);
		/*
		 * Give back as many as were just taken. Asking for more would make
		 * rl_fill() read the kernel's consumer index (a cache miss) on every
		 * iteration; idle iterations top the ring up completely.
		 */
		rl_fill(s, &sp->pool, work ? work : s->fill.size);
		rl_fill_kick(s);
		if (work) {
			rl_idle_reset(&idle);
			continue;
		}
		err = rl_idle_wait(&idle, 0);
		if (err) {
			/* Its device went away: nothing more will arrive. */
			xf_thread_fail(&sp->th, err, sp->sock->ifname, (int)sp->queue, NULL);
			return NULL;
		}
	}
	/* What had arrived when the stop came is counted too (bounded: one ring). */
	receive(sp, s->rx.size);
	return NULL;
}
