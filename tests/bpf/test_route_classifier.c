// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The classifier's route flavour (bpf/xskfwd.bpf.c, route = 1) under
 * BPF_PROG_TEST_RUN, against a real FIB. Needs root; run inside the network
 * namespace tests/integration/test_classifier.sh builds (it also removes it):
 *
 *   build/tests/test_route_classifier r0 r1 r2 r3 r4
 *
 * The five interfaces, in that order, are configured as the table below says
 * (veth ends; the shell test is the one place that sets them up, this file
 * the one that relies on it, so the two must agree):
 *
 *   r0  198.18.0.1/24  2001:db8::1/64    the ingress port (port_mac = its MAC);
 *                                        neighbour .9 / ::9 (egress == ingress)
 *   r1  198.18.1.1/24  2001:db8:1::1/64  neighbour .2 / ::2 at 02:00:00:00:01:02;
 *                                        .9 / ::9 have none
 *   r2  198.18.2.1/24  2001:db8:2::1/64  neighbour .2 / ::2 at 02:00:00:00:02:02,
 *                                        the gateway of 198.19.2.0/24 and
 *                                        2001:db8:102::/64, and (mtu lock 1280)
 *                                        of 198.19.20.0/24 and 2001:db8:120::/64
 *   r3  198.18.3.1/24  2001:db8:3::1/64  neighbour .2 / ::2: not one of our ports
 *   r4  198.18.4.1/24  2001:db8:4::1/64  forwarding off (IPv4 and IPv6)
 *
 * plus blackhole, unreachable and prohibit routes for 198.19.10-12.0/24 and
 * 2001:db8:110-112::/64, all neighbours PERMANENT, forwarding on elsewhere.
 *
 * The instance under test is loaded with route = 1, port_mac = r0's MAC and
 * xf_egress = { r0: 0, r1: 1, r2: 2 } (r4's instance: port_mac = r4's MAC,
 * the same ports), never attached; frames are run with an xdp_md whose
 * ingress_ifindex names the ingress port, so bpf_fib_lookup() asks the
 * namespace's FIB. xf_xsks is empty, so a frame the fast path takes is
 * XDP_PASS + XF_CNT_PASS_NOSOCK, with struct xf_route_meta in front of it
 * (test_run's data_out starts at data_meta; ctx_out.data is the metadata's
 * length): the neighbour's MAC, the egress port's MAC, the port's index and
 * the magic. Every other frame must be XDP_PASS with no metadata and exactly
 * one XF_CNT_SLOW_* counter moved, by one (a malformed one: XDP_DROP +
 * XF_CNT_DROP_MALFORMED, as in the plain flavour); the frame itself is
 * never changed. Rows with a note assert something the classifier's
 * comments leave open, or that once went wrong; the notes are printed at
 * every run.
 *
 * The same rows again as multi-buffer frames (test_run splits a frame where
 * ctx.data_end says): with a first buffer holding every row's headers, the
 * same outcomes (the 1280..1501-byte rows' MTU check uses their IP length);
 * with one ending inside the IP header, PASS_SPLIT and no metadata.
 *
 * Then the plain flavour (route = 0) on the same frames (every well-formed
 * one chosen, no metadata), a route instance with the rule "udp dport
 * 5000" (rules choose first), and last the cost: one fast-path frame with
 * repeat = 1e6 in both flavours (opts.duration), printed as
 *   "route flavour: N ns/frame, plain: M ns/frame".
 * test_run does not reset the frame between repeats, so the route flavour's
 * metadata grows by 16 bytes each time until the headroom is used up and
 * bpf_xdp_adjust_meta() refuses (after 13 runs on x86-64): from then on the
 * timed frames take the whole fast path (the FIB and neighbour lookups, the
 * egress map) but end as XF_CNT_SLOW_OTHER instead of writing the metadata
 * and calling bpf_redirect_map(). The counters of the timed run are
 * printed (and checked to be only those), so the figure says what it
 * measured. A second figure, the mean of single runs, each on a fresh
 * frame, has the whole fast path, but also test_run's timer around each
 * run and caches that the system call in between has cooled.
 *
 * Environment: XF_REPEAT (default 1000000), XF_SINGLE_RUNS (default 100000),
 * XF_VERBOSE=1 prints libbpf's messages.
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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "rules.h"
#include "xskfwd.skel.h"
#include "prog_harness.h"

/* ---- the namespace's interfaces ----------------------------------------- */

enum ifc { R0, R1, R2, R3, R4, NR_IFS };

struct iface {
	const char *name;
	int index;
	uint8_t mac[ETH_ALEN];
};

static struct iface ifs[NR_IFS];

/* The neighbour the fast-path rows reach through each port (see the top). */
static const uint8_t neigh_mac[NR_IFS][ETH_ALEN] = {
	[R0] = { 2, 0, 0, 0, 0, 9 },
	[R1] = { 2, 0, 0, 0, 1, 2 },
	[R2] = { 2, 0, 0, 0, 2, 2 },
	[R3] = { 2, 0, 0, 0, 3, 2 },
};

static void iface_init(struct iface *i, const char *name)
{
	struct ifreq ifr = { 0 };
	int fd;

	i->name = name;
	i->index = (int)if_nametoindex(name);
	if (!i->index)
		fail_msg("interface %s: %s (run inside the test's namespace)", name,
			 strerror(errno));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		fail_msg("the MAC of %s: %s", name, strerror(errno));
	close(fd);
	memcpy(i->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
}

/* ---- frames ------------------------------------------------------------- */

#define FRAME_MAX 2048
#define V4_SRC "198.18.0.2" /* a host on r0's subnet */
#define V6_SRC "2001:db8::2"
#define V4_SRC_R4 "198.18.4.2"
#define V6_SRC_R4 "2001:db8:4::2"

/* How a row's frame differs from a plain IP/UDP one to port_mac. */
enum shape {
	PLAIN,
	TCP,	/* TCP instead of UDP */
	VLAN,	/* an 802.1Q tag (VID 100) in front of IP */
	OPTS,	/* IPv4: one word of options (IHL 6) */
	HBH,	/* IPv6: an 8-byte hop-by-hop header before UDP */
	FRAG,	/* IPv4: first fragment (MF); IPv6: a fragment header */
	ARP,	/* an ARP request (dst unused) */
	BCAST,	/* destination MAC ff:ff:ff:ff:ff:ff */
	MCAST,	/* destination MAC 01:00:5e:00:00:05 / 33:33:00:00:00:01 */
	OTHER,	/* destination MAC another host's */
	BADLEN, /* IP length past the frame: malformed */
};

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

static uint8_t *put(struct frame *f, size_t n)
{
	uint8_t *at = f->b + f->len;

	assert_true(f->len + n <= FRAME_MAX);
	memset(at, 0, n);
	f->len += n;
	return at;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t *at = put(f, 2);

	at[0] = v >> 8;
	at[1] = v & 0xff;
}

static void set16(uint8_t *at, uint16_t v)
{
	at[0] = v >> 8;
	at[1] = v & 0xff;
}

static void eth(struct frame *f, enum shape s, const uint8_t *port_mac, int v6)
{
	static const uint8_t other[ETH_ALEN] = { 2, 0, 0, 0, 0x77, 0x77 };
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast4[ETH_ALEN] = { 1, 0, 0x5e, 0, 0, 5 };
	static const uint8_t mcast6[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t src[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
	const uint8_t *dst = s == BCAST	  ? bcast
			     : s == MCAST ? (v6 ? mcast6 : mcast4)
			     : s == OTHER ? other
					  : port_mac;

	memset(f, 0, sizeof(*f));
	memcpy(put(f, ETH_ALEN), dst, ETH_ALEN);
	memcpy(put(f, ETH_ALEN), src, ETH_ALEN);
	if (s == VLAN) {
		put16(f, 0x8100);
		put16(f, 100);
	}
	put16(f, s == ARP ? ETH_P_ARP : v6 ? ETH_P_IPV6 : ETH_P_IP);
}

static void arp(struct frame *f)
{
	static const uint8_t req[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0,	 0,  0, 18,
					 0, 0, 2, 0, 0, 0, 0, 0, 0, 198, 18, 0, 1 };

	memcpy(put(f, sizeof(req)), req, sizeof(req));
	put(f, 60 - f->len);
}

/* UDP 1234 -> 5000 (or TCP) and zeros up to @end, the IP datagram's last byte. */
static void l4(struct frame *f, int tcp, size_t end)
{
	size_t at = f->len, hlen = tcp ? 20 : 8;
	uint8_t *h = put(f, hlen);

	set16(h, 1234);
	set16(h + 2, 5000);
	if (tcp) {
		h[12] = 5 << 4;
		h[13] = 0x10; /* ACK */
	}
	if (end > f->len)
		put(f, end - f->len);
	if (!tcp)
		set16(h + 4, f->len - at);
}

/* IPv4 of @size bytes in all (0: as small as it gets), TTL @ttl. */
static void ipv4(struct frame *f, enum shape s, const char *src, const char *dst, int ttl,
		 size_t size)
{
	size_t l3 = f->len, hlen = s == OPTS ? 24 : 20;
	uint8_t *h = put(f, hlen);

	h[0] = 0x40 | hlen / 4;
	h[8] = ttl;
	h[9] = s == TCP ? IPPROTO_TCP : IPPROTO_UDP;
	if (s == FRAG)
		set16(h + 6, 0x2000); /* MF, offset 0 */
	if (s == OPTS)
		h[20] = h[21] = h[22] = h[23] = 1; /* NOP */
	assert_int_equal(inet_pton(AF_INET, src, h + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, h + 16), 1);
	l4(f, s == TCP, size ? l3 + size : 0);
	set16(f->b + l3 + 2, s == BADLEN ? f->len - l3 + 8 : f->len - l3);
}

static void ipv6(struct frame *f, enum shape s, const char *src, const char *dst, int hlim,
		 size_t size)
{
	size_t l3 = f->len;
	uint8_t *h = put(f, 40), *x;

	h[0] = 0x60;
	h[6] = s == TCP ? IPPROTO_TCP : IPPROTO_UDP;
	h[7] = hlim;
	assert_int_equal(inet_pton(AF_INET6, src, h + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, h + 24), 1);
	if (s == HBH || s == FRAG) {
		x = put(f, 8);
		x[0] = h[6];
		h[6] = s == HBH ? IPPROTO_HOPOPTS : IPPROTO_FRAGMENT;
		if (s == HBH) {
			x[2] = 1; /* PadN, 4 bytes */
			x[3] = 4;
		} else {
			x[3] = 1; /* offset 0, M */
		}
	}
	l4(f, s == TCP, size ? l3 + size : 0);
	set16(f->b + l3 + 4, f->len - l3 - 40 + (s == BADLEN ? 8 : 0));
}

/* ---- the rows ----------------------------------------------------------- */

struct row {
	const char *name;
	enum shape shape;
	const char *dst; /* IPv4, or IPv6 (has a ':') */
	int ttl;	 /* TTL or hop limit */
	int size;	 /* IP length in all (header + payload); 0: the smallest */
	enum ifc in;	 /* ingress port (and port_mac) */
	int want;	 /* the counter; XF_CNT_PASS_NOSOCK: the fast path */
	enum ifc out;	 /* fast path: the egress port, and neigh_mac[out] */
	const char *note;
};

static int is_v6(const struct row *r)
{
	return strchr(r->dst, ':') != NULL;
}

static void build(struct frame *f, const struct row *r)
{
	int v6 = is_v6(r);

	eth(f, r->shape, ifs[r->in].mac, v6);
	if (r->shape == ARP)
		arp(f);
	else if (v6)
		ipv6(f, r->shape, r->in == R4 ? V6_SRC_R4 : V6_SRC, r->dst, r->ttl, r->size);
	else
		ipv4(f, r->shape, r->in == R4 ? V4_SRC_R4 : V4_SRC, r->dst, r->ttl, r->size);
}

#define FAST XF_CNT_PASS_NOSOCK
#define NOTE_TTL_LOCAL                                                                    \
	"TTL / hop limit 1 to the router's own address: the kernel delivers it (no Time " \
	"Exceeded), so the reason is local, not ttl (the TTL is looked at after the FIB)"
#define NOTE_NOROUTE                                                                          \
	"no route at all: bpf_fib_lookup() says NOT_FWDED, as for a local address, so it is " \
	"counted as local (the kernel answers with ICMP net unreachable)"
#define NOTE_TTL_ORDER                                                                         \
	"TTL 1 and the FIB's verdict together: the kernel's order (route, then TTL, then MTU " \
	"and neighbour): unreachable wins over ttl, ttl over too_big and no_neigh"

/* clang-format off */
static const struct row rows[] = {
	/* name, shape, dst, ttl, size, in, want, out, note */
	/* IPv4 */
	{ "IPv4 to a neighbour on r1", PLAIN, "198.18.1.2", 64, 0, R0, FAST, R1, NULL },
	{ "IPv4/TCP to a neighbour on r1", TCP, "198.18.1.2", 64, 0, R0, FAST, R1, NULL },
	{ "IPv4 via a gateway on r2", PLAIN, "198.19.2.7", 64, 0, R0, FAST, R2, NULL },
	{ "IPv4 TTL 2", PLAIN, "198.18.1.2", 2, 0, R0, FAST, R1, NULL },
	{ "IPv4 TTL 1", PLAIN, "198.18.1.2", 1, 0, R0, XF_CNT_SLOW_TTL, 0, NULL },
	{ "IPv4 TTL 0", PLAIN, "198.19.2.7", 0, 0, R0, XF_CNT_SLOW_TTL, 0, NULL },
	{ "IPv4 first fragment", FRAG, "198.18.1.2", 64, 0, R0, FAST, R1, NULL },
	{ "IPv4 1500 bytes to r1 (MTU 1500)", PLAIN, "198.18.1.2", 64, 1500, R0, FAST, R1, NULL },
	{ "IPv4 1280 bytes, route mtu lock 1280", PLAIN, "198.19.20.1", 64, 1280, R0, FAST, R2,
	  NULL },
	{ "IPv4 no neighbour", PLAIN, "198.18.1.9", 64, 0, R0, XF_CNT_SLOW_NO_NEIGH, 0, NULL },
	{ "IPv4 to the router (r0's address)", PLAIN, "198.18.0.1", 64, 0, R0, XF_CNT_SLOW_LOCAL,
	  0, NULL },
	{ "IPv4 to the router (r1's address)", PLAIN, "198.18.1.1", 64, 0, R0, XF_CNT_SLOW_LOCAL,
	  0, NULL },
	{ "IPv4 TTL 1 to the router", PLAIN, "198.18.0.1", 1, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NOTE_TTL_LOCAL },
	{ "IPv4 to r1's subnet broadcast", PLAIN, "198.18.1.255", 64, 0, R0, XF_CNT_SLOW_LOCAL,
	  0, NULL },
	{ "IPv4 broadcast dst MAC", BCAST, "198.18.1.2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv4 multicast dst MAC", MCAST, "198.18.1.2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv4 another host's dst MAC", OTHER, "198.18.1.2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv4 to 224.0.0.5", PLAIN, "224.0.0.5", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv4 to 127.0.0.1", PLAIN, "127.0.0.1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv4 no route", PLAIN, "198.19.99.1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NOTE_NOROUTE },
	{ "IPv4 blackhole route", PLAIN, "198.19.10.1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE, 0,
	  NULL },
	{ "IPv4 unreachable route", PLAIN, "198.19.11.1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE, 0,
	  NULL },
	{ "IPv4 prohibit route", PLAIN, "198.19.12.1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE, 0,
	  NULL },
	{ "IPv4 1501 bytes to r1 (MTU 1500)", PLAIN, "198.18.1.2", 64, 1501, R0,
	  XF_CNT_SLOW_TOO_BIG, 0, NULL },
	{ "IPv4 1281 bytes, route mtu lock 1280", PLAIN, "198.19.20.1", 64, 1281, R0,
	  XF_CNT_SLOW_TOO_BIG, 0, NULL },
	{ "IPv4 egress r3 (not a port)", PLAIN, "198.18.3.2", 64, 0, R0, XF_CNT_SLOW_NOT_OURS, 0,
	  NULL },
	{ "IPv4 egress r0 (the ingress)", PLAIN, "198.18.0.9", 64, 0, R0, XF_CNT_SLOW_NOT_OURS, 0,
	  NULL },
	{ "IPv4 VLAN 100", VLAN, "198.18.1.2", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0, NULL },
	{ "IPv4 options (IHL 6)", OPTS, "198.18.1.2", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0, NULL },
	{ "ARP request", ARP, "198.18.0.1", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0, NULL },
	{ "IPv4 forwarding off on the ingress (r4)", PLAIN, "198.18.1.2", 64, 0, R4,
	  XF_CNT_SLOW_OTHER, 0, NULL },
	{ "IPv4 TTL 1, unreachable route", PLAIN, "198.19.11.1", 1, 0, R0,
	  XF_CNT_SLOW_UNREACHABLE, 0, NOTE_TTL_ORDER },
	{ "IPv4 TTL 1, too big", PLAIN, "198.18.1.2", 1, 1501, R0, XF_CNT_SLOW_TTL, 0,
	  NOTE_TTL_ORDER },
	{ "IPv4 TTL 1, no neighbour", PLAIN, "198.18.1.9", 1, 0, R0, XF_CNT_SLOW_TTL, 0,
	  NOTE_TTL_ORDER },
	{ "IPv4 length past the frame", BADLEN, "198.18.1.2", 64, 0, R0, XF_CNT_DROP_MALFORMED, 0,
	  NULL },

	/* IPv6 */
	{ "IPv6 to a neighbour on r1", PLAIN, "2001:db8:1::2", 64, 0, R0, FAST, R1, NULL },
	{ "IPv6/TCP to a neighbour on r1", TCP, "2001:db8:1::2", 64, 0, R0, FAST, R1, NULL },
	{ "IPv6 via a gateway on r2", PLAIN, "2001:db8:102::7", 64, 0, R0, FAST, R2, NULL },
	{ "IPv6 hop limit 2", PLAIN, "2001:db8:1::2", 2, 0, R0, FAST, R1, NULL },
	{ "IPv6 hop limit 1", PLAIN, "2001:db8:1::2", 1, 0, R0, XF_CNT_SLOW_TTL, 0, NULL },
	{ "IPv6 hop limit 0", PLAIN, "2001:db8:102::7", 0, 0, R0, XF_CNT_SLOW_TTL, 0, NULL },
	{ "IPv6 1500 bytes to r1 (MTU 1500)", PLAIN, "2001:db8:1::2", 64, 1500, R0, FAST, R1,
	  NULL },
	{ "IPv6 1280 bytes, route mtu lock 1280", PLAIN, "2001:db8:120::1", 64, 1280, R0, FAST,
	  R2, NULL },
	{ "IPv6 no neighbour", PLAIN, "2001:db8:1::9", 64, 0, R0, XF_CNT_SLOW_NO_NEIGH, 0, NULL },
	{ "IPv6 to the router (r0's address)", PLAIN, "2001:db8::1", 64, 0, R0,
	  XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv6 to the router (r1's address)", PLAIN, "2001:db8:1::1", 64, 0, R0,
	  XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv6 hop limit 1 to the router", PLAIN, "2001:db8::1", 1, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NOTE_TTL_LOCAL },
	{ "IPv6 to fe80::1 (link-local)", PLAIN, "fe80::1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv6 to ff02::1 (multicast)", PLAIN, "ff02::1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0, NULL },
	{ "IPv6 to ff0e::1 (global multicast)", PLAIN, "ff0e::1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv6 broadcast dst MAC", BCAST, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv6 multicast dst MAC", MCAST, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv6 another host's dst MAC", OTHER, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NULL },
	{ "IPv6 no route", PLAIN, "2001:db8:999::1", 64, 0, R0, XF_CNT_SLOW_LOCAL, 0,
	  NOTE_NOROUTE },
	{ "IPv6 blackhole route", PLAIN, "2001:db8:110::1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE, 0,
	  NULL },
	{ "IPv6 unreachable route", PLAIN, "2001:db8:111::1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE,
	  0, NULL },
	{ "IPv6 prohibit route", PLAIN, "2001:db8:112::1", 64, 0, R0, XF_CNT_SLOW_UNREACHABLE, 0,
	  NULL },
	{ "IPv6 1501 bytes to r1 (MTU 1500)", PLAIN, "2001:db8:1::2", 64, 1501, R0,
	  XF_CNT_SLOW_TOO_BIG, 0, NULL },
	{ "IPv6 1281 bytes, route mtu lock 1280", PLAIN, "2001:db8:120::1", 64, 1281, R0,
	  XF_CNT_SLOW_TOO_BIG, 0, NULL },
	{ "IPv6 egress r3 (not a port)", PLAIN, "2001:db8:3::2", 64, 0, R0, XF_CNT_SLOW_NOT_OURS,
	  0, NULL },
	{ "IPv6 egress r0 (the ingress)", PLAIN, "2001:db8::9", 64, 0, R0, XF_CNT_SLOW_NOT_OURS,
	  0, NULL },
	{ "IPv6 VLAN 100", VLAN, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0, NULL },
	{ "IPv6 hop-by-hop header", HBH, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0,
	  NULL },
	{ "IPv6 fragment header", FRAG, "2001:db8:1::2", 64, 0, R0, XF_CNT_SLOW_UNHANDLED, 0,
	  NULL },
	{ "IPv6 forwarding off on the ingress (r4)", PLAIN, "2001:db8:1::2", 64, 0, R4,
	  XF_CNT_SLOW_OTHER, 0, NULL },
	{ "IPv6 hop limit 1, unreachable route", PLAIN, "2001:db8:111::1", 1, 0, R0,
	  XF_CNT_SLOW_UNREACHABLE, 0, NOTE_TTL_ORDER },
	{ "IPv6 hop limit 1, too big", PLAIN, "2001:db8:1::2", 1, 1501, R0, XF_CNT_SLOW_TTL, 0,
	  NOTE_TTL_ORDER },
	{ "IPv6 hop limit 1, no neighbour", PLAIN, "2001:db8:1::9", 1, 0, R0, XF_CNT_SLOW_TTL, 0,
	  NOTE_TTL_ORDER },
	{ "IPv6 length past the frame", BADLEN, "2001:db8:1::2", 64, 0, R0, XF_CNT_DROP_MALFORMED,
	  0, NULL },
};
/* clang-format on */
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

/* ---- the program under test --------------------------------------------- */

/*
 * Open, configure and load (not attach) one instance: the route flavour
 * (@route) for port @port, with xf_egress = { r0: 0, r1: 1, r2: 2 }, and the
 * rule @rule (NULL: none).
 */
static void prog_load(struct prog *p, int route, enum ifc port, const char *rule)
{
	char err_text[XF_ERRLEN] = "";
	struct xf_rule r;
	__u32 i, key = 0;
	int err;

	memset(p, 0, sizeof(*p));
	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
	p->skel = xskfwd_bpf__open();
	if (!p->skel)
		fail_msg("xskfwd_bpf__open: %s\n%s", strerror(errno), libbpf_log);
	p->skel->rodata->nr_rules = rule != NULL;
	p->skel->rodata->route = route;
	memcpy((void *)p->skel->rodata->port_mac, ifs[port].mac, ETH_ALEN);
	err = xskfwd_bpf__load(p->skel);
	if (err)
		fail_msg("loading the classifier (route %d): %s\n%s", route, strerror(-err),
			 libbpf_log);
	p->prog_fd = bpf_program__fd(p->skel->progs.xskfwd_xdp);
	p->cnt_fd = bpf_map__fd(p->skel->maps.xf_counters);
	p->ncpus = libbpf_num_possible_cpus();
	assert_true(p->ncpus > 0);
	for (i = R0; route && i <= R2; i++) {
		__u32 ifindex = (__u32)ifs[i].index;

		err = bpf_map__update_elem(p->skel->maps.xf_egress, &ifindex, sizeof(ifindex), &i,
					   sizeof(i), 0);
		if (err)
			fail_msg("writing egress port %u: %s", i, strerror(-err));
	}
	if (rule) {
		if (xf_rule_parse(rule, &r, err_text))
			fail_msg("rule '%s': %s", rule, err_text);
		err = bpf_map__update_elem(p->skel->maps.xf_rules, &key, sizeof(key), &r, sizeof(r),
					   0);
		if (err)
			fail_msg("writing the rule: %s", strerror(-err));
	}
	prog_counters_reset(p);
}

static void prog_unload(struct prog *p)
{
	xskfwd_bpf__destroy(p->skel);
	p->skel = NULL;
}

/* What one run of a frame gave. */
struct result {
	__u32 verdict;
	int counter;	 /* the one that moved by one; -1: not exactly one */
	size_t meta_len; /* ctx_out.data */
	int intact;	 /* data_out = metadata + the frame as it went in */
	struct xf_route_meta meta;
};

/*
 * Run @f once, arriving on @in, with a first buffer of @lin bytes (the rest
 * in fragments; 0 or more than the frame: all of it in one buffer).
 */
static void run_split(struct prog *p, const struct frame *f, enum ifc in, size_t lin,
		      struct result *r)
{
	static uint8_t out[FRAME_MAX + 256];
	struct xdp_md ctx_in = { .data_end = lin && lin < f->len ? lin : f->len,
				 .ingress_ifindex = ifs[in].index };
	struct xdp_md ctx_out = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .repeat = 1, .data_in = f->b, .data_size_in = f->len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in), .ctx_out = &ctx_out,
		    .ctx_size_out = sizeof(ctx_out));

	memset(r, 0, sizeof(*r));
	if (bpf_prog_test_run_opts(p->prog_fd, &o))
		fail_msg("test_run of a %zu-byte frame from %s: %s", f->len, ifs[in].name,
			 strerror(errno));
	r->verdict = o.retval;
	r->counter = counter_moved(p);
	r->meta_len = ctx_out.data;
	r->intact = o.data_size_out == ctx_out.data + f->len &&
		    ctx_out.data_end == ctx_out.data + ctx_in.data_end &&
		    ctx_out.ingress_ifindex == (__u32)ifs[in].index &&
		    !memcmp(out + ctx_out.data, f->b, f->len);
	if (ctx_out.data >= sizeof(r->meta) && o.data_size_out >= sizeof(r->meta))
		memcpy(&r->meta, out, sizeof(r->meta));
}

static void run_frame(struct prog *p, const struct frame *f, enum ifc in, struct result *r)
{
	run_split(p, f, in, 0, r);
}

/* ---- checking ----------------------------------------------------------- */

static const char *verdict_name(__u32 v)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

static const char *counter_name(int c)
{
	static const char *const names[] = {
		"REDIRECTED",	    "PASS_NOMATCH", "PASS_NOSOCK",   "DROP_MALFORMED",
		"PASS_SPLIT",	    "SLOW_TTL",	    "SLOW_NO_NEIGH", "SLOW_LOCAL",
		"SLOW_UNREACHABLE", "SLOW_TOO_BIG", "SLOW_NOT_OURS", "SLOW_UNHANDLED",
		"SLOW_OTHER",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) == XF_CNT_MAX, "a counter without a name");
	return c >= 0 && c < XF_CNT_MAX ? names[c] : "none or several";
}

static const char *mac_text(const uint8_t *m, char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/*
 * Does @r show counter @want (and its verdict), with the metadata of egress
 * port @out when @want is the fast path (and none otherwise), and the frame
 * unchanged? 1, or 0 with the difference in @why.
 */
static int check(int want, enum ifc out, const struct result *r, char *why, size_t n)
{
	__u32 want_v = want == XF_CNT_DROP_MALFORMED ? XDP_DROP : XDP_PASS;
	const struct xf_route_meta *m = &r->meta;
	char a[18], b[18], c[18], d[18];

	if (r->verdict != want_v || r->counter != want) {
		snprintf(why, n, "want %s + %s, got %s + %s", verdict_name(want_v),
			 counter_name(want), verdict_name(r->verdict), counter_name(r->counter));
		return 0;
	}
	if (!r->intact) {
		snprintf(why, n, "the frame (or ctx_out) came back changed");
		return 0;
	}
	if (want != FAST || out == NR_IFS) {
		if (r->meta_len)
			snprintf(why, n, "%zu bytes of metadata where none was due", r->meta_len);
		return !r->meta_len;
	}
	if (r->meta_len != sizeof(*m) || memcmp(m->dmac, neigh_mac[out], ETH_ALEN) ||
	    memcmp(m->smac, ifs[out].mac, ETH_ALEN) || m->port != out ||
	    m->magic != XF_ROUTE_META_MAGIC) {
		snprintf(why, n,
			 "metadata: want %zu bytes, dmac %s smac %s port %d magic %#x; got %zu "
			 "bytes, dmac %s smac %s port %u magic %#x",
			 sizeof(*m), mac_text(neigh_mac[out], a), mac_text(ifs[out].mac, b), out,
			 XF_ROUTE_META_MAGIC, r->meta_len, mac_text(m->dmac, c),
			 mac_text(m->smac, d), m->port, m->magic);
		return 0;
	}
	return 1;
}

/* ---- the tests ---------------------------------------------------------- */

/* Every row in the route flavour; all mismatches are listed, then it fails. */
static void test_route_rows(void **state)
{
	struct prog progs[NR_IFS];
	unsigned int bad = 0;
	struct result r;
	struct frame f;
	char why[256];
	size_t i;

	(void)state;
	prog_load(&progs[R0], 1, R0, NULL);
	prog_load(&progs[R4], 1, R4, NULL);
	for (i = 0; i < NR_ROWS; i++) {
		const struct row *w = &rows[i];

		build(&f, w);
		run_frame(&progs[w->in], &f, w->in, &r);
		if (check(w->want, w->out, &r, why, sizeof(why))) {
			printf("ok   %-45s %s\n", w->name, counter_name(r.counter));
			continue;
		}
		bad++;
		printf("MISMATCH [route] %s (%zu bytes from %s): %s\n", w->name, f.len,
		       ifs[w->in].name, why);
	}
	printf("[route] %zu frames, %u mismatches\n", NR_ROWS, bad);
	prog_unload(&progs[R0]);
	prog_unload(&progs[R4]);
	if (bad)
		fail_msg("[route]: %u of %zu frames got a verdict, counter or metadata other than "
			 "expected",
			 bad, NR_ROWS);
}

/*
 * Every row as a multi-buffer frame. With a first buffer of 96 bytes (the
 * headers of every row fit) the row's verdict, counter and metadata: the
 * 1280- to 1501-byte rows are split, and the FIB's MTU check must still see
 * their IP length, not the first buffer's. With one of 24 bytes (in the IP
 * header), every IP frame longer than that is PASS_SPLIT, without metadata.
 */
static void test_route_split(void **state)
{
	static const size_t lins[] = { 96, 24 };
	struct prog progs[NR_IFS];
	unsigned int bad = 0, ran = 0;
	struct result r;
	struct frame f;
	char why[256];
	size_t i, k;

	(void)state;
	prog_load(&progs[R0], 1, R0, NULL);
	prog_load(&progs[R4], 1, R4, NULL);
	for (k = 0; k < 2; k++)
		for (i = 0; i < NR_ROWS; i++) {
			const struct row *w = &rows[i];
			int want;

			build(&f, w);
			want = lins[k] < 40 && w->shape != ARP && f.len > lins[k]
				       ? XF_CNT_PASS_SPLIT
				       : w->want;
			run_split(&progs[w->in], &f, w->in, lins[k], &r);
			ran++;
			if (check(want, want == XF_CNT_PASS_SPLIT ? NR_IFS : w->out, &r, why,
				  sizeof(why)))
				continue;
			bad++;
			printf("MISMATCH [route, first buffer %zu] %s (%zu bytes from %s): %s\n",
			       lins[k], w->name, f.len, ifs[w->in].name, why);
		}
	printf("[route, multi-buffer] %u runs, %u mismatches\n", ran, bad);
	prog_unload(&progs[R0]);
	prog_unload(&progs[R4]);
	if (bad)
		fail_msg("[route, multi-buffer]: %u of %u runs got a verdict, counter or metadata "
			 "other than expected",
			 bad, ran);
}

/*
 * The plain flavour (route = 0, no rules) on the same frames: what it always
 * did, every well-formed frame chosen (PASS_NOSOCK here), no metadata.
 */
static void test_plain_rows(void **state)
{
	unsigned int bad = 0;
	struct result r;
	struct prog p;
	struct frame f;
	char why[256];
	size_t i;

	(void)state;
	prog_load(&p, 0, R0, NULL);
	for (i = 0; i < NR_ROWS; i++) {
		const struct row *w = &rows[i];
		int want = w->want == XF_CNT_DROP_MALFORMED ? XF_CNT_DROP_MALFORMED : FAST;

		build(&f, w);
		run_frame(&p, &f, w->in, &r);
		if (check(want, NR_IFS, &r, why, sizeof(why)))
			continue;
		bad++;
		printf("MISMATCH [plain] %s (%zu bytes from %s): %s\n", w->name, f.len,
		       ifs[w->in].name, why);
	}
	printf("[plain] %zu frames, %u mismatches\n", NR_ROWS, bad);
	prog_unload(&p);
	if (bad)
		fail_msg("[plain]: %u of %zu frames got a verdict, counter or metadata other than "
			 "expected",
			 bad, NR_ROWS);
}

/* The row called @name. */
static const struct row *row_named(const char *name)
{
	size_t i;

	for (i = 0; i < NR_ROWS; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	fail_msg("no row '%s'", name);
	return NULL;
}

/* The route flavour with a rule: rules choose first, the FIB decides after. */
static void test_route_with_rule(void **state)
{
	static const struct {
		const char *row;
		int want;
		enum ifc out;
	} cases[] = {
		{ "IPv4 to a neighbour on r1", FAST, R1 },
		{ "IPv4/TCP to a neighbour on r1", XF_CNT_PASS_NOMATCH, NR_IFS },
		{ "IPv4 TTL 1", XF_CNT_SLOW_TTL, NR_IFS },
		{ "ARP request", XF_CNT_PASS_NOMATCH, NR_IFS },
		{ "IPv6 to a neighbour on r1", FAST, R1 },
		{ "IPv6/TCP to a neighbour on r1", XF_CNT_PASS_NOMATCH, NR_IFS },
		/* its ports are not read, so the rule does not match (test_classifier.c) */
		{ "IPv6 length past the frame", XF_CNT_PASS_NOMATCH, NR_IFS },
		{ "IPv4 length past the frame", XF_CNT_PASS_NOMATCH, NR_IFS },
	};
	struct result r;
	struct prog p;
	struct frame f;
	char why[256];
	size_t i;

	(void)state;
	prog_load(&p, 1, R0, "udp dport 5000");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct row *w = row_named(cases[i].row);

		build(&f, w);
		run_frame(&p, &f, w->in, &r);
		if (!check(cases[i].want, cases[i].out, &r, why, sizeof(why)))
			fail_msg("[route, udp dport 5000] %s: %s", w->name, why);
		printf("ok   [udp dport 5000] %-40s %s\n", w->name, counter_name(r.counter));
	}
	prog_unload(&p);
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

/*
 * @f from r0 through @p: with @repeat > 0, one test_run of @repeat runs
 * (its duration); with @repeat = 0, XF_SINGLE_RUNS test_runs of one run
 * each (the mean of their durations). In ns per frame; the counters that
 * moved are added to @moved_by.
 */
static double cost(const struct prog *p, const struct frame *f, unsigned long repeat,
		   __u64 moved_by[XF_CNT_MAX])
{
	unsigned long runs = repeat ? 1 : env_ul("XF_SINGLE_RUNS", 100000), i;
	struct xdp_md ctx_in = { .data_end = f->len, .ingress_ifindex = ifs[R0].index };
	__u64 before[XF_CNT_MAX], after[XF_CNT_MAX], sum = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .repeat = repeat ? repeat : 1, .data_in = f->b,
		    .data_size_in = f->len, .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in));
	int k;

	assert_true(runs > 0);
	counters(p, before);
	for (i = 0; i < runs; i++) {
		if (bpf_prog_test_run_opts(p->prog_fd, &o))
			fail_msg("test_run (repeat %lu): %s", repeat, strerror(errno));
		sum += o.duration;
	}
	counters(p, after);
	for (k = 0; k < XF_CNT_MAX; k++)
		moved_by[k] += after[k] - before[k];
	return (double)sum / runs;
}

/* The counters that moved, as "NAME n, NAME n". */
static const char *moved_text(const __u64 moved_by[XF_CNT_MAX], char *buf, size_t n)
{
	size_t at = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < XF_CNT_MAX && at < n; k++)
		if (moved_by[k])
			at += snprintf(buf + at, n - at, "%s%s %llu", at ? ", " : "",
				       counter_name(k), (unsigned long long)moved_by[k]);
	return buf;
}

/* The cost of the route flavour against the plain one, on one fast-path frame. */
static void cost_of(const char *row, struct prog *route, struct prog *plain)
{
	unsigned long repeat = env_ul("XF_REPEAT", 1000000);
	__u64 mr[XF_CNT_MAX] = { 0 }, mp[XF_CNT_MAX] = { 0 };
	const struct row *w = row_named(row);
	char tr[256], tp[256];
	double r, p;
	struct frame f;

	assert_true(repeat > 0);
	build(&f, w);
	r = cost(route, &f, repeat, mr);
	p = cost(plain, &f, repeat, mp);
	printf("cost, %s, repeat %lu: route flavour: %.0f ns/frame, plain: %.0f ns/frame\n", row,
	       repeat, r, p);
	printf("  counters of the timed runs: route: %s; plain: %s\n",
	       moved_text(mr, tr, sizeof(tr)), moved_text(mp, tp, sizeof(tp)));
	/* the route flavour's frames took the whole fast path (see the top) */
	assert_true(mr[FAST] > 0);
	assert_int_equal(mr[FAST] + mr[XF_CNT_SLOW_OTHER], repeat);
	assert_int_equal(mp[FAST], repeat);
	memset(mr, 0, sizeof(mr));
	memset(mp, 0, sizeof(mp));
	r = cost(route, &f, 0, mr);
	p = cost(plain, &f, 0, mp);
	printf("cost, %s, mean of single runs: route flavour: %.1f ns/frame, plain: %.1f "
	       "ns/frame\n",
	       row, r, p);
	printf("  counters of the single runs: route: %s; plain: %s\n",
	       moved_text(mr, tr, sizeof(tr)), moved_text(mp, tp, sizeof(tp)));
	assert_int_equal(mr[FAST], env_ul("XF_SINGLE_RUNS", 100000));
	assert_int_equal(mp[FAST], env_ul("XF_SINGLE_RUNS", 100000));
}

static void test_cost(void **state)
{
	struct prog route, plain;

	(void)state;
	prog_load(&route, 1, R0, NULL);
	prog_load(&plain, 0, R0, NULL);
	cost_of("IPv4 to a neighbour on r1", &route, &plain);
	cost_of("IPv6 to a neighbour on r1", &route, &plain);
	prog_unload(&route);
	prog_unload(&plain);
}

static void print_notes(void)
{
	size_t i;

	printf("Rows asserting what the classifier's comments do not say (see "
	       "tests/bpf/test_route_classifier.c):\n");
	for (i = 0; i < NR_ROWS; i++)
		if (rows[i].note)
			printf("  %s: %s\n", rows[i].name, rows[i].note);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_rows), cmocka_unit_test(test_route_split),
		cmocka_unit_test(test_plain_rows), cmocka_unit_test(test_route_with_rule),
		cmocka_unit_test(test_cost),
	};
	int i;

	if (argc != NR_IFS + 1) {
		fprintf(stderr,
			"usage: %s R0 R1 R2 R3 R4 (inside the namespace "
			"tests/integration/test_classifier.sh sets up)\n",
			argv[0]);
		return 2;
	}
	for (i = 0; i < NR_IFS; i++)
		iface_init(&ifs[i], argv[i + 1]);
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	print_notes();
	return cmocka_run_group_tests_name("route flavour under BPF_PROG_TEST_RUN", tests, NULL,
					   NULL);
}
