// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the generator's frames (user/gen/gen_frame.c) and rate pacing
 * (user/gen/gen_pace.h).
 *
 * A stamp writes only the varying fields, and over IPv6 sets the UDP
 * checksum from the template's precomputed sum: so every stamped frame must
 * verify against a checksum computed from scratch (here, in network order,
 * byte by byte, independently of the code under test), at every size,
 * odd ones included, whatever the frame held before. The BPF program of the
 * live engine uses the same arithmetic. The pacer must hold the long-run
 * rate, never release more than a burst at once, and spread low rates out
 * one frame at a time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gen_frame.h"
#include "gen_pace.h"
#include "../../ref_csum.h"

static struct xf_gen_addrs addrs(bool v6, uint16_t sport)
{
	struct xf_gen_addrs a = { .ipv6 = v6, .sport = sport, .dport = 9000 };
	const uint8_t dst[6] = { 2, 0x58, 0x46, 0, 0, 2 }, src[6] = { 2, 0x58, 0x46, 0, 0, 1 };

	memcpy(a.dst_mac, dst, 6);
	memcpy(a.src_mac, src, 6);
	inet_pton(AF_INET, "198.18.0.1", &a.src4);
	inet_pton(AF_INET, "198.18.0.2", &a.dst4);
	inet_pton(AF_INET6, "2001:db8::1", &a.src6);
	inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", &a.dst6);
	return a;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void check_udp6(const uint8_t *f, uint32_t len)
{
	uint32_t ulen = len - 54;
	uint8_t ph[8] = { 0, 0, (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, 0, 0, IPPROTO_UDP };
	uint32_t s = ref_sum(f + 22, 32) + ref_sum(ph, 8) + ref_sum(f + 54, ulen);

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	if (s != 0xffff)
		fail_msg("IPv6 UDP checksum of a %u-byte frame does not verify (sum %#x)", len, s);
	assert_int_not_equal(be16(f + 60), 0);
}

static struct xf_gen_payload payload(const struct xf_gen_tmpl *t, const uint8_t *f)
{
	struct xf_gen_payload p;

	memcpy(&p, f + t->pl_off, sizeof(p));
	return p;
}

static void test_ipv4_template(void **state)
{
	struct xf_gen_addrs a = addrs(false, 10000);
	static struct xf_gen_tmpl t;
	uint8_t f[XF_GEN_MAX_FRAME];
	struct xf_gen_payload p;

	(void)state;
	assert_int_equal(xf_gen_tmpl_init(&t, &a, 64, 1), 0);
	assert_int_equal(t.len, 64);
	assert_int_equal(t.udp_off, 34);
	assert_int_equal(t.pl_off, 42);
	assert_memory_equal(t.frame, a.dst_mac, 6);
	assert_memory_equal(t.frame + 6, a.src_mac, 6);
	assert_int_equal(be16(t.frame + 12), 0x0800);
	assert_int_equal(t.frame[14], 0x45);
	assert_int_equal(be16(t.frame + 16), 50); /* IPv4 total length */
	assert_int_equal(t.frame[23], IPPROTO_UDP);
	assert_int_equal(ref_sum(t.frame + 14, 20), 0xffff); /* header checksum */
	assert_int_equal(be16(t.frame + 34), 10000);
	assert_int_equal(be16(t.frame + 36), 9000);
	assert_int_equal(be16(t.frame + 38), 30); /* UDP length */
	memcpy(f, t.frame, t.len);
	xf_gen_stamp(f, &t, 7, 123456789012ull, 987654321ull);
	p = payload(&t, f);
	assert_int_equal(p.magic, XF_GEN_MAGIC);
	assert_int_equal(p.stream, 7);
	assert_true(p.seq == 123456789012ull);
	assert_true(p.tx_ns == 987654321ull);
	assert_int_equal(be16(f + 40), 0); /* no UDP checksum over IPv4 */
	/* Only the varying fields changed. */
	assert_memory_equal(f, t.frame, 34);
	assert_memory_equal(f + 36, t.frame + 36, 6);
}

static void test_ipv6_checksum_every_size(void **state)
{
	struct xf_gen_addrs a = addrs(true, 10000);
	static struct xf_gen_tmpl t;
	uint8_t f[XF_GEN_MAX_FRAME];
	uint32_t len, k;

	(void)state;
	srand(42);
	for (len = XF_GEN_MIN_SIZE6; len <= 1514; len += len < 200 ? 1 : 97) {
		assert_int_equal(xf_gen_tmpl_init(&t, &a, len, 13), 0);
		assert_int_equal(be16(t.frame + 18), len - 54); /* payload length */
		check_udp6(t.frame, len);			/* the template itself */
		memcpy(f, t.frame, len);
		for (k = 0; k < 50; k++) {
			uint64_t seq = ((uint64_t)rand() << 33) ^ (uint64_t)rand();
			uint64_t ns = ((uint64_t)rand() << 31) ^ (uint64_t)rand();
			uint16_t stream = (uint16_t)(rand() % XF_GEN_MAX_STREAMS);

			if (k == 0)
				seq = 0, ns = 0, stream = 0;
			if (k == 1)
				seq = UINT64_MAX, ns = UINT64_MAX, stream = 0xffff;
			/* Stamped over the previous stamp, as frames are reused. */
			xf_gen_stamp(f, &t, stream, seq, ns);
			check_udp6(f, len);
			assert_int_equal(be16(f + 54), 10000 + seq % 13);
			assert_true(payload(&t, f).seq == seq);
		}
	}
}

/* The checksum can come out as 0, which IPv6 sends as 0xffff: find such a
 * packet by searching tx_ns, and check it still verifies. */
static void test_ipv6_zero_checksum_becomes_ffff(void **state)
{
	struct xf_gen_addrs a = addrs(true, 10000);
	static struct xf_gen_tmpl t;
	uint8_t f[XF_GEN_MAX_FRAME];
	uint64_t ns;
	int found = 0;

	(void)state;
	assert_int_equal(xf_gen_tmpl_init(&t, &a, 84, 1), 0);
	memcpy(f, t.frame, t.len);
	for (ns = 0; ns < 70000 && !found; ns++) {
		xf_gen_stamp(f, &t, 0, 0, ns);
		if (be16(f + 60) == 0xffff) {
			found = 1;
			check_udp6(f, t.len);
		}
	}
	assert_true(found);
}

static void test_flows_cycle_source_port(void **state)
{
	struct xf_gen_addrs a = addrs(false, 65530);
	static struct xf_gen_tmpl t;
	uint64_t seq;

	(void)state;
	assert_int_equal(xf_gen_tmpl_init(&t, &a, 100, 6), 0);
	for (seq = 0; seq < 20; seq++)
		assert_int_equal(xf_gen_sport(&t, seq), 65530 + seq % 6);
	assert_int_equal(xf_gen_tmpl_init(&t, &a, 100, 1), 0);
	assert_int_equal(xf_gen_sport(&t, 12345), 65530);
}

static void test_template_refuses(void **state)
{
	struct xf_gen_addrs a4 = addrs(false, 10000), a6 = addrs(true, 10000);
	static struct xf_gen_tmpl t;

	(void)state;
	assert_int_equal(XF_GEN_MIN_SIZE4, 64);
	assert_int_equal(XF_GEN_MIN_SIZE6, 84);
	assert_int_equal(xf_gen_tmpl_init(&t, &a4, 63, 1), -EINVAL);
	assert_int_equal(xf_gen_tmpl_init(&t, &a6, 83, 1), -EINVAL);
	assert_int_equal(xf_gen_tmpl_init(&t, &a4, XF_GEN_MAX_FRAME + 1, 1), -EINVAL);
	assert_int_equal(xf_gen_tmpl_init(&t, &a4, 64, 0), -EINVAL);
	a4.sport = 65000;
	assert_int_equal(xf_gen_tmpl_init(&t, &a4, 64, 536), 0);
	assert_int_equal(xf_gen_tmpl_init(&t, &a4, 64, 537), -EINVAL);
}

/* Simulate a thread asking every @step ns for up to @want packets. */
static uint64_t run_pacer(double pps, uint32_t max_burst, uint64_t step, uint64_t until,
			  uint32_t *largest)
{
	struct xf_pace p;
	uint64_t now, sent = 0;
	uint32_t n;

	*largest = 0;
	xf_pace_init(&p, pps, 100000, max_burst, 0);
	for (now = 0; now < until; now += step) {
		n = xf_pace_avail(&p, now);
		if (n > *largest)
			*largest = n;
		xf_pace_consume(&p, n);
		sent += n;
	}
	return sent;
}

static void test_pace_rate_and_bursts(void **state)
{
	uint32_t largest;
	uint64_t sent;

	(void)state;
	/* 1000 pps for 1 s, asked every 10 us: 1000 packets, one at a time. */
	sent = run_pacer(1000, 64, 10000, 1000000000ull, &largest);
	assert_true(sent >= 999 && sent <= 1001);
	assert_int_equal(largest, 1);
	/* 1 Mpps, asked every 1 us: bursts of at most 100 us (100 packets,
	 * capped by the batch of 64), and the rate holds. */
	sent = run_pacer(1e6, 64, 1000, 100000000ull, &largest);
	assert_true(sent >= 99900 && sent <= 100100);
	assert_true(largest <= 64);
	/* Asked only every 50 ms: never more than a burst at once, so the
	 * rate cannot be caught up with a line-rate flood. */
	sent = run_pacer(1e6, 64, 50000000ull, 1000000000ull, &largest);
	assert_int_equal(largest, 64);
	assert_true(sent <= 20 * 64);
}

static void test_pace_unpaced(void **state)
{
	struct xf_pace p;

	(void)state;
	xf_pace_init(&p, 0, 100000, 64, 12345);
	assert_int_equal(xf_pace_avail(&p, 0), 64);
	xf_pace_consume(&p, 64);
	assert_int_equal(xf_pace_avail(&p, 0), 64);
}

static void test_pace_next_due(void **state)
{
	struct xf_pace p;

	(void)state;
	xf_pace_init(&p, 100, 100000, 64, 1000);
	assert_int_equal(xf_pace_avail(&p, 1000), 1);
	xf_pace_consume(&p, 1);
	assert_int_equal(xf_pace_avail(&p, 1000 + 9999999), 0);
	assert_int_equal(xf_pace_next(&p), 1000 + 10000000);
	assert_int_equal(xf_pace_avail(&p, 1000 + 10000000), 1);
}

/* What a thread may hand over now: what is due, within its quota. */
static void test_pace_take(void **state)
{
	struct xf_pace p;

	(void)state;
	xf_pace_init(&p, 0, 1000000, 64, 0); /* unpaced: the burst, then the quota */
	assert_int_equal(xf_pace_take(&p, 0, 0, 1000, 64), 64);
	assert_int_equal(xf_pace_take(&p, 0, 990, 1000, 64), 10);
	assert_int_equal(xf_pace_take(&p, 0, 1000, 1000, 64), 0);
	xf_pace_init(&p, 1000, 10000000, 64, 0); /* 1000 pps: 1 ms apart, bursts of 10 */
	assert_int_equal(xf_pace_take(&p, 0, 0, UINT64_MAX, 64), 1);
	xf_pace_consume(&p, 1);
	assert_int_equal(xf_pace_take(&p, 500000, 1, UINT64_MAX, 64), 0); /* not due */
	assert_int_equal(xf_pace_take(&p, 3000000, 1, UINT64_MAX, 64), 3);
	assert_int_equal(xf_pace_take(&p, 3000000, 1, 3, 64), 2); /* the quota first */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_template),
		cmocka_unit_test(test_ipv6_checksum_every_size),
		cmocka_unit_test(test_ipv6_zero_checksum_becomes_ffff),
		cmocka_unit_test(test_flows_cycle_source_port),
		cmocka_unit_test(test_template_refuses),
		cmocka_unit_test(test_pace_rate_and_bursts),
		cmocka_unit_test(test_pace_unpaced),
		cmocka_unit_test(test_pace_next_due),
		cmocka_unit_test(test_pace_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
