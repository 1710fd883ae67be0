// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * In-kernel XDP routing, the baseline of the routing benchmark: what
 * xdp-tools' xdp-forward (xdp_forward.bpf.c) does, in its full-lookup mode.
 *
 * Per frame: an IPv4 or IPv6 header right after the Ethernet header is
 * looked up with bpf_fib_lookup() in the kernel's FIB and neighbour table,
 * from the ingress interface, with the packet's length (so the egress MTU
 * is checked). On BPF_FIB_LKUP_RET_SUCCESS the frame is edited in place,
 * as the kernel's forwarding would: TTL decremented with the IPv4 header
 * checksum updated incrementally (RFC 1624: the TTL is the high byte of its
 * 16-bit word, so the sum gains 0x0100), or hop limit decremented; the
 * destination MAC becomes the neighbour's and the source MAC the egress
 * port's. It then leaves through bpf_redirect_map() into xf_rig_ports, a
 * DEVMAP_HASH of the ports keyed by ifindex (the benchmark writes each
 * port's ifindex -> itself with bpftool). Everything else, including an
 * egress that is not in the map, goes to the kernel (XDP_PASS), which then
 * does what a router must (ICMP errors, ARP/ND); a frame too short for its
 * headers is dropped.
 *
 * fib_stats (per-CPU array) counts the frames by bpf_fib_lookup()'s result
 * (slot = BPF_FIB_LKUP_RET_*, 0 = SUCCESS), plus FIB_STAT_NOT_IP and
 * FIB_STAT_TTL: the benchmark reads it to show that every frame took the
 * fast path. One loaded instance serves every port.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define AF_INET 2
#define AF_INET6 10
#define IPV6_FLOWINFO_MASK bpf_htonl(0x0FFFFFFF)

enum { FIB_STAT_NOT_IP = 14, FIB_STAT_TTL = 15, FIB_NSTATS = 16 };

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u32);
} xf_rig_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FIB_NSTATS);
	__type(key, __u32);
	__type(value, __u64);
} fib_stats SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c;

	if (slot >= FIB_NSTATS)
		slot = FIB_NSTATS - 1;
	c = bpf_map_lookup_elem(&fib_stats, &slot);
	if (c)
		(*c)++; /* per-CPU: the only writer */
}

/* RFC 1624 eqn. 3 for a TTL decrement: HC' = HC + 0x0100 (end-around carry). */
static __always_inline void ip_decrease_ttl(struct iphdr *iph)
{
	__u32 check = (__u32)iph->check;

	check += (__u32)bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

SEC("xdp")
int rig_fib(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6h = NULL;
	struct iphdr *iph = NULL;
	int rc;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		iph = (void *)(eth + 1);
		if ((void *)(iph + 1) > data_end)
			return XDP_DROP;
		if (iph->ttl <= 1) {
			count(FIB_STAT_TTL);
			return XDP_PASS; /* the kernel sends Time Exceeded */
		}
		fib.family = AF_INET;
		fib.tos = iph->tos;
		fib.l4_protocol = iph->protocol;
		fib.tot_len = bpf_ntohs(iph->tot_len);
		fib.ipv4_src = iph->saddr;
		fib.ipv4_dst = iph->daddr;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		ip6h = (void *)(eth + 1);
		if ((void *)(ip6h + 1) > data_end)
			return XDP_DROP;
		if (ip6h->hop_limit <= 1) {
			count(FIB_STAT_TTL);
			return XDP_PASS;
		}
		fib.family = AF_INET6;
		fib.flowinfo = *(__be32 *)ip6h & IPV6_FLOWINFO_MASK;
		fib.l4_protocol = ip6h->nexthdr;
		fib.tot_len = bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(fib.ipv6_src, &ip6h->saddr, sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, &ip6h->daddr, sizeof(fib.ipv6_dst));
	} else {
		count(FIB_STAT_NOT_IP);
		return XDP_PASS;
	}
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	count((__u32)rc);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS; /* no neighbour, local, unreachable, too big ... */
	if (iph)
		ip_decrease_ttl(iph);
	else if (ip6h)
		ip6h->hop_limit--;
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return bpf_redirect_map(&xf_rig_ports, fib.ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
