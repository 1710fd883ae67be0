/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Internet checksum kit of user space (RFC 1071, RFC 1624), one copy
 * for every user: the packet walker (verifying), gen's and serve's
 * templates (building), and the per-packet paths of both (stamping).
 *
 * Design: a sum is a uint64_t accumulator of 16-bit words *as they lie in
 * memory*. The one's complement sum does not depend on byte order
 * (RFC 1071, 2.(B)), so a sum of memory-order words, folded and
 * complemented, is the checksum in memory order: it is stored with memcpy,
 * nothing is swapped per packet, and host-order fields (gen's payload) can
 * be summed as they are. A value that the wire carries big-endian enters a
 * sum as htons(value), its memory-order word. Wider loads give the same
 * folded sum as 16-bit ones (end-around carry at any width), so
 * xf_csum_add() reads 8 bytes at a time.
 *
 * Everything is static inline: these run per packet. tests/ref_csum.h is
 * the tests' independent reference; it shares nothing with this file.
 */
#ifndef XF_NET_CSUM_H
#define XF_NET_CSUM_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Fold a sum to 16 bits (not complemented); any uint64_t sum. */
static inline uint16_t xf_csum_fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Fold a sum known to fit 32 bits (a few 16-bit words): two steps fewer. */
static inline uint16_t xf_csum_fold32(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* @sum + @w with the end-around carry of one's complement arithmetic. */
static inline uint64_t xf_csum_carry(uint64_t sum, uint64_t w)
{
	sum += w;
	return sum + (sum < w);
}

/*
 * Add the @len bytes at @p (any alignment, any length) to @sum as
 * memory-order 16-bit words; a last odd byte is padded with a zero after
 * it. Returns the new, unfolded sum.
 */
static inline uint64_t xf_csum_add(uint64_t sum, const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t tail[8] = { 0 };
	uint64_t w;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&w, b, 8);
		sum = xf_csum_carry(sum, w);
	}
	if (len) {
		/* 1..7 bytes, zero-padded: the padding adds nothing, and a last
		 * odd byte is the high-address half of its word, as RFC 1071 has it. */
		memcpy(tail, b, len);
		memcpy(&w, tail, 8);
		sum = xf_csum_carry(sum, w);
	}
	return sum;
}

/* The sum of the four 16-bit words of a 64-bit value as it lies in memory. */
static inline uint64_t xf_csum_words64(uint64_t v)
{
	return (v & 0xffff) + ((v >> 16) & 0xffff) + ((v >> 32) & 0xffff) + (v >> 48);
}

/*
 * Add a TCP/UDP pseudo-header to @sum: the addresses @src and @dst (@alen
 * bytes each: 4 for IPv4, 16 for IPv6), the protocol @proto and the
 * upper-layer length @l4_len (0 leaves the length out, for a sum that
 * adds it per packet). IPv4's (zero, protocol, 16-bit length) and IPv6's
 * (32-bit length, zeros, next header) sum to the same words.
 */
static inline uint64_t xf_csum_pseudo(uint64_t sum, const void *src, const void *dst, uint32_t alen,
				      uint8_t proto, uint32_t l4_len)
{
	sum = xf_csum_add(sum, src, alen);
	sum = xf_csum_add(sum, dst, alen);
	return sum + htons(proto) + htons((uint16_t)(l4_len >> 16)) + htons((uint16_t)l4_len);
}

/*
 * The checksum field of a UDP datagram whose complete sum (pseudo-header,
 * header with checksum 0, payload) is @sum, in memory order. A computed 0
 * is sent as 0xffff: 0 means "no checksum" (RFC 768), forbidden over IPv6.
 */
static inline uint16_t xf_csum_udp(uint64_t sum)
{
	uint16_t c = (uint16_t)~xf_csum_fold(sum);

	return c ? c : 0xffff;
}

/* True if a datagram whose complete sum, checksum field included, is @sum verifies. */
static inline bool xf_csum_ok(uint64_t sum)
{
	return xf_csum_fold(sum) == 0xffff;
}

/*
 * The IPv4 header checksum of the @ihl-byte header at @ip, in memory order,
 * computed with its checksum field (bytes 10-11) taken as 0 whatever it
 * holds. Store it with memcpy(ip + 10, &c, 2).
 */
static inline uint16_t xf_csum_ip4_hdr(const void *ip, uint32_t ihl)
{
	const uint8_t *h = ip;
	uint64_t sum = xf_csum_add(xf_csum_add(0, h, 10), h + 12, ihl - 12);

	return (uint16_t)~xf_csum_fold(sum);
}

/* True if the @ihl-byte IPv4 header at @ip, checksum included, verifies. */
static inline bool xf_csum_ip4_ok(const void *ip, uint32_t ihl)
{
	return xf_csum_ok(xf_csum_add(0, ip, ihl));
}

/*
 * Incremental update (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')): the
 * checksum @check after a 16-bit word of what it covers changes from
 * @old to @new. All three in memory order (as the frame holds them), e.g.
 * a router's TTL/protocol word after the TTL is decremented.
 */
static inline uint16_t xf_csum_replace16(uint16_t check, uint16_t old, uint16_t new)
{
	uint64_t sum = (uint16_t)~check + (uint64_t)(uint16_t)~old + new;

	return (uint16_t)~xf_csum_fold(sum);
}

/* As xf_csum_replace16(), for a 32-bit field (an IPv4 address, in memory order). */
static inline uint16_t xf_csum_replace32(uint16_t check, uint32_t old, uint32_t new)
{
	uint64_t sum = (uint16_t)~check + (uint64_t)(~old & 0xffff) + (~old >> 16) +
		       (new & 0xffff) + (new >> 16);

	return (uint16_t)~xf_csum_fold(sum);
}

#endif
