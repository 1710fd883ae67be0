/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Wire constants of the headers user/net reads and writes: header lengths,
 * ethertypes, IP protocol numbers. One list, so the walker and the
 * template builder cannot disagree (the kernel's <linux/if_ether.h> and
 * <netinet/in.h> spell them too, but not all of them, and not the same way
 * in every libc).
 */
#ifndef XF_NET_PROTO_H
#define XF_NET_PROTO_H

#define XF_ETH_HLEN 14
#define XF_VLAN_HLEN 4
#define XF_IP4_HLEN 20 /* without options */
#define XF_IP6_HLEN 40
#define XF_UDP_HLEN 8

#define XF_ETH_P_IP 0x0800
#define XF_ETH_P_IPV6 0x86DD
#define XF_ETH_P_8021Q 0x8100
#define XF_ETH_P_8021AD 0x88A8

#define XF_PROTO_UDP 17
#define XF_IP6_HOPOPTS 0
#define XF_IP6_ROUTING 43
#define XF_IP6_FRAGMENT 44
#define XF_IP6_ESP 50
#define XF_IP6_AH 51
#define XF_IP6_NONXT 59
#define XF_IP6_DSTOPTS 60

#endif
