// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Building the generator's template frame (see gen_frame.h). */
#include <errno.h>

#include "gen_frame.h"
#include "hdr_tmpl.h"

int xf_gen_tmpl_init(struct xf_gen_tmpl *t, const struct xf_gen_addrs *a, uint32_t len,
		     uint32_t flows)
{
	/* The source port is stamped per packet: 0 in the template and its sum. */
	struct xf_hdr_spec s = { .family = a->ipv6 ? 6 : 4, .ttl = 64, .dport = a->dport };
	struct xf_gen_payload pl = { .magic = XF_GEN_MAGIC };
	uint8_t *f = t->frame;
	struct xf_hdr_layout l;
	uint32_t udp_len;

	if (len > XF_GEN_MAX_FRAME || !flows ||
	    len < (a->ipv6 ? XF_GEN_MIN_SIZE6 : XF_GEN_MIN_SIZE4) ||
	    (uint32_t)a->sport + flows - 1 > 65535)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->len = len;
	t->ipv6 = a->ipv6;
	t->sport = a->sport;
	t->flows = flows;
	memcpy(s.dst_mac, a->dst_mac, 6);
	memcpy(s.src_mac, a->src_mac, 6);
	if (a->ipv6) {
		memcpy(s.src_ip, &a->src6, 16);
		memcpy(s.dst_ip, &a->dst6, 16);
	} else {
		memcpy(s.src_ip, &a->src4, 4);
		memcpy(s.dst_ip, &a->dst4, 4);
	}
	xf_hdr_build(f, &s, &l);
	t->udp_off = l.l4_off;
	t->pl_off = l.len;
	udp_len = len - t->udp_off;
	/* Lengths and the IPv4 header checksum never change: written once. */
	xf_hdr_put_lengths(f, &l, udp_len - XF_GEN_UDP_HLEN);
	memcpy(f + t->pl_off, &pl, sizeof(pl));
	if (a->ipv6) {
		/* The UDP length in the pseudo-header and the header, and the
		 * payload: the magic, the zeros that follow. */
		uint64_t sum = l.csum_base + 2ull * htons((uint16_t)udp_len);

		sum = xf_csum_add(sum, f + t->pl_off, udp_len - XF_GEN_UDP_HLEN);
		t->csum_base = xf_csum_fold(sum);
	}
	/* Sequence 0, stream 0, time 0: a valid frame even before stamping. */
	xf_gen_stamp(f, t, 0, 0, 0);
	return 0;
}
