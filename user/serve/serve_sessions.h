/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The session table of `xskfwd serve`: every transfer in progress, shared by
 * all the pollers of one server.
 *
 * Slot i of the table answers on server port lo + i, its transfer ID
 * (RFC 1350). A client's ACK names its session by the port it is sent to, so
 * finding a session is an index, not a lookup: whichever poller receives the
 * ACK (RSS may put it on another queue than the request) takes the slot's
 * spin lock, checks the client's (address, port) is the one the slot serves,
 * and drives the transfer, sending from its own socket. Retransmit timers are
 * found by a scan of the slots' wake times that every poller makes about
 * once a millisecond, taking a due slot with a trylock: whoever gets it
 * sends. Nothing else is locked per packet.
 *
 * Creating and ending sessions (once per transfer) take the table's mutex,
 * which guards the free list, the per-client counts and the "is this client
 * tuple already served" check: both are a scan of the slots in use, bounded
 * by --max-sessions, and cheap next to opening and mapping a file. Lock
 * order: the table mutex, then a slot's lock.
 *
 * Free slots are reused oldest first, so a port is not handed to a new
 * client while the previous client's late packets may still arrive. A
 * client, for --max-per-client, is an IPv4 address or an IPv6 /64. A full
 * table evicts the oldest session whose client never answered (see
 * sv_session_new), so unanswered requests cannot lock everyone out.
 */
#ifndef XF_SERVE_SESSIONS_H
#define XF_SERVE_SESSIONS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "serve_files.h"
#include "serve_frame.h"
#include "tftp_session.h"

struct sv_client {
	uint8_t family;
	uint8_t ip[16];
	uint16_t port;
};

struct sv_session {
	pthread_spinlock_t lock;
	atomic_bool used; /* serving a client; set under the table mutex, cleared
				   under the slot lock (sv_session_end) */
	/* When a poller should look at it again: the retransmit deadline, or
	 * "now" when a window could not be sent for want of frames; 0: never.
	 * Written under the lock, read by every poller's timer scan. */
	_Atomic uint64_t wake_ns;
	struct sv_client client;
	struct sv_hdr hdr;	/* reply headers: to the client, from our port */
	struct tftp_params prm; /* as negotiated (the OACK is built from it) */
	struct tftp_session t;
	struct sf_file *file;
	uint64_t started_ns;	   /* written under the table mutex, at creation */
	atomic_bool heard;	   /* the client answered (a valid ACK): never evicted */
	uint64_t retransmits_seen; /* t.retransmits already added to the stats */
} __attribute__((aligned(64)));

struct sv_table {
	struct sv_session *slots;
	uint32_t nslots;
	uint16_t port_lo; /* slot i <-> server port port_lo + i */
	uint32_t max_per_client;
	uint64_t evict_after_ns; /* a full table evicts a silent session this old */
	struct sf_root *root;
	pthread_mutex_t mu;
	uint32_t *free_q; /* ring of free slot indices, oldest freed first */
	uint32_t free_head, free_count;
	atomic_uint active;
	atomic_ulong evicted;
};

/* Why a session could not be created. */
enum sv_refusal {
	SV_REFUSE_NONE,
	SV_REFUSE_DUPLICATE, /* a retransmitted request of a session in progress */
	SV_REFUSE_FULL,	     /* --max-sessions reached, none could be evicted */
	SV_REFUSE_CLIENT,    /* --max-per-client reached for this client */
};

/* Files of ended sessions are handed back to @root (sf_put). */
int sv_table_init(struct sv_table *t, uint32_t nslots, uint16_t port_lo, uint32_t max_per_client,
		  uint64_t evict_after_ns, struct sf_root *root);
void sv_table_fini(struct sv_table *t);

/*
 * Take a free slot for @c at time @now, unless @c already has one or a limit
 * is reached (*why). A client is its address for --max-per-client, its /64
 * for IPv6 (one host may hold a whole /64). When the table is full, the
 * oldest session whose client never answered and that is older than
 * evict_after_ns is evicted (its client is likely gone, or never was: a
 * spoofed request), so silent requests cannot lock everyone out. Returns
 * the slot with its lock HELD and used = true (the caller sets it up and
 * unlocks), or NULL.
 */
struct sv_session *sv_session_new(struct sv_table *t, const struct sv_client *c, uint64_t now,
				  enum sv_refusal *why);

/*
 * The session that server port @port serves for client @c, with its lock
 * HELD; NULL if the port is outside the table, the slot is free, or it
 * serves another client (the sender then gets ERROR 5, unknown transfer ID).
 */
struct sv_session *sv_session_find(struct sv_table *t, uint16_t port, const struct sv_client *c);

static inline void sv_session_unlock(struct sv_session *s)
{
	pthread_spin_unlock(&s->lock);
}

/*
 * End a session whose lock the caller holds: the lock is released, the slot
 * freed and @s->file handed back with sf_put().
 */
void sv_session_end(struct sv_table *t, struct sv_session *s);

static inline uint16_t sv_session_port(const struct sv_table *t, const struct sv_session *s)
{
	return (uint16_t)(t->port_lo + (uint32_t)(s - t->slots));
}

#endif
