// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the --match rule parser (user/core/rules.c, grammar in
 * user/core/rules.h).
 *
 * xf_rule_parse() produces the struct xf_rule the XDP classifier compares
 * frames against (bpf/xskfwd_shared.h), without swapping bytes: a wrong bit,
 * byte order or mask here silently forwards the wrong traffic. So each
 * grammar term is checked for its XF_F_* bits and values, with addresses and
 * masks in network order (checked byte by byte, independent of htonl) and
 * ports, ethertype and VLAN id in host order, and the whole struct is
 * compared so that a term cannot set anything else. Errors are checked for
 * -EINVAL and for the key part of their reason (strstr), so a rewording
 * that keeps the meaning passes but a wrong reason fails.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>

#include "rules.h"

/* Parse @text, which must succeed. */
static void parse_ok(const char *text, struct xf_rule *r)
{
	char err[XF_ERRLEN] = "";
	int ret = xf_rule_parse(text, r, err);

	if (ret)
		fail_msg("'%s' failed: %s", text, err);
}

/* Parse @text, which must fail with -EINVAL and a reason containing each of @keys. */
static void parse_err(const char *text, const char *key1, const char *key2)
{
	char err[XF_ERRLEN];
	struct xf_rule r;
	int ret;

	memset(err, 0, sizeof(err));
	ret = xf_rule_parse(text, &r, err);
	if (ret != -EINVAL)
		fail_msg("'%s': returned %d, not -EINVAL", text, ret);
	if (!strstr(err, key1) || (key2 && !strstr(err, key2)))
		fail_msg("'%s': reason '%s' does not say '%s'%s%s", text, err, key1,
			 key2 ? " and " : "", key2 ? key2 : "");
}

/* The parsed rule equals @want everywhere (both start from zero). */
static void assert_rule_eq(const struct xf_rule *got, const struct xf_rule *want)
{
	assert_int_equal(got->fields, want->fields);
	assert_int_equal(got->ethertype, want->ethertype);
	assert_int_equal(got->vlan_id, want->vlan_id);
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->sport_lo, want->sport_lo);
	assert_int_equal(got->sport_hi, want->sport_hi);
	assert_int_equal(got->dport_lo, want->dport_lo);
	assert_int_equal(got->dport_hi, want->dport_hi);
	assert_memory_equal(got, want, sizeof(*got));
}

/* Network-order bytes of a 4-word address or mask, against 16 expected bytes. */
static void assert_bytes(const __u32 *words, const uint8_t *want)
{
	assert_memory_equal(words, want, 16);
}

static void test_any(void **state)
{
	struct xf_rule r, want;

	(void)state;
	memset(&want, 0, sizeof(want));
	memset(&r, 0xa5, sizeof(r)); /* the parser must clear everything */
	parse_ok("any", &r);
	assert_rule_eq(&r, &want);
	parse_ok("  any\t", &r);
	assert_rule_eq(&r, &want);
	want.fields = XF_F_FAMILY;
	want.family = 4;
	parse_ok("any ip", &r);
	assert_rule_eq(&r, &want);
}

static void test_family(void **state)
{
	struct xf_rule r, want;

	(void)state;
	memset(&want, 0, sizeof(want));
	want.fields = XF_F_FAMILY;
	want.family = 4;
	parse_ok("ip", &r);
	assert_rule_eq(&r, &want);
	parse_ok("ip ip", &r); /* saying it twice is fine */
	assert_rule_eq(&r, &want);
	want.family = 6;
	parse_ok("ip6", &r);
	assert_rule_eq(&r, &want);
}

static void test_protocols(void **state)
{
	static const struct {
		const char *text;
		__u32 fields;
		__u8 family;
		__u8 proto;
	} cases[] = {
		{ "tcp", XF_F_PROTO, 0, IPPROTO_TCP },
		{ "udp", XF_F_PROTO, 0, IPPROTO_UDP },
		{ "sctp", XF_F_PROTO, 0, IPPROTO_SCTP },
		{ "icmp", XF_F_PROTO | XF_F_FAMILY, 4, IPPROTO_ICMP },
		{ "icmp6", XF_F_PROTO | XF_F_FAMILY, 6, IPPROTO_ICMPV6 },
		{ "proto 47", XF_F_PROTO, 0, 47 },
		{ "proto 0", XF_F_PROTO, 0, 0 },
		{ "proto 255", XF_F_PROTO, 0, 255 },
		{ "proto 0x11", XF_F_PROTO, 0, IPPROTO_UDP },
		{ "ip6 proto 6", XF_F_PROTO | XF_F_FAMILY, 6, IPPROTO_TCP },
		{ "tcp proto 6", XF_F_PROTO, 0, IPPROTO_TCP }, /* the same protocol twice */
	};
	struct xf_rule r, want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&want, 0, sizeof(want));
		want.fields = cases[i].fields;
		want.family = cases[i].family;
		want.proto = cases[i].proto;
		parse_ok(cases[i].text, &r);
		assert_rule_eq(&r, &want);
	}
	parse_err("proto 256", "out of range", NULL);
	parse_err("proto tcp", "not a number", NULL);
}

static void test_ipv4_prefixes(void **state)
{
	static const struct {
		const char *text;
		uint8_t addr[4];
		uint8_t mask[4];
	} cases[] = {
		{ "10.1.2.3", { 10, 1, 2, 3 }, { 255, 255, 255, 255 } },
		{ "10.1.2.3/32", { 10, 1, 2, 3 }, { 255, 255, 255, 255 } },
		{ "198.18.0.0/15", { 198, 18, 0, 0 }, { 255, 254, 0, 0 } },
		/* host bits are cleared */
		{ "198.18.1.7/15", { 198, 18, 0, 0 }, { 255, 254, 0, 0 } },
		{ "198.19.255.255/15", { 198, 18, 0, 0 }, { 255, 254, 0, 0 } },
		{ "192.168.77.1/24", { 192, 168, 77, 0 }, { 255, 255, 255, 0 } },
		{ "10.255.255.255/9", { 10, 128, 0, 0 }, { 255, 128, 0, 0 } },
		{ "203.0.113.9/31", { 203, 0, 113, 8 }, { 255, 255, 255, 254 } },
		{ "128.0.0.1/1", { 128, 0, 0, 0 }, { 128, 0, 0, 0 } },
		{ "0.0.0.0/0", { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
		{ "10.9.8.7/0", { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
	};
	struct xf_rule r, want;
	char text[96];
	size_t i;
	int dst;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (dst = 0; dst < 2; dst++) {
			uint8_t a[16] = { 0 }, m[16] = { 0 };

			memcpy(a, cases[i].addr, 4);
			memcpy(m, cases[i].mask, 4);
			snprintf(text, sizeof(text), "%s %s", dst ? "dst" : "src", cases[i].text);
			memset(&want, 0, sizeof(want));
			want.fields = XF_F_FAMILY | (dst ? XF_F_DST : XF_F_SRC);
			want.family = 4; /* a prefix implies its family */
			memcpy(dst ? want.dst : want.src, a, 16);
			memcpy(dst ? want.dst_mask : want.src_mask, m, 16);
			parse_ok(text, &r);
			assert_bytes(dst ? r.dst : r.src, a);
			assert_bytes(dst ? r.dst_mask : r.src_mask, m);
			assert_rule_eq(&r, &want);
		}
	}
	/* both, with an explicit family */
	parse_ok("ip src 10.0.0.0/8 dst 192.0.2.1", &r);
	assert_int_equal(r.fields, XF_F_FAMILY | XF_F_SRC | XF_F_DST);
	assert_int_equal(r.family, 4);
	assert_bytes(r.src, (const uint8_t[16]){ 10 });
	assert_bytes(r.src_mask, (const uint8_t[16]){ 255 });
	assert_bytes(r.dst, (const uint8_t[16]){ 192, 0, 2, 1 });
	assert_bytes(r.dst_mask, (const uint8_t[16]){ 255, 255, 255, 255 });
	/* the same words as htonl() gives: what the classifier compares with */
	assert_int_equal(r.dst[0], htonl(0xc0000201));
	assert_int_equal(r.src_mask[0], htonl(0xff000000));
}

static void test_ipv6_prefixes(void **state)
{
	static const struct {
		const char *text;
		uint8_t addr[16];
		uint8_t mask[16];
	} cases[] = {
		{ "2001:db8::/32", { 0x20, 0x01, 0x0d, 0xb8 }, { 0xff, 0xff, 0xff, 0xff } },
		/* host bits cleared */
		{ "2001:db8:1:2:3:4:5:6/32",
		  { 0x20, 0x01, 0x0d, 0xb8 },
		  { 0xff, 0xff, 0xff, 0xff } },
		{ "2001:db8:aaaa:bbbb:cccc::1/64",
		  { 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb, 0xbb },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "2001:db8::1",
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff } },
		{ "2001:db8::1/128",
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff } },
		{ "2001:db8::3/127",
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xfe } },
		{ "2001:db8:ffff:ffff::/33",
		  { 0x20, 0x01, 0x0d, 0xb8, 0x80 },
		  { 0xff, 0xff, 0xff, 0xff, 0x80 } },
		{ "fe80::1:2:3:4/96",
		  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "::/0", { 0 }, { 0 } },
		{ "ffff::/0", { 0 }, { 0 } },
		{ "::ffff:192.0.2.1/128",
		  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff } },
	};
	struct xf_rule r, want;
	char text[96];
	size_t i;
	int dst;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (dst = 0; dst < 2; dst++) {
			snprintf(text, sizeof(text), "ip6 %s %s", dst ? "dst" : "src",
				 cases[i].text);
			memset(&want, 0, sizeof(want));
			want.fields = XF_F_FAMILY | (dst ? XF_F_DST : XF_F_SRC);
			want.family = 6;
			memcpy(dst ? want.dst : want.src, cases[i].addr, 16);
			memcpy(dst ? want.dst_mask : want.src_mask, cases[i].mask, 16);
			parse_ok(text, &r);
			assert_bytes(dst ? r.dst : r.src, cases[i].addr);
			assert_bytes(dst ? r.dst_mask : r.src_mask, cases[i].mask);
			assert_rule_eq(&r, &want);
		}
	}
	/* the family comes from the prefix alone */
	parse_ok("src 2001:db8::/32", &r);
	assert_int_equal(r.fields, XF_F_FAMILY | XF_F_SRC);
	assert_int_equal(r.family, 6);
	assert_int_equal(r.src_mask[0], htonl(0xffffffff));
	assert_int_equal(r.src_mask[1], 0);
	parse_ok("dst 2001:db8::3/127", &r);
	assert_int_equal(r.dst_mask[3], htonl(0xfffffffe));
	assert_int_equal(r.dst[3], htonl(2));
}

static void test_ports(void **state)
{
	static const struct {
		const char *text;
		__u8 proto;
		__u32 fields;
		__u16 slo, shi, dlo, dhi;
	} cases[] = {
		{ "udp dport 4789", IPPROTO_UDP, XF_F_DPORT, 0, 0, 4789, 4789 },
		{ "tcp dport 80-90", IPPROTO_TCP, XF_F_DPORT, 0, 0, 80, 90 },
		{ "sctp sport 2905", IPPROTO_SCTP, XF_F_SPORT, 2905, 2905, 0, 0 },
		{ "tcp sport 1024-65535 dport 22", IPPROTO_TCP, XF_F_SPORT | XF_F_DPORT, 1024,
		  65535, 22, 22 },
		{ "udp dport 0-65535", IPPROTO_UDP, XF_F_DPORT, 0, 0, 0, 65535 },
		{ "udp dport 0", IPPROTO_UDP, XF_F_DPORT, 0, 0, 0, 0 },
		{ "udp dport 53-53", IPPROTO_UDP, XF_F_DPORT, 0, 0, 53, 53 },
		{ "dport 443 tcp", IPPROTO_TCP, XF_F_DPORT, 0, 0, 443, 443 }, /* any order */
		{ "proto 17 dport 0x12b5", IPPROTO_UDP, XF_F_DPORT, 0, 0, 4789, 4789 },
	};
	struct xf_rule r, want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&want, 0, sizeof(want));
		want.fields = XF_F_PROTO | cases[i].fields;
		want.proto = cases[i].proto;
		want.sport_lo = cases[i].slo;
		want.sport_hi = cases[i].shi;
		want.dport_lo = cases[i].dlo;
		want.dport_hi = cases[i].dhi;
		parse_ok(cases[i].text, &r);
		assert_rule_eq(&r, &want);
	}
	/* host order: 4789 is 0x12b5, not 0xb512 */
	parse_ok("udp dport 4789", &r);
	assert_int_equal(r.dport_lo, 0x12b5);
}

static void test_ethertype_vlan(void **state)
{
	struct xf_rule r, want;

	(void)state;
	memset(&want, 0, sizeof(want));
	want.fields = XF_F_ETHERTYPE;
	want.ethertype = 0x88b5; /* host order */
	parse_ok("ethertype 0x88b5", &r);
	assert_rule_eq(&r, &want);
	want.ethertype = 0x0600;
	parse_ok("ethertype 1536", &r);
	assert_rule_eq(&r, &want);
	want.ethertype = 0xffff;
	parse_ok("ethertype 0xffff", &r);
	assert_rule_eq(&r, &want);
	parse_err("ethertype 0x05ff", "not an ethertype", NULL);
	parse_err("ethertype 0x10000", "not an ethertype", NULL);

	/* ethertype and family agree */
	want.fields = XF_F_ETHERTYPE | XF_F_FAMILY;
	want.ethertype = 0x0800;
	want.family = 4;
	parse_ok("ethertype 0x0800 ip", &r);
	assert_rule_eq(&r, &want);
	want.ethertype = 0x86dd;
	want.family = 6;
	parse_ok("ip6 ethertype 0x86dd", &r);
	assert_rule_eq(&r, &want);

	memset(&want, 0, sizeof(want));
	want.fields = XF_F_VLAN;
	want.vlan_id = 100;
	parse_ok("vlan 100", &r);
	assert_rule_eq(&r, &want);
	want.vlan_id = 0;
	parse_ok("vlan 0", &r);
	assert_rule_eq(&r, &want);
	want.vlan_id = 4095;
	parse_ok("vlan 4095", &r);
	assert_rule_eq(&r, &want);
	want.vlan_id = 0xabc;
	parse_ok("vlan 0xabc", &r);
	assert_rule_eq(&r, &want);
}

/* Everything at once: each term lands in its own field. */
static void test_combined(void **state)
{
	struct xf_rule r, want;

	(void)state;
	memset(&want, 0, sizeof(want));
	want.fields = XF_F_VLAN | XF_F_ETHERTYPE | XF_F_FAMILY | XF_F_PROTO | XF_F_SRC | XF_F_DST |
		      XF_F_SPORT | XF_F_DPORT;
	want.vlan_id = 42;
	want.ethertype = 0x86dd;
	want.family = 6;
	want.proto = IPPROTO_TCP;
	memcpy(want.src, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8 }, 16);
	want.src_mask[0] = 0xffffffff;
	memcpy(want.dst, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 16);
	want.dst_mask[0] = want.dst_mask[1] = 0xffffffff;
	want.sport_lo = 1000;
	want.sport_hi = 2000;
	want.dport_lo = 80;
	want.dport_hi = 90;
	parse_ok("vlan 42 ethertype 0x86dd ip6 src 2001:db8::/32 dst 2001:db8:1::5/64 "
		 "tcp sport 1000-2000 dport 80-90",
		 &r);
	assert_rule_eq(&r, &want);
}

static void test_errors(void **state)
{
	(void)state;
	parse_err("", "empty", NULL);
	parse_err(" \t ", "empty", NULL);
	parse_err("foo", "unknown word", "'foo'");
	parse_err("udp bogus 53", "unknown word", "'bogus'");
	parse_err("IP", "unknown word", "'IP'"); /* words are lower case */
	/* a field given twice would lose its first value */
	parse_err("udp dport 80 dport 90", "'dport' given twice", NULL);
	parse_err("tcp sport 1 sport 2", "'sport' given twice", NULL);
	parse_err("src 198.18.0.1 src 198.18.0.2", "'src' given twice", NULL);
	parse_err("dst 2001:db8::1 dst 2001:db8::2", "'dst' given twice", NULL);
	parse_err("vlan 1 vlan 2", "'vlan' given twice", NULL);
	parse_err("ethertype 0x88b5 ethertype 0x88b6", "'ethertype' given twice", NULL);
	/* ports without a protocol that has them */
	parse_err("dport 80", "ports need tcp, udp or sctp", NULL);
	parse_err("sport 80", "ports need tcp, udp or sctp", NULL);
	parse_err("icmp dport 80", "ports need tcp, udp or sctp", NULL);
	parse_err("proto 47 sport 1", "ports need tcp, udp or sctp", NULL);
	/* bad ports */
	parse_err("udp dport x", "not a port", "'x'");
	parse_err("udp dport 70000", "not a port", "70000");
	parse_err("udp dport 65536", "not a port", "65536");
	parse_err("udp dport -1", "not a port", NULL);
	parse_err("udp dport 80-", "not a port", NULL);
	parse_err("udp dport 80-x", "not a port", NULL);
	parse_err("udp dport 90-80", "runs backwards", "90-80");
	/* bad prefixes */
	parse_err("ip dst 10.0.0.0/33", "prefix length", "0..32");
	parse_err("src 10.0.0.0/33", "prefix length", "0..32");
	parse_err("src 10.0.0.0/", "prefix length", NULL);
	parse_err("src 10.0.0.0/x", "prefix length", NULL);
	parse_err("ip6 src 2001:db8::/129", "prefix length", "0..128");
	parse_err("src 10.0.0", "not an IPv4 address", NULL);
	parse_err("src 10.0.0.256", "not an IPv4 address", NULL);
	parse_err("dst 2001:db8:::1", "not an IPv6 address", NULL);
	parse_err("dst example.com", "not an IPv4 address", NULL);
	/* families that disagree */
	parse_err("ip src 2001:db8::1", "mixes IPv4 and IPv6", NULL);
	parse_err("ip6 dst 10.0.0.1", "mixes IPv4 and IPv6", NULL);
	parse_err("src 10.0.0.1 dst 2001:db8::1", "mixes IPv4 and IPv6", NULL);
	parse_err("ip ip6", "mixes IPv4 and IPv6", NULL);
	parse_err("icmp6 ip", "mixes IPv4 and IPv6", NULL);
	parse_err("ip6 icmp", "mixes IPv4 and IPv6", NULL);
	/* two protocols */
	parse_err("tcp udp", "two protocols", NULL);
	parse_err("udp proto 6", "two protocols", NULL);
	parse_err("icmp tcp", "two protocols", NULL);
	/* contradictions between ethertype and family */
	parse_err("ethertype 0x0800 ip6", "contradicts IPv6", "0x0800");
	parse_err("ethertype 0x86dd ip", "contradicts IPv4", "0x86dd");
	parse_err("ethertype 0x88b5 src 10.0.0.1", "contradicts IPv4", NULL);
	/* VLAN ids */
	parse_err("vlan 4096", "out of range", "4096");
	parse_err("vlan x", "not a number", NULL);
	/* a missing argument at the end */
	parse_err("dport", "'dport' needs", "port");
	parse_err("udp dport", "'dport' needs", "port");
	parse_err("tcp sport", "'sport' needs", "port");
	parse_err("ip src", "'src' needs", "address");
	parse_err("dst", "'dst' needs", "address");
	parse_err("proto", "'proto' needs", "protocol");
	parse_err("ethertype", "'ethertype' needs", NULL);
	parse_err("vlan", "'vlan' needs", "VLAN");
	/* too long: more words than fit, or a word longer than any term */
	parse_err("ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip "
		  "ip ip ip ip ip ip ip",
		  "too long", NULL);
	parse_err("src 2001:0db8:0000:0000:0000:0000:0000:0001/128xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  "too long", NULL);
}

/* 32 words is the most a rule may have. */
static void test_longest_rule(void **state)
{
	struct xf_rule r;

	(void)state;
	parse_ok("ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip ip "
		 "ip ip ip ip ip ip",
		 &r);
	assert_int_equal(r.fields, XF_F_FAMILY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_ipv4_prefixes),
		cmocka_unit_test(test_ipv6_prefixes),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_ethertype_vlan),
		cmocka_unit_test(test_combined),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_longest_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
