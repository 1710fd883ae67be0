// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the packet walker (user/net/pkt_walk.c).
 *
 * Frames are built by a builder of the test's own, with checksums from the
 * reference sum (tests/ref_csum.h). Every walk reads a heap copy of exactly
 * the frame's size, so an over-read shows under SAN=address. Covered: good
 * frames of every shape (IPv4 with options, IPv6 with extension headers,
 * 0/1/2 tags of both kinds) walked to the right fields; every prefix of each
 * TRUNCATED; each policy knob, both ways (tags, 802.1ad, extension header
 * count, atomic fragments, IPv4 and UDP checksums, UDP checksum 0 over IPv6);
 * lengths that disagree; fragments and foreign protocols; every bit flip of
 * the UDP datagram and the IPv4 header refused when checksums are verified;
 * random frames and random damage: whatever is accepted lies in the frame;
 * a multi-buffer frame's head (xf_walk_head) at every split: the headers in
 * it or TRUNCATED, never a byte read past it.
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

#include "pkt_walk.h"
#include "../../ref_csum.h"

/* Everything walked, everything verified. */
static const struct xf_walk_policy ALL = {
	.max_vlans = 2,
	.vlan_8021ad = true,
	.max_ext = 4,
	.ip6_atomic_frag = true,
	.ip4_csum = true,
	.udp_csum = true,
};

/* How to build a frame. */
struct shape {
	int vlans;	   /* 0..3 tags; with 2 or more the outer one is 802.1ad */
	bool ip6;	   /* else IPv4 */
	int ip4_opt_words; /* IPv4 options, 4-byte words */
	int ext;	   /* IPv6 extension headers before UDP, 8 bytes each */
	uint8_t ext_type;  /* their type (0, 43, 44, 60, ...) */
	uint8_t proto;	   /* upper layer, 0 = UDP */
	uint32_t plen;	   /* UDP payload bytes */
	uint32_t pad;	   /* Ethernet padding after the IP packet */
	bool zero_csum;	   /* UDP checksum 0 */
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

static void fix_ip4(uint8_t *f)
{
	put16(f + L3 + 10, 0);
	put16(f + L3 + 10, (uint16_t)~ref_sum(f + L3, (f[L3] & 15u) * 4));
}

static void fix_udp(uint8_t *f, bool ip6)
{
	uint32_t ulen = be16(f + L4 + 4), s;
	uint8_t ph[4] = { 0, 17, (uint8_t)(ulen >> 8), (uint8_t)ulen };
	uint16_t c;

	put16(f + L4 + 6, 0);
	s = ip6 ? ref_sum(f + L3 + 8, 32) : ref_sum(f + L3 + 12, 8);
	s += ref_sum(ph, 4) + ref_sum(f + L4, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	c = (uint16_t)~s;
	put16(f + L4 + 6, c ? c : 0xffff);
}

/* Write the frame @s describes into @f (2048 bytes, zeroed first); returns its length. */
static uint32_t build(uint8_t *f, const struct shape *s)
{
	uint32_t off = 12, ulen = 8 + s->plen, i;
	uint8_t up = s->proto ? s->proto : 17;

	memset(f, 0, 2048);
	memcpy(f, "\x02\x58\x46\x00\x00\x02\x02\x58\x46\x00\x00\x01", 12);
	for (i = 0; i < (uint32_t)s->vlans; i++) {
		put16(f + off, i == 0 && s->vlans >= 2 ? 0x88a8 : 0x8100);
		put16(f + off + 2, (uint16_t)(0xe100 + i));
		off += 4;
	}
	put16(f + off, s->ip6 ? 0x86dd : 0x0800);
	L3 = off + 2;
	if (!s->ip6) {
		uint32_t ihl = 20 + 4 * (uint32_t)s->ip4_opt_words;

		f[L3] = (uint8_t)(0x40 | ihl / 4);
		put16(f + L3 + 2, (uint16_t)(ihl + ulen));
		put16(f + L3 + 6, 0x4000);
		f[L3 + 8] = 64;
		f[L3 + 9] = up;
		memcpy(f + L3 + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
		memset(f + L3 + 20, 1, ihl - 20); /* NOP options */
		L4 = L3 + ihl;
		fix_ip4(f);
	} else {
		f[L3] = 0x60;
		put16(f + L3 + 4, (uint16_t)(8 * s->ext + ulen));
		f[L3 + 6] = s->ext ? s->ext_type : up;
		f[L3 + 7] = 64;
		inet_pton(AF_INET6, "2001:db8::1", f + L3 + 8);
		inet_pton(AF_INET6, "2001:db8::2", f + L3 + 24);
		L4 = L3 + 40;
		for (i = 0; i < (uint32_t)s->ext; i++) {
			f[L4] = i + 1 < (uint32_t)s->ext ? s->ext_type : up;
			L4 += 8; /* length 0 (8 bytes); for a fragment: offset 0, no M */
		}
	}
	put16(f + L4, 1234);
	put16(f + L4 + 2, 69);
	put16(f + L4 + 4, (uint16_t)ulen);
	for (i = 0; i < s->plen; i++)
		f[L4 + 8 + i] = (uint8_t)(i * 7 + 3);
	if (!s->zero_csum)
		fix_udp(f, s->ip6);
	return L4 + ulen + s->pad;
}

/* xf_walk on a heap copy of exactly @len bytes; an OK result is rebased onto @f. */
static enum xf_walk_verdict walk(const uint8_t *f, uint32_t len, const struct xf_walk_policy *pol,
				 struct xf_walk *w)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum xf_walk_verdict v;

	assert_non_null(copy);
	memcpy(copy, f, len);
	v = xf_walk(copy, len, pol, w);
	assert_true(v < XF_WALK_NVERDICTS);
	assert_string_not_equal(xf_walk_verdict_name(v), "?");
	if (v == XF_WALK_OK) {
		const uint8_t *end = copy + len;

		assert_true(w->payload >= copy + 14 + 28 && w->payload + w->payload_len <= end);
		assert_true(w->l3_end <= len && w->l4_off + 8 + w->payload_len <= w->l3_end);
		assert_true(w->src_ip >= copy + w->l3_off && w->dst_ip < copy + w->l4_off);
		w->payload = f + (w->payload - copy);
		w->src_ip = f + (w->src_ip - copy);
		w->dst_ip = f + (w->dst_ip - copy);
		w->dst_mac = f + (w->dst_mac - copy);
		w->src_mac = f + (w->src_mac - copy);
	}
	free(copy);
	return v;
}

static enum xf_walk_verdict verdict(const uint8_t *f, uint32_t len,
				    const struct xf_walk_policy *pol)
{
	struct xf_walk w;

	return walk(f, len, pol, &w);
}

#define assert_verdict(want, f, len, pol)                                                 \
	do {                                                                              \
		enum xf_walk_verdict got_ = verdict(f, len, pol);                         \
		if (got_ != (want))                                                       \
			fail_msg("line %d: verdict %s, expected %s", __LINE__,            \
				 xf_walk_verdict_name(got_), xf_walk_verdict_name(want)); \
	} while (0)

static void expect_ok(const struct shape *s, const struct xf_walk_policy *pol)
{
	static uint8_t f[2048];
	uint32_t len = build(f, s), i;
	struct xf_walk w;

	assert_int_equal(walk(f, len, pol, &w), XF_WALK_OK);
	assert_ptr_equal(w.dst_mac, f);
	assert_ptr_equal(w.src_mac, f + 6);
	assert_int_equal(w.nvlan, s->vlans);
	for (i = 0; i < (uint32_t)s->vlans; i++)
		assert_int_equal(w.vlan_tci[i], 0xe100 + i);
	assert_int_equal(w.family, s->ip6 ? 6 : 4);
	assert_int_equal(w.l3_off, L3);
	assert_int_equal(w.l4_off, L4);
	assert_int_equal(w.l3_end, L4 + 8 + s->plen);
	assert_ptr_equal(w.src_ip, f + L3 + (s->ip6 ? 8 : 12));
	assert_ptr_equal(w.dst_ip, f + L3 + (s->ip6 ? 24 : 16));
	assert_int_equal(w.sport, 1234);
	assert_int_equal(w.dport, 69);
	assert_ptr_equal(w.payload, f + L4 + 8);
	assert_int_equal(w.payload_len, s->plen);
}

/* Every proper prefix of the frame is TRUNCATED. */
static void expect_prefixes_truncated(const struct shape *s, const struct xf_walk_policy *pol)
{
	static uint8_t f[2048];
	uint32_t len = build(f, s), n;
	enum xf_walk_verdict v;

	for (n = 0; n < len; n++) {
		v = verdict(f, n, pol);
		if (v != XF_WALK_TRUNCATED)
			fail_msg("%u of %u bytes: verdict %s, not truncated", n, len,
				 xf_walk_verdict_name(v));
	}
}

static void test_shapes_and_prefixes(void **state)
{
	static const uint8_t exts[] = { 0, 43, 60, 44 };
	struct shape s;
	uint32_t vl, i, plen;

	(void)state;
	for (vl = 0; vl <= 2; vl++) {
		for (plen = 0; plen <= 9; plen += 9) {
			s = (struct shape){ .vlans = (int)vl, .plen = plen };
			expect_ok(&s, &ALL);
			expect_prefixes_truncated(&s, &ALL);
			s.ip4_opt_words = 10; /* IHL 15 */
			expect_ok(&s, &ALL);
			expect_prefixes_truncated(&s, &ALL);
			s = (struct shape){ .vlans = (int)vl, .ip6 = true, .plen = plen };
			expect_ok(&s, &ALL);
			expect_prefixes_truncated(&s, &ALL);
			for (i = 0; i < sizeof(exts); i++) {
				s.ext = 4;
				s.ext_type = exts[i];
				expect_ok(&s, &ALL);
				expect_prefixes_truncated(&s, &ALL);
			}
		}
	}
	/* Ethernet padding is not payload; every payload size is its own. */
	s = (struct shape){ .plen = 3, .pad = 23 };
	expect_ok(&s, &ALL);
	for (plen = 0; plen < 300; plen++) {
		s = (struct shape){ .plen = plen, .ip6 = plen & 1, .vlans = plen % 3 };
		expect_ok(&s, &ALL);
	}
}

static void test_vlan_policy(void **state)
{
	struct xf_walk_policy p = ALL;
	struct shape s = { .vlans = 1, .plen = 4 };
	uint8_t f[2048];
	uint32_t len;

	(void)state;
	p.max_vlans = 0;
	len = build(f, &s);
	assert_verdict(XF_WALK_VLAN_LIMIT, f, len, &p);
	p.max_vlans = 1;
	expect_ok(&s, &p);
	s.vlans = 2;
	len = build(f, &s);
	assert_verdict(XF_WALK_VLAN_LIMIT, f, len, &p);
	p.max_vlans = 2;
	expect_ok(&s, &p);
	/* 802.1ad not a tag: an ethertype we do not know. */
	p.vlan_8021ad = false;
	assert_verdict(XF_WALK_NOT_IP, f, len, &p);
	/* Three tags are more than a result holds, whatever the policy says. */
	p = ALL;
	p.max_vlans = 200;
	s.vlans = 3;
	len = build(f, &s);
	assert_verdict(XF_WALK_VLAN_LIMIT, f, len, &p);
	/* ARP, LLDP; and a tag in front of ARP. */
	s.vlans = 0;
	len = build(f, &s);
	put16(f + 12, 0x0806);
	assert_verdict(XF_WALK_NOT_IP, f, len, &ALL);
	put16(f + 12, 0x88cc);
	assert_verdict(XF_WALK_NOT_IP, f, len, &ALL);
	s.vlans = 1;
	len = build(f, &s);
	put16(f + 16, 0x0806);
	assert_verdict(XF_WALK_NOT_IP, f, len, &ALL);
}

static void test_ipv6_extension_policy(void **state)
{
	struct xf_walk_policy p = ALL;
	struct shape s = { .ip6 = true, .ext = 3, .ext_type = 60, .plen = 5 };
	uint8_t f[2048];
	uint32_t len;

	(void)state;
	p.max_ext = 3;
	expect_ok(&s, &p);
	p.max_ext = 2;
	len = build(f, &s);
	assert_verdict(XF_WALK_EXT_LIMIT, f, len, &p);
	p.max_ext = 0;
	assert_verdict(XF_WALK_EXT_LIMIT, f, len, &p);
	s.ext = 0;
	expect_ok(&s, &p); /* no extension header needs none walked */

	/* An atomic fragment: walked if the policy says so, FRAGMENT if not. */
	p = ALL;
	s = (struct shape){ .ip6 = true, .ext = 1, .ext_type = 44, .plen = 5 };
	expect_ok(&s, &p);
	p.ip6_atomic_frag = false;
	len = build(f, &s);
	assert_verdict(XF_WALK_FRAGMENT, f, len, &p);
	p.max_ext = 0; /* refused before the count */
	assert_verdict(XF_WALK_FRAGMENT, f, len, &p);
	/* A real fragment (M flag, an offset) never is whole. */
	put16(f + L3 + 40 + 2, 0x0001);
	assert_verdict(XF_WALK_FRAGMENT, f, len, &ALL);
	put16(f + L3 + 40 + 2, 0x0008);
	assert_verdict(XF_WALK_FRAGMENT, f, len, &ALL);
	put16(f + L3 + 40 + 2, 0x0006); /* reserved bits: still atomic */
	fix_udp(f, true);
	assert_verdict(XF_WALK_OK, f, len, &ALL);

	/* ESP, AH, no next header: opaque. TCP, ICMPv6: not UDP. */
	s = (struct shape){ .ip6 = true, .plen = 5, .proto = 50 };
	len = build(f, &s);
	assert_verdict(XF_WALK_EXT_OPAQUE, f, len, &ALL);
	f[L3 + 6] = 51;
	assert_verdict(XF_WALK_EXT_OPAQUE, f, len, &ALL);
	f[L3 + 6] = 59;
	assert_verdict(XF_WALK_EXT_OPAQUE, f, len, &ALL);
	f[L3 + 6] = 6;
	assert_verdict(XF_WALK_NOT_UDP, f, len, &ALL);
	f[L3 + 6] = 58;
	assert_verdict(XF_WALK_NOT_UDP, f, len, &ALL);
	/* ... also behind an extension header. */
	s = (struct shape){ .ip6 = true, .ext = 2, .ext_type = 0, .proto = 6, .plen = 5 };
	len = build(f, &s);
	assert_verdict(XF_WALK_NOT_UDP, f, len, &ALL);

	/* A header longer than the packet; one announced in the last 4 bytes. */
	s = (struct shape){ .ip6 = true, .ext = 1, .ext_type = 60, .plen = 5 };
	len = build(f, &s);
	f[L3 + 40 + 1] = 3;
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	len = build(f, &s);
	put16(f + L3 + 4, 4);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
}

static void test_checksum_policy(void **state)
{
	struct xf_walk_policy p = ALL;
	struct shape s = { .plen = 11 };
	uint8_t f[2048];
	uint32_t len;

	(void)state;
	/* A wrong IPv4 header checksum: refused only when verified. */
	len = build(f, &s);
	f[L3 + 10] ^= 0x40;
	assert_verdict(XF_WALK_BAD_CSUM, f, len, &ALL);
	p.ip4_csum = false;
	assert_verdict(XF_WALK_OK, f, len, &p);
	/* A wrong UDP checksum, over both families. */
	p = ALL;
	len = build(f, &s);
	f[L4 + 8] ^= 1;
	assert_verdict(XF_WALK_BAD_CSUM, f, len, &ALL);
	p.udp_csum = false;
	assert_verdict(XF_WALK_OK, f, len, &p);
	s.ip6 = true;
	len = build(f, &s);
	f[L3 + 8] ^= 1; /* the source address is in the pseudo-header */
	assert_verdict(XF_WALK_BAD_CSUM, f, len, &ALL);
	assert_verdict(XF_WALK_OK, f, len, &p);
	/* Checksum 0: none. Fine over IPv4; over IPv6 only if the policy says. */
	s = (struct shape){ .plen = 11, .zero_csum = true };
	expect_ok(&s, &ALL);
	s.ip6 = true;
	len = build(f, &s);
	assert_verdict(XF_WALK_BAD_CSUM, f, len, &ALL);
	p = ALL;
	p.udp6_zero_csum = true;
	expect_ok(&s, &p);
	/* ... even when the rest of the datagram happens to sum to 0xffff. */
	s.zero_csum = false;
	len = build(f, &s);
	put16(f + L4 + 8, be16(f + L4 + 6)); /* the checksum into the payload */
	put16(f + L4 + 6, 0);
	assert_verdict(XF_WALK_BAD_CSUM, f, len, &ALL);
}

static void test_lengths_that_disagree(void **state)
{
	struct shape s = { .plen = 12 };
	struct xf_walk w;
	uint8_t f[2048];
	uint32_t len;

	(void)state;
	/* A UDP length shorter than the IP payload: the payload is trimmed. */
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 5);
	fix_udp(f, false);
	assert_int_equal(walk(f, len, &ALL, &w), XF_WALK_OK);
	assert_int_equal(w.payload_len, 5);
	/* UDP length below 8, past the IP packet (also with padding to hold it). */
	put16(f + L4 + 4, 7);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	put16(f + L4 + 4, 8 + 13);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	s.pad = 20;
	len = build(f, &s);
	put16(f + L4 + 4, 8 + 13);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	s.pad = 0;
	/* IPv4 total length: below IHL, past the frame, no room for UDP. */
	len = build(f, &s);
	put16(f + L3 + 2, 19);
	fix_ip4(f);
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	put16(f + L3 + 2, (uint16_t)(len - L3 + 1));
	fix_ip4(f);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	put16(f + L3 + 2, 27);
	fix_ip4(f);
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
	/* IHL below 5, past the total length; version. */
	len = build(f, &s);
	f[L3] = 0x44;
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	f[L3] = 0x4f;
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	f[L3] = 0x65;
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	/* IPv6: version, payload length 0 (jumbogram), past the frame. */
	s.ip6 = true;
	len = build(f, &s);
	f[L3] = 0x40;
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	f[L3] = 0x60;
	put16(f + L3 + 4, 0);
	assert_verdict(XF_WALK_BAD_HDR, f, len, &ALL);
	put16(f + L3 + 4, (uint16_t)(len - L3 - 40 + 1));
	assert_verdict(XF_WALK_TRUNCATED, f, len, &ALL);
}

static void test_ipv4_fragments_and_protocols(void **state)
{
	const uint16_t frags[] = { 0x2000, 0x0001, 0x1fff, 0x3fff, 0x6000 };
	struct xf_walk_policy none = { 0 };
	struct shape s = { .plen = 12 };
	uint8_t f[2048];
	uint32_t len, i;

	(void)state;
	len = build(f, &s);
	for (i = 0; i < sizeof(frags) / sizeof(frags[0]); i++) {
		put16(f + L3 + 6, frags[i]);
		fix_ip4(f);
		assert_verdict(XF_WALK_FRAGMENT, f, len, &ALL);
		assert_verdict(XF_WALK_FRAGMENT, f, len, &none);
	}
	put16(f + L3 + 6, 0); /* DF clear: whole all the same */
	fix_ip4(f);
	assert_verdict(XF_WALK_OK, f, len, &ALL);
	s.proto = 6;
	len = build(f, &s);
	assert_verdict(XF_WALK_NOT_UDP, f, len, &ALL);
	s.proto = 136; /* UDP-Lite */
	len = build(f, &s);
	assert_verdict(XF_WALK_NOT_UDP, f, len, &ALL);
	/* A zeroed policy walks plain frames. */
	s = (struct shape){ .plen = 12 };
	expect_ok(&s, &none);
	s.ip6 = true;
	expect_ok(&s, &none);
}

/* With checksums verified, any single bit flipped is refused. */
static void test_every_bit_flip(void **state)
{
	uint8_t f[2048];
	uint32_t fam, len, byte, bit;

	(void)state;
	for (fam = 0; fam < 2; fam++) {
		struct shape s = { .ip6 = fam, .plen = 41 };

		len = build(f, &s);
		for (byte = fam ? L4 : L3; byte < len; byte++) {
			for (bit = 0; bit < 8; bit++) {
				f[byte] ^= (uint8_t)(1 << bit);
				assert_int_not_equal(verdict(f, len, &ALL), XF_WALK_OK);
				f[byte] ^= (uint8_t)(1 << bit);
			}
		}
		assert_verdict(XF_WALK_OK, f, len, &ALL);
	}
}

/* Random bytes, random damage: never a read past the frame; OK lies inside it. */
static void test_random_frames(void **state)
{
	struct shape shapes[4] = {
		{ .plen = 24 },
		{ .ip6 = true, .plen = 24 },
		{ .vlans = 2, .plen = 24, .ip4_opt_words = 2 },
		{ .ip6 = true, .ext = 2, .ext_type = 60, .plen = 24 },
	};
	struct xf_walk_policy lax = ALL;
	uint8_t f[2048];
	uint32_t i, len, k;

	(void)state;
	lax.ip4_csum = lax.udp_csum = false;
	srand(7);
	for (i = 0; i < 200000; i++) {
		if (i % 2) {
			len = (uint32_t)rand() % 200;
			for (k = 0; k < len; k++)
				f[k] = (uint8_t)rand();
			if (len > 13 && i % 4 == 1)
				put16(f + 12, i % 8 == 1 ? 0x0800 : 0x86dd);
		} else {
			len = build(f, &shapes[(i / 2) % 4]);
			for (k = 0; k < 1 + (uint32_t)rand() % 3; k++)
				f[(uint32_t)rand() % len] = (uint8_t)rand();
			len -= (uint32_t)rand() % 4;
		}
		verdict(f, len, i % 3 ? &lax : &ALL); /* walk() checks an OK result */
	}
}

/*
 * A multi-buffer packet: its first @head bytes (a heap copy of exactly
 * that many, so an over-read shows under SAN=address) of a @len-byte frame.
 */
static enum xf_walk_verdict walk_head(const uint8_t *f, uint32_t head, uint32_t len,
				      const struct xf_walk_policy *pol, struct xf_walk *w)
{
	uint8_t *copy = malloc(head ? head : 1);
	enum xf_walk_verdict v;

	assert_non_null(copy);
	memcpy(copy, f, head);
	v = xf_walk_head(copy, head, len, pol, w);
	if (v == XF_WALK_OK) {
		assert_true(w->payload_head <= w->payload_len);
		assert_true(w->payload + w->payload_head <= copy + head);
		assert_true(w->l3_end <= len);
	}
	free(copy);
	return v;
}

/*
 * Every split of good frames into a head and the rest: the walk sees the
 * whole frame's lengths when the headers are in the head (what the kernel
 * gives), TRUNCATED when they are not; the payload bytes in the head are
 * said; a policy that verifies the UDP checksum wants the whole datagram in
 * the head.
 */
static void test_head_of_a_multibuffer_frame(void **state)
{
	const struct shape shapes[] = {
		{ .plen = 300 },
		{ .vlans = 2, .ip4_opt_words = 10, .plen = 40 },
		{ .ip6 = true, .ext = 4, .ext_type = 60, .plen = 200 },
		{ .vlans = 1, .ip6 = true, .plen = 22, .pad = 7 },
	};
	struct xf_walk_policy lax = ALL;
	static uint8_t f[2048];
	uint32_t i, head, len, hdrs;
	struct xf_walk w, whole;

	(void)state;
	lax.udp_csum = false;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		len = build(f, &shapes[i]);
		hdrs = L4 + 8;
		assert_int_equal(walk(f, len, &lax, &whole), XF_WALK_OK);
		for (head = 0; head <= len; head++) {
			enum xf_walk_verdict v = walk_head(f, head, len, &lax, &w);

			if (head < hdrs) {
				if (v != XF_WALK_TRUNCATED)
					fail_msg("shape %u: headers cut at %u of %u: %s", i, head,
						 hdrs, xf_walk_verdict_name(v));
				continue;
			}
			assert_int_equal(v, XF_WALK_OK);
			assert_int_equal(w.l4_off, whole.l4_off);
			assert_int_equal(w.l3_end, whole.l3_end);
			assert_int_equal(w.payload_len, shapes[i].plen);
			assert_int_equal(w.payload_head, head - hdrs < shapes[i].plen
								 ? head - hdrs
								 : shapes[i].plen);
			/* the checksum: only over a datagram all in the head */
			v = walk_head(f, head, len, &ALL, &w);
			assert_int_equal(v, head >= whole.l3_end ? XF_WALK_OK : XF_WALK_TRUNCATED);
		}
		/* the lengths are the packet's: a short packet is still short */
		assert_int_equal(walk_head(f, hdrs, len - shapes[i].pad - 1, &lax, &w),
				 XF_WALK_TRUNCATED);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(xf_walk_verdict_name(XF_WALK_OK), "ok");
	assert_string_equal(xf_walk_verdict_name(XF_WALK_NOT_UDP), "not_udp");
	assert_string_equal(xf_walk_verdict_name(XF_WALK_NVERDICTS), "?");
	assert_string_equal(xf_walk_verdict_name((enum xf_walk_verdict) - 1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes_and_prefixes),
		cmocka_unit_test(test_vlan_policy),
		cmocka_unit_test(test_ipv6_extension_policy),
		cmocka_unit_test(test_checksum_policy),
		cmocka_unit_test(test_lengths_that_disagree),
		cmocka_unit_test(test_ipv4_fragments_and_protocols),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_random_frames),
		cmocka_unit_test(test_head_of_a_multibuffer_frame),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
