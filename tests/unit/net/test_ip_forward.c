// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the router's rewrite (user/net/ip_forward.h): after
 * xf_ip_forward() a frame holds the new MACs, a TTL / hop limit one lower,
 * and an IPv4 header whose checksum equals a full recomputation by the
 * tests' reference (tests/ref_csum.h), for random headers and for the
 * checksum values where one's complement arithmetic has its edge cases;
 * every other byte is unchanged. Frames it must not touch (TTL <= 1, not
 * IP, VLAN-tagged, too short) come back byte for byte as they went in.
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

#include "ip_forward.h"
#include "../../ref_csum.h"

static const uint8_t DMAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x02, 0x01 };
static const uint8_t SMAC[6] = { 0x02, 0x58, 0x46, 0x00, 0x01, 0x01 };

/* An untagged IPv4/UDP frame of @len bytes with random header fields and a
 * correct header checksum. */
static void v4_frame(uint8_t *f, size_t len, uint8_t ttl)
{
	uint16_t c, tot = htons((uint16_t)(len - 14));
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)rand();
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	memcpy(f + 16, &tot, 2);
	f[22] = ttl;
	f[23] = 17;
	f[24] = f[25] = 0;
	c = htons((uint16_t)~ref_sum(f + 14, 20));
	memcpy(f + 24, &c, 2);
}

static void v6_frame(uint8_t *f, size_t len, uint8_t hops)
{
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)rand();
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[20] = 17;
	f[21] = hops;
}

/* After the rewrite: MACs, @ttl_off one lower, @keep_from.. unchanged but for
 * the IPv4 checksum, which must verify. */
static void check_rewritten(const uint8_t *before, const uint8_t *after, size_t len, size_t ttl_off)
{
	size_t i;

	assert_memory_equal(after, DMAC, 6);
	assert_memory_equal(after + 6, SMAC, 6);
	assert_int_equal(after[ttl_off], (uint8_t)(before[ttl_off] - 1));
	for (i = 12; i < len; i++)
		if (i != ttl_off && !(ttl_off == 22 && (i == 24 || i == 25)) &&
		    after[i] != before[i])
			fail_msg("byte %zu changed: %#x -> %#x", i, before[i], after[i]);
}

static void test_ipv4_random_headers(void **state)
{
	uint8_t f[128], orig[128];
	int n;

	(void)state;
	srand(7);
	for (n = 0; n < 100000; n++) {
		size_t len = 34 + (size_t)(rand() % 90);

		v4_frame(f, len, (uint8_t)(2 + rand() % 254));
		memcpy(orig, f, len);
		assert_int_equal(xf_ip_forward(f, (uint32_t)len, DMAC, SMAC), 0);
		check_rewritten(orig, f, len, 22);
		if (ref_sum(f + 14, 20) != 0xffff)
			fail_msg("frame %d: IPv4 header checksum %#x does not verify", n,
				 ref_sum(f + 14, 20));
	}
}

/*
 * The checksum values where an incremental update can go wrong: a header
 * whose checksum field is 0x0000 or 0xffff before or after (RFC 1624's
 * reason for eqn. 3), found by searching random headers for them.
 */
static void test_ipv4_checksum_edges(void **state)
{
	uint8_t f[34], orig[34];
	int found0 = 0, foundf = 0, n;

	(void)state;
	srand(11);
	for (n = 0; n < 20000000 && (found0 < 3 || foundf < 3); n++) {
		uint16_t c;

		v4_frame(f, sizeof(f), (uint8_t)(2 + rand() % 254));
		memcpy(&c, f + 24, 2);
		if (c != 0 && c != 0xffff && c != htons(0x0100) && c != htons(0xfeff))
			continue;
		found0 += c == 0 || c == htons(0x0100);
		foundf += c == 0xffff || c == htons(0xfeff);
		memcpy(orig, f, sizeof(f));
		assert_int_equal(xf_ip_forward(f, sizeof(f), DMAC, SMAC), 0);
		check_rewritten(orig, f, sizeof(f), 22);
		assert_int_equal(ref_sum(f + 14, 20), 0xffff);
	}
	assert_true(found0 >= 3 && foundf >= 3);
}

static void test_ipv6_hop_limit(void **state)
{
	uint8_t f[80], orig[80];
	int h;

	(void)state;
	srand(3);
	for (h = 2; h <= 255; h++) {
		v6_frame(f, sizeof(f), (uint8_t)h);
		memcpy(orig, f, sizeof(f));
		assert_int_equal(xf_ip_forward(f, sizeof(f), DMAC, SMAC), 0);
		check_rewritten(orig, f, sizeof(f), 21);
	}
}

/* Frames the router must leave alone come back unchanged. */
static void test_refused_unchanged(void **state)
{
	uint8_t f[80], orig[80];
	int c;

	(void)state;
	for (c = 0; c < 7; c++) {
		uint32_t len = sizeof(f);

		if (c < 4)
			v4_frame(f, sizeof(f), 2);
		else
			v6_frame(f, sizeof(f), 2);
		switch (c) {
		case 0:
			f[22] = 1;
			break; /* TTL 1: the kernel's (Time Exceeded) */
		case 1:
			f[22] = 0;
			break; /* TTL 0 */
		case 2:
			f[12] = 0x81;
			f[13] = 0;
			break; /* 802.1Q */
		case 3:
			len = 33;
			break; /* shorter than Ethernet + IPv4 */
		case 4:
			f[21] = 1;
			break; /* hop limit 1 */
		case 5:
			len = 53;
			break; /* shorter than Ethernet + IPv6 */
		case 6:
			f[12] = 0x08;
			f[13] = 0x06;
			break; /* ARP */
		}
		memcpy(orig, f, sizeof(f));
		assert_int_equal(xf_ip_forward(f, len, DMAC, SMAC), -1);
		assert_memory_equal(f, orig, sizeof(f));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_random_headers),
		cmocka_unit_test(test_ipv4_checksum_edges),
		cmocka_unit_test(test_ipv6_hop_limit),
		cmocka_unit_test(test_refused_unchanged),
	};

	return cmocka_run_group_tests_name("ip_forward", tests, NULL, NULL);
}
