// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd route IF1 IF2 [IF3 ...]: an IP router over 2 to 32 ports whose
 * control plane is the kernel's own: routes and neighbours come from its
 * FIB and neighbour tables at the moment each frame arrives (the
 * classifier's bpf_fib_lookup), so `ip route`, FRR or bird steer it with no
 * table of ours to keep in sync, and a route change applies to the next
 * frame. The fast path takes only what it can forward exactly as the kernel
 * would; the kernel is the slow path for the rest (ICMP errors, ARP and ND,
 * local delivery, fragmentation), which is why IP forwarding must be on.
 * The engine (fwd_engine.h) does the work; this file declares the mode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fwd_engine.h"
#include "log.h"

/* The value of the sysctl file @path: 1 on, 0 off, -1 absent. */
static int sysctl_on(const char *path)
{
	char c = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c != '0' && c != 0;
}

/*
 * The kernel forwards what the fast path leaves to it only with forwarding
 * on: IPv4 per ingress port (bpf_fib_lookup also answers "forwarding
 * disabled" there), IPv6 for the whole namespace. A namespace without IPv6
 * has nothing to check.
 */
static int check_forwarding(const struct xf_run *r)
{
	char path[96];
	uint32_t k;

	for (k = 0; k < r->nports; k++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding",
			 r->port[k].name);
		if (sysctl_on(path) != 0)
			continue;
		/* Off everywhere, or on this port alone (conf.PORT.forwarding,
		 * which net.ipv4.ip_forward=1 does not set again once it is 1). */
		if (sysctl_on("/proc/sys/net/ipv4/ip_forward") == 0)
			xf_err("%s: IPv4 forwarding is off (sysctl -w net.ipv4.ip_forward=1)",
			       r->port[k].name);
		else
			xf_err("%s: IPv4 forwarding is off (sysctl -w "
			       "net.ipv4.conf.%s.forwarding=1)",
			       r->port[k].name, r->port[k].name);
		return -EPERM;
	}
	if (sysctl_on("/proc/sys/net/ipv6/conf/all/forwarding") == 0) {
		xf_err("IPv6 forwarding is off (sysctl -w net.ipv6.conf.all.forwarding=1)");
		return -EPERM;
	}
	return 0;
}

static int setup(struct xf_run *r)
{
	int err = check_forwarding(r);

	return err ? err : fwd_setup(r, FWD_ROUTE);
}

static void start(struct xf_run *r, struct xf_out *o)
{
	uint32_t k;

	fwd_start(r, o);
	xo_text(o, "routing ");
	for (k = 0; k < r->nports; k++)
		xo_text(o, "%s%s", k ? ", " : "", r->port[k].name);
	xo_text(o, ": %s", r->o.nrules ? "IP frames matching a rule" : "every IPv4 and IPv6 frame");
}

const struct xf_mode xf_route_mode = {
	.name = "route",
	.args = "IF1 IF2 [IF3 ...]",
	.about = "Route chosen IPv4 and IPv6 frames between 2 to 32 interfaces through AF_XDP\n"
		 "sockets sharing one UMEM, with next hops from the kernel's own routing and\n"
		 "neighbour tables (bpf_fib_lookup). A frame takes the fast path only when it\n"
		 "can be forwarded exactly as the kernel would; the kernel routes the rest\n"
		 "(IP forwarding must be on). Runs until SIGINT, SIGTERM or SIGHUP; prints\n"
		 "rates once a second, a summary at exit.",
	.notes = "To the kernel (counted per port as xdp_slow_REASON): TTL or hop limit <= 1\n"
		 "(ttl), no neighbour entry yet (no_neigh), local, broadcast or multicast\n"
		 "destinations and frames for another MAC (local), blackhole, unreachable and\n"
		 "prohibit routes (unreachable), larger than the egress MTU (too_big), an\n"
		 "egress that is not one of the interfaces or is the ingress (not_ours), VLAN\n"
		 "tags, IPv4 options and IPv6 extension headers (unhandled), anything else\n"
		 "(other). netfilter's FORWARD rules, rp_filter and ICMP redirects do not\n"
		 "apply to the fast path: choose its traffic with --match.\n",
	.min_ifaces = 2,
	.max_ifaces = XF_MAX_PORTS,
	.setup = setup,
	.start = start,
	FWD_ENGINE_MODE,
};
