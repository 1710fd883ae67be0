// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xskfwd serve's command line (serve_opts.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "serve_opts.h"
#include "tftp.h"

#define O(field) offsetof(struct serve_opts, field)

static int parse_addr(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	struct serve_opts *o = dst;
	struct sv_client *a = &o->addrs[o->naddrs];

	(void)opt;
	if (o->naddrs == MAX_ADDRS) {
		snprintf(err, XF_ERRLEN, "more than %d addresses", MAX_ADDRS);
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, s, a->ip) == 1)
		a->family = 6;
	else {
		snprintf(err, XF_ERRLEN, "'%.40s' is not an IPv4 or IPv6 address", s);
		return -EINVAL;
	}
	o->naddrs++;
	return 0;
}

static int parse_range(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	struct serve_opts *o = dst;
	char buf[32], *dash;

	(void)opt;
	if (strlen(s) >= sizeof(buf) || !(dash = strchr(strcpy(buf, s), '-'))) {
		snprintf(err, XF_ERRLEN, "'%.40s': expected LO-HI", s);
		return -EINVAL;
	}
	*dash = '\0';
	if (xf_parse_u32(buf, 1, 65535, &o->ports_lo, err) ||
	    xf_parse_u32(dash + 1, 1, 65535, &o->ports_hi, err))
		return -EINVAL;
	if (o->ports_lo > o->ports_hi) {
		snprintf(err, XF_ERRLEN, "'%.40s': LO is above HI", s);
		return -EINVAL;
	}
	return 0;
}

const struct xf_opt serve_opts[] = {
	{ "root", 0, XF_OPT_STR, "DIR", O(root),
	  .help = "the served directory (required); a request's path is relative to it, '..' "
		  "and symlinks leaving it refused" },
	{ "addr", 0, XF_OPT_FN, "IP", .parse = parse_addr, .repeat = true,
	  .def_help = "every IPv4 and non-link-local IPv6 address of IFACE",
	  .help = "serve this address of IFACE (repeatable, IPv4 or IPv6, up to 32)" },
	{ "port", 0, XF_OPT_U32, "N", O(port), .min = 1, .max = 65535, .def = "69",
	  .help = "TFTP port" },
	{ "session-ports", 0, XF_OPT_FN, "LO-HI", .parse = parse_range, .def = "61000-65535",
	  .help = "server ports of transfers, one each, outside Linux's ephemeral range" },
	{ "max-sessions", 0, XF_OPT_U32, "N", O(max_sessions), .min = 1, .max = 65535,
	  .def = "1024",
	  .help = "concurrent transfers in all; when full, a transfer whose client never "
		  "answered is evicted" },
	{ "max-per-client", 0, XF_OPT_U32, "N", O(max_per_client), .min = 1, .max = 65535,
	  .def = "8", .help = "concurrent transfers per client: an IPv4 address or an IPv6 /64" },
	{ "blksize-max", 0, XF_OPT_U32, "N", O(blksize_max), .min = TFTP_BLKSIZE_MIN,
	  .max = TFTP_BLKSIZE_MAX, .def = "65464",
	  .help = "largest blksize granted; always capped so a DATA packet fits the interface "
		  "MTU and a frame" },
	{ "windowsize-max", 0, XF_OPT_U32, "N", O(windowsize_max), .min = 1,
	  .max = TFTP_WINDOWSIZE_MAX, .def = "64", .help = "largest windowsize granted" },
	{ "timeout-ms", 0, XF_OPT_U32, "N", O(timeout_ms), .min = 10, .max = 255000, .def = "1000",
	  .help = "retransmission timeout, or the client's timeout option if shorter; doubles "
		  "on each retry" },
	{ "retries", 0, XF_OPT_U32, "N", O(retries), .max = 100, .def = "5",
	  .help = "retransmissions before giving a transfer up" },
	{},
};

const struct xf_opt_use serve_shared[] = {
	{ .name = "queues" },
	{ .name = "cpus" },
	{ .name = "frame-size",
	  .help = "UMEM frame size, 2048 or 4096; a DATA packet fits one "
		  "frame, so it caps blksize (1978 at 2048)" },
	{ .name = "ring-size" },
	{ .name = "batch", .help = "frames received per ring operation" },
	{ .name = "spin-us",
	  .help = "keep polling an idle socket N us before sleeping in poll() "
		  "(0 saves CPU, costs latency)" },
	{ .name = "mode" },
	{ .name = "xdp-mode" },
	{},
};

int serve_check(struct xf_run *r)
{
	struct serve_opts *o = r->ctx; /* the first member of the context */

	if (!o->root)
		return xf_bad_arg("serve", "--root", "required: the directory to serve");
	if (o->port >= o->ports_lo && o->port <= o->ports_hi)
		return xf_bad_arg("serve", "--port", "must lie outside --session-ports");
	if (r->o.batch > r->o.ring_size)
		return xf_bad_arg("serve", "--batch", "%u exceeds --ring-size %u", r->o.batch,
				  r->o.ring_size);
	if (o->ports_hi - o->ports_lo + 1 < o->max_sessions)
		o->max_sessions = o->ports_hi - o->ports_lo + 1;
	return 0;
}
