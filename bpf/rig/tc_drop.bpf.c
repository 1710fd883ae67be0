// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A drop sink at tc ingress (clsact + this program, direct action): every
 * skb that reaches it is counted and dropped (TC_ACT_SHOT). The benchmark
 * uses it on sink0 for the paths that deliver skbs (the kernel's IPv4
 * forwarding, the bridge, AF_XDP copy-mode TX). Unlike an XDP program on a
 * veth, it costs every skb the same: veth runs XDP on an skb only after
 * copying it into a fresh page when it has less than 256 bytes of headroom
 * (XDP_PACKET_HEADROOM), which AF_XDP copy-mode TX skbs have and
 * kernel-forwarded skbs do not, so an XDP sink would charge some paths a
 * copy and not others. (cls_matchall, the other cheap drop, is not in
 * this kernel.)
 *
 *   ip netns exec NS tc qdisc add dev DEV clsact
 *   ip netns exec NS tc filter add dev DEV ingress bpf da obj tc_drop.bpf.o sec tc
 *
 * sink_stats (per-CPU array; bpftool map dump, sum over CPUs):
 *   slot 0  every skb
 *   slot 1  the generator's frames: IPv4 (no options) or IPv6 UDP to
 *           port 9000 (XF_GEN_DEFAULT_DPORT), so that a loss count is not
 *           hidden by other traffic (neighbour discovery, MLD)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define GEN_DPORT 9000

enum { SINK_ALL, SINK_GEN, SINK_NSTATS };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_NSTATS);
	__type(key, __u32);
	__type(value, __u64);
} sink_stats SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&sink_stats, &slot);

	if (c)
		(*c)++; /* per-CPU: the only writer */
}

static __always_inline int gen_frame(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;

	if ((void *)(eth + 1) > end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
			return 0;
		udp = (void *)(ip + 1);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return 0;
		udp = (void *)(ip6 + 1);
	} else {
		return 0;
	}
	return (void *)(udp + 1) <= end && udp->dest == bpf_htons(GEN_DPORT);
}

SEC("tc")
int rig_tc_drop(struct __sk_buff *skb)
{
	count(SINK_ALL);
	if (gen_frame(skb))
		count(SINK_GEN);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
