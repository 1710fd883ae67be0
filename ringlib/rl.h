/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ringlib: our layer over one UMEM and the AF_XDP sockets that share it.
 *
 * Objects
 *   rl_umem  one registered memory area, cut into equal frames. Every socket
 *            created on it shares it (XDP_SHARED_UMEM), whatever its
 *            interface and queue, so a frame received on one port can be
 *            sent on another by moving its descriptor.
 *   rl_sock  one AF_XDP socket bound to (interface, queue), with its own
 *            rx/tx rings and its own fill/completion pair (the kernel needs
 *            one pair per (netdev, queue) on a shared UMEM).
 *   rl_pool  the free frames of one poller (rl_pool.h).
 *
 * Ring verbs are libxdp's (xsk.h): reserve/submit on producer rings,
 * peek/release on consumer rings; the batched helpers below are built from
 * them and never block. Every function that can fail returns 0 or -errno.
 *
 * Threading: an rl_sock and an rl_pool belong to one poller thread. The
 * counters in rl_sock_stats are written only by that thread (relaxed
 * atomic stores) and may be read by any thread with rl_stat_read().
 *
 * Mode: the bind mode (zero-copy or copy) and need_wakeup belong to the
 * UMEM's first socket; the kernel gives every socket sharing the UMEM the
 * same. rl_sock.zerocopy is read back from the kernel (XDP_OPTIONS).
 */
#ifndef RL_H
#define RL_H

#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include "rl_pool.h"

#define RL_CACHELINE 64

enum rl_bind_mode {
	RL_MODE_AUTO, /* let the kernel try zero-copy, fall back to copy */
	RL_MODE_COPY,
	RL_MODE_ZEROCOPY,
};

struct rl_umem_opts {
	uint64_t nframes;
	uint32_t frame_size; /* power of two, 2048 .. page size */
	uint32_t fill_size;  /* fill/completion ring size of every socket */
	uint32_t comp_size;
};

struct rl_umem {
	struct xsk_umem *umem;
	void *area;
	uint64_t size; /* bytes */
	uint64_t nframes;
	uint32_t frame_size;
	uint32_t fill_size;
	uint32_t comp_size;
	uint32_t nsocks;
	bool need_wakeup; /* the first socket's choice; the kernel gives it to all */
	/* Rings made with the UMEM; libxdp hands them to its first socket. */
	struct xsk_ring_prod fill0;
	struct xsk_ring_cons comp0;
};

struct rl_sock_opts {
	const char *ifname;
	uint32_t queue;
	/* 0: no ring of that kind; the helpers that use it must not be called */
	uint32_t rx_size; /* 0: transmit-only socket */
	uint32_t tx_size; /* 0: receive-only socket */
	enum rl_bind_mode mode;
	bool need_wakeup;
	bool xdp_skb_mode; /* the XDP program runs in generic (skb) mode */
};

/* User-space counters of one socket; one writer (its poller). */
struct rl_sock_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets; /* descriptors put on the tx ring */
	uint64_t tx_bytes;
	uint64_t tx_completed; /* frames the kernel reported sent */
	uint64_t tx_kicks;     /* sendto() wake-ups of the kernel's tx path */
	uint64_t tx_kick_busy; /* ... answered EAGAIN/EBUSY/ENOBUFS/ENETDOWN */
	uint64_t tx_dropped;   /* copy mode: frames the driver dropped (EBUSY); they
				  still complete, but never left */
	uint64_t fill_wakeups; /* recvfrom() wake-ups for the fill ring */
	uint64_t fill_starved; /* refills that found the pool empty */
} __attribute__((aligned(RL_CACHELINE)));

struct rl_sock {
	/* hot: touched every loop iteration */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	int fd;
	bool need_wakeup;
	uint32_t tx_outstanding; /* on the tx ring or not yet completed */
	struct rl_sock_stats stats;
	/* cold */
	struct xsk_socket *xsk;
	struct rl_umem *umem;
	bool zerocopy;
	uint32_t queue;
	char ifname[IF_NAMESIZE];
};

/* Kernel-side socket statistics (XDP_STATISTICS); fields the running
 * kernel does not report are 0. */
struct rl_xdp_stats {
	uint64_t rx_dropped;
	uint64_t rx_invalid_descs;
	uint64_t tx_invalid_descs;
	uint64_t rx_ring_full;
	uint64_t rx_fill_ring_empty_descs;
	uint64_t tx_ring_empty_descs;
};

/*
 * Map and register a UMEM of o->nframes frames. Returns 0 and sets *out, or
 * -errno (-ENOMEM / -ENOBUFS when the kernel cannot pin that much memory).
 */
int rl_umem_create(struct rl_umem **out, const struct rl_umem_opts *o);
/* Free the UMEM; every socket on it must have been destroyed (-EBUSY). */
int rl_umem_destroy(struct rl_umem *u);
/* For rl_sock.c: register the same area anew (no socket may exist). */
int rl_umem_reregister(struct rl_umem *u);

/*
 * Create a socket on @u bound to o->ifname / o->queue. The caller's XDP
 * program redirects to it (libxdp's own program is never loaded). A bind
 * that gets EBUSY (a previous socket's teardown still in progress) is retried
 * for up to a second. Returns 0 and sets *out, or -errno: -EOPNOTSUPP when
 * a forced zero-copy bind is refused, -EINVAL when the queue does not exist.
 */
int rl_sock_create(struct rl_sock **out, struct rl_umem *u, const struct rl_sock_opts *o);
void rl_sock_destroy(struct rl_sock *s);
/* Read the kernel's counters for @s. Returns 0 or -errno. */
int rl_sock_xdp_stats(const struct rl_sock *s, struct rl_xdp_stats *st);

/* Add @add's counters into @into (e.g. to sum a port's queues). */
static inline void rl_xdp_stats_add(struct rl_xdp_stats *into, const struct rl_xdp_stats *add)
{
	into->rx_dropped += add->rx_dropped;
	into->rx_invalid_descs += add->rx_invalid_descs;
	into->tx_invalid_descs += add->tx_invalid_descs;
	into->rx_ring_full += add->rx_ring_full;
	into->rx_fill_ring_empty_descs += add->rx_fill_ring_empty_descs;
	into->tx_ring_empty_descs += add->tx_ring_empty_descs;
}
/*
 * Let syscalls on @s run the device's NAPI in the caller's context for up to
 * @usecs, @budget frames at a time (SO_PREFER_BUSY_POLL, SO_BUSY_POLL,
 * SO_BUSY_POLL_BUDGET); the poller then drives rx with rl_rx_kick().
 * Returns 0 or -errno (-EPERM: raising SO_BUSY_POLL needs CAP_NET_ADMIN).
 */
int rl_sock_busy_poll(struct rl_sock *s, uint32_t usecs, uint32_t budget);
/*
 * Let one tx kick (sendto) of a copy-mode socket send up to @budget frames
 * instead of the kernel's default 32 (XDP_MAX_TX_SKB_BUDGET, kernel >= 6.17;
 * @budget must be 32 .. the tx ring size). Returns 0, -ENOPROTOOPT when the
 * kernel lacks the option, or another -errno (-EACCES: out of range).
 */
int rl_sock_set_tx_budget(struct rl_sock *s, uint32_t budget);

/*
 * The socket's pending error (SO_ERROR, which reading clears), as -errno, or
 * 0. When its device is unregistered (deleted, or a veth peer's namespace
 * deleted) the kernel unbinds the socket and sets ENETDOWN here, but poll()
 * then reports nothing at all: a poller that sleeps in poll() reads this
 * after each sleep, or it would sleep on a dead socket forever.
 */
int rl_sock_error(const struct rl_sock *s);

/* Counter updates by the owning thread, reads from any thread. */
#define rl_stat_add(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define rl_stat_read(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/*
 * Move up to @max free frames from @p into @s's fill ring (as many as both
 * have room for). Returns the number moved.
 */
static inline uint32_t rl_fill(struct rl_sock *s, struct rl_pool *p, uint32_t max)
{
	uint32_t n = xsk_prod_nb_free(&s->fill, max), idx, i;

	if (n > max)
		n = max;
	if (n > rl_pool_avail(p)) {
		n = rl_pool_avail(p);
		if (!n) {
			rl_stat_add(s->stats.fill_starved, 1);
			return 0;
		}
	}
	if (!n || xsk_ring_prod__reserve(&s->fill, n, &idx) != n)
		return 0;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = rl_pool_pop(p);
	/* Release store: the addresses above are visible before the producer. */
	xsk_ring_prod__submit(&s->fill, n);
	return n;
}

/*
 * Take up to @max finished tx frames from @s's completion ring back into @p.
 * Returns the number reclaimed.
 */
static inline uint32_t rl_complete(struct rl_sock *s, struct rl_pool *p, uint32_t max)
{
	uint32_t idx, i, n = xsk_ring_cons__peek(&s->comp, max, &idx);

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		rl_pool_put(p, *xsk_ring_cons__comp_addr(&s->comp, idx + i));
	/* Release store: done reading the entries before the kernel reuses them. */
	xsk_ring_cons__release(&s->comp, n);
	s->tx_outstanding -= n;
	rl_stat_add(s->stats.tx_completed, n);
	return n;
}

/*
 * Move up to @max received descriptors from @from's rx ring to @to's tx ring,
 * unchanged (same UMEM: the bytes stay where they are). Takes only as many as
 * @to's tx ring has room for, so nothing is dropped here: what does not fit
 * waits on the rx ring (and the kernel counts rx_ring_full if it fills).
 * Returns the number moved. The caller kicks @to with rl_tx_kick().
 */
static inline uint32_t rl_rx_to_tx(struct rl_sock *from, struct rl_sock *to, uint32_t max)
{
	uint32_t n, idx_rx, idx_tx = 0, i;
	uint64_t bytes = 0;

	n = xsk_prod_nb_free(&to->tx, max);
	if (n > max)
		n = max;
	if (!n)
		return 0;
	n = xsk_ring_cons__peek(&from->rx, n, &idx_rx);
	if (!n)
		return 0;
	xsk_ring_prod__reserve(&to->tx, n, &idx_tx); /* cannot fail: room checked */
	for (i = 0; i < n; i++) {
		const struct xdp_desc *rd = xsk_ring_cons__rx_desc(&from->rx, idx_rx + i);
		struct xdp_desc *td = xsk_ring_prod__tx_desc(&to->tx, idx_tx + i);

		td->addr = rd->addr;
		td->len = rd->len;
		td->options = 0;
		bytes += rd->len;
	}
	/* Release store: descriptors written before the kernel sees them. */
	xsk_ring_prod__submit(&to->tx, n);
	/* Release store: rx entries read before the kernel overwrites them. */
	xsk_ring_cons__release(&from->rx, n);
	to->tx_outstanding += n;
	rl_stat_add(from->stats.rx_packets, n);
	rl_stat_add(from->stats.rx_bytes, bytes);
	rl_stat_add(to->stats.tx_packets, n);
	rl_stat_add(to->stats.tx_bytes, bytes);
	return n;
}

/*
 * Producer side of a sender that makes its own frames: reserve up to @max tx
 * descriptors, each pointing at a free frame taken from @p, @len bytes long
 * (limited by the ring's room and the pool's frames). Returns how many, with
 * the first one's ring index in *idx. The caller writes the frames' bytes
 * (xsk_ring_prod__tx_desc(&s->tx, *idx + i)->addr) and then hands exactly
 * that many to the kernel with rl_tx_submit(). The frames come back through
 * rl_complete().
 */
static inline uint32_t rl_tx_reserve(struct rl_sock *s, struct rl_pool *p, uint32_t max,
				     uint32_t len, uint32_t *idx)
{
	uint32_t n = xsk_prod_nb_free(&s->tx, max), i;

	if (n > max)
		n = max;
	if (n > rl_pool_avail(p))
		n = rl_pool_avail(p);
	if (!n || xsk_ring_prod__reserve(&s->tx, n, idx) != n)
		return 0;
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, *idx + i);

		d->addr = rl_pool_pop(p);
		d->len = len;
		d->options = 0;
	}
	return n;
}

/* Hand the @n descriptors reserved by rl_tx_reserve() (@bytes in all) to the
 * kernel. The caller kicks with rl_tx_kick(). */
static inline void rl_tx_submit(struct rl_sock *s, uint32_t n, uint64_t bytes)
{
	/* Release store: descriptors and frame bytes written before the kernel
	 * sees the new producer index. */
	xsk_ring_prod__submit(&s->tx, n);
	s->tx_outstanding += n;
	rl_stat_add(s->stats.tx_packets, n);
	rl_stat_add(s->stats.tx_bytes, bytes);
}

/*
 * Tell the kernel there is work on @s's tx ring, when it asks for it (or
 * always, without need_wakeup). EAGAIN, EBUSY, ENOBUFS and ENETDOWN mean
 * "try again later" and are counted, not returned. In copy mode, EBUSY also
 * means the driver dropped the last frame the kernel gave it (NET_XMIT_DROP,
 * e.g. a full veth backlog): that frame still completes, so it is counted
 * in tx_dropped. Returns 0 or -errno.
 */
static inline int rl_tx_kick(struct rl_sock *s)
{
	/* Nothing the kernel has not consumed yet: nothing to kick for. */
	if (s->tx.cached_prod == __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE))
		return 0;
	if (s->need_wakeup && !xsk_ring_prod__needs_wakeup(&s->tx))
		return 0;
	rl_stat_add(s->stats.tx_kicks, 1);
	if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS || errno == ENETDOWN) {
		if (errno == EBUSY && !s->zerocopy)
			rl_stat_add(s->stats.tx_dropped, 1);
		rl_stat_add(s->stats.tx_kick_busy, 1);
		return 0;
	}
	return -errno;
}

/*
 * With busy polling: run the device's NAPI now, from this thread (a
 * non-blocking recvfrom() does that and returns at once).
 */
static inline void rl_rx_kick(struct rl_sock *s)
{
	recvfrom(s->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/*
 * Wake the driver to pick up fill-ring entries, when it asks for it
 * (zero-copy drivers set the flag; copy mode never does).
 */
static inline void rl_fill_kick(struct rl_sock *s)
{
	if (s->need_wakeup && xsk_ring_prod__needs_wakeup(&s->fill)) {
		rl_stat_add(s->stats.fill_wakeups, 1);
		recvfrom(s->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
}

#endif
