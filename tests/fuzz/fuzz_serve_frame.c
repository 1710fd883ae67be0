// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: sv_parse() and the reply built from what it accepts
 * (user/serve/serve_frame.c), the TFTP server's parser of wire bytes. Pattern
 * and build: see fuzz_rules.c.
 *
 * Input: the frame itself. Beyond "no crash, no out-of-bounds read" (ASan
 * sees the exact-size buffer), each result is checked against the
 * contract (serve_frame.h): the verdict is one of the enum and has a name;
 * any verdict but SV_OK leaves *out untouched; the same bytes give the same
 * answer. An accepted frame is re-checked here, independently: the
 * ethertype matches the family, the payload lies inside the frame right
 * after a UDP header whose ports and length are the ones reported, the
 * addresses are the frame's, IPv4 is a whole, checksummed datagram, and the
 * UDP checksum (a byte-wise RFC 1071 sum) verifies. Then a reply built from
 * it, with the request's payload echoed, must parse as SV_OK with the
 * addresses and ports swapped and the same payload. A difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_frame.h"
#include "../ref_csum.h"

#define FUZZ_NAME "fuzz_serve_frame"
#include "fuzz_check.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The independent re-check of an accepted frame. */
static void recheck(const uint8_t *f, uint32_t len, const struct sv_pkt *p)
{
	uint32_t l3 = p->has_vlan ? 18 : 14, l4, ulen, s;
	const uint8_t *udp;
	uint8_t ph[4];

	check(p->family == 4 || p->family == 6);
	check(be16(f + 12) == (p->has_vlan ? 0x8100 : (p->family == 4 ? 0x0800 : 0x86dd)));
	if (p->has_vlan) {
		check(be16(f + 14) == p->vlan_tci);
		check(be16(f + 16) == (p->family == 4 ? 0x0800 : 0x86dd));
	}
	check(!memcmp(p->dst_mac, f, 6) && !memcmp(p->src_mac, f + 6, 6));
	check(p->payload >= f + l3 + 28 && p->payload_len <= len &&
	      p->payload + p->payload_len <= f + len);
	udp = p->payload - 8;
	l4 = (uint32_t)(udp - f);
	ulen = be16(udp + 4);
	check(ulen == p->payload_len + 8);
	check(be16(udp) == p->sport && be16(udp + 2) == p->dport);
	if (p->family == 4) {
		uint32_t ihl = (f[l3] & 15u) * 4;

		check(f[l3] >> 4 == 4 && ihl >= 20 && l4 == l3 + ihl);
		check(l3 + be16(f + l3 + 2) <= len && l4 + ulen <= l3 + be16(f + l3 + 2));
		check(ref_sum(f + l3, ihl) == 0xffff);
		check((be16(f + l3 + 6) & 0x3fff) == 0 && f[l3 + 9] == 17);
		check(!memcmp(p->src_ip, f + l3 + 12, 4) && !memcmp(p->dst_ip, f + l3 + 16, 4));
		check(!memcmp(p->src_ip + 4, (uint8_t[12]){ 0 }, 12));
		check(!memcmp(p->dst_ip + 4, (uint8_t[12]){ 0 }, 12));
		if (!be16(udp + 6))
			return; /* no checksum */
		s = ref_sum(f + l3 + 12, 8);
	} else {
		check(f[l3] >> 4 == 6 && l4 >= l3 + 40);
		check(be16(f + l3 + 4) && l3 + 40 + be16(f + l3 + 4) <= len);
		check(l4 + ulen <= l3 + 40 + be16(f + l3 + 4));
		if (l4 == l3 + 40)
			check(f[l3 + 6] == 17);
		check(!memcmp(p->src_ip, f + l3 + 8, 16) && !memcmp(p->dst_ip, f + l3 + 24, 16));
		s = ref_sum(f + l3 + 8, 32);
	}
	ph[0] = 0;
	ph[1] = 17;
	ph[2] = (uint8_t)(ulen >> 8);
	ph[3] = (uint8_t)ulen;
	s += ref_sum(ph, 4) + ref_sum(udp, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	check(s == 0xffff);
}

/* A reply echoing the payload parses back with everything swapped. */
static void reply(const struct sv_pkt *p)
{
	static uint8_t frame[SV_HDR_MAX + 65536];
	struct sv_pkt r;
	struct sv_hdr h;
	uint32_t flen;

	sv_hdr_init(&h, p, 69);
	check(h.len == (p->has_vlan ? 18 : 14) + (p->family == 4 ? 28 : 48));
	memcpy(frame + h.len, p->payload, p->payload_len);
	flen = sv_build(&h, frame, p->payload_len);
	check(flen ==
	      (h.len + p->payload_len < SV_MIN_FRAME ? SV_MIN_FRAME : h.len + p->payload_len));
	check(sv_parse(frame, flen, &r) == SV_OK);
	check(r.family == p->family && r.has_vlan == p->has_vlan && r.vlan_tci == p->vlan_tci);
	check(!memcmp(r.src_mac, p->dst_mac, 6) && !memcmp(r.dst_mac, p->src_mac, 6));
	check(!memcmp(r.src_ip, p->dst_ip, 16) && !memcmp(r.dst_ip, p->src_ip, 16));
	check(r.sport == 69 && r.dport == p->sport);
	check(r.payload == frame + h.len && r.payload_len == p->payload_len);
	check(!memcmp(r.payload, p->payload, p->payload_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_pkt out, again, untouched;
	enum sv_verdict v, w;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;

	memset(&untouched, 0xa5, sizeof(untouched));
	out = untouched;
	v = sv_parse(data, len, &out);
	check(v < SV_NVERDICTS);
	check(strcmp(sv_verdict_name(v), "?") != 0);
	if (v == SV_OK) {
		recheck(data, len, &out);
		reply(&out);
	} else {
		check(!memcmp(&out, &untouched, sizeof(out)));
	}
	again = untouched;
	w = sv_parse(data, len, &again);
	check(w == v);
	check(!memcmp(&out, &again, sizeof(out)));
	return 0;
}
