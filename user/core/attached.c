// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What is attached to an interface and who holds it (design in attached.h):
 * libxdp's view of the interface's programs, and /proc/locks for the
 * per-interface lock of port.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "attached.h"
#include "port.h"
#include "xskfwd_shared.h"

const char *xf_attached_state(const struct xf_attached *a)
{
	if (a->held)
		return "running";
	if (a->ours)
		return "left behind";
	return a->any ? "foreign" : "none";
}

static void prog_fill(struct xf_attached_prog *ap, const struct xdp_program *prog)
{
	snprintf(ap->name, sizeof(ap->name), "%s", xdp_program__name(prog));
	ap->id = xdp_program__id(prog);
	ap->ours = !strcmp(ap->name, XF_PROG_NAME);
}

/* The pid a lock file records, 0 when none. */
static int lock_file_pid(const char *path)
{
	char buf[32] = "";
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return atoi(buf);
}

/*
 * Whether a process holds an flock on @st's file, by /proc/locks (lines as
 * "1: FLOCK  ADVISORY  WRITE 1234 00:19:5678 0 EOF"; a waiter's reads
 * "1: -> FLOCK ..." and is not a holder). *@pid: the holder's, if shown.
 */
static bool flock_held(const struct stat *st, int *pid)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256], type[16];
	bool held = false;
	FILE *f;
	int p;

	f = fopen("/proc/locks", "re");
	if (!f)
		return false;
	while (!held && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", type, &p, &maj, &min, &ino) != 5)
			continue;
		held = !strcmp(type, "FLOCK") && ino == st->st_ino && maj == major(st->st_dev) &&
		       min == minor(st->st_dev);
		if (held)
			*pid = p;
	}
	fclose(f);
	return held;
}

static void read_holder(struct xf_attached *a)
{
	char path[64];
	struct stat st;
	int pid = 0;

	if (xf_port_run_path(a->ifindex, "lock", path, sizeof(path)) || stat(path, &st))
		return; /* no lock file: nobody holds it */
	a->held = flock_held(&st, &pid);
	if (a->held)
		a->pid = lock_file_pid(path) ?: pid;
}

int xf_attached_read(struct xf_attached *a, int ifindex, const char *name)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	uint32_t i;
	int err;

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	snprintf(a->name, sizeof(a->name), "%s", name);
	read_holder(a);
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = (int)libxdp_get_error(mp);
	if (err == -ENOENT)
		return 0; /* nothing attached */
	if (err)
		return err;
	a->mode = xdp_multiprog__attach_mode(mp);
	prog = xdp_multiprog__main_prog(mp);
	a->any = prog != NULL;
	if (prog)
		prog_fill(&a->main, prog);
	a->dispatcher = !xdp_multiprog__is_legacy(mp);
	if (!a->dispatcher && prog)
		a->prog[a->nprogs++] = a->main;
	for (prog = a->dispatcher ? xdp_multiprog__next_prog(NULL, mp) : NULL;
	     prog && a->nprogs < XF_ATTACHED_MAX; prog = xdp_multiprog__next_prog(prog, mp))
		prog_fill(&a->prog[a->nprogs++], prog);
	for (i = 0; i < a->nprogs; i++)
		a->ours |= a->prog[i].ours;
	xdp_multiprog__close(mp);
	return 0;
}

int xf_attached_remove_ours(int ifindex, uint32_t *id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	int err = 0;

	*id = 0;
	if (libxdp_get_error(mp))
		return 0; /* nothing attached */
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && !strcmp(xdp_program__name(prog), XF_PROG_NAME)) {
			*id = xdp_program__id(prog);
			err = xdp_multiprog__detach(mp);
		}
	} else {
		for (prog = xdp_multiprog__next_prog(NULL, mp); prog;
		     prog = xdp_multiprog__next_prog(prog, mp)) {
			if (strcmp(xdp_program__name(prog), XF_PROG_NAME))
				continue;
			*id = xdp_program__id(prog);
			err = xdp_program__detach(prog, ifindex, mode, 0);
			break;
		}
	}
	xdp_multiprog__close(mp);
	return err;
}
