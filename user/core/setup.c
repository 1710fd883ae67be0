// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* UMEM, sockets and classifier set-up with their explanations (setup.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "out.h"
#include "setup.h"

#define XDP_PACKET_HEADROOM_ 256
#define ETH_HLEN_ 14
#define VLAN_HLEN_ 4

const char *xf_bind_mode_name(enum rl_bind_mode m)
{
	return m == RL_MODE_COPY ? "copy" : m == RL_MODE_ZEROCOPY ? "zero-copy" : "auto";
}

void xf_sock_out(struct xf_out *o, const struct rl_sock *s)
{
	xo_str(o, "bind_mode", "bind %s", s->zerocopy ? "zero-copy" : "copy");
	xo_bool(o, "need_wakeup", ", need_wakeup %s", s->need_wakeup);
	xo_bool(o, "multi_buffer", ", multi-buffer %s", s->sg);
	if (s->sg)
		xo_u64(o, "max_chain", " (up to %llu frames)", s->max_chain);
}

int xf_umem_create(struct rl_umem **out, const struct rl_umem_opts *o)
{
	int err = rl_umem_create(out, o);

	if (err == -EPERM || err == -EACCES)
		xf_err("creating the UMEM (an AF_XDP socket) needs CAP_NET_RAW (or root)");
	else if (err)
		xf_err("UMEM of %llu MiB (%llu frames of %u bytes): %s%s",
		       (unsigned long long)(o->nframes * o->frame_size >> 20),
		       (unsigned long long)o->nframes, o->frame_size, strerror(-err),
		       err == -ENOMEM || err == -ENOBUFS
			       ? " (locked-memory limit? run as root or with CAP_IPC_LOCK, or use "
				 "a smaller --ring-size or fewer --queues)"
			       : "");
	return err;
}

int xf_umem_per_queue(const struct xf_run *r, uint64_t per, uint32_t comp_size,
		      struct rl_umem **out)
{
	struct rl_umem_opts uo = {
		.nframes = per * r->o.nqueues,
		.frame_size = r->o.frame_size,
		.fill_size = r->o.ring_size * 2,
		.comp_size = comp_size,
	};

	return xf_umem_create(out, &uo);
}

void xf_umem_destroy(struct rl_umem *u)
{
	int err = u ? rl_umem_destroy(u) : 0;

	if (err)
		xf_warn("freeing the UMEM: %s", strerror(-err));
}

int xf_pool_slice(struct rl_pool *p, const struct rl_umem *u, uint32_t i, uint64_t per,
		  uint32_t queue)
{
	int err = rl_pool_init(p, (uint64_t)i * per * u->frame_size, (uint32_t)per, u->frame_size);

	if (err)
		xf_err("q%u: frame pool: %s", queue, strerror(-err));
	return err;
}

/*
 * A zero-copy multi-buffer bind refused (-EOPNOTSUPP) by a driver with
 * zero-copy: the kernel refuses it when the driver's zero-copy chain limit
 * (xdp_zc_max_segs) is 1 frame. Cites the limit the kernel's netdev family
 * gave at start (p->xdp), when it gave one.
 */
static void explain_zc_sg_refused(const struct xf_port *p, uint32_t q)
{
	char why[128] = "has no zero-copy multi-buffer";

	if (p->xdp.zc_max_segs)
		snprintf(why, sizeof(why),
			 "takes zero-copy packets of at most %u frame%s (its xdp_zc_max_segs, read "
			 "from the kernel)",
			 p->xdp.zc_max_segs, p->xdp.zc_max_segs == 1 ? "" : "s");
	xf_err("%s/q%u: zero-copy bind refused: the MTU %u needs multi-buffer frames and driver "
	       "%s %s (use --mode copy, or a frame size or MTU that needs no chains)",
	       p->name, q, p->mtu, p->driver, why);
}

static void explain_bind_error(const struct xf_port *p, uint32_t q, enum rl_bind_mode mode, int err,
			       bool sg)
{
	bool no_zc = !p->xdp_err && !(p->xdp.xdp_features & RL_XDP_ACT_XSK_ZEROCOPY);

	if (err == -EOPNOTSUPP && mode == RL_MODE_ZEROCOPY && sg && !no_zc)
		explain_zc_sg_refused(p, q);
	else if (err == -EOPNOTSUPP && mode == RL_MODE_ZEROCOPY)
		xf_err("%s/q%u: zero-copy bind refused: driver %s has no AF_XDP zero-copy "
		       "support (use --mode auto or --mode copy)",
		       p->name, q, p->driver);
	else if (err == -EINVAL && q >= p->nqueues)
		xf_err("%s/q%u: bind: %s (the interface has %u queue%s: 0-%u)", p->name, q,
		       strerror(-err), p->nqueues, p->nqueues == 1 ? "" : "s", p->nqueues - 1);
	else if (err == -EPERM)
		xf_err("%s/q%u: creating an AF_XDP socket needs CAP_NET_RAW (or root)", p->name, q);
	else if (err == -EBUSY)
		xf_err("%s/q%u: bind: queue busy (another AF_XDP socket is bound to it)", p->name,
		       q);
	else
		xf_err("%s/q%u: bind (%s mode): %s", p->name, q, xf_bind_mode_name(mode),
		       strerror(-err));
}

int xf_socket_create(const struct xf_run *r, const struct xf_port *p, struct rl_umem *u,
		     const struct xf_sock_req *q, struct rl_sock **out)
{
	struct rl_sock_opts so = {
		.ifname = p->name,
		.queue = q->queue,
		.rx_size = q->rx_size,
		.tx_size = q->tx_size,
		.mode = r->o.bind_mode,
		.need_wakeup = !r->o.no_need_wakeup,
		.xdp_skb_mode = r->o.xdp_mode == XDP_MODE_SKB,
		.sg = r->sg,
		.zc_max_segs = p->xdp_err ? 0 : p->xdp.zc_max_segs, /* read once per port */
	};
	int err = rl_sock_create(out, u, &so);

	if (err) {
		explain_bind_error(p, q->queue, r->o.bind_mode, err, r->sg);
		return err;
	}
	/* Copy-mode TX sends 32 frames per kick unless raised (kernel >= 6.17). */
	if (q->tx_size && q->tx_budget && !(*out)->zerocopy) {
		err = rl_sock_set_tx_budget(*out, q->tx_budget);
		if (err && err != -ENOPROTOOPT && err != -EINVAL)
			xf_warn("%s/q%u: tx budget %u: %s (kernel default kept)", p->name, q->queue,
				q->tx_budget, strerror(-err));
	}
	if (r->o.busy_poll_us) {
		err = rl_sock_busy_poll(*out, r->o.busy_poll_us, r->o.batch);
		if (err) {
			xf_err("%s/q%u: busy polling: %s%s", p->name, q->queue, strerror(-err),
			       err == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
			return err;
		}
	}
	return 0;
}

int xf_socket_open(const struct xf_run *r, struct xf_port *p, struct rl_umem *u,
		   const struct xf_sock_req *q, struct rl_pool *pool, struct rl_sock **out)
{
	int err = xf_socket_create(r, p, u, q, out);

	if (err)
		return err;
	rl_fill(*out, pool, (*out)->fill.size);
	return xf_port_map_socket(p, q->queue, (*out)->fd);
}

uint32_t xf_frame_room(uint32_t frame_size)
{
	return frame_size - XDP_PACKET_HEADROOM_;
}

static int refuse_mtu(const struct xf_port *p, uint32_t frame_size, const char *why)
{
	uint32_t max_mtu = xf_frame_room(frame_size) - ETH_HLEN_ - VLAN_HLEN_;

	if (frame_size < 4096)
		xf_err("%s: MTU %u does not fit %u-byte frames (at most MTU %u) and %s: use "
		       "--frame-size 4096, or lower the MTU (ip link set dev %s mtu %u)",
		       p->name, p->mtu, frame_size, max_mtu, why, p->name, max_mtu);
	else
		xf_err("%s: MTU %u does not fit %u-byte frames (at most MTU %u) and %s: lower "
		       "the MTU (ip link set dev %s mtu %u)",
		       p->name, p->mtu, frame_size, max_mtu, why, p->name, max_mtu);
	return -EMSGSIZE;
}

uint32_t xf_mtu_frames(uint32_t mtu, uint32_t frame_size)
{
	uint32_t room = xf_frame_room(frame_size);

	return (mtu + ETH_HLEN_ + VLAN_HLEN_ + room - 1) / room;
}

int xf_check_mtu(struct xf_run *r, const struct xf_port *p, bool chains_ok)
{
	uint32_t need = xf_mtu_frames(p->mtu, r->o.frame_size);
	uint32_t limit = rl_copy_max_chain();
	char why[128];
	int err;

	if (need <= 1)
		return 0;
	if (!chains_ok)
		return refuse_mtu(p, r->o.frame_size, "this mode takes no multi-buffer frames");
	err = rl_sg_probe();
	if (err == -ENOPROTOOPT)
		return refuse_mtu(p, r->o.frame_size,
				  "this kernel has no multi-buffer AF_XDP (XDP_USE_SG, Linux 6.6)");
	if (err && err != -EPERM && err != -EAFNOSUPPORT)
		return refuse_mtu(p, r->o.frame_size, strerror(-err));
	/* -EPERM, -EAFNOSUPPORT: the UMEM's creation says it, in its words */
	if (need > limit) {
		snprintf(why, sizeof(why),
			 "a packet would take %u frames, more than the kernel's %u (MAX_SKB_FRAGS "
			 "+ 1)",
			 need, limit);
		return refuse_mtu(p, r->o.frame_size, why);
	}
	r->sg = true;
	if (need > r->chain_need)
		r->chain_need = need;
	return 0;
}

int xf_run_attach(struct xf_run *r, const struct xf_classifier *c)
{
	uint32_t k;
	int err;

	for (k = 0; k < r->nports; k++) {
		struct xf_port *p = &r->port[k];

		err = xf_port_attach(p, c, r->max_queue, r->o.xdp_mode);
		if (err)
			return err;
		if (p->replaced_stale)
			xf_info("%s: replaced the classifier left by a killed xskfwd", p->name);
	}
	return 0;
}
