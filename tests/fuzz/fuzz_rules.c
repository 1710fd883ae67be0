// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the --match rule parser, xf_rule_parse() (user/core/rules.c).
 *
 * Input: any bytes, taken as a NUL-terminated string (an embedded NUL ends
 * it, as it would on a command line). Beyond what the sanitizers catch
 * (address, undefined), every input is checked against what the classifier
 * relies on, and a violation aborts (a crash for libFuzzer):
 *
 *   - a refused rule returns -EINVAL with a non-empty, terminated reason;
 *   - an accepted rule is consistent: only known XF_F_* bits; a field's
 *     values are zero unless its bit is set; family 4 or 6, implied by a
 *     prefix; masks are prefixes of the family's width and addresses have
 *     no bits outside them; port ranges run forwards and need tcp, udp or
 *     sctp; VLAN id <= 4095; ethertype >= 0x0600 and agrees with a family;
 *   - printed back as text (print_rule) and parsed again, it comes back
 *     identical; and parsing is deterministic.
 *
 * This file is also the pattern for new targets: one parser per file, named
 * tests/fuzz/fuzz_NAME.c, with its sources in the Makefile's FUZZ_SRC_NAME
 * and a few seeds in tests/fuzz/corpus/fuzz_NAME/ (an optional dictionary
 * in tests/fuzz/fuzz_NAME.dict); `make fuzz` builds and runs every target.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define ALL_FIELDS                                                                     \
	(XF_F_ETHERTYPE | XF_F_VLAN | XF_F_FAMILY | XF_F_PROTO | XF_F_SRC | XF_F_DST | \
	 XF_F_SPORT | XF_F_DPORT)

/* Abort with the input and the property it broke. */
#define check(cond, text)                                                         \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_rules: '%s': %s\n", (text), #cond); \
			abort();                                                  \
		}                                                                 \
	} while (0)

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

/* Length of @mask (network order) as a prefix, or -1 if it is not one. */
static int prefix_len(const __u32 *mask)
{
	int bits = 0, w, b, ended = 0;

	for (w = 0; w < 4; w++) {
		uint32_t m = ntohl(mask[w]);

		for (b = 31; b >= 0; b--) {
			if (m >> b & 1) {
				if (ended)
					return -1;
				bits++;
			} else {
				ended = 1;
			}
		}
	}
	return bits;
}

static void check_prefix(const char *text, const struct xf_rule *r, const __u32 *addr,
			 const __u32 *mask)
{
	int bits = prefix_len(mask), w;

	check(bits >= 0, text);
	check(r->fields & XF_F_FAMILY, text);
	check(bits <= (r->family == 4 ? 32 : 128), text);
	for (w = 0; w < 4; w++)
		check((addr[w] & ~mask[w]) == 0, text);
	if (r->family == 4)
		check(all_zero(&addr[1], 12), text);
}

static void check_ports(const char *text, const struct xf_rule *r, __u32 bit, __u16 lo, __u16 hi)
{
	if (!(r->fields & bit)) {
		check(lo == 0 && hi == 0, text);
		return;
	}
	check(lo <= hi, text);
	check(r->fields & XF_F_PROTO, text);
	check(r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP || r->proto == IPPROTO_SCTP, text);
}

static void check_rule(const char *text, const struct xf_rule *r)
{
	check((r->fields & ~ALL_FIELDS) == 0, text);
	check(r->pad == 0, text);
	if (r->fields & XF_F_FAMILY)
		check(r->family == 4 || r->family == 6, text);
	else
		check(r->family == 0, text);
	if (!(r->fields & XF_F_PROTO))
		check(r->proto == 0, text);
	if (r->fields & XF_F_SRC)
		check_prefix(text, r, r->src, r->src_mask);
	else
		check(all_zero(r->src, 16) && all_zero(r->src_mask, 16), text);
	if (r->fields & XF_F_DST)
		check_prefix(text, r, r->dst, r->dst_mask);
	else
		check(all_zero(r->dst, 16) && all_zero(r->dst_mask, 16), text);
	check_ports(text, r, XF_F_SPORT, r->sport_lo, r->sport_hi);
	check_ports(text, r, XF_F_DPORT, r->dport_lo, r->dport_hi);
	if (r->fields & XF_F_VLAN)
		check(r->vlan_id <= 4095, text);
	else
		check(r->vlan_id == 0, text);
	if (r->fields & XF_F_ETHERTYPE) {
		check(r->ethertype >= 0x0600, text);
		if (r->fields & XF_F_FAMILY)
			check(r->ethertype == (r->family == 4 ? 0x0800 : 0x86dd), text);
	} else {
		check(r->ethertype == 0, text);
	}
}

/* Append "WORD ADDR/LEN" for a prefix. */
static size_t print_prefix(char *out, size_t n, const char *word, const struct xf_rule *r,
			   const __u32 *addr, const __u32 *mask)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->family == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	return snprintf(out, n, " %s %s/%d", word, a, prefix_len(mask));
}

/* @r as text the parser takes. */
static void print_rule(const struct xf_rule *r, char *out, size_t n)
{
	size_t len = snprintf(out, n, "any");

	if (r->fields & XF_F_FAMILY)
		len += snprintf(out + len, n - len, " %s", r->family == 4 ? "ip" : "ip6");
	if (r->fields & XF_F_PROTO)
		len += snprintf(out + len, n - len, " proto %u", r->proto);
	if (r->fields & XF_F_SRC)
		len += print_prefix(out + len, n - len, "src", r, r->src, r->src_mask);
	if (r->fields & XF_F_DST)
		len += print_prefix(out + len, n - len, "dst", r, r->dst, r->dst_mask);
	if (r->fields & XF_F_SPORT)
		len += snprintf(out + len, n - len, " sport %u-%u", r->sport_lo, r->sport_hi);
	if (r->fields & XF_F_DPORT)
		len += snprintf(out + len, n - len, " dport %u-%u", r->dport_lo, r->dport_hi);
	if (r->fields & XF_F_ETHERTYPE)
		len += snprintf(out + len, n - len, " ethertype 0x%x", r->ethertype);
	if (r->fields & XF_F_VLAN)
		snprintf(out + len, n - len, " vlan %u", r->vlan_id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[XF_ERRLEN], err2[XF_ERRLEN], printed[512];
	struct xf_rule r, again;
	char *text = malloc(size + 1);
	int ret;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 0x5a, sizeof(err));
	ret = xf_rule_parse(text, &r, err);
	if (ret) {
		check(ret == -EINVAL, text);
		check(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0', text);
	} else {
		check_rule(text, &r);
		print_rule(&r, printed, sizeof(printed));
		if (xf_rule_parse(printed, &again, err2)) {
			fprintf(stderr, "fuzz_rules: '%s' printed as '%s': %s\n", text, printed,
				err2);
			abort();
		}
		check(memcmp(&r, &again, sizeof(r)) == 0, text);
	}
	check(xf_rule_parse(text, &again, err2) == ret, text);
	if (!ret)
		check(memcmp(&r, &again, sizeof(r)) == 0, text);
	free(text);
	return 0;
}
