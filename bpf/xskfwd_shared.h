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
	XF_CNT_MAX,
};

#endif
