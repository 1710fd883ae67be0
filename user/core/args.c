// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Strict number, list and address parsing for options (see args.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int xf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out, char *err)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s)) {
		snprintf(err, XF_ERRLEN, "'%s' is not a number", s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	/*
	 * Decimal, or hex after 0x; never octal ("010" is ten). After the 0x,
	 * hex digits only: strtoull would also take spaces, a sign or a second
	 * 0x there ("0x 5", "0x-0", "0x0x10").
	 */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2])) {
			snprintf(err, XF_ERRLEN, "'%s' is not a number", s);
			return -EINVAL;
		}
		v = strtoull(s + 2, &end, 16);
		if (end != s + 2 + strspn(s + 2, "0123456789abcdefABCDEF"))
			errno = EINVAL; /* a second 0x: strtoull skipped it */
	} else {
		v = strtoull(s, &end, 10);
	}
	if (errno || *end) {
		snprintf(err, XF_ERRLEN, "'%s' is not a number", s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		snprintf(err, XF_ERRLEN, "%s is out of range (%u..%u)", s, min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_item(const char *s, size_t len, uint32_t max, uint32_t *v, char *err)
{
	char buf[16];

	if (!len || len >= sizeof(buf)) {
		snprintf(err, XF_ERRLEN, "'%.*s' is not a number", (int)len, s);
		return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return xf_parse_u32(buf, 0, max, v, err);
}

int xf_parse_list(const char *s, uint32_t max, uint32_t *out, uint32_t *n, char *err)
{
	bool seen[4096];
	const char *p = s;
	uint32_t lo, hi, v, count = 0;

	if (max >= sizeof(seen) / sizeof(seen[0]))
		max = sizeof(seen) / sizeof(seen[0]) - 1;
	memset(seen, 0, sizeof(seen));
	if (!s || !*s) {
		snprintf(err, XF_ERRLEN, "empty list");
		return -EINVAL;
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash = memchr(p, '-', len);

		if (dash) {
			if (parse_item(p, dash - p, max, &lo, err) ||
			    parse_item(dash + 1, len - (dash - p) - 1, max, &hi, err))
				return -EINVAL;
			if (hi < lo) {
				snprintf(err, XF_ERRLEN, "range '%.*s' runs backwards", (int)len,
					 p);
				return -EINVAL;
			}
		} else {
			if (parse_item(p, len, max, &lo, err))
				return -EINVAL;
			hi = lo;
		}
		for (v = lo; v <= hi; v++)
			seen[v] = true;
		p += len;
		if (*p == ',' && !*++p) {
			snprintf(err, XF_ERRLEN, "list '%s' ends with a comma", s);
			return -EINVAL;
		}
	}
	for (v = 0; v <= max; v++) {
		if (!seen[v])
			continue;
		if (count == XF_MAX_LIST) {
			snprintf(err, XF_ERRLEN, "more than %d entries", XF_MAX_LIST);
			return -EINVAL;
		}
		out[count++] = v;
	}
	*n = count;
	return 0;
}

int xf_parse_addr_port(const char *s, struct sockaddr_storage *sa, socklen_t *len, char *err)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
	const char *colon, *host = s;
	char buf[INET6_ADDRSTRLEN];
	size_t hlen;
	uint32_t port;
	bool v6 = s[0] == '[';

	colon = v6 ? strstr(s, "]:") : strrchr(s, ':');
	if (!colon || (!v6 && strchr(s, ':') != colon)) {
		snprintf(err, XF_ERRLEN, "'%.60s': expected ADDR:PORT or [IPv6]:PORT", s);
		return -EINVAL;
	}
	host += v6;
	hlen = (size_t)(colon - host);
	if (hlen >= sizeof(buf)) {
		snprintf(err, XF_ERRLEN, "'%.60s': not an IPv4 or IPv6 address", s);
		return -EINVAL;
	}
	memcpy(buf, host, hlen);
	buf[hlen] = '\0';
	if (xf_parse_u32(colon + 1 + v6, 1, 65535, &port, err))
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	if (!v6 && inet_pton(AF_INET, buf, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
	} else if (v6 && inet_pton(AF_INET6, buf, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
	} else {
		snprintf(err, XF_ERRLEN, "'%.60s': not an IPv4 or [IPv6] address", buf);
		return -EINVAL;
	}
	return 0;
}
