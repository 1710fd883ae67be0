// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* serve's frames: parsing requests, building replies (see serve_frame.h). */
#include <string.h>

#include "serve_frame.h"

#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define ETH_P_8021Q_ 0x8100
#define PROTO_UDP 17
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_DSTOPTS 60
#define TTL 64
/* The largest payloads the IPv4 total length / the UDP length can say. */
#define MAX_PAYLOAD4 (65535u - SV_IP4_HLEN - SV_UDP_HLEN)
#define MAX_PAYLOAD6 (65535u - SV_UDP_HLEN)

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Fold a one's complement sum to 16 bits (not complemented). */
static uint16_t fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/*
 * One's complement sum of @len bytes as memory-order 16-bit words, a last
 * odd byte padded with a zero after it; @sum is a sum to add to. 64-bit
 * loads with end-around carry: one's complement addition in any word width
 * folds to the same 16-bit sum.
 */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t w;
	uint32_t w32;
	uint16_t w16;

	while (len >= 8) {
		memcpy(&w, p, 8);
		sum += w;
		sum += sum < w; /* end-around carry */
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		sum += sum < w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		sum += sum < w16;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		sum += w16;
		sum += sum < w16;
	}
	return sum;
}

/* The UDP length as the memory-order word it is in the headers. */
static uint16_t len_word(uint32_t ulen)
{
	uint8_t b[2];
	uint16_t w;

	put_be16(b, (uint16_t)ulen);
	memcpy(&w, b, 2);
	return w;
}

/*
 * IPv4 at @p with @room bytes to the end of the frame: sets the UDP
 * header's offset from @p and the IP packet's end (<= @room).
 */
static enum sv_verdict ip4(const uint8_t *p, uint32_t room, uint32_t *l4, uint32_t *end)
{
	uint32_t ihl, total;

	if (room < SV_IP4_HLEN)
		return SV_MALFORMED;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (p[0] >> 4 != 4 || ihl < SV_IP4_HLEN || ihl > room)
		return SV_MALFORMED;
	total = be16(p + 2);
	if (total < ihl || total > room)
		return SV_MALFORMED;
	if (fold(csum_add(0, p, ihl)) != 0xffff)
		return SV_BAD_CSUM;
	/* More fragments, or a fragment offset: not a whole datagram. */
	if (be16(p + 6) & 0x3fff)
		return SV_FRAGMENT;
	if (p[9] != PROTO_UDP)
		return SV_NOT_UDP;
	*l4 = ihl;
	*end = total;
	return SV_OK;
}

/* IPv6 at @p, as ip4(); walks up to SV_MAX_EXT extension headers. */
static enum sv_verdict ip6(const uint8_t *p, uint32_t room, uint32_t *l4, uint32_t *end)
{
	uint32_t plen, off = SV_IP6_HLEN, i;
	uint8_t next;

	if (room < SV_IP6_HLEN || p[0] >> 4 != 6)
		return SV_MALFORMED;
	plen = be16(p + 4);
	/* 0 is a jumbogram (RFC 2675), which no Ethernet frame can be. */
	if (!plen || plen > room - SV_IP6_HLEN)
		return SV_MALFORMED;
	*end = SV_IP6_HLEN + plen;
	next = p[6];
	for (i = 0;; i++) {
		uint32_t hlen;

		if (next == PROTO_UDP)
			break;
		if (next == IP6_FRAGMENT)
			return SV_FRAGMENT;
		if (i == SV_MAX_EXT ||
		    (next != IP6_HOPOPTS && next != IP6_ROUTING && next != IP6_DSTOPTS))
			return SV_NOT_UDP;
		if (*end - off < 8)
			return SV_MALFORMED;
		hlen = ((uint32_t)p[off + 1] + 1) * 8;
		if (hlen > *end - off)
			return SV_MALFORMED;
		next = p[off];
		off += hlen;
	}
	*l4 = off;
	return SV_OK;
}

enum sv_verdict sv_parse(const uint8_t *frame, uint32_t len, struct sv_pkt *out)
{
	uint32_t off = SV_ETH_HLEN, l4, end, ulen;
	const uint8_t *ip, *udp;
	struct sv_pkt pkt;
	enum sv_verdict v;
	uint64_t sum;
	uint16_t type;

	if (len < SV_ETH_HLEN)
		return SV_MALFORMED;
	memset(&pkt, 0, sizeof(pkt));
	memcpy(pkt.dst_mac, frame, 6);
	memcpy(pkt.src_mac, frame + 6, 6);
	type = be16(frame + 12);
	if (type == ETH_P_8021Q_) {
		if (len - off < SV_VLAN_HLEN)
			return SV_MALFORMED;
		pkt.has_vlan = true;
		pkt.vlan_tci = be16(frame + off);
		type = be16(frame + off + 2);
		off += SV_VLAN_HLEN;
	}
	ip = frame + off;
	if (type == ETH_P_IP_) {
		v = ip4(ip, len - off, &l4, &end);
		pkt.family = 4;
	} else if (type == ETH_P_IPV6_) {
		v = ip6(ip, len - off, &l4, &end);
		pkt.family = 6;
	} else {
		return SV_NOT_UDP;
	}
	if (v != SV_OK)
		return v;
	/* From here on, @end (inside the frame) bounds everything. */
	udp = ip + l4;
	if (end - l4 < SV_UDP_HLEN)
		return SV_MALFORMED;
	ulen = be16(udp + 4);
	if (ulen < SV_UDP_HLEN || ulen > end - l4)
		return SV_MALFORMED;
	if (pkt.family == 4) {
		memcpy(pkt.src_ip, ip + 12, 4);
		memcpy(pkt.dst_ip, ip + 16, 4);
	} else {
		memcpy(pkt.src_ip, ip + 8, 16);
		memcpy(pkt.dst_ip, ip + 24, 16);
	}
	if (pkt.family == 6 || be16(udp + 6)) {
		/* Pseudo-header: addresses, protocol, UDP length; then the datagram. */
		uint8_t proto[2] = { 0, PROTO_UDP };

		sum = csum_add(0, pkt.src_ip, pkt.family == 4 ? 4 : 16);
		sum = csum_add(sum, pkt.dst_ip, pkt.family == 4 ? 4 : 16);
		sum = csum_add(sum, proto, 2);
		sum += len_word(ulen);
		sum = csum_add(sum, udp, ulen);
		if (fold(sum) != 0xffff)
			return SV_BAD_CSUM;
	}
	pkt.sport = be16(udp);
	pkt.dport = be16(udp + 2);
	pkt.payload = udp + SV_UDP_HLEN;
	pkt.payload_len = ulen - SV_UDP_HLEN;
	memcpy(out, &pkt, sizeof(pkt)); /* padding included: callers may memcmp */
	return SV_OK;
}

const char *sv_verdict_name(enum sv_verdict v)
{
	static const char *const names[SV_NVERDICTS] = {
		[SV_OK] = "ok",
		[SV_NOT_UDP] = "not_udp",
		[SV_FRAGMENT] = "fragment",
		[SV_MALFORMED] = "malformed",
		[SV_BAD_CSUM] = "bad_csum",
	};

	if ((unsigned int)v >= SV_NVERDICTS)
		return "?";
	return names[v];
}

void sv_hdr_init(struct sv_hdr *h, const struct sv_pkt *req, uint16_t server_port)
{
	uint8_t *b = h->bytes, *ip, *udp, proto[2] = { 0, PROTO_UDP };
	uint32_t alen = req->family == 4 ? 4 : 16, off = SV_ETH_HLEN;
	uint64_t sum;

	memset(h, 0, sizeof(*h));
	memcpy(b, req->src_mac, 6);
	memcpy(b + 6, req->dst_mac, 6);
	if (req->has_vlan) {
		put_be16(b + 12, ETH_P_8021Q_);
		put_be16(b + 14, req->vlan_tci);
		off += SV_VLAN_HLEN;
	}
	put_be16(b + off - 2, req->family == 4 ? ETH_P_IP_ : ETH_P_IPV6_);
	h->family = req->family;
	h->l3_off = (uint8_t)off;
	ip = b + off;
	if (req->family == 4) {
		ip[0] = 0x45;		  /* version 4, no options; TOS 0, lengths later */
		put_be16(ip + 6, 0x4000); /* id 0, don't fragment */
		ip[8] = TTL;
		ip[9] = PROTO_UDP;
		memcpy(ip + 12, req->dst_ip, 4);
		memcpy(ip + 16, req->src_ip, 4);
		off += SV_IP4_HLEN;
	} else {
		ip[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
		ip[6] = PROTO_UDP;
		ip[7] = TTL;
		memcpy(ip + 8, req->dst_ip, 16);
		memcpy(ip + 24, req->src_ip, 16);
		off += SV_IP6_HLEN;
	}
	h->l4_off = (uint8_t)off;
	udp = b + off;
	put_be16(udp, server_port);
	put_be16(udp + 2, req->sport);
	h->len = (uint8_t)(off + SV_UDP_HLEN);
	/* Both addresses, the protocol, both ports. */
	sum = csum_add(0, req->src_ip, alen);
	sum = csum_add(sum, req->dst_ip, alen);
	sum = csum_add(sum, proto, 2);
	sum = csum_add(sum, udp, 4);
	h->csum_base = fold(sum);
}

uint32_t sv_build(const struct sv_hdr *h, uint8_t *frame, uint32_t payload_len)
{
	uint32_t ulen = payload_len + SV_UDP_HLEN, flen = h->len + payload_len;
	uint8_t *ip = frame + h->l3_off, *udp = frame + h->l4_off;
	uint16_t lw, c;
	uint64_t sum;

	if (payload_len > (h->family == 4 ? MAX_PAYLOAD4 : MAX_PAYLOAD6))
		return 0;
	memcpy(frame, h->bytes, h->len);
	if (h->family == 4) {
		put_be16(ip + 2, (uint16_t)(ulen + SV_IP4_HLEN));
		c = (uint16_t)~fold(csum_add(0, ip, SV_IP4_HLEN));
		memcpy(ip + 10, &c, 2);
	} else {
		put_be16(ip + 4, (uint16_t)ulen);
	}
	put_be16(udp + 4, (uint16_t)ulen);
	/* The template's UDP checksum field is 0: it adds nothing. */
	lw = len_word(ulen);
	sum = csum_add((uint64_t)h->csum_base + lw + lw, udp + SV_UDP_HLEN, payload_len);
	c = (uint16_t)~fold(sum);
	if (!c)
		c = 0xffff; /* 0 is "no checksum" (and forbidden over IPv6) */
	memcpy(udp + 6, &c, 2);
	if (flen < SV_MIN_FRAME) {
		memset(frame + flen, 0, SV_MIN_FRAME - flen);
		flen = SV_MIN_FRAME;
	}
	return flen;
}

uint32_t sv_max_payload(uint32_t mtu, uint8_t family)
{
	uint32_t hdrs, max;

	if (family == 4)
		hdrs = SV_IP4_HLEN + SV_UDP_HLEN, max = MAX_PAYLOAD4;
	else if (family == 6)
		hdrs = SV_IP6_HLEN + SV_UDP_HLEN, max = MAX_PAYLOAD6;
	else
		return 0;
	if (mtu <= hdrs)
		return 0;
	return mtu - hdrs < max ? mtu - hdrs : max;
}
