// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* serve's frames: parsing requests, building replies (see serve_frame.h). */
#include <string.h>

#include "csum.h"
#include "hdr_tmpl.h"
#include "pkt_walk.h"
#include "serve_frame.h"

#define TTL 64
/* The largest payloads the IPv4 total length / the UDP length can say. */
#define MAX_PAYLOAD4 (65535u - SV_IP4_HLEN - SV_UDP_HLEN)
#define MAX_PAYLOAD6 (65535u - SV_UDP_HLEN)

_Static_assert(SV_HDR_MAX == XF_HDR_MAX, "a reply template is a header template");

static const struct xf_walk_policy sv_policy = {
	.max_vlans = 1, /* a reply template holds one tag; 802.1ad is not a tag here */
	.max_ext = SV_MAX_EXT,
	.ip4_csum = true,
	.udp_csum = true,
};

/* What serve tells apart: a frame for another host or protocol is not_udp. */
static enum sv_verdict sv_verdict_of(enum xf_walk_verdict v)
{
	switch (v) {
	case XF_WALK_OK:
		return SV_OK;
	case XF_WALK_TRUNCATED:
	case XF_WALK_BAD_HDR:
		return SV_MALFORMED;
	case XF_WALK_BAD_CSUM:
		return SV_BAD_CSUM;
	case XF_WALK_FRAGMENT:
		return SV_FRAGMENT;
	default: /* not IP, QinQ, other protocols or extension headers */
		return SV_NOT_UDP;
	}
}

enum sv_verdict sv_parse(const uint8_t *frame, uint32_t len, struct sv_pkt *out)
{
	struct xf_walk w;
	enum sv_verdict v = sv_verdict_of(xf_walk(frame, len, &sv_policy, &w));
	struct sv_pkt pkt;

	if (v != SV_OK)
		return v;
	memset(&pkt, 0, sizeof(pkt));
	memcpy(pkt.dst_mac, w.dst_mac, 6);
	memcpy(pkt.src_mac, w.src_mac, 6);
	pkt.has_vlan = w.nvlan != 0;
	pkt.vlan_tci = w.nvlan ? w.vlan_tci[0] : 0;
	pkt.family = w.family;
	memcpy(pkt.src_ip, w.src_ip, w.family == 4 ? 4 : 16);
	memcpy(pkt.dst_ip, w.dst_ip, w.family == 4 ? 4 : 16);
	pkt.sport = w.sport;
	pkt.dport = w.dport;
	pkt.payload = w.payload;
	pkt.payload_len = w.payload_len;
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
	struct xf_hdr_spec s = {
		.has_vlan = req->has_vlan,
		.vlan_tci = req->vlan_tci,
		.family = req->family,
		.ttl = TTL,
		.sport = server_port,
		.dport = req->sport,
	};
	struct xf_hdr_layout l;

	/* To whom the request came from, from the address it asked. */
	memcpy(s.dst_mac, req->src_mac, 6);
	memcpy(s.src_mac, req->dst_mac, 6);
	memcpy(s.dst_ip, req->src_ip, 16);
	memcpy(s.src_ip, req->dst_ip, 16);
	memset(h, 0, sizeof(*h));
	xf_hdr_build(h->bytes, &s, &l);
	h->len = l.len;
	h->family = l.family;
	h->l3_off = l.l3_off;
	h->l4_off = l.l4_off;
	h->csum_base = l.csum_base;
}

uint32_t sv_build(const struct sv_hdr *h, uint8_t *frame, uint32_t payload_len)
{
	uint32_t ulen = payload_len + SV_UDP_HLEN, flen = h->len + payload_len;
	const struct xf_hdr_layout l = {
		.len = h->len, .l3_off = h->l3_off, .l4_off = h->l4_off, .family = h->family
	};
	uint8_t *udp = frame + h->l4_off;
	uint16_t lw, c;

	if (payload_len > (h->family == 4 ? MAX_PAYLOAD4 : MAX_PAYLOAD6))
		return 0;
	memcpy(frame, h->bytes, h->len);
	xf_hdr_put_lengths(frame, &l, payload_len);
	/* The template's UDP checksum field is 0: it adds nothing. */
	lw = htons((uint16_t)ulen);
	c = xf_csum_udp(
		xf_csum_add((uint64_t)h->csum_base + lw + lw, udp + SV_UDP_HLEN, payload_len));
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
