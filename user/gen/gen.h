/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xskfwd gen: the generator's threads, shared by gen.c (options, set-up,
 * reporting) and the two engines.
 *
 *   xsk   (gen_xsk.c)  AF_XDP TX: one thread per queue, each with its own
 *                      socket and its own slice of one UMEM, every frame
 *                      pre-filled with the template (gen_umem.c). Per packet
 *                      only the varying fields are stamped (gen_frame.h);
 *                      descriptors go on the tx ring in batches, kicked with
 *                      sendto(), and come back through the completion ring.
 *                      A frame larger than a UMEM frame's room goes as a
 *                      chain of nseg descriptors (multi-buffer), so
 *                      sent = completed descriptors / nseg - packets the
 *                      driver dropped (EBUSY, one per dropped packet).
 *   live  (gen_live.c) BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: one
 *                      thread per CPU, each running the XDP program of
 *                      bpf/xskfwd_gen.bpf.c on the template in chunks of
 *                      `repeat` frames; the program stamps each frame and
 *                      returns XDP_TX. sent = the program's per-CPU counter.
 *
 * Each thread is one stream of the payload (xsk: the thread's index; live:
 * its CPU, which is what the program can see). A thread is told how many
 * frames to send (quota, UINT64_MAX = until stopped) and at what rate; it checks
 * *stop every batch or chunk, never blocks for more than 10 ms, never
 * prints: it counts, and on an error it records it (xf_thread_fail).
 */
#ifndef XF_GEN_H
#define XF_GEN_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gen_frame.h"
#include "rl.h"
#include "run.h"

/* Longest a generator thread waits (sleep, poll) before it looks at *stop. */
#define XF_GEN_MAX_WAIT_NS (10 * 1000 * 1000L)

struct gen_thread {
	/* set up before the thread starts */
	struct xf_thread th; /* cpu, fn, arg; started, pinned and joined by the lifecycle */
	const char *ifname;
	uint32_t queue;	 /* xsk */
	uint16_t stream; /* xsk: the stream id it stamps; live: the program uses the CPU */
	uint64_t quota;	 /* frames to send; UINT64_MAX: until *stop */
	double rate;	 /* packets/s, 0: as fast as possible */
	uint32_t batch;
	const struct xf_gen_tmpl *tmpl;
	const atomic_bool *stop;
	/* xsk: the slice is nseg pools of equal size, one after the other:
	 * pool k holds the frames that are the k-th of a chain, pre-filled
	 * with that piece of the template (gen_umem.c) */
	struct rl_sock *sock;
	struct rl_pool *pools;
	uint32_t nseg; /* UMEM frames per packet: 1, or a chain */
	uint32_t room; /* packet bytes per UMEM frame (xf_frame_room) */
	uint64_t span; /* bytes of UMEM per pool */
	uint8_t *umem_area;
	/* live */
	int prog_fd;
	int counts_fd; /* the per-CPU frame counter */
	int ncpus;     /* possible CPUs: values in it */
	int ifindex;
	uint32_t chunk; /* largest repeat per run */
	/* run state */
	char what[48]; /* live: "cpu N: what failed" */
	/* written by the thread, read by the reporter (rl_stat_read) */
	uint64_t runs __attribute__((aligned(RL_CACHELINE))); /* live: test runs */
	uint64_t idle_sleeps; /* waits for the ring or for the next paced packet */
	uint64_t unsent;      /* xsk: still on the tx ring or in flight at exit */
	uint64_t end_ns;      /* when it finished (CLOCK_MONOTONIC), set before done */
	bool done;	      /* finished its quota (or stopped) */
};

void *gen_xsk_run(void *arg);

/* The xsk engine's frames (gen_umem.c); pure ring and memory work, unit-tested. */
/* Write each pool's piece of the template into every frame of that pool. */
void gen_umem_fill(const struct gen_thread *g);
/* How many packets (at most @want) may be put now: tx ring room for all
 * their descriptors, and a free frame in every pool for each. */
uint32_t gen_umem_room(struct gen_thread *g, uint32_t want);
/*
 * Put @n packets (n <= gen_umem_room()) on the tx ring, each stamped with
 * the next sequence number (*@seq, advanced) and @now, and submit them: a
 * chain's descriptors are put with rl_tx_put_contd but the last, after the
 * one room check, and the submit comes after whole packets only.
 */
void gen_umem_put(struct gen_thread *g, uint64_t *seq, uint32_t n, uint64_t now);
/* Completed frames back to their pools; returns how many. */
static inline uint32_t gen_umem_complete(struct gen_thread *g, uint32_t max)
{
	return rl_complete_pools(g->sock, g->pools, g->nseg, g->span, max);
}
void *gen_live_run(void *arg);

/* The live engine's BPF side (gen_live.c). Functions return 0 or -errno. */
struct gen_live;
/* Load bpf/xskfwd_gen.bpf.c set up for template @t (not attached anywhere). */
int gen_live_open(struct gen_live **out, const struct xf_gen_tmpl *t);
void gen_live_close(struct gen_live *l);
int gen_live_prog_fd(const struct gen_live *l);
int gen_live_ncpus(const struct gen_live *l);
/* Frames sent so far per CPU (the stream of that CPU): gen_live_ncpus() values. */
int gen_live_counts(const struct gen_live *l, uint64_t *per_cpu);
int gen_live_counts_fd(const struct gen_live *l);
/*
 * Whether the kernel runs live frames of @t: 0 yes, -EOPNOTSUPP no live
 * frames at all, -EMSGSIZE not of @t's length (see gen_live_max_size), or
 * -errno.
 */
int gen_live_probe(const struct gen_live *l, const struct xf_gen_tmpl *t, int ifindex);
/*
 * The longest frame the live engine sends. The kernel runs each live frame
 * in one page and refuses a longer one with EINVAL ("disallow live data
 * mode for jumbo frames", net/bpf/test_run.c): the page less
 * XDP_PACKET_HEADROOM (256), its struct xdp_page_head (112) and the
 * skb_shared_info tailroom (320). With 4 KiB pages 3408 bytes, found by
 * trying every length on 6.18 x86-64 (3408 runs, 3409 is refused); the two
 * structures' sizes are that kernel's.
 */
#define XF_GEN_LIVE_PAGE_OVERHEAD 688
uint32_t gen_live_max_size(void);

/*
 * Stopping a live thread: a run can last seconds, so after setting *stop
 * the main thread calls gen_live_interrupt() on each thread until it is
 * done; the signal ends the thread's current run with EINTR.
 * gen_live_interrupt_setup() installs the (empty) handler, once.
 */
#define XF_GEN_LIVE_SIG SIGUSR1
int gen_live_interrupt_setup(void);
void gen_live_interrupt(struct gen_thread *g);
/* Frames per run: unpaced at most; paced up to this rate, one. */
#define XF_GEN_LIVE_MAX_CHUNK (1u << 24)
#define XF_GEN_LIVE_SMOOTH_PPS 20000

/* NETDEV_XDP_ACT_* flags of a device; -EOPNOTSUPP before kernel 6.3. */
int xf_xdp_features(int ifindex, uint64_t *features);
#define XF_XDP_ACT_NDO_XMIT (1u << 2) /* NETDEV_XDP_ACT_NDO_XMIT: takes redirected frames */

/* Sleep until @until_ns (CLOCK_MONOTONIC), at most XF_GEN_MAX_WAIT_NS. */
void xf_sleep_until(uint64_t until_ns);

#endif
