/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The counters every mode reports, written the same way everywhere through
 * the output writer (out.h), so one name means one thing in every record:
 * the classifier's per port (xdp_*), and the kernel's per AF_XDP socket
 * (XDP_STATISTICS: rx_dropped, rx_ring_full, ...).
 */
#ifndef XF_COUNTERS_H
#define XF_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "rl.h"

/* The classifier's counter @k (XF_CNT_*) by name ("xdp_redirected"); NULL
 * past the last. */
const char *xf_counter_name(int k);

/* The first @n of the classifier's counters @xdp[XF_CNT_MAX] as fields
 * (text: " name=N"): XF_CNT_COMMON, or XF_CNT_MAX with the route flavour's. */
void xf_port_counters_out(struct xf_out *o, const uint64_t *xdp, int n);

/* A socket's (or a sum of sockets') kernel counters; the tx ones with @tx. */
#define XF_SOCK_FIELDS 6
/* ... as (name, value) pairs into @f (XF_SOCK_FIELDS); returns how many. */
size_t xf_sock_stats_fields(const struct rl_xdp_stats *k, bool tx, struct xo_field *f);
void xf_sock_stats_out(struct xf_out *o, const struct rl_xdp_stats *k, bool tx);

#endif
