/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * --metrics ADDR:PORT: the forwarding modes' counters for Prometheus, at
 * http://ADDR:PORT/metrics in the text exposition format 0.0.4.
 *
 * Served by libmicrohttpd from one thread of its own (its internal polling
 * thread, epoll), started after the pollers are set up and stopped before
 * their sockets are destroyed. The thread is started with an affinity of
 * every allowed CPU no poller is pinned to (when there is one), and it
 * reads exactly what the summary reads (xf_fwd_collect: ringlib's
 * per-socket counters with relaxed atomic loads, the kernel's
 * XDP_STATISTICS, the classifier's per-CPU map), so a scrape never blocks
 * or slows a poller; at exit the last scrape equals the summary once
 * traffic has stopped. The listening socket is ours (bound before the start
 * record, so a port in use is one line and exit status 1) and handed to
 * libmicrohttpd; it keeps at most 16 connections, each for at most 10 s.
 *
 * What is served (names after Prometheus' conventions):
 *   xskfwd_up 1, xskfwd_build_info{version=...} 1                  gauges
 *   xskfwd_NAME_total{port,queue} for each per-queue summary counter
 *     (rx_packets, rx_bytes, tx_packets, tx_bytes, tx_completed, the
 *     multi-buffer descriptor counters when on, and the kernel's
 *     rx_dropped ... tx_ring_empty); xskfwd_rx_left{port,queue} a gauge
 *   xskfwd_xdp_NAME_total{port} for each classifier counter, and
 *     xskfwd_drops_total{port} (the summary's drops)
 * GET or HEAD of /metrics; any other path is 404, any other method 405.
 */
#ifndef XF_FWD_METRICS_H
#define XF_FWD_METRICS_H

#include <sys/socket.h>

#include "out.h"

struct xf_run;
struct MHD_Daemon;

struct fwd_metrics {
	const char *text; /* --metrics as given; NULL: not served */
	struct sockaddr_storage sa;
	socklen_t len;
	struct MHD_Daemon *d;
};

/* --metrics ADDR:PORT into @m: 0, or -EINVAL with a reason in @err. */
int fwd_metrics_parse(struct fwd_metrics *m, const char *arg, char *err);

/*
 * Listen and start serving run @r's counters (a forwarding mode's, set up
 * up to its pollers); nothing without --metrics. 0, or -errno after one line.
 */
int fwd_metrics_start(struct fwd_metrics *m, struct xf_run *r);

/* The start record's "metrics" member (the URL) and its text line. */
void fwd_metrics_out(const struct fwd_metrics *m, struct xf_out *o);

/* Stop serving (joins the thread); safe when never started. */
void fwd_metrics_stop(struct fwd_metrics *m);

#endif
