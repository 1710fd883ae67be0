/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ringlib internals: what only ringlib's own .c files need. Never included
 * from user/ (the public API is rl.h).
 */
#ifndef RL_PRIV_H
#define RL_PRIV_H

#include "rl.h"

/*
 * For rl_sock.c: register the same area anew, after a failed first bind left
 * the UMEM's fd half set up (no socket may exist). Returns 0 or -errno.
 */
int rl_umem_reregister(struct rl_umem *u);

/* rl_idle.c: how often the busy-poll variant looks for socket errors. */
#define RL_IDLE_BUSY_CHECK (1u << 16) /* idle rounds, a power of two */

#endif
