/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header templates: the Ethernet (+ one 802.1Q tag) + IPv4/IPv6 + UDP
 * headers of a flow, written once, so that a packet's headers are a copy
 * plus a few stores. gen's template (user/gen/gen_frame.c) and serve's
 * reply template (user/serve/serve_frame.c) are both built here.
 *
 * Design: xf_hdr_build() writes everything that is the same for every
 * packet of the flow and leaves what varies zero: the IP and UDP lengths,
 * the IPv4 header checksum and the UDP checksum. Alongside it computes the
 * flow's constant part of the UDP checksum (csum_base: pseudo-header
 * addresses and protocol, both ports), folded, in memory order (csum.h).
 * A packet then needs xf_hdr_put_lengths() (lengths and the IPv4 header
 * checksum, inline) and its UDP checksum: csum_base + the UDP length twice
 * (pseudo-header and header) + the payload, which the callers' per-packet
 * paths do their own way (serve sums the payload; gen adds only the fields
 * it stamps). The fixed choices: IPv4 without options, TOS 0, id 0, DF;
 * IPv6 traffic class and flow label 0; no extension headers.
 *
 * Pure logic (no syscalls): unit tested in tests/unit/net/test_hdr_tmpl.c.
 */
#ifndef XF_NET_HDR_TMPL_H
#define XF_NET_HDR_TMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "csum.h"
#include "proto.h"
/* The longest template: Ethernet + VLAN + IPv6 + UDP. */
#define XF_HDR_MAX (XF_ETH_HLEN + XF_VLAN_HLEN + XF_IP6_HLEN + XF_UDP_HLEN)

/* What a flow's headers say. */
struct xf_hdr_spec {
	uint8_t dst_mac[6], src_mac[6];
	bool has_vlan;
	uint16_t vlan_tci;		/* host order */
	uint8_t family;			/* 4 or 6 */
	uint8_t ttl;			/* IPv4 TTL or IPv6 hop limit */
	uint8_t src_ip[16], dst_ip[16]; /* IPv4: the first 4 bytes */
	uint16_t sport, dport;		/* host order */
};

/* Where the template's parts are, and its checksum base. */
struct xf_hdr_layout {
	uint8_t len;	    /* header bytes; the UDP payload starts here */
	uint8_t l3_off;	    /* IP header */
	uint8_t l4_off;	    /* UDP header */
	uint8_t family;	    /* 4 or 6 */
	uint16_t csum_base; /* folded sum: addresses, protocol, ports */
};

/*
 * Write the headers @s describes at @buf (XF_HDR_MAX bytes of room; only
 * the template's own bytes are written), lengths and checksums 0, and
 * describe them in @l. Returns the header length, or 0 (nothing written)
 * if s->family is neither 4 nor 6.
 */
uint32_t xf_hdr_build(uint8_t *buf, const struct xf_hdr_spec *s, struct xf_hdr_layout *l);

static inline void xf_hdr_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * Per packet, on a copy of the template at @frame: write the IP and UDP
 * lengths for a UDP payload of @payload_len bytes and, over IPv4, the
 * header checksum. The caller bounds @payload_len (65507 over IPv4, 65527
 * over IPv6) and writes the UDP checksum.
 */
static inline void xf_hdr_put_lengths(uint8_t *frame, const struct xf_hdr_layout *l,
				      uint32_t payload_len)
{
	uint8_t *ip = frame + l->l3_off;
	uint32_t ulen = payload_len + XF_UDP_HLEN;

	if (l->family == 4) {
		uint16_t c;

		xf_hdr_put_be16(ip + 2, (uint16_t)(ulen + XF_IP4_HLEN));
		c = xf_csum_ip4_hdr(ip, XF_IP4_HLEN);
		memcpy(ip + 10, &c, 2);
	} else {
		xf_hdr_put_be16(ip + 4, (uint16_t)ulen);
	}
	xf_hdr_put_be16(frame + l->l4_off + 4, (uint16_t)ulen);
}

#endif
