// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The session table of `xskfwd serve` (design in serve_sessions.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve_sessions.h"

int sv_table_init(struct sv_table *t, uint32_t nslots, uint16_t port_lo, uint32_t max_per_client,
		  uint64_t evict_after_ns, struct sf_root *root)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (!nslots || port_lo + (uint64_t)nslots - 1 > 65535)
		return -EINVAL;
	t->slots = aligned_alloc(64, sizeof(*t->slots) * nslots);
	t->free_q = calloc(nslots, sizeof(*t->free_q));
	if (!t->slots || !t->free_q) {
		free(t->slots);
		free(t->free_q);
		t->slots = NULL;
		return -ENOMEM;
	}
	memset(t->slots, 0, sizeof(*t->slots) * nslots);
	for (i = 0; i < nslots; i++) {
		pthread_spin_init(&t->slots[i].lock, PTHREAD_PROCESS_PRIVATE);
		t->free_q[i] = i;
	}
	t->nslots = nslots;
	t->port_lo = port_lo;
	t->max_per_client = max_per_client;
	t->evict_after_ns = evict_after_ns;
	t->root = root;
	t->free_count = nslots;
	pthread_mutex_init(&t->mu, NULL);
	return 0;
}

void sv_table_fini(struct sv_table *t)
{
	uint32_t i;

	if (!t->slots)
		return;
	for (i = 0; i < t->nslots; i++)
		pthread_spin_destroy(&t->slots[i].lock);
	pthread_mutex_destroy(&t->mu);
	free(t->slots);
	free(t->free_q);
	t->slots = NULL;
}

static bool same_client(const struct sv_client *a, const struct sv_client *b)
{
	return a->port == b->port && a->family == b->family &&
	       !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
}

/* For --max-per-client: the address, or the /64 of an IPv6 address. */
static bool same_host(const struct sv_client *a, const struct sv_client *b)
{
	return a->family == b->family && !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 8);
}

/* Under the mutex: @s (unused now) goes to the back of the free queue. */
static void free_slot(struct sv_table *t, struct sv_session *s)
{
	t->free_q[(t->free_head + t->free_count) % t->nslots] = (uint32_t)(s - t->slots);
	t->free_count++;
	atomic_fetch_sub(&t->active, 1);
}

/*
 * Under the mutex: end the oldest session that never heard from its client
 * and is older than evict_after_ns. Its file goes to *file, for sf_put()
 * once the mutex is released. Returns whether a slot was freed.
 */
static bool evict_one(struct sv_table *t, uint64_t now, struct sf_file **file)
{
	struct sv_session *victim = NULL;
	uint32_t i;

	for (i = 0; i < t->nslots; i++) {
		struct sv_session *s = &t->slots[i];

		if (!atomic_load_explicit(&s->used, memory_order_acquire) ||
		    atomic_load_explicit(&s->heard, memory_order_relaxed) ||
		    now - s->started_ns < t->evict_after_ns)
			continue;
		if (!victim || s->started_ns < victim->started_ns)
			victim = s;
	}
	if (!victim)
		return false;
	pthread_spin_lock(&victim->lock);
	if (!atomic_load_explicit(&victim->used, memory_order_relaxed) ||
	    atomic_load_explicit(&victim->heard, memory_order_relaxed)) {
		pthread_spin_unlock(&victim->lock);
		return false;
	}
	*file = victim->file;
	victim->file = NULL;
	atomic_store_explicit(&victim->wake_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&victim->used, false, memory_order_release);
	pthread_spin_unlock(&victim->lock);
	free_slot(t, victim);
	atomic_fetch_add(&t->evicted, 1);
	return true;
}

struct sv_session *sv_session_new(struct sv_table *t, const struct sv_client *c, uint64_t now,
				  enum sv_refusal *why)
{
	struct sf_file *evicted_file = NULL;
	struct sv_session *s = NULL;
	uint32_t i, same = 0;

	*why = SV_REFUSE_NONE;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->nslots; i++) {
		const struct sv_session *o = &t->slots[i];

		if (!atomic_load_explicit(&o->used, memory_order_acquire) ||
		    !same_host(&o->client, c))
			continue;
		if (same_client(&o->client, c)) {
			*why = SV_REFUSE_DUPLICATE;
			goto out;
		}
		same++;
	}
	if (same >= t->max_per_client) {
		*why = SV_REFUSE_CLIENT;
		goto out;
	}
	if (!t->free_count && !evict_one(t, now, &evicted_file)) {
		*why = SV_REFUSE_FULL;
		goto out;
	}
	s = &t->slots[t->free_q[t->free_head]];
	t->free_head = (t->free_head + 1) % t->nslots;
	t->free_count--;
	pthread_spin_lock(&s->lock);
	s->client = *c;
	s->started_ns = now;
	atomic_store_explicit(&s->heard, false, memory_order_relaxed);
	atomic_store_explicit(&s->wake_ns, 0, memory_order_relaxed);
	s->file = NULL;
	s->retransmits_seen = 0;
	atomic_store_explicit(&s->used, true, memory_order_release);
	atomic_fetch_add(&t->active, 1);
out:
	pthread_mutex_unlock(&t->mu);
	if (evicted_file)
		sf_put(t->root, evicted_file);
	return s;
}

struct sv_session *sv_session_find(struct sv_table *t, uint16_t port, const struct sv_client *c)
{
	struct sv_session *s;

	if (port < t->port_lo || (uint32_t)(port - t->port_lo) >= t->nslots)
		return NULL;
	s = &t->slots[port - t->port_lo];
	if (!atomic_load_explicit(&s->used, memory_order_acquire))
		return NULL;
	pthread_spin_lock(&s->lock);
	if (atomic_load_explicit(&s->used, memory_order_relaxed) && same_client(&s->client, c))
		return s;
	pthread_spin_unlock(&s->lock);
	return NULL;
}

void sv_session_end(struct sv_table *t, struct sv_session *s)
{
	struct sf_file *f = s->file;

	s->file = NULL;
	atomic_store_explicit(&s->wake_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&s->used, false, memory_order_release);
	pthread_spin_unlock(&s->lock);

	pthread_mutex_lock(&t->mu);
	free_slot(t, s);
	pthread_mutex_unlock(&t->mu);
	if (f)
		sf_put(t->root, f);
}
