// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The counters every mode reports (counters.h). */
#include <string.h>

#include "counters.h"
#include "xskfwd_shared.h"

static const char *const counter_names[XF_CNT_MAX] = {
	[XF_CNT_REDIRECTED] = "xdp_redirected",
	[XF_CNT_PASS_NOMATCH] = "xdp_pass_nomatch",
	[XF_CNT_PASS_NOSOCK] = "xdp_pass_nosock",
	[XF_CNT_DROP_MALFORMED] = "xdp_drop_malformed",
	[XF_CNT_PASS_SPLIT] = "xdp_pass_split",
	[XF_CNT_SLOW_TTL] = "xdp_slow_ttl",
	[XF_CNT_SLOW_NO_NEIGH] = "xdp_slow_no_neigh",
	[XF_CNT_SLOW_LOCAL] = "xdp_slow_local",
	[XF_CNT_SLOW_UNREACHABLE] = "xdp_slow_unreachable",
	[XF_CNT_SLOW_TOO_BIG] = "xdp_slow_too_big",
	[XF_CNT_SLOW_NOT_OURS] = "xdp_slow_not_ours",
	[XF_CNT_SLOW_UNHANDLED] = "xdp_slow_unhandled",
	[XF_CNT_SLOW_OTHER] = "xdp_slow_other",
};

const char *xf_counter_name(int k)
{
	return k >= 0 && k < XF_CNT_MAX ? counter_names[k] : NULL;
}

void xf_port_counters_out(struct xf_out *o, const uint64_t *xdp, int n)
{
	struct xo_field f[XF_CNT_MAX];
	int k;

	for (k = 0; k < n && k < XF_CNT_MAX; k++)
		f[k] = (struct xo_field){ counter_names[k], xdp[k] };
	xo_u64_fields(o, f, k, '=');
}

size_t xf_sock_stats_fields(const struct rl_xdp_stats *k, bool tx, struct xo_field *f)
{
	const struct xo_field all[XF_SOCK_FIELDS] = {
		{ "rx_dropped", k->rx_dropped },
		{ "rx_ring_full", k->rx_ring_full },
		{ "rx_fill_ring_empty", k->rx_fill_ring_empty_descs },
		{ "rx_invalid_descs", k->rx_invalid_descs },
		{ "tx_invalid_descs", k->tx_invalid_descs },
		{ "tx_ring_empty", k->tx_ring_empty_descs },
	};
	size_t n = tx ? XF_SOCK_FIELDS : 4;

	memcpy(f, all, n * sizeof(*f));
	return n;
}

void xf_sock_stats_out(struct xf_out *o, const struct rl_xdp_stats *k, bool tx)
{
	struct xo_field f[XF_SOCK_FIELDS];

	xo_u64_fields(o, f, xf_sock_stats_fields(k, tx, f), '=');
}
