// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The idle policy's slow path (design in rl_idle.h) and the socket error
 * check. Only system calls and ring predicates: no libxdp function.
 */
#include <string.h>
#include <time.h>

#include "rl_priv.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int rl_sock_error(const struct rl_sock *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -errno;
	return -err;
}

__attribute__((cold)) int rl_idle_init(struct rl_idle *id, const struct rl_idle_opts *o)
{
	uint32_t rounds = o->spin_rounds ? o->spin_rounds : RL_IDLE_SPIN_ROUNDS;

	if (rounds & (rounds - 1))
		return -EINVAL;
	memset(id, 0, sizeof(*id));
	id->round_mask = rounds - 1;
	id->busy = o->busy;
	id->spin_ns = o->spin_ns;
	id->max_sleep_ns = o->max_sleep_ns ? o->max_sleep_ns : RL_IDLE_MAX_SLEEP_NS;
	id->sleeps = o->sleeps;
	id->err_index = -1;
	return 0;
}

__attribute__((cold)) int rl_idle_add(struct rl_idle *id, struct rl_sock *s, unsigned int flags)
{
	uint32_t i = id->nsocks;

	if (i == RL_IDLE_MAX_SOCKS)
		return -ENOSPC;
	if (((flags & RL_IDLE_RX) && !s->rx.ring) ||
	    ((flags & (RL_IDLE_TX_ROOM | RL_IDLE_TX_FLUSH)) && !s->tx.ring))
		return -EINVAL;
	id->socks[i] = s;
	id->flags[i] = flags;
	id->pfd[i].fd = s->fd;
	id->pfd[i].events = (short)(((flags & RL_IDLE_RX) ? POLLIN : 0) |
				    ((flags & RL_IDLE_TX_ROOM) ? POLLOUT : 0));
	id->nsocks++;
	return 0;
}

int rl_idle_check(struct rl_idle *id)
{
	uint32_t i;
	int err;

	for (i = 0; i < id->nsocks; i++) {
		err = rl_sock_error(id->socks[i]);
		if (err) {
			id->err_index = (int)i;
			return err;
		}
	}
	return 0;
}

static int busy_round(struct rl_idle *id)
{
	uint32_t i;

	for (i = 0; i < id->nsocks; i++)
		if (id->flags[i] & RL_IDLE_RX)
			rl_rx_kick(id->socks[i]);
	/* It never sleeps: look for a vanished device now and then. */
	if (id->rounds & (RL_IDLE_BUSY_CHECK - 1))
		return 0;
	return rl_idle_check(id);
}

int __rl_idle_wait(struct rl_idle *id, uint64_t wake_ns)
{
	uint64_t now, ns;
	struct timespec ts;
	uint32_t i;
	int events;

	if (id->busy)
		return busy_round(id);
	for (i = 0; i < id->nsocks; i++)
		if ((id->flags[i] & RL_IDLE_TX_FLUSH) && rl_tx_pending(id->socks[i]))
			return 0;
	now = now_ns();
	if (!id->since)
		id->since = now;
	if (now - id->since < id->spin_ns)
		return 0;
	ns = id->max_sleep_ns;
	if (wake_ns) {
		if (wake_ns <= now)
			return 0; /* the caller's own work is due */
		if (wake_ns - now < ns)
			ns = wake_ns - now;
	}
	ts.tv_sec = (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	if (id->sleeps)
		rl_stat_add(*id->sleeps, 1);
	events = ppoll(id->pfd, id->nsocks, &ts, NULL);
	id->rounds = 0;
	/* Woken by an event: spin again after it. Timed out: keep "since", so
	 * the next sleep follows the next spin_rounds rounds at once. */
	if (events)
		id->since = 0;
	return rl_idle_check(id);
}
