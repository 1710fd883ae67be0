// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The forward poller loop (design in fwd_poller.h). */
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>

#include "fwd_poller.h"
#include "run.h"

#define BUSY_ERROR_CHECK (1u << 16) /* busy-poll iterations between error checks */
#define IDLE_CHECK 16		    /* idle iterations between two looks at the clock */
#define IDLE_POLL_MS 100

static uint32_t service(struct fwd_poller *fp, struct rl_sock *s)
{
	uint32_t n = rl_complete(s, &fp->pool, s->comp.size);

	rl_fill(s, &fp->pool, s->fill.size);
	return n;
}

static bool fail(struct fwd_poller *fp, int err, int port)
{
	xf_thread_fail(&fp->th, err, fp->sock[port]->ifname, (int)fp->queue, NULL);
	return true;
}

static bool tx_pending(const struct rl_sock *s)
{
	return s->tx.cached_prod != __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);
}

/* A socket error (its device unregistered) ends the poller; true then. */
static bool went_away(struct fwd_poller *fp)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		err = rl_sock_error(fp->sock[i]);
		if (err && fail(fp, err, i))
			return true;
	}
	return false;
}

void *fwd_poller_run(void *arg)
{
	struct fwd_poller *fp = arg;
	struct rl_sock *a = fp->sock[0], *b = fp->sock[1];
	struct pollfd pfd[2] = { { .fd = a->fd, .events = POLLIN },
				 { .fd = b->fd, .events = POLLIN } };
	uint64_t idle_since = 0;
	uint32_t idle = 0, work;
	int err, i;

	while (!atomic_load_explicit(fp->stop, memory_order_relaxed)) {
		work = service(fp, a) + service(fp, b);
		work += rl_rx_to_tx(a, b, fp->batch);
		work += rl_rx_to_tx(b, a, fp->batch);
		for (i = 0; i < 2; i++) {
			err = rl_tx_kick(fp->sock[i]);
			if (err && fail(fp, err, i))
				return NULL;
			rl_fill_kick(fp->sock[i]);
		}
		if (work) {
			idle = 0;
			continue;
		}
		if (fp->busy_poll) {
			rl_rx_kick(a);
			rl_rx_kick(b);
			/* It never sleeps: look for a vanished device now and then. */
			if (!(++idle % BUSY_ERROR_CHECK) && went_away(fp))
				return NULL;
			continue;
		}
		if (++idle % IDLE_CHECK || tx_pending(a) || tx_pending(b))
			continue;
		if (idle == IDLE_CHECK)
			idle_since = xf_now_ns();
		if (xf_now_ns() - idle_since < fp->spin_ns)
			continue;
		rl_stat_add(fp->idle_sleeps, 1);
		poll(pfd, 2, IDLE_POLL_MS);
		if (went_away(fp))
			return NULL;
		idle = 0;
	}
	return NULL;
}
