/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a device says about its XDP, read from the kernel's generic-netlink
 * "netdev" family (rl_netdev.c): its xdp_features and the most descriptors
 * one packet may have in AF_XDP zero-copy mode (the driver's xdp_zc_max_segs).
 * Cold path: one netlink exchange per call, nothing kept.
 */
#ifndef RL_NETDEV_H
#define RL_NETDEV_H

#include <stddef.h>
#include <stdint.h>

/* NETDEV_XDP_ACT_XSK_ZEROCOPY of uapi linux/netdev.h (Linux 6.3): the driver
 * has AF_XDP zero-copy. Our own name: the kernel's is an enum constant. */
#define RL_XDP_ACT_XSK_ZEROCOPY (1ull << 3)

struct rl_netdev_xdp {
	uint32_t ifindex;      /* the device the answer is about */
	uint64_t xdp_features; /* NETDEV_XDP_ACT_* (RL_XDP_ACT_XSK_ZEROCOPY, ...) */
	/* NETDEV_A_DEV_XDP_ZC_MAX_SEGS; 0: not reported, which the kernel does
	 * only for a driver with zero-copy, and from Linux 6.6 on */
	uint32_t zc_max_segs;
};

/*
 * Ask the kernel about the device @ifindex (in this network namespace).
 * Returns 0 and fills *@out; -EOPNOTSUPP when the kernel has no "netdev"
 * family (before Linux 6.3) or no generic netlink; -ENODEV when there is no
 * such device; another -errno of the exchange otherwise (*@out zeroed).
 */
int rl_netdev_xdp_info(int ifindex, struct rl_netdev_xdp *out);

/*
 * The parsers of the two answers, apart from the socket (unit tests feed
 * them messages of their own). @buf holds @len bytes as one recv() returned
 * them; @seq and @portid are those of the request (0: not checked). Each
 * returns 1 when the answer goes on in the next recv(), 0 when it is
 * complete (the kernel's acknowledgement seen), or -errno: the kernel's
 * error, or -EPROTO for an answer without what was asked (the family's
 * id, the device's ifindex) or with an attribute of the wrong size.
 *   rl_netdev_parse_family: the controller's answer to CTRL_CMD_GETFAMILY,
 *     the family's id into *@id;
 *   rl_netdev_parse_dev: the answer to NETDEV_CMD_DEV_GET, into *@out
 *     (which the caller zeroed).
 */
int rl_netdev_parse_family(const void *buf, size_t len, uint32_t seq, uint32_t portid,
			   uint16_t *id);
int rl_netdev_parse_dev(const void *buf, size_t len, uint32_t seq, uint32_t portid,
			struct rl_netdev_xdp *out);

#endif
