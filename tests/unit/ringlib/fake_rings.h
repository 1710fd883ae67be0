/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A stand-in for the kernel side of the AF_XDP rings, for the unit tests of
 * ringlib's ring verbs (test_rings.c, test_chains.c).
 *
 * The rings are built by hand over plain memory the way libxdp's
 * xsk_umem__create / xsk_socket__create set them up after mmap (producer
 * rings: cached_prod = *producer, cached_cons = *consumer + size; consumer
 * rings: cached_prod = *producer, cached_cons = *consumer), with the
 * producer and consumer indices on separate cache lines. No socket, no
 * syscall: rl_tx_kick() and rl_fill_kick() are not called. The k_*
 * functions are the kernel's side, with acquire loads and release stores of
 * the ring indices like the kernel's xsk_queue.h.
 */
#ifndef XF_TEST_FAKE_RINGS_H
#define XF_TEST_FAKE_RINGS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rl.h"

#define FRAME_SIZE 2048u
#define HEADROOM 256u	      /* where the kernel puts a packet in its frame (aligned mode) */
#define GARBAGE 0xa5	      /* fresh ring memory, so unwritten entries show */
#define WRAP_BASE 0xfffff000u /* ring indices that wrap past 2^32 early on */

/* What the kernel maps for one ring: indices on their own cache lines. */
struct fake_ring {
	uint32_t producer __attribute__((aligned(RL_CACHELINE)));
	uint32_t consumer __attribute__((aligned(RL_CACHELINE)));
	uint32_t flags __attribute__((aligned(RL_CACHELINE)));
};

/* The kernel's side of one ring: its own index is kept here. */
struct kring {
	struct fake_ring *f;
	void *desc;
	uint32_t size;
	uint32_t mask;
	uint32_t prod; /* rings the kernel produces to (rx, completion) */
	uint32_t cons; /* rings the kernel consumes from (fill, tx) */
};

struct ksock {
	struct kring rx, tx, fill, comp;
};

static inline void *zalloc64(size_t size)
{
	size_t rounded = (size + RL_CACHELINE - 1) & ~(size_t)(RL_CACHELINE - 1);
	void *p = aligned_alloc(RL_CACHELINE, rounded);

	assert_non_null(p);
	memset(p, 0, rounded);
	return p;
}

static inline void kring_new(struct kring *k, uint32_t size, size_t entsize, uint32_t base)
{
	k->f = zalloc64(sizeof(*k->f));
	k->desc = zalloc64(size * entsize);
	memset(k->desc, GARBAGE, size * entsize);
	k->size = size;
	k->mask = size - 1;
	k->prod = k->cons = base;
	k->f->producer = k->f->consumer = base;
}

static inline void kring_free(struct kring *k)
{
	free(k->f);
	free(k->desc);
}

/* As libxdp sets up a ring after mmap (both kinds have the same members);
 * @free: the entries a producer may write at once. */
#define RING_INIT(r, k, free)                               \
	do {                                                \
		(r)->mask = (k)->size - 1;                  \
		(r)->size = (k)->size;                      \
		(r)->producer = &(k)->f->producer;          \
		(r)->consumer = &(k)->f->consumer;          \
		(r)->ring = (k)->desc;                      \
		(r)->flags = &(k)->f->flags;                \
		(r)->cached_prod = *(r)->producer;          \
		(r)->cached_cons = *(r)->consumer + (free); \
	} while (0)

/* A ring user space produces to (fill, tx): all of it free. */
static inline void prod_init(struct xsk_ring_prod *r, struct kring *k)
{
	RING_INIT(r, k, k->size);
}

/* A ring user space consumes from (rx, completion). */
static inline void cons_init(struct xsk_ring_cons *r, struct kring *k)
{
	RING_INIT(r, k, 0);
}

static inline struct rl_sock *sock_new(struct ksock *k, uint32_t rx, uint32_t tx, uint32_t fill,
				       uint32_t comp, uint32_t base)
{
	struct rl_sock *s = zalloc64(sizeof(*s));

	s->fd = -1;
	s->need_wakeup = false;
	s->max_chain = 1; /* what rl_sock_create sets without multi-buffer */
	kring_new(&k->rx, rx, sizeof(struct xdp_desc), base);
	kring_new(&k->tx, tx, sizeof(struct xdp_desc), base);
	kring_new(&k->fill, fill, sizeof(uint64_t), base);
	kring_new(&k->comp, comp, sizeof(uint64_t), base);
	cons_init(&s->rx, &k->rx);
	prod_init(&s->tx, &k->tx);
	prod_init(&s->fill, &k->fill);
	cons_init(&s->comp, &k->comp);
	return s;
}

static inline void sock_free(struct rl_sock *s, struct ksock *k)
{
	kring_free(&k->rx);
	kring_free(&k->tx);
	kring_free(&k->fill);
	kring_free(&k->comp);
	free(s);
}

/* Kernel side, as in xsk_queue.h: acquire the other side's index, release our own. */
static inline uint32_t k_avail(struct kring *k)
{
	return __atomic_load_n(&k->f->producer, __ATOMIC_ACQUIRE) - k->cons;
}

static inline uint32_t k_room(struct kring *k)
{
	return k->size - (k->prod - __atomic_load_n(&k->f->consumer, __ATOMIC_ACQUIRE));
}

static inline void k_consumed(struct kring *k, uint32_t n)
{
	k->cons += n;
	__atomic_store_n(&k->f->consumer, k->cons, __ATOMIC_RELEASE);
}

static inline void k_produced(struct kring *k, uint32_t n)
{
	k->prod += n;
	__atomic_store_n(&k->f->producer, k->prod, __ATOMIC_RELEASE);
}

static inline uint64_t *k_addr(struct kring *k, uint32_t idx)
{
	return &((uint64_t *)k->desc)[idx & k->mask];
}

static inline struct xdp_desc *k_desc(struct kring *k, uint32_t idx)
{
	return &((struct xdp_desc *)k->desc)[idx & k->mask];
}

/* The kernel puts @n descriptors on @k (an rx ring): frame i + @first, len 100 + i. */
static inline void k_receive(struct kring *k, uint32_t first, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct xdp_desc *d = k_desc(k, k->prod + i);

		d->addr = (first + i) * FRAME_SIZE + HEADROOM;
		d->len = 100 + first + i;
		d->options = 0;
	}
	k_produced(k, n);
}

#endif
