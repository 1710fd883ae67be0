/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Finding the generator's payload (bpf/xskfwd_gen_shared.h) in a received
 * frame: a thin layer on the packet walker (pkt_walk.h) that says which
 * frames it accepts and then reads the payload. A pure function of the
 * frame's bytes: no state, no allocation, no system calls, so it is unit
 * tested (tests/unit/net/test_gen_payload.c) with every truncation of good
 * frames, and fuzzed (tests/fuzz/fuzz_gen_parse.c).
 *
 * Accepted: Ethernet, up to two 802.1Q/802.1ad tags, then IPv4 (any
 * options) or IPv6 (skipping up to XF_GEN_MAX_EXT hop-by-hop, routing,
 * destination-options or atomic-fragment extension headers), then UDP whose
 * payload holds at least a struct xf_gen_payload with magic XF_GEN_MAGIC.
 * No checksum is verified: the sink counts what arrives, the kernel's
 * checks are not its business.
 *
 * Every length is checked against the frame, and the IP and UDP lengths
 * against each other: the payload is read from inside the UDP length, which
 * is inside the IP length, which is inside the frame (Ethernet padding after
 * the IP packet is normal and ignored). IP fragments (other than IPv6
 * atomic fragments), IPv6 jumbograms and any other extension header are not
 * ours. The payload fields are copied out with memcpy: frames carry them at
 * any alignment.
 */
#ifndef XF_GEN_PAYLOAD_H
#define XF_GEN_PAYLOAD_H

#include <stdint.h>

#include "xskfwd_gen_shared.h"

#define XF_GEN_MAX_VLAN 2
#define XF_GEN_MAX_EXT 4

/* Why a frame is not ours ("other"); XF_GEN_OURS when it is. */
enum xf_gen_verdict {
	XF_GEN_OURS = 0,
	XF_GEN_NOT_IP,	   /* ARP, LLDP, three VLAN tags, ... */
	XF_GEN_TRUNCATED,  /* a header or length runs past what contains it */
	XF_GEN_BAD_IP,	   /* bad version or IHL, fragment, jumbogram, other ext hdr */
	XF_GEN_NOT_UDP,	   /* TCP, ICMP, ... */
	XF_GEN_SHORT,	   /* UDP payload shorter than struct xf_gen_payload */
	XF_GEN_BAD_MAGIC,  /* UDP payload without XF_GEN_MAGIC */
	XF_GEN_BAD_STREAM, /* magic, but stream >= XF_GEN_MAX_STREAMS */
	XF_GEN_NVERDICTS,
};

/*
 * Parse the @len bytes at @frame. Returns XF_GEN_OURS and fills @out with
 * the payload (host order, as written), or the reason it is not ours
 * (@out is then unchanged).
 */
enum xf_gen_verdict xf_gen_parse(const void *frame, uint32_t len, struct xf_gen_payload *out);

/*
 * xf_gen_parse() of a multi-buffer packet of @len bytes whose first buffer
 * holds its first @head bytes, at @frame: the lengths are checked against
 * @len, the headers and the payload must be in the first buffer (they are
 * unless the sender is broken: TRUNCATED otherwise). pkt_walk.h's
 * xf_walk_head().
 */
enum xf_gen_verdict xf_gen_parse_head(const void *frame, uint32_t head, uint32_t len,
				      struct xf_gen_payload *out);

/* A short name for a verdict, for counters ("not_ip", ...). */
const char *xf_gen_verdict_name(enum xf_gen_verdict v);

#endif
