/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * serve's frames: parsing what the rx ring hands the TFTP server (one
 * Ethernet frame, maybe one 802.1Q tag, IPv4 or IPv6, UDP) and building the
 * headers of its replies into UMEM frames.
 *
 * Parsing is the packet walker (user/net/pkt_walk.h) with serve's policy:
 * it checks everything the kernel would before a socket sees the
 * datagram: lengths against the frame, the IPv4 header checksum and the
 * UDP checksum (0, "none", is accepted over IPv4 only). Ethernet padding
 * after the IP packet is ignored; so are bytes after the UDP length inside
 * the IP packet, as Linux's udp_rcv() trims them. IPv4 options are
 * skipped; IPv6 hop-by-hop, routing and destination options headers are
 * walked (up to SV_MAX_EXT); any other next header is "not UDP". Fragments
 * are not reassembled. Only one 802.1Q (0x8100) tag is understood, because
 * a reply template holds one; QinQ and 802.1ad are "not UDP". On any
 * verdict but SV_OK, *out is left untouched.
 *
 * A reply template (struct sv_hdr) is built once per session by the header
 * template builder (user/net/hdr_tmpl.h); sv_build() then writes only the
 * lengths and checksums. Checksums are summed as memory-order words
 * (user/net/csum.h) and stored as they were summed, so nothing is swapped
 * per packet. csum_base holds the per-session part of the UDP checksum
 * (pseudo-header addresses and protocol, the two ports); a packet adds the
 * UDP length twice (pseudo-header and UDP header) and its payload.
 *
 * Pure logic (no syscalls): the unit tests and the fuzz target link it.
 */
#ifndef XF_SERVE_FRAME_H
#define XF_SERVE_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define SV_ETH_HLEN 14
#define SV_VLAN_HLEN 4
#define SV_IP4_HLEN 20
#define SV_IP6_HLEN 40
#define SV_UDP_HLEN 8
#define SV_MIN_FRAME 60 /* Ethernet minimum without FCS; sv_build pads to it */
#define SV_MAX_EXT 8	/* IPv6 extension headers walked before giving up */

struct sv_pkt { /* a parsed UDP datagram (pointers into the frame) */
	uint8_t src_mac[6], dst_mac[6];
	bool has_vlan;
	uint16_t vlan_tci;		/* host order, as in the frame's 802.1Q tag */
	uint8_t family;			/* 4 or 6 */
	uint8_t src_ip[16], dst_ip[16]; /* IPv4 in the first 4 bytes, the rest 0 */
	uint16_t sport, dport;		/* host order */
	const uint8_t *payload;
	uint32_t payload_len; /* from the UDP length, not the frame length (Ethernet padding) */
};

enum sv_verdict {
	SV_OK,
	SV_NOT_UDP,   /* not IPv4/IPv6 UDP (ARP, ICMP, TCP, other IPv6 extension
			 headers, QinQ ...): not for the server */
	SV_FRAGMENT,  /* an IP fragment (IPv4 MF/offset, any IPv6 fragment header) */
	SV_MALFORMED, /* truncated, lengths that disagree with the frame or each
			 other, bad IP version or IHL, IPv6 payload length 0 */
	SV_BAD_CSUM,  /* IPv4 header checksum or UDP checksum wrong (UDP
			 checksum 0 is allowed for IPv4, not for IPv6) */
	SV_NVERDICTS
};

/* Parse @len bytes at @frame. SV_OK fills *out; any other verdict leaves it untouched. */
enum sv_verdict sv_parse(const uint8_t *frame, uint32_t len, struct sv_pkt *out);
/* "ok", "not_udp", "fragment", "malformed", "bad_csum"; "?" out of range. */
const char *sv_verdict_name(enum sv_verdict v);

#define SV_HDR_MAX 66 /* Ethernet + VLAN + IPv6 + UDP = 14 + 4 + 40 + 8 */
struct sv_hdr {	      /* the reply template of one session */
	uint8_t bytes[SV_HDR_MAX];
	uint8_t len; /* header bytes; the UDP payload starts at frame + len */
	uint8_t family;
	uint8_t l3_off, l4_off;
	uint32_t csum_base; /* the constant part of the UDP checksum (pseudo-header
			       addresses, protocol, ports), not complemented;
			       sv_hdr_init folds it to 16 bits */
};

/*
 * The reply template to a request @req (an SV_OK sv_parse result), sent
 * from @server_port: Ethernet dst = request's source MAC, src = request's
 * destination MAC; the same VLAN tag if any; IP src/dst swapped (the
 * address the client asked is the one it hears from); IPv4 TOS 0, TTL 64,
 * DF, id 0; IPv6 hop limit 64, traffic class/flow label 0; UDP sport =
 * server_port, dport = request's sport.
 */
void sv_hdr_init(struct sv_hdr *h, const struct sv_pkt *req, uint16_t server_port);

/*
 * Write the headers in front of the payload already placed at
 * frame + h->len (@payload_len bytes): lengths, IPv4 header checksum, UDP
 * checksum over the pseudo-header + UDP header + payload (0 computed
 * becomes 0xffff). Returns the frame length (>= SV_MIN_FRAME: zeros pad up
 * to the Ethernet minimum, which the IP/UDP lengths do not count), or 0 if
 * @payload_len is more than the IP/UDP length fields can say (see
 * sv_max_payload(65535 + ...)): nothing is written then. The frame must
 * have room for max(h->len + payload_len, SV_MIN_FRAME) bytes.
 */
uint32_t sv_build(const struct sv_hdr *h, uint8_t *frame, uint32_t payload_len);

/*
 * The largest UDP payload that fits an interface MTU for this family
 * (MTU - IP header - UDP header, and never more than the length fields
 * allow); 0 if the MTU is too small or the family is neither 4 nor 6.
 */
uint32_t sv_max_payload(uint32_t mtu, uint8_t family);

#endif
