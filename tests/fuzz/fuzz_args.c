// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the option parsers xf_parse_u32() and xf_parse_list()
 * (user/core/args.c). Pattern and build: see fuzz_rules.c.
 *
 * Input: a 9-byte header, then the text (NUL-terminated at the input's end
 * or at an embedded NUL):
 *   byte 0      bit 0 clear: xf_parse_u32(text, lo, hi); set: xf_parse_list(text, hi)
 *   bytes 1-4   lo, little endian
 *   bytes 5-8   hi, little endian (for lists, taken modulo 5000, so that
 *               both sides of the 4095 cap are reached)
 *
 * Each result is compared with an independent reading of the grammar
 * (args.h): a number is decimal digits, or 0x/0X and hex digits, nothing
 * else, no sign, no spaces; a list is comma-separated items N or N-M with
 * N <= M, no empty item, at most 15 characters a number, values capped at
 * 4095 whatever max is, at most XF_MAX_LIST values in the result. The parser
 * must accept exactly what the grammar accepts, give the same value(s)
 * (lists ascending, without repeats), and on refusal return -EINVAL with a
 * reason, leaving the output alone. A difference aborts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define UNTOUCHED 0xdeadbeefu
#define LIST_CAP 4095 /* xf_parse_list's own limit on values */
#define ITEM_MAX 15   /* longest number in a list item */

static const char *cur_text;

static void failed(const char *what)
{
	fprintf(stderr, "fuzz_args: '%s': %s\n", cur_text, what);
	abort();
}

#define check(cond)                    \
	do {                           \
		if (!(cond))           \
			failed(#cond); \
	} while (0)

/* The grammar's number in s[0..len): 0 and its value, or -1. */
static int model_number(const char *s, size_t len, uint64_t *v)
{
	unsigned int base = 10;
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (*v = 0; i < len; i++) {
		int d;

		if (isdigit((unsigned char)s[i]))
			d = s[i] - '0';
		else if (base == 16 && isxdigit((unsigned char)s[i]))
			d = tolower((unsigned char)s[i]) - 'a' + 10;
		else
			return -1;
		*v = *v * base + d;
		if (*v > UINT32_MAX)
			*v = (uint64_t)UINT32_MAX + 1; /* too large: out of any range */
	}
	return 0;
}

static void check_refused(int ret, const char *err)
{
	check(ret == -EINVAL);
	check(memchr(err, '\0', XF_ERRLEN) != NULL && err[0] != '\0');
}

static void fuzz_u32(const char *text, uint32_t min, uint32_t max)
{
	char err[XF_ERRLEN];
	uint32_t out = UNTOUCHED;
	uint64_t v;
	int ret, ok;

	memset(err, 0x5a, sizeof(err));
	ret = xf_parse_u32(text, min, max, &out, err);
	ok = model_number(text, strlen(text), &v) == 0 && v >= min && v <= max;
	if (!ok) {
		if (ret == 0)
			failed("accepted, but the grammar refuses it");
		check_refused(ret, err);
		check(out == UNTOUCHED);
		return;
	}
	if (ret != 0)
		failed("refused, but the grammar accepts it");
	check(out == v);
}

static void fuzz_list(const char *text, uint32_t max)
{
	static bool want[LIST_CAP + 1];
	static uint32_t out[XF_MAX_LIST];
	uint32_t n = UNTOUCHED, count = 0, cap = max > LIST_CAP ? LIST_CAP : max, i, v;
	const char *p = text;
	char err[XF_ERRLEN];
	int ret, ok = *text != '\0';

	memset(want, 0, sizeof(want));
	/* the grammar's reading */
	while (ok) {
		size_t len = strcspn(p, ",");
		const char *dash = memchr(p, '-', len);
		size_t l1 = dash ? (size_t)(dash - p) : len;
		uint64_t lo, hi;

		if (!l1 || l1 > ITEM_MAX || model_number(p, l1, &lo) || lo > cap) {
			ok = 0;
			break;
		}
		hi = lo;
		if (dash) {
			size_t l2 = len - l1 - 1;

			if (!l2 || l2 > ITEM_MAX || model_number(dash + 1, l2, &hi) || hi > cap ||
			    hi < lo) {
				ok = 0;
				break;
			}
		}
		for (v = lo; v <= hi; v++)
			want[v] = true;
		if (!p[len])
			break;
		p += len + 1; /* a comma: an item must follow */
	}
	for (v = 0; ok && v <= cap; v++)
		count += want[v];
	if (count > XF_MAX_LIST)
		ok = 0;

	memset(err, 0x5a, sizeof(err));
	ret = xf_parse_list(text, max, out, &n, err);
	if (!ok) {
		if (ret == 0)
			failed("list accepted, but the grammar refuses it");
		check_refused(ret, err);
		check(n == UNTOUCHED);
		return;
	}
	if (ret != 0)
		failed("list refused, but the grammar accepts it");
	check(n == count);
	for (i = 0, v = 0; i < n; i++, v++) {
		while (!want[v])
			v++;
		check(out[i] == v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t lo, hi;
	char *text;

	if (size < 9)
		return 0;
	lo = data[1] | data[2] << 8 | data[3] << 16 | (uint32_t)data[4] << 24;
	hi = data[5] | data[6] << 8 | data[7] << 16 | (uint32_t)data[8] << 24;
	text = malloc(size - 9 + 1);
	if (!text)
		return 0;
	memcpy(text, data + 9, size - 9);
	text[size - 9] = '\0';
	cur_text = text;
	if (data[0] & 1)
		fuzz_list(text, hi % 5000);
	else
		fuzz_u32(text, lo, hi);
	free(text);
	return 0;
}
