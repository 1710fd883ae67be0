/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What is attached to an interface, and whether a running xskfwd holds it:
 * the facts `xskfwd status` lists and `xskfwd unload` (and a port that finds
 * a killed run's classifier, port.c) acts on.
 *
 * A program is ours when libxdp names it XF_PROG_NAME (the skeleton's
 * function name, bpf/xskfwd_shared.h). Holding is the per-interface lock of
 * port.h: a running xskfwd holds an flock on its lock file. It is read from
 * /proc/locks, never by taking the lock, so looking never makes a starting
 * xskfwd fail. A classifier of ours with nobody holding the lock was left
 * behind by a killed run.
 */
#ifndef XF_ATTACHED_H
#define XF_ATTACHED_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <xdp/libxdp.h>

#define XF_ATTACHED_MAX 10 /* libxdp's dispatcher runs at most 10 */

struct xf_attached_prog {
	char name[32];
	uint32_t id;
	bool ours;
};

struct xf_attached {
	char name[IF_NAMESIZE];
	int ifindex;
	bool any;	 /* an XDP program is attached */
	bool dispatcher; /* main is libxdp's dispatcher; progs are its components */
	enum xdp_attach_mode mode;
	struct xf_attached_prog main;
	struct xf_attached_prog prog[XF_ATTACHED_MAX]; /* what runs (main alone if no dispatcher) */
	uint32_t nprogs;
	bool ours; /* one of progs is ours */
	bool held; /* a running xskfwd holds the interface's lock */
	int pid;   /* its pid when held and known, else 0 */
};

/* State names: "running", "left behind", "foreign", "none". */
const char *xf_attached_state(const struct xf_attached *a);

/*
 * Read what is attached to @ifindex (named @name) and whether it is held.
 * 0, or -errno when the programs could not be read.
 */
int xf_attached_read(struct xf_attached *a, int ifindex, const char *name);

/*
 * Detach the classifier of ours attached to @ifindex, leaving every other
 * program. *@id: the id of the one removed, 0 when none was attached.
 * 0 or -errno.
 */
int xf_attached_remove_ours(int ifindex, uint32_t *id);

#endif
