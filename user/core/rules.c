// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* --match rule parsing (grammar in rules.h). Pure logic: unit tested. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define MAX_TOKENS 32
#define TOKEN_LEN 64

struct cursor {
	char tok[MAX_TOKENS][TOKEN_LEN];
	int n;
	int i;
};

static int tokenize(const char *text, struct cursor *c, char *err)
{
	const char *p = text;

	memset(c, 0, sizeof(*c));
	while (*p) {
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (c->n == MAX_TOKENS || len >= TOKEN_LEN) {
			snprintf(err, XF_ERRLEN, "rule is too long");
			return -EINVAL;
		}
		memcpy(c->tok[c->n++], p, len);
		p += len;
	}
	if (!c->n) {
		snprintf(err, XF_ERRLEN, "empty rule (use 'any' for every frame)");
		return -EINVAL;
	}
	return 0;
}

static const char *next_arg(struct cursor *c, const char *what, char *err)
{
	if (c->i + 1 >= c->n) {
		snprintf(err, XF_ERRLEN, "'%s' needs %s", c->tok[c->i], what);
		return NULL;
	}
	return c->tok[++c->i];
}

/* A term that sets @flag's byte @slot to @v, unless another term set it otherwise. */
static int set_once(struct xf_rule *r, __u32 flag, __u8 *slot, __u8 v, const char *clash, char *err)
{
	if ((r->fields & flag) && *slot != v) {
		snprintf(err, XF_ERRLEN, "%s", clash);
		return -EINVAL;
	}
	r->fields |= flag;
	*slot = v;
	return 0;
}

static int set_family(struct xf_rule *r, __u8 family, char *err)
{
	return set_once(r, XF_F_FAMILY, &r->family, family, "mixes IPv4 and IPv6", err);
}

static void make_mask(__u32 *mask, unsigned int bits)
{
	unsigned int w;

	for (w = 0; w < 4; w++) {
		unsigned int b = bits > 32 ? 32 : bits;

		mask[w] = b ? htonl(b == 32 ? 0xffffffffu : ~(0xffffffffu >> b)) : 0;
		bits -= b;
	}
}

static int parse_prefix(const char *s, struct xf_rule *r, __u32 *addr, __u32 *mask, char *err)
{
	char buf[TOKEN_LEN];
	char *slash;
	uint32_t bits, max;
	__u8 family;
	int w;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	family = strchr(buf, ':') ? 6 : 4;
	max = family == 4 ? 32 : 128;
	memset(addr, 0, 16);
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, buf, addr) != 1) {
		snprintf(err, XF_ERRLEN, "'%s' is not an IPv%u address", buf, family);
		return -EINVAL;
	}
	bits = max;
	if (slash && xf_parse_u32(slash + 1, 0, max, &bits, err)) {
		snprintf(err, XF_ERRLEN, "'%s': prefix length must be 0..%u", s, max);
		return -EINVAL;
	}
	make_mask(mask, bits);
	for (w = 0; w < 4; w++)
		addr[w] &= mask[w];
	return set_family(r, family, err);
}

static int parse_ports(const char *s, __u16 *lo, __u16 *hi, char *err)
{
	char buf[TOKEN_LEN];
	char *dash;
	uint32_t a, b;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (xf_parse_u32(buf, 0, 65535, &a, err) ||
	    (dash && xf_parse_u32(dash + 1, 0, 65535, &b, err))) {
		snprintf(err, XF_ERRLEN, "'%s' is not a port or port range (0-65535)", s);
		return -EINVAL;
	}
	if (!dash)
		b = a;
	if (b < a) {
		snprintf(err, XF_ERRLEN, "port range '%s' runs backwards", s);
		return -EINVAL;
	}
	*lo = (__u16)a;
	*hi = (__u16)b;
	return 0;
}

static int set_proto(struct xf_rule *r, __u8 proto, char *err)
{
	return set_once(r, XF_F_PROTO, &r->proto, proto, "names two protocols", err);
}

/* A field given twice would silently lose its first value: refuse it. */
static int claim(struct xf_rule *r, __u32 field, const char *word, char *err)
{
	if (r->fields & field) {
		snprintf(err, XF_ERRLEN, "'%s' given twice", word);
		return -EINVAL;
	}
	r->fields |= field;
	return 0;
}

static int parse_term(struct cursor *c, struct xf_rule *r, char *err)
{
	const char *t = c->tok[c->i];
	const char *a;
	uint32_t v;

	if (!strcmp(t, "any"))
		return 0;
	if (!strcmp(t, "ip"))
		return set_family(r, 4, err);
	if (!strcmp(t, "ip6"))
		return set_family(r, 6, err);
	if (!strcmp(t, "tcp"))
		return set_proto(r, IPPROTO_TCP, err);
	if (!strcmp(t, "udp"))
		return set_proto(r, IPPROTO_UDP, err);
	if (!strcmp(t, "sctp"))
		return set_proto(r, IPPROTO_SCTP, err);
	if (!strcmp(t, "icmp"))
		return set_family(r, 4, err) ?: set_proto(r, IPPROTO_ICMP, err);
	if (!strcmp(t, "icmp6"))
		return set_family(r, 6, err) ?: set_proto(r, IPPROTO_ICMPV6, err);
	if (!strcmp(t, "proto")) {
		if (!(a = next_arg(c, "a protocol number", err)))
			return -EINVAL;
		if (xf_parse_u32(a, 0, 255, &v, err))
			return -EINVAL;
		return set_proto(r, (__u8)v, err);
	}
	if (!strcmp(t, "src") || !strcmp(t, "dst")) {
		bool src = t[0] == 's';

		if (!(a = next_arg(c, "an address or prefix", err)) ||
		    claim(r, src ? XF_F_SRC : XF_F_DST, t, err))
			return -EINVAL;
		return parse_prefix(a, r, src ? r->src : r->dst, src ? r->src_mask : r->dst_mask,
				    err);
	}
	if (!strcmp(t, "sport") || !strcmp(t, "dport")) {
		bool src = t[0] == 's';

		if (!(a = next_arg(c, "a port or range", err)) ||
		    claim(r, src ? XF_F_SPORT : XF_F_DPORT, t, err))
			return -EINVAL;
		return src ? parse_ports(a, &r->sport_lo, &r->sport_hi, err)
			   : parse_ports(a, &r->dport_lo, &r->dport_hi, err);
	}
	if (!strcmp(t, "ethertype")) {
		if (!(a = next_arg(c, "a number like 0x88b5", err)))
			return -EINVAL;
		if (xf_parse_u32(a, 0x0600, 0xffff, &v, err)) {
			snprintf(err, XF_ERRLEN, "'%s' is not an ethertype (0x0600-0xffff)", a);
			return -EINVAL;
		}
		if (claim(r, XF_F_ETHERTYPE, t, err))
			return -EINVAL;
		r->ethertype = (__u16)v;
		return 0;
	}
	if (!strcmp(t, "vlan")) {
		if (!(a = next_arg(c, "a VLAN id", err)))
			return -EINVAL;
		if (xf_parse_u32(a, 0, 4095, &v, err) || claim(r, XF_F_VLAN, t, err))
			return -EINVAL;
		r->vlan_id = (__u16)v;
		return 0;
	}
	snprintf(err, XF_ERRLEN, "unknown word '%s'", t);
	return -EINVAL;
}

int xf_rule_parse(const char *text, struct xf_rule *r, char *err)
{
	struct cursor c;

	memset(r, 0, sizeof(*r));
	if (tokenize(text, &c, err))
		return -EINVAL;
	for (c.i = 0; c.i < c.n; c.i++)
		if (parse_term(&c, r, err))
			return -EINVAL;
	if ((r->fields & (XF_F_SPORT | XF_F_DPORT)) &&
	    (!(r->fields & XF_F_PROTO) ||
	     (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP && r->proto != IPPROTO_SCTP))) {
		snprintf(err, XF_ERRLEN, "ports need tcp, udp or sctp");
		return -EINVAL;
	}
	if ((r->fields & XF_F_ETHERTYPE) && (r->fields & XF_F_FAMILY) &&
	    r->ethertype != (r->family == 4 ? 0x0800 : 0x86dd)) {
		snprintf(err, XF_ERRLEN, "ethertype 0x%04x contradicts IPv%u", r->ethertype,
			 r->family);
		return -EINVAL;
	}
	return 0;
}
