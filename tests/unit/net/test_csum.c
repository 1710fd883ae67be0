// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the checksum kit (user/net/csum.h), against the tests'
 * reference (tests/ref_csum.h: big-endian words, byte by byte), which
 * shares no code with it.
 *
 * Covered: memory-order sums of every length 0..300 at every alignment 0..7
 * with a running sum carried in; folds of any 64-bit value (the one's
 * complement sum is the value mod 0xffff); the 32-bit fold; the 64-bit word
 * sum; pseudo-headers over IPv4 and IPv6 (lengths past 16 bits too); the
 * IPv4 header checksum of a published header and of random ones, whatever
 * their checksum field held; 0 -> 0xffff for UDP; and incremental updates
 * (RFC 1624) of a 16-bit and a 32-bit field equal to a full recomputation.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csum.h"
#include "../../ref_csum.h"

/* A memory-order checksum as the big-endian value the reference computes. */
static uint16_t host(uint16_t mem)
{
	return ntohs(mem);
}

static uint64_t rand64(void)
{
	return (uint64_t)rand() << 62 ^ (uint64_t)rand() << 31 ^ (uint64_t)rand();
}

static void test_add_every_length_and_alignment(void **state)
{
	static uint8_t buf[320];
	uint32_t len, align, i;

	(void)state;
	srand(1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (len = 0; len <= 300; len++) {
		for (align = 0; align < 8; align++) {
			uint16_t got = host(xf_csum_fold(xf_csum_add(0, buf + align, len)));
			uint32_t want = ref_sum(buf + align, len);

			if (got != want && !(len && got == 0xffff && want == 0))
				fail_msg("len %u align %u: %#x, reference %#x", len, align, got,
					 want);
		}
	}
	/* All 0xff bytes: carries on every word; an odd last byte padded with 0. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(xf_csum_fold(xf_csum_add(0, buf, 300)), 0xffff);
	assert_int_equal(host(xf_csum_fold(xf_csum_add(0, buf, 1))), 0xff00);
	assert_int_equal(xf_csum_fold(xf_csum_add(0, buf, 0)), 0);
}

static void test_add_continues_a_sum(void **state)
{
	static uint8_t buf[200];
	uint32_t i, cut;

	(void)state;
	srand(2);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	/* A sum split at any even point, the first part's sum carried in. */
	for (cut = 0; cut <= sizeof(buf); cut += 2) {
		uint64_t s = xf_csum_add(xf_csum_add(0, buf, cut), buf + cut, sizeof(buf) - cut);

		assert_int_equal(host(xf_csum_fold(s)), ref_sum(buf, sizeof(buf)));
	}
	/* A huge sum carried in still folds right. */
	assert_int_equal(xf_csum_fold(xf_csum_add(~0ull, buf, 0)), 0xffff);
}

static void test_fold(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(xf_csum_fold(0), 0);
	assert_int_equal(xf_csum_fold(0xffff), 0xffff);
	assert_int_equal(xf_csum_fold(0x10000), 1);
	assert_int_equal(xf_csum_fold(~0ull), 0xffff);
	assert_int_equal(xf_csum_fold32(0xffffffff), 0xffff);
	srand(3);
	for (i = 0; i < 100000; i++) {
		uint64_t v = rand64();
		uint32_t m = (uint32_t)(v % 0xffff), f = xf_csum_fold(v);

		/* One's complement: v mod 0xffff, where 0 is 0xffff ("-0") unless v is 0. */
		assert_int_equal(f, m ? m : 0xffff);
		assert_int_equal(xf_csum_fold32((uint32_t)v), xf_csum_fold((uint32_t)v));
		assert_int_equal(xf_csum_fold(xf_csum_words64(v)),
				 xf_csum_fold(xf_csum_add(0, &v, 8)));
	}
}

static void test_pseudo(void **state)
{
	const uint8_t s4[4] = { 198, 18, 0, 1 }, d4[4] = { 198, 18, 0, 2 };
	uint8_t s6[16], d6[16], ph[40];
	uint32_t lens[] = { 0, 8, 1500, 65535, 65536, 0x12345678 }, i;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", s6);
	inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", d6);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		/* RFC 768: src, dst, zero, protocol, 16-bit length. */
		memcpy(ph, s4, 4);
		memcpy(ph + 4, d4, 4);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = (uint8_t)(lens[i] >> 8);
		ph[11] = (uint8_t)lens[i];
		if (lens[i] <= 65535)
			assert_int_equal(
				host(xf_csum_fold(xf_csum_pseudo(0, s4, d4, 4, 17, lens[i]))),
				ref_sum(ph, 12));
		/* RFC 8200 8.1: src, dst, 32-bit length, three zeros, next header. */
		memcpy(ph, s6, 16);
		memcpy(ph + 16, d6, 16);
		ph[32] = (uint8_t)(lens[i] >> 24);
		ph[33] = (uint8_t)(lens[i] >> 16);
		ph[34] = (uint8_t)(lens[i] >> 8);
		ph[35] = (uint8_t)lens[i];
		memset(ph + 36, 0, 3);
		ph[39] = 17;
		assert_int_equal(host(xf_csum_fold(xf_csum_pseudo(0, s6, d6, 16, 17, lens[i]))),
				 ref_sum(ph, 40));
	}
}

/* Wikipedia's "IPv4 header checksum" example: 4500 0073 0000 4000 4011 b861 ... */
static void test_ip4_header(void **state)
{
	uint8_t h[60] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint32_t i, ihl, k;
	uint16_t c;

	(void)state;
	assert_true(xf_csum_ip4_ok(h, 20));
	c = xf_csum_ip4_hdr(h, 20); /* the field's own value does not count */
	assert_int_equal(host(c), 0xb861);
	h[11] ^= 1;
	assert_false(xf_csum_ip4_ok(h, 20));
	assert_int_equal(host(xf_csum_ip4_hdr(h, 20)), 0xb861);

	srand(4);
	for (i = 0; i < 10000; i++) {
		ihl = 20 + 4 * (uint32_t)(rand() % 11);
		for (k = 0; k < ihl; k++)
			h[k] = (uint8_t)rand();
		c = xf_csum_ip4_hdr(h, ihl);
		memcpy(h + 10, &c, 2);
		assert_int_equal(ref_sum(h, ihl), 0xffff);
		assert_true(xf_csum_ip4_ok(h, ihl));
		h[rand() % ihl] ^= (uint8_t)(1 << rand() % 8);
		assert_false(xf_csum_ip4_ok(h, ihl));
	}
}

static void test_udp_zero_is_ffff(void **state)
{
	(void)state;
	assert_int_equal(xf_csum_udp(0xffff), 0xffff); /* ~0xffff = 0: sent as 0xffff */
	assert_int_equal(xf_csum_udp(0), 0xffff);
	assert_int_equal(xf_csum_udp(0x1234), (uint16_t)~0x1234);
	assert_true(xf_csum_ok(0xffff));
	assert_true(xf_csum_ok(0x1fffe));
	assert_false(xf_csum_ok(0xfffe));
}

/* RFC 1624: update after a change equals a recomputation. */
static void test_incremental(void **state)
{
	uint8_t h[20];
	uint32_t i, k;

	(void)state;
	srand(5);
	for (i = 0; i < 100000; i++) {
		uint16_t c, old16, new16;
		uint32_t old32, new32;

		for (k = 0; k < 20; k++)
			h[k] = (uint8_t)rand();
		h[0] = 0x45;
		c = xf_csum_ip4_hdr(h, 20);
		memcpy(h + 10, &c, 2);
		/* A router's TTL decrement: the TTL/protocol word. */
		memcpy(&old16, h + 8, 2);
		h[8]--;
		memcpy(&new16, h + 8, 2);
		c = xf_csum_replace16(c, old16, new16);
		assert_int_equal(c, xf_csum_ip4_hdr(h, 20));
		memcpy(h + 10, &c, 2);
		assert_int_equal(ref_sum(h, 20), 0xffff);
		/* A NAT's address rewrite. */
		memcpy(&old32, h + 12, 4);
		new32 = (uint32_t)rand64();
		memcpy(h + 12, &new32, 4);
		c = xf_csum_replace32(c, old32, new32);
		assert_int_equal(c, xf_csum_ip4_hdr(h, 20));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_every_length_and_alignment),
		cmocka_unit_test(test_add_continues_a_sum),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_pseudo),
		cmocka_unit_test(test_ip4_header),
		cmocka_unit_test(test_udp_zero_is_ffff),
		cmocka_unit_test(test_incremental),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
