/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a router writes into a frame it forwards, and nothing more
 * (RFC 1812 5.3.1 and 5.3.2, RFC 8200 section 3): the next hop's and the
 * egress port's MAC addresses, the TTL or hop limit one lower, and for IPv4
 * the header checksum updated incrementally (RFC 1624) from the one word that
 * changed, so the header is not summed again. UDP and TCP checksums do not
 * cover the TTL, so they stay right without being read.
 *
 * The caller has already decided that the frame is to be forwarded (the
 * classifier's fast-path checks: untagged IPv4 without options or IPv6
 * without extension headers, TTL above 1); the checks here only keep a frame
 * that is not such from being damaged. Per packet: static inline.
 */
#ifndef XF_NET_IP_FORWARD_H
#define XF_NET_IP_FORWARD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"
#include "proto.h"

/*
 * Rewrite the @len-byte frame at @frame for its next hop: destination MAC
 * @dmac, source MAC @smac, TTL / hop limit - 1. Returns 0, or -1 (frame
 * unchanged) when it is not an untagged IPv4/IPv6 frame with TTL above 1.
 */
static inline int xf_ip_forward(uint8_t *frame, uint32_t len, const uint8_t *dmac,
				const uint8_t *smac)
{
	uint8_t *ip = frame + XF_ETH_HLEN;
	uint16_t type, old, new, check;

	if (len < XF_ETH_HLEN + XF_IP4_HLEN)
		return -1;
	memcpy(&type, frame + 12, 2);
	if (type == htons(XF_ETH_P_IP)) {
		if (ip[8] <= 1)
			return -1;
		memcpy(&old, ip + 8, 2); /* the TTL and protocol word */
		ip[8]--;
		memcpy(&new, ip + 8, 2);
		memcpy(&check, ip + 10, 2);
		check = xf_csum_replace16(check, old, new);
		memcpy(ip + 10, &check, 2);
	} else if (type == htons(XF_ETH_P_IPV6)) {
		if (len < XF_ETH_HLEN + XF_IP6_HLEN || ip[7] <= 1)
			return -1;
		ip[7]--;
	} else {
		return -1;
	}
	memcpy(frame, dmac, 6);
	memcpy(frame + 6, smac, 6);
	return 0;
}

#endif
