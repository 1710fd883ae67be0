// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the output writer (user/core/out.c): one call per field
 * gives the text form or a JSON member; JSON strings are escaped whatever
 * they hold; records nest; numbers keep their text precision in JSON; every
 * JSON record starts with "type" and a wall-clock "time".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "out.h"

static void record(bool json, char *buf, size_t len)
{
	const struct xo_field f[] = { { "a", 1 }, { "b", 2 } };
	struct xf_out o;
	FILE *m = fmemopen(buf, len, "w");

	xo_init(&o, m, json);
	xo_open(&o, "summary");
	xo_str(&o, "port", "summary %s:", "x\"a\\1");
	xo_double(&o, "rate", " rate %.2f", 1.23456);
	xo_u64(&o, "n", " n=%llu", 18446744073709551615ull);
	xo_bool(&o, "on", " on %s", true);
	xo_null(&o, "p50", NULL);
	xo_u64_fields(&o, f, XO_NFIELDS(f), '=');
	xo_arr_open(&o, "queues");
	xo_obj_open(&o, NULL);
	xo_text(&o, "\nq0:");
	xo_i64(&o, "cpu", " cpu %lld", -1);
	xo_obj_close(&o);
	xo_arr_close(&o);
	xo_close(&o);
	fclose(m);
}

static void test_text(void **state)
{
	char buf[512];

	(void)state;
	record(false, buf, sizeof(buf));
	assert_string_equal(buf, "summary x\"a\\1: rate 1.23 n=18446744073709551615 on on a=1 b=2"
				 "\nq0: cpu -1\n");
}

static void test_json(void **state)
{
	char buf[512], *after;

	(void)state;
	record(true, buf, sizeof(buf));
	assert_memory_equal(buf, "{\"type\":\"summary\",\"time\":\"", 26);
	after = strstr(buf, "Z\",");
	assert_non_null(after);
	assert_int_equal(after - buf, 26 + 23); /* 2026-12-03T09:53:21.204 */
	/* json_int_t is signed: a u64 above its range is written as its bits */
	assert_string_equal(after + 3,
			    "\"port\":\"x\\\"a\\\\1\",\"rate\":1.23,\"n\":-1,\"on\":true,"
			    "\"p50\":null,\"a\":1,\"b\":2,\"queues\":[{\"cpu\":-1}]}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
