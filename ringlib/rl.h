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
 *   rl_idle  the one idle policy every poller follows (rl_idle.h).
 * And rl_netdev.h: what a device's driver says of its XDP (the kernel's
 * "netdev" netlink family), for the zero-copy chain limit.
 *
 * Ring verbs use the kernel's and libxdp's names: reserve/put/submit on
 * producer rings, peek/release on consumer rings. Pollers use only these
 * (rl_rx_peek/rl_rx_desc/rl_rx_release, rl_tx_room/rl_tx_put/rl_tx_submit,
 * rl_fill, rl_complete, rl_rx_to_tx, the kicks; for multi-buffer packets
 * the chain verbs of rl_chain.h) and the predicates (rl_tx_pending,
 * rl_rx_left, rl_rings_empty, rl_desc_contd), never libxdp's ring
 * functions or the ring indices. None of them blocks; one release store
 * publishes a batch. Every function that can fail returns 0 or -errno.
 *
 * Threading: an rl_sock and an rl_pool belong to one poller thread. The
 * counters in rl_sock_stats are written only by that thread (relaxed
 * atomic stores) and may be read by any thread with rl_stat_read(); so may
 * rl_rx_left() and rl_rings_empty(). Everything else is the owner's.
 *
 * Mode: the bind mode (zero-copy or copy), need_wakeup and multi-buffer
 * (sg) belong to the UMEM's first socket; the kernel gives every socket
 * sharing the UMEM the same. rl_sock.zerocopy is read back from the kernel
 * (XDP_OPTIONS).
 *
 * Packets and descriptors: without multi-buffer (rl_sock_opts.sg off, the
 * default) every descriptor is a packet. With it, a packet is a chain of
 * descriptors, each in its own frame, all but the last carrying
 * XDP_PKT_CONTD (rl_chain.h). The verbs move whole packets only: a chain is
 * never split between two batches on a tx ring, so half of it can never
 * leave alone. The *_packets counters count packets, the *_descs counters
 * descriptors (= frames); they are equal without multi-buffer.
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

/* uapi linux/if_xdp.h, kernel 6.6; Debian 12's headers are from 6.1 */
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4) /* bind flag: multi-buffer */
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0) /* descriptor option: the packet goes on in the next */
#endif

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
	bool sg;	  /* multi-buffer: likewise */
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
	bool sg;	   /* multi-buffer: bind with XDP_USE_SG (kernel >= 6.6) */
	/* The driver's xdp_zc_max_segs when the caller has read it
	 * (rl_netdev_xdp_info); 0: a zero-copy multi-buffer socket asks */
	uint32_t zc_max_segs;
};

/* User-space counters of one socket; one writer (its poller). */
struct rl_sock_stats {
	uint64_t rx_packets; /* packets released from the rx ring */
	uint64_t rx_descs;   /* ... their descriptors (frames) */
	uint64_t rx_bytes;
	uint64_t tx_packets; /* packets submitted on the tx ring */
	uint64_t tx_descs;   /* ... their descriptors (frames) */
	uint64_t tx_bytes;
	uint64_t tx_completed; /* frames (descriptors) the kernel reported sent */
	uint64_t tx_kicks;     /* sendto() wake-ups of the kernel's tx path */
	uint64_t tx_kick_busy; /* ... answered EAGAIN/EBUSY/ENOBUFS/ENETDOWN */
	uint64_t tx_dropped;   /* copy mode: frames the driver dropped (EBUSY); they
				  still complete, but never left */
	uint64_t fill_wakeups; /* recvfrom() wake-ups for the fill ring */
	uint64_t fill_starved; /* refills that found the pool empty */
	/* Received packets of more descriptors than this socket may send
	 * (max_chain): never put on its tx ring; their frames went back to the
	 * pool. Also counted in the ingress socket's rx counters. */
	uint64_t tx_chain_too_long;
} __attribute__((aligned(RL_CACHELINE)));

struct rl_sock {
	/* hot: touched every loop iteration */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	int fd;
	bool need_wakeup;
	bool sg;		  /* multi-buffer: rx may hold chains (the UMEM's choice) */
	uint32_t max_chain;	  /* the most descriptors one packet may have on tx */
	uint32_t tx_outstanding;  /* descriptors on the tx ring or not yet completed */
	uint32_t tx_queued;	  /* descriptors put on the tx ring, not yet submitted */
	uint32_t tx_queued_contd; /* ... of which carry XDP_PKT_CONTD (not a packet's end) */
	uint64_t tx_queued_bytes; /* ... their bytes */
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

/*
 * Create a socket on @u bound to o->ifname / o->queue. The caller's XDP
 * program redirects to it (libxdp's own program is never loaded). A bind
 * that gets EBUSY (a previous socket's teardown still in progress) is retried
 * for up to a second. Returns 0 and sets *out, or -errno: -EOPNOTSUPP when
 * a forced zero-copy bind is refused (with o->sg: also when the driver has
 * no zero-copy multi-buffer), -EINVAL when the queue does not exist,
 * -ENOPROTOOPT when o->sg asks for multi-buffer and the kernel lacks it
 * (XDP_USE_SG, 6.6: checked with rl_sg_probe() before binding).
 *
 * Multi-buffer: the first socket on @u decides it for all (as need_wakeup);
 * s->sg says whether it is on. s->max_chain is the most descriptors a packet
 * sent on @s may have: 1 without sg; in copy mode MAX_SKB_FRAGS + 1 (read as
 * /proc/sys/net/core/max_skb_frags + 1; 18 by default); in zero-copy mode
 * the driver's xdp_zc_max_segs, read from the kernel's "netdev" netlink
 * family (rl_netdev.h; 1 when it cannot be read); never more than the tx
 * ring holds.
 */
int rl_sock_create(struct rl_sock **out, struct rl_umem *u, const struct rl_sock_opts *o);
void rl_sock_destroy(struct rl_sock *s);
/*
 * Does the running kernel know XDP_USE_SG (multi-buffer AF_XDP, 6.6)? Binds
 * a throwaway AF_XDP socket with that flag to no device: a kernel that knows
 * the flag answers ENODEV, one that does not answers EINVAL. Returns 0 (it
 * does), -ENOPROTOOPT (it does not), or -errno from socket() (-EAFNOSUPPORT:
 * no AF_XDP at all; -EPERM: no CAP_NET_RAW).
 */
int rl_sg_probe(void);
/*
 * The most descriptors one packet may have in copy mode, received or sent:
 * MAX_SKB_FRAGS + 1, read as /proc/sys/net/core/max_skb_frags + 1 (the
 * kernel's default 17 + 1 when unreadable: the sysctl exists only in the
 * initial network namespace).
 */
uint32_t rl_copy_max_chain(void);
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
 * Ring verbs. Producer rings (fill, tx): user space writes entries past its
 * cached producer index, then publishes them with one release store of the
 * shared producer index per batch (submit). Consumer rings (rx, completion):
 * an acquire load of the kernel's producer index tells how many entries may
 * be read (peek); one release store of the consumer index per batch gives
 * them back (release). The kernel's side is net/xdp/xsk_queue.h; its
 * comments there name the same pairs. Callers never read ring indices
 * themselves: they ask the predicates below (rl_tx_pending, rl_rx_left,
 * rl_rings_empty).
 */

/* The frame bytes at UMEM address @addr of the area @area. */
static inline void *rl_data(void *area, uint64_t addr)
{
	return (uint8_t *)area + addr;
}

/*
 * Take up to @max received descriptors from @s's rx ring. Returns how many
 * (0 .. @max), the first one's ring index in *idx (read them with
 * rl_rx_desc(s, *idx + i)). Reads the kernel's producer index only when the
 * entries seen last time are used up; that acquire load pairs with the
 * kernel's release store of the rx producer (xskq_prod_submit), so the
 * descriptors it covers are complete. Every peek that returned n > 0 is
 * followed by one rl_rx_release() before the next peek.
 */
static inline uint32_t rl_rx_peek(struct rl_sock *s, uint32_t max, uint32_t *idx)
{
	return xsk_ring_cons__peek(&s->rx, max, idx);
}

/* The received descriptor at ring index @idx (from rl_rx_peek). */
static inline const struct xdp_desc *rl_rx_desc(const struct rl_sock *s, uint32_t idx)
{
	return xsk_ring_cons__rx_desc(&s->rx, idx);
}

/*
 * Does the packet of descriptor @d go on in the next descriptor
 * (XDP_PKT_CONTD)? Never without multi-buffer.
 */
static inline bool rl_desc_contd(const struct xdp_desc *d)
{
	return d->options & XDP_PKT_CONTD;
}

/*
 * rl_rx_release() when the caller knows how many packets the @n descriptors
 * hold (@packets: those without XDP_PKT_CONTD; @n without multi-buffer).
 */
static inline void rl_rx_release_pkts(struct rl_sock *s, uint32_t n, uint32_t packets,
				      uint64_t bytes)
{
	uint32_t cons = *s->rx.consumer + n; /* written by this thread only */

	/* Release store, pairs with the kernel's acquire of the rx consumer
	 * (xskq_prod_nb_free): the descriptors are read before it reuses them. */
	__atomic_store_n(s->rx.consumer, cons, __ATOMIC_RELEASE);
	s->rx.cached_cons = cons; /* forgets the peeked, unreleased entries */
	rl_stat_add(s->stats.rx_packets, packets);
	rl_stat_add(s->stats.rx_descs, n);
	rl_stat_add(s->stats.rx_bytes, bytes);
}

/*
 * Give the first @n (<= what the last rl_rx_peek returned) descriptors back
 * to the kernel and count them as received: rx_descs += @n, rx_packets +=
 * the packets they end (@n without multi-buffer; with it, those without
 * XDP_PKT_CONTD: the caller releases whole packets, see rl_rx_peek_pkts),
 * rx_bytes += @bytes (the sum of their lengths). The descriptors peeked but
 * not released stay on the ring: the next peek returns them again. The
 * caller is done with the descriptors (not with the frames: those are its
 * own until it puts them on a fill or tx ring).
 */
static inline void rl_rx_release(struct rl_sock *s, uint32_t n, uint64_t bytes)
{
	uint32_t packets = n, i, first = *s->rx.consumer;

	if (__builtin_expect(s->sg, 0))
		for (i = 0; i < n; i++)
			packets -= rl_desc_contd(rl_rx_desc(s, first + i));
	rl_rx_release_pkts(s, n, packets, bytes);
}

/*
 * Tx of frames the caller owns (received ones, or built in frames from its
 * pool), on any socket of the UMEM: rl_tx_room() says how many descriptors
 * may be put, rl_tx_put() writes one, rl_tx_submit() hands all put since the
 * last submit to the kernel with one release store. A poller that spreads
 * one rx batch over several egress sockets puts each descriptor on its
 * socket and submits every socket once per batch (a submit with nothing put
 * does nothing):
 *
 *	n = rl_rx_peek(in, batch, &idx);
 *	for (i = 0; i < n; i++) {
 *		d = rl_rx_desc(in, idx + i);
 *		out = egress(d);
 *		if (!rl_tx_room(out, 1))
 *			break;          // the rest stays on the rx ring
 *		rl_tx_put(out, d->addr, d->len);
 *		bytes += d->len;
 *	}
 *	for each out: rl_tx_submit(out);
 *	rl_rx_release(in, i, bytes);
 *	...then rl_tx_kick() each out.
 */

/*
 * How many descriptors (at most @want) may be put on @s's tx ring now,
 * counting those put and not yet submitted. Reads the kernel's consumer
 * index only when the room known from the last read is less than @want; that
 * acquire load pairs with the kernel's release store of the tx consumer
 * (__xskq_cons_release): the entries it covers are no longer read.
 */
static inline uint32_t rl_tx_room(struct rl_sock *s, uint32_t want)
{
	uint32_t n = xsk_prod_nb_free(&s->tx, want);

	return n < want ? n : want;
}

/*
 * Put one descriptor (@len bytes of the frame at UMEM address @addr) on
 * @s's tx ring, not yet visible to the kernel. The caller has made sure of
 * the room (rl_tx_room) and owns the frame; it comes back through
 * rl_complete() once sent.
 */
static inline void rl_tx_put(struct rl_sock *s, uint64_t addr, uint32_t len)
{
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, s->tx.cached_prod++);

	d->addr = addr;
	d->len = len;
	d->options = 0;
	s->tx_queued++;
	s->tx_queued_bytes += len;
}

/*
 * Hand every descriptor put on @s's tx ring since the last submit to the
 * kernel and count them (tx_descs, tx_bytes, and tx_packets: the
 * descriptors that end a packet). Nothing put: nothing done, no store. Never
 * between the descriptors of one packet (after rl_tx_put_contd, before the
 * rl_tx_put that ends it): the kernel would see half a packet. The caller
 * kicks with rl_tx_kick().
 */
static inline void rl_tx_submit(struct rl_sock *s)
{
	if (!s->tx_queued)
		return;
	/* Release store, pairs with the kernel's acquire of the tx producer
	 * (xskq_cons_peek_desc): descriptors and frame bytes are written before
	 * it sees the new index. */
	__atomic_store_n(s->tx.producer, s->tx.cached_prod, __ATOMIC_RELEASE);
	s->tx_outstanding += s->tx_queued;
	rl_stat_add(s->stats.tx_packets, s->tx_queued - s->tx_queued_contd);
	rl_stat_add(s->stats.tx_descs, s->tx_queued);
	rl_stat_add(s->stats.tx_bytes, s->tx_queued_bytes);
	s->tx_queued = 0;
	s->tx_queued_contd = 0;
	s->tx_queued_bytes = 0;
}

/*
 * How many descriptors put on @s's tx ring (submitted or not) the kernel has
 * not consumed yet; 0 when it has taken them all. In copy mode they leave
 * only when kicked (rl_tx_kick), so a poller does not sleep while this is
 * not 0. Owning thread only. The acquire load pairs with the kernel's
 * release store of the tx consumer (__xskq_cons_release).
 */
static inline uint32_t rl_tx_pending(const struct rl_sock *s)
{
	return s->tx.cached_prod - __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);
}

/*
 * How many received descriptors wait on @s's rx ring, not yet released by
 * its poller (peeked ones included); 0 without an rx ring. Any thread: a
 * snapshot. The acquire load pairs with the kernel's release store of the rx
 * producer; the consumer index is the poller's (relaxed: only its value).
 */
static inline uint32_t rl_rx_left(const struct rl_sock *s)
{
	if (!s->rx.producer)
		return 0;
	return __atomic_load_n(s->rx.producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(s->rx.consumer, __ATOMIC_RELAXED);
}

/*
 * True when nothing waits on @s's rings in either direction: its rx ring
 * holds nothing its poller has not released, and its tx ring nothing
 * submitted that the kernel has not consumed (what a stopping forwarder
 * drains). Any thread: a snapshot, read with acquire loads (the indices
 * are written by the kernel and by the poller).
 */
static inline bool rl_rings_empty(const struct rl_sock *s)
{
	if (rl_rx_left(s))
		return false;
	return !s->tx.producer || __atomic_load_n(s->tx.producer, __ATOMIC_ACQUIRE) ==
					  __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);
}

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
	/* Release store, pairs with the kernel's acquire of the fill producer:
	 * the addresses above are visible before the producer. */
	xsk_ring_prod__submit(&s->fill, n);
	return n;
}

/*
 * rl_complete() for a caller whose frames are in @npools pools with slices
 * of @span bytes one after the other (pools[k].first = pools[0].first +
 * k * @span): each frame goes back to the pool whose slice holds it (one
 * outside them all to pools[0], which refuses and counts it). A sender
 * that keeps one pool per place in a chain (gen) gets each frame back in
 * its place.
 */
static inline uint32_t rl_complete_pools(struct rl_sock *s, struct rl_pool *pools, uint32_t npools,
					 uint64_t span, uint32_t max)
{
	uint32_t idx, i, n = xsk_ring_cons__peek(&s->comp, max, &idx);
	uint64_t addr, k;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		addr = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
		k = npools > 1 && addr >= pools[0].first ? (addr - pools[0].first) / span : 0;
		rl_pool_put(&pools[k < npools ? k : 0], addr);
	}
	/* Release store, pairs with the kernel's acquire of the completion
	 * consumer: done reading the entries before the kernel reuses them. */
	xsk_ring_cons__release(&s->comp, n);
	s->tx_outstanding -= n;
	rl_stat_add(s->stats.tx_completed, n);
	return n;
}

/*
 * Take up to @max finished tx frames from @s's completion ring back into @p.
 * Returns the number reclaimed.
 */
static inline uint32_t rl_complete(struct rl_sock *s, struct rl_pool *p, uint32_t max)
{
	return rl_complete_pools(s, p, 1, 0, max);
}

/*
 * The steps rl_rx_to_tx and its multi-buffer paths (rl_chain.c) share.
 * Peek up to @max descriptors of @from's rx ring, no more than @to's tx
 * ring has room for.
 */
static inline uint32_t rl_move_peek(struct rl_sock *from, struct rl_sock *to, uint32_t max,
				    uint32_t *idx_rx)
{
	uint32_t n = rl_tx_room(to, max);

	return n ? rl_rx_peek(from, n, idx_rx) : 0;
}

/* Copy rx descriptor @ri of @from into tx slot @ti of @to (past its
 * cached producer: not yet put), keeping the @keep bits of its options. */
static inline const struct xdp_desc *rl_move_desc(const struct rl_sock *from, uint32_t ri,
						  struct rl_sock *to, uint32_t ti, uint32_t keep)
{
	const struct xdp_desc *rd = rl_rx_desc(from, ri);
	struct xdp_desc *td = xsk_ring_prod__tx_desc(&to->tx, ti);

	td->addr = rd->addr;
	td->len = rd->len;
	td->options = rd->options & keep;
	return td;
}

/* Put the @n descriptors copied past @to's cached tx producer (@pkts
 * packets, @bytes) and submit them; release them from @from's rx ring. */
static inline void rl_move_commit(struct rl_sock *from, struct rl_sock *to, uint32_t n,
				  uint32_t pkts, uint64_t bytes)
{
	to->tx.cached_prod += n;
	to->tx_queued += n;
	to->tx_queued_contd += n - pkts;
	to->tx_queued_bytes += bytes;
	rl_tx_submit(to);
	rl_rx_release_pkts(from, n, pkts, bytes);
}

/* rl_rx_to_tx() for a multi-buffer @from (rl_chain.c). */
uint32_t rl_rx_to_tx_chains(struct rl_sock *from, struct rl_sock *to, struct rl_pool *pool,
			    uint32_t max);

/*
 * Move up to @max received descriptors from @from's rx ring to @to's tx ring,
 * unchanged (same UMEM: the bytes stay where they are). Takes only as many as
 * @to's tx ring has room for, so nothing is dropped here: what does not fit
 * waits on the rx ring (and the kernel counts rx_ring_full if it fills).
 * Returns the number of descriptors taken from @from (submitted on @to, with
 * anything put on it before). The caller kicks @to with rl_tx_kick(). The
 * batched form of peek / put / submit / release for a fixed egress.
 *
 * With multi-buffer (@from->sg) it moves whole packets only: of the
 * descriptors it may take (@to's room, @max) it takes up to the end of the
 * last whole packet; a packet that does not fit waits on the rx ring. A
 * first packet longer than @max is taken whole all the same (so a small
 * batch never holds a chain back). XDP_PKT_CONTD is carried to the tx
 * descriptors. A packet of more descriptors than @to->max_chain is never
 * put on @to: its frames go back to @pool, it is counted in @to's
 * tx_chain_too_long and among the descriptors returned. Without
 * multi-buffer @pool is not used.
 */
static inline uint32_t rl_rx_to_tx(struct rl_sock *from, struct rl_sock *to, struct rl_pool *pool,
				   uint32_t max)
{
	uint32_t n, idx_rx, idx_tx, i;
	uint64_t bytes = 0;

	/* unlikely: keeps the call out of the single-descriptor path's code
	 * (measured: without the hint the loop below costs 5% more) */
	if (__builtin_expect(from->sg, 0))
		return rl_rx_to_tx_chains(from, to, pool, max);
	n = rl_move_peek(from, to, max, &idx_rx);
	if (!n)
		return 0;
	idx_tx = to->tx.cached_prod; /* room checked: n puts, in one go */
	for (i = 0; i < n; i++)
		bytes += rl_move_desc(from, idx_rx + i, to, idx_tx + i, 0)->len;
	rl_move_commit(from, to, n, n, bytes);
	return n;
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
	if (!rl_tx_pending(s))
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

#include "rl_chain.h"
#include "rl_idle.h"

#endif
