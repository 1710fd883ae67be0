// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Per-stream sequence accounting with a sliding window (see seq_track.h). */
#include <string.h>

#include "seq_track.h"

/* One writer; relaxed stores so a reader thread sees whole values. */
#define set_rlx(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define get_rlx(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

void xf_seq_init(struct xf_seq *t, uint64_t *bits)
{
	memset(t, 0, sizeof(*t));
	t->bits = bits;
}

static bool test_bit(const uint64_t *bits, uint64_t s)
{
	uint32_t i = (uint32_t)(s % XF_SEQ_WINDOW);

	return bits[i / 64] >> (i % 64) & 1;
}

static void set_bit(uint64_t *bits, uint64_t s)
{
	uint32_t i = (uint32_t)(s % XF_SEQ_WINDOW);

	bits[i / 64] |= 1ull << (i % 64);
}

/* Clear the bits of the @n (< XF_SEQ_WINDOW) sequence numbers from @from on. */
static void clear_bits(uint64_t *bits, uint64_t from, uint64_t n)
{
	uint32_t i = (uint32_t)(from % XF_SEQ_WINDOW), span, b;
	uint64_t mask;

	while (n) {
		b = i % 64;
		span = 64 - b;
		if (span > n)
			span = (uint32_t)n;
		mask = span == 64 ? ~0ull : ((1ull << span) - 1) << b;
		bits[i / 64] &= ~mask;
		n -= span;
		i = (i + span) % XF_SEQ_WINDOW;
	}
}

enum xf_seq_verdict xf_seq_add(struct xf_seq *t, uint64_t s)
{
	enum xf_seq_verdict v;
	uint64_t d;

	if (!t->received) {
		set_rlx(t->first, s);
		set_rlx(t->last, s);
		set_bit(t->bits, s);
		set_rlx(t->distinct, 1);
		v = XF_SEQ_NEW;
	} else if (s > t->last) {
		/* Slide the window: the slots of last+1 .. s are reused. */
		d = s - t->last;
		if (d >= XF_SEQ_WINDOW)
			memset(t->bits, 0, XF_SEQ_WORDS * sizeof(*t->bits));
		else
			clear_bits(t->bits, t->last + 1, d);
		set_bit(t->bits, s);
		set_rlx(t->last, s);
		set_rlx(t->distinct, t->distinct + 1);
		v = XF_SEQ_NEW;
	} else if (t->last - s >= XF_SEQ_WINDOW) {
		set_rlx(t->late, t->late + 1);
		v = XF_SEQ_LATE;
	} else if (test_bit(t->bits, s)) {
		set_rlx(t->duplicate, t->duplicate + 1);
		v = XF_SEQ_DUPLICATE;
	} else {
		set_bit(t->bits, s);
		if (s < t->first)
			set_rlx(t->first, s);
		set_rlx(t->distinct, t->distinct + 1);
		set_rlx(t->reordered, t->reordered + 1);
		v = XF_SEQ_REORDERED;
	}
	/* Release store: the fields above are visible before this count. */
	__atomic_store_n(&t->received, t->received + 1, __ATOMIC_RELEASE);
	return v;
}

void xf_seq_snapshot(const struct xf_seq *t, struct xf_seq_counts *c)
{
	/* Acquire load: pairs with the release store in xf_seq_add(). */
	c->received = __atomic_load_n(&t->received, __ATOMIC_ACQUIRE);
	c->distinct = get_rlx(t->distinct);
	c->reordered = get_rlx(t->reordered);
	c->duplicate = get_rlx(t->duplicate);
	c->late = get_rlx(t->late);
	c->first = get_rlx(t->first);
	c->last = get_rlx(t->last);
}

void xf_seq_merge(struct xf_seq_counts *sum, const struct xf_seq_counts *c)
{
	if (!c->received)
		return;
	if (!sum->received || c->first < sum->first)
		sum->first = c->first;
	if (!sum->received || c->last > sum->last)
		sum->last = c->last;
	sum->received += c->received;
	sum->distinct += c->distinct;
	sum->reordered += c->reordered;
	sum->duplicate += c->duplicate;
	sum->late += c->late;
}

uint64_t xf_seq_lost(const struct xf_seq_counts *c, uint64_t *cross_dups)
{
	uint64_t range;

	if (cross_dups)
		*cross_dups = 0;
	if (!c->received || c->last < c->first)
		return 0;
	range = c->last - c->first + 1;
	if (!range) /* the whole 64-bit space */
		range = UINT64_MAX;
	if (c->distinct <= range)
		return range - c->distinct;
	if (cross_dups)
		*cross_dups = c->distinct - range;
	return 0;
}
