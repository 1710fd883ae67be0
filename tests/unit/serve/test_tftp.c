// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the TFTP wire format and option negotiation (user/serve/tftp.c).
 *
 * Requests are written out byte by byte as clients send them (curl, atftp,
 * tftp-hpa, PXE firmware), including the malformed ones a server meets;
 * every truncation of a good request must fail or parse without reading
 * past its end (the buffer is copied to an exact-size heap block so ASan
 * sees any overread). OACK and ERROR are compared byte for byte with what
 * the RFCs prescribe.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tftp.h"

/* A request built from NUL-separated fields: op, then strings, each followed by NUL. */
static size_t req(uint8_t *buf, uint16_t op, const char *const *fields, size_t n)
{
	size_t off = 2, i, l;

	buf[0] = (uint8_t)(op >> 8);
	buf[1] = (uint8_t)op;
	for (i = 0; i < n; i++) {
		l = strlen(fields[i]);
		memcpy(buf + off, fields[i], l + 1);
		off += l + 1;
	}
	return off;
}

/* Parse from an exact-size heap copy, so ASan catches any read past len. */
static int parse(const uint8_t *buf, size_t len, struct tftp_request *r, const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	ret = tftp_parse_request(copy, len, r, why);
	free(copy);
	return ret;
}

static void test_rrq_plain(void **state)
{
	const char *f[] = { "pxelinux.0", "octet" };
	struct tftp_request r;
	const char *why = "x";
	uint8_t buf[64];
	size_t len = req(buf, TFTP_RRQ, f, 2);

	(void)state;
	assert_int_equal(len, 2 + 11 + 6);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_null(why);
	assert_int_equal(r.op, TFTP_RRQ);
	assert_int_equal(r.mode, TFTP_MODE_OCTET);
	assert_string_equal(r.filename, "pxelinux.0");
	assert_int_equal(r.opts, 0);
}

/* curl: tsize and blksize; atftp: windowsize; names and mode in any case. */
static void test_rrq_options_mixed_case(void **state)
{
	const char *f[] = { "boot/vmlinuz", "OcTeT",	  "TSIZE", "0",	      "BlkSize",
			    "1468",	    "windowSIZE", "16",	   "Timeout", "3" };
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t len = req(buf, TFTP_RRQ, f, 10);

	(void)state;
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.mode, TFTP_MODE_OCTET);
	assert_string_equal(r.filename, "boot/vmlinuz");
	assert_int_equal(r.opts, TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE |
					 TFTP_OPT_TIMEOUT);
	assert_int_equal(r.tsize, 0);
	assert_int_equal(r.blksize, 1468);
	assert_int_equal(r.windowsize, 16);
	assert_int_equal(r.timeout_s, 3);
}

static void test_rrq_unknown_options_ignored(void **state)
{
	const char *f[] = {
		"a", "octet", "utimeout", "500000", "multicast", "", "blksize", "1024"
	};
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t len = req(buf, TFTP_RRQ, f, 8);

	(void)state;
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
	assert_int_equal(r.blksize, 1024);
}

/* Each bad value leaves its option out; the others still count. */
static void test_rrq_bad_values_ignored(void **state)
{
	static const struct {
		const char *name, *val;
	} bad[] = {
		{ "blksize", "7" },    { "blksize", "0" },    { "blksize", "" },
		{ "blksize", "12a" },  { "blksize", " 512" }, { "blksize", "-512" },
		{ "blksize", "+512" }, { "windowsize", "0" }, { "windowsize", "x" },
		{ "timeout", "0" },    { "timeout", "256" },  { "timeout", "99999999999999999999" },
		{ "tsize", "abc" },    { "tsize", "" },
	};
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *f[] = { "f", "octet", bad[i].name, bad[i].val, "windowsize", "4" };

		len = req(buf, TFTP_RRQ, f, 6);
		assert_int_equal(parse(buf, len, &r, &why), 0);
		if (!strcmp(bad[i].name, "windowsize")) {
			/* The first occurrence counts, even when invalid. */
			assert_int_equal(r.opts, 0);
		} else {
			if (r.opts != TFTP_OPT_WINDOWSIZE)
				fail_msg("%s=\"%s\" accepted (opts %#x)", bad[i].name, bad[i].val,
					 r.opts);
			assert_int_equal(r.windowsize, 4);
		}
	}
}

/* Limits: 8 and 65464 valid; above the maxima clamped; 255 s the longest timeout. */
static void test_rrq_value_limits(void **state)
{
	const char *f1[] = {
		"f", "octet", "blksize", "8", "timeout", "255", "windowsize", "65535"
	};
	const char *f2[] = { "f",	   "octet", "blksize", "65465",
			     "windowsize", "65536", "tsize",   "18446744073709551615" };
	const char *f3[] = {
		"f", "octet", "blksize", "000512", "tsize", "99999999999999999999999"
	};
	struct tftp_request r;
	const char *why;
	uint8_t buf[160];
	size_t len;

	(void)state;
	len = req(buf, TFTP_RRQ, f1, 8);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_WINDOWSIZE);
	assert_int_equal(r.blksize, 8);
	assert_int_equal(r.timeout_s, 255);
	assert_int_equal(r.windowsize, 65535);

	len = req(buf, TFTP_RRQ, f2, 8);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TSIZE);
	assert_int_equal(r.blksize, TFTP_BLKSIZE_MAX);
	assert_int_equal(r.windowsize, TFTP_WINDOWSIZE_MAX);
	assert_true(r.tsize == UINT64_MAX);

	len = req(buf, TFTP_RRQ, f3, 6);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.blksize, 512);
	assert_true(r.tsize == UINT64_MAX);
}

static void test_rrq_repeated_first_counts(void **state)
{
	const char *f[] = { "f", "octet", "blksize", "1024", "BLKSIZE", "2048", "blksize", "7" };
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t len = req(buf, TFTP_RRQ, f, 8);

	(void)state;
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
	assert_int_equal(r.blksize, 1024);
}

static void test_wrq_and_modes(void **state)
{
	const char *f1[] = { "upload.bin", "octet", "tsize", "123456" };
	const char *f2[] = { "readme.txt", "NetASCII" };
	const char *f3[] = { "root", "MAIL" };
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t len;

	(void)state;
	len = req(buf, TFTP_WRQ, f1, 4);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.op, TFTP_WRQ);
	assert_int_equal(r.opts, TFTP_OPT_TSIZE);
	assert_int_equal(r.tsize, 123456);

	len = req(buf, TFTP_RRQ, f2, 2);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.mode, TFTP_MODE_NETASCII);
	assert_string_equal(tftp_mode_name(r.mode), "netascii");

	len = req(buf, TFTP_RRQ, f3, 2);
	assert_int_equal(parse(buf, len, &r, &why), 0);
	assert_int_equal(r.mode, TFTP_MODE_MAIL);
	assert_string_equal(tftp_mode_name(TFTP_MODE_MAIL), "mail");
	assert_string_equal(tftp_mode_name(TFTP_MODE_OCTET), "octet");
	assert_string_equal(tftp_mode_name((enum tftp_mode)7), "?");
}

static void expect_bad(const uint8_t *buf, size_t len, const char *reason)
{
	struct tftp_request r;
	const char *why = NULL;

	assert_int_equal(parse(buf, len, &r, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_rrq_malformed(void **state)
{
	uint8_t buf[600] = { 0 };
	char name[300];
	const char *f[] = { name, "octet" };
	const char *fm[] = { "f", "binary" };
	const char *fe[] = { "", "octet" };

	(void)state;
	expect_bad(buf, 0, "request too short");
	buf[0] = 0;
	expect_bad(buf, 1, "request too short");
	/* Opcode only: the filename has no NUL. */
	memcpy(buf, "\0\1", 2);
	expect_bad(buf, 2, "filename not terminated");
	memcpy(buf, "\0\1file", 6);
	expect_bad(buf, 6, "filename not terminated");
	memcpy(buf, "\0\1file\0oct", 10);
	expect_bad(buf, 10, "mode not terminated");
	memcpy(buf, "\0\1file\0", 7);
	expect_bad(buf, 7, "mode not terminated");
	expect_bad(buf, req(buf, TFTP_RRQ, fm, 2), "unknown mode");
	expect_bad(buf, req(buf, TFTP_RRQ, fe, 2), "empty filename");
	expect_bad(buf, req(buf, TFTP_DATA, fe, 2), "not a read or write request");
	memcpy(buf, "\1\1f\0octet\0", 10);
	expect_bad(buf, 10, "not a read or write request");

	/* 255 characters: fine; 256: too long. */
	memset(name, 'a', TFTP_NAME_MAX);
	name[TFTP_NAME_MAX] = '\0';
	{
		struct tftp_request r;
		const char *why;

		assert_int_equal(parse(buf, req(buf, TFTP_RRQ, f, 2), &r, &why), 0);
		assert_int_equal(strlen(r.filename), TFTP_NAME_MAX);
		assert_memory_equal(r.filename, name, TFTP_NAME_MAX + 1);
	}
	name[TFTP_NAME_MAX] = 'a';
	name[TFTP_NAME_MAX + 1] = '\0';
	expect_bad(buf, req(buf, TFTP_RRQ, f, 2), "filename too long");
}

/* A torn last option (no value, or an unterminated one) is dropped, not fatal. */
static void test_rrq_torn_options(void **state)
{
	struct tftp_request r;
	const char *why;
	static const uint8_t a[] = "\0\1f\0octet\0blksize\0001024\0tsize";
	static const uint8_t b[] = "\0\1f\0octet\0blksize\0001024\0tsize\0";
	static const uint8_t c[] = "\0\1f\0octet\0blksize\0001024\0tsize\0000";
	static const uint8_t d[] = "\0\1f\0octet\0blksize\0001024";

	(void)state;
	assert_int_equal(parse(a, sizeof(a) - 1, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
	assert_int_equal(parse(b, sizeof(b) - 1, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
	assert_int_equal(parse(c, sizeof(c) - 1, &r, &why), 0);
	assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
	/* The value of blksize itself unterminated: dropped. */
	assert_int_equal(parse(d, sizeof(d) - 1, &r, &why), 0);
	assert_int_equal(r.opts, 0);
	/* Trailing NUL padding (some PXE ROMs) is harmless. */
	{
		static const uint8_t e[] = "\0\1f\0octet\0blksize\0001024\0\0\0\0";

		assert_int_equal(parse(e, sizeof(e) - 1, &r, &why), 0);
		assert_int_equal(r.opts, TFTP_OPT_BLKSIZE);
		assert_int_equal(r.blksize, 1024);
	}
}

/* Every prefix of a full request parses or fails cleanly, never reading past it. */
static void test_rrq_every_truncation(void **state)
{
	const char *f[] = { "dir/file.img", "octet", "tsize",	   "0",
			    "blksize",	    "1468",  "windowsize", "16" };
	struct tftp_request r;
	const char *why;
	uint8_t buf[128];
	size_t len = req(buf, TFTP_RRQ, f, 8), i;
	int ret;

	(void)state;
	for (i = 0; i <= len; i++) {
		why = NULL;
		ret = parse(buf, i, &r, &why);
		/* 2 + 13 + 6 = 21 bytes hold a whole filename and mode. */
		if (i < 21) {
			assert_int_equal(ret, -EINVAL);
			assert_non_null(why);
		} else {
			assert_int_equal(ret, 0);
		}
	}
	assert_int_equal(r.opts, TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE);
}

static void test_parse_msg(void **state)
{
	struct tftp_msg m;
	static const uint8_t ack[] = { 0, 4, 0xff, 0xfe };
	static const uint8_t data[] = { 0, 3, 0, 1, 'x' };
	static const uint8_t err[] = "\0\5\0\10tsize \x01 bad\xff!\0junk";
	static const uint8_t err_nonul[] = "\0\5\0\3disk";
	static const uint8_t err_empty[] = { 0, 5, 0, 0 };
	static const uint8_t oack[] = "\0\6blksize\0001024\0";
	uint8_t longerr[300];

	(void)state;
	assert_int_equal(tftp_parse_msg(ack, 4, &m), 0);
	assert_int_equal(m.op, TFTP_ACK);
	assert_int_equal(m.block, 65534);
	assert_int_equal(tftp_parse_msg(ack, 3, &m), -EINVAL);
	assert_int_equal(tftp_parse_msg(ack, 1, &m), -EINVAL);
	assert_int_equal(tftp_parse_msg(ack, 0, &m), -EINVAL);

	assert_int_equal(tftp_parse_msg(data, sizeof(data), &m), 0);
	assert_int_equal(m.op, TFTP_DATA);
	assert_int_equal(m.block, 1);

	assert_int_equal(tftp_parse_msg(err, sizeof(err) - 1, &m), 0);
	assert_int_equal(m.op, TFTP_ERROR);
	assert_int_equal(m.code, TFTP_ERR_OPTNEG);
	assert_string_equal(m.text, "tsize ? bad?!");
	assert_int_equal(tftp_parse_msg(err_nonul, sizeof(err_nonul) - 1, &m), 0);
	assert_int_equal(m.code, TFTP_ERR_DISKFULL);
	assert_string_equal(m.text, "disk");
	assert_int_equal(tftp_parse_msg(err_empty, 4, &m), 0);
	assert_string_equal(m.text, "");
	assert_int_equal(tftp_parse_msg(err_empty, 3, &m), -EINVAL);

	/* A long message is cut at 127 characters. */
	memset(longerr, 'E', sizeof(longerr));
	memcpy(longerr, "\0\5\0\0", 4);
	assert_int_equal(tftp_parse_msg(longerr, sizeof(longerr), &m), 0);
	assert_int_equal(strlen(m.text), sizeof(m.text) - 1);

	assert_int_equal(tftp_parse_msg(oack, sizeof(oack) - 1, &m), 0);
	assert_int_equal(m.op, TFTP_OACK);
	assert_int_equal(tftp_parse_msg((const uint8_t *)"\0\1", 2, &m), 0);
	assert_int_equal(m.op, TFTP_RRQ);
	assert_int_equal(tftp_parse_msg((const uint8_t *)"\0\2", 2, &m), 0);
	assert_int_equal(m.op, TFTP_WRQ);
	assert_int_equal(tftp_parse_msg((const uint8_t *)"\0\7\0\0", 4, &m), -EINVAL);
	assert_int_equal(tftp_parse_msg((const uint8_t *)"\0\0\0\0", 4, &m), -EINVAL);
	assert_int_equal(tftp_parse_msg((const uint8_t *)"\1\4\0\0", 4, &m), -EINVAL);
}

static const struct tftp_limits lim = {
	.blksize_max = 1468, .windowsize_max = 64, .timeout_ms = 1000, .retries = 5
};

static struct tftp_request request(uint32_t opts, uint32_t blksize, uint32_t windowsize,
				   uint32_t timeout_s)
{
	struct tftp_request r = { .op = TFTP_RRQ,
				  .opts = opts,
				  .blksize = blksize,
				  .windowsize = windowsize,
				  .timeout_s = timeout_s };

	strcpy(r.filename, "f");
	return r;
}

static void test_negotiate_none(void **state)
{
	struct tftp_request r = request(0, 0, 0, 0);
	struct tftp_params p;

	(void)state;
	tftp_negotiate(&r, &lim, 1000, &p);
	assert_int_equal(p.oack, 0);
	assert_int_equal(p.blksize, 512);
	assert_int_equal(p.windowsize, 1);
	assert_int_equal(p.timeout_ms, 1000);
	assert_int_equal(p.retries, 5);
	assert_int_equal(p.tsize, 1000);
}

static void test_negotiate_caps(void **state)
{
	struct tftp_request r =
		request(TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TIMEOUT, 65464, 65535, 7);
	struct tftp_params p;

	(void)state;
	tftp_negotiate(&r, &lim, 1, &p);
	assert_int_equal(p.oack, TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TIMEOUT);
	assert_int_equal(p.blksize, 1468);
	assert_int_equal(p.windowsize, 64);
	/* The OACK says 7 s; the server retransmits after its own 1 s. */
	assert_int_equal(p.timeout_s, 7);
	assert_int_equal(p.timeout_ms, 1000);
	{
		const struct tftp_limits slow = { .blksize_max = 1468, .timeout_ms = 30000 };

		tftp_negotiate(&r, &slow, 1, &p);
		assert_int_equal(p.timeout_s, 7);
		assert_int_equal(p.timeout_ms, 7000);
	}

	/* Under the limits: as asked. */
	r = request(TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE, 8, 16, 0);
	tftp_negotiate(&r, &lim, 1, &p);
	assert_int_equal(p.oack, TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE);
	assert_int_equal(p.blksize, 8);
	assert_int_equal(p.windowsize, 16);
	assert_int_equal(p.timeout_ms, 1000);

	/* Degenerate limits are raised to the protocol's minima. */
	{
		const struct tftp_limits tiny = { .blksize_max = 0, .windowsize_max = 0 };

		r = request(TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE, 1024, 8, 0);
		tftp_negotiate(&r, &tiny, 1, &p);
		assert_int_equal(p.blksize, TFTP_BLKSIZE_MIN);
		assert_int_equal(p.windowsize, 1);
		assert_int_equal(p.timeout_ms, 1);
	}
}

/* tsize=0 never goes into an OACK; an OACK left empty is not sent. */
static void test_negotiate_tsize_zero(void **state)
{
	struct tftp_request r = request(TFTP_OPT_TSIZE, 0, 0, 0);
	struct tftp_params p;

	(void)state;
	tftp_negotiate(&r, &lim, 0, &p);
	assert_int_equal(p.oack, 0);
	assert_int_equal(p.tsize, 0);

	tftp_negotiate(&r, &lim, 513, &p);
	assert_int_equal(p.oack, TFTP_OPT_TSIZE);
	assert_int_equal(p.tsize, 513);

	r = request(TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE, 1024, 0, 0);
	tftp_negotiate(&r, &lim, 0, &p);
	assert_int_equal(p.oack, TFTP_OPT_BLKSIZE);
	assert_int_equal(p.blksize, 1024);
}

static void test_build_oack(void **state)
{
	static const uint8_t want[] = "\0\6blksize\0001468\0tsize\00041943040\0timeout\0003\0"
				      "windowsize\00016\0";
	struct tftp_request r =
		request(TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE | TFTP_OPT_TIMEOUT,
			65464, 16, 3);
	struct tftp_params p;
	uint8_t buf[128];
	size_t n, full = sizeof(want) - 1;

	(void)state;
	tftp_negotiate(&r, &lim, 40 << 20, &p);
	n = tftp_build_oack(buf, sizeof(buf), &p);
	assert_int_equal(n, full);
	assert_memory_equal(buf, want, full);
	/* Exactly enough room, then one byte short. */
	assert_int_equal(tftp_build_oack(buf, full, &p), full);
	assert_int_equal(tftp_build_oack(buf, full - 1, &p), 0);
	assert_int_equal(tftp_build_oack(buf, 1, &p), 0);

	/* curl asking tsize and blksize of an empty file: blksize only. */
	r = request(TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE, 512, 0, 0);
	tftp_negotiate(&r, &lim, 0, &p);
	n = tftp_build_oack(buf, sizeof(buf), &p);
	assert_int_equal(n, 14);
	assert_memory_equal(buf, "\0\6blksize\000512\0", 14);
}

static void test_build_error(void **state)
{
	uint8_t buf[64];

	(void)state;
	assert_int_equal(tftp_build_error(buf, sizeof(buf), TFTP_ERR_NOTFOUND, "File not found"),
			 19);
	assert_memory_equal(buf, "\0\5\0\1File not found\0", 19);
	assert_int_equal(tftp_build_error(buf, sizeof(buf), TFTP_ERR_OPTNEG, NULL), 5);
	assert_memory_equal(buf, "\0\5\0\10\0", 5);
	assert_int_equal(tftp_build_error(buf, sizeof(buf), 0x1234, ""), 5);
	assert_memory_equal(buf, "\0\5\x12\x34\0", 5);
	assert_int_equal(tftp_build_error(buf, 19, TFTP_ERR_NOTFOUND, "File not found"), 19);
	assert_int_equal(tftp_build_error(buf, 18, TFTP_ERR_NOTFOUND, "File not found"), 0);
	assert_int_equal(tftp_build_error(buf, 4, TFTP_ERR_UNDEF, ""), 0);
}

static void test_data_hdr(void **state)
{
	uint8_t buf[TFTP_DATA_HDR] = { 0xaa, 0xaa, 0xaa, 0xaa };

	(void)state;
	tftp_put_data_hdr(buf, 0x0102);
	assert_memory_equal(buf, "\0\3\1\2", 4);
	tftp_put_data_hdr(buf, 65535);
	assert_memory_equal(buf, "\0\3\xff\xff", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_plain),
		cmocka_unit_test(test_rrq_options_mixed_case),
		cmocka_unit_test(test_rrq_unknown_options_ignored),
		cmocka_unit_test(test_rrq_bad_values_ignored),
		cmocka_unit_test(test_rrq_value_limits),
		cmocka_unit_test(test_rrq_repeated_first_counts),
		cmocka_unit_test(test_wrq_and_modes),
		cmocka_unit_test(test_rrq_malformed),
		cmocka_unit_test(test_rrq_torn_options),
		cmocka_unit_test(test_rrq_every_truncation),
		cmocka_unit_test(test_parse_msg),
		cmocka_unit_test(test_negotiate_none),
		cmocka_unit_test(test_negotiate_caps),
		cmocka_unit_test(test_negotiate_tsize_zero),
		cmocka_unit_test(test_build_oack),
		cmocka_unit_test(test_build_error),
		cmocka_unit_test(test_data_hdr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
