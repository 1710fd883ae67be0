// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Building the generator's template frame (see gen_frame.h). */
#include <errno.h>

#include "gen_frame.h"

uint32_t xf_csum_words(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t sum = 0;
	uint16_t w;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, b + i, sizeof(w));
		sum += w;
	}
	return xf_csum_fold(sum);
}

static void put16(uint8_t *p, uint16_t host)
{
	uint16_t v = htons(host);

	memcpy(p, &v, sizeof(v));
}

int xf_gen_tmpl_init(struct xf_gen_tmpl *t, const struct xf_gen_addrs *a, uint32_t len,
		     uint32_t flows)
{
	uint32_t l3 = XF_GEN_ETH_HLEN, udp_len;
	struct xf_gen_payload pl = { .magic = XF_GEN_MAGIC };
	uint8_t *f = t->frame;

	if (len > XF_GEN_MAX_FRAME || !flows ||
	    len < (a->ipv6 ? XF_GEN_MIN_SIZE6 : XF_GEN_MIN_SIZE4) ||
	    (uint32_t)a->sport + flows - 1 > 65535)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->len = len;
	t->ipv6 = a->ipv6;
	t->sport = a->sport;
	t->flows = flows;
	memcpy(f, a->dst_mac, 6);
	memcpy(f + 6, a->src_mac, 6);
	put16(f + 12, a->ipv6 ? 0x86dd : 0x0800);
	if (a->ipv6) {
		t->udp_off = l3 + XF_GEN_IP6_HLEN;
		udp_len = len - t->udp_off;
		f[l3] = 0x60; /* version 6, traffic class 0, flow label 0 */
		put16(f + l3 + 4, (uint16_t)udp_len);
		f[l3 + 6] = IPPROTO_UDP;
		f[l3 + 7] = 64; /* hop limit */
		memcpy(f + l3 + 8, &a->src6, 16);
		memcpy(f + l3 + 24, &a->dst6, 16);
	} else {
		uint16_t c;

		t->udp_off = l3 + XF_GEN_IP4_HLEN;
		udp_len = len - t->udp_off;
		f[l3] = 0x45;
		put16(f + l3 + 2, (uint16_t)(len - l3));
		put16(f + l3 + 6, 0x4000); /* don't fragment */
		f[l3 + 8] = 64;		   /* TTL */
		f[l3 + 9] = IPPROTO_UDP;
		memcpy(f + l3 + 12, &a->src4, 4);
		memcpy(f + l3 + 16, &a->dst4, 4);
		c = (uint16_t)~xf_csum_words(f + l3, XF_GEN_IP4_HLEN);
		memcpy(f + l3 + 10, &c, sizeof(c));
	}
	t->pl_off = t->udp_off + XF_GEN_UDP_HLEN;
	/* UDP: the source port is stamped per packet; checksum 0 for now. */
	put16(f + t->udp_off + 2, a->dport);
	put16(f + t->udp_off + 4, (uint16_t)udp_len);
	memcpy(f + t->pl_off, &pl, sizeof(pl));
	if (a->ipv6) {
		/* Pseudo-header: addresses, upper-layer length, next header. */
		uint8_t ph[8] = { 0 };
		uint64_t sum;

		ph[2] = (uint8_t)(udp_len >> 8);
		ph[3] = (uint8_t)udp_len;
		ph[7] = IPPROTO_UDP;
		sum = xf_csum_words(&a->src6, 16) + xf_csum_words(&a->dst6, 16) +
		      xf_csum_words(ph, sizeof(ph)) + xf_csum_words(f + t->udp_off, udp_len & ~1u);
		if (udp_len & 1) {
			/* A last odd byte is padded with a zero byte after it. */
			uint8_t last[2] = { f[t->udp_off + udp_len - 1], 0 };

			sum += xf_csum_words(last, 2);
		}
		t->csum_base = xf_csum_fold(sum);
	}
	/* Sequence 0, stream 0, time 0: a valid frame even before stamping. */
	xf_gen_stamp(f, t, 0, 0, 0);
	return 0;
}
