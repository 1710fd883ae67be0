// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `xskfwd status` and `xskfwd unload IFACE`: what XDP programs the
 * interfaces of this network namespace run, which are ours, which a running
 * xskfwd holds and which a killed one left behind (core/attached.h), and the
 * removal of a classifier left behind. Both run once (xf_mode.once), with
 * nothing locked but, for unload, the interface being cleaned.
 *
 * status prints one record: text, a table in the manner of `xdp-loader
 * status` and the running instances; JSON, "interfaces" (each with its
 * "state" and "programs") and "instances" (a pid and its ports).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "log.h"

#define COL_ID 48 /* where the ID column starts: after interface, mode, state */

/* A dispatcher's component: its JSON object, and a line of its own in text. */
static void prog_out(struct xf_out *o, const struct xf_attached_prog *ap, bool line)
{
	xo_obj_open(o, NULL);
	if (line)
		xo_text(o, "%-*s%-8u%s%s\n", COL_ID, "  =>", ap->id, ap->name,
			ap->ours ? " (ours)" : "");
	xo_str(o, "name", NULL, ap->name);
	xo_u64(o, "id", NULL, ap->id);
	xo_bool(o, "ours", NULL, ap->ours);
	xo_obj_close(o);
}

static void iface_out(struct xf_out *o, const struct xf_attached *a)
{
	const struct xf_attached_prog *m = &a->main;
	char state[40];
	uint32_t i;

	snprintf(state, sizeof(state), a->pid ? "%s (pid %d)" : "%s", xf_attached_state(a), a->pid);
	xo_obj_open(o, NULL);
	xo_text(o, "%-16s%-8s%-24s", a->name, a->any ? xf_attach_mode_name(a->mode) : "-", state);
	if (!a->any)
		xo_text(o, "%-8s<no XDP program>\n", "-");
	else
		xo_text(o, "%-8u%s%s\n", m->id, m->name, m->ours ? " (ours)" : "");
	xo_str(o, "interface", NULL, a->name);
	xo_u64(o, "ifindex", NULL, (uint64_t)a->ifindex);
	xo_str(o, "state", NULL, xf_attached_state(a));
	if (a->pid)
		xo_i64(o, "pid", NULL, a->pid);
	else
		xo_null(o, "pid", NULL);
	if (a->any)
		xo_str(o, "xdp_mode", NULL, xf_attach_mode_name(a->mode));
	else
		xo_null(o, "xdp_mode", NULL);
	xo_bool(o, "dispatcher", NULL, a->dispatcher);
	xo_arr_open(o, "programs");
	for (i = 0; i < a->nprogs; i++)
		prog_out(o, &a->prog[i], a->dispatcher);
	xo_arr_close(o);
	xo_obj_close(o);
}

/* The running instances: each pid holding an interface, with its ports. */
static void instances_out(struct xf_out *o, const struct xf_attached *a, size_t n)
{
	size_t i, k, found = 0;

	xo_text(o, "\nRunning xskfwd instances:");
	xo_arr_open(o, "instances");
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && !(a[k].held && a[k].pid == a[i].pid); k++)
			; /* an earlier port of the same instance? */
		if (!a[i].held || k < i)
			continue; /* not held, or its instance is listed */
		found++;
		xo_obj_open(o, NULL);
		xo_text(o, a[i].pid ? "\n  pid %d:" : "\n  pid ?:", a[i].pid);
		if (a[i].pid)
			xo_i64(o, "pid", NULL, a[i].pid);
		else
			xo_null(o, "pid", NULL);
		xo_arr_open(o, "ports");
		for (k = i; k < n; k++)
			if (a[k].held && a[k].pid == a[i].pid)
				xo_str(o, NULL, " %s", a[k].name);
		xo_arr_close(o);
		xo_obj_close(o);
	}
	xo_arr_close(o);
	if (!found)
		xo_text(o, " none");
}

/* Every interface of the network namespace, read into *@out (freed by the caller). */
static int read_all(struct xf_attached **out, size_t *n)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	struct xf_attached *a;
	size_t k = 0;
	int err = 0;

	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++)
		k++;
	a = calloc(k ? k : 1, sizeof(*a));
	if (!a) {
		if_freenameindex(ifs);
		return -ENOMEM;
	}
	for (k = 0, i = ifs; !err && i->if_index; i++, k++) {
		err = xf_attached_read(&a[k], (int)i->if_index, i->if_name);
		if (err)
			xf_err("%s: reading its XDP programs: %s", i->if_name, strerror(-err));
	}
	if_freenameindex(ifs);
	*out = a;
	*n = k;
	return err;
}

static int status_once(struct xf_run *r)
{
	struct xf_out *o = &r->out;
	struct xf_attached *a = NULL;
	size_t n = 0, i;
	int err = read_all(&a, &n);

	if (err) {
		free(a);
		return XF_EXIT_ERROR;
	}
	xo_open(o, "status");
	xo_text(o, "%-16s%-8s%-24s%-8s%s\n", "Interface", "Mode", "State", "ID", "Program");
	xo_arr_open(o, "interfaces");
	for (i = 0; i < n; i++)
		iface_out(o, &a[i]);
	xo_arr_close(o);
	instances_out(o, a, n);
	xo_close(o);
	free(a);
	return XF_EXIT_OK;
}

/* Why @a's interface is not one to clean, in one line and exit status 1; 0 when it is. */
static int refuse(const struct xf_attached *a)
{
	const struct xf_attached_prog *other = a->nprogs ? &a->prog[0] : &a->main;

	if (a->held && a->pid)
		xf_err("%s is held by a running xskfwd (pid %d)", a->name, a->pid);
	else if (a->held)
		xf_err("%s is held by a running xskfwd", a->name);
	else if (!a->any)
		xf_err("%s: no XDP program is attached", a->name);
	else if (!a->ours)
		xf_err("%s: %s (id %u) is not xskfwd's: not removed", a->name, other->name,
		       other->id);
	else
		return 0;
	return XF_EXIT_ERROR;
}

static int unload_once(struct xf_run *r)
{
	struct xf_port *p = &r->port[0];
	struct xf_attached a;
	uint32_t id;
	int err;

	err = xf_attached_read(&a, p->ifindex, p->name);
	if (err) {
		xf_err("%s: reading its XDP programs: %s", p->name, strerror(-err));
		return XF_EXIT_ERROR;
	}
	if (refuse(&a))
		return XF_EXIT_ERROR;
	/* Held while removing: no xskfwd starts on it meanwhile. */
	if (xf_port_lock(p))
		return XF_EXIT_ERROR;
	err = xf_attached_remove_ours(p->ifindex, &id);
	xf_port_close(p); /* the lock, and the file a killed run left */
	if (err) {
		xf_err("%s: removing the classifier left behind: %s", p->name, strerror(-err));
		return XF_EXIT_ERROR;
	}
	xo_open(&r->out, "unload");
	xo_str(&r->out, "interface", "%s: removed", p->name);
	xo_u64(&r->out, "id", " the classifier left behind (id %llu)", id);
	xo_close(&r->out);
	return XF_EXIT_OK;
}

const struct xf_mode xf_status_mode = {
	.name = "status",
	.args = "",
	.about = "List every interface of this network namespace with the XDP programs it\n"
		 "runs: whether each is xskfwd's classifier (ours), and whether a running\n"
		 "xskfwd holds the interface (running) or a killed one left its classifier\n"
		 "behind (left behind; xskfwd unload removes it). Programs not ours are\n"
		 "foreign. Then the running instances, each a pid and its ports.",
	.once = status_once,
};

const struct xf_mode xf_unload_mode = {
	.name = "unload",
	.args = "IFACE",
	.about = "Remove the classifier of ours a killed xskfwd left on IFACE. Refused (one\n"
		 "line, exit status 1) when a running xskfwd holds IFACE, when the program\n"
		 "attached is not ours (it is never removed), or when no XDP program is\n"
		 "attached (an error, as in xdp-loader unload). Programs sharing IFACE\n"
		 "through a libxdp dispatcher stay.",
	.min_ifaces = 1,
	.max_ifaces = 1,
	.once = unload_once,
};
