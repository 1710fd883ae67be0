// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the frame pool (ringlib/rl_pool.h, rl_pool.c).
 *
 * The pool is the only place user space keeps free UMEM frames, so a bug in
 * it duplicates or loses frames: two packets end up in one buffer, or the
 * forwarder slowly runs dry. These tests check the argument checks of
 * rl_pool_init(), that every frame is handed out exactly once, that
 * rl_pool_put() strips the kernel's headroom offset and refuses duplicate and
 * foreign frames without changing the pool, the LIFO order, and a long
 * random get/put sequence against a simple model (a bitmap of free frames and
 * a stack giving the expected LIFO order), with a fixed seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rl_pool.h"

#define FS 2048u	      /* frame size */
#define FIRST (37ull * FS)    /* a pool that does not start at UMEM offset 0 */
#define NF 1000u	      /* frames: not a power of two on purpose */
#define END (FIRST + NF * FS) /* first address past the pool's slice */
#define RANDOM_OPS 1000000u   /* get/put operations of the randomized test */
#define RANDOM_SEED 0x5eed1234u

/* xorshift64*: a fixed sequence whatever the libc. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)((rng() >> 32) % n);
}

static void init_ok(struct rl_pool *p, uint64_t first, uint32_t n, uint32_t fs)
{
	assert_int_equal(rl_pool_init(p, first, n, fs), 0);
	assert_int_equal(rl_pool_avail(p), n);
	assert_int_equal(p->errors, 0);
}

/* Take every frame out of @p and check each is a distinct, aligned frame base of its slice. */
static void get_all_check(struct rl_pool *p, uint64_t first, uint32_t n, uint32_t fs)
{
	uint64_t *out = calloc(n + 1, sizeof(*out));
	uint8_t *seen = calloc(n, 1);
	uint32_t i;

	assert_non_null(out);
	assert_non_null(seen);
	assert_int_equal(rl_pool_get(p, out, n + 1), n);
	assert_int_equal(rl_pool_avail(p), 0);
	for (i = 0; i < n; i++) {
		uint64_t idx;

		assert_true(out[i] >= first);
		assert_true(out[i] < first + (uint64_t)n * fs);
		assert_int_equal(out[i] % fs, 0);
		idx = (out[i] - first) / fs;
		assert_int_equal(seen[idx], 0); /* handed out twice */
		seen[idx] = 1;
	}
	/* n distinct frames out of n: every frame was handed out */
	free(seen);
	free(out);
}

static void test_init_rejects_bad_args(void **state)
{
	static const uint32_t bad_sizes[] = { 0, 3, 100, 2047, 2049, 3072, 0xffffffffu };
	struct rl_pool p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		assert_int_equal(rl_pool_init(&p, 0, 16, bad_sizes[i]), -EINVAL);
		assert_int_equal(rl_pool_avail(&p), 0);
		rl_pool_fini(&p); /* safe after a failed init */
	}
	/* first not a multiple of the frame size */
	assert_int_equal(rl_pool_init(&p, 100, 16, FS), -EINVAL);
	assert_int_equal(rl_pool_init(&p, FS / 2, 16, FS), -EINVAL);
	assert_int_equal(rl_pool_init(&p, FS + 1, 16, FS), -EINVAL);
	assert_int_equal(rl_pool_init(&p, 3 * 4096, 16, 8192), -EINVAL);
	/* no frames */
	assert_int_equal(rl_pool_init(&p, 0, 0, FS), -EINVAL);
	assert_int_equal(rl_pool_init(&p, FIRST, 0, FS), -EINVAL);
	assert_int_equal(rl_pool_avail(&p), 0);
	rl_pool_fini(&p);

	/* the edges that are fine */
	init_ok(&p, 0, 1, FS);
	rl_pool_fini(&p);
	init_ok(&p, 3 * 8192, 5, 8192);
	rl_pool_fini(&p);
	init_ok(&p, 7, 3, 1); /* frame size 1 = 2^0 */
	rl_pool_fini(&p);
}

static void test_all_frames_once(void **state)
{
	struct rl_pool p;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	get_all_check(&p, FIRST, NF, FS);
	rl_pool_fini(&p);

	init_ok(&p, 0, 4096, 4096);
	get_all_check(&p, 0, 4096, 4096);
	rl_pool_fini(&p);

	init_ok(&p, 1ull << 40, 3, 1u << 16); /* offsets above 4 GiB */
	get_all_check(&p, 1ull << 40, 3, 1u << 16);
	rl_pool_fini(&p);
}

static void test_first_frames_lowest(void **state)
{
	struct rl_pool p;
	uint64_t a[4];

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	assert_int_equal(rl_pool_get(&p, a, 4), 4);
	assert_int_equal(a[0], FIRST);
	assert_int_equal(a[1], FIRST + FS);
	assert_int_equal(a[2], FIRST + 2 * FS);
	assert_int_equal(a[3], FIRST + 3 * FS);
	rl_pool_fini(&p);
}

static void test_avail_counts(void **state)
{
	struct rl_pool p;
	uint64_t a[NF];
	uint32_t i;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	assert_int_equal(rl_pool_get(&p, a, 10), 10);
	assert_int_equal(rl_pool_avail(&p), NF - 10);
	assert_int_equal(rl_pool_get(&p, a + 10, 0), 0);
	assert_int_equal(rl_pool_avail(&p), NF - 10);
	assert_int_equal(rl_pool_pop(&p), FIRST + 10 * FS);
	assert_int_equal(rl_pool_avail(&p), NF - 11);
	for (i = 0; i < 5; i++) {
		assert_int_equal(rl_pool_put(&p, a[i]), 0);
		assert_int_equal(rl_pool_avail(&p), NF - 11 + i + 1);
	}
	assert_int_equal(rl_pool_put(&p, FIRST + 10 * FS), 0);
	assert_int_equal(rl_pool_avail(&p), NF - 5);
	assert_int_equal(p.errors, 0);
	rl_pool_fini(&p);
}

static void test_put_strips_offset(void **state)
{
	static const uint64_t offs[] = { 1, 256, FS / 2, FS - 1 };
	struct rl_pool p;
	uint64_t a, b = 0;
	size_t i;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		a = rl_pool_pop(&p);
		assert_int_equal(rl_pool_put(&p, a + offs[i]), 0);
		assert_int_equal(rl_pool_avail(&p), NF);
		/* the frame is free again as its base ... */
		assert_int_equal(rl_pool_put(&p, a), -EALREADY);
		/* ... and comes back as its base */
		assert_int_equal(rl_pool_get(&p, &b, 1), 1);
		assert_int_equal(b, a);
		assert_int_equal(rl_pool_put(&p, b), 0);
	}
	rl_pool_fini(&p);
	/* the last frame of the slice, with an offset */
	init_ok(&p, FIRST, 1, FS);
	a = rl_pool_pop(&p);
	assert_int_equal(a, FIRST);
	assert_int_equal(rl_pool_put(&p, FIRST + FS - 1), 0);
	assert_int_equal(rl_pool_pop(&p), FIRST);
	rl_pool_fini(&p);
}

static void test_double_put(void **state)
{
	struct rl_pool p;
	uint64_t a[3];

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	assert_int_equal(rl_pool_get(&p, a, 3), 3);
	assert_int_equal(rl_pool_put(&p, a[1]), 0);
	assert_int_equal(rl_pool_avail(&p), NF - 2);
	assert_int_equal(rl_pool_put(&p, a[1]), -EALREADY);
	assert_int_equal(p.errors, 1);
	assert_int_equal(rl_pool_put(&p, a[1] + 256), -EALREADY); /* same frame, other offset */
	assert_int_equal(p.errors, 2);
	/* a frame that was never taken out */
	assert_int_equal(rl_pool_put(&p, FIRST + 500 * FS), -EALREADY);
	assert_int_equal(p.errors, 3);
	assert_int_equal(rl_pool_avail(&p), NF - 2);
	/* unchanged: the refused puts pushed nothing (a[1] is on top, once) */
	assert_int_equal(rl_pool_pop(&p), a[1]);
	assert_int_equal(rl_pool_put(&p, a[0]), 0);
	assert_int_equal(rl_pool_put(&p, a[1]), 0);
	assert_int_equal(rl_pool_put(&p, a[2]), 0);
	assert_int_equal(p.errors, 3);
	get_all_check(&p, FIRST, NF, FS);
	rl_pool_fini(&p);
}

static void test_foreign_put(void **state)
{
	static const uint64_t foreign[] = {
		0,	    FIRST - 1,	FIRST - FS,	 FIRST - FS + 256, END,
		END + 1,    END + 256,	END + FS,	 END + 1000 * FS,  1ull << 32,
		1ull << 63, UINT64_MAX, UINT64_MAX - FS,
	};
	struct rl_pool p;
	uint64_t a;
	size_t i;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	a = rl_pool_pop(&p); /* so that a wrong accept would have room to push */
	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		assert_int_equal(rl_pool_put(&p, foreign[i]), -EINVAL);
		assert_int_equal(p.errors, i + 1);
		assert_int_equal(rl_pool_avail(&p), NF - 1);
	}
	/* the pool is unchanged: the frame taken is still the only one missing */
	assert_int_equal(rl_pool_put(&p, a), 0);
	get_all_check(&p, FIRST, NF, FS);
	rl_pool_fini(&p);

	/* a pool at offset 0: addresses just past its end */
	init_ok(&p, 0, 4, FS);
	(void)rl_pool_pop(&p);
	assert_int_equal(rl_pool_put(&p, 4 * FS), -EINVAL);
	assert_int_equal(rl_pool_put(&p, 4 * FS + FS - 1), -EINVAL);
	assert_int_equal(rl_pool_avail(&p), 3);
	assert_int_equal(p.errors, 2);
	rl_pool_fini(&p);
}

static void test_get_more_than_avail(void **state)
{
	struct rl_pool p;
	uint64_t a[NF + 8];
	uint32_t i;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	assert_int_equal(rl_pool_get(&p, a, NF - 10), NF - 10);
	for (i = 0; i < 20; i++)
		a[i] = 0xdeadbeef;
	assert_int_equal(rl_pool_get(&p, a, 20), 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(a[i], FIRST + (NF - 10 + i) * FS);
	for (i = 10; i < 20; i++)
		assert_int_equal(a[i], 0xdeadbeef); /* nothing written past what was there */
	assert_int_equal(rl_pool_avail(&p), 0);
	assert_int_equal(rl_pool_get(&p, a, 20), 0);
	assert_int_equal(rl_pool_avail(&p), 0);
	rl_pool_fini(&p);
}

static void test_lifo(void **state)
{
	struct rl_pool p;
	uint64_t a[8], b[8];
	uint32_t i;

	(void)state;
	init_ok(&p, FIRST, NF, FS);
	assert_int_equal(rl_pool_get(&p, a, 8), 8);
	/* put 5, 2, 7 (with offsets) then get: 7, 2, 5, then the untouched stack */
	assert_int_equal(rl_pool_put(&p, a[5] + 256), 0);
	assert_int_equal(rl_pool_put(&p, a[2]), 0);
	assert_int_equal(rl_pool_put(&p, a[7] + 100), 0);
	assert_int_equal(rl_pool_get(&p, b, 4), 4);
	assert_int_equal(b[0], a[7]);
	assert_int_equal(b[1], a[2]);
	assert_int_equal(b[2], a[5]);
	assert_int_equal(b[3], FIRST + 8 * FS);
	/* put all back in order, get them back reversed */
	for (i = 0; i < 8; i++)
		if (i != 2 && i != 5 && i != 7)
			assert_int_equal(rl_pool_put(&p, a[i]), 0);
	assert_int_equal(rl_pool_put(&p, b[0]), 0);
	assert_int_equal(rl_pool_put(&p, b[1]), 0);
	assert_int_equal(rl_pool_put(&p, b[2]), 0);
	assert_int_equal(rl_pool_put(&p, b[3]), 0);
	assert_int_equal(rl_pool_get(&p, b, 4), 4);
	assert_int_equal(b[0], FIRST + 8 * FS);
	assert_int_equal(b[1], a[5]);
	assert_int_equal(b[2], a[2]);
	assert_int_equal(b[3], a[7]);
	assert_int_equal(p.errors, 0);
	rl_pool_fini(&p);
}

/*
 * Random gets (0..8 at a time) and puts (a taken frame with a random offset,
 * a free frame, or a foreign address) checked against a model: a bitmap of
 * the free frames and the stack the pool should have (its LIFO order).
 */
static void test_random_vs_model(void **state)
{
	uint8_t *free_map = calloc(NF, 1);
	uint64_t *stack = calloc(NF, sizeof(*stack)); /* model stack, top at depth - 1 */
	uint64_t *taken = calloc(NF, sizeof(*taken)); /* frames out of the pool */
	uint32_t depth = 0, ntaken = 0, i, k, j;
	uint64_t errors = 0, out[8], a;
	struct rl_pool p;
	uint32_t op;

	(void)state;
	assert_non_null(free_map);
	assert_non_null(stack);
	assert_non_null(taken);
	init_ok(&p, FIRST, NF, FS);
	for (i = 0; i < NF; i++) { /* init order: lowest frame on top */
		stack[depth++] = FIRST + (uint64_t)(NF - 1 - i) * FS;
		free_map[i] = 1;
	}
	rng_state = RANDOM_SEED;
	for (op = 0; op < RANDOM_OPS; op++) {
		uint32_t r = rng_below(100);

		if (r < 45) { /* get up to 8 */
			k = rng_below(9);
			j = rl_pool_get(&p, out, k);
			assert_int_equal(j, k < depth ? k : depth);
			for (i = 0; i < j; i++) {
				a = stack[--depth];
				assert_int_equal(out[i], a);
				assert_int_equal(free_map[(a - FIRST) / FS], 1);
				free_map[(a - FIRST) / FS] = 0;
				taken[ntaken++] = a;
			}
		} else if (r < 90) { /* put back a taken frame, any offset */
			if (!ntaken)
				continue;
			k = rng_below(ntaken);
			a = taken[k];
			taken[k] = taken[--ntaken];
			assert_int_equal(rl_pool_put(&p, a + rng_below(FS)), 0);
			free_map[(a - FIRST) / FS] = 1;
			stack[depth++] = a;
		} else if (r < 95) { /* put a frame that is free: refused */
			if (!depth)
				continue;
			a = stack[rng_below(depth)];
			assert_int_equal(rl_pool_put(&p, a + rng_below(FS)), -EALREADY);
			errors++;
		} else { /* put a foreign address: refused */
			a = rng_below(2) ? FIRST - 1 - rng_below(FIRST) : END + rng_below(1u << 30);
			assert_int_equal(rl_pool_put(&p, a), -EINVAL);
			errors++;
		}
		assert_int_equal(rl_pool_avail(&p), depth);
		assert_int_equal(p.errors, errors);
	}
	/* the pool's stack is the model's, frame for frame */
	for (i = 0; i < depth; i++) {
		assert_int_equal(p.addrs[i], stack[i]);
		assert_int_equal(p.is_free[(stack[i] - FIRST) / FS], 1);
	}
	for (i = 0; i < ntaken; i++)
		assert_int_equal(p.is_free[(taken[i] - FIRST) / FS], 0);
	/* everything back: the pool is whole again */
	for (i = 0; i < ntaken; i++)
		assert_int_equal(rl_pool_put(&p, taken[i]), 0);
	assert_int_equal(rl_pool_avail(&p), NF);
	get_all_check(&p, FIRST, NF, FS);
	rl_pool_fini(&p);
	free(free_map);
	free(stack);
	free(taken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_args),
		cmocka_unit_test(test_all_frames_once),
		cmocka_unit_test(test_first_frames_lowest),
		cmocka_unit_test(test_avail_counts),
		cmocka_unit_test(test_put_strips_offset),
		cmocka_unit_test(test_double_put),
		cmocka_unit_test(test_foreign_put),
		cmocka_unit_test(test_get_more_than_avail),
		cmocka_unit_test(test_lifo),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
