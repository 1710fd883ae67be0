// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The kernel's fastest forwarding path, as a baseline: XDP_REDIRECT of every
 * frame through a devmap to the port given for its ingress interface
 * (xf_rig_ports: ingress ifindex -> egress ifindex, written by the
 * benchmark with bpftool). One loaded instance serves both directions.
 * Frags-aware (xdp.frags): a 9000-byte frame is redirected whole, as a
 * multi-buffer xdp_frame, which veth's ndo_xdp_xmit takes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} xf_rig_ports SEC(".maps");

SEC("xdp.frags")
int rig_devmap(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xf_rig_ports, ctx->ingress_ifindex, XDP_DROP);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
