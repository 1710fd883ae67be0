// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test-only: drop every frame. Attached with iproute2 to a veth peer, it lets
 * the generator's frames be taken (a veth peer needs an XDP program for the
 * live engine's XDP_TX) and counted (ethtool -S: rx_queue_N_xdp_drops)
 * without anything else running there; used to measure the generator. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int test_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
