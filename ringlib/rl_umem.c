// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * UMEM set-up and tear-down (cold path).
 *
 * The area is anonymous memory mapped once; libxdp registers it and makes
 * the first fill/completion pair, which it hands to the first socket created
 * on the UMEM (rl_sock.c). That first socket is the UMEM's own fd, so a
 * failed first bind leaves the fd half set up; rl_umem_reregister() makes a
 * fresh registration of the same area for a retry. Frames are aligned (chunk mode), so a frame's base
 * is its address with the low bits cleared.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rl_priv.h"

static int register_area(struct rl_umem *u)
{
	struct xsk_umem_config cfg = {
		.fill_size = u->fill_size,
		.comp_size = u->comp_size,
		.frame_size = u->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};

	return xsk_umem__create(&u->umem, u->area, u->size, &u->fill0, &u->comp0, &cfg);
}

int rl_umem_reregister(struct rl_umem *u)
{
	int err;

	if (u->nsocks)
		return -EBUSY;
	err = xsk_umem__delete(u->umem);
	if (err)
		return err;
	u->umem = NULL;
	return register_area(u);
}

int rl_umem_create(struct rl_umem **out, const struct rl_umem_opts *o)
{
	long page = sysconf(_SC_PAGESIZE);
	struct rl_umem *u;
	int err;

	if (o->frame_size < 2048 || o->frame_size > (uint32_t)page ||
	    (o->frame_size & (o->frame_size - 1)) || !o->nframes)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->nframes = o->nframes;
	u->frame_size = o->frame_size;
	u->fill_size = o->fill_size;
	u->comp_size = o->comp_size;
	u->size = o->nframes * o->frame_size;
	u->area = mmap(NULL, u->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->area == MAP_FAILED) {
		err = -errno;
		goto err_free;
	}
	err = register_area(u);
	if (err)
		goto err_unmap;
	*out = u;
	return 0;

err_unmap:
	munmap(u->area, u->size);
err_free:
	free(u);
	return err;
}

int rl_umem_destroy(struct rl_umem *u)
{
	int err;

	if (!u)
		return 0;
	if (u->nsocks)
		return -EBUSY;
	err = xsk_umem__delete(u->umem);
	if (err)
		return err;
	munmap(u->area, u->size);
	free(u);
	return 0;
}
