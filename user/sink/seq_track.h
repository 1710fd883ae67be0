/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sequence accounting of one generator stream, as seen by one poller.
 *
 * The tracker keeps the range [first, last] of sequence numbers accepted so
 * far (first: the lowest, last: the highest) and a bitmap of the last
 * XF_SEQ_WINDOW sequence numbers, (last - XF_SEQ_WINDOW, last], one bit each,
 * set for those that arrived. Each arriving frame is exactly one of:
 *
 *   new        s > last (or the stream's first frame): in order; a jump
 *              past last + 1 leaves a hole
 *   reordered  s < last, inside the window, not seen before: it arrived
 *              after a later one (it fills a hole, or extends the range
 *              below first)
 *   duplicate  s inside the window, seen before
 *   late       s <= last - XF_SEQ_WINDOW: too old for the bitmap to say
 *              whether it is a duplicate or a late arrival. It is counted
 *              as received and as late, and changes nothing else: if it
 *              did fill a hole, that hole stays counted as lost.
 *
 * received = new + reordered + duplicate + late, and distinct = new +
 * reordered is the number of different sequence numbers accepted, so
 *
 *   lost = (last - first + 1) - distinct
 *
 * is exactly the number of holes in [first, last]: sequence numbers that
 * never arrived (or arrived late, beyond the window). Frames lost before
 * the first or after the last one received are invisible here; compare the
 * generator's count of frames sent with received - duplicate instead.
 *
 * Threads: a tracker has one writer (its poller). The counters may be read
 * by another thread while it runs with xf_seq_snapshot(), which loads
 * .received with acquire ordering first (the writer stores it last, with
 * release), so the range and counts read are at least as new as that
 * count. Exact values are read after the writer has stopped.
 */
#ifndef XF_SEQ_TRACK_H
#define XF_SEQ_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#define XF_SEQ_WINDOW 65536u /* sequence numbers; a power of two */
#define XF_SEQ_WORDS (XF_SEQ_WINDOW / 64)

enum xf_seq_verdict {
	XF_SEQ_NEW,
	XF_SEQ_REORDERED,
	XF_SEQ_DUPLICATE,
	XF_SEQ_LATE,
};

struct xf_seq {
	uint64_t received; /* stored last, with release */
	uint64_t distinct;
	uint64_t reordered;
	uint64_t duplicate;
	uint64_t late;
	uint64_t first, last; /* valid once received > 0 */
	uint64_t *bits;	      /* XF_SEQ_WORDS words; bit (s % WINDOW) for seq s */
};

/* Consistent-enough copy of a tracker's counters (see above). */
struct xf_seq_counts {
	uint64_t received, distinct, reordered, duplicate, late, first, last;
};

/*
 * Start an empty tracker whose bitmap is @bits (XF_SEQ_WORDS zeroed
 * words, owned by the caller: no allocation here).
 */
void xf_seq_init(struct xf_seq *t, uint64_t *bits);

/* Account one arrival of sequence number @s. */
enum xf_seq_verdict xf_seq_add(struct xf_seq *t, uint64_t s);

/* Read @t's counters (from any thread). */
void xf_seq_snapshot(const struct xf_seq *t, struct xf_seq_counts *c);

/*
 * Combine the counts of one stream seen on several pollers into @sum
 * (start it zeroed). Exact when every sequence number arrived on one queue
 * only, as RSS makes it (copies of a frame hash alike); see xf_seq_lost().
 */
void xf_seq_merge(struct xf_seq_counts *sum, const struct xf_seq_counts *c);

/*
 * Holes in [first, last] of @c. For merged counts, distinct numbers of
 * different pollers are assumed disjoint; if they add up to more than the
 * range, the excess (a sequence number accepted on two queues) is
 * returned in *@cross_dups (may be NULL) and lost is 0.
 */
uint64_t xf_seq_lost(const struct xf_seq_counts *c, uint64_t *cross_dups);

#endif
