// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The live engine of `xskfwd gen`: an XDP program run by BPF_PROG_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES (the technique of xdp-tools' xdp-trafficgen).
 * User space hands the kernel one template frame; the kernel runs this
 * program on copies of it, `repeat` times, and sends every frame the
 * program returns XDP_TX for out of the interface given as the run's
 * ingress_ifindex (as a redirect: ndo_xdp_xmit of that interface).
 *
 * Per frame the program writes only the fields that vary: the payload
 * (struct xf_gen_payload: magic, stream = this CPU, seq = this CPU's
 * counter, tx_ns = bpf_ktime_get_ns(), i.e. CLOCK_MONOTONIC) and the UDP
 * source port (sport + seq % flows). Over IPv6 it also sets the UDP
 * checksum, from the template's precomputed sum; over IPv4 the checksum
 * stays 0. Within a run the kernel sends the same few pages again and
 * again (its page pool recycles a page once the receiver frees the frame)
 * without copying the template into them again, so nothing here may depend
 * on what a frame held before: every varying field is written whole, and
 * the checksum is computed from the template's sum, never updated from the
 * frame's old value.
 *
 * A receiver may also have edited the page before it came back: a router
 * (the kernel's IP forwarding, an XDP program such as xdp-forward) rewrites
 * the MACs and decrements the TTL in place, and the next frame sent from
 * that page would then carry the router's output instead of the template
 * (not addressed to the router, TTL one lower each time round). So every
 * frame first gets the template's first bytes back (tmpl_head: the
 * Ethernet, IP and UDP headers and the start of the payload, which the
 * stamp then overwrites), and then is stamped.
 *
 * xf_gen_seq holds, per CPU, the number of frames this program has handed
 * to the kernel to send: the next sequence number of that CPU's stream, and
 * the generator's "sent" count. xf_gen_probe is a do-nothing program that
 * user space runs once to learn whether the kernel supports live frames.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xskfwd_gen_shared.h"

/* Set by user space before load (the skeleton's rodata). */
const volatile __u8 ipv6 = 0;
const volatile __u16 sport = XF_GEN_DEFAULT_SPORT; /* host order */
const volatile __u32 flows = 1;
/*
 * IPv6: the template's UDP checksum sum (pseudo-header, UDP header and
 * payload, as 16-bit words in memory order, folded to 16 bits), taken with
 * the source port, stream, seq and tx_ns all zero.
 */
const volatile __u32 csum_base = 0;
/*
 * The template's first 64 bytes, whole 64-bit words: the headers (14 + 20
 * + 8 = 42 bytes over IPv4, 14 + 40 + 8 = 62 over IPv6) and the start of
 * the payload. A frame is at least 64 (IPv4) or 84 (IPv6) bytes long.
 */
#define HEAD_WORDS4 6 /* 48 bytes: the headers and 6 of the payload */
#define HEAD_WORDS6 8 /* 64 bytes: the headers and 2 of the payload */
const volatile __u64 tmpl_head[HEAD_WORDS6] = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xf_gen_seq SEC(".maps");

#define UDP_OFF4 (sizeof(struct ethhdr) + sizeof(struct iphdr))
#define UDP_OFF6 (sizeof(struct ethhdr) + sizeof(struct ipv6hdr))

/* The four 16-bit words of a u64, as a checksum sees them in memory. */
static __always_inline __u64 words64(__u64 v)
{
	return (v & 0xffff) + ((v >> 16) & 0xffff) + ((v >> 32) & 0xffff) + (v >> 48);
}

static __always_inline __u16 fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * Stamp the frame whose UDP header is at @off. The payload fields sit at
 * offsets that need not be aligned (the struct is packed); they are written
 * with plain wide stores, which the verifier allows on architectures with
 * efficient unaligned access (x86-64, arm64).
 */
static __always_inline int stamp(struct xdp_md *ctx, const __u32 off, const int v6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = data + off;
	void *pl = udp + 1;
	__u32 key = 0, cpu;
	__u64 *cnt, seq, now;
	__u16 port;

	if (pl + sizeof(struct xf_gen_payload) > data_end)
		return XDP_ABORTED;
	/* The headers as the template has them (see above): the payload
	 * ends at 64 (IPv4) or 84 (IPv6), beyond the words copied. */
	if (v6) {
#pragma unroll
		for (int i = 0; i < HEAD_WORDS6; i++)
			((__u64 *)data)[i] = tmpl_head[i];
	} else {
#pragma unroll
		for (int i = 0; i < HEAD_WORDS4; i++)
			((__u64 *)data)[i] = tmpl_head[i];
	}
	cnt = bpf_map_lookup_elem(&xf_gen_seq, &key);
	if (!cnt)
		return XDP_ABORTED;
	seq = *cnt;
	*cnt = seq + 1;
	cpu = bpf_get_smp_processor_id();
	now = bpf_ktime_get_ns();
	port = sport;
	if (flows > 1)
		port += (__u16)(seq % flows);

	*(__u32 *)(pl + __builtin_offsetof(struct xf_gen_payload, magic)) = XF_GEN_MAGIC;
	*(__u16 *)(pl + __builtin_offsetof(struct xf_gen_payload, stream)) = (__u16)cpu;
	*(__u64 *)(pl + __builtin_offsetof(struct xf_gen_payload, seq)) = seq;
	*(__u64 *)(pl + __builtin_offsetof(struct xf_gen_payload, tx_ns)) = now;
	udp->source = bpf_htons(port);
	if (v6) {
		/* Every field added is at an even offset from the UDP header,
		 * so its memory-order words are the checksum's words. */
		__u64 sum = csum_base + (__u16)cpu + bpf_htons(port) + words64(seq) + words64(now);
		__u16 c = ~fold(sum);

		udp->check = c ? c : 0xffff; /* 0 means "no checksum": not allowed over IPv6 */
	}
	return XDP_TX;
}

SEC("xdp")
int xf_gen_live(struct xdp_md *ctx)
{
	if (ipv6)
		return stamp(ctx, UDP_OFF6, 1);
	return stamp(ctx, UDP_OFF4, 0);
}

/* Run once with BPF_F_TEST_XDP_LIVE_FRAMES: sends nothing. */
SEC("xdp")
int xf_gen_probe(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
