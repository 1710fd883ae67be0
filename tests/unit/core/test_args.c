// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the strict option parsers (user/core/args.c): xf_parse_u32(),
 * xf_parse_list() and xf_parse_addr_port().
 *
 * Every number on the command line (ring sizes, batch, queue and CPU lists,
 * rule ports and VLAN ids) goes through these, so they must take exactly
 * decimal and 0x hex within the range asked for, refuse anything else with
 * a reason instead of reading a prefix of it ("12a" is not 12, "-1" is not
 * 4294967295), and leave the output alone on error. Lists must come back
 * sorted and without repeats, within the XF_MAX_LIST entries the callers'
 * arrays hold. A listening address is IPv4:PORT or [IPv6]:PORT, nothing
 * looser (no host names, no bare IPv6, no port 0).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "args.h"

#define UNTOUCHED 0xdeadbeefu

static uint32_t u32_ok(const char *s, uint32_t min, uint32_t max)
{
	char err[XF_ERRLEN] = "";
	uint32_t v = UNTOUCHED;
	int ret = xf_parse_u32(s, min, max, &v, err);

	if (ret)
		fail_msg("'%s' in %u..%u failed: %s", s, min, max, err);
	return v;
}

static void u32_err(const char *s, uint32_t min, uint32_t max, const char *key)
{
	char err[XF_ERRLEN] = "";
	uint32_t v = UNTOUCHED;
	int ret = xf_parse_u32(s, min, max, &v, err);

	if (ret != -EINVAL)
		fail_msg("'%s' in %u..%u: returned %d (value %u), not -EINVAL", s ? s : "(null)",
			 min, max, ret, v);
	if (!strstr(err, key))
		fail_msg("'%s': reason '%s' does not say '%s'", s ? s : "(null)", err, key);
	assert_int_equal(v, UNTOUCHED);
}

static void test_u32_decimal(void **state)
{
	(void)state;
	assert_int_equal(u32_ok("0", 0, 10), 0);
	assert_int_equal(u32_ok("7", 0, 10), 7);
	assert_int_equal(u32_ok("10", 0, 10), 10);
	assert_int_equal(u32_ok("2048", 64, 65536), 2048);
	assert_int_equal(u32_ok("4294967295", 0, UINT32_MAX), UINT32_MAX);
	assert_int_equal(u32_ok("0", 0, 0), 0);
	assert_int_equal(u32_ok("1234567", 1234567, 1234567), 1234567);
}

static void test_u32_hex(void **state)
{
	(void)state;
	assert_int_equal(u32_ok("0x10", 0, 100), 16);
	assert_int_equal(u32_ok("0x0", 0, 100), 0);
	assert_int_equal(u32_ok("0x88b5", 0, 0xffff), 0x88b5);
	assert_int_equal(u32_ok("0x88B5", 0, 0xffff), 0x88b5);
	assert_int_equal(u32_ok("0XfF", 0, 0xffff), 0xff);
	assert_int_equal(u32_ok("0xffffffff", 0, UINT32_MAX), UINT32_MAX);
	u32_err("0x", 0, 100, "not a number");
	u32_err("0xg", 0, 100, "not a number");
	u32_err("0x100000000", 0, UINT32_MAX, "out of range");
	/* strtoull takes these after a 0x; we must not (found by fuzz_args) */
	u32_err("0x 5", 0, 100, "not a number");
	u32_err("0x\t7", 0, 100, "not a number");
	u32_err("0x+5", 0, 100, "not a number");
	u32_err("0x-0", 0, 100, "not a number");
	u32_err("0x0x10", 0, 100, "not a number");
	u32_err("0X0x1f", 0, 100, "not a number");
	u32_err("0x0X3", 0, 100, "not a number");
}

static void test_u32_range(void **state)
{
	(void)state;
	u32_err("11", 0, 10, "out of range");
	u32_err("5", 6, 10, "out of range");
	u32_err("0", 1, 10, "out of range");
	u32_err("0x11", 0, 16, "out of range");
	/* past 32 bits: refused, never truncated into range */
	u32_err("4294967296", 0, UINT32_MAX, "out of range");
	u32_err("4294967297", 0, 10, "out of range");
	u32_err("18446744073709551615", 0, UINT32_MAX, "out of range");
	/* past 64 bits */
	u32_err("18446744073709551616", 0, UINT32_MAX, "");
	u32_err("99999999999999999999999999", 0, UINT32_MAX, "");

	/* the reason names the range */
	{
		char err[XF_ERRLEN] = "";
		uint32_t v;

		assert_int_equal(xf_parse_u32("70", 1, 64, &v, err), -EINVAL);
		assert_non_null(strstr(err, "70"));
		assert_non_null(strstr(err, "1..64"));
	}
}

static void test_u32_junk(void **state)
{
	static const char *const junk[] = {
		"",  "12a", "a12", "-1",  "+1",	 " 1",	"1 ", "1.5",  "1e3",
		"x", "--",  "0-1", "1,2", "\t7", "7\n", "=5", "0x1g",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		u32_err(junk[i], 0, UINT32_MAX, "not a number");
	u32_err(NULL, 0, UINT32_MAX, "not a number");
	/* the reason quotes the text */
	{
		char err[XF_ERRLEN] = "";
		uint32_t v;

		assert_int_equal(xf_parse_u32("12a", 0, 100, &v, err), -EINVAL);
		assert_non_null(strstr(err, "'12a'"));
	}
}

/*
 * args.h promises "a decimal (or 0x hex) integer": a leading 0 is not octal
 * ("010" is ten, "08" is eight), as strtoull(s, 0) would have it.
 */
static void test_u32_leading_zero_is_decimal(void **state)
{
	char err[XF_ERRLEN] = "";
	uint32_t v = UNTOUCHED;
	int ret;

	(void)state;
	ret = xf_parse_u32("010", 0, 100, &v, err);
	assert_int_equal(ret, 0);
	assert_int_equal(v, 10);
	ret = xf_parse_u32("08", 0, 100, &v, err);
	assert_int_equal(ret, 0);
	assert_int_equal(v, 8);
	ret = xf_parse_u32("0x", 0, 100, &v, err);
	assert_int_equal(ret, -EINVAL);
}

static uint32_t list_ok(const char *s, uint32_t max, uint32_t *out)
{
	char err[XF_ERRLEN] = "";
	uint32_t n = UNTOUCHED;
	int ret = xf_parse_list(s, max, out, &n, err);

	if (ret)
		fail_msg("'%s' (max %u) failed: %s", s, max, err);
	assert_true(n <= XF_MAX_LIST);
	return n;
}

static void list_err(const char *s, uint32_t max, const char *key)
{
	uint32_t out[XF_MAX_LIST], n = UNTOUCHED;
	char err[XF_ERRLEN] = "";
	int ret = xf_parse_list(s, max, out, &n, err);

	if (ret != -EINVAL)
		fail_msg("'%s' (max %u): returned %d, not -EINVAL", s ? s : "(null)", max, ret);
	if (!strstr(err, key))
		fail_msg("'%s': reason '%s' does not say '%s'", s ? s : "(null)", err, key);
	assert_int_equal(n, UNTOUCHED);
}

static void assert_list(const uint32_t *got, uint32_t n, const uint32_t *want, uint32_t nwant)
{
	assert_int_equal(n, nwant);
	assert_memory_equal(got, want, nwant * sizeof(*want));
}

static void test_list_basic(void **state)
{
	uint32_t out[XF_MAX_LIST], n;

	(void)state;
	n = list_ok("0-3,6", 63, out);
	assert_list(out, n, (const uint32_t[]){ 0, 1, 2, 3, 6 }, 5);
	n = list_ok("5", 63, out);
	assert_list(out, n, (const uint32_t[]){ 5 }, 1);
	n = list_ok("0", 0, out);
	assert_list(out, n, (const uint32_t[]){ 0 }, 1);
	n = list_ok("2-2", 63, out);
	assert_list(out, n, (const uint32_t[]){ 2 }, 1);
	n = list_ok("0-3,6,8-9", 63, out);
	assert_list(out, n, (const uint32_t[]){ 0, 1, 2, 3, 6, 8, 9 }, 7);
	n = list_ok("0x2-0x4,0x10", 63, out);
	assert_list(out, n, (const uint32_t[]){ 2, 3, 4, 16 }, 4);
	n = list_ok("62-63", 63, out);
	assert_list(out, n, (const uint32_t[]){ 62, 63 }, 2);
}

static void test_list_sorted_merged(void **state)
{
	uint32_t out[XF_MAX_LIST], n;

	(void)state;
	n = list_ok("6,0-3", 63, out);
	assert_list(out, n, (const uint32_t[]){ 0, 1, 2, 3, 6 }, 5);
	n = list_ok("3,3,3", 63, out);
	assert_list(out, n, (const uint32_t[]){ 3 }, 1);
	n = list_ok("1-4,2-6,5", 63, out);
	assert_list(out, n, (const uint32_t[]){ 1, 2, 3, 4, 5, 6 }, 6);
	n = list_ok("9,7,5,3,1,0-1", 63, out);
	assert_list(out, n, (const uint32_t[]){ 0, 1, 3, 5, 7, 9 }, 6);
}

static void test_list_errors(void **state)
{
	(void)state;
	list_err("3-1", 63, "runs backwards");
	list_err("1,", 63, "ends with a comma");
	list_err("0-3,", 63, "ends with a comma");
	list_err("", 63, "empty");
	list_err(NULL, 63, "empty");
	list_err(",1", 63, "not a number");
	list_err("1,,2", 63, "not a number");
	list_err("1-", 63, "not a number");
	list_err("-1", 63, "not a number");
	list_err("1-2-3", 63, "not a number");
	list_err("a", 63, "not a number");
	list_err("1;2", 63, "not a number");
	list_err("1, 2", 63, "not a number");
	list_err("12345678901234567890", 63, "not a number");
	/* out of range */
	list_err("64", 63, "out of range");
	list_err("0-64", 63, "out of range");
	list_err("1,2,100", 63, "out of range");
	list_err("1", 0, "out of range");
}

static void test_list_max_entries(void **state)
{
	uint32_t out[XF_MAX_LIST + 1], n, i;
	char buf[64];

	(void)state;
	out[XF_MAX_LIST] = UNTOUCHED;
	snprintf(buf, sizeof(buf), "0-%u", XF_MAX_LIST - 1);
	n = list_ok(buf, 4095, out);
	assert_int_equal(n, XF_MAX_LIST);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(out[XF_MAX_LIST], UNTOUCHED); /* nothing written past the end */
	snprintf(buf, sizeof(buf), "0-%u", XF_MAX_LIST);
	list_err(buf, 4095, "more than");
	list_err("0-4095", 4095, "more than");
	/* repeats do not count toward the limit */
	snprintf(buf, sizeof(buf), "0-%u,0-%u,7", XF_MAX_LIST - 1, XF_MAX_LIST - 1);
	n = list_ok(buf, 4095, out);
	assert_int_equal(n, XF_MAX_LIST);
	/* sparse, high values */
	n = list_ok("4095,1000,4000-4001", 4095, out);
	assert_list(out, n, (const uint32_t[]){ 1000, 4000, 4001, 4095 }, 4);
}

static void test_addr_port(void **state)
{
	struct sockaddr_storage sa;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&sa;
	char err[XF_ERRLEN], text[INET6_ADDRSTRLEN];
	socklen_t len = 0;

	(void)state;
	assert_int_equal(xf_parse_addr_port("127.0.0.1:9100", &sa, &len, err), 0);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9100);
	assert_int_equal(a4->sin_addr.s_addr, htonl(0x7f000001));
	assert_int_equal(len, sizeof(*a4));
	assert_int_equal(xf_parse_addr_port("[2001:db8::1]:65535", &sa, &len, err), 0);
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 65535);
	assert_string_equal(inet_ntop(AF_INET6, &a6->sin6_addr, text, sizeof(text)), "2001:db8::1");
	assert_int_equal(len, sizeof(*a6));
}

static void test_addr_port_errors(void **state)
{
	static const char *const bad[] = {
		"",	      "9100",	      ":9100",		 "127.0.0.1",
		"127.0.0.1:", "127.0.0.1:0",  "127.0.0.1:65536", "1.2.3:80",
		"::1:9100",   "[::1]9100",    "[::1]:",		 "[127.0.0.1]:80",
		"[::1:9100",  "localhost:80", "1.2.3.4:80x",	 "1.2.3.4:-1",
	};
	struct sockaddr_storage sa;
	char err[XF_ERRLEN];
	socklen_t len;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (xf_parse_addr_port(bad[i], &sa, &len, err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_decimal),
		cmocka_unit_test(test_u32_hex),
		cmocka_unit_test(test_u32_range),
		cmocka_unit_test(test_u32_junk),
		cmocka_unit_test(test_u32_leading_zero_is_decimal),
		cmocka_unit_test(test_list_basic),
		cmocka_unit_test(test_list_sorted_merged),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_list_max_entries),
		cmocka_unit_test(test_addr_port),
		cmocka_unit_test(test_addr_port_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
