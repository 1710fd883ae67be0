// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the header template builder (user/net/hdr_tmpl.c).
 *
 * Each template (IPv4/IPv6, with and without a VLAN tag) is compared byte
 * by byte with the headers written out here by hand; its checksum base
 * with one summed by the reference (tests/ref_csum.h). Then, at every
 * payload size 0..1500 (odd ones too) and at the largest the length fields
 * can say, a packet made of the template + xf_hdr_put_lengths() + the UDP
 * checksum from csum_base must verify from scratch and walk back
 * (pkt_walk.h, checksums verified) to the same addresses, ports and
 * payload. A family other than 4 or 6 writes nothing.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hdr_tmpl.h"
#include "pkt_walk.h"
#include "../../ref_csum.h"

static const uint8_t DST_MAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x00, 0x01 };
static const uint8_t SRC_MAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x00, 0x02 };

static struct xf_hdr_spec spec(uint8_t family, bool vlan)
{
	struct xf_hdr_spec s = { .family = family,
				 .has_vlan = vlan,
				 .vlan_tci = 0xa123,
				 .ttl = 61,
				 .sport = 40000,
				 .dport = 1234 };

	memcpy(s.dst_mac, DST_MAC, 6);
	memcpy(s.src_mac, SRC_MAC, 6);
	if (family == 4) {
		inet_pton(AF_INET, "198.18.0.2", s.src_ip);
		inet_pton(AF_INET, "198.18.0.1", s.dst_ip);
	} else {
		inet_pton(AF_INET6, "2001:db8::2", s.src_ip);
		inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", s.dst_ip);
	}
	return s;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The headers of @s written out by hand, lengths and checksums 0. */
static uint32_t expected(uint8_t *b, const struct xf_hdr_spec *s)
{
	uint32_t off = 12;

	memset(b, 0, XF_HDR_MAX);
	memcpy(b, s->dst_mac, 6);
	memcpy(b + 6, s->src_mac, 6);
	if (s->has_vlan) {
		memcpy(b + 12, "\x81\x00\xa1\x23", 4);
		off += 4;
	}
	if (s->family == 4) {
		memcpy(b + off, "\x08\x00\x45\x00\x00\x00\x00\x00\x40\x00", 10);
		b[off + 10] = s->ttl;
		b[off + 11] = 17;
		memcpy(b + off + 14, s->src_ip, 4);
		memcpy(b + off + 18, s->dst_ip, 4);
		off += 22;
	} else {
		memcpy(b + off, "\x86\xdd\x60", 3);
		b[off + 8] = 17;
		b[off + 9] = s->ttl;
		memcpy(b + off + 10, s->src_ip, 16);
		memcpy(b + off + 26, s->dst_ip, 16);
		off += 42;
	}
	memcpy(b + off, "\x9c\x40\x04\xd2", 4); /* 40000 -> 1234 */
	return off + 8;
}

static void test_templates(void **state)
{
	uint8_t got[XF_HDR_MAX + 8], want[XF_HDR_MAX];
	uint32_t fam, vlan;

	(void)state;
	for (fam = 4; fam <= 6; fam += 2) {
		for (vlan = 0; vlan < 2; vlan++) {
			struct xf_hdr_spec s = spec((uint8_t)fam, vlan);
			uint32_t alen = fam == 4 ? 4 : 16, len = expected(want, &s), sum;
			uint8_t ph[2] = { 0, 17 };
			struct xf_hdr_layout l;

			memset(got, 0xee, sizeof(got));
			assert_int_equal(xf_hdr_build(got, &s, &l), len);
			assert_memory_equal(got, want, len);
			assert_int_equal(got[len], 0xee); /* nothing past the headers */
			assert_int_equal(l.len, len);
			assert_int_equal(l.family, fam);
			assert_int_equal(l.l3_off, vlan ? 18 : 14);
			assert_int_equal(l.l4_off, len - 8);
			/* Addresses, protocol, ports. */
			sum = ref_sum(s.src_ip, alen) + ref_sum(s.dst_ip, alen) + ref_sum(ph, 2) +
			      ref_sum(want + len - 8, 4);
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			assert_int_equal(ntohs(l.csum_base), sum);
		}
	}
}

static void test_bad_family(void **state)
{
	struct xf_hdr_spec s = spec(4, false);
	uint8_t buf[XF_HDR_MAX];
	struct xf_hdr_layout l;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	s.family = 5;
	assert_int_equal(xf_hdr_build(buf, &s, &l), 0);
	s.family = 0;
	assert_int_equal(xf_hdr_build(buf, &s, &l), 0);
	assert_int_equal(buf[0], 0xee);
}

/* Template + lengths + UDP checksum from csum_base: a packet the walker accepts. */
static void packet(uint8_t *f, const struct xf_hdr_spec *s, uint32_t plen)
{
	const struct xf_walk_policy strict = { .max_vlans = 1, .ip4_csum = true, .udp_csum = true };
	struct xf_hdr_layout l;
	struct xf_walk w;
	uint32_t i, len;
	uint64_t sum;
	uint16_t c, lw;

	len = xf_hdr_build(f, s, &l);
	if (s->family == 4)
		f[l.l3_off + 10] = 0x5a; /* garbage in the IPv4 checksum: overwritten */
	for (i = 0; i < plen; i++)
		f[len + i] = (uint8_t)(i * 13 + plen);
	xf_hdr_put_lengths(f, &l, plen);
	lw = htons((uint16_t)(plen + 8));
	sum = xf_csum_add((uint64_t)l.csum_base + lw + lw, f + len, plen);
	c = xf_csum_udp(sum);
	memcpy(f + l.l4_off + 6, &c, 2);

	if (s->family == 4) {
		assert_int_equal(be16(f + l.l3_off + 2), 28 + plen);
		assert_int_equal(ref_sum(f + l.l3_off, 20), 0xffff);
	} else {
		assert_int_equal(be16(f + l.l3_off + 4), 8 + plen);
	}
	assert_int_equal(be16(f + l.l4_off + 4), 8 + plen);
	assert_int_equal(xf_walk(f, len + plen, &strict, &w), XF_WALK_OK);
	assert_int_equal(w.family, s->family);
	assert_int_equal(w.nvlan, s->has_vlan);
	assert_memory_equal(w.src_ip, s->src_ip, s->family == 4 ? 4 : 16);
	assert_memory_equal(w.dst_ip, s->dst_ip, s->family == 4 ? 4 : 16);
	assert_int_equal(w.sport, s->sport);
	assert_int_equal(w.dport, s->dport);
	assert_ptr_equal(w.payload, f + len);
	assert_int_equal(w.payload_len, plen);
}

static void test_packets_verify_and_walk_back(void **state)
{
	static uint8_t f[XF_HDR_MAX + 65536];
	uint32_t fam, vlan, plen;

	(void)state;
	for (fam = 4; fam <= 6; fam += 2) {
		for (vlan = 0; vlan < 2; vlan++) {
			struct xf_hdr_spec s = spec((uint8_t)fam, vlan);

			for (plen = 0; plen <= 1500; plen++)
				packet(f, &s, plen);
			packet(f, &s, fam == 4 ? 65507 : 65527);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_bad_family),
		cmocka_unit_test(test_packets_verify_and_walk_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
