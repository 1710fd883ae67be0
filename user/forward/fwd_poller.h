/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The forward poller: one thread per queue number q, pinned to one CPU,
 * cross-connecting the sockets (A,q) and (B,q). Both sockets share the UMEM;
 * the poller owns a disjoint slice of it (its rl_pool), and every frame it
 * puts on a fill or tx ring comes back through one of its two sockets, so
 * no frame ever crosses threads and nothing is locked.
 *
 * One loop iteration, never blocking while there is work:
 *   completions of A and B -> pool; pool -> fill rings of A and B;
 *   rx(A) -> tx(B) and rx(B) -> tx(A), at most --batch each, never more
 *   than the tx ring has room for (no drops in user space); kick each tx
 *   ring that holds unsent descriptors (a partial batch leaves at once).
 * Idle, it follows ringlib's one idle policy (rl_idle.h): after spin_ns
 * (--spin-us) without work and with nothing left to send it sleeps in
 * poll() on both sockets (bounded, so a stop request is seen), then reads
 * both sockets' errors. Spinning longer keeps throughput (a sleeping poller
 * pays a cross-CPU wake-up for the next frame) at the price of the CPU: a
 * poller that shares its CPU with other work wants a short spin.
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

struct fwd_poller {
	struct rl_sock *sock[2]; /* port A, port B on this queue */
	struct rl_pool pool;
	uint32_t queue;
	uint32_t batch;
	bool busy_poll;	  /* drive NAPI from this thread; never sleep */
	uint64_t spin_ns; /* keep polling empty rings this long before sleeping */
	const atomic_bool *stop;
	struct xf_thread th; /* started, pinned and joined by the lifecycle */
	/* written by the poller, read by the stats side */
	uint64_t idle_sleeps __attribute__((aligned(RL_CACHELINE)));
};

/* Thread entry point: runs until *stop, or an error (xf_thread_fail). */
void *fwd_poller_run(void *arg);

#endif
