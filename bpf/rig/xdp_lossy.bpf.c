// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Random loss for the rig (temporary, test_serve's own until the rig's
 * shared lossy program lands): XDP_DROP about 5% of received frames, chosen
 * by bpf_get_prandom_u32(), every kind of frame alike. Attached to a
 * client's veth it loses what the server sends, as netem would (this kernel
 * has no netem).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int rig_lossy(struct xdp_md *ctx)
{
	(void)ctx;
	return bpf_get_prandom_u32() % 100 < 5 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
