/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The poller of the two forwarding modes: one thread per queue number q,
 * pinned to one CPU, moving frames between the sockets (P,q) of every port
 * P. All sockets share the UMEM; the poller owns a disjoint slice of it (its
 * rl_pool), and every frame it puts on a fill or tx ring comes back through
 * one of its own sockets, so no frame ever crosses threads and nothing is
 * locked.
 *
 * Where a frame goes (the steering):
 *   FWD_CROSS (forward): two ports, rx(A) -> tx(B) and rx(B) -> tx(A), the
 *     whole batch at once (rl_rx_to_tx).
 *   FWD_ROUTE (route): N ports; the classifier has written the egress port
 *     and the new MACs in front of each frame (struct xf_route_meta, from
 *     the kernel's FIB), the poller rewrites the headers (xf_ip_forward) and
 *     puts the descriptor on the egress port's tx ring (fwd_route.c).
 *
 * One loop iteration, never blocking while there is work:
 *   completions of every socket -> pool; pool -> fill rings;
 *   rx -> tx for every port, at most --batch each, never more than the tx
 *   ring has room for (no drops in user space: a frame whose tx ring is
 *   full waits on its rx ring); kick each tx ring that holds unsent
 *   descriptors (a partial batch leaves at once).
 * Idle, it follows ringlib's one idle policy (rl_idle.h): after spin_ns
 * (--spin-us) without work and with nothing left to send it sleeps in
 * poll() on all its sockets (bounded, so a stop request is seen), then reads
 * their errors. Spinning longer keeps throughput (a sleeping poller pays a
 * cross-CPU wake-up for the next frame) at the price of the CPU: a poller
 * that shares its CPU with other work wants a short spin.
 * With busy polling it never sleeps: when an rx ring is empty it runs that
 * device's NAPI itself (rl_rx_kick), on its own CPU.
 */
#ifndef XF_FWD_POLLER_H
#define XF_FWD_POLLER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "rl.h"
#include "run.h"

enum fwd_steer {
	FWD_CROSS, /* forward: two ports, each to the other */
	FWD_ROUTE, /* route: each frame to the port its metadata names */
};

struct fwd_poller {
	struct rl_sock *sock[XF_MAX_PORTS]; /* port k on this queue */
	uint32_t nsocks;
	enum fwd_steer steer;
	struct rl_pool pool;
	uint32_t queue;
	uint32_t batch;
	bool busy_poll;	  /* drive NAPI from this thread; never sleep */
	uint64_t spin_ns; /* keep polling empty rings this long before sleeping */
	const atomic_bool *stop;
	struct xf_thread th; /* started, pinned and joined by the lifecycle */
	/* written by the poller, read by the stats side */
	uint64_t idle_sleeps __attribute__((aligned(RL_CACHELINE)));
	/* route: frames whose metadata was missing or named no port (never
	 * expected: the classifier writes it for every frame it redirects);
	 * their frames went back to the pool */
	uint64_t bad_meta;
};

/* Thread entry point: runs until *stop, or an error (xf_thread_fail). */
void *fwd_poller_run(void *arg);

/*
 * Route one batch from @in's rx ring (FWD_ROUTE): at most fp->batch
 * descriptors, each rewritten and put on its egress socket's tx ring, in
 * order, stopping at the first whose tx ring is full (it and the rest stay
 * on the rx ring, not yet rewritten). Returns the descriptors taken.
 */
uint32_t fwd_route_rx(struct fwd_poller *fp, struct rl_sock *in);

#endif
