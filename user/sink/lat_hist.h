/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A latency histogram with log-linear buckets (the HdrHistogram layout),
 * fixed size, no allocation: one per poller, merged for reporting.
 *
 * Values are nanoseconds. Values below 2^XF_HIST_SUB_BITS (128 ns) have a
 * bucket each. Above that, every power-of-two range [2^k, 2^(k+1)) is cut
 * into 2^XF_HIST_SUB_BITS equal buckets of width 2^(k-7), so a bucket is
 * at most 1/128 (0.78%) of its lowest value wide. A percentile is reported
 * as the middle of its bucket, so it is within 0.4% of an exact percentile
 * of the recorded values (and never above the largest value recorded). The
 * top range ends at 2^34 ns (17.2 s); larger values are counted in
 * .overflow, ranked above every bucket, and reported as the maximum.
 * min and max are exact.
 *
 * Percentile p of n values is the smallest value v such that at least
 * ceil(p/100 * n) values are <= v (the nearest-rank definition).
 *
 * One writer: xf_hist_add() is not atomic. Read a histogram only after its
 * writer has stopped (the sink merges at exit, after joining its pollers).
 */
#ifndef XF_LAT_HIST_H
#define XF_LAT_HIST_H

#include <stdint.h>

#define XF_HIST_SUB_BITS 7
#define XF_HIST_SUB (1u << XF_HIST_SUB_BITS)
#define XF_HIST_MAX_BITS 34 /* values below 2^34 ns are bucketed */
#define XF_HIST_NBUCKETS (XF_HIST_SUB * (XF_HIST_MAX_BITS - XF_HIST_SUB_BITS + 1))

struct xf_hist {
	uint64_t count; /* values recorded, overflow included */
	uint64_t overflow;
	uint64_t min, max;
	uint64_t buckets[XF_HIST_NBUCKETS];
};

void xf_hist_init(struct xf_hist *h);

/* The bucket of @v (v < 2^XF_HIST_MAX_BITS). */
static inline uint32_t xf_hist_bucket(uint64_t v)
{
	uint32_t k;

	if (v < XF_HIST_SUB)
		return (uint32_t)v;
	k = 63 - (uint32_t)__builtin_clzll(v); /* 2^k <= v < 2^(k+1), k >= 7 */
	return (k - XF_HIST_SUB_BITS + 1) * XF_HIST_SUB + (uint32_t)(v >> (k - XF_HIST_SUB_BITS)) -
	       XF_HIST_SUB;
}

static inline void xf_hist_add(struct xf_hist *h, uint64_t v)
{
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	if (v >> XF_HIST_MAX_BITS)
		h->overflow++;
	else
		h->buckets[xf_hist_bucket(v)]++;
}

/* The lowest value of bucket @b and its width. */
uint64_t xf_hist_bucket_low(uint32_t b);
uint64_t xf_hist_bucket_width(uint32_t b);

/* Add @src's counts into @dst. */
void xf_hist_merge(struct xf_hist *dst, const struct xf_hist *src);

/* Percentile @p (0 < p <= 100) in ns, as above; 0 when empty. */
uint64_t xf_hist_percentile(const struct xf_hist *h, double p);

#endif
