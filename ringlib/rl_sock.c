// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * AF_XDP socket set-up, mode read-back and statistics (cold path).
 *
 * Sockets are created with XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD: the caller
 * loads its own XDP program and puts the socket's fd into its XSKMAP; libxdp
 * must not load its default program over ours.
 *
 * Multi-buffer (rl_sock_opts.sg): the kernel takes XDP_USE_SG from the
 * UMEM's first socket only (libxdp binds the others with XDP_SHARED_UMEM,
 * which may carry no other flag, and the kernel gives them the UMEM's
 * choice). A kernel before 6.6 answers a bind with the flag with EINVAL,
 * which also means "no such queue"; so the first socket asks the kernel
 * first (rl_sg_probe) and a kernel without it is -ENOPROTOOPT. The chain
 * limit of a socket (max_chain) is what its kernel path can send:
 *   copy mode: MAX_SKB_FRAGS + 1 (the first buffer is the skb's linear part,
 *     the rest its frags; xsk_build_skb refuses more). The sysctl
 *     net.core.max_skb_frags is MAX_SKB_FRAGS unless lowered, which only
 *     makes us stricter; without it (it exists only in the initial
 *     network namespace), the kernel's default 17.
 *   zero-copy: the driver's xdp_zc_max_segs (NETDEV_A_DEV_XDP_ZC_MAX_SEGS),
 *     the limit the kernel checks each zero-copy tx packet against. libbpf
 *     reads it in bpf_xdp_query() from 1.3 on; Debian 12's libbpf 1.1.2
 *     cannot, so rl_netdev_xdp_info() asks the "netdev" netlink family
 *     (rl_netdev.c); a caller that read it already (once per port) passes
 *     it in rl_sock_opts.zc_max_segs, and the socket does not ask again. The kernel refuses a zero-copy XDP_USE_SG bind when it
 *     is 1 (auto mode then falls back to copy), so a zero-copy multi-buffer
 *     socket has a limit above 1. When it cannot be read (no netdev family,
 *     or not reported) we take 1: no chains sent in zero-copy mode (each is
 *     dropped and counted, never sent half).
 * Either way never more than the tx ring holds.
 */
#include <linux/if_xdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rl_netdev.h"
#include "rl_priv.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9 /* uapi linux/if_xdp.h, kernel 6.17 */
#endif

#define MAX_SKB_FRAGS_DEFAULT 17 /* CONFIG_MAX_SKB_FRAGS's default */
#define MAX_SKB_FRAGS_FILE "/proc/sys/net/core/max_skb_frags"

#define BIND_RETRIES 20
#define BIND_RETRY_NS (50 * 1000 * 1000L)

static __u16 bind_flags(const struct rl_sock_opts *o)
{
	__u16 f = 0;

	if (o->mode == RL_MODE_COPY)
		f |= XDP_COPY;
	else if (o->mode == RL_MODE_ZEROCOPY)
		f |= XDP_ZEROCOPY;
	if (o->need_wakeup)
		f |= XDP_USE_NEED_WAKEUP;
	if (o->sg)
		f |= XDP_USE_SG;
	return f;
}

int rl_sg_probe(void)
{
	struct sockaddr_xdp a = { .sxdp_family = AF_XDP, .sxdp_flags = XDP_USE_SG };
	int fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	/* ifindex 0: the flags are checked before the device is looked up */
	err = bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	close(fd);
	return err == EINVAL ? -ENOPROTOOPT : 0;
}

uint32_t rl_copy_max_chain(void)
{
	unsigned int frags = MAX_SKB_FRAGS_DEFAULT;
	FILE *f = fopen(MAX_SKB_FRAGS_FILE, "re");

	if (f) {
		if (fscanf(f, "%u", &frags) != 1)
			frags = MAX_SKB_FRAGS_DEFAULT;
		fclose(f);
	}
	return frags + 1;
}

/* The most descriptors one packet sent on @s may have (see the top). */
static uint32_t max_chain(const struct rl_sock *s, const struct rl_sock_opts *o)
{
	struct rl_netdev_xdp info;
	uint32_t n;

	if (!s->sg)
		return 1;
	if (s->zerocopy && o->zc_max_segs)
		n = o->zc_max_segs;
	else if (s->zerocopy)
		n = rl_netdev_xdp_info((int)if_nametoindex(s->ifname), &info) || !info.zc_max_segs
			    ? 1
			    : info.zc_max_segs;
	else
		n = rl_copy_max_chain();
	return o->tx_size && o->tx_size < n ? o->tx_size : n;
}

static int read_zerocopy(int fd, bool *zc)
{
	struct xdp_options opts = {};
	socklen_t len = sizeof(opts);

	if (getsockopt(fd, SOL_XDP, XDP_OPTIONS, &opts, &len))
		return -errno;
	*zc = opts.flags & XDP_OPTIONS_ZEROCOPY;
	return 0;
}

int rl_sock_create(struct rl_sock **out, struct rl_umem *u, const struct rl_sock_opts *o)
{
	struct xsk_socket_config cfg = {
		.rx_size = o->rx_size,
		.tx_size = o->tx_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags(o),
	};
	struct timespec pause = { 0, BIND_RETRY_NS };
	struct rl_sock *s;
	int err, tries;

	if (strlen(o->ifname) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	if (o->sg && !u->nsocks) {
		err = rl_sg_probe();
		if (err)
			return err;
	}
	s = aligned_alloc(RL_CACHELINE, sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	strcpy(s->ifname, o->ifname);
	s->queue = o->queue;
	s->umem = u;

	/*
	 * The first socket is the UMEM's own fd and takes over the rings made
	 * with it (libxdp copies them into s->fill/s->comp). EBUSY: the queue
	 * still has a closing socket's pool; the kernel releases it shortly.
	 */
	for (tries = 0;; tries++) {
		err = xsk_socket__create_shared(
			&s->xsk, o->ifname, o->queue, u->umem, o->rx_size ? &s->rx : NULL,
			o->tx_size ? &s->tx : NULL, &s->fill, &s->comp, &cfg);
		if (err != -EBUSY || tries == BIND_RETRIES)
			break;
		nanosleep(&pause, NULL);
		if (!u->nsocks) {
			err = rl_umem_reregister(u);
			if (err)
				break;
		}
	}
	if (err)
		goto err_free;
	s->fd = xsk_socket__fd(s->xsk);
	err = read_zerocopy(s->fd, &s->zerocopy);
	if (err)
		goto err_delete;
	/* The kernel gives every socket on the UMEM the first one's flags. */
	if (!u->nsocks) {
		u->need_wakeup = o->need_wakeup;
		u->sg = o->sg;
	}
	s->need_wakeup = u->need_wakeup;
	s->sg = u->sg;
	s->max_chain = max_chain(s, o);
	u->nsocks++;
	*out = s;
	return 0;

err_delete:
	xsk_socket__delete(s->xsk);
err_free:
	free(s);
	return err;
}

void rl_sock_destroy(struct rl_sock *s)
{
	if (!s)
		return;
	xsk_socket__delete(s->xsk);
	s->umem->nsocks--;
	free(s);
}

int rl_sock_xdp_stats(const struct rl_sock *s, struct rl_xdp_stats *st)
{
	struct xdp_statistics k = {};
	socklen_t len = sizeof(k);

	if (getsockopt(s->fd, SOL_XDP, XDP_STATISTICS, &k, &len))
		return -errno;
	/* Older kernels return only the first three fields: the rest stay 0. */
	memset(st, 0, sizeof(*st));
	st->rx_dropped = k.rx_dropped;
	st->rx_invalid_descs = k.rx_invalid_descs;
	st->tx_invalid_descs = k.tx_invalid_descs;
	if (len >= sizeof(k)) {
		st->rx_ring_full = k.rx_ring_full;
		st->rx_fill_ring_empty_descs = k.rx_fill_ring_empty_descs;
		st->tx_ring_empty_descs = k.tx_ring_empty_descs;
	}
	return 0;
}

int rl_sock_busy_poll(struct rl_sock *s, uint32_t usecs, uint32_t budget)
{
	int on = 1, us = (int)usecs, bud = (int)budget;

	if (setsockopt(s->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &on, sizeof(on)) ||
	    setsockopt(s->fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) ||
	    setsockopt(s->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &bud, sizeof(bud)))
		return -errno;
	return 0;
}

int rl_sock_set_tx_budget(struct rl_sock *s, uint32_t budget)
{
	unsigned int v = budget;

	if (setsockopt(s->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &v, sizeof(v)))
		return -errno;
	return 0;
}
