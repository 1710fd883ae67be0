// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The xskfwd classifier: decides, per frame, whether it is ours.
 *
 *   chosen (matches a rule, or there are no rules) and well formed
 *       -> redirect to the AF_XDP socket bound to the frame's rx queue;
 *          when no socket is bound there, XDP_PASS (counted as no-socket)
 *   chosen but malformed (IP/L4 lengths disagree with the frame)
 *       -> XDP_DROP (counted)
 *   not chosen -> XDP_PASS to the host stack
 *   a header past the first buffer of a multi-buffer frame
 *       -> XDP_PASS, unclassified (counted as split; see below)
 *
 * "Malformed" means an IPv4/IPv6 header that is truncated or has a bad
 * version/IHL, a total/payload length longer than the frame (all of its
 * buffers), or a UDP/TCP header that does not fit the IP payload. Frames
 * too short to show the fields a rule needs simply do not match that rule.
 * Ethernet padding (frame longer than the IP length) is normal and not
 * malformed, and so is the UDP length of a first fragment, which is the
 * whole datagram's.
 *
 * Route flavour (route = 1, for `xskfwd route`): a chosen, well-formed
 * frame is redirected only when the fast path can forward it exactly as the
 * kernel would. The kernel's own FIB and neighbour tables decide
 * (bpf_fib_lookup with the ingress interface, MTU checked); the egress port
 * and the new MACs go to the poller in the frame's XDP metadata (struct
 * xf_route_meta), and the poller rewrites the headers. Everything else is
 * XDP_PASS, counted by reason (XF_CNT_SLOW_*): the kernel then does what a
 * router must (ICMP errors, ARP/ND, local delivery, fragmentation). A frame
 * with two reasons is counted by the one the kernel acts on: the route
 * (local, unreachable) before the TTL, the TTL before the MTU and the
 * neighbour. A destination with no route at all counts as local:
 * bpf_fib_lookup() says NOT_FWDED for both. Not
 * taken on the fast path, by choice: VLAN-tagged frames (the kernel routes
 * them through its VLAN devices), IPv4 options (record route and the like
 * must be processed) and IPv6 extension headers (hop-by-hop must be
 * examined by every router; the others are rare enough to leave to it).
 * IPv4 fragments are forwarded as they are, as the kernel does. A
 * multi-buffer frame is routed like any other: the headers the lookup
 * reads are in the first buffer (parse() saw to it), the FIB's MTU check
 * gets the IP length from the header (the whole datagram's, not the first
 * buffer's), and the metadata goes in front of the first buffer
 * (bpf_xdp_adjust_meta() works on it alone), where the AF_XDP consumer
 * finds it before the chain's first descriptor.
 *
 * Multi-buffer frames (xdp.frags): a frame longer than the driver's first
 * buffer comes in several, and data_end ends the first. Every length is
 * checked against the whole frame (bpf_xdp_get_buff_len(), asked only when
 * the first buffer is too short for a check, so never for a well-formed
 * single-buffer frame); headers are read only from the first buffer. A
 * frame whose headers (as far as the parser reads: Ethernet, VLAN tags,
 * IP, IPv6 extension headers, the L4 ports) run past the first buffer is
 * XDP_PASS, counted as split (XF_CNT_PASS_SPLIT), whatever the rules: it
 * is neither classified nor judged malformed. Not copied out with
 * bpf_xdp_load_bytes(), by choice: in copy mode (every driver, veth and
 * skb mode included) the first buffer holds at least the first ~3.5 KB of
 * a frame (a page less headroom and tailroom), and zero-copy drivers give a
 * whole UMEM chunk (2 or 4 KB less headroom), so only a pathological
 * header chain or a driver splitting inside the headers gets there; a
 * second parser over a stack copy (the verifier allows no packet-pointer
 * checks on it) would double the code for them. The kernel gets those
 * frames, and the counter says how many there are. Single-buffer frames get
 * exactly the verdicts they had before.
 *
 * One instance of this object is loaded per interface, so each interface has
 * its own rules, socket map and counters. Rules (and in the route flavour
 * the egress ports) are written by user space before any socket is put into
 * xf_xsks; nr_rules, route and port_mac are fixed at load time.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "xskfwd_shared.h"

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT 4
#define IP_OFFSET_MASK 0x1fff
#define IP_MF_FLAG 0x2000

const volatile __u32 nr_rules = 0;
const volatile __u32 route = 0;	      /* the route flavour */
const volatile __u8 port_mac[6] = {}; /* route: this interface's MAC */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XF_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xf_rule);
} xf_rules SEC(".maps");

/* max_entries is set by user space to the highest served queue + 1. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xf_xsks SEC(".maps");

/* Route flavour: ifindex -> port index of every port of the instance. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XF_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} xf_egress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xf_counters SEC(".maps");

/* Run before other programs in a libxdp dispatcher; chain on XDP_PASS. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xskfwd_xdp);

struct vlan_hdr_ {
	__be16 tci;
	__be16 proto;
};

/* What the parser learned about one frame. */
struct pkt {
	__u16 ethertype;
	__u16 vlan_id;
	__u8 has_vlan;
	__u8 family; /* 0: not IP */
	__u8 proto;
	__u8 has_proto;
	__u8 has_ports;
	__u8 malformed;
	__u8 first_frag; /* offset 0, more fragments follow */
	__u8 split;	 /* a header runs past the first buffer: not parsed */
	__u32 flen;	 /* the whole frame's length, once asked (0: not yet) */
	__u16 sport;
	__u16 dport;
	__u32 src[4];
	__u32 dst[4];
};

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&xf_counters, &which);

	if (v)
		*v += 1;
}

/*
 * The whole frame's length, first buffer and fragments. Asked only when a
 * check fails against the first buffer (data_end), which a single-buffer
 * frame that is well formed never does: no helper call on the common path.
 */
static __always_inline __u32 frame_len(struct xdp_md *ctx, struct pkt *p)
{
	if (!p->flen)
		p->flen = bpf_xdp_get_buff_len(ctx);
	return p->flen;
}

/*
 * The @end first bytes of the frame are not all in the first buffer: are
 * they in the frame? If so the header is split across buffers (noted in
 * p->split, 1 returned); if not the frame is too short (0).
 */
static __always_inline int split_at(struct xdp_md *ctx, __u32 end, struct pkt *p)
{
	if (end > frame_len(ctx, p))
		return 0;
	p->split = 1;
	return 1;
}

/* L4 header at @l4 (@off bytes into the frame) with @len bytes of IP payload. */
static __always_inline void parse_l4(struct xdp_md *ctx, void *l4, void *data_end, __u32 off,
				     __u32 len, struct pkt *p)
{
	if (p->proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if (len < sizeof(*udp)) {
			p->malformed = 1;
			return;
		}
		/* The IP payload is in the frame, so are these 8 bytes. */
		if ((void *)(udp + 1) > data_end) {
			split_at(ctx, off + sizeof(*udp), p);
			return;
		}
		/* A first fragment's UDP length counts the later fragments too. */
		if (bpf_ntohs(udp->len) < sizeof(*udp) ||
		    (bpf_ntohs(udp->len) > len && !p->first_frag))
			p->malformed = 1;
		p->sport = bpf_ntohs(udp->source);
		p->dport = bpf_ntohs(udp->dest);
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if (len < sizeof(*tcp)) {
			p->malformed = 1;
			return;
		}
		if ((void *)(tcp + 1) > data_end) {
			split_at(ctx, off + sizeof(*tcp), p);
			return;
		}
		if (tcp->doff < 5 || tcp->doff * 4 > len)
			p->malformed = 1;
		p->sport = bpf_ntohs(tcp->source);
		p->dport = bpf_ntohs(tcp->dest);
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_SCTP) {
		__be16 *ports = l4; /* source, destination: first of a 12-byte header */

		if (len < 12) {
			p->malformed = 1;
			return;
		}
		if ((void *)l4 + 12 > data_end) {
			split_at(ctx, off + 12, p);
			return;
		}
		p->sport = bpf_ntohs(ports[0]);
		p->dport = bpf_ntohs(ports[1]);
		p->has_ports = 1;
	}
}

/*
 * The IP header at @l3, @off bytes into the frame. Its total length is
 * checked against the whole frame (the first buffer and any fragments);
 * the header itself is read only from the first buffer.
 */
static __always_inline void parse_ipv4(struct xdp_md *ctx, void *l3, void *data_end, __u32 off,
				       struct pkt *p)
{
	struct iphdr *iph = l3;
	__u32 hlen, tot, frag;

	p->family = 4;
	if ((void *)(iph + 1) > data_end) {
		if (!split_at(ctx, off + sizeof(*iph), p))
			p->malformed = 1;
		return;
	}
	p->src[0] = iph->saddr;
	p->dst[0] = iph->daddr;
	p->proto = iph->protocol;
	p->has_proto = 1;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (iph->version != 4 || hlen < sizeof(*iph) || tot < hlen ||
	    ((void *)iph + tot > data_end && off + tot > frame_len(ctx, p))) {
		p->malformed = 1;
		return;
	}
	frag = bpf_ntohs(iph->frag_off);
	if (frag & IP_OFFSET_MASK)
		return; /* not the first fragment: no L4 header */
	p->first_frag = !!(frag & IP_MF_FLAG);
	parse_l4(ctx, (void *)iph + hlen, data_end, off + hlen, tot - hlen, p);
}

/* The IPv6 header at @l3, @off bytes into the frame: as parse_ipv4(). */
static __always_inline void parse_ipv6(struct xdp_md *ctx, void *l3, void *data_end, __u32 off,
				       struct pkt *p)
{
	struct ipv6hdr *ip6 = l3;
	void *cur;
	__u32 left, i;
	__u8 next;

	p->family = 6;
	if ((void *)(ip6 + 1) > data_end) {
		if (!split_at(ctx, off + sizeof(*ip6), p))
			p->malformed = 1;
		return;
	}
	__builtin_memcpy(p->src, &ip6->saddr, 16);
	__builtin_memcpy(p->dst, &ip6->daddr, 16);
	left = bpf_ntohs(ip6->payload_len);
	off += sizeof(*ip6);
	if (ip6->version != 6 ||
	    ((void *)(ip6 + 1) + left > data_end && off + left > frame_len(ctx, p))) {
		p->malformed = 1;
		return;
	}
	next = ip6->nexthdr;
	cur = ip6 + 1;
	for (i = 0; i < MAX_IPV6_EXT; i++) {
		__u8 *ext = cur;
		__u32 len;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS &&
		    next != IPPROTO_FRAGMENT && next != IPPROTO_AH)
			break;
		if (left < 8) {
			p->malformed = 1;
			return;
		}
		/* The payload is in the frame, so are these 8 bytes. */
		if ((void *)(ext + 8) > data_end) {
			split_at(ctx, off + 8, p);
			return;
		}
		if (next == IPPROTO_FRAGMENT) {
			len = 8;
			/* offset in bytes 2-3, upper 13 bits */
			if ((((__u16)ext[2] << 8 | ext[3]) & 0xfff8) != 0) {
				p->proto = ext[0];
				p->has_proto = 1;
				return; /* not the first fragment */
			}
			p->first_frag = ext[3] & 1; /* M flag */
		} else if (next == IPPROTO_AH) {
			len = ((__u32)ext[1] + 2) * 4;
		} else {
			len = ((__u32)ext[1] + 1) * 8;
		}
		if (len > left) {
			p->malformed = 1;
			return;
		}
		next = ext[0];
		cur += len;
		off += len;
		left -= len;
	}
	p->proto = next;
	p->has_proto = 1;
	parse_l4(ctx, cur, data_end, off, left, p);
}

static __always_inline void parse(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	void *cur;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > data_end) {
		split_at(ctx, off, p);
		return;
	}
	proto = bpf_ntohs(eth->h_proto);
	cur = eth + 1;
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		struct vlan_hdr_ *vh = cur;

		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_)
			break;
		if ((void *)(vh + 1) > data_end) {
			split_at(ctx, off + sizeof(*vh), p);
			return;
		}
		if (!p->has_vlan) {
			p->vlan_id = bpf_ntohs(vh->tci) & 0x0fff;
			p->has_vlan = 1;
		}
		proto = bpf_ntohs(vh->proto);
		cur = vh + 1;
		off += sizeof(*vh);
	}
	p->ethertype = proto;
	if (proto == ETH_P_IP)
		parse_ipv4(ctx, cur, data_end, off, p);
	else if (proto == ETH_P_IPV6)
		parse_ipv6(ctx, cur, data_end, off, p);
}

static __always_inline int prefix_match(const __u32 *addr, const __u32 *val, const __u32 *mask)
{
	return ((addr[0] & mask[0]) == val[0]) && ((addr[1] & mask[1]) == val[1]) &&
	       ((addr[2] & mask[2]) == val[2]) && ((addr[3] & mask[3]) == val[3]);
}

static __always_inline int rule_match(const struct xf_rule *r, const struct pkt *p)
{
	__u32 f = r->fields;

	if ((f & XF_F_ETHERTYPE) && p->ethertype != r->ethertype)
		return 0;
	if ((f & XF_F_VLAN) && (!p->has_vlan || p->vlan_id != r->vlan_id))
		return 0;
	if ((f & XF_F_FAMILY) && p->family != r->family)
		return 0;
	if ((f & XF_F_PROTO) && (!p->has_proto || p->proto != r->proto))
		return 0;
	if ((f & XF_F_SRC) && !prefix_match(p->src, r->src, r->src_mask))
		return 0;
	if ((f & XF_F_DST) && !prefix_match(p->dst, r->dst, r->dst_mask))
		return 0;
	if ((f & XF_F_SPORT) && (!p->has_ports || p->sport < r->sport_lo || p->sport > r->sport_hi))
		return 0;
	if ((f & XF_F_DPORT) && (!p->has_ports || p->dport < r->dport_lo || p->dport > r->dport_hi))
		return 0;
	return 1;
}

static __always_inline int chosen(const struct pkt *p)
{
	__u32 i;

	if (nr_rules == 0)
		return 1;
	for (i = 0; i < XF_MAX_RULES; i++) {
		/*
		 * The key is a copy: were &i passed, i would live in a 4-byte
		 * stack slot, which the verifier does not track, and with
		 * i unbounded it refuses the loop ("infinite loop detected")
		 * for any nr_rules above 1.
		 */
		__u32 key = i;
		struct xf_rule *r;

		if (i >= nr_rules)
			break;
		r = bpf_map_lookup_elem(&xf_rules, &key);
		if (r && rule_match(r, p))
			return 1;
	}
	return 0;
}

#define AF_INET_ 2
#define AF_INET6_ 10

/* An IPv4 address no router forwards from or to: 0/8, 127/8, 224/4 and up. */
static __always_inline int martian4(__be32 a)
{
	__u8 top = bpf_ntohl(a) >> 24;

	return top == 0 || top == 127 || top >= 224;
}

/* IPv6: unspecified, loopback, link-local (fe80::/10), multicast (ff00::/8). */
static __always_inline int martian6(const struct in6_addr *a)
{
	__u32 w0 = bpf_ntohl(a->in6_u.u6_addr32[0]);

	if ((w0 >> 24) == 0xff || (w0 >> 22) == (0xfe80 >> 6))
		return 1;
	return w0 == 0 && a->in6_u.u6_addr32[1] == 0 && a->in6_u.u6_addr32[2] == 0 &&
	       (a->in6_u.u6_addr32[3] == 0 || a->in6_u.u6_addr32[3] == bpf_htonl(1));
}

static __always_inline int ipv6_ext(__u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
	       next == IPPROTO_FRAGMENT || next == IPPROTO_AH || next == IPPROTO_ESP ||
	       next == 59 /* no next header */;
}

/* Is @mac this port's own address? (clang 14 has no memcmp for BPF.) */
static __always_inline int mac_is_ours(const __u8 *mac)
{
	int i;

	for (i = 0; i < 6; i++)
		if (mac[i] != port_mac[i])
			return 0;
	return 1;
}

/* The slow-path reason for a bpf_fib_lookup() result other than success. */
static __always_inline __u32 fib_reason(long rc)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return XF_CNT_SLOW_NO_NEIGH;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		return XF_CNT_SLOW_LOCAL;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return XF_CNT_SLOW_UNREACHABLE;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		return XF_CNT_SLOW_TOO_BIG;
	default: /* FWD_DISABLED, UNSUPP_LWT, errors */
		return XF_CNT_SLOW_OTHER;
	}
}

/*
 * Fill @fib from the untagged IPv4 frame at @data, and *@ttl; a slow reason,
 * or 0. The TTL is not judged here: see route_frame().
 */
static __always_inline __u32 fib_ipv4(void *data, void *data_end, struct bpf_fib_lookup *fib,
				      __u8 *ttl)
{
	struct iphdr *iph = data + sizeof(struct ethhdr);

	if ((void *)(iph + 1) > data_end)
		return XF_CNT_SLOW_UNHANDLED;
	if (iph->ihl != 5)
		return XF_CNT_SLOW_UNHANDLED;
	if (martian4(iph->saddr) || martian4(iph->daddr))
		return XF_CNT_SLOW_LOCAL;
	*ttl = iph->ttl;
	fib->family = AF_INET_;
	fib->tos = iph->tos;
	fib->l4_protocol = iph->protocol;
	fib->tot_len = bpf_ntohs(iph->tot_len);
	fib->ipv4_src = iph->saddr;
	fib->ipv4_dst = iph->daddr;
	return 0;
}

static __always_inline __u32 fib_ipv6(void *data, void *data_end, struct bpf_fib_lookup *fib,
				      __u8 *ttl)
{
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	if ((void *)(ip6 + 1) > data_end)
		return XF_CNT_SLOW_UNHANDLED;
	if (ipv6_ext(ip6->nexthdr))
		return XF_CNT_SLOW_UNHANDLED;
	if (martian6(&ip6->saddr) || martian6(&ip6->daddr))
		return XF_CNT_SLOW_LOCAL;
	*ttl = ip6->hop_limit;
	fib->family = AF_INET6_;
	fib->flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0fffffff);
	fib->l4_protocol = ip6->nexthdr;
	fib->tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	__builtin_memcpy(fib->ipv6_src, &ip6->saddr, 16);
	__builtin_memcpy(fib->ipv6_dst, &ip6->daddr, 16);
	return 0;
}

/*
 * Route flavour: may the fast path forward this chosen, well-formed frame?
 * Returns 0 with the metadata written for the poller, or the XF_CNT_SLOW_*
 * reason to pass it to the kernel.
 */
static __always_inline __u32 route_frame(struct xdp_md *ctx, const struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct xf_route_meta *m;
	__u32 reason, *port;
	__u8 ttl = 0;
	long rc;

	if (p->has_vlan || !p->family || (void *)(eth + 1) > data_end)
		return XF_CNT_SLOW_UNHANDLED;
	/* The kernel drops a frame for another host's MAC (PACKET_OTHERHOST)
	 * and delivers broadcast and multicast frames locally. */
	if (!mac_is_ours(eth->h_dest))
		return XF_CNT_SLOW_LOCAL;
	reason = p->family == 4 ? fib_ipv4(data, data_end, &fib, &ttl)
				: fib_ipv6(data, data_end, &fib, &ttl);
	if (reason)
		return reason;
	if (p->has_ports) {
		fib.sport = bpf_htons(p->sport); /* multipath hashing */
		fib.dport = bpf_htons(p->dport);
	}
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	/*
	 * The kernel's order: the route first (a frame for this host is
	 * delivered whatever its TTL, an unreachable one gets ICMP
	 * unreachable), then the TTL of a frame it would forward, then the
	 * MTU and the neighbour.
	 */
	if (ttl <= 1 && (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH ||
			 rc == BPF_FIB_LKUP_RET_FRAG_NEEDED))
		return XF_CNT_SLOW_TTL;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return fib_reason(rc);
	/* Back out of the ingress port: the kernel would also send a redirect. */
	if (fib.ifindex == ctx->ingress_ifindex)
		return XF_CNT_SLOW_NOT_OURS;
	port = bpf_map_lookup_elem(&xf_egress, &fib.ifindex);
	if (!port)
		return XF_CNT_SLOW_NOT_OURS;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return XF_CNT_SLOW_OTHER;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > (void *)(long)ctx->data)
		return XF_CNT_SLOW_OTHER;
	__builtin_memcpy(m->dmac, fib.dmac, 6);
	__builtin_memcpy(m->smac, fib.smac, 6);
	m->port = *port;
	m->magic = XF_ROUTE_META_MAGIC;
	return 0;
}

SEC("xdp.frags")
int xskfwd_xdp(struct xdp_md *ctx)
{
	struct pkt p = {};
	long ret;

	parse(ctx, &p);
	if (p.split) {
		count(XF_CNT_PASS_SPLIT);
		return XDP_PASS;
	}
	if (!chosen(&p)) {
		count(XF_CNT_PASS_NOMATCH);
		return XDP_PASS;
	}
	if (p.malformed) {
		count(XF_CNT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (route) {
		__u32 reason = route_frame(ctx, &p);

		if (reason) {
			count(reason);
			return XDP_PASS;
		}
	}
	/* XDP_PASS is the action when no socket is bound to this queue. */
	ret = bpf_redirect_map(&xf_xsks, ctx->rx_queue_index, XDP_PASS);
	count(ret == XDP_REDIRECT ? XF_CNT_REDIRECTED : XF_CNT_PASS_NOSOCK);
	return ret;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
