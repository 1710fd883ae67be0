/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rate pacing for one generator thread: a token bucket on CLOCK_MONOTONIC
 * nanoseconds, checked once per batch.
 *
 * Packet k (from 0) is due at start + k * interval. xf_pace_avail() says
 * how many packets are due by @now, at most @burst: a thread that fell
 * behind (descheduled, ring full) catches up by at most one burst, so the
 * long-run rate holds without long line-rate bursts. After sending n of
 * them the caller calls xf_pace_consume(n); xf_pace_next() is when the next
 * packet is due, for sleeping until then.
 *
 * The burst follows the rate: a batch never spans more than @burst_ns of
 * traffic (rate * burst_ns packets, at least 1, at most the caller's batch
 * size), so low rates go out as evenly spaced single frames, not bursts.
 *
 * Pure logic, owned by one thread; unit-tested.
 */
#ifndef XF_GEN_PACE_H
#define XF_GEN_PACE_H

#include <stdint.h>

struct xf_pace {
	double interval; /* ns per packet; 0: unpaced */
	double next;	 /* when the next packet is due, ns */
	uint32_t burst;
};

static inline void xf_pace_init(struct xf_pace *p, double pps, uint64_t burst_ns,
				uint32_t max_burst, uint64_t now)
{
	double b = pps * (double)burst_ns / 1e9;

	p->interval = pps > 0 ? 1e9 / pps : 0;
	p->next = (double)now;
	p->burst = b < 1 ? 1 : b > max_burst ? max_burst : (uint32_t)b;
	if (p->interval == 0)
		p->burst = max_burst;
}

/* Packets due by @now (at most the burst). */
static inline uint32_t xf_pace_avail(struct xf_pace *p, uint64_t now)
{
	double late;
	uint64_t n;

	if (p->interval == 0)
		return p->burst;
	late = (double)now - p->next;
	if (late < 0)
		return 0;
	/* Fell more than a burst behind: forget the excess. */
	if (late >= p->burst * p->interval) {
		p->next = (double)now - (p->burst - 1) * p->interval;
		return p->burst;
	}
	n = (uint64_t)(late / p->interval) + 1;
	return n > p->burst ? p->burst : (uint32_t)n;
}

static inline void xf_pace_consume(struct xf_pace *p, uint32_t n)
{
	p->next += n * p->interval;
}

/*
 * How many packets a thread that has sent @sent of its @quota may hand over
 * at @now, at most @max: what is due (unpaced: the burst; @now may then be 0),
 * and no more than the quota leaves. 0: wait until xf_pace_next().
 */
static inline uint32_t xf_pace_take(struct xf_pace *p, uint64_t now, uint64_t sent, uint64_t quota,
				    uint32_t max)
{
	uint32_t due = xf_pace_avail(p, now);

	if (quota - sent < max)
		max = (uint32_t)(quota - sent);
	return due < max ? due : max;
}

/* When the next packet is due (ns), for a paced bucket. */
static inline uint64_t xf_pace_next(const struct xf_pace *p)
{
	return p->next < 0 ? 0 : (uint64_t)p->next;
}

#endif
