// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The forwarding modes' poller loop (design in fwd_poller.h). */
#include "fwd_poller.h"
#include "run.h"

static uint32_t service(struct fwd_poller *fp, struct rl_sock *s)
{
	uint32_t n = rl_complete(s, &fp->pool, s->comp.size);

	rl_fill(s, &fp->pool, s->fill.size);
	return n;
}

static uint32_t steer(struct fwd_poller *fp)
{
	uint32_t k, work = 0;

	if (fp->steer == FWD_CROSS)
		return rl_rx_to_tx(fp->sock[0], fp->sock[1], &fp->pool, fp->batch) +
		       rl_rx_to_tx(fp->sock[1], fp->sock[0], &fp->pool, fp->batch);
	for (k = 0; k < fp->nsocks; k++)
		work += fwd_route_rx(fp, fp->sock[k]);
	return work;
}

static void *fail(struct fwd_poller *fp, int err, uint32_t port)
{
	xf_thread_fail(&fp->th, err, fp->sock[port]->ifname, (int)fp->queue, NULL);
	return NULL;
}

void *fwd_poller_run(void *arg)
{
	struct fwd_poller *fp = arg;
	struct rl_idle_opts io = {
		.spin_ns = fp->spin_ns,
		.busy = fp->busy_poll,
		.sleeps = &fp->idle_sleeps,
	};
	struct rl_idle idle;
	uint32_t work, k;
	int err;

	/* Cannot fail: default spin_rounds, at most XF_MAX_PORTS sockets with
	 * rx and tx rings. */
	rl_idle_init(&idle, &io);
	for (k = 0; k < fp->nsocks; k++)
		rl_idle_add(&idle, fp->sock[k], RL_IDLE_RX | RL_IDLE_TX_FLUSH);
	while (!atomic_load_explicit(fp->stop, memory_order_relaxed)) {
		work = 0;
		for (k = 0; k < fp->nsocks; k++)
			work += service(fp, fp->sock[k]);
		work += steer(fp);
		for (k = 0; k < fp->nsocks; k++) {
			err = rl_tx_kick(fp->sock[k]);
			if (err)
				return fail(fp, err, k);
			rl_fill_kick(fp->sock[k]);
		}
		if (work) {
			rl_idle_reset(&idle);
			continue;
		}
		err = rl_idle_wait(&idle, 0);
		if (err)
			return fail(fp, err, (uint32_t)idle.err_index);
	}
	return NULL;
}
