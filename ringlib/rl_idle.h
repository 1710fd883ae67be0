/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one idle policy of every poller (included by rl.h).
 *
 * A poller calls rl_idle_reset() after a loop iteration that did work and
 * rl_idle_wait() after one that did none. Idle, it
 *   1. spins: keeps polling its rings for spin_rounds empty rounds and at
 *      least spin_ns (the clock is read once every spin_rounds rounds);
 *   2. does not sleep while a RL_IDLE_TX_FLUSH socket's tx ring holds
 *      descriptors the kernel has not consumed (copy mode sends them only
 *      when kicked, so the caller's loop must go on kicking);
 *   3. sleeps in ppoll() on its sockets (RL_IDLE_RX: frames arrived,
 *      RL_IDLE_TX_ROOM: tx room) for at most max_sleep_ns (100 ms by
 *      default, so a stop request is seen within that time) and at most
 *      until the caller's wake time (a timer of its own);
 *   4. after every sleep reads every socket's pending error (rl_sock_error):
 *      a device that is unregistered unbinds the socket and sets ENETDOWN,
 *      but poll() reports nothing, so this is how every mode notices a
 *      vanished interface, the same way.
 * A sleep that ended without an event is followed by the next sleep without
 * spinning again (an idle poller costs one wake-up per max_sleep_ns).
 *
 * Busy-poll variant (busy): it never sleeps; every idle round runs the
 * NAPI of each RL_IDLE_RX socket from this thread (rl_rx_kick), and every
 * 2^16 idle rounds it reads the socket errors.
 *
 * Spinning keeps latency and throughput (a sleeping poller pays a
 * cross-CPU wake-up for the next frame) at the price of a CPU. That is why
 * the spin is an option of each mode (--spin-us) with a default of its own:
 * forward and serve (200 us) own their CPUs; the sink (0) usually shares one
 * with a generator or forwarder on a small machine; the generator waits
 * only for ring room, which comes back quickly (256 rounds, then sleeps of
 * at most 1 ms).
 *
 * One object per poller thread; it is not shared.
 */
#ifndef RL_IDLE_H
#define RL_IDLE_H

#include <poll.h>

#include "rl.h"

#define RL_IDLE_MAX_SOCKS 32			    /* sockets one poller watches (one per port) */
#define RL_IDLE_SPIN_ROUNDS 16			    /* default spin_rounds */
#define RL_IDLE_MAX_SLEEP_NS (100 * 1000 * 1000ull) /* default max_sleep_ns */

/* What a socket means to the idle policy (rl_idle_add). */
enum rl_idle_flags {
	RL_IDLE_RX = 1 << 0,	   /* wake when frames arrive; busy: kick its NAPI */
	RL_IDLE_TX_ROOM = 1 << 1,  /* wake when its tx ring has room */
	RL_IDLE_TX_FLUSH = 1 << 2, /* never sleep while its tx ring is not consumed */
};

struct rl_idle_opts {
	uint64_t spin_ns;      /* spin at least this long before sleeping */
	uint32_t spin_rounds;  /* ... and this many rounds; a power of two, 0: 16 */
	uint64_t max_sleep_ns; /* longest sleep; 0: RL_IDLE_MAX_SLEEP_NS */
	bool busy;	       /* busy poll: never sleep */
	uint64_t *sleeps;      /* the caller's counter of sleeps (rl_stat_add), or NULL */
};

struct rl_idle {
	/* hot: every idle round */
	uint32_t rounds;     /* empty rounds since the last work or sleep */
	uint32_t round_mask; /* spin_rounds - 1 */
	bool busy;
	uint64_t since; /* when the spin started (CLOCK_MONOTONIC ns), 0: not yet */
	/* set up once */
	uint64_t spin_ns;
	uint64_t max_sleep_ns;
	uint64_t *sleeps;
	uint32_t nsocks;
	int err_index; /* after a socket error: its index, in rl_idle_add() order */
	struct rl_sock *socks[RL_IDLE_MAX_SOCKS];
	unsigned int flags[RL_IDLE_MAX_SOCKS];
	struct pollfd pfd[RL_IDLE_MAX_SOCKS];
};

/* Set up @id from @o, with no sockets. Returns 0, or -EINVAL when
 * o->spin_rounds is not a power of two. */
int rl_idle_init(struct rl_idle *id, const struct rl_idle_opts *o);

/*
 * Let @id watch @s with @flags (enum rl_idle_flags; 0: errors only).
 * Returns 0, -ENOSPC past RL_IDLE_MAX_SOCKS sockets, or -EINVAL for a flag
 * that needs a ring @s does not have.
 */
int rl_idle_add(struct rl_idle *id, struct rl_sock *s, unsigned int flags);

/*
 * Read every watched socket's pending error. Returns 0, or the first -errno
 * found (its socket's index in id->err_index).
 */
int rl_idle_check(struct rl_idle *id);

/* The slow half of rl_idle_wait(); call that instead. */
int __rl_idle_wait(struct rl_idle *id, uint64_t wake_ns);

/* The loop iteration did work: start spinning afresh. */
static inline void rl_idle_reset(struct rl_idle *id)
{
	id->rounds = 0;
	id->since = 0;
}

/*
 * The loop iteration did no work: spin, sleep or (busy) kick, as the policy
 * above says. @wake_ns (CLOCK_MONOTONIC ns, 0: none) is when the caller has
 * work of its own due; no sleep lasts past it and none starts once it has
 * passed. Returns 0 (loop again), or a socket's error as -errno (its index
 * in id->err_index): the caller stops.
 */
static inline int rl_idle_wait(struct rl_idle *id, uint64_t wake_ns)
{
	if ((++id->rounds & id->round_mask) && !id->busy)
		return 0;
	return __rl_idle_wait(id, wake_ns);
}

#endif
