// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Frame pool set-up and tear-down; the hot path is inline in rl_pool.h. */
#include <stdlib.h>
#include <string.h>

#include "rl_pool.h"

int rl_pool_init(struct rl_pool *p, uint64_t first, uint32_t nframes, uint32_t frame_size)
{
	uint32_t i;

	memset(p, 0, sizeof(*p));
	if (!nframes || !frame_size || (frame_size & (frame_size - 1)) || (first % frame_size))
		return -EINVAL;
	p->addrs = calloc(nframes, sizeof(*p->addrs));
	p->is_free = calloc(nframes, 1);
	if (!p->addrs || !p->is_free) {
		rl_pool_fini(p);
		return -ENOMEM;
	}
	p->size = nframes;
	p->first = first;
	p->frame_mask = ~((uint64_t)frame_size - 1);
	p->frame_shift = (uint32_t)__builtin_ctz(frame_size);
	/* Push in reverse so the first frames handed out are the lowest. */
	for (i = 0; i < nframes; i++) {
		p->addrs[i] = first + (uint64_t)(nframes - 1 - i) * frame_size;
		p->is_free[i] = 1;
	}
	p->count = nframes;
	return 0;
}

void rl_pool_fini(struct rl_pool *p)
{
	free(p->addrs);
	free(p->is_free);
	memset(p, 0, sizeof(*p));
}
