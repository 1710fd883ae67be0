// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Log-linear latency histogram (see lat_hist.h). */
#include <string.h>

#include "lat_hist.h"

void xf_hist_init(struct xf_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/* Bucket b = j * 128 + s: j = 0 holds 0..127; j >= 1 holds [2^(j+6), 2^(j+7)). */
uint64_t xf_hist_bucket_low(uint32_t b)
{
	uint32_t j = b / XF_HIST_SUB;

	if (!j)
		return b;
	return (uint64_t)(b % XF_HIST_SUB + XF_HIST_SUB) << (j - 1);
}

uint64_t xf_hist_bucket_width(uint32_t b)
{
	uint32_t j = b / XF_HIST_SUB;

	return j ? 1ull << (j - 1) : 1;
}

void xf_hist_merge(struct xf_hist *dst, const struct xf_hist *src)
{
	uint32_t b;

	if (!src->count)
		return;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->overflow += src->overflow;
	for (b = 0; b < XF_HIST_NBUCKETS; b++)
		dst->buckets[b] += src->buckets[b];
}

uint64_t xf_hist_percentile(const struct xf_hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned __int128 ppm;
	uint32_t b;

	if (!h->count || !(p > 0))
		return 0;
	if (p >= 100)
		return h->max;
	/* Integer ranks: 99.9 / 100 * 1000 in doubles is not exactly 999. */
	ppm = (unsigned __int128)(p * 10000.0 + 0.5);
	rank = (uint64_t)((ppm * h->count + 999999) / 1000000);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < XF_HIST_NBUCKETS; b++) {
		seen += h->buckets[b];
		if (seen < rank)
			continue;
		v = xf_hist_bucket_low(b) + xf_hist_bucket_width(b) / 2;
		/* The true value lies in this bucket and in [min, max]. */
		if (v > h->max)
			v = h->max;
		if (v < h->min)
			v = h->min;
		return v;
	}
	return h->max; /* in the overflow range */
}
