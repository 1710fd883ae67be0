// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The user-space packet walker (see pkt_walk.h). */
#include <string.h>

#include "csum.h"
#include "pkt_walk.h"
#include "proto.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The IP layer of @w is walked: @family, its addresses at @addrs (source,
 * then destination), the UDP header @l4 and the packet's end @end bytes
 * after the IP header's start.
 */
static void found_udp(struct xf_walk *w, uint8_t family, const uint8_t *addrs, uint32_t l4,
		      uint32_t end)
{
	w->family = family;
	w->src_ip = addrs;
	w->dst_ip = addrs + (family == 4 ? 4 : 16);
	w->l4_off = w->l3_off + l4;
	w->l3_end = w->l3_off + end;
}

/*
 * IPv4 at frame + w->l3_off, @room bytes to the frame's end, @hroom of them
 * in the head (@hroom <= @room): the header must be in the head.
 */
static enum xf_walk_verdict ip4(const uint8_t *ip, uint32_t room, uint32_t hroom,
				const struct xf_walk_policy *pol, struct xf_walk *w)
{
	uint32_t ihl, total;

	if (hroom < XF_IP4_HLEN)
		return XF_WALK_TRUNCATED;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (ip[0] >> 4 != 4 || ihl < XF_IP4_HLEN)
		return XF_WALK_BAD_HDR;
	total = be16(ip + 2);
	if (total < ihl)
		return XF_WALK_BAD_HDR;
	if (total > room || ihl > hroom)
		return XF_WALK_TRUNCATED;
	/* ihl <= hroom: the header is inside the head. */
	if (pol->ip4_csum && !xf_csum_ip4_ok(ip, ihl))
		return XF_WALK_BAD_CSUM;
	/* More fragments, or a fragment offset: not a whole datagram. */
	if (be16(ip + 6) & 0x3fff)
		return XF_WALK_FRAGMENT;
	if (ip[9] != XF_PROTO_UDP)
		return XF_WALK_NOT_UDP;
	found_udp(w, 4, ip + 12, ihl, total);
	return XF_WALK_OK;
}

/* IPv6 at frame + w->l3_off, as ip4(); walks the extension headers. */
static enum xf_walk_verdict ip6(const uint8_t *ip, uint32_t room, uint32_t hroom,
				const struct xf_walk_policy *pol, struct xf_walk *w)
{
	uint32_t plen, end, off = XF_IP6_HLEN, i;
	uint8_t next;

	if (hroom < XF_IP6_HLEN)
		return XF_WALK_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return XF_WALK_BAD_HDR;
	plen = be16(ip + 4);
	if (!plen)
		return XF_WALK_BAD_HDR; /* a jumbogram (RFC 2675), or nothing at all */
	if (plen > room - XF_IP6_HLEN)
		return XF_WALK_TRUNCATED;
	end = XF_IP6_HLEN + plen; /* from here on, @end (inside the frame) bounds everything */
	next = ip[6];
	for (i = 0; next != XF_PROTO_UDP; i++) {
		uint32_t hlen;

		if (next == XF_IP6_FRAGMENT && !pol->ip6_atomic_frag)
			return XF_WALK_FRAGMENT;
		if (i == pol->max_ext)
			return XF_WALK_EXT_LIMIT;
		if (next != XF_IP6_HOPOPTS && next != XF_IP6_ROUTING && next != XF_IP6_DSTOPTS &&
		    next != XF_IP6_FRAGMENT)
			return next == XF_IP6_ESP || next == XF_IP6_AH || next == XF_IP6_NONXT
				       ? XF_WALK_EXT_OPAQUE
				       : XF_WALK_NOT_UDP;
		/* its first 8 bytes are read: inside the packet and the head */
		if (end - off < 8 || off + 8 > hroom)
			return XF_WALK_TRUNCATED;
		if (next == XF_IP6_FRAGMENT) {
			/* Only an atomic fragment (offset 0, no M flag) is whole. */
			if (be16(ip + off + 2) & 0xfff9)
				return XF_WALK_FRAGMENT;
			hlen = 8;
		} else {
			hlen = ((uint32_t)ip[off + 1] + 1) * 8;
			if (hlen > end - off)
				return XF_WALK_TRUNCATED;
		}
		next = ip[off];
		off += hlen;
	}
	found_udp(w, 6, ip + 8, off, end);
	return XF_WALK_OK;
}

/* The UDP checksum of the @ulen-byte datagram at @udp verifies (or is absent and allowed). */
static bool udp_csum_ok(const uint8_t *udp, uint32_t ulen, const struct xf_walk_policy *pol,
			const struct xf_walk *w)
{
	uint64_t sum;

	if (!udp[6] && !udp[7])
		return w->family == 4 || pol->udp6_zero_csum;
	sum = xf_csum_pseudo(0, w->src_ip, w->dst_ip, w->family == 4 ? 4 : 16, XF_PROTO_UDP, ulen);
	return xf_csum_ok(xf_csum_add(sum, udp, ulen));
}

enum xf_walk_verdict xf_walk_head(const void *frame, uint32_t head, uint32_t len,
				  const struct xf_walk_policy *pol, struct xf_walk *w)
{
	const uint8_t *p = frame, *udp;
	uint32_t off = XF_ETH_HLEN, ulen;
	enum xf_walk_verdict v;
	uint16_t type;
	uint8_t n;

	if (head > len)
		head = len;
	if (head < XF_ETH_HLEN)
		return XF_WALK_TRUNCATED;
	w->dst_mac = p;
	w->src_mac = p + 6;
	type = be16(p + 12);
	for (n = 0; type == XF_ETH_P_8021Q || (type == XF_ETH_P_8021AD && pol->vlan_8021ad); n++) {
		if (n == pol->max_vlans || n == XF_WALK_MAX_VLAN)
			return XF_WALK_VLAN_LIMIT;
		if (head - off < XF_VLAN_HLEN)
			return XF_WALK_TRUNCATED;
		w->vlan_tci[n] = be16(p + off);
		type = be16(p + off + 2);
		off += XF_VLAN_HLEN;
	}
	w->nvlan = n;
	w->l3_off = off;
	if (type == XF_ETH_P_IP)
		v = ip4(p + off, len - off, head - off, pol, w);
	else if (type == XF_ETH_P_IPV6)
		v = ip6(p + off, len - off, head - off, pol, w);
	else
		return XF_WALK_NOT_IP;
	if (v != XF_WALK_OK)
		return v;
	if (w->l3_end - w->l4_off < XF_UDP_HLEN || w->l4_off + XF_UDP_HLEN > head)
		return XF_WALK_TRUNCATED;
	udp = p + w->l4_off;
	ulen = be16(udp + 4);
	if (ulen < XF_UDP_HLEN || ulen > w->l3_end - w->l4_off)
		return XF_WALK_TRUNCATED;
	/* The checksum covers the datagram: all of it must be in the head. */
	if (pol->udp_csum && ulen > head - w->l4_off)
		return XF_WALK_TRUNCATED;
	if (pol->udp_csum && !udp_csum_ok(udp, ulen, pol, w))
		return XF_WALK_BAD_CSUM;
	w->sport = be16(udp);
	w->dport = be16(udp + 2);
	w->payload = udp + XF_UDP_HLEN;
	w->payload_len = ulen - XF_UDP_HLEN;
	w->payload_head = head - w->l4_off - XF_UDP_HLEN;
	if (w->payload_head > w->payload_len)
		w->payload_head = w->payload_len;
	return XF_WALK_OK;
}

enum xf_walk_verdict xf_walk(const void *frame, uint32_t len, const struct xf_walk_policy *pol,
			     struct xf_walk *w)
{
	return xf_walk_head(frame, len, len, pol, w);
}

const char *xf_walk_verdict_name(enum xf_walk_verdict v)
{
	static const char *const names[XF_WALK_NVERDICTS] = {
		[XF_WALK_OK] = "ok",
		[XF_WALK_TRUNCATED] = "truncated",
		[XF_WALK_NOT_IP] = "not_ip",
		[XF_WALK_VLAN_LIMIT] = "vlan_limit",
		[XF_WALK_BAD_HDR] = "bad_hdr",
		[XF_WALK_BAD_CSUM] = "bad_csum",
		[XF_WALK_FRAGMENT] = "fragment",
		[XF_WALK_EXT_LIMIT] = "ext_limit",
		[XF_WALK_EXT_OPAQUE] = "ext_opaque",
		[XF_WALK_NOT_UDP] = "not_udp",
	};

	return (unsigned int)v < XF_WALK_NVERDICTS ? names[v] : "?";
}
