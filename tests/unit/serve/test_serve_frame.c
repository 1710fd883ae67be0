// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of serve's frames (user/serve/serve_frame.c).
 *
 * Requests are built here by a builder of the test's own, with checksums
 * from a plain RFC 1071 sum (big-endian words, byte by byte), independent
 * of the code under test. Each parse reads a heap copy of exactly the
 * frame's size, so an over-read shows under SAN=address. Covered: request
 * -> reply round trips over IPv4/IPv6, with and without a VLAN tag, with
 * the reply's bytes checked one by one and its checksums verified from
 * scratch at every payload size 0..1500; two known packets (an IPv4 header
 * whose checksum is published, a UDP datagram whose checksum was computed
 * outside this code); the 0 -> 0xffff rule; padding to 60 bytes; the
 * length limits; and every malformed case with its verdict, *out left
 * untouched, every prefix of a good frame and every bit flip in a UDP
 * payload rejected.
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

#include "serve_frame.h"
#include "../../ref_csum.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x00, 0x01 };
static const uint8_t SERVER_MAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x00, 0x02 };

/* How to build a request frame. */
struct spec {
	uint8_t family;
	bool vlan;
	uint16_t tci;
	uint8_t opts_len;   /* IPv4 options (NOPs), a multiple of 4 */
	const uint8_t *ext; /* IPv6 extension headers, raw (their next headers included) */
	uint32_t ext_len;
	uint8_t first_next; /* IPv6 next header when ext is given */
	uint8_t proto;	    /* IPv4 protocol, 0 = UDP */
	bool zero_csum;	    /* UDP checksum 0 */
	const uint8_t *payload;
	uint32_t plen;
	uint32_t pad; /* Ethernet padding after the IP packet */
};

/* Offsets of the frame built last. */
static uint32_t L3, L4;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The folded sum of the UDP datagram at f + l4 with its pseudo-header. */
static uint32_t ref_udp_sum(const uint8_t *f, uint32_t l3, uint32_t l4, uint8_t family)
{
	uint32_t ulen = be16(f + l4 + 4), s;
	uint8_t ph[4] = { 0, 17, (uint8_t)(ulen >> 8), (uint8_t)ulen };

	if (family == 4)
		s = ref_sum(f + l3 + 12, 8);
	else
		s = ref_sum(f + l3 + 8, 32);
	s += ref_sum(ph, 4) + ref_sum(f + l4, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void fix_ip4(uint8_t *f)
{
	put16(f + L3 + 10, 0);
	put16(f + L3 + 10, (uint16_t)~ref_sum(f + L3, (f[L3] & 15u) * 4));
}

static void fix_udp(uint8_t *f, uint8_t family)
{
	uint16_t c;

	put16(f + L4 + 6, 0);
	c = (uint16_t)~ref_udp_sum(f, L3, L4, family);
	put16(f + L4 + 6, c ? c : 0xffff);
}

/* Write the request @s describes into @f (zeroed first); returns its length. */
static uint32_t build(uint8_t *f, const struct spec *s)
{
	uint32_t off = 12, ulen = 8 + s->plen, i;

	memset(f, 0, 2048);
	memcpy(f, SERVER_MAC, 6);
	memcpy(f + 6, CLIENT_MAC, 6);
	if (s->vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, s->tci);
		off += 4;
	}
	put16(f + off, s->family == 4 ? 0x0800 : 0x86dd);
	L3 = off + 2;
	if (s->family == 4) {
		uint32_t ihl = 20u + s->opts_len;

		f[L3] = (uint8_t)(0x40 | ihl / 4);
		put16(f + L3 + 2, (uint16_t)(ihl + ulen));
		put16(f + L3 + 4, 0x1234);
		put16(f + L3 + 6, 0x4000);
		f[L3 + 8] = 63;
		f[L3 + 9] = s->proto ? s->proto : 17;
		memcpy(f + L3 + 12, "\xc6\x12\x00\x01", 4); /* 198.18.0.1, the client */
		memcpy(f + L3 + 16, "\xc6\x12\x00\x02", 4); /* 198.18.0.2, the server */
		memset(f + L3 + 20, 1, s->opts_len);
		L4 = L3 + ihl;
		fix_ip4(f);
	} else {
		f[L3] = 0x60;
		f[L3 + 1] = 0x0a; /* some traffic class and flow label the reply drops */
		f[L3 + 3] = 0x42;
		put16(f + L3 + 4, (uint16_t)(s->ext_len + ulen));
		f[L3 + 6] = s->ext ? s->first_next : 17;
		f[L3 + 7] = 63;
		inet_pton(AF_INET6, "2001:db8::1", f + L3 + 8);
		inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", f + L3 + 24);
		if (s->ext)
			memcpy(f + L3 + 40, s->ext, s->ext_len);
		L4 = L3 + 40 + s->ext_len;
	}
	put16(f + L4, 1234);
	put16(f + L4 + 2, 69);
	put16(f + L4 + 4, (uint16_t)ulen);
	for (i = 0; i < s->plen; i++)
		f[L4 + 8 + i] = s->payload ? s->payload[i] : (uint8_t)(i * 7 + 3);
	if (!s->zero_csum)
		fix_udp(f, s->family);
	return L4 + ulen + s->pad;
}

/* sv_parse on a heap copy of exactly @len bytes; *out starts as 0xa5 bytes. */
static enum sv_verdict parse_exact(const uint8_t *f, uint32_t len, struct sv_pkt *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct sv_pkt untouched;
	enum sv_verdict v;

	assert_non_null(copy);
	memcpy(copy, f, len);
	memset(&untouched, 0xa5, sizeof(untouched));
	*out = untouched;
	v = sv_parse(copy, len, out);
	assert_true(v < SV_NVERDICTS);
	if (v == SV_OK) {
		/* Rebase the payload pointer on @f before the copy goes. */
		assert_true(out->payload >= copy + 14 &&
			    out->payload + out->payload_len <= copy + len);
		out->payload = f + (out->payload - copy);
	} else {
		assert_memory_equal(out, &untouched, sizeof(untouched));
	}
	free(copy);
	return v;
}

static enum sv_verdict verdict(const uint8_t *f, uint32_t len)
{
	struct sv_pkt p;

	return parse_exact(f, len, &p);
}

#define assert_verdict(want, f, len)                                               \
	do {                                                                       \
		enum sv_verdict got_ = verdict(f, len);                            \
		if (got_ != (want))                                                \
			fail_msg("verdict %s, expected %s", sv_verdict_name(got_), \
				 sv_verdict_name(want));                           \
	} while (0)

static void check_request(const struct sv_pkt *p, const struct spec *s, const uint8_t *f)
{
	assert_memory_equal(p->src_mac, CLIENT_MAC, 6);
	assert_memory_equal(p->dst_mac, SERVER_MAC, 6);
	assert_int_equal(p->has_vlan, s->vlan);
	assert_int_equal(p->vlan_tci, s->vlan ? s->tci : 0);
	assert_int_equal(p->family, s->family);
	if (s->family == 4) {
		uint8_t src[16] = { 198, 18, 0, 1 }, dst[16] = { 198, 18, 0, 2 };

		assert_memory_equal(p->src_ip, src, 16);
		assert_memory_equal(p->dst_ip, dst, 16);
	} else {
		uint8_t src[16], dst[16];

		inet_pton(AF_INET6, "2001:db8::1", src);
		inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", dst);
		assert_memory_equal(p->src_ip, src, 16);
		assert_memory_equal(p->dst_ip, dst, 16);
	}
	assert_int_equal(p->sport, 1234);
	assert_int_equal(p->dport, 69);
	assert_ptr_equal(p->payload, f + L4 + 8);
	assert_int_equal(p->payload_len, s->plen);
}

/* The reply to @s's request, from port 40000, with @plen bytes; checks it byte by byte. */
static uint32_t reply_and_check(const struct spec *s, uint8_t *rf, uint32_t plen)
{
	static uint8_t f[2048];
	uint32_t len = build(f, s), rlen, l3, l4, i;
	struct sv_pkt p, r;
	struct sv_hdr h;

	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, s, f);
	memset(&h, 0x5a, sizeof(h));
	sv_hdr_init(&h, &p, 40000);
	l3 = s->vlan ? 18 : 14;
	l4 = l3 + (s->family == 4 ? 20 : 40);
	assert_int_equal(h.family, s->family);
	assert_int_equal(h.l3_off, l3);
	assert_int_equal(h.l4_off, l4);
	assert_int_equal(h.len, l4 + 8);

	memset(rf, 0xee, 2048); /* whatever the UMEM frame held before */
	for (i = 0; i < plen; i++)
		rf[h.len + i] = (uint8_t)(i ^ 0x5c);
	rlen = sv_build(&h, rf, plen);
	assert_int_equal(rlen, l4 + 8 + plen < 60 ? 60 : l4 + 8 + plen);

	/* Ethernet and VLAN. */
	assert_memory_equal(rf, CLIENT_MAC, 6);
	assert_memory_equal(rf + 6, SERVER_MAC, 6);
	if (s->vlan) {
		assert_int_equal(be16(rf + 12), 0x8100);
		assert_int_equal(be16(rf + 14), s->tci);
	}
	assert_int_equal(be16(rf + l3 - 2), s->family == 4 ? 0x0800 : 0x86dd);
	if (s->family == 4) {
		const uint8_t want[20] = { 0x45, 0, 0,	 0,  0, 0, 0x40, 0,  64, 17,
					   0,	 0, 198, 18, 0, 2, 198,	 18, 0,	 1 };
		uint8_t got[20];

		memcpy(got, rf + l3, 20);
		assert_int_equal(be16(got + 2), 28 + plen);
		assert_int_equal(ref_sum(got, 20), 0xffff); /* header checksum verifies */
		memset(got + 2, 0, 2);
		memset(got + 10, 0, 2);
		assert_memory_equal(got, want, 20);
	} else {
		uint8_t want[40] = { 0x60, 0, 0, 0, 0, 0, 17, 64 };

		inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", want + 8);
		inet_pton(AF_INET6, "2001:db8::1", want + 24);
		put16(want + 4, (uint16_t)(8 + plen));
		assert_memory_equal(rf + l3, want, 40);
	}
	assert_int_equal(be16(rf + l4), 40000);
	assert_int_equal(be16(rf + l4 + 2), 1234);
	assert_int_equal(be16(rf + l4 + 4), 8 + plen);
	assert_int_not_equal(be16(rf + l4 + 6), 0);
	if (ref_udp_sum(rf, l3, l4, s->family) != 0xffff)
		fail_msg("UDP checksum of a %u-byte IPv%u reply does not verify", plen, s->family);
	for (i = 0; i < plen; i++)
		assert_int_equal(rf[l4 + 8 + i], (uint8_t)(i ^ 0x5c));
	for (i = l4 + 8 + plen; i < rlen; i++)
		assert_int_equal(rf[i], 0); /* padding */

	/* And the reply parses back, as its receiver would. */
	assert_int_equal(parse_exact(rf, rlen, &r), SV_OK);
	assert_memory_equal(r.src_mac, SERVER_MAC, 6);
	assert_memory_equal(r.dst_mac, CLIENT_MAC, 6);
	assert_memory_equal(r.src_ip, p.dst_ip, 16);
	assert_memory_equal(r.dst_ip, p.src_ip, 16);
	assert_int_equal(r.has_vlan, s->vlan);
	assert_int_equal(r.vlan_tci, p.vlan_tci);
	assert_int_equal(r.sport, 40000);
	assert_int_equal(r.dport, 1234);
	assert_int_equal(r.payload_len, plen);
	assert_ptr_equal(r.payload, rf + l4 + 8);
	return rlen;
}

static void test_round_trips(void **state)
{
	static uint8_t rf[2048];
	const uint8_t fams[2] = { 4, 6 };
	uint32_t fi, vlan, plen;

	(void)state;
	for (fi = 0; fi < 2; fi++) {
		for (vlan = 0; vlan < 2; vlan++) {
			struct spec s = {
				.family = fams[fi], .vlan = vlan, .tci = 0xa123, .plen = 17
			};

			for (plen = 0; plen <= 1500; plen++)
				reply_and_check(&s, rf, plen);
		}
	}
}

/* A request's payload: every size, odd ones too, parses with its own length. */
static void test_request_sizes(void **state)
{
	static uint8_t f[2048];
	const uint8_t fams[2] = { 4, 6 };
	uint32_t fi, plen, len;
	struct sv_pkt p;

	(void)state;
	for (fi = 0; fi < 2; fi++) {
		for (plen = 0; plen <= 1400; plen += plen < 80 ? 1 : 37) {
			struct spec s = {
				.family = fams[fi], .plen = plen, .vlan = plen & 1, .tci = 7
			};

			len = build(f, &s);
			assert_int_equal(parse_exact(f, len, &p), SV_OK);
			check_request(&p, &s, f);
		}
	}
}

/*
 * The IPv4 header of Wikipedia's "IPv4 header checksum" example: 4500 0073
 * 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (192.168.0.1 -> 192.168.0.199,
 * total length 115, DF, TTL 64, UDP): exactly what sv_build writes.
 */
static void test_known_ipv4_header(void **state)
{
	const uint8_t want[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	struct sv_pkt req = { .family = 4,
			      .sport = 1000,
			      .dst_ip = { 192, 168, 0, 1 },
			      .src_ip = { 192, 168, 0, 199 } };
	uint8_t f[256] = { 0 };
	struct sv_hdr h;

	(void)state;
	sv_hdr_init(&h, &req, 69);
	assert_int_equal(sv_build(&h, f, 115 - 28), 14 + 115);
	assert_memory_equal(f + 14, want, 20);
}

/*
 * A UDP datagram whose checksums were computed with an RFC 1071 sum in
 * Python, outside this code: 198.18.0.2:69 -> 198.18.0.1:1234, payload
 * "\x00\x03\x00\x01hello" (a TFTP DATA block 1), and the same over IPv6
 * 2001:db8::2 -> 2001:db8::1.
 */
#define KNOWN_IP4_CSUM 0xaea0
#define KNOWN_UDP4_CSUM 0x2ab7
#define KNOWN_UDP6_CSUM 0x5b6a

static void test_known_udp(void **state)
{
	struct sv_pkt req = {
		.family = 4, .sport = 1234, .src_ip = { 198, 18, 0, 1 }, .dst_ip = { 198, 18, 0, 2 }
	};
	const uint8_t data[9] = { 0, 3, 0, 1, 'h', 'e', 'l', 'l', 'o' };
	uint8_t f[128];
	struct sv_hdr h;

	(void)state;
	sv_hdr_init(&h, &req, 69);
	memcpy(f + h.len, data, sizeof(data));
	assert_int_equal(sv_build(&h, f, sizeof(data)), 60);
	assert_int_equal(be16(f + 24), KNOWN_IP4_CSUM);
	assert_int_equal(be16(f + 40), KNOWN_UDP4_CSUM);

	req.family = 6;
	inet_pton(AF_INET6, "2001:db8::1", req.src_ip);
	inet_pton(AF_INET6, "2001:db8::2", req.dst_ip);
	sv_hdr_init(&h, &req, 69);
	memcpy(f + h.len, data, sizeof(data));
	assert_int_equal(sv_build(&h, f, sizeof(data)), 14 + 40 + 8 + 9);
	assert_int_equal(be16(f + 60), KNOWN_UDP6_CSUM);
}

/* A payload that makes the computed checksum 0 gets 0xffff, and still parses. */
static void test_zero_checksum_becomes_ffff(void **state)
{
	const uint8_t fams[2] = { 4, 6 };
	uint8_t f[2048];
	uint32_t fi;

	(void)state;
	for (fi = 0; fi < 2; fi++) {
		struct spec s = { .family = fams[fi], .plen = 10 };
		struct sv_pkt p;
		struct sv_hdr h;
		uint16_t c;

		build(f, &s);
		assert_int_equal(parse_exact(f, L4 + 8 + 10, &p), SV_OK);
		sv_hdr_init(&h, &p, 69);
		memset(f, 0, sizeof(f));
		sv_build(&h, f, 10);
		c = be16(f + h.l4_off + 6);
		assert_int_not_equal(c, 0xffff);
		/* Putting the checksum into the payload brings the sum to 0xffff. */
		put16(f + h.len + 8, c);
		sv_build(&h, f, 10);
		assert_int_equal(be16(f + h.l4_off + 6), 0xffff);
		assert_int_equal(ref_udp_sum(f, h.l3_off, h.l4_off, fams[fi]), 0xffff);
		assert_int_equal(parse_exact(f, h.len + 10u < 60 ? 60 : h.len + 10u, &p), SV_OK);
	}
}

static void test_limits(void **state)
{
	static uint8_t f[70000];
	struct sv_pkt req = { .family = 4, .sport = 1 };
	struct sv_hdr h;

	(void)state;
	assert_int_equal(sv_max_payload(1500, 4), 1472);
	assert_int_equal(sv_max_payload(1500, 6), 1452);
	assert_int_equal(sv_max_payload(9000, 4), 8972);
	assert_int_equal(sv_max_payload(28, 4), 0);
	assert_int_equal(sv_max_payload(29, 4), 1);
	assert_int_equal(sv_max_payload(48, 6), 0);
	assert_int_equal(sv_max_payload(0, 6), 0);
	assert_int_equal(sv_max_payload(70000, 4), 65507);
	assert_int_equal(sv_max_payload(70000, 6), 65527);
	assert_int_equal(sv_max_payload(1500, 0), 0);
	assert_int_equal(sv_max_payload(1500, 5), 0);

	sv_hdr_init(&h, &req, 69);
	memset(f, 0x33, sizeof(f));
	assert_int_equal(sv_build(&h, f, 65508), 0);
	assert_int_equal(f[0], 0x33); /* nothing written */
	assert_int_equal(sv_build(&h, f, 65507), 14 + 65535);
	assert_int_equal(be16(f + 16), 65535);
	assert_int_equal(be16(f + 38), 65515);
	assert_int_equal(ref_sum(f + 14, 20), 0xffff);
	assert_int_equal(ref_udp_sum(f, 14, 34, 4), 0xffff);

	req.family = 6;
	sv_hdr_init(&h, &req, 69);
	assert_int_equal(sv_build(&h, f, 65528), 0);
	assert_int_equal(sv_build(&h, f, 65527), 14 + 40 + 65535);
	assert_int_equal(be16(f + 18), 65535);
	assert_int_equal(ref_udp_sum(f, 14, 54, 6), 0xffff);
}

static void test_ipv4_accepted_variants(void **state)
{
	uint8_t f[2048];
	struct spec s = { .family = 4, .plen = 12 };
	struct sv_pkt p;
	uint32_t len;

	(void)state;
	/* Options are skipped. */
	s.opts_len = 8;
	len = build(f, &s);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	s.opts_len = 40; /* IHL 15 */
	len = build(f, &s);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	s.opts_len = 0;

	/* Ethernet padding is not payload. */
	s.pad = 6;
	len = build(f, &s);
	assert_int_equal(len, 60);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	s.pad = 0;

	/* UDP checksum 0: none, fine over IPv4. */
	s.zero_csum = true;
	len = build(f, &s);
	assert_int_equal(be16(f + L4 + 6), 0);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	s.zero_csum = false;

	/* A UDP length shorter than the IP payload: trimmed as Linux does. */
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 5);
	fix_udp(f, 4);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	assert_int_equal(p.payload_len, 5);
	assert_ptr_equal(p.payload, f + L4 + 8);

	/* DF set or not, both are whole datagrams; so is an odd-length one. */
	len = build(f, &s);
	put16(f + L3 + 6, 0);
	fix_ip4(f);
	assert_verdict(SV_OK, f, len);
}

static void test_ipv4_rejected(void **state)
{
	uint8_t f[2048];
	struct spec s = { .family = 4, .plen = 12 };
	uint32_t len;

	(void)state;
	len = build(f, &s);
	assert_verdict(SV_OK, f, len);

	/* Version and IHL. */
	f[L3] = 0x55;
	fix_ip4(f);
	assert_verdict(SV_MALFORMED, f, len);
	len = build(f, &s);
	f[L3] = 0x44;
	assert_verdict(SV_MALFORMED, f, len);
	f[L3] = 0x40;
	assert_verdict(SV_MALFORMED, f, len);
	/* IHL 15 (60 bytes) in a frame whose IP packet is 40 bytes. */
	len = build(f, &s);
	f[L3] = 0x4f;
	assert_verdict(SV_MALFORMED, f, len);

	/* Total length below the header, and past the frame. */
	len = build(f, &s);
	put16(f + L3 + 2, 19);
	fix_ip4(f);
	assert_verdict(SV_MALFORMED, f, len);
	len = build(f, &s);
	put16(f + L3 + 2, (uint16_t)(len - 14 + 1));
	fix_ip4(f);
	assert_verdict(SV_MALFORMED, f, len);

	/* No room for the UDP header. */
	len = build(f, &s);
	put16(f + L3 + 2, 20 + 7);
	fix_ip4(f);
	assert_verdict(SV_MALFORMED, f, len);

	/* UDP length below 8, and past the IP packet. */
	len = build(f, &s);
	put16(f + L4 + 4, 7);
	assert_verdict(SV_MALFORMED, f, len);
	put16(f + L4 + 4, 0);
	assert_verdict(SV_MALFORMED, f, len);
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 13);
	assert_verdict(SV_MALFORMED, f, len);
	/* ... also when Ethernet padding would hold it: the IP length rules. */
	s.pad = 20;
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 13);
	fix_udp(f, 4);
	assert_verdict(SV_MALFORMED, f, len);
	s.pad = 0;

	/* Checksums. */
	len = build(f, &s);
	f[L3 + 8]--; /* TTL */
	assert_verdict(SV_BAD_CSUM, f, len);
	len = build(f, &s);
	f[L4 + 6] ^= 0x01;
	assert_verdict(SV_BAD_CSUM, f, len);
	len = build(f, &s);
	f[L3 + 15] ^= 0x80; /* the source address is in the pseudo-header */
	fix_ip4(f);
	assert_verdict(SV_BAD_CSUM, f, len);
	len = build(f, &s);
	put16(f + L4, 1235); /* the source port */
	assert_verdict(SV_BAD_CSUM, f, len);

	/* Fragments: MF, an offset, both. */
	len = build(f, &s);
	put16(f + L3 + 6, 0x2000);
	fix_ip4(f);
	assert_verdict(SV_FRAGMENT, f, len);
	put16(f + L3 + 6, 0x0001);
	fix_ip4(f);
	assert_verdict(SV_FRAGMENT, f, len);
	put16(f + L3 + 6, 0x3fff);
	fix_ip4(f);
	assert_verdict(SV_FRAGMENT, f, len);

	/* Other protocols. */
	s.proto = 6;
	len = build(f, &s);
	assert_verdict(SV_NOT_UDP, f, len);
	s.proto = 1;
	len = build(f, &s);
	assert_verdict(SV_NOT_UDP, f, len);
	s.proto = 136; /* UDP-Lite */
	len = build(f, &s);
	assert_verdict(SV_NOT_UDP, f, len);
}

static void test_ipv6_extension_headers(void **state)
{
	/* Hop-by-hop (PadN) -> routing (type 0, 0 left) -> dest opts (16 bytes) -> UDP. */
	const uint8_t chain[] = { 43, 0, 1, 4,	0, 0, 0, 0, /* hop-by-hop */
				  60, 0, 0, 0,	0, 0, 0, 0, /* routing */
				  17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }; /* dest */
	uint8_t ext[9 * 8], f[2048];
	struct spec s = { .family = 6, .plen = 12, .ext = chain, .ext_len = sizeof(chain) };
	struct sv_pkt p;
	uint32_t len, i;

	(void)state;
	len = build(f, &s);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);

	/* SV_MAX_EXT destination options headers are walked, one more is not. */
	memset(ext, 0, sizeof(ext));
	for (i = 0; i < 9; i++)
		ext[i * 8] = 60;
	ext[7 * 8] = 17;
	s.ext = ext;
	s.ext_len = 8 * 8;
	s.first_next = 60;
	len = build(f, &s);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	ext[7 * 8] = 60;
	ext[8 * 8] = 17;
	s.ext_len = 9 * 8;
	len = build(f, &s);
	assert_verdict(SV_NOT_UDP, f, len);

	/* An extension header longer than the packet, one cut short. */
	s.ext = chain;
	s.ext_len = sizeof(chain);
	s.first_next = 0;
	len = build(f, &s);
	f[L3 + 40 + 16 + 1] = 20; /* dest opts claims 168 bytes */
	assert_verdict(SV_MALFORMED, f, len);
	/* Only 4 bytes after the IPv6 header, and they announce a header. */
	len = build(f, &s);
	put16(f + L3 + 4, 4);
	assert_verdict(SV_MALFORMED, f, len);

	/* A fragment header, even an atomic one. */
	memset(ext, 0, sizeof(ext));
	ext[0] = 17;
	s.ext = ext;
	s.ext_len = 8;
	s.first_next = 44;
	len = build(f, &s);
	assert_verdict(SV_FRAGMENT, f, len);
	/* ... also behind a hop-by-hop header. */
	ext[0] = 44;
	ext[8] = 17;
	s.ext_len = 16;
	s.first_next = 0;
	len = build(f, &s);
	assert_verdict(SV_FRAGMENT, f, len);

	/* Other next headers: TCP, ICMPv6, ESP, AH, no next header. */
	s.ext = NULL;
	s.ext_len = 0;
	len = build(f, &s);
	f[L3 + 6] = 6;
	assert_verdict(SV_NOT_UDP, f, len);
	f[L3 + 6] = 58;
	assert_verdict(SV_NOT_UDP, f, len);
	f[L3 + 6] = 50;
	assert_verdict(SV_NOT_UDP, f, len);
	f[L3 + 6] = 51;
	assert_verdict(SV_NOT_UDP, f, len);
	f[L3 + 6] = 59;
	assert_verdict(SV_NOT_UDP, f, len);
}

static void test_ipv6_rejected(void **state)
{
	uint8_t f[2048];
	struct spec s = { .family = 6, .plen = 12 };
	uint32_t len;

	(void)state;
	len = build(f, &s);
	assert_verdict(SV_OK, f, len);
	f[L3] = 0x40;
	assert_verdict(SV_MALFORMED, f, len);
	/* Payload length 0 (jumbogram), past the frame, too short for UDP. */
	len = build(f, &s);
	put16(f + L3 + 4, 0);
	assert_verdict(SV_MALFORMED, f, len);
	put16(f + L3 + 4, 8 + 12 + 1);
	assert_verdict(SV_MALFORMED, f, len);
	put16(f + L3 + 4, 7);
	assert_verdict(SV_MALFORMED, f, len);
	/* UDP length past the IP payload, below 8. */
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 13);
	assert_verdict(SV_MALFORMED, f, len);
	put16(f + L4 + 4, 4);
	assert_verdict(SV_MALFORMED, f, len);
	/* UDP checksum 0 is not allowed over IPv6; a wrong one neither. */
	s.zero_csum = true;
	len = build(f, &s);
	assert_verdict(SV_BAD_CSUM, f, len);
	s.zero_csum = false;
	len = build(f, &s);
	f[L3 + 39] ^= 0x10; /* destination address */
	assert_verdict(SV_BAD_CSUM, f, len);
	/* The traffic class, flow label and hop limit are not checksummed. */
	len = build(f, &s);
	f[L3 + 1] ^= 0xff;
	f[L3 + 7] ^= 0xff;
	assert_verdict(SV_OK, f, len);
}

static void test_ethernet_and_vlan(void **state)
{
	uint8_t f[2048];
	struct spec s = { .family = 4, .vlan = true, .tci = 0xefff, .plen = 3 };
	struct sv_pkt p;
	uint32_t len;

	(void)state;
	len = build(f, &s);
	assert_int_equal(parse_exact(f, len, &p), SV_OK);
	check_request(&p, &s, f);
	assert_int_equal(p.vlan_tci, 0xefff);

	/* QinQ (802.1ad outside, or two 802.1Q tags) is not for us. */
	put16(f + 12, 0x88a8);
	assert_verdict(SV_NOT_UDP, f, len);
	memmove(f + 18, f + 14, len - 14);
	put16(f + 12, 0x8100);
	put16(f + 14, 5);
	put16(f + 16, 0x8100);
	assert_verdict(SV_NOT_UDP, f, len + 4);

	/* ARP, and anything else. */
	memset(f, 0, 60);
	put16(f + 12, 0x0806);
	assert_verdict(SV_NOT_UDP, f, 60);
	put16(f + 12, 0x88cc); /* LLDP */
	assert_verdict(SV_NOT_UDP, f, 60);
	put16(f + 12, 0x8100);
	put16(f + 16, 0x0806);
	assert_verdict(SV_NOT_UDP, f, 60);

	/* Runts. */
	assert_verdict(SV_MALFORMED, f, 0);
	assert_verdict(SV_MALFORMED, f, 13);
	put16(f + 12, 0x8100);
	assert_verdict(SV_MALFORMED, f, 17);
	put16(f + 12, 0x0800);
	assert_verdict(SV_MALFORMED, f, 14);
	put16(f + 12, 0x86dd);
	assert_verdict(SV_MALFORMED, f, 14 + 39);
}

/* Every prefix of every good frame is MALFORMED (ASan: no byte past it is read). */
static void test_every_prefix(void **state)
{
	const uint8_t hbh[8] = { 17, 0, 1, 4, 0, 0, 0, 0 };
	const struct spec specs[] = {
		{ .family = 4, .plen = 5 },
		{ .family = 4, .plen = 30, .vlan = true, .opts_len = 12 },
		{ .family = 6, .plen = 0 },
		{ .family = 6, .plen = 9, .vlan = true, .ext = hbh, .ext_len = 8, .first_next = 0 },
	};
	uint8_t f[2048];
	uint32_t i, len, cut;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		len = build(f, &specs[i]);
		assert_verdict(SV_OK, f, len);
		for (cut = 0; cut < len; cut++)
			assert_verdict(SV_MALFORMED, f, cut);
	}
}

/* Any single bit flipped in the UDP header or payload fails the checksum. */
static void test_every_bit_flip(void **state)
{
	const uint8_t fams[2] = { 4, 6 };
	uint8_t f[2048];
	uint32_t fi, len, byte, bit;

	(void)state;
	for (fi = 0; fi < 2; fi++) {
		struct spec s = { .family = fams[fi], .plen = 41 };

		len = build(f, &s);
		for (byte = L4; byte < len; byte++) {
			if (byte == L4 + 4 || byte == L4 + 5)
				continue; /* the UDP length: MALFORMED or trimmed */
			for (bit = 0; bit < 8; bit++) {
				enum sv_verdict v;

				f[byte] ^= (uint8_t)(1 << bit);
				v = verdict(f, len);
				f[byte] ^= (uint8_t)(1 << bit);
				/* Over IPv4 the checksum field may turn 0 ("none"): never here. */
				if (v != SV_BAD_CSUM)
					fail_msg("IPv%u: bit %u of byte %u flipped: %s", fams[fi],
						 bit, byte, sv_verdict_name(v));
			}
		}
	}
}

/* Random junk and random damage to good frames: never a crash or an over-read. */
static void test_random_frames(void **state)
{
	uint8_t f[2048];
	uint32_t k, len, j;

	(void)state;
	srand(7);
	for (k = 0; k < 20000; k++) {
		struct spec s = { .family = k & 1 ? 6 : 4, .vlan = k & 2, .plen = (k * 13) % 300 };
		struct sv_pkt p;

		len = build(f, &s);
		for (j = 0; j < 1 + (uint32_t)rand() % 3; j++)
			f[(uint32_t)rand() % len] = (uint8_t)rand();
		len -= (uint32_t)rand() % 3;
		if (parse_exact(f, len, &p) == SV_OK) {
			assert_true(p.family == 4 || p.family == 6);
			assert_true(p.payload_len <= len);
		}
	}
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(sv_verdict_name(SV_OK), "ok");
	assert_string_equal(sv_verdict_name(SV_NOT_UDP), "not_udp");
	assert_string_equal(sv_verdict_name(SV_FRAGMENT), "fragment");
	assert_string_equal(sv_verdict_name(SV_MALFORMED), "malformed");
	assert_string_equal(sv_verdict_name(SV_BAD_CSUM), "bad_csum");
	assert_string_equal(sv_verdict_name(SV_NVERDICTS), "?");
	assert_string_equal(sv_verdict_name((enum sv_verdict) - 1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_request_sizes),
		cmocka_unit_test(test_known_ipv4_header),
		cmocka_unit_test(test_known_udp),
		cmocka_unit_test(test_zero_checksum_becomes_ffff),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_ipv4_accepted_variants),
		cmocka_unit_test(test_ipv4_rejected),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_ipv6_rejected),
		cmocka_unit_test(test_ethernet_and_vlan),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_random_frames),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
