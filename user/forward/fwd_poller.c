// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The forward poller loop (design in fwd_poller.h). */
#include "fwd_poller.h"
#include "run.h"

static uint32_t service(struct fwd_poller *fp, struct rl_sock *s)
{
	uint32_t n = rl_complete(s, &fp->pool, s->comp.size);

	rl_fill(s, &fp->pool, s->fill.size);
	return n;
}

static void *fail(struct fwd_poller *fp, int err, int port)
{
	xf_thread_fail(&fp->th, err, fp->sock[port]->ifname, (int)fp->queue, NULL);
	return NULL;
}

void *fwd_poller_run(void *arg)
{
	struct fwd_poller *fp = arg;
	struct rl_sock *a = fp->sock[0], *b = fp->sock[1];
	struct rl_idle_opts io = {
		.spin_ns = fp->spin_ns,
		.busy = fp->busy_poll,
		.sleeps = &fp->idle_sleeps,
	};
	struct rl_idle idle;
	uint32_t work;
	int err, i;

	/* Cannot fail: default spin_rounds, two sockets with rx and tx rings. */
	rl_idle_init(&idle, &io);
	for (i = 0; i < 2; i++)
		rl_idle_add(&idle, fp->sock[i], RL_IDLE_RX | RL_IDLE_TX_FLUSH);
	while (!atomic_load_explicit(fp->stop, memory_order_relaxed)) {
		work = service(fp, a) + service(fp, b);
		work += rl_rx_to_tx(a, b, fp->batch);
		work += rl_rx_to_tx(b, a, fp->batch);
		for (i = 0; i < 2; i++) {
			err = rl_tx_kick(fp->sock[i]);
			if (err)
				return fail(fp, err, i);
			rl_fill_kick(fp->sock[i]);
		}
		if (work) {
			rl_idle_reset(&idle);
			continue;
		}
		err = rl_idle_wait(&idle, 0);
		if (err)
			return fail(fp, err, idle.err_index);
	}
	return NULL;
}
