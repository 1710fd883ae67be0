// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP_PASS for every frame. The rig attaches it where a veth needs an XDP
 * program without deciding anything: a veth accepts frames redirected into
 * it (ndo_xdp_xmit) only when its peer runs XDP. The tests also use it as a
 * "foreign" program that xskfwd must never remove.
 * Frags-aware (xdp.frags), so it attaches to a veth of any MTU (9000 too).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp.frags")
int foreign_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
