/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The sink poller: one thread per queue, pinned to one CPU, draining the
 * rx ring of one receive-only AF_XDP socket (no tx ring).
 *
 * Frames: the poller owns a slice of the UMEM (its rl_pool) large enough to
 * fill its fill ring and rx ring at once. A received frame is read in place,
 * put back into the pool and so, in the same iteration, on the fill ring:
 * nothing is copied and nothing crosses threads.
 *
 * One loop iteration: peek up to --batch descriptors, in whole packets (a
 * packet is a chain of descriptors with multi-buffer: rl_chain.h); read
 * CLOCK_MONOTONIC once for the batch; parse each packet (gen_payload.c,
 * across its chain: sink_rx.c); ours go to their stream's tracker
 * (seq_track.c) and, when timestamped, the latency histogram (lat_hist.c);
 * the rest are counted as other, by reason. Then release the rx entries
 * and give as many frames back to the fill ring.
 * Idle, it follows ringlib's one idle policy (rl_idle.h): when the ring
 * stays empty for SPIN_ROUNDS iterations, and then for spin_ns (--spin-us,
 * default 0), it sleeps in poll() for at most 100 ms, so a stop request is
 * seen within that time, and then reads its socket's error: when its
 * interface goes away it stops, with the error recorded and *failed set.
 * Sleeping at once is the
 * default because on a small machine the sink shares CPUs with the
 * generator and the forwarder: measured on the 2-vCPU rig, a forwarder
 * sharing its CPU with a sink that spun for 1 ms before sleeping passed
 * 0.19-0.36 Mpps, and 0.40-0.51 Mpps next to one that slept at once. With
 * a CPU of its own, spinning saves the wake-ups. When asked to stop it
 * drains what is already on its rx ring, once, and returns.
 *
 * A poller that is preempted (other work on its CPU) for longer than its
 * rx ring lasts loses frames: the kernel counts them as rx_ring_full, the
 * sink's summary warns, and a larger --ring-size or a CPU of its own helps.
 *
 * Counters are written by the poller only: the trackers and the counters
 * below with relaxed atomic stores (read live by the report thread); the
 * histogram with plain stores (read only after the poller is joined).
 */
#ifndef XF_SINK_POLLER_H
#define XF_SINK_POLLER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "gen_payload.h"
#include "lat_hist.h"
#include "rl.h"
#include "run.h"
#include "seq_track.h"

struct sink_counters {
	uint64_t ours;			  /* packets carrying our payload */
	uint64_t ours_bytes;		  /* their bytes (all their descriptors') */
	uint64_t other[XF_GEN_NVERDICTS]; /* not ours, by reason ([0] unused) */
	uint64_t untimed;		  /* ours without a usable tx_ns */
	uint64_t idle_sleeps;
} __attribute__((aligned(RL_CACHELINE)));

struct sink_poller {
	struct rl_sock *sock;
	struct rl_pool pool;
	void *area; /* the UMEM area: frame data at area + descriptor addr */
	uint32_t queue;
	uint32_t batch;
	uint64_t spin_ns; /* keep polling an empty ring this long before sleeping */
	const atomic_bool *stop;
	struct xf_thread th;	 /* started, pinned and joined by the lifecycle */
	struct xf_seq *streams;	 /* XF_GEN_MAX_STREAMS trackers */
	uint64_t *stream_bits;	 /* their bitmaps, XF_SEQ_WORDS words each */
	struct xf_hist *latency; /* ns */
	struct sink_counters c;
};

/*
 * Allocate the trackers and the histogram (the bitmaps are 2 MiB of
 * zero pages, made resident only for the streams that show up).
 * Returns 0 or -ENOMEM.
 */
int sink_poller_init(struct sink_poller *sp);
void sink_poller_fini(struct sink_poller *sp);

/*
 * Account for the @n descriptors (whole packets) peeked at rx ring index
 * @idx, received at @now (CLOCK_MONOTONIC ns), give their frames back to the
 * pool and release them (sink_rx.c).
 */
void sink_rx_batch(struct sink_poller *sp, uint32_t idx, uint32_t n, uint64_t now);

/* Thread entry point: runs until *stop, or an error (xf_thread_fail). */
void *sink_poller_run(void *arg);

#endif
