// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the per-stream sequence accounting (user/sink/seq_track.c).
 *
 * Hand-made arrival orders check each verdict and the lost count, including
 * the window's edge (the oldest sequence number still inside it, and the
 * first one outside). A long random arrival order with loss, duplicates,
 * short and long reordering and jumps across bitmap words and past the
 * whole window is then compared, verdict by verdict, with a reference model
 * that remembers every sequence number (no window, no bitmap reuse), which
 * checks the bitmap sliding. Last, a stream split over two pollers must
 * merge to the counts of the whole stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seq_track.h"

#define W XF_SEQ_WINDOW

struct tracker {
	struct xf_seq t;
	uint64_t bits[XF_SEQ_WORDS];
};

static struct tracker *new_tracker(void)
{
	struct tracker *tr = calloc(1, sizeof(*tr));

	assert_non_null(tr);
	xf_seq_init(&tr->t, tr->bits);
	return tr;
}

static struct xf_seq_counts counts(const struct tracker *tr)
{
	struct xf_seq_counts c;

	xf_seq_snapshot(&tr->t, &c);
	return c;
}

static void add_range(struct tracker *tr, uint64_t lo, uint64_t hi)
{
	uint64_t s;

	for (s = lo; s <= hi; s++)
		assert_int_equal(xf_seq_add(&tr->t, s), XF_SEQ_NEW);
}

static void expect(const struct tracker *tr, uint64_t received, uint64_t lost, uint64_t reordered,
		   uint64_t duplicate, uint64_t late)
{
	struct xf_seq_counts c = counts(tr);

	assert_true(c.received == received);
	assert_true(xf_seq_lost(&c, NULL) == lost);
	assert_true(c.reordered == reordered);
	assert_true(c.duplicate == duplicate);
	assert_true(c.late == late);
	assert_true(c.received == c.distinct + c.duplicate + c.late);
}

static void test_in_order(void **state)
{
	struct tracker *tr = new_tracker();

	(void)state;
	expect(tr, 0, 0, 0, 0, 0);
	add_range(tr, 1000, 1999); /* a sink started after the sender */
	expect(tr, 1000, 0, 0, 0, 0);
	assert_true(counts(tr).first == 1000 && counts(tr).last == 1999);
	free(tr);
}

/* The order the integration test sends: one hole, one swap, one copy. */
static void test_gap_swap_duplicate(void **state)
{
	struct tracker *tr = new_tracker();

	(void)state;
	add_range(tr, 0, 4);
	assert_int_equal(xf_seq_add(&tr->t, 6), XF_SEQ_NEW);
	expect(tr, 6, 1, 0, 0, 0); /* 5 is missing, for now */
	assert_int_equal(xf_seq_add(&tr->t, 5), XF_SEQ_REORDERED);
	assert_int_equal(xf_seq_add(&tr->t, 7), XF_SEQ_NEW);
	assert_int_equal(xf_seq_add(&tr->t, 7), XF_SEQ_DUPLICATE);
	add_range(tr, 9, 99);
	expect(tr, 100, 1, 1, 1, 0);
	assert_int_equal(xf_seq_add(&tr->t, 5), XF_SEQ_DUPLICATE);
	assert_int_equal(xf_seq_add(&tr->t, 8), XF_SEQ_REORDERED);
	expect(tr, 102, 0, 2, 2, 0);
	free(tr);
}

static void test_below_first(void **state)
{
	struct tracker *tr = new_tracker();

	(void)state;
	assert_int_equal(xf_seq_add(&tr->t, 5), XF_SEQ_NEW);
	assert_int_equal(xf_seq_add(&tr->t, 3), XF_SEQ_REORDERED);
	expect(tr, 2, 1, 1, 0, 0); /* 4 */
	assert_true(counts(tr).first == 3);
	assert_int_equal(xf_seq_add(&tr->t, 3), XF_SEQ_DUPLICATE);
	assert_int_equal(xf_seq_add(&tr->t, 4), XF_SEQ_REORDERED);
	expect(tr, 4, 0, 2, 1, 0);
	free(tr);
}

static void test_window_edge(void **state)
{
	struct tracker *tr = new_tracker();
	uint64_t last = W + 10;

	(void)state;
	add_range(tr, 0, 9);
	add_range(tr, 12, last); /* 10 and 11 missing */
	expect(tr, last - 1, 2, 0, 0, 0);
	/* last - s == W - 1: the oldest number still in the window */
	assert_int_equal(xf_seq_add(&tr->t, 11), XF_SEQ_REORDERED);
	/* last - s == W: just outside; it may have filled a hole, but the
	 * window cannot tell, so the hole stays counted */
	assert_int_equal(xf_seq_add(&tr->t, 10), XF_SEQ_LATE);
	assert_int_equal(xf_seq_add(&tr->t, 9), XF_SEQ_LATE);
	expect(tr, last + 2, 1, 1, 0, 2);
	/* inside the window, a copy of an old number is still a duplicate */
	assert_int_equal(xf_seq_add(&tr->t, 12), XF_SEQ_DUPLICATE);
	free(tr);
}

static void test_jump_past_window(void **state)
{
	struct tracker *tr = new_tracker();

	(void)state;
	add_range(tr, 0, 99);
	assert_int_equal(xf_seq_add(&tr->t, 3 * W + 5), XF_SEQ_NEW);
	expect(tr, 101, 3 * W + 5 - 100, 0, 0, 0);
	/* The bitmap was cleared: numbers that map to the slots of 0..99 are
	 * new now, and the old ones are late. */
	assert_int_equal(xf_seq_add(&tr->t, 2 * W + 50), XF_SEQ_REORDERED);
	assert_int_equal(xf_seq_add(&tr->t, 2 * W + 50), XF_SEQ_DUPLICATE);
	assert_int_equal(xf_seq_add(&tr->t, 50), XF_SEQ_LATE);
	free(tr);
}

/* Reference: remembers every number; the same rules, no window reuse. */
struct model {
	uint8_t *seen;
	bool started;
	uint64_t first, last, received, distinct, reordered, duplicate, late;
};

static enum xf_seq_verdict model_add(struct model *m, uint64_t s)
{
	enum xf_seq_verdict v;

	m->received++;
	if (!m->started || s > m->last) {
		if (!m->started)
			m->first = s;
		m->started = true;
		m->last = s;
		v = XF_SEQ_NEW;
	} else if (m->last - s >= W) {
		m->late++;
		return XF_SEQ_LATE;
	} else if (m->seen[s]) {
		m->duplicate++;
		return XF_SEQ_DUPLICATE;
	} else {
		m->reordered++;
		if (s < m->first)
			m->first = s;
		v = XF_SEQ_REORDERED;
	}
	m->seen[s] = 1;
	m->distinct++;
	return v;
}

static void test_random_against_model(void **state)
{
	const uint64_t space = 64 * 1000 * 1000;
	struct tracker *tr = new_tracker();
	struct model m = { .seen = calloc(space, 1) };
	struct xf_seq_counts c;
	uint64_t next = 1000, s, n, lost_model = 0, i;
	enum xf_seq_verdict want, got;
	int r;

	(void)state;
	assert_non_null(m.seen);
	srand(42);
	for (n = 0; n < 2000000 && next < space - 1; n++) {
		r = rand() % 1000;
		if (r < 935 && rand() % 20000 == 0)
			next += W + rand() % 1000; /* loss past the whole window */
		else if (r >= 900 && r < 930)
			next += 1 + rand() % 5; /* small loss */
		else if (r >= 930 && r < 935)
			next += 1 + rand() % 3000; /* loss across bitmap words */
		if (r < 935)
			s = next++; /* in order (after a hole, maybe) */
		else if (r < 970)
			s = next > 64 ? next - 1 - rand() % 64 : next; /* short reorder or copy */
		else if (r < 995)
			s = next > W + 10 ? next - 1 - rand() % (W + 10) : next; /* long */
		else
			s = next > 20 ? 20 + (uint64_t)(rand() % 10) : next; /* very late */
		if (s >= space)
			break;
		want = model_add(&m, s);
		got = xf_seq_add(&tr->t, s);
		if (want != got)
			fail_msg("arrival %llu (seq %llu): verdict %d, model says %d",
				 (unsigned long long)n, (unsigned long long)s, got, want);
	}
	c = counts(tr);
	for (i = m.first; i <= m.last; i++)
		lost_model += !m.seen[i];
	assert_true(c.received == m.received && c.distinct == m.distinct);
	assert_true(c.first == m.first && c.last == m.last);
	assert_true(c.reordered == m.reordered && c.duplicate == m.duplicate);
	assert_true(c.late == m.late);
	assert_true(xf_seq_lost(&c, NULL) == lost_model);
	assert_true(m.late > 0 && m.reordered > 0 && m.duplicate > 0 && lost_model > 0);
	free(m.seen);
	free(tr);
}

/* One stream over two queues (RSS by flow): merged, exact. */
static void test_split_stream_merge(void **state)
{
	struct tracker *q[2] = { new_tracker(), new_tracker() };
	struct xf_seq_counts sum = { 0 }, c;
	uint64_t s, cross;

	(void)state;
	for (s = 0; s < 1000; s++) {
		if (s == 500 || s == 777)
			continue; /* lost */
		xf_seq_add(&q[s % 2]->t, s);
		if (s == 321)
			xf_seq_add(&q[s % 2]->t, s); /* a copy, on the same queue */
	}
	c = counts(q[0]);
	xf_seq_merge(&sum, &c);
	c = counts(q[1]);
	xf_seq_merge(&sum, &c);
	assert_true(sum.received == 999 && sum.first == 0 && sum.last == 999);
	assert_true(sum.duplicate == 1 && sum.reordered == 0);
	assert_true(xf_seq_lost(&sum, &cross) == 2 && cross == 0);
	/* The same number accepted on both queues shows as cross duplicates. */
	xf_seq_add(&q[1]->t, 998);
	memset(&sum, 0, sizeof(sum));
	c = counts(q[0]);
	xf_seq_merge(&sum, &c);
	c = counts(q[1]);
	xf_seq_merge(&sum, &c);
	assert_true(xf_seq_lost(&sum, &cross) == 1 && cross == 0);
	/* ... and when they outnumber the holes, the excess is reported. */
	xf_seq_add(&q[1]->t, 996);
	xf_seq_add(&q[1]->t, 994);
	memset(&sum, 0, sizeof(sum));
	c = counts(q[0]);
	xf_seq_merge(&sum, &c);
	c = counts(q[1]);
	xf_seq_merge(&sum, &c);
	assert_true(xf_seq_lost(&sum, &cross) == 0 && cross == 1);
	free(q[0]);
	free(q[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_gap_swap_duplicate),
		cmocka_unit_test(test_below_first),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_jump_past_window),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_split_stream_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
