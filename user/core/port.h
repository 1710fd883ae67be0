/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A port: one network interface that xskfwd attaches to.
 *
 * A port owns its copy of the classifier (a skeleton of bpf/xskfwd.bpf.c:
 * its own rules, socket map and counters), attached through libxdp so other
 * XDP programs can share the interface (dispatcher) where bpffs allows it.
 *
 * Recovery: a port takes an exclusive lock file per (network namespace,
 * ifindex) under /run/xskfwd. Holding it proves no other live xskfwd uses
 * the interface, so a classifier of ours found attached must have been left
 * by a killed run: it is detached before ours is attached. Programs that
 * are not ours are never removed. The lock file is removed at exit (a
 * killed run leaves it; the next start reuses it).
 */
#ifndef XF_PORT_H
#define XF_PORT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <xdp/libxdp.h>

#include "rl_netdev.h"
#include "xskfwd_shared.h"

struct xskfwd_bpf;

struct xf_port {
	char name[IF_NAMESIZE];
	int ifindex;
	uint32_t mtu;
	uint8_t mac[6];
	uint32_t nqueues; /* rx queues (channels) the device reports */
	char driver[32];
	/* What the kernel's "netdev" netlink family says of the driver's XDP
	 * (xdp_features, the zero-copy chain limit); xdp_err: 0 when read,
	 * else -errno and xdp zeroed. */
	struct rl_netdev_xdp xdp;
	int xdp_err;
	int lock_fd;
	char lock_path[64];
	struct xskfwd_bpf *skel;
	struct xdp_program *prog;
	enum xdp_attach_mode mode; /* as attached */
	bool dispatcher;	   /* attached through a libxdp dispatcher */
	bool detached;		   /* unhooked from the interface; maps still readable */
	int detach_err;		   /* -errno: the unhooking failed, the program stays */
	bool replaced_stale;	   /* a killed run's classifier was removed */
};

/*
 * Look up @name and read its facts: index, MTU, MAC, driver, queue count,
 * and the driver's XDP facts (xdp, xdp_err: not being able to read those is
 * no error here). Nothing is held. Returns 0, -ENODEV (no such interface)
 * or -errno.
 */
int xf_port_facts(struct xf_port *p, const char *name);

/*
 * Take the port's lock (see above). Returns 0, or -EBUSY when another
 * xskfwd holds the interface (after printing which).
 */
int xf_port_lock(struct xf_port *p);

/*
 * A running instance's files about interface @ifindex live in XF_RUN_DIR,
 * keyed by the network namespace (the inode of /proc/self/ns/net: `ip netns
 * exec` shares /run, and ifindexes repeat across namespaces) and the
 * ifindex: XF_RUN_DIR/NETNS-IFINDEX.@ext (lock: the port's lock, sock: the
 * control socket). 0, or -errno (no /proc).
 */
#define XF_RUN_DIR "/run/xskfwd"
int xf_port_run_path(int ifindex, const char *ext, char *buf, size_t len);

/* What a port's classifier is loaded with. */
struct xf_classifier {
	const struct xf_rule *rules;
	uint32_t nrules; /* 0: every frame is chosen */
	/* The route flavour when nroute > 0: the ifindexes of the instance's
	 * ports, in port order (a frame routed to route_ifindex[k] is handed
	 * to the poller with egress port k). */
	const int *route_ifindex;
	uint32_t nroute;
};

/*
 * Load the classifier @c, sized for queues 0..@max_queue, and attach it in
 * @mode (XDP_MODE_NATIVE or XDP_MODE_SKB), replacing a stale one of ours.
 * Prints a one-line cause and returns -errno on failure.
 */
int xf_port_attach(struct xf_port *p, const struct xf_classifier *c, uint32_t max_queue,
		   enum xdp_attach_mode mode);

/* Point the classifier's entry for @queue at the AF_XDP socket @fd. */
int xf_port_map_socket(struct xf_port *p, uint32_t queue, int fd);

/* Sum the classifier's per-CPU counters into @out[XF_CNT_MAX] (the route
 * flavour's are 0 in the other). */
int xf_port_counters(const struct xf_port *p, uint64_t *out);

struct xf_out;

/*
 * In the start record's "ports" list: open @p's object (port, driver, with
 * a classifier attached xdp_mode and dispatcher, and when the run's sockets
 * are multi-buffer (@sg) xdp_zc_max_segs, with a text line of its own) and
 * its "queues" list; xf_port_queue_out() opens one queue's object there,
 * with its text line's start, "PORT/qN: driver D, xdp M (how), ";
 * xf_port_out_close() ends both.
 */
void xf_port_out(struct xf_out *o, const struct xf_port *p, bool sg);
void xf_port_queue_out(struct xf_out *o, const struct xf_port *p, uint32_t queue);
void xf_port_out_close(struct xf_out *o);

/*
 * Unhook the classifier from the interface (idempotent): no new frames are
 * redirected; its maps and counters stay readable until xf_port_close().
 * Returns 0 (also when the device is gone), or -errno after a line saying
 * the classifier is still attached (again on later calls, without the line).
 */
int xf_port_detach(struct xf_port *p);
/* Detach if needed, unload the classifier, release the lock. */
void xf_port_close(struct xf_port *p);

const char *xf_attach_mode_name(enum xdp_attach_mode mode);

/* One interface ioctl (SIOCGIFMTU, SIOCETHTOOL, ...) on a throwaway socket,
 * with ifr_name set from @name. Returns 0 or -errno. */
int xf_if_ioctl(const char *name, unsigned long req, struct ifreq *ifr);

#endif
