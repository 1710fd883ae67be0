/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Set-up steps every AF_XDP mode takes, each with the one-line explanation
 * of its common failures (locked memory, zero-copy refused, a queue that does
 * not exist, a busy queue, an MTU the frames cannot hold): the UMEM, a
 * socket on (port, queue) with the shared options applied, the classifier
 * attached to every port. Each returns 0 or -errno after printing its line.
 */
#ifndef XF_SETUP_H
#define XF_SETUP_H

#include "rl.h"
#include "run.h"

/* Map and register a UMEM. */
int xf_umem_create(struct rl_umem **out, const struct rl_umem_opts *o);
/*
 * The UMEM of a mode with one poller per queue in use: @per frames each, of
 * --frame-size bytes; fill rings of twice --ring-size, completion rings of
 * @comp_size entries (the kernel wants one even for a socket that never sends).
 */
int xf_umem_per_queue(const struct xf_run *r, uint64_t per, uint32_t comp_size,
		      struct rl_umem **out);
/* Free it (NULL: nothing), with a warning if a socket still uses it. */
void xf_umem_destroy(struct rl_umem *u);

/* @p: the @i-th slice of @u's frames, @per frames, for the poller of @queue. */
int xf_pool_slice(struct rl_pool *p, const struct rl_umem *u, uint32_t i, uint64_t per,
		  uint32_t queue);

struct xf_sock_req {
	uint32_t queue;
	uint32_t rx_size, tx_size; /* 0: no ring of that kind */
	uint32_t tx_budget;	   /* copy mode: frames per sendto; 0: the kernel's */
};

/*
 * A socket on @p, queue q->queue, on @u, bound as --mode, --no-need-wakeup,
 * --xdp-mode and --busy-poll say, with multi-buffer when r->sg.
 */
int xf_socket_create(const struct xf_run *r, const struct xf_port *p, struct rl_umem *u,
		     const struct xf_sock_req *q, struct rl_sock **out);

/*
 * A receiving socket made ready for the classifier: created as above, its
 * fill ring primed from @pool, then entered into @p's socket map, so the
 * classifier can send it frames only once it has buffers for them.
 */
int xf_socket_open(const struct xf_run *r, struct xf_port *p, struct rl_umem *u,
		   const struct xf_sock_req *q, struct rl_pool *pool, struct rl_sock **out);

/*
 * The largest frame @p receives (MTU + Ethernet + one VLAN tag) must fit
 * --frame-size UMEM frames after the kernel's 256 bytes of headroom: in one
 * frame, or, when @chains_ok (the mode handles multi-buffer packets) and the
 * kernel has multi-buffer AF_XDP (6.6), in a chain of at most MAX_SKB_FRAGS + 1
 * frames. A chain turns r->sg on (every socket of the run is then bound with
 * XDP_USE_SG) and raises r->chain_need to the frames it takes. -EMSGSIZE
 * otherwise, after a line saying what to change.
 */
int xf_check_mtu(struct xf_run *r, const struct xf_port *p, bool chains_ok);

const char *xf_bind_mode_name(enum rl_bind_mode m);

/*
 * Bytes of a packet one --frame-size UMEM frame holds: what the kernel
 * leaves after its 256 bytes of headroom. A mode that builds its own frames
 * (gen) cuts them at the same size, so one rule says what takes a chain.
 */
uint32_t xf_frame_room(uint32_t frame_size);

/* UMEM frames of @frame_size bytes the largest frame of an @mtu takes
 * (MTU + Ethernet + one VLAN tag): 1, or the length of its chain. */
uint32_t xf_mtu_frames(uint32_t mtu, uint32_t frame_size);

struct xf_out;
/*
 * A socket in a start record, the same in every mode: "bind copy,
 * need_wakeup on, multi-buffer on (up to 18 frames)" (keys bind_mode,
 * need_wakeup, multi_buffer, and max_chain when multi-buffer is on).
 */
void xf_sock_out(struct xf_out *o, const struct rl_sock *s);

/*
 * Attach the classifier @c to every port of @r, sized for the queues in
 * use, replacing a classifier a killed run left behind.
 */
int xf_run_attach(struct xf_run *r, const struct xf_classifier *c);

#endif
