/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layouts and counters shared by the XDP classifier (xskfwd.bpf.c) and
 * user space. Plain fixed-width types only, no pointers: the same bytes are
 * read on both sides of the syscall boundary.
 *
 * A rule is a conjunction of the fields whose XF_F_* bit is set in .fields;
 * the rule list is a disjunction. An empty list (nr_rules == 0) chooses every
 * frame. Addresses and their masks are kept in network byte order, as 32-bit
 * words, so the classifier compares them without swapping; ports, ethertype
 * and VLAN id are in host order.
 */
#ifndef XSKFWD_SHARED_H
#define XSKFWD_SHARED_H

#include <linux/types.h>

#define XF_MAX_RULES 64
#define XF_MAX_PORTS 32 /* interfaces of one instance (route: egress ports) */
#define XF_PROG_NAME "xskfwd_xdp"

enum xf_rule_field {
	XF_F_ETHERTYPE = 1u << 0, /* innermost ethertype, after VLAN tags */
	XF_F_VLAN = 1u << 1,	  /* outermost VLAN id */
	XF_F_FAMILY = 1u << 2,	  /* IPv4 or IPv6 */
	XF_F_PROTO = 1u << 3,	  /* L4 protocol number */
	XF_F_SRC = 1u << 4,	  /* source address prefix */
	XF_F_DST = 1u << 5,	  /* destination address prefix */
	XF_F_SPORT = 1u << 6,	  /* source port range */
	XF_F_DPORT = 1u << 7,	  /* destination port range */
};

struct xf_rule {
	__u32 fields; /* XF_F_* bits */
	__u16 ethertype;
	__u16 vlan_id;
	__u8 family; /* 4 or 6 */
	__u8 proto;
	__u16 sport_lo;
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
	__u16 pad;
	__u32 src[4]; /* network order; IPv4 in src[0] */
	__u32 src_mask[4];
	__u32 dst[4];
	__u32 dst_mask[4];
};

/* Per-CPU counters of the classifier, one array slot each. */
enum xf_counter {
	XF_CNT_REDIRECTED,     /* chosen, sent to the socket of its rx queue */
	XF_CNT_PASS_NOMATCH,   /* matched no rule: to the host stack */
	XF_CNT_PASS_NOSOCK,    /* chosen, but no socket on its rx queue: passed */
	XF_CNT_DROP_MALFORMED, /* chosen, but its IP/L4 lengths disagree */
	XF_CNT_PASS_SPLIT,     /* a header it needs runs past the first buffer of a
				  multi-buffer frame: passed, unclassified */
	/*
	 * Route flavour only: a chosen, well-formed frame the fast path does
	 * not forward is passed to the kernel, which routes it (or answers
	 * with ICMP), counted by reason.
	 */
	XF_CNT_SLOW_TTL,	 /* TTL or hop limit <= 1, to be forwarded: ICMP Time
				    Exceeded (a frame for this host is local) */
	XF_CNT_SLOW_NO_NEIGH,	 /* no valid neighbour entry: ARP / ND first */
	XF_CNT_SLOW_LOCAL,	 /* not to be forwarded: local, broadcast, multicast,
				    another host's MAC, link-local or martian address,
				    no route at all (the FIB lookup cannot tell) */
	XF_CNT_SLOW_UNREACHABLE, /* blackhole, unreachable or prohibit route */
	XF_CNT_SLOW_TOO_BIG,	 /* larger than the egress MTU */
	XF_CNT_SLOW_NOT_OURS,	 /* egress is not one of our ports, or is the ingress */
	XF_CNT_SLOW_UNHANDLED,	 /* not IP, VLAN-tagged, IPv4 options, IPv6 ext. headers */
	XF_CNT_SLOW_OTHER,	 /* forwarding off on the port, LWT route, no metadata */
	XF_CNT_MAX,
};
#define XF_CNT_COMMON XF_CNT_SLOW_TTL /* the counters of every flavour */

/*
 * Route flavour: what the classifier hands the poller in front of a
 * redirected frame (XDP metadata, bpf_xdp_adjust_meta; the AF_XDP consumer
 * finds it in the sizeof(struct xf_route_meta) bytes before the frame's
 * data). The egress port is an index into the instance's ports; the MACs
 * are the frame's new Ethernet addresses, from the kernel's FIB and
 * neighbour tables at the moment the frame arrived.
 */
struct xf_route_meta {
	__u8 dmac[6];
	__u8 smac[6];
	__u16 port;  /* egress port index */
	__u16 magic; /* XF_ROUTE_META_MAGIC */
};
#define XF_ROUTE_META_MAGIC 0x5246 /* "RF" */

#endif
