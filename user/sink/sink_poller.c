// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The sink poller loop (design in sink_poller.h). */
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "sink_poller.h"
#include "run.h"

#define IDLE_CHECK 256 /* empty iterations before the clock is looked at */
#define IDLE_POLL_MS 100

int sink_poller_init(struct sink_poller *sp)
{
	uint32_t i;

	sp->streams = calloc(XF_GEN_MAX_STREAMS, sizeof(*sp->streams));
	/* calloc of this size maps fresh zero pages: untouched, they cost nothing */
	sp->stream_bits = calloc((size_t)XF_GEN_MAX_STREAMS * XF_SEQ_WORDS, sizeof(uint64_t));
	sp->latency = malloc(sizeof(*sp->latency));
	if (!sp->streams || !sp->stream_bits || !sp->latency) {
		sink_poller_fini(sp);
		return -ENOMEM;
	}
	for (i = 0; i < XF_GEN_MAX_STREAMS; i++)
		xf_seq_init(&sp->streams[i], sp->stream_bits + (size_t)i * XF_SEQ_WORDS);
	xf_hist_init(sp->latency);
	return 0;
}

void sink_poller_fini(struct sink_poller *sp)
{
	free(sp->streams);
	free(sp->stream_bits);
	free(sp->latency);
	sp->streams = NULL;
	sp->stream_bits = NULL;
	sp->latency = NULL;
}

/* Read up to @max frames off the rx ring and give them back. Returns how many. */
static uint32_t receive(struct sink_poller *sp, uint32_t max)
{
	struct rl_sock *s = sp->sock;
	uint64_t now, bytes = 0, ours = 0, ours_bytes = 0, untimed = 0;
	struct xf_gen_payload pl;
	enum xf_gen_verdict v;
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&s->rx, max, &idx);
	if (!n)
		return 0;
	now = xf_now_ns(); /* once per batch: latency is at receive time */
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx + i);

		v = xf_gen_parse(xsk_umem__get_data(sp->area, d->addr), d->len, &pl);
		bytes += d->len;
		if (v == XF_GEN_OURS) {
			xf_seq_add(&sp->streams[pl.stream], pl.seq);
			if (pl.tx_ns && pl.tx_ns <= now)
				xf_hist_add(sp->latency, now - pl.tx_ns);
			else
				untimed++;
			ours++;
			ours_bytes += d->len;
		} else {
			rl_stat_add(sp->c.other[v], 1);
		}
		/* Straight back: the pool hands it to the fill ring below. */
		rl_pool_put(&sp->pool, d->addr);
	}
	/* Release store: the frames are read before the kernel reuses the entries. */
	xsk_ring_cons__release(&s->rx, n);
	rl_stat_add(s->stats.rx_packets, n);
	rl_stat_add(s->stats.rx_bytes, bytes);
	rl_stat_add(sp->c.ours, ours);
	rl_stat_add(sp->c.ours_bytes, ours_bytes);
	rl_stat_add(sp->c.untimed, untimed);
	return n;
}

void *sink_poller_run(void *arg)
{
	struct sink_poller *sp = arg;
	struct rl_sock *s = sp->sock;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint64_t idle_since = 0;
	uint32_t idle = 0, work;

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
			idle = 0;
			continue;
		}
		if (++idle % IDLE_CHECK)
			continue;
		if (idle == IDLE_CHECK)
			idle_since = xf_now_ns();
		if (xf_now_ns() - idle_since < sp->spin_ns)
			continue;
		rl_stat_add(sp->c.idle_sleeps, 1);
		poll(&pfd, 1, IDLE_POLL_MS);
		idle = 0;
	}
	/* What had arrived when the stop came is counted too (bounded: one ring). */
	receive(sp, s->rx.size);
	return NULL;
}
