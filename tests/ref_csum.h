/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tests' reference Internet checksum (RFC 1071), written the plainest
 * way: 16-bit big-endian words, an odd last byte padded with zero, the carry
 * folded at the end. The checksum code under test (user/net/csum.h and
 * its users: the walker, gen's and serve's frames) is written for speed; the unit tests, the fuzz targets and
 * gencheck compare it with this one, which shares no code with it.
 */
#ifndef XF_TESTS_REF_CSUM_H
#define XF_TESTS_REF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* The folded one's complement sum of @len bytes at @p (not complemented). */
static inline uint32_t ref_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

#endif
