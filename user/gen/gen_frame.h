/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The generator's frames: one Ethernet/IPv4/UDP or Ethernet/IPv6/UDP
 * template, built once, and the per-packet stamp that writes only what
 * varies: the payload (struct xf_gen_payload, at the start of the UDP
 * payload), the UDP source port (sport + seq % flows) and, over IPv6, the
 * UDP checksum. Over IPv4 the UDP checksum is 0 ("none", RFC 768) and the
 * IPv4 header, which never changes, carries its checksum from the template.
 *
 * The headers come from the header template builder (user/net/hdr_tmpl.h).
 * Checksums use 16-bit words as they lie in memory (user/net/csum.h; RFC
 * 1071: the one's complement sum is byte-order independent), so the
 * host-order payload fields are summed without swapping. tmpl.csum_base is the template's sum
 * with the source port and the stream/seq/tx_ns fields all zero; a stamp
 * adds those four and folds, whatever the frame held before. Every field
 * summed sits at an even offset from the UDP header, which is what makes
 * its memory-order words the checksum's words.
 *
 * A frame larger than one UMEM frame's room (frame size - 256, see
 * xf_frame_room) is sent as a chain (rl_chain.h): the template cut into
 * pieces of that room, in order, the last one shorter. Everything a stamp
 * writes lies in the first piece (the payload ends at most 84 bytes in; a
 * room is at least 1792), so only the first frame of a chain ever changes.
 *
 * Pure logic (no syscalls): the unit tests link it directly.
 */
#ifndef XF_GEN_FRAME_H
#define XF_GEN_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"
#include "xskfwd_gen_shared.h"

#define XF_GEN_ETH_HLEN 14
#define XF_GEN_IP4_HLEN 20
#define XF_GEN_IP6_HLEN 40
#define XF_GEN_UDP_HLEN 8
#define XF_GEN_PAYLOAD_LEN ((uint32_t)sizeof(struct xf_gen_payload))
/* Smallest frames that carry the whole payload (without FCS). */
#define XF_GEN_MIN_SIZE4 (XF_GEN_ETH_HLEN + XF_GEN_IP4_HLEN + XF_GEN_UDP_HLEN + XF_GEN_PAYLOAD_LEN)
#define XF_GEN_MIN_SIZE6 (XF_GEN_ETH_HLEN + XF_GEN_IP6_HLEN + XF_GEN_UDP_HLEN + XF_GEN_PAYLOAD_LEN)
/* The largest frame (IPv4's and UDP's 16-bit lengths allow a little more). */
#define XF_GEN_MAX_FRAME 65535

struct xf_gen_addrs {
	uint8_t dst_mac[6], src_mac[6];
	bool ipv6;
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
	uint16_t sport, dport; /* host order */
};

struct xf_gen_tmpl {
	uint8_t frame[XF_GEN_MAX_FRAME];
	uint32_t len;
	bool ipv6;
	uint32_t udp_off; /* offset of the UDP header */
	uint32_t pl_off;  /* offset of struct xf_gen_payload */
	uint16_t sport;	  /* host order */
	uint32_t flows;
	uint32_t csum_base; /* IPv6: see above, folded to 16 bits */
};

/*
 * Build the template of @len bytes (XF_GEN_MIN_SIZE4/6 .. XF_GEN_MAX_FRAME)
 * with @flows source ports from a->sport. The payload's magic is set; the
 * rest of the UDP payload is zero. Returns 0 or -EINVAL.
 */
int xf_gen_tmpl_init(struct xf_gen_tmpl *t, const struct xf_gen_addrs *a, uint32_t len,
		     uint32_t flows);

/* How many UMEM frames of @room bytes a frame of @len bytes takes. */
static inline uint32_t xf_gen_nseg(uint32_t len, uint32_t room)
{
	return (len + room - 1) / room;
}

/* The bytes of piece @i (from 0) of a @len-byte frame cut into @room-byte pieces. */
static inline uint32_t xf_gen_seg_len(uint32_t len, uint32_t room, uint32_t i)
{
	return i + 1 < xf_gen_nseg(len, room) ? room : len - i * room;
}

/* The UDP source port of packet @seq, host order. */
static inline uint16_t xf_gen_sport(const struct xf_gen_tmpl *t, uint64_t seq)
{
	return (uint16_t)(t->sport + (t->flows > 1 ? seq % t->flows : 0));
}

/*
 * Write the varying fields of packet (@stream, @seq) sent at @tx_ns into
 * @frame, a copy of t->frame (or a frame stamped before from it).
 */
static inline void xf_gen_stamp(uint8_t *frame, const struct xf_gen_tmpl *t, uint16_t stream,
				uint64_t seq, uint64_t tx_ns)
{
	struct xf_gen_payload pl = {
		.magic = XF_GEN_MAGIC, .stream = stream, .seq = seq, .tx_ns = tx_ns
	};
	uint16_t port = htons(xf_gen_sport(t, seq));

	memcpy(frame + t->pl_off, &pl, sizeof(pl));
	memcpy(frame + t->udp_off, &port, sizeof(port));
	if (t->ipv6) {
		/* At most 11 words: the sum fits 32 bits. */
		uint32_t sum = (uint32_t)(t->csum_base + stream + port + xf_csum_words64(seq) +
					  xf_csum_words64(tx_ns));
		uint16_t c = (uint16_t)~xf_csum_fold32(sum);

		if (!c)
			c = 0xffff; /* 0 means "no checksum", which IPv6 forbids */

		memcpy(frame + t->udp_off + 6, &c, sizeof(c));
	}
}

#endif
