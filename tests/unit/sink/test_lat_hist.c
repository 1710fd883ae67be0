// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the latency histogram (user/sink/lat_hist.c).
 *
 * The bucket layout is checked exhaustively: buckets tile [0, 2^34) without
 * gaps or overlaps, each no wider than 1/128 of its lowest value. Known
 * distributions are then recorded and their percentiles compared with the
 * exact nearest-rank percentiles of the same values: each must be within
 * 1/256 (half a bucket) of the exact value, well inside the 1% promised.
 * Merging per-poller histograms must give what one histogram of all the
 * values gives, and values beyond the range must still count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lat_hist.h"

static struct xf_hist *new_hist(void)
{
	struct xf_hist *h = malloc(sizeof(*h));

	assert_non_null(h);
	xf_hist_init(h);
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank percentile of sorted @v[n]. */
static uint64_t exact_pct(const uint64_t *v, uint64_t n, uint32_t ppm)
{
	uint64_t rank = (ppm * n + 999999) / 1000000;

	return v[(rank ? rank : 1) - 1];
}

/* Each of p50, p90, p99, p99.9, p99.99 and p100 within half a bucket. */
static void check_percentiles(const struct xf_hist *h, uint64_t *v, uint64_t n)
{
	static const uint32_t ppm[] = { 500000, 900000, 990000, 999000, 999900, 1000000 };
	size_t i;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < sizeof(ppm) / sizeof(ppm[0]); i++) {
		uint64_t want = exact_pct(v, n, ppm[i]);
		uint64_t got = xf_hist_percentile(h, ppm[i] / 10000.0);
		double err = got > want ? (double)(got - want) : (double)(want - got);

		if (err > (double)want / 256.0 || err > (double)want * 0.01)
			fail_msg("p%g of %llu values: got %llu, exact %llu", ppm[i] / 10000.0,
				 (unsigned long long)n, (unsigned long long)got,
				 (unsigned long long)want);
	}
	assert_true(xf_hist_percentile(h, 100) == v[n - 1]);
	assert_true(h->min == v[0]);
	assert_true(h->max == v[n - 1]);
}

static void test_buckets_tile_the_range(void **state)
{
	uint64_t next = 0, low, width;
	uint32_t b;

	(void)state;
	for (b = 0; b < XF_HIST_NBUCKETS; b++) {
		low = xf_hist_bucket_low(b);
		width = xf_hist_bucket_width(b);
		assert_true(low == next);
		assert_int_equal(xf_hist_bucket(low), b);
		assert_int_equal(xf_hist_bucket(low + width - 1), b);
		/* exact below 256 ns, at most 1/128 of the value above */
		assert_true(width == 1 || width * 128 <= low);
		next = low + width;
	}
	assert_true(next == 1ull << XF_HIST_MAX_BITS);
	/* The advertised range, 100 ns to 10 s, is inside it. */
	assert_true(xf_hist_bucket(100) == 100);
	assert_true(xf_hist_bucket(10000000000ull) < XF_HIST_NBUCKETS);
}

static void test_empty_and_single(void **state)
{
	struct xf_hist *h = new_hist();

	(void)state;
	assert_true(xf_hist_percentile(h, 50) == 0);
	assert_true(xf_hist_percentile(h, 100) == 0);
	xf_hist_add(h, 123456789);
	/* One value: every percentile is that value (clamped to min/max). */
	assert_true(xf_hist_percentile(h, 0.1) == 123456789);
	assert_true(xf_hist_percentile(h, 50) == 123456789);
	assert_true(xf_hist_percentile(h, 99.9) == 123456789);
	assert_true(h->count == 1 && h->min == 123456789 && h->max == 123456789);
	free(h);
}

static void test_small_values_exact(void **state)
{
	struct xf_hist *h = new_hist();
	uint64_t v;

	(void)state;
	for (v = 1; v <= 100; v++)
		xf_hist_add(h, v);
	assert_true(xf_hist_percentile(h, 50) == 50);
	assert_true(xf_hist_percentile(h, 99) == 99);
	assert_true(xf_hist_percentile(h, 99.9) == 100);
	assert_true(xf_hist_percentile(h, 1) == 1);
	free(h);
}

static void test_uniform(void **state)
{
	struct xf_hist *h = new_hist();
	uint64_t n = 100000, *v = malloc(n * sizeof(*v)), i;

	(void)state;
	assert_non_null(v);
	/* 1 us .. 100 ms in even steps */
	for (i = 0; i < n; i++) {
		v[i] = 1000 + i * 1000;
		xf_hist_add(h, v[i]);
	}
	check_percentiles(h, v, n);
	/* The nearest-rank definition, exactly: 99.9% of 100000 is rank 99900. */
	assert_true(xf_hist_percentile(h, 99.9) >= 99900000 - 99900000 / 256);
	assert_true(xf_hist_percentile(h, 99.9) <= 99900000 + 99900000 / 256);
	free(v);
	free(h);
}

/* A long tail: mostly ~20 us, some ~1 ms, a few ~1 s (log-uniform within). */
static void test_long_tail_and_merge(void **state)
{
	struct xf_hist *all = new_hist(), *part[3] = { new_hist(), new_hist(), new_hist() };
	struct xf_hist *merged = new_hist();
	uint64_t n = 300000, *v = malloc(n * sizeof(*v)), i;
	uint32_t b;

	(void)state;
	assert_non_null(v);
	srand(7);
	for (i = 0; i < n; i++) {
		double r = (double)rand() / RAND_MAX, base;

		base = i % 1000 == 0 ? 1e9 : i % 50 == 0 ? 1e6 : 2e4;
		v[i] = (uint64_t)(base * (0.5 + r * 1.5));
		xf_hist_add(all, v[i]);
		xf_hist_add(part[i % 3], v[i]);
	}
	for (i = 0; i < 3; i++)
		xf_hist_merge(merged, part[i]);
	assert_true(merged->count == all->count);
	assert_true(merged->min == all->min && merged->max == all->max);
	for (b = 0; b < XF_HIST_NBUCKETS; b++)
		assert_true(merged->buckets[b] == all->buckets[b]);
	check_percentiles(merged, v, n);
	free(v);
	free(all);
	free(merged);
	for (i = 0; i < 3; i++)
		free(part[i]);
}

static void test_overflow(void **state)
{
	struct xf_hist *h = new_hist();
	uint64_t big = 20ull * 1000 * 1000 * 1000; /* 20 s: past the range */
	int i;

	(void)state;
	for (i = 0; i < 98; i++)
		xf_hist_add(h, 5000);
	xf_hist_add(h, big);
	xf_hist_add(h, big + 1);
	assert_true(h->count == 100 && h->overflow == 2);
	assert_true(xf_hist_percentile(h, 98) - 5000 <= 5000 / 256);
	/* Ranks in the overflow are reported as the maximum. */
	assert_true(xf_hist_percentile(h, 99) == big + 1);
	assert_true(xf_hist_percentile(h, 100) == big + 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_tile_the_range),
		cmocka_unit_test(test_empty_and_single),
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_long_tail_and_merge),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
