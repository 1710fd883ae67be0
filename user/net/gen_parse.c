// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Finding the generator's payload in a frame (see gen_parse.h). */
#include <string.h>

#include "gen_parse.h"

#define ETH_HLEN_ 14
#define VLAN_HLEN_ 4
#define IP4_HLEN_ 20
#define IP6_HLEN_ 40
#define UDP_HLEN_ 8
#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define PROTO_UDP 17
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_DSTOPTS 60

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * IPv4 at @p, @room bytes up to the end of the frame. On success sets the
 * UDP header's offset from @p and the IP packet's end (<= @room).
 */
static enum xf_gen_verdict ip4(const uint8_t *p, uint32_t room, uint32_t *l4, uint32_t *end)
{
	uint32_t ihl, total;

	if (room < IP4_HLEN_)
		return XF_GEN_TRUNCATED;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (p[0] >> 4 != 4 || ihl < IP4_HLEN_)
		return XF_GEN_BAD_IP;
	total = be16(p + 2);
	if (total < ihl)
		return XF_GEN_BAD_IP;
	if (total > room)
		return XF_GEN_TRUNCATED;
	/* More fragments, or a fragment offset: not a whole datagram. */
	if (be16(p + 6) & 0x3fff)
		return XF_GEN_BAD_IP;
	if (p[9] != PROTO_UDP)
		return XF_GEN_NOT_UDP;
	*l4 = ihl;
	*end = total;
	return XF_GEN_OURS;
}

/* IPv6 at @p, as ip4(); walks up to XF_GEN_MAX_EXT extension headers. */
static enum xf_gen_verdict ip6(const uint8_t *p, uint32_t room, uint32_t *l4, uint32_t *end)
{
	uint32_t plen, off = IP6_HLEN_, i;
	uint8_t next;

	if (room < IP6_HLEN_)
		return XF_GEN_TRUNCATED;
	if (p[0] >> 4 != 6)
		return XF_GEN_BAD_IP;
	plen = be16(p + 4);
	if (!plen)
		return XF_GEN_BAD_IP; /* jumbogram (or nothing at all) */
	if (plen > room - IP6_HLEN_)
		return XF_GEN_TRUNCATED;
	*end = IP6_HLEN_ + plen;
	next = p[6];
	for (i = 0; i <= XF_GEN_MAX_EXT; i++) {
		uint32_t hlen;

		if (next == PROTO_UDP) {
			*l4 = off;
			return XF_GEN_OURS;
		}
		if (i == XF_GEN_MAX_EXT)
			break;
		if (next != IP6_HOPOPTS && next != IP6_ROUTING && next != IP6_DSTOPTS &&
		    next != IP6_FRAGMENT)
			return next == 50 || next == 51 || next == 59 ? XF_GEN_BAD_IP
								      : XF_GEN_NOT_UDP;
		if (*end - off < 8)
			return XF_GEN_TRUNCATED;
		if (next == IP6_FRAGMENT) {
			/* Only an atomic fragment (offset 0, no M flag) is whole. */
			if (be16(p + off + 2) & 0xfff9)
				return XF_GEN_BAD_IP;
			hlen = 8;
		} else {
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			if (hlen > *end - off)
				return XF_GEN_TRUNCATED;
		}
		next = p[off];
		off += hlen;
	}
	return XF_GEN_BAD_IP; /* more extension headers than we walk */
}

enum xf_gen_verdict xf_gen_parse(const void *frame, uint32_t len, struct xf_gen_payload *out)
{
	const uint8_t *p = frame;
	uint32_t off = ETH_HLEN_, l4, end, ulen, tags;
	struct xf_gen_payload pl;
	enum xf_gen_verdict v;
	uint16_t type;

	if (len < ETH_HLEN_)
		return XF_GEN_TRUNCATED;
	type = be16(p + 12);
	for (tags = 0; type == ETH_P_8021Q_ || type == ETH_P_8021AD_; tags++) {
		if (tags == XF_GEN_MAX_VLAN)
			return XF_GEN_NOT_IP;
		if (len - off < VLAN_HLEN_)
			return XF_GEN_TRUNCATED;
		type = be16(p + off + 2);
		off += VLAN_HLEN_;
	}
	if (type == ETH_P_IP_)
		v = ip4(p + off, len - off, &l4, &end);
	else if (type == ETH_P_IPV6_)
		v = ip6(p + off, len - off, &l4, &end);
	else
		return XF_GEN_NOT_IP;
	if (v != XF_GEN_OURS)
		return v;
	/* From here on, @end (inside the frame) bounds everything. */
	if (end - l4 < UDP_HLEN_)
		return XF_GEN_TRUNCATED;
	ulen = be16(p + off + l4 + 4);
	if (ulen < UDP_HLEN_ || ulen > end - l4)
		return XF_GEN_TRUNCATED;
	if (ulen - UDP_HLEN_ < sizeof(pl))
		return XF_GEN_SHORT;
	memcpy(&pl, p + off + l4 + UDP_HLEN_, sizeof(pl));
	if (pl.magic != XF_GEN_MAGIC)
		return XF_GEN_BAD_MAGIC;
	if (pl.stream >= XF_GEN_MAX_STREAMS)
		return XF_GEN_BAD_STREAM;
	*out = pl;
	return XF_GEN_OURS;
}

const char *xf_gen_verdict_name(enum xf_gen_verdict v)
{
	static const char *const names[XF_GEN_NVERDICTS] = {
		[XF_GEN_OURS] = "ours",		  [XF_GEN_NOT_IP] = "not_ip",
		[XF_GEN_TRUNCATED] = "truncated", [XF_GEN_BAD_IP] = "bad_ip",
		[XF_GEN_NOT_UDP] = "not_udp",	  [XF_GEN_SHORT] = "short",
		[XF_GEN_BAD_MAGIC] = "bad_magic", [XF_GEN_BAD_STREAM] = "bad_stream",
	};

	return (unsigned)v < XF_GEN_NVERDICTS ? names[v] : "?";
}
