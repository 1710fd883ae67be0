// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP_DROP for every frame: the benchmark's neutral sink. Dropping in XDP
 * is the cheapest receive there is, so a path's rate is measured, not the
 * sink's. veth counts these per queue (ethtool -S: rx_queue_N_xdp_drops).
 * Frags-aware (xdp.frags), so it attaches to a veth of any MTU (9000 too).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp.frags")
int rig_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
