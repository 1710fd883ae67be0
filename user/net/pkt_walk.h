/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The user-space packet walker: from an Ethernet frame to a UDP payload,
 * one copy for every mode that reads frames (the sink through
 * gen_payload.c, serve through serve_frame.c), each with its own policy.
 *
 * Walked: Ethernet; up to policy->max_vlans 802.1Q tags (and 802.1ad ones
 * if the policy says so); IPv4 with any options, or IPv6 through up to
 * policy->max_ext hop-by-hop, routing and destination-options headers (and
 * atomic fragment headers, RFC 6946, if the policy says so); UDP.
 *
 * Every length is checked against what contains it: the payload lies
 * inside the UDP length, which is inside the IP packet's length, which is
 * inside the frame. Ethernet padding after the IP packet is not payload;
 * neither are bytes after the UDP length inside the IP packet (Linux's
 * udp_rcv() trims them the same way). No byte at or past @len is read.
 * IPv4 fragments (MF or an offset) are never whole datagrams; a jumbogram
 * (IPv6 payload length 0) cannot be an Ethernet frame.
 *
 * Checks run in a fixed order, so a frame that is wrong in several ways
 * gets the same verdict from every caller: Ethernet, tags, IP header and
 * lengths, IPv4 header checksum, fragment, protocol / extension headers,
 * UDP lengths, UDP checksum. Callers map the walker's verdicts onto the
 * names their counters already use (a static table, no branches).
 *
 * Multi-buffer packets (xf_walk_head): only the first buffer, the head, is
 * contiguous. The lengths are checked against the whole packet, as above;
 * every header byte read must also lie in the head, else TRUNCATED (the
 * kernel puts the headers in the first buffer, so only a hostile or broken
 * sender gets that). A policy that verifies the UDP checksum needs the
 * whole datagram in the head. Of the payload, w->payload_head bytes are in
 * the head; the rest follows in the next buffers.
 *
 * The result points into the frame; nothing is copied, so the sink's hot
 * path pays for one call and the checks its policy asks for. Pure logic
 * (no syscalls, no state): unit tested in tests/unit/net/test_pkt_walk.c
 * with every truncation of good frames, fuzzed by tests/fuzz/fuzz_pkt_walk.c.
 */
#ifndef XF_NET_PKT_WALK_H
#define XF_NET_PKT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define XF_WALK_MAX_VLAN 2 /* tags a result can hold; a policy may walk fewer */

/* What a caller accepts. Zeroed: no tags, no extension headers, nothing verified. */
struct xf_walk_policy {
	uint8_t max_vlans;    /* tags walked (<= XF_WALK_MAX_VLAN); one more is VLAN_LIMIT */
	bool vlan_8021ad;     /* 0x88a8 is a tag too (else an unknown ethertype: NOT_IP) */
	uint8_t max_ext;      /* IPv6 extension headers walked; one more is EXT_LIMIT */
	bool ip6_atomic_frag; /* an IPv6 fragment header with offset 0 and no M flag is
				 walked; else any fragment header is FRAGMENT */
	bool ip4_csum;	      /* verify the IPv4 header checksum */
	bool udp_csum;	      /* verify the UDP checksum (0, "none", is fine over IPv4) */
	bool udp6_zero_csum;  /* with udp_csum: 0 is fine over IPv6 too (RFC 6936) */
};

enum xf_walk_verdict {
	XF_WALK_OK = 0,
	XF_WALK_TRUNCATED,  /* a header or length runs past what contains it */
	XF_WALK_NOT_IP,	    /* an ethertype other than IPv4/IPv6 (after the tags) */
	XF_WALK_VLAN_LIMIT, /* more tags than the policy walks */
	XF_WALK_BAD_HDR,    /* IP version or IHL wrong, total length < IHL, IPv6 payload length 0 */
	XF_WALK_BAD_CSUM,   /* IPv4 header or UDP checksum wrong (as the policy asks) */
	XF_WALK_FRAGMENT,   /* IPv4 MF/offset; an IPv6 fragment header the policy refuses */
	XF_WALK_EXT_LIMIT,  /* more IPv6 extension headers than the policy walks */
	XF_WALK_EXT_OPAQUE, /* ESP, AH or no next header: what follows cannot be walked */
	XF_WALK_NOT_UDP,    /* the upper layer is another protocol */
	XF_WALK_NVERDICTS,
};

/* A walked frame: pointers into it, offsets from its start. */
struct xf_walk {
	const uint8_t *dst_mac, *src_mac;
	const uint8_t *src_ip, *dst_ip;	     /* in the IP header: 4 or 16 bytes */
	const uint8_t *payload;		     /* the UDP payload */
	uint32_t payload_len;		     /* from the UDP length */
	uint32_t payload_head;		     /* ... of it at payload, in the head */
	uint32_t l3_off, l4_off;	     /* the IP and UDP headers */
	uint32_t l3_end;		     /* the end of the IP packet (<= the frame's length) */
	uint16_t sport, dport;		     /* host order */
	uint16_t vlan_tci[XF_WALK_MAX_VLAN]; /* host order, outermost first */
	uint8_t nvlan;
	uint8_t family; /* 4 or 6 */
};

/*
 * Walk the @len bytes at @frame as @pol allows. XF_WALK_OK fills @w; any
 * other verdict says why not, and leaves @w's contents unspecified.
 */
enum xf_walk_verdict xf_walk(const void *frame, uint32_t len, const struct xf_walk_policy *pol,
			     struct xf_walk *w);

/*
 * xf_walk() of a packet of @len bytes whose first @head bytes are at @frame
 * (a multi-buffer packet's first buffer; the rest is elsewhere). No byte at
 * or past @head is read. xf_walk() is xf_walk_head() with @head = @len.
 */
enum xf_walk_verdict xf_walk_head(const void *frame, uint32_t head, uint32_t len,
				  const struct xf_walk_policy *pol, struct xf_walk *w);

/* "ok", "truncated", ...; "?" out of range. */
const char *xf_walk_verdict_name(enum xf_walk_verdict v);

#endif
