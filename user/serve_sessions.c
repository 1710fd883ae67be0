// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The session table of `xskfwd serve` (design in serve_sessions.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve_sessions.h"

int sv_table_init(struct sv_table *t, uint32_t nslots, uint16_t port_lo, uint32_t max_per_client)
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

static bool same_ip(const struct sv_client *a, const struct sv_client *b)
{
	return a->family == b->family && !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
}

static bool same_client(const struct sv_client *a, const struct sv_client *b)
{
	return a->port == b->port && same_ip(a, b);
}

struct sv_session *sv_session_new(struct sv_table *t, const struct sv_client *c,
				  enum sv_refusal *why)
{
	struct sv_session *s = NULL;
	uint32_t i, same = 0;

	*why = SV_REFUSE_NONE;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->nslots; i++) {
		const struct sv_session *o = &t->slots[i];

		if (!atomic_load_explicit(&o->used, memory_order_acquire) ||
		    !same_ip(&o->client, c))
			continue;
		if (o->client.port == c->port) {
			*why = SV_REFUSE_DUPLICATE;
			goto out;
		}
		same++;
	}
	if (!t->free_count) {
		*why = SV_REFUSE_FULL;
		goto out;
	}
	if (same >= t->max_per_client) {
		*why = SV_REFUSE_CLIENT;
		goto out;
	}
	s = &t->slots[t->free_q[t->free_head]];
	t->free_head = (t->free_head + 1) % t->nslots;
	t->free_count--;
	pthread_spin_lock(&s->lock);
	s->client = *c;
	atomic_store_explicit(&s->wake_ns, 0, memory_order_relaxed);
	s->file = NULL;
	s->retransmits_seen = 0;
	atomic_store_explicit(&s->used, true, memory_order_release);
	atomic_fetch_add(&t->active, 1);
out:
	pthread_mutex_unlock(&t->mu);
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

void sv_session_end(struct sv_table *t, struct sv_session *s, struct sf_root *root)
{
	struct sf_file *f = s->file;

	s->file = NULL;
	atomic_store_explicit(&s->wake_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&s->used, false, memory_order_release);
	pthread_spin_unlock(&s->lock);

	pthread_mutex_lock(&t->mu);
	t->free_q[(t->free_head + t->free_count) % t->nslots] = (uint32_t)(s - t->slots);
	t->free_count++;
	atomic_fetch_sub(&t->active, 1);
	pthread_mutex_unlock(&t->mu);
	if (f)
		sf_put(root, f);
}
