/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * --match RULE: the text form of one classifier rule (bpf/xskfwd_shared.h).
 *
 *   RULE   := TERM...           (all terms must hold)
 *   TERM   := ip | ip6                          address family
 *           | src PREFIX | dst PREFIX           IPv4 a.b.c.d[/n] or IPv6 x::y[/n]
 *           | tcp | udp | sctp | icmp | icmp6 | proto N
 *           | sport P[-Q] | dport P[-Q]         needs tcp, udp or sctp
 *           | ethertype N                       innermost, after VLAN tags
 *           | vlan ID                           outermost tag, 0..4095
 *           | any                               every frame
 * Examples: "udp dport 4789", "ip dst 198.18.0.0/15", "ip6 src 2001:db8::/32
 * tcp dport 80-90", "ethertype 0x88b5". A prefix implies its family.
 */
#ifndef XF_RULES_H
#define XF_RULES_H

#include "args.h"
#include "xskfwd_shared.h"

/* Parse @text into @r. Returns 0, or -EINVAL with a reason in @err. */
int xf_rule_parse(const char *text, struct xf_rule *r, char *err);

#endif
