// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the sink's frame parser (user/net/gen_payload.c).
 *
 * The parser reads bytes from the wire, so besides the good frames of each
 * shape (IPv4, IPv4 with options, IPv6, IPv6 with extension headers, one
 * and two VLAN tags) every prefix of each good frame is parsed from a heap
 * buffer of exactly that size (an over-read shows up under SAN=address) and
 * must be rejected as truncated. Lengths that disagree (UDP length past the
 * IP payload, IP length past the frame, a UDP payload one byte short that
 * Ethernet padding would make look long enough), bad magic, fragments and
 * foreign protocols each get their verdict. Last, random frames and random
 * corruptions of good frames must never crash.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gen_payload.h"

#define PL_LEN ((uint32_t)sizeof(struct xf_gen_payload))

/* How to build a test frame. */
struct shape {
	int vlans;	   /* 0, 1, 2 (or 3: too many) */
	bool ip6;	   /* else IPv4 */
	int ip4_opt_words; /* IPv4 options, 4-byte words */
	int ext;	   /* IPv6 extension headers before UDP */
	uint8_t ext_type;  /* their type (0, 43, 44, 60) */
	uint8_t proto;	   /* L4 protocol, 0 = UDP */
	uint32_t extra;	   /* UDP payload bytes after the xf_gen_payload */
	uint32_t pad;	   /* Ethernet padding after the IP packet */
	uint32_t magic;
	uint16_t stream;
	uint64_t seq, tx_ns;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Write the frame @s describes into @buf; returns its length. */
static uint32_t build(uint8_t *buf, const struct shape *s)
{
	struct xf_gen_payload pl = {
		.magic = s->magic, .stream = s->stream, .seq = s->seq, .tx_ns = s->tx_ns
	};
	uint32_t off = 12, ip, l4, udp_len = 8 + PL_LEN + s->extra, i;

	memset(buf, 0, 2048);
	memcpy(buf, "\x02\x58\x46\x00\x00\x02\x02\x58\x46\x00\x00\x01", 12);
	for (i = 0; i < (uint32_t)s->vlans; i++) {
		put16(buf + off, i == 0 && s->vlans == 2 ? 0x88A8 : 0x8100);
		put16(buf + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	put16(buf + off, s->ip6 ? 0x86DD : 0x0800);
	ip = off + 2;
	if (!s->ip6) {
		uint32_t ihl = 20 + 4 * (uint32_t)s->ip4_opt_words;

		buf[ip] = (uint8_t)(0x40 | ihl / 4);
		put16(buf + ip + 2, (uint16_t)(ihl + udp_len));
		put16(buf + ip + 6, 0x4000); /* DF */
		buf[ip + 8] = 64;
		buf[ip + 9] = s->proto ? s->proto : 17;
		memset(buf + ip + 20, 1, ihl - 20); /* NOP options */
		l4 = ip + ihl;
	} else {
		uint32_t ext_len = 8 * (uint32_t)s->ext;

		buf[ip] = 0x60;
		put16(buf + ip + 4, (uint16_t)(ext_len + udp_len));
		buf[ip + 6] = s->ext ? s->ext_type : s->proto ? s->proto : 17;
		buf[ip + 7] = 64;
		l4 = ip + 40;
		for (i = 0; i < (uint32_t)s->ext; i++) {
			buf[l4] = i + 1 < (uint32_t)s->ext ? s->ext_type : s->proto ? s->proto : 17;
			buf[l4 + 1] = 0; /* 8 bytes; for a fragment header: reserved */
			l4 += 8;
		}
	}
	put16(buf + l4, 10000);
	put16(buf + l4 + 2, 9000);
	put16(buf + l4 + 4, (uint16_t)udp_len);
	memcpy(buf + l4 + 8, &pl, sizeof(pl));
	return l4 + udp_len + s->pad;
}

static struct shape good(void)
{
	struct shape s = {
		.magic = XF_GEN_MAGIC, .stream = 7, .seq = 0x0102030405060708ull, .tx_ns = 123456789
	};
	return s;
}

/* Parse @len bytes of @frame from a heap copy of exactly that size. */
static enum xf_gen_verdict parse_exact(const uint8_t *frame, uint32_t len,
				       struct xf_gen_payload *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum xf_gen_verdict v;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	v = xf_gen_parse(copy, len, out);
	free(copy);
	return v;
}

static void expect_ours(const struct shape *s, uint32_t want_len)
{
	uint8_t buf[2048];
	struct xf_gen_payload out;
	uint32_t len = build(buf, s);

	if (want_len)
		assert_int_equal(len, want_len);
	memset(&out, 0, sizeof(out));
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_OURS);
	assert_int_equal(out.magic, XF_GEN_MAGIC);
	assert_int_equal(out.stream, s->stream);
	assert_true(out.seq == s->seq);
	assert_true(out.tx_ns == s->tx_ns);
}

static enum xf_gen_verdict verdict_of(const struct shape *s)
{
	uint8_t buf[2048];
	struct xf_gen_payload out;

	return parse_exact(buf, build(buf, s), &out);
}

/* Every proper prefix of the frame is truncated, and leaves @out alone. */
static void expect_prefixes_truncated(const struct shape *s)
{
	uint8_t buf[2048];
	struct xf_gen_payload out, zero;
	uint32_t len = build(buf, s), n;
	enum xf_gen_verdict v;

	memset(&zero, 0, sizeof(zero));
	for (n = 0; n < len; n++) {
		memset(&out, 0, sizeof(out));
		v = parse_exact(buf, n, &out);
		if (v != XF_GEN_TRUNCATED)
			fail_msg("%u of %u bytes: verdict %s, not truncated", n, len,
				 xf_gen_verdict_name(v));
		assert_memory_equal(&out, &zero, sizeof(out));
	}
}

static void test_ipv4_64_bytes(void **state)
{
	struct shape s = good();

	(void)state;
	/* The payload's own claim: a 64-byte IPv4 frame carries it whole. */
	expect_ours(&s, 64);
	expect_prefixes_truncated(&s);
}

static void test_ipv4_options_padding_extra(void **state)
{
	struct shape s = good();

	(void)state;
	s.ip4_opt_words = 10; /* IHL 15 */
	s.extra = 100;
	expect_ours(&s, 0);
	expect_prefixes_truncated(&s);
	s.pad = 30; /* Ethernet padding after the IP packet is fine */
	expect_ours(&s, 0);
}

static void test_ipv6(void **state)
{
	struct shape s = good();

	(void)state;
	s.ip6 = true;
	expect_ours(&s, 84); /* the smallest IPv6 frame that carries it */
	expect_prefixes_truncated(&s);
	s.pad = 7;
	expect_ours(&s, 91);
}

static void test_ipv6_extension_headers(void **state)
{
	static const uint8_t types[] = { 0, 43, 60, 44 };
	struct shape s = good();
	size_t i;

	(void)state;
	s.ip6 = true;
	for (i = 0; i < sizeof(types); i++) {
		s.ext_type = types[i];
		s.ext = 1;
		expect_ours(&s, 84 + 8);
		expect_prefixes_truncated(&s);
		s.ext = XF_GEN_MAX_EXT;
		expect_ours(&s, 84 + 8 * XF_GEN_MAX_EXT);
		s.ext = XF_GEN_MAX_EXT + 1; /* more than we walk */
		assert_int_equal(verdict_of(&s), XF_GEN_BAD_IP);
	}
}

static void test_ipv6_fragment_and_odd_headers(void **state)
{
	struct shape s = good();
	uint8_t buf[2048];
	struct xf_gen_payload out;
	uint32_t len;

	(void)state;
	s.ip6 = true;
	s.ext = 1;
	s.ext_type = 44;
	len = build(buf, &s);
	buf[54 + 3] = 1; /* M flag: not a whole datagram */
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	buf[54 + 3] = 0;
	buf[54 + 2] = 0x01; /* fragment offset 32 */
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);

	/* A destination-options header whose length runs past the packet. */
	s.ext_type = 60;
	len = build(buf, &s);
	buf[54 + 1] = 200;
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_TRUNCATED);

	/* ESP, and an upper layer that is not UDP. */
	s.ext = 0;
	s.proto = 50;
	assert_int_equal(verdict_of(&s), XF_GEN_BAD_IP);
	s.proto = 58;
	assert_int_equal(verdict_of(&s), XF_GEN_NOT_UDP);

	/* Jumbogram payload length 0, and version 4 in an IPv6 ethertype. */
	s.proto = 0;
	len = build(buf, &s);
	put16(buf + 14 + 4, 0);
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	len = build(buf, &s);
	buf[14] = 0x45;
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
}

static void test_vlan(void **state)
{
	struct shape s = good();

	(void)state;
	s.vlans = 1;
	expect_ours(&s, 68);
	expect_prefixes_truncated(&s);
	s.vlans = 2; /* 802.1ad outer tag, 802.1Q inner */
	expect_ours(&s, 72);
	expect_prefixes_truncated(&s);
	s.ip6 = true;
	expect_ours(&s, 92);
	expect_prefixes_truncated(&s);
	s.vlans = 3;
	assert_int_equal(verdict_of(&s), XF_GEN_NOT_IP);
}

static void test_bad_magic_and_stream(void **state)
{
	struct shape s = good();

	(void)state;
	s.magic = 0x31474659; /* one bit off */
	assert_int_equal(verdict_of(&s), XF_GEN_BAD_MAGIC);
	s.magic = 0x58464731; /* the right bytes in the wrong order */
	assert_int_equal(verdict_of(&s), XF_GEN_BAD_MAGIC);
	s = good();
	s.stream = XF_GEN_MAX_STREAMS;
	assert_int_equal(verdict_of(&s), XF_GEN_BAD_STREAM);
	s.stream = XF_GEN_MAX_STREAMS - 1;
	expect_ours(&s, 0);
}

static void test_lengths_that_disagree(void **state)
{
	struct shape s = good();
	struct xf_gen_payload out;
	uint8_t buf[2048];
	uint32_t len;

	(void)state;
	/* A UDP payload one byte short of the header, Ethernet padding after
	 * it: the bytes are in the frame, but not in the datagram. */
	len = build(buf, &s);
	put16(buf + 34 + 4, (uint16_t)(8 + PL_LEN - 1));
	put16(buf + 14 + 2, (uint16_t)(20 + 8 + PL_LEN - 1));
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_SHORT);
	/* UDP length below its header, and past the IP payload. */
	len = build(buf, &s);
	put16(buf + 34 + 4, 7);
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_TRUNCATED);
	put16(buf + 34 + 4, (uint16_t)(8 + PL_LEN + 1));
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_TRUNCATED);
	/* IPv4 total length past the frame, and below the header length. */
	len = build(buf, &s);
	put16(buf + 14 + 2, (uint16_t)(len - 14 + 1));
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_TRUNCATED);
	put16(buf + 14 + 2, 19);
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	/* IHL below 5, IHL past the total length, bad version. */
	len = build(buf, &s);
	buf[14] = 0x44;
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	buf[14] = 0x4f;
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	buf[14] = 0x55;
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	/* IPv6 payload length past the frame. */
	s.ip6 = true;
	len = build(buf, &s);
	put16(buf + 14 + 4, (uint16_t)(len - 54 + 1));
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_TRUNCATED);
}

static void test_fragments_and_other_protocols(void **state)
{
	struct shape s = good();
	struct xf_gen_payload out;
	uint8_t buf[2048];
	uint32_t len;

	(void)state;
	len = build(buf, &s);
	put16(buf + 14 + 6, 0x2000); /* MF */
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	put16(buf + 14 + 6, 0x0003); /* offset 24 */
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_BAD_IP);
	s.proto = 6;
	assert_int_equal(verdict_of(&s), XF_GEN_NOT_UDP);
	/* ARP */
	len = build(buf, &s);
	put16(buf + 12, 0x0806);
	assert_int_equal(parse_exact(buf, len, &out), XF_GEN_NOT_IP);
}

/* Random bytes, random lengths, random damage to good frames: no crash,
 * and whatever is accepted has our magic and a valid stream. */
static void test_random_frames(void **state)
{
	struct shape shapes[4] = { good(), good(), good(), good() };
	struct xf_gen_payload out;
	uint8_t buf[2048];
	uint32_t i, len, k;
	enum xf_gen_verdict v;

	(void)state;
	shapes[1].ip6 = true;
	shapes[2].vlans = 2;
	shapes[3].ip6 = true;
	shapes[3].ext = 2;
	shapes[3].ext_type = 60;
	srand(1);
	for (i = 0; i < 200000; i++) {
		if (i % 2) {
			len = (uint32_t)rand() % 200;
			for (k = 0; k < len; k++)
				buf[k] = (uint8_t)rand();
			/* Often IP, so the deeper code is reached. */
			if (len > 13 && i % 4 == 1)
				put16(buf + 12, i % 8 == 1 ? 0x0800 : 0x86DD);
		} else {
			len = build(buf, &shapes[(i / 2) % 4]);
			for (k = 0; k < 1 + (uint32_t)rand() % 3; k++)
				buf[(uint32_t)rand() % len] = (uint8_t)rand();
			len -= (uint32_t)rand() % 4;
		}
		v = parse_exact(buf, len, &out);
		assert_true(v < XF_GEN_NVERDICTS);
		if (v == XF_GEN_OURS) {
			assert_int_equal(out.magic, XF_GEN_MAGIC);
			assert_true(out.stream < XF_GEN_MAX_STREAMS);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_64_bytes),
		cmocka_unit_test(test_ipv4_options_padding_extra),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_ipv6_fragment_and_odd_headers),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_bad_magic_and_stream),
		cmocka_unit_test(test_lengths_that_disagree),
		cmocka_unit_test(test_fragments_and_other_protocols),
		cmocka_unit_test(test_random_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
