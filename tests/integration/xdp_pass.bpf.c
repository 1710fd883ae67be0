// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A foreign XDP program (not xskfwd's): the tests attach it with iproute2 to
 * check that xskfwd never removes a program that is not its own. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int foreign_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
