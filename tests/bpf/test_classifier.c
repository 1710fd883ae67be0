// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The XDP classifier (bpf/xskfwd.bpf.c) under BPF_PROG_TEST_RUN. Needs root
 * (CAP_BPF + CAP_NET_ADMIN); run by tests/integration/test_classifier.sh.
 *
 * Each rule set gets its own instance of the skeleton, opened, given its
 * nr_rules and loaded, never attached; its rules are parsed from text with
 * xf_rule_parse() (user/core/rules.c), so the grammar is the real one. Frames are
 * then fed to the program one at a time, and for each the test checks the
 * verdict AND which per-CPU counter (xf_counters, summed over CPUs) moved.
 * No AF_XDP socket is ever put into xf_xsks, so the documented outcomes are:
 *
 *   Y  chosen, well formed:    XDP_PASS, XF_CNT_PASS_NOSOCK   (would be redirected)
 *   N  not chosen:             XDP_PASS, XF_CNT_PASS_NOMATCH
 *   D  chosen, malformed:      XDP_DROP, XF_CNT_DROP_MALFORMED
 *
 * The frames are one table (frames[]): each row builds a frame and names its
 * outcome under each rule set (the columns, enum col). A row may cover a
 * range of a parameter (a cut length, an IHL...). Two more rule sets reuse a
 * column: "any" must behave as no rules at all, and 63 rules that match none
 * of the frames followed by "udp dport 5000" must behave as that rule alone
 * (this is also the verifier's worst case: nr_rules = XF_MAX_RULES).
 *
 * Rows marked with a note assert behaviour the README and the classifier's
 * top comment leave open, or describe differently; the note says how. They
 * are printed at every run, so that they stay visible.
 *
 * Then, the kernel's limits, measured: test_run refuses frames of 0..13
 * bytes (also behind XDP metadata), so runts cannot be tested here (nor can
 * they reach XDP on an Ethernet device); the first buffer the program sees
 * is at most the linear part of one page (PAGE_SIZE - 256 bytes of headroom
 * - the skb_shared_info tailroom: 3520 bytes on x86-64 with 4 KiB pages).
 * The program is xdp.frags, so test_run puts the rest of a longer frame in
 * fragments, and (kernel 6.18) makes the first buffer as short as
 * ctx.data_end asks: multi-buffer frames with any split are testable.
 *
 * Multi-buffer frames (jumbo[]): rows of 3521, 4096, 8192 and 9014 bytes,
 * IPv4/IPv6/VLAN, well formed, with inconsistent lengths, truncated; each
 * run with a first buffer as long as a page allows, and with every first
 * buffer that ends inside or just after its headers. A header not wholly
 * in the first buffer gives, under every rule set,
 *
 *   S  split:                  XDP_PASS, XF_CNT_PASS_SPLIT
 *
 * and otherwise the row's outcome, as for a single-buffer frame.
 *
 * Last, random frames: a seeded loop that asserts the accounting invariant
 * only (the verdict is XDP_PASS or XDP_DROP, exactly one counter moves, by
 * one, and it is the one that goes with the verdict), once with frames of
 * up to 1514 bytes in one buffer (never split), once with frames of up to
 * 9014 bytes and a first buffer of random length (half the time in the
 * first 128 bytes).
 *
 * Environment: XF_RANDOM_FRAMES (default 100000 per rule set and loop),
 * XF_RANDOM_SEED (default 1). XF_VERBOSE=1 prints libbpf's messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "rules.h"
#include "xskfwd.skel.h"
#include "prog_harness.h"

/* ---- outcomes and rule sets ------------------------------------------ */

enum outcome { Y = 1, N, D, S };

/* The columns of frames[]: one rule set each. */
enum col {
	C_NONE,	  /* no rules: every frame is chosen */
	C_UDP,	  /* udp dport 5000 */
	C_IP6TCP, /* ip6 dst 2001:db8::/32 tcp */
	C_VLAN,	  /* vlan 100 */
	C_ETYPE,  /* ethertype 0x88b5 */
	C_SCTP,	  /* sctp sport 1-10 */
	C_IPSRC,  /* ip src 198.18.0.0/15 */
	NR_COLS,
};

struct ruleset {
	const char *name;
	const char *rules[4];
	enum col col;
	int many; /* 63 never-matching rules in front of .rules */
};

static const struct ruleset rulesets[] = {
	{ "no rules", { NULL }, C_NONE, 0 },
	{ "udp dport 5000", { "udp dport 5000" }, C_UDP, 0 },
	{ "ip6 dst 2001:db8::/32 tcp", { "ip6 dst 2001:db8::/32 tcp" }, C_IP6TCP, 0 },
	{ "vlan 100", { "vlan 100" }, C_VLAN, 0 },
	{ "ethertype 0x88b5", { "ethertype 0x88b5" }, C_ETYPE, 0 },
	{ "sctp sport 1-10", { "sctp sport 1-10" }, C_SCTP, 0 },
	{ "ip src 198.18.0.0/15", { "ip src 198.18.0.0/15" }, C_IPSRC, 0 },
	{ "any", { "any" }, C_NONE, 0 },
	{ "63 x 'ethertype 0x9nnn' + udp dport 5000", { "udp dport 5000" }, C_UDP, 1 },
};
#define NR_RULESETS (sizeof(rulesets) / sizeof(rulesets[0]))

/* ---- frames ------------------------------------------------------------ */

#define FRAME_MAX 9216	    /* a 9014-byte jumbo frame and then some */
#define MAC_LEN 12	    /* destination + source */
#define V4_SRC "198.18.0.1" /* inside ip src 198.18.0.0/15 */
#define V4_DST "198.51.100.1"
#define V6_SRC "2001:db8::1"
#define V6_DST "2001:db8::2" /* inside 2001:db8::/32 */

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
	size_t l3, l4; /* offsets of the IP and L4 headers (0: none) */
	int ipv;       /* 4 or 6 */
	uint8_t l4proto;
};

static void *put(struct frame *f, const void *src, size_t n)
{
	void *at = f->b + f->len;

	assert_true(f->len + n <= FRAME_MAX);
	if (src)
		memcpy(at, src, n);
	else
		memset(at, 0, n);
	f->len += n;
	return at;
}

static void set16(struct frame *f, size_t off, uint16_t v)
{
	f->b[off] = v >> 8;
	f->b[off + 1] = v & 0xff;
}

static void put16(struct frame *f, uint16_t v)
{
	put(f, NULL, 2);
	set16(f, f->len - 2, v);
}

static void addr(int family, const char *text, void *out)
{
	assert_int_equal(inet_pton(family, text, out), 1);
}

/* Start a frame: MAC addresses and the (outer) ethertype. */
static void eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[MAC_LEN] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	memset(f, 0, sizeof(*f));
	put(f, macs, sizeof(macs));
	put16(f, type);
}

/* A VLAN tag: TCI, then the type of what follows. */
static void tag(struct frame *f, uint16_t tci, uint16_t type)
{
	put16(f, tci);
	put16(f, type);
}

/* An IPv4 header with @opt_words 32-bit words of NOP options; lengths by fin(). */
static void ipv4o(struct frame *f, uint8_t proto, const char *src, unsigned int opt_words)
{
	uint8_t *h;

	f->l3 = f->len;
	f->ipv = 4;
	f->l4proto = proto;
	h = put(f, NULL, 20);
	h[0] = 0x40 | (5 + opt_words);
	h[8] = 64;
	h[9] = proto;
	addr(AF_INET, src, h + 12);
	addr(AF_INET, V4_DST, h + 16);
	memset(put(f, NULL, 4 * opt_words), 1, 4 * opt_words);
}

static void ipv4(struct frame *f, uint8_t proto)
{
	ipv4o(f, proto, V4_SRC, 0);
}

static void ipv6(struct frame *f, uint8_t next, const char *dst)
{
	uint8_t *h;

	f->l3 = f->len;
	f->ipv = 6;
	f->l4proto = next;
	h = put(f, NULL, 40);
	h[0] = 0x60;
	h[6] = next;
	h[7] = 64;
	addr(AF_INET6, V6_SRC, h + 8);
	addr(AF_INET6, dst, h + 24);
}

/* Hop-by-hop, routing or destination options: (@units + 1) * 8 bytes. */
static void ext6(struct frame *f, uint8_t next, uint8_t units)
{
	uint8_t *h = put(f, NULL, (units + 1) * 8u);

	h[0] = next;
	h[1] = units;
	f->l4proto = next;
}

/* A fragment header: offset in 8-byte units, M flag. */
static void frag6(struct frame *f, uint8_t next, uint16_t off8, int more)
{
	uint8_t *h = put(f, NULL, 8);

	h[0] = next;
	h[2] = off8 >> 5;
	h[3] = (off8 << 3 & 0xf8) | !!more;
	h[7] = 42; /* identification */
	f->l4proto = next;
}

/* An authentication header: (@len + 2) * 4 bytes. */
static void ah6(struct frame *f, uint8_t next, uint8_t len)
{
	uint8_t *h = put(f, NULL, (len + 2) * 4u);

	h[0] = next;
	h[1] = len;
	f->l4proto = next;
}

static void payload(struct frame *f, size_t n)
{
	uint8_t *p = put(f, NULL, n);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 1);
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport, size_t data)
{
	f->l4 = f->len;
	put16(f, sport);
	put16(f, dport);
	put16(f, 0); /* length: fin() */
	put16(f, 0);
	payload(f, data);
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, unsigned int doff, size_t data)
{
	uint8_t *h;

	f->l4 = f->len;
	put16(f, sport);
	put16(f, dport);
	h = put(f, NULL, 16);
	h[8] = doff << 4;
	h[9] = 0x18; /* PSH ACK */
	put(f, NULL, doff > 5 ? (doff - 5) * 4u : 0);
	payload(f, data);
}

static void sctp(struct frame *f, uint16_t sport, uint16_t dport, size_t data)
{
	f->l4 = f->len;
	put16(f, sport);
	put16(f, dport);
	put(f, NULL, 8); /* verification tag, checksum */
	payload(f, data);
}

/* Fill in the IP total/payload length and the UDP length from the frame. */
static void fin(struct frame *f)
{
	if (f->ipv == 4)
		set16(f, f->l3 + 2, f->len - f->l3);
	else if (f->ipv == 6)
		set16(f, f->l3 + 4, f->len - f->l3 - 40);
	if (f->l4 && f->l4proto == IPPROTO_UDP)
		set16(f, f->l4 + 4, f->len - f->l4);
}

/* Zero bytes after the IP length, as a NIC's minimum-size padding. */
static void pad(struct frame *f, size_t to)
{
	if (f->len < to)
		put(f, NULL, to - f->len);
}

/* The standard frames the rows start from. */
static void v4udp(struct frame *f, uint16_t dport)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, dport, 0);
	fin(f); /* 42 bytes */
}

static void v4tcp(struct frame *f, uint16_t dport)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_TCP);
	tcp(f, 1234, dport, 5, 6);
	fin(f);
}

static void v6udp(struct frame *f, uint16_t dport)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_UDP, V6_DST);
	udp(f, 1234, dport, 0);
	fin(f); /* 62 bytes */
}

static void v6tcp(struct frame *f, const char *dst)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_TCP, dst);
	tcp(f, 1234, 5000, 5, 0);
	fin(f); /* 74 bytes */
}

/* ---- the rows: one builder each, @a the row's parameter --------------- */

typedef void (*build_fn)(struct frame *f, int a);

/* Runts are cut from an IPv4/UDP frame (so they start like one). */
static void b_cut_v4udp(struct frame *f, int a)
{
	v4udp(f, 5000);
	f->len = a;
}

static void b_eth_only(struct frame *f, int a)
{
	eth(f, a);
}

static void b_ether_88b5(struct frame *f, int a)
{
	eth(f, 0x88b5);
	payload(f, a);
}

static void b_arp(struct frame *f, int a)
{
	static const uint8_t arp[28] = { 0,   1,  8, 0, 6, 4, 0, 1, 2, 0, 0,   0,  0,	1,
					 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 198, 51, 100, 1 };

	eth(f, ETH_P_ARP);
	put(f, arp, sizeof(arp));
	pad(f, a);
}

static void b_v4udp(struct frame *f, int a)
{
	v4udp(f, a);
}

static void b_v4udp_src(struct frame *f, int a)
{
	static const char *const srcs[] = { "198.18.0.0", "198.19.255.255", "198.17.255.255",
					    "198.20.0.0", "10.0.0.1" };

	eth(f, ETH_P_IP);
	ipv4o(f, IPPROTO_UDP, srcs[a], 0);
	udp(f, 1234, 5000, 0);
	fin(f);
}

/* Frame longer than tot_len: Ethernet padding to @a bytes. */
static void b_v4udp_padded(struct frame *f, int a)
{
	v4udp(f, 5000);
	pad(f, a);
}

/* @a words of IPv4 options, a well-formed datagram. */
static void b_v4udp_opts(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4o(f, IPPROTO_UDP, V4_SRC, a);
	udp(f, 1234, 5000, 4);
	fin(f);
}

/* tot_len made to agree with the cut. */
static void b_v4udp_cut_fixed(struct frame *f, int a)
{
	v4udp(f, 5000);
	f->len = a;
	set16(f, f->l3 + 2, a - 14);
}

static void b_v4_ihl(struct frame *f, int a)
{
	v4udp(f, 5000);
	f->b[f->l3] = 0x40 | a;
}

/* IHL 15 (60 bytes) and tot_len 28 (less than it), in a 42-byte frame. */
static void b_v4_ihl15_short_tot(struct frame *f, int a)
{
	(void)a;
	v4udp(f, 5000);
	f->b[f->l3] = 0x4f;
}

/* IHL 15 and tot_len 60: the options would run past the 42-byte frame. */
static void b_v4_ihl15_past_frame(struct frame *f, int a)
{
	(void)a;
	v4udp(f, 5000);
	f->b[f->l3] = 0x4f;
	set16(f, f->l3 + 2, 60);
}

/* IHL 6 in a frame with a 20-byte header and 8 bytes of UDP: 4 left for L4. */
static void b_v4_ihl6_no_opts(struct frame *f, int a)
{
	(void)a;
	v4udp(f, 5000);
	f->b[f->l3] = 0x46;
}

static void b_v4_version(struct frame *f, int a)
{
	v4udp(f, 5000);
	f->b[f->l3] = a << 4 | 5;
}

static void b_v4_tot(struct frame *f, int a)
{
	v4udp(f, 5000);
	pad(f, 60);
	set16(f, f->l3 + 2, a);
}

static void b_v4udp_len(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, 8);
	fin(f); /* UDP length 16 */
	set16(f, f->l4 + 4, a);
}

static void b_v4udp_frag(struct frame *f, int a)
{
	/* a = fragment offset in 8-byte units; the M flag except at 0 */
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, 24);
	fin(f);
	set16(f, f->l3 + 6, (a ? 0 : 0x2000) | a);
	/* the UDP length is the whole datagram's: 1000 bytes */
	set16(f, f->l4 + 4, 1000);
}

/* Non-first fragment with the M flag (a middle one). */
static void b_v4udp_frag_mid(struct frame *f, int a)
{
	(void)a;
	v4udp(f, 5000);
	payload(f, 16);
	fin(f);
	set16(f, f->l3 + 6, 0x2000 | 3);
}

/* DF set, offset 0: not a fragment at all. */
static void b_v4udp_df(struct frame *f, int a)
{
	(void)a;
	v4udp(f, 5000);
	set16(f, f->l3 + 6, 0x4000);
}

static void b_v4tcp(struct frame *f, int a)
{
	v4tcp(f, a);
}

static void b_v4tcp_doff(struct frame *f, int a)
{
	v4tcp(f, 5000); /* 20-byte header + 6 bytes data */
	f->b[f->l4 + 12] = a << 4;
}

static void b_v4tcp_opts(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_TCP);
	tcp(f, 1234, 5000, a, 0);
	fin(f);
}

/* IP payload of @a bytes where a TCP header (20) is expected. */
static void b_v4tcp_short(struct frame *f, int a)
{
	v4tcp(f, 5000);
	f->len = f->l4 + a;
	fin(f);
	pad(f, 60);
}

static void b_v4sctp(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_SCTP);
	sctp(f, a, 5000, 16);
	fin(f);
}

static void b_v4sctp_short(struct frame *f, int a)
{
	b_v4sctp(f, 5);
	f->len = f->l4 + a;
	fin(f);
	pad(f, 60);
}

static void b_v4icmp(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_ICMP);
	payload(f, 8);
	fin(f);
}

static void b_v6udp(struct frame *f, int a)
{
	v6udp(f, a);
}

static void b_v6tcp(struct frame *f, int a)
{
	static const char *const dsts[] = { V6_DST, "2001:db8:ffff:ffff::1", "2001:db9::2",
					    "2001:db7:ffff::1" };

	v6tcp(f, dsts[a]);
}

static void b_v6_cut(struct frame *f, int a)
{
	v6udp(f, 5000);
	f->len = a;
}

static void b_v6tcp_cut(struct frame *f, int a)
{
	v6tcp(f, V6_DST);
	f->len = a;
}

static void b_v6_version(struct frame *f, int a)
{
	v6tcp(f, V6_DST);
	f->b[f->l3] = a << 4;
}

static void b_v6udp_padded(struct frame *f, int a)
{
	v6udp(f, 5000);
	pad(f, a);
}

/* payload_len set to @a in a well-formed IPv6/UDP frame of 62 bytes (8 of payload). */
static void b_v6udp_plen(struct frame *f, int a)
{
	v6udp(f, 5000);
	set16(f, f->l3 + 4, a);
}

static void b_v6udp_len(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_UDP, V6_DST);
	udp(f, 1234, 5000, 8);
	fin(f);
	set16(f, f->l4 + 4, a);
}

static void b_v6tcp_doff(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_TCP, V6_DST);
	tcp(f, 1234, 5000, 5, 6);
	fin(f);
	f->b[f->l4 + 12] = a << 4;
}

static void b_v6icmp(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_ICMPV6, V6_DST);
	payload(f, 8);
	fin(f);
}

static void b_v6_nonext(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, 59, V6_DST); /* no next header */
	fin(f);
	pad(f, 60);
}

/*
 * A chain of @a extension headers before UDP dport 5000 (a < 0: before TCP
 * dport 5000, -a headers): hop-by-hop, routing, destination options,
 * destination options, destination options, in that order.
 */
static void b_v6_chain(struct frame *f, int a)
{
	static const uint8_t kinds[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
					 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS };
	uint8_t l4 = a < 0 ? IPPROTO_TCP : IPPROTO_UDP;
	int n = a < 0 ? -a : a, i;

	eth(f, ETH_P_IPV6);
	ipv6(f, n ? kinds[0] : l4, V6_DST);
	for (i = 0; i < n; i++)
		ext6(f, i + 1 < n ? kinds[i + 1] : l4, i % 2); /* 8 or 16 bytes */
	if (l4 == IPPROTO_TCP)
		tcp(f, 1234, 5000, 5, 0);
	else
		udp(f, 1234, 5000, 0);
	fin(f);
}

/* Hop-by-hop saying it is 16 bytes long when the payload has only 8 + 8. */
static void b_v6_ext_past_payload(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_HOPOPTS, V6_DST);
	ext6(f, IPPROTO_UDP, 0);
	udp(f, 1234, 5000, 0);
	fin(f);
	f->b[f->l3 + 41] = 2; /* 24 bytes */
}

/* Hop-by-hop, then the frame (and payload) ends after 4 bytes of it. */
static void b_v6_ext_cut(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_HOPOPTS, V6_DST);
	put(f, NULL, 4);
	f->b[f->l3 + 40] = IPPROTO_UDP;
	fin(f);
}

/* A fragment header; @a = offset in 8-byte units (the M flag except for -1: atomic). */
static void b_v6udp_frag(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_FRAGMENT, V6_DST);
	frag6(f, IPPROTO_UDP, a < 0 ? 0 : a, a <= 0 ? a == 0 : 1);
	udp(f, 1234, 5000, 24);
	fin(f);
	if (a >= 0)
		set16(f, f->l4 + 4, 1000); /* the whole datagram's length */
}

/* Hop-by-hop, then a non-first fragment of TCP. */
static void b_v6tcp_frag_later(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_HOPOPTS, V6_DST);
	ext6(f, IPPROTO_FRAGMENT, 0);
	frag6(f, IPPROTO_TCP, 100, 0);
	payload(f, 24);
	fin(f);
}

/* An authentication header (24 bytes) before UDP. */
static void b_v6udp_ah(struct frame *f, int a)
{
	(void)a;
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_AH, V6_DST);
	ah6(f, IPPROTO_UDP, 4);
	udp(f, 1234, 5000, 0);
	fin(f);
}

/* VLAN tags (TPID, TCI) in front of IPv4/UDP (a = 4) or IPv6/TCP (a = 6). */
static void tagged(struct frame *f, int ip, int n, const uint16_t *tpid, const uint16_t *tci)
{
	int i;

	eth(f, tpid[0]);
	for (i = 0; i < n; i++)
		tag(f, tci[i], i + 1 < n ? tpid[i + 1] : ip == 4 ? ETH_P_IP : ETH_P_IPV6);
	if (ip == 4) {
		ipv4(f, IPPROTO_UDP);
		udp(f, 1234, 5000, 0);
	} else {
		ipv6(f, IPPROTO_TCP, V6_DST);
		tcp(f, 1234, 5000, 5, 0);
	}
	fin(f);
}

static void b_q100(struct frame *f, int a)
{
	tagged(f, a, 1, (uint16_t[]){ 0x8100 }, (uint16_t[]){ 100 });
}

static void b_q101(struct frame *f, int a)
{
	tagged(f, a, 1, (uint16_t[]){ 0x8100 }, (uint16_t[]){ 101 });
}

/* PCP 5 and DEI set around VID 100. */
static void b_q100_pcp(struct frame *f, int a)
{
	tagged(f, a, 1, (uint16_t[]){ 0x8100 }, (uint16_t[]){ 0xb000 | 100 });
}

/* Priority tag only (VID 0). */
static void b_q0(struct frame *f, int a)
{
	tagged(f, a, 1, (uint16_t[]){ 0x8100 }, (uint16_t[]){ 0 });
}

static void b_ad100_q200(struct frame *f, int a)
{
	tagged(f, a, 2, (uint16_t[]){ 0x88a8, 0x8100 }, (uint16_t[]){ 100, 200 });
}

static void b_ad200_q100(struct frame *f, int a)
{
	tagged(f, a, 2, (uint16_t[]){ 0x88a8, 0x8100 }, (uint16_t[]){ 200, 100 });
}

static void b_q100_q200(struct frame *f, int a)
{
	tagged(f, a, 2, (uint16_t[]){ 0x8100, 0x8100 }, (uint16_t[]){ 100, 200 });
}

static void b_three_tags(struct frame *f, int a)
{
	tagged(f, a, 3, (uint16_t[]){ 0x88a8, 0x8100, 0x8100 }, (uint16_t[]){ 100, 200, 300 });
}

static void b_q100_88b5(struct frame *f, int a)
{
	(void)a;
	eth(f, 0x8100);
	tag(f, 100, 0x88b5);
	payload(f, 46);
}

/* 802.1Q with the tag cut to @a bytes (0..3). */
static void b_q_cut(struct frame *f, int a)
{
	eth(f, 0x8100);
	put(f, NULL, a);
}

/* 802.1ad 100, then the inner tag cut to @a bytes. */
static void b_ad100_inner_cut(struct frame *f, int a)
{
	eth(f, 0x88a8);
	tag(f, 100, 0x8100);
	put(f, NULL, a);
}

/* 802.1Q 100 in front of IPv4 truncated to 10 bytes of its header. */
static void b_q100_v4_cut(struct frame *f, int a)
{
	(void)a;
	b_q100(f, 4);
	f->len = f->l3 + 10;
}

static void b_q100_v4_version6(struct frame *f, int a)
{
	(void)a;
	b_q100(f, 4);
	f->b[f->l3] = 0x65;
}

/* The largest frame test_run takes (see max_frame_len()), IPv4/UDP or IPv6/TCP. */
static size_t max_len;
static int split_ctl; /* test_run's first buffer is as long as ctx.data_end says */

static void b_max(struct frame *f, int a)
{
	if (a == 4) {
		eth(f, ETH_P_IP);
		ipv4(f, IPPROTO_UDP);
		udp(f, 1234, 5000, max_len - 42);
	} else {
		eth(f, ETH_P_IPV6);
		ipv6(f, IPPROTO_TCP, V6_DST);
		tcp(f, 1234, 5000, 5, max_len - 74);
	}
	fin(f);
}

struct row {
	enum outcome want[NR_COLS];
	const char *name;
	build_fn build;
	int lo, hi;	  /* the parameter: every value in lo..hi */
	const char *note; /* asserts what the documentation leaves open */
};

#define ONE(a) a, a

/* Notes for rows whose outcome the documentation leaves open. */
#define NOTE_PORTS                                                                              \
	"UDP header lies whole in the frame, but the IP header is inconsistent: its ports are " \
	"not read, so 'udp dport 5000' does not match (PASS_NOMATCH, not DROP)"
#define NOTE_V6PROTO                                                                             \
	"IPv6 with a complete header but payload_len past the frame (or a bad version): the "    \
	"next header (TCP) is not read, so 'ip6 dst ... tcp' does not match (PASS_NOMATCH); an " \
	"IPv4 header in the same state does give its protocol"
#define NOTE_V6EXT5                                                                             \
	"5 extension headers, beyond the parser's 4: the 5th header's type is taken as the L4 " \
	"protocol, so the frame is chosen without rules but matches no tcp/udp/port rule"
#define NOTE_3TAGS                                                                             \
	"3 VLAN tags, beyond the parser's 2: the innermost ethertype is the third tag's TPID " \
	"(0x8100); 'vlan 100' (outer tag) matches, nothing inside is seen"

/*
 * The frames. Outcome columns (enum col): no rules, udp dport 5000, ip6 dst
 * 2001:db8::/32 tcp, vlan 100, ethertype 0x88b5, sctp sport 1-10, ip src
 * 198.18.0.0/15. Y chosen (PASS + PASS_NOSOCK), N not chosen (PASS +
 * PASS_NOMATCH), D malformed (DROP + DROP_MALFORMED).
 */
/* clang-format off */
static const struct row frames[] = {
	/* { none, udp, ip6tcp, vlan, etype, sctp, ipsrc } (enum col) */
	/* Non-IP (runts of 0..13 bytes: see test_kernel_limits) */
	{ { Y, N, N, N, Y, N, N }, "Ethernet header only, type 0x88b5",
	  b_eth_only, ONE(0x88b5), NULL },
	{ { D, N, N, N, N, N, N }, "Ethernet header only, type 0x0800",
	  b_eth_only, ONE(ETH_P_IP), NULL },
	{ { D, N, N, N, N, N, N }, "Ethernet header only, type 0x86dd",
	  b_eth_only, ONE(ETH_P_IPV6), NULL },
	{ { Y, N, N, N, N, N, N }, "Ethernet header only, type 0x0806",
	  b_eth_only, ONE(ETH_P_ARP), NULL },
	{ { Y, N, N, N, Y, N, N }, "Ethertype 0x88b5, 0 and 46 bytes", b_ether_88b5, 0, 46, NULL },
	{ { Y, N, N, N, N, N, N }, "ARP request, 42 bytes", b_arp, ONE(42), NULL },
	{ { Y, N, N, N, N, N, N }, "ARP request, padded to 60", b_arp, ONE(60), NULL },

	/* IPv4 */
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP dport 5000", b_v4udp, ONE(5000), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP dport 4999", b_v4udp, ONE(4999), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP dport 5001", b_v4udp, ONE(5001), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP src 198.18.0.0, 198.19.255.255",
	  b_v4udp_src, 0, 1, NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv4/UDP src 198.17.255.255, 198.20.0.0, 10.0.0.1",
	  b_v4udp_src, 2, 4, NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP padded to 60 (frame > tot_len)",
	  b_v4udp_padded, ONE(60), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP padded to 61", b_v4udp_padded, ONE(61), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP padded to 1514", b_v4udp_padded, ONE(1514), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4 options (IHL 6..15), UDP", b_v4udp_opts, 1, 10, NULL },
	{ { D, N, N, N, N, N, N }, "IPv4/UDP cut inside the IP header (14..33 bytes)",
	  b_cut_v4udp, 14, 33, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4/UDP cut after the IP header (34..41 bytes), tot_len 28",
	  b_cut_v4udp, 34, 41, NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP whole (42 bytes)", b_cut_v4udp, ONE(42), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 cut to 34..41, tot_len agreeing: no room for UDP",
	  b_v4udp_cut_fixed, 34, 41, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 IHL 0..4", b_v4_ihl, 0, 4, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 IHL 15, tot_len 28 < header",
	  b_v4_ihl15_short_tot, ONE(0), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 IHL 15, tot_len 60 > frame",
	  b_v4_ihl15_past_frame, ONE(0), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 IHL 6 without options: 4 bytes left for UDP",
	  b_v4_ihl6_no_opts, ONE(0), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 version 0..3 in ethertype 0x0800",
	  b_v4_version, 0, 3, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 version 5..15 (6: IPv6) in ethertype 0x0800",
	  b_v4_version, 5, 15, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 0..19 (< IHL*4) in a 60-byte frame",
	  b_v4_tot, 0, 19, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 20..27: UDP header past tot_len",
	  b_v4_tot, 20, 27, NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4 tot_len 28..46 in a 60-byte frame (UDP length 8)",
	  b_v4_tot, 28, 46, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 47..61 > frame (46 bytes from the IP header on)",
	  b_v4_tot, 47, 61, NOTE_PORTS },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 1500 > frame", b_v4_tot, ONE(1500), NOTE_PORTS },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 65535 > frame", b_v4_tot, ONE(65535), NOTE_PORTS },
	{ { D, D, N, N, N, N, D }, "IPv4/UDP length 0..7", b_v4udp_len, 0, 7, NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP length 8..16 (16: exact)", b_v4udp_len, 8, 16, NULL },
	{ { D, D, N, N, N, N, D }, "IPv4/UDP length 17 > IP payload", b_v4udp_len, ONE(17), NULL },
	{ { D, D, N, N, N, N, D }, "IPv4/UDP length 65535 > IP payload",
	  b_v4udp_len, ONE(65535), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP first fragment (MF, offset 0), datagram's UDP length",
	  b_v4udp_frag, ONE(0), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP last fragment, offset 1: no ports",
	  b_v4udp_frag, ONE(1), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP last fragment, offset 185",
	  b_v4udp_frag, ONE(185), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP last fragment, offset 8191",
	  b_v4udp_frag, ONE(8191), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP middle fragment (MF, offset 3)",
	  b_v4udp_frag_mid, ONE(0), NULL },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP with DF, offset 0", b_v4udp_df, ONE(0), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/TCP dport 5000", b_v4tcp, ONE(5000), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4/TCP doff 0..4", b_v4tcp_doff, 0, 4, NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/TCP doff 5, 6 (26 bytes of payload)",
	  b_v4tcp_doff, 5, 6, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4/TCP doff 7..15 > payload", b_v4tcp_doff, 7, 15, NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/TCP with options (doff 6..15)",
	  b_v4tcp_opts, 6, 15, NULL },
	{ { D, N, N, N, N, N, D }, "IPv4, TCP header cut to 0..19 bytes of IP payload",
	  b_v4tcp_short, 0, 19, NULL },
	{ { Y, N, N, N, N, Y, Y }, "IPv4/SCTP sport 1", b_v4sctp, ONE(1), NULL },
	{ { Y, N, N, N, N, Y, Y }, "IPv4/SCTP sport 5", b_v4sctp, ONE(5), NULL },
	{ { Y, N, N, N, N, Y, Y }, "IPv4/SCTP sport 10", b_v4sctp, ONE(10), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/SCTP sport 0", b_v4sctp, ONE(0), NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/SCTP sport 11", b_v4sctp, ONE(11), NULL },
	{ { D, N, N, N, N, N, D }, "IPv4/SCTP header cut to 0..11 bytes",
	  b_v4sctp_short, 0, 11, NULL },
	{ { Y, N, N, N, N, N, Y }, "IPv4/ICMP", b_v4icmp, ONE(0), NULL },

	/* IPv6 */
	{ { Y, Y, N, N, N, N, N }, "IPv6/UDP dport 5000", b_v6udp, ONE(5000), NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6/UDP dport 5001", b_v6udp, ONE(5001), NULL },
	{ { Y, N, Y, N, N, N, N }, "IPv6/TCP dst 2001:db8::2, 2001:db8:ffff:ffff::1",
	  b_v6tcp, 0, 1, NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6/TCP dst 2001:db9::2, 2001:db7:ffff::1",
	  b_v6tcp, 2, 3, NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6/UDP padded to 64..80 (frame > payload_len)",
	  b_v6udp_padded, 64, 80, NULL },
	{ { D, N, N, N, N, N, N }, "IPv6/UDP cut inside the IPv6 header (14..53)",
	  b_v6_cut, 14, 53, NULL },
	{ { D, N, N, N, N, N, N }, "IPv6/UDP cut after the IPv6 header (54..61)",
	  b_v6_cut, 54, 61, NULL },
	{ { D, N, N, N, N, N, N }, "IPv6/TCP cut after the IPv6 header (54..73)",
	  b_v6tcp_cut, 54, 73, NOTE_V6PROTO },
	{ { D, N, N, N, N, N, N }, "IPv6 version 0..5 in ethertype 0x86dd",
	  b_v6_version, 0, 5, NOTE_V6PROTO },
	{ { D, N, N, N, N, N, N }, "IPv6 version 7..15", b_v6_version, 7, 15, NOTE_V6PROTO },
	{ { D, N, N, N, N, N, N }, "IPv6/UDP payload_len 0..7: UDP header does not fit",
	  b_v6udp_plen, 0, 7, NULL },
	{ { D, N, N, N, N, N, N }, "IPv6/UDP payload_len 9 > frame",
	  b_v6udp_plen, ONE(9), NOTE_PORTS },
	{ { D, N, N, N, N, N, N }, "IPv6/UDP payload_len 4000 > frame",
	  b_v6udp_plen, ONE(4000), NOTE_PORTS },
	{ { D, D, N, N, N, N, N }, "IPv6/UDP length 0..7", b_v6udp_len, 0, 7, NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6/UDP length 8..16", b_v6udp_len, 8, 16, NULL },
	{ { D, D, N, N, N, N, N }, "IPv6/UDP length 17 > payload", b_v6udp_len, ONE(17), NULL },
	{ { D, N, D, N, N, N, N }, "IPv6/TCP doff 0..4", b_v6tcp_doff, 0, 4, NULL },
	{ { Y, N, Y, N, N, N, N }, "IPv6/TCP doff 5, 6", b_v6tcp_doff, 5, 6, NULL },
	{ { D, N, D, N, N, N, N }, "IPv6/TCP doff 7..15 > payload", b_v6tcp_doff, 7, 15, NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6/ICMPv6", b_v6icmp, ONE(0), NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6, no next header (59)", b_v6_nonext, ONE(0), NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6, 0..4 extension headers, UDP dport 5000",
	  b_v6_chain, 0, 4, NULL },
	{ { Y, N, Y, N, N, N, N }, "IPv6, 1..4 extension headers, TCP", b_v6_chain, -4, -1, NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6, 5 extension headers, UDP dport 5000",
	  b_v6_chain, ONE(5), NOTE_V6EXT5 },
	{ { Y, N, N, N, N, N, N }, "IPv6, 5 extension headers, TCP",
	  b_v6_chain, ONE(-5), NOTE_V6EXT5 },
	{ { D, N, N, N, N, N, N }, "IPv6, hop-by-hop longer than the payload",
	  b_v6_ext_past_payload, ONE(0), NULL },
	{ { D, N, N, N, N, N, N }, "IPv6, hop-by-hop cut at 4 bytes", b_v6_ext_cut, ONE(0), NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6, AH (24 bytes), UDP", b_v6udp_ah, ONE(0), NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6 atomic fragment (offset 0, no M), UDP",
	  b_v6udp_frag, ONE(-1), NULL },
	{ { Y, Y, N, N, N, N, N }, "IPv6 first fragment (offset 0, M), datagram's UDP length",
	  b_v6udp_frag, ONE(0), NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6 non-first fragment (offset 1, M), UDP: no ports",
	  b_v6udp_frag, ONE(1), NULL },
	{ { Y, N, N, N, N, N, N }, "IPv6 non-first fragment, offset 8191, M",
	  b_v6udp_frag, ONE(8191), NULL },
	{ { Y, N, Y, N, N, N, N }, "IPv6, hop-by-hop, non-first fragment of TCP",
	  b_v6tcp_frag_later, ONE(0), NULL },

	/* VLAN */
	{ { Y, Y, N, Y, N, N, Y }, "802.1Q 100, IPv4/UDP", b_q100, ONE(4), NULL },
	{ { Y, N, Y, Y, N, N, N }, "802.1Q 100, IPv6/TCP", b_q100, ONE(6), NULL },
	{ { Y, Y, N, N, N, N, Y }, "802.1Q 101, IPv4/UDP", b_q101, ONE(4), NULL },
	{ { Y, N, Y, N, N, N, N }, "802.1Q 101, IPv6/TCP", b_q101, ONE(6), NULL },
	{ { Y, Y, N, Y, N, N, Y }, "802.1Q PCP 5 DEI 1 VID 100, IPv4/UDP",
	  b_q100_pcp, ONE(4), NULL },
	{ { Y, Y, N, N, N, N, Y }, "802.1Q VID 0 (priority tag), IPv4/UDP", b_q0, ONE(4), NULL },
	{ { Y, Y, N, Y, N, N, Y }, "802.1ad 100 + 802.1Q 200, IPv4/UDP",
	  b_ad100_q200, ONE(4), NULL },
	{ { Y, N, Y, Y, N, N, N }, "802.1ad 100 + 802.1Q 200, IPv6/TCP",
	  b_ad100_q200, ONE(6), NULL },
	{ { Y, Y, N, N, N, N, Y }, "802.1ad 200 + 802.1Q 100, IPv4/UDP",
	  b_ad200_q100, ONE(4), NULL },
	{ { Y, N, Y, Y, N, N, N }, "802.1Q 100 + 802.1Q 200, IPv6/TCP", b_q100_q200, ONE(6), NULL },
	{ { Y, N, N, Y, N, N, N }, "3 tags (802.1ad 100, 802.1Q 200, 300), IPv4/UDP",
	  b_three_tags, ONE(4), NOTE_3TAGS },
	{ { Y, N, N, Y, N, N, N }, "3 tags, IPv6/TCP", b_three_tags, ONE(6), NOTE_3TAGS },
	{ { Y, N, N, Y, Y, N, N }, "802.1Q 100, ethertype 0x88b5", b_q100_88b5, ONE(0), NULL },
	{ { Y, N, N, N, N, N, N }, "802.1Q tag cut to 0..3 bytes", b_q_cut, 0, 3, NULL },
	{ { Y, N, N, Y, N, N, N }, "802.1ad 100, inner tag cut to 0..3 bytes",
	  b_ad100_inner_cut, 0, 3, NULL },
	{ { D, N, N, D, N, N, N }, "802.1Q 100, IPv4 header cut at 10 bytes",
	  b_q100_v4_cut, ONE(0), NULL },
	{ { D, N, N, D, N, N, D }, "802.1Q 100, IPv4 with version 6",
	  b_q100_v4_version6, ONE(0), NULL },

	/* The largest frame test_run takes */
	{ { Y, Y, N, N, N, N, Y }, "largest frame, IPv4/UDP", b_max, ONE(4), NULL },
	{ { Y, N, Y, N, N, N, N }, "largest frame, IPv6/TCP", b_max, ONE(6), NULL },
};
/* clang-format on */
#define NR_ROWS (sizeof(frames) / sizeof(frames[0]))

/* ---- multi-buffer frames -------------------------------------------- */

/*
 * Jumbo frames, run with the first buffer as long as a page allows (3520
 * bytes) and then with every shorter first buffer down to the Ethernet
 * header. Each row is built at every size of jumbo_sizes[] (@a, the
 * frame's length in bytes) and names its outcome per rule set, as frames[]
 * does; .hdr is how far into the frame the parser reads (the end of the last
 * header it needs). With a first buffer shorter than that, the frame is
 * XDP_PASS + XF_CNT_PASS_SPLIT under every rule set; from there on, the
 * row's outcome.
 */
static const int jumbo_sizes[] = { 3521, 4096, 8192, 9014 };
#define NR_JUMBO_SIZES (sizeof(jumbo_sizes) / sizeof(jumbo_sizes[0]))

/* Payload that brings the frame to @a bytes. */
static size_t fill(const struct frame *f, size_t hdr, int a)
{
	assert_true((size_t)a >= f->len + hdr);
	return a - f->len - hdr;
}

static void j_v4udp(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, fill(f, 8, a));
	fin(f);
}

static void j_v4udp_4999(struct frame *f, int a)
{
	j_v4udp(f, a);
	set16(f, f->l4 + 2, 4999);
}

static void j_v4sctp(struct frame *f, int a)
{
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_SCTP);
	sctp(f, 5, 5000, fill(f, 12, a));
	fin(f);
}

static void j_v6udp(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_UDP, V6_DST);
	udp(f, 1234, 5000, fill(f, 8, a));
	fin(f);
}

static void j_v6tcp(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_TCP, V6_DST);
	tcp(f, 1234, 5000, 5, fill(f, 20, a));
	fin(f);
}

/* Four extension headers (8, 16, 8, 16 bytes), then UDP. */
static void j_v6_chain(struct frame *f, int a)
{
	eth(f, ETH_P_IPV6);
	ipv6(f, IPPROTO_HOPOPTS, V6_DST);
	ext6(f, IPPROTO_ROUTING, 0);
	ext6(f, IPPROTO_DSTOPTS, 1);
	ext6(f, IPPROTO_DSTOPTS, 0);
	ext6(f, IPPROTO_UDP, 1);
	udp(f, 1234, 5000, fill(f, 8, a));
	fin(f);
}

static void j_q100_v4udp(struct frame *f, int a)
{
	eth(f, 0x8100);
	tag(f, 100, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, fill(f, 8, a));
	fin(f);
}

static void j_q100_v6tcp(struct frame *f, int a)
{
	eth(f, 0x8100);
	tag(f, 100, ETH_P_IPV6);
	ipv6(f, IPPROTO_TCP, V6_DST);
	tcp(f, 1234, 5000, 5, fill(f, 20, a));
	fin(f);
}

static void j_ad100_q200_v4udp(struct frame *f, int a)
{
	eth(f, 0x88a8);
	tag(f, 100, 0x8100);
	tag(f, 200, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, fill(f, 8, a));
	fin(f);
}

static void j_88b5(struct frame *f, int a)
{
	eth(f, 0x88b5);
	payload(f, fill(f, 0, a));
}

/* A 1000-byte IPv4/UDP datagram padded to @a bytes. */
static void j_v4udp_padded(struct frame *f, int a)
{
	j_v4udp(f, 1014);
	pad(f, a);
}

/* The IP length one byte longer than the frame (IPv4, IPv6, behind a tag). */
static void j_v4_tot_past(struct frame *f, int a)
{
	j_v4udp(f, a);
	set16(f, f->l3 + 2, a - f->l3 + 1);
}

static void j_v4_tot_max(struct frame *f, int a)
{
	j_v4udp(f, a);
	set16(f, f->l3 + 2, 65535);
}

static void j_v6_plen_past(struct frame *f, int a)
{
	j_v6udp(f, a);
	set16(f, f->l3 + 4, a - f->l3 - 40 + 1);
}

static void j_q100_v4_tot_past(struct frame *f, int a)
{
	j_q100_v4udp(f, a);
	set16(f, f->l3 + 2, a - f->l3 + 1);
}

/* The UDP length one byte longer than the IP payload. */
static void j_v4udp_len_past(struct frame *f, int a)
{
	j_v4udp(f, a);
	set16(f, f->l4 + 4, a - f->l4 + 1);
}

static void j_v6udp_len_past(struct frame *f, int a)
{
	j_v6udp(f, a);
	set16(f, f->l4 + 4, a - f->l4 + 1);
}

/* Truncated: a 9014-byte frame's lengths (IPv4, IPv6), cut to @a bytes. */
static void j_v4udp_cut(struct frame *f, int a)
{
	j_v4udp(f, 9014 + 8);
	f->len = a;
}

static void j_v6tcp_cut(struct frame *f, int a)
{
	j_v6tcp(f, 9014 + 8);
	f->len = a;
}

enum hdr_end { TO_ETH, TO_L3, TO_L4 };

struct jrow {
	enum outcome want[NR_COLS];
	const char *name;
	build_fn build;
	enum hdr_end hdr;
};

/* clang-format off */
static const struct jrow jumbo[] = {
	/* { none, udp, ip6tcp, vlan, etype, sctp, ipsrc } (enum col) */
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP dport 5000", j_v4udp, TO_L4 },
	{ { Y, N, N, N, N, N, Y }, "IPv4/UDP dport 4999", j_v4udp_4999, TO_L4 },
	{ { Y, N, N, N, N, Y, Y }, "IPv4/SCTP sport 5", j_v4sctp, TO_L4 },
	{ { Y, Y, N, N, N, N, Y }, "IPv4/UDP, 1000 bytes, padded", j_v4udp_padded, TO_L4 },
	{ { Y, Y, N, N, N, N, N }, "IPv6/UDP dport 5000", j_v6udp, TO_L4 },
	{ { Y, N, Y, N, N, N, N }, "IPv6/TCP to 2001:db8::2", j_v6tcp, TO_L4 },
	{ { Y, Y, N, N, N, N, N }, "IPv6, 4 extension headers, UDP", j_v6_chain, TO_L4 },
	{ { Y, Y, N, Y, N, N, Y }, "802.1Q 100, IPv4/UDP", j_q100_v4udp, TO_L4 },
	{ { Y, N, Y, Y, N, N, N }, "802.1Q 100, IPv6/TCP", j_q100_v6tcp, TO_L4 },
	{ { Y, Y, N, Y, N, N, Y }, "802.1ad 100 + 802.1Q 200, IPv4/UDP",
	  j_ad100_q200_v4udp, TO_L4 },
	{ { Y, N, N, N, Y, N, N }, "ethertype 0x88b5", j_88b5, TO_ETH },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 1 byte past the frame", j_v4_tot_past, TO_L3 },
	{ { D, N, N, N, N, N, D }, "IPv4 tot_len 65535", j_v4_tot_max, TO_L3 },
	{ { D, N, N, N, N, N, N }, "IPv6 payload_len 1 byte past the frame",
	  j_v6_plen_past, TO_L3 },
	{ { D, N, N, D, N, N, D }, "802.1Q 100, IPv4 tot_len 1 byte past the frame",
	  j_q100_v4_tot_past, TO_L3 },
	{ { D, D, N, N, N, N, D }, "IPv4/UDP length 1 byte past the IP payload",
	  j_v4udp_len_past, TO_L4 },
	{ { D, D, N, N, N, N, N }, "IPv6/UDP length 1 byte past the payload",
	  j_v6udp_len_past, TO_L4 },
	{ { D, N, N, N, N, N, D }, "IPv4/UDP of 9022 bytes, truncated", j_v4udp_cut, TO_L3 },
	{ { D, N, N, N, N, N, N }, "IPv6/TCP of 9022 bytes, truncated", j_v6tcp_cut, TO_L3 },
};
/* clang-format on */
#define NR_JUMBO (sizeof(jumbo) / sizeof(jumbo[0]))

/* The end of the headers the parser reads in @f (see struct jrow). */
static size_t hdr_end(const struct frame *f, enum hdr_end h)
{
	if (h == TO_ETH)
		return f->l3 ? f->l3 : ETH_HLEN;
	if (h == TO_L3)
		return f->l3 + (f->ipv == 4 ? 20 : 40);
	return f->l4 + (f->l4proto == IPPROTO_UDP ? 8 : f->l4proto == IPPROTO_TCP ? 20 : 12);
}

/* ---- the program under test ------------------------------------------ */

static void parse_rule(const char *text, struct xf_rule *r)
{
	char err[XF_ERRLEN] = "";

	if (xf_rule_parse(text, r, err))
		fail_msg("rule '%s': %s", text, err);
}

/* Open, configure and load (not attach) one instance for @rs, and write its rules. */
static void prog_load(struct prog *p, const struct ruleset *rs)
{
	struct xf_rule rules[XF_MAX_RULES];
	char text[64];
	__u32 n = 0, i;
	int err;

	memset(p, 0, sizeof(*p));
	if (rs->many)
		for (; n < XF_MAX_RULES - 1; n++) {
			snprintf(text, sizeof(text), "ethertype 0x%x", 0x9000 + n);
			parse_rule(text, &rules[n]);
		}
	for (i = 0; i < 4 && rs->rules[i]; i++)
		parse_rule(rs->rules[i], &rules[n++]);

	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
	p->skel = xskfwd_bpf__open();
	if (!p->skel)
		fail_msg("xskfwd_bpf__open: %s\n%s", strerror(errno), libbpf_log);
	p->skel->rodata->nr_rules = n;
	err = xskfwd_bpf__load(p->skel);
	if (err)
		fail_msg("loading the classifier with %u rules (%s): %s\n%s", n, rs->name,
			 strerror(-err), libbpf_log);
	p->prog_fd = bpf_program__fd(p->skel->progs.xskfwd_xdp);
	p->cnt_fd = bpf_map__fd(p->skel->maps.xf_counters);
	p->ncpus = libbpf_num_possible_cpus();
	assert_true(p->ncpus > 0);
	for (i = 0; i < n; i++) {
		err = bpf_map__update_elem(p->skel->maps.xf_rules, &i, sizeof(i), &rules[i],
					   sizeof(rules[i]), 0);
		if (err)
			fail_msg("writing rule %u: %s", i, strerror(-err));
	}
	prog_counters_reset(p);
}

static void prog_unload(struct prog *p)
{
	xskfwd_bpf__destroy(p->skel);
	p->skel = NULL;
}

/*
 * The instance for @rs, loaded by the first of its tests and kept for the
 * others (the rule set's four tests run in a row; the verifier's work is
 * done once per rule set), its counters read afresh for counter_moved().
 */
static struct prog cached;
static const struct ruleset *cached_rs;

static struct prog *ruleset_prog(const struct ruleset *rs)
{
	if (cached_rs != rs) {
		if (cached_rs)
			prog_unload(&cached);
		cached_rs = NULL;
		prog_load(&cached, rs);
		cached_rs = rs;
	}
	prog_counters_reset(&cached);
	return &cached;
}

/* Every counter, summed over CPUs. */

/*
 * Run @len bytes (after @meta bytes of XDP metadata) through the program,
 * asking for a first buffer of @lin bytes: the kernel puts the rest in
 * fragments (a page each), and makes the first buffer shorter still when
 * one page cannot hold it. Returns 0, the verdict in *ret and, if @seen,
 * how many bytes the program saw between data and data_end; or -errno.
 */
static int run_ctx(const struct prog *p, const uint8_t *data, size_t meta, size_t len, size_t lin,
		   __u32 *ret, size_t *seen)
{
	struct xdp_md in = { .data = meta, .data_end = meta + lin }, out = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .repeat = 1, .data_in = data, .data_size_in = meta + len,
		    .ctx_in = &in, .ctx_size_in = sizeof(in), .ctx_out = &out,
		    .ctx_size_out = sizeof(out));

	if (bpf_prog_test_run_opts(p->prog_fd, &o))
		return -errno;
	*ret = o.retval;
	if (seen)
		*seen = out.data_end - out.data;
	return 0;
}

static int run_meta(const struct prog *p, const uint8_t *data, size_t meta, size_t len, __u32 *ret,
		    size_t *seen)
{
	return run_ctx(p, data, meta, len, len, ret, seen);
}

/*
 * Run one frame with a first buffer of @lin bytes (the rest in fragments;
 * @lin >= f->len: all of it, as far as a page holds it); its verdict and
 * the counter that moved (-1: not exactly one, by one).
 */
static void run_split(struct prog *p, const struct frame *f, size_t lin, __u32 *verdict,
		      int *counter)
{
	size_t seen = 0;
	int err;

	if (lin > f->len)
		lin = f->len;
	err = run_ctx(p, f->b, 0, f->len, lin, verdict, &seen);
	if (err)
		fail_msg("test_run of a %zu-byte frame (first buffer %zu): %s", f->len, lin,
			 strerror(-err));
	*counter = counter_moved(p);
	if (seen != lin && seen != max_len)
		fail_msg("a %zu-byte frame: asked for a first buffer of %zu bytes, the program saw "
			 "%zu",
			 f->len, lin, seen);
}

static void run_frame(struct prog *p, const struct frame *f, __u32 *verdict, int *counter)
{
	run_split(p, f, f->len, verdict, counter);
}

static const char *verdict_name(__u32 v)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

static const char *counter_name(int c)
{
	static const char *const names[] = { "REDIRECTED", "PASS_NOMATCH", "PASS_NOSOCK",
					     "DROP_MALFORMED", "PASS_SPLIT" };

	return c >= 0 && c < (int)(sizeof(names) / sizeof(names[0])) ? names[c] : "none or several";
}

static void expect(enum outcome o, __u32 *verdict, int *counter)
{
	*verdict = o == D ? XDP_DROP : XDP_PASS;
	*counter = o == Y   ? XF_CNT_PASS_NOSOCK
		   : o == N ? XF_CNT_PASS_NOMATCH
		   : o == S ? XF_CNT_PASS_SPLIT
			    : XF_CNT_DROP_MALFORMED;
}

/* ---- the tests -------------------------------------------------------- */

static void test_kernel_limits(void **state)
{
	static uint8_t buf[2 * FRAME_MAX];
	long page = sysconf(_SC_PAGESIZE);
	__u64 before[XF_CNT_MAX], after[XF_CNT_MAX];
	static struct frame big;
	struct frame *f = &big;
	struct prog *p;
	size_t len, seen = 0;
	__u32 v;

	(void)state;
	p = ruleset_prog(&rulesets[0]);
	/*
	 * Less than an Ethernet header: refused, also behind metadata (the
	 * kernel checks what follows it). Ethernet drivers do not deliver
	 * such frames either, so the classifier's runt check is only there
	 * for the verifier.
	 */
	memset(buf, 0, sizeof(buf));
	for (len = 0; len < ETH_HLEN; len++) {
		assert_int_equal(run_meta(p, buf, 0, len, &v, NULL), -EINVAL);
		assert_int_equal(run_meta(p, buf, 32, len, &v, NULL), -EINVAL);
	}
	assert_int_equal(run_meta(p, buf, 0, ETH_HLEN, &v, NULL), 0);
	assert_int_equal(run_meta(p, buf, 32, ETH_HLEN, &v, NULL), 0);

	/* The linear part of a page is all the program can see. */
	assert_int_equal(run_meta(p, buf, 0, sizeof(buf), &v, &seen), 0);
	max_len = seen;
	printf("test_run limits: frames of 0..13 bytes refused (EINVAL); the program sees at most "
	       "%zu bytes (page %ld - headroom 256 - tailroom %ld)\n",
	       max_len, page, page - 256 - (long)max_len);
	assert_true(max_len >= 1514 + 8 && max_len <= (size_t)page - 256);
	assert_int_equal(run_meta(p, buf, 0, max_len, &v, &seen), 0);
	assert_int_equal(seen, max_len);

	/*
	 * One byte more, in an IPv4/UDP frame whose lengths cover it: the
	 * kernel puts that byte in a fragment, which the program (xdp.frags)
	 * counts in the frame's length: well formed, chosen.
	 */
	eth(f, ETH_P_IP);
	ipv4(f, IPPROTO_UDP);
	udp(f, 1234, 5000, max_len + 1 - 42);
	fin(f);
	counters(p, before);
	assert_int_equal(run_meta(p, f->b, 0, f->len, &v, &seen), 0);
	counters(p, after);
	printf("test_run takes a %zu-byte frame; the program sees %zu bytes in its first buffer "
	       "and returns %s\n",
	       f->len, seen, verdict_name(v));
	assert_int_equal(seen, max_len);
	assert_int_equal(v, XDP_PASS);
	assert_int_equal(moved(before, after), XF_CNT_PASS_NOSOCK);

	/*
	 * ctx.data_end shorter than the data: the first buffer holds that
	 * much, fragments the rest (kernel 6.18; older ones put as much as a
	 * page holds in the first buffer). The split tests need it.
	 */
	assert_int_equal(run_ctx(p, f->b, 0, f->len, ETH_HLEN, &v, &seen), 0);
	split_ctl = seen == ETH_HLEN;
	printf("test_run %s the first buffer's length from ctx.data_end (asked %d, got %zu)\n",
	       split_ctl ? "takes" : "does not take", ETH_HLEN, seen);
}

static void print_notes(void)
{
	size_t i;

	printf("Rows asserting what the documentation leaves open (see "
	       "tests/bpf/test_classifier.c):\n");
	for (i = 0; i < NR_ROWS; i++)
		if (frames[i].note)
			printf("  %s: %s\n", frames[i].name, frames[i].note);
}

/* Every row of frames[] under rule set @state. All mismatches are listed, then it fails. */
static void test_ruleset(void **state)
{
	const struct ruleset *rs = *state;
	unsigned int bad = 0, ran = 0;
	struct frame f;
	struct prog *p;
	size_t i;
	int a;

	if (!max_len)
		fail_msg("test_kernel_limits must run first (it finds the largest frame)");
	p = ruleset_prog(rs);
	for (i = 0; i < NR_ROWS; i++) {
		const struct row *r = &frames[i];

		for (a = r->lo; a <= r->hi; a++) {
			__u32 want_v, got_v;
			int want_c, got_c;

			r->build(&f, a);
			expect(r->want[rs->col], &want_v, &want_c);
			run_frame(p, &f, &got_v, &got_c);
			ran++;
			if (got_v == want_v && got_c == want_c)
				continue;
			bad++;
			printf("MISMATCH [%s] %s (parameter %d, %zu bytes): want %s + %s, got %s + "
			       "%s\n",
			       rs->name, r->name, a, f.len, verdict_name(want_v),
			       counter_name(want_c), verdict_name(got_v), counter_name(got_c));
		}
	}
	printf("[%s] %u frames, %u mismatches\n", rs->name, ran, bad);
	if (bad)
		fail_msg("[%s]: %u of %u frames got a verdict or counter other than expected",
			 rs->name, bad, ran);
}

/*
 * Jumbo row @r at size @size under rule set @rs: with every first buffer
 * from the Ethernet header to one byte past the end of its headers, then
 * as long as a page allows (only that when test_run cannot be asked for a
 * shorter one). Prints each mismatch; returns their number.
 */
static unsigned int jumbo_row(struct prog *p, const struct ruleset *rs, const struct jrow *r,
			      int size, unsigned int *ran)
{
	static struct frame f;
	unsigned int bad = 0;
	size_t lin, end;

	r->build(&f, size);
	end = hdr_end(&f, r->hdr);
	for (lin = split_ctl ? ETH_HLEN : max_len;; lin = lin > end ? max_len : lin + 1) {
		enum outcome o = lin < end ? S : r->want[rs->col];
		__u32 want_v, got_v;
		int want_c, got_c;

		expect(o, &want_v, &want_c);
		run_split(p, &f, lin, &got_v, &got_c);
		(*ran)++;
		if (got_v != want_v || got_c != want_c) {
			bad++;
			printf("MISMATCH [%s] jumbo %s (%zu bytes, first buffer %zu): want %s + "
			       "%s, got %s + %s\n",
			       rs->name, r->name, f.len, lin, verdict_name(want_v),
			       counter_name(want_c), verdict_name(got_v), counter_name(got_c));
		}
		if (lin == max_len)
			return bad;
	}
}

/* Every jumbo row at every size under rule set @state; then it fails on a mismatch. */
static void test_jumbo(void **state)
{
	const struct ruleset *rs = *state;
	unsigned int bad = 0, ran = 0;
	struct prog *p;
	size_t i, k;

	if (!max_len)
		fail_msg("test_kernel_limits must run first (it finds the largest frame)");
	p = ruleset_prog(rs);
	for (i = 0; i < NR_JUMBO; i++)
		for (k = 0; k < NR_JUMBO_SIZES; k++)
			bad += jumbo_row(p, rs, &jumbo[i], jumbo_sizes[k], &ran);
	printf("[%s] %u multi-buffer runs, %u mismatches\n", rs->name, ran, bad);
	if (bad)
		fail_msg("[%s]: %u of %u multi-buffer runs got a verdict or counter other than "
			 "expected",
			 rs->name, bad, ran);
}

/* xorshift64*: the same frames for the same seed, everywhere. */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

/* Write @n bytes at @off if the frame holds them. */
static void maybe_put(struct frame *f, size_t off, const void *src, size_t n)
{
	if (off + n <= f->len)
		memcpy(f->b + off, src, n);
}

/*
 * Ports a rule set looks for, at the L4 header at @off, half the time: the
 * source port in 0..11 (sctp sport 1-10), the destination port 5000.
 */
static void random_ports(struct frame *f, size_t off)
{
	uint8_t ports[4] = { 0, (uint8_t)(rnd() % 12), 5000 >> 8, 5000 & 0xff };

	if (rnd() % 2)
		maybe_put(f, off, ports, sizeof(ports));
}

/*
 * A random frame of 14..@max bytes (test_run refuses shorter ones). Three
 * in four get some structure, so that the parser goes deep and the rules'
 * fields match now and then: VLAN tags (id 100 half the time), an IP or
 * other ethertype, the right IP version, lengths near the truth, a known
 * L4 protocol, addresses inside the rules' prefixes, ports 1..10 and 5000.
 * The rest are bytes alone.
 */
static void random_frame(struct frame *f, size_t max)
{
	static const uint16_t types[] = { ETH_P_IP, ETH_P_IPV6, 0x8100, 0x88a8, 0x88b5, ETH_P_ARP };
	static const uint8_t v4_l4[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_ICMP };
	static const uint8_t v6_next[] = {
		0, 43, 44, 60, 51, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP
	};
	static const uint8_t v4_src[] = { 198, 18 }, v6_dst[] = { 0x20, 0x01, 0x0d, 0xb8 };
	size_t i, off;
	uint64_t r;

	f->len = ETH_HLEN + rnd() % (max + 1 - ETH_HLEN);
	for (i = 0; i < f->len; i += 8) /* FRAME_MAX > max + 8: room for the last 8 */
		for (r = rnd(), off = i; off < i + 8; off++, r >>= 8)
			f->b[off] = (uint8_t)r;
	if (rnd() % 4 == 0)
		return;
	off = 12;
	for (i = rnd() % 3; i > 0 && off + 4 <= f->len; i--, off += 4) {
		set16(f, off, rnd() % 2 ? 0x8100 : 0x88a8);
		if (rnd() % 2 && off + 6 <= f->len)
			set16(f, off + 2, 100);
	}
	if (off + 2 > f->len)
		return;
	set16(f, off, types[rnd() % 6]);
	off += 2;
	if (off >= f->len)
		return;
	if (f->b[off - 2] == 0x08 && f->b[off - 1] == 0x00) {
		f->b[off] = 0x45 + (rnd() % 4 == 0 ? rnd() % 11 : 0);
		if (off + 4 <= f->len && rnd() % 2)
			set16(f, off + 2, f->len - off - rnd() % 4);
		if (off + 10 <= f->len)
			f->b[off + 9] = v4_l4[rnd() % 4];
		if (off + 8 <= f->len && rnd() % 2)
			set16(f, off + 6, 0); /* not a fragment */
		if (rnd() % 2)
			maybe_put(f, off + 12, v4_src, sizeof(v4_src));
		random_ports(f, off + (f->b[off] & 0xf) * 4u);
	} else if (f->b[off - 2] == 0x86 && f->b[off - 1] == 0xdd) {
		f->b[off] = 0x60;
		if (off + 7 <= f->len && rnd() % 2) {
			set16(f, off + 4, f->len - off - 40 - rnd() % 4);
			f->b[off + 6] = v6_next[rnd() % 8];
		}
		if (rnd() % 2)
			maybe_put(f, off + 24, v6_dst, sizeof(v6_dst));
		random_ports(f, off + 40);
	}
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

/* A first buffer for a @len-byte frame: half the time cut in the first 128 bytes. */
static size_t random_split(size_t len)
{
	size_t max = rnd() % 2 && len > 128 ? 128 : len;

	return ETH_HLEN + rnd() % (max + 1 - ETH_HLEN);
}

/*
 * Random frames under rule set @rs: the verdict is PASS or DROP, and
 * exactly its counter moves, by one. @frags: frames of up to 9014 bytes,
 * each with a first buffer of a random length (the rest in fragments).
 */
static void random_run(const struct ruleset *rs, int frags)
{
	unsigned long n = env_ul("XF_RANDOM_FRAMES", 100000), i;
	unsigned long seen[XF_CNT_MAX] = { 0 };
	uint64_t seed = env_ul("XF_RANDOM_SEED", 1);
	static struct frame f;
	struct prog *p;

	rnd_state = seed * 0x9e3779b97f4a7c15ull + rs->col + 1 + (frags ? 0x100 : 0);
	p = ruleset_prog(rs);
	for (i = 0; i < n; i++) {
		size_t lin;
		__u32 v;
		int c;

		random_frame(&f, frags ? 9014 : 1514);
		lin = frags && split_ctl ? random_split(f.len) : f.len;
		run_split(p, &f, lin, &v, &c);
		if (c < 0 || c == XF_CNT_REDIRECTED || c > XF_CNT_PASS_SPLIT ||
		    (v == XDP_DROP) != (c == XF_CNT_DROP_MALFORMED) ||
		    (v != XDP_DROP && v != XDP_PASS))
			fail_msg("[%s] random frame %lu (seed %lu, %zu bytes, first buffer %zu): "
				 "%s + counter %s",
				 rs->name, i, (unsigned long)seed, f.len, lin, verdict_name(v),
				 counter_name(c));
		seen[c]++;
	}
	printf("[%s] %lu random frames%s (seed %lu): nomatch %lu, nosock %lu, malformed %lu, "
	       "split %lu\n",
	       rs->name, n, frags ? " of up to 9014 bytes, split at random" : "",
	       (unsigned long)seed, seen[XF_CNT_PASS_NOMATCH], seen[XF_CNT_PASS_NOSOCK],
	       seen[XF_CNT_DROP_MALFORMED], seen[XF_CNT_PASS_SPLIT]);
	if (!frags && seen[XF_CNT_PASS_SPLIT])
		fail_msg("[%s] single-buffer frames counted as split", rs->name);
}

static void test_random(void **state)
{
	random_run(*state, 0);
}

static void test_random_frags(void **state)
{
	random_run(*state, 1);
}

#define RULESET_TESTS(i)                                                      \
	cmocka_unit_test_prestate(test_ruleset, (void *)&rulesets[i]),        \
		cmocka_unit_test_prestate(test_jumbo, (void *)&rulesets[i]),  \
		cmocka_unit_test_prestate(test_random, (void *)&rulesets[i]), \
		cmocka_unit_test_prestate(test_random_frags, (void *)&rulesets[i])

int main(void)
{
	int rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_limits),
		RULESET_TESTS(0),
		RULESET_TESTS(1),
		RULESET_TESTS(2),
		RULESET_TESTS(3),
		RULESET_TESTS(4),
		RULESET_TESTS(5),
		RULESET_TESTS(6),
		RULESET_TESTS(7),
		RULESET_TESTS(8),
	};

	_Static_assert(NR_RULESETS == 9, "a rule set without its tests");
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	print_notes();
	rc = cmocka_run_group_tests_name("classifier under BPF_PROG_TEST_RUN", tests, NULL, NULL);
	if (cached_rs)
		prog_unload(&cached);
	return rc;
}
