/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame pool: the free UMEM frames of one poller.
 *
 * A UMEM frame is always in exactly one place: the pool, a fill ring, an rx
 * ring (or the descriptors a poller is holding between peek and release), a
 * tx ring, or a completion ring. The pool is the only place user space keeps
 * free frames, so "frames in flight" = size - rl_pool_avail().
 *
 * The pool is a LIFO stack of frame base addresses (recently used frames are
 * warm in cache). It is owned by one thread and takes no locks: each poller
 * owns a disjoint slice of the shared UMEM, and every frame it hands to a
 * fill or tx ring comes back to it through its own sockets' rx or completion
 * rings. Addresses handed back may carry an offset into the frame (the
 * kernel's headroom); rl_pool_put() strips it.
 */
#ifndef RL_POOL_H
#define RL_POOL_H

#include <errno.h>
#include <stdint.h>

struct rl_pool {
	uint64_t *addrs;     /* stack of free frame base addresses */
	uint32_t count;	     /* free frames on the stack */
	uint32_t size;	     /* frames owned by this pool */
	uint64_t first;	     /* lowest frame address owned */
	uint64_t frame_mask; /* ~(frame_size - 1) */
	uint32_t frame_shift;
	uint64_t errors;  /* rejected puts: foreign or duplicate frames */
	uint8_t *is_free; /* per frame, 1 while on the stack */
};

/*
 * Give the pool the @nframes frames of @frame_size bytes (a power of two)
 * starting at UMEM offset @first (a multiple of @frame_size). All start free.
 * Returns 0, or -EINVAL / -ENOMEM.
 */
int rl_pool_init(struct rl_pool *p, uint64_t first, uint32_t nframes, uint32_t frame_size);
void rl_pool_fini(struct rl_pool *p);

static inline uint32_t rl_pool_avail(const struct rl_pool *p)
{
	return p->count;
}

/* Take one free frame; the caller has checked rl_pool_avail() > 0. */
static inline uint64_t rl_pool_pop(struct rl_pool *p)
{
	uint64_t a = p->addrs[--p->count];

	p->is_free[(a - p->first) >> p->frame_shift] = 0;
	return a;
}

/* Take up to @n free frames into @out. Returns how many were taken. */
static inline uint32_t rl_pool_get(struct rl_pool *p, uint64_t *out, uint32_t n)
{
	uint32_t i;

	if (n > p->count)
		n = p->count;
	for (i = 0; i < n; i++)
		out[i] = rl_pool_pop(p);
	return n;
}

/*
 * Return the frame holding @addr (any offset inside the frame). Returns 0,
 * or -EINVAL for an address outside the pool's slice and -EALREADY for a
 * frame that is already free; both are counted in p->errors and leave the
 * pool unchanged, so a bad descriptor can never duplicate a frame.
 */
static inline int rl_pool_put(struct rl_pool *p, uint64_t addr)
{
	uint64_t base = addr & p->frame_mask;
	uint64_t idx;

	if (base < p->first || (idx = (base - p->first) >> p->frame_shift) >= p->size) {
		p->errors++;
		return -EINVAL;
	}
	if (p->is_free[idx]) {
		p->errors++;
		return -EALREADY;
	}
	p->is_free[idx] = 1;
	p->addrs[p->count++] = base;
	return 0;
}

#endif
