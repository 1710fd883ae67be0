// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: xf_walk() (user/net/pkt_walk.c), the packet walker
 * under every policy. Pattern and build: see fuzz_rules.c.
 *
 * Input: one byte of policy (bit 0-1 max_vlans, 2 802.1ad, 3-5 max_ext,
 * 6 atomic fragments, 7 checksums verified, and then 0 over IPv6 allowed
 * when max_ext is odd), then the frame. Beyond "no crash, no out-of-bounds
 * read" (ASan sees the exact-size frame), an OK result is re-checked here,
 * independently: the family matches the ethertype after nvlan tags (no more
 * than the policy walks), the addresses are in the IP header, the UDP
 * header's ports and length are the ones reported, the payload lies inside
 * the UDP length inside the IP packet inside the frame, and with checksums
 * verified both checksums verify by the reference sum. The same bytes give
 * the same answer. The frame is also walked as a multi-buffer packet whose
 * first buffer is its first N bytes (N from the input; ASan sees a buffer of
 * exactly N): OK then exactly when the whole frame is OK and its headers
 * (with checksums verified, its datagram) lie in those N bytes, with the
 * same lengths and the payload bytes in the head said. A difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_walk.h"
#include "../ref_csum.h"

#define FUZZ_NAME "fuzz_pkt_walk"
#include "fuzz_check.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void recheck(const uint8_t *f, uint32_t len, const struct xf_walk_policy *pol,
		    const struct xf_walk *w)
{
	uint32_t alen = w->family == 4 ? 4 : 16, ulen, s;
	const uint8_t *ip = f + w->l3_off, *udp = f + w->l4_off;
	uint8_t ph[4];

	check(w->nvlan <= pol->max_vlans && w->l3_off == 14u + 4u * w->nvlan);
	check(w->dst_mac == f && w->src_mac == f + 6);
	check(w->family == 4 || w->family == 6);
	check(be16(ip - 2) == (w->family == 4 ? 0x0800 : 0x86dd));
	check(w->l3_end <= len && w->l4_off + 8 <= w->l3_end);
	ulen = be16(udp + 4);
	check(ulen >= 8 && w->l4_off + ulen <= w->l3_end);
	check(w->payload == udp + 8 && w->payload_len == ulen - 8);
	check(w->sport == be16(udp) && w->dport == be16(udp + 2));
	if (w->family == 4) {
		uint32_t ihl = (ip[0] & 15u) * 4;

		check(ip[0] >> 4 == 4 && w->l4_off == w->l3_off + ihl && ip[9] == 17);
		check(w->l3_end == w->l3_off + be16(ip + 2) && !(be16(ip + 6) & 0x3fff));
		check(w->src_ip == ip + 12 && w->dst_ip == ip + 16);
		if (pol->ip4_csum)
			check(ref_sum(ip, ihl) == 0xffff);
	} else {
		check(ip[0] >> 4 == 6 && w->l3_end == w->l3_off + 40 + be16(ip + 4));
		check(w->l4_off >= w->l3_off + 40 && (w->l4_off - w->l3_off) % 8 == 0);
		check(w->l4_off - w->l3_off - 40 <= 8u * 256 * pol->max_ext);
		check(w->src_ip == ip + 8 && w->dst_ip == ip + 24);
	}
	if (!pol->udp_csum)
		return;
	if (!be16(udp + 6)) {
		check(w->family == 4 || pol->udp6_zero_csum);
		return;
	}
	ph[0] = 0;
	ph[1] = 17;
	ph[2] = (uint8_t)(ulen >> 8);
	ph[3] = (uint8_t)ulen;
	s = ref_sum(w->src_ip, alen) + ref_sum(w->dst_ip, alen) + ref_sum(ph, 4) +
	    ref_sum(udp, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	check(s == 0xffff);
}

/* The frame's first @head bytes walked as a multi-buffer packet's first buffer. */
static void walk_head(const uint8_t *f, uint32_t len, uint32_t head,
		      const struct xf_walk_policy *pol, enum xf_walk_verdict whole,
		      const struct xf_walk *w)
{
	uint8_t *copy = malloc(head ? head : 1); /* exactly the head */
	uint32_t need, in_head;
	enum xf_walk_verdict v;
	struct xf_walk h;

	check(copy != NULL);
	memcpy(copy, f, head);
	v = xf_walk_head(copy, head, len, pol, &h);
	free(copy);
	if (whole != XF_WALK_OK) {
		/* what is wrong with the whole frame is wrong with it */
		check(v != XF_WALK_OK);
		return;
	}
	need = w->l4_off + (pol->udp_csum ? 8 + w->payload_len : 8);
	check(head >= need ? v == XF_WALK_OK : v == XF_WALK_TRUNCATED);
	if (v != XF_WALK_OK)
		return;
	in_head = head - w->l4_off - 8;
	check(h.l4_off == w->l4_off && h.l3_end == w->l3_end && h.payload_len == w->payload_len);
	check(h.payload_head == (in_head < w->payload_len ? in_head : w->payload_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xf_walk_policy pol;
	struct xf_walk w, again;
	enum xf_walk_verdict v, u;
	uint8_t *frame;
	uint32_t len;

	if (size < 1 || size > 70000)
		return 0;
	pol = (struct xf_walk_policy){
		.max_vlans = data[0] & 3,
		.vlan_8021ad = data[0] >> 2 & 1,
		.max_ext = data[0] >> 3 & 7,
		.ip6_atomic_frag = data[0] >> 6 & 1,
		.ip4_csum = data[0] >> 7,
		.udp_csum = data[0] >> 7,
		.udp6_zero_csum = data[0] >> 3 & 1,
	};
	len = (uint32_t)size - 1;
	frame = malloc(len ? len : 1); /* exactly the frame: ASan sees an over-read */
	check(frame != NULL);
	memcpy(frame, data + 1, len);
	/* Tags past nvlan are not written: start both results alike. */
	memset(&w, 0, sizeof(w));
	memset(&again, 0, sizeof(again));
	v = xf_walk(frame, len, &pol, &w);
	check(v < XF_WALK_NVERDICTS && strcmp(xf_walk_verdict_name(v), "?") != 0);
	if (v == XF_WALK_OK)
		recheck(frame, len, &pol, &w);
	u = xf_walk(frame, len, &pol, &again);
	check(u == v);
	if (v == XF_WALK_OK)
		check(!memcmp(&w, &again, sizeof(w)));
	if (len)
		walk_head(frame, len, (uint32_t)(data[len] * 257u + len) % (len + 1), &pol, v, &w);
	free(frame);
	return 0;
}
