// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Random loss for the rig (netem is not in this kernel): XDP_DROP about 5%
 * of the frames a veth receives, chosen by bpf_get_prandom_u32(), XDP_PASS
 * the rest. Neighbour resolution is never hurt: ARP (also behind one
 * 802.1Q tag) and IPv6 neighbour discovery (ICMPv6 133..137 right after
 * the IPv6 header) always pass, so a test's loss is the data's alone.
 *
 * Attach: ip -n NS link set dev DEV xdp obj build/rig/xdp_lossy.bpf.o sec xdp
 *
 * lossy_stats (per-CPU array, one writer per slot per CPU) counts frames
 * seen, dropped and spared (ARP/ND); bpftool map dump sums them per CPU.
 * lossy_cfg[0] is the drop rate in parts per million, 0 meaning the
 * default 50000 (5%); 1000000 drops everything else. Set it with
 *   bpftool map update id ID key 0 0 0 0 value <u32, little endian>
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define LOSSY_DEFAULT_PPM 50000

enum { LOSSY_SEEN, LOSSY_DROPPED, LOSSY_SPARED, LOSSY_NSTATS };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSSY_NSTATS);
	__type(key, __u32);
	__type(value, __u64);
} lossy_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lossy_cfg SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&lossy_stats, &slot);

	if (c)
		(*c)++; /* per-CPU: this CPU is the only writer */
}

/* ARP, or IPv6 neighbour discovery / router discovery / redirect. */
static __always_inline int neighbour(void *data, void *end)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__u16 proto;

	if (l3 > end)
		return 0;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		__u16 *inner = l3;

		if ((void *)(inner + 2) > end)
			return 0;
		proto = inner[1];
		l3 = inner + 2;
	}
	if (proto == bpf_htons(ETH_P_ARP))
		return 1;
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		__u8 *type = (__u8 *)(ip6 + 1);

		if ((void *)(type + 1) > end)
			return 0;
		return ip6->nexthdr == IPPROTO_ICMPV6 && *type >= 133 && *type <= 137;
	}
	return 0;
}

SEC("xdp")
int rig_lossy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 key = 0, ppm = LOSSY_DEFAULT_PPM, *cfg;

	count(LOSSY_SEEN);
	if (neighbour(data, end)) {
		count(LOSSY_SPARED);
		return XDP_PASS;
	}
	cfg = bpf_map_lookup_elem(&lossy_cfg, &key);
	if (cfg && *cfg)
		ppm = *cfg;
	/* A uniform 32-bit number scaled to 0..999999. */
	if ((((__u64)bpf_get_prandom_u32() * 1000000) >> 32) < ppm) {
		count(LOSSY_DROPPED);
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
