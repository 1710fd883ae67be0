// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Header templates (see hdr_tmpl.h). */
#include <string.h>

#include "hdr_tmpl.h"

uint32_t xf_hdr_build(uint8_t *buf, const struct xf_hdr_spec *s, struct xf_hdr_layout *l)
{
	uint32_t off = XF_ETH_HLEN, alen = s->family == 4 ? 4 : 16;
	uint8_t *ip, *udp;
	uint64_t sum;

	if (s->family != 4 && s->family != 6)
		return 0;
	memset(l, 0, sizeof(*l));
	memset(buf, 0,
	       XF_ETH_HLEN + (s->has_vlan ? XF_VLAN_HLEN : 0) +
		       (s->family == 4 ? XF_IP4_HLEN : XF_IP6_HLEN) + XF_UDP_HLEN);
	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	if (s->has_vlan) {
		xf_hdr_put_be16(buf + 12, XF_ETH_P_8021Q);
		xf_hdr_put_be16(buf + 14, s->vlan_tci);
		off += XF_VLAN_HLEN;
	}
	xf_hdr_put_be16(buf + off - 2, s->family == 4 ? XF_ETH_P_IP : XF_ETH_P_IPV6);
	l->l3_off = (uint8_t)off;
	ip = buf + off;
	if (s->family == 4) {
		ip[0] = 0x45;			 /* version 4, no options; TOS 0 */
		xf_hdr_put_be16(ip + 6, 0x4000); /* id 0, don't fragment */
		ip[8] = s->ttl;
		ip[9] = XF_PROTO_UDP;
		memcpy(ip + 12, s->src_ip, 4);
		memcpy(ip + 16, s->dst_ip, 4);
		off += XF_IP4_HLEN;
	} else {
		ip[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
		ip[6] = XF_PROTO_UDP;
		ip[7] = s->ttl;
		memcpy(ip + 8, s->src_ip, 16);
		memcpy(ip + 24, s->dst_ip, 16);
		off += XF_IP6_HLEN;
	}
	l->l4_off = (uint8_t)off;
	udp = buf + off;
	xf_hdr_put_be16(udp, s->sport);
	xf_hdr_put_be16(udp + 2, s->dport);
	l->len = (uint8_t)(off + XF_UDP_HLEN);
	l->family = s->family;
	/* The pseudo-header without its length, and both ports. */
	sum = xf_csum_pseudo(0, s->src_ip, s->dst_ip, alen, XF_PROTO_UDP, 0);
	sum = xf_csum_add(sum, udp, 4);
	l->csum_base = xf_csum_fold(sum);
	return l->len;
}
