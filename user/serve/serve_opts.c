// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xskfwd serve's command line (serve_opts.h). */
#include <arpa/inet.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "serve_opts.h"
#include "tftp.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xskfwd serve IFACE --root DIR [options]\n"
		"Serve the regular files below DIR over TFTP (RFC 1350 read requests, octet\n"
		"mode; options blksize, tsize, timeout, windowsize) on IFACE through AF_XDP.\n"
		"Only UDP to the served addresses on the TFTP port and the session ports is\n"
		"taken; ARP, ping and everything else stay with the kernel. Runs until\n"
		"SIGINT/SIGTERM; prints rates once a second and a summary at exit.\n"
		"\n"
		"Options:\n"
		"  --root DIR            the served directory (required); a request's path is\n"
		"                        relative to it, '..' and symlinks leaving it refused\n"
		"  --addr IP             serve this address of IFACE (repeatable, IPv4 or IPv6;\n"
		"                        default: every IPv4 and non-link-local IPv6 address)\n"
		"  --port N              TFTP port (default 69)\n"
		"  --session-ports LO-HI server ports of transfers, one each (default\n"
		"                        61000-65535, outside Linux's ephemeral range)\n"
		"  --queues LIST         queues to serve (default: every rx channel)\n"
		"  --cpus LIST           CPUs for the pollers, in order (default: all allowed)\n"
		"  --max-sessions N      concurrent transfers in all (default 1024); when full,\n"
		"                        a transfer whose client never answered is evicted\n"
		"  --max-per-client N    concurrent transfers per client: an IPv4 address or an\n"
		"                        IPv6 /64 (default 8)\n"
		"  --blksize-max N       largest blksize granted (default 65464; always capped\n"
		"                        so a DATA packet fits the interface MTU)\n"
		"  --windowsize-max N    largest windowsize granted (default 64)\n"
		"  --timeout-ms N        retransmission timeout (default 1000), or the client's\n"
		"                        timeout option if shorter; doubles on each retry\n"
		"  --retries N           retransmissions before giving a transfer up (default 5)\n"
		"  --spin-us N           keep polling an idle socket N us before sleeping in\n"
		"                        poll() (default 200; 0 saves CPU, costs latency)\n"
		"  --mode MODE           AF_XDP bind: auto (default), copy, zero-copy\n"
		"  --xdp-mode MODE       XDP attach: native (default) or skb\n"
		"  --duration S          stop after S seconds (default: run until a signal)\n"
		"  --json                JSON lines instead of text\n"
		"  -v, --verbose         also show libbpf/libxdp messages\n"
		"  -h, --help            this text\n"
		"Exit status: 0 clean stop, 1 runtime error, 2 bad arguments.\n");
}

static int bad_arg(const char *opt, const char *why)
{
	xf_err("serve: %s: %s (see xskfwd serve --help)", opt, why);
	return 2;
}

static int parse_addr(const char *s, struct sv_client *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->ip) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, s, a->ip) == 1)
		a->family = 6;
	else
		return -EINVAL;
	return 0;
}

static int parse_range(const char *s, uint32_t *lo, uint32_t *hi, char *err)
{
	char buf[32], *dash;

	if (strlen(s) >= sizeof(buf) || !(dash = strchr(strcpy(buf, s), '-'))) {
		snprintf(err, XF_ERRLEN, "'%s': expected LO-HI", s);
		return -EINVAL;
	}
	*dash = '\0';
	if (xf_parse_u32(buf, 1, 65535, lo, err) || xf_parse_u32(dash + 1, 1, 65535, hi, err))
		return -EINVAL;
	if (*lo > *hi) {
		snprintf(err, XF_ERRLEN, "'%s': LO is above HI", s);
		return -EINVAL;
	}
	return 0;
}

int serve_parse_opts(int argc, char **argv, struct serve_opts *o)
{
	enum {
		O_ROOT = 256,
		O_ADDR,
		O_PORT,
		O_SPORTS,
		O_QUEUES,
		O_CPUS,
		O_MAXS,
		O_MAXC,
		O_BLK,
		O_WIN,
		O_TIMEOUT,
		O_RETRIES,
		O_SPIN,
		O_MODE,
		O_XDP_MODE,
		O_DURATION,
		O_JSON
	};
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "addr", required_argument, NULL, O_ADDR },
		{ "port", required_argument, NULL, O_PORT },
		{ "session-ports", required_argument, NULL, O_SPORTS },
		{ "queues", required_argument, NULL, O_QUEUES },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "max-sessions", required_argument, NULL, O_MAXS },
		{ "max-per-client", required_argument, NULL, O_MAXC },
		{ "blksize-max", required_argument, NULL, O_BLK },
		{ "windowsize-max", required_argument, NULL, O_WIN },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "spin-us", required_argument, NULL, O_SPIN },
		{ "mode", required_argument, NULL, O_MODE },
		{ "xdp-mode", required_argument, NULL, O_XDP_MODE },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "json", no_argument, NULL, O_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char err[XF_ERRLEN];
	int c;

	memset(o, 0, sizeof(*o));
	o->port = TFTP_PORT;
	o->ports_lo = 61000;
	o->ports_hi = 65535;
	o->max_sessions = 1024;
	o->max_per_client = 8;
	o->blksize_max = TFTP_BLKSIZE_MAX;
	o->windowsize_max = 64;
	o->timeout_ms = 1000;
	o->retries = 5;
	o->spin_us = 200;
	o->mode = RL_MODE_AUTO;
	o->xdp_mode = XDP_MODE_NATIVE;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_ROOT:
			o->root = optarg;
			break;
		case O_ADDR:
			if (o->naddrs == MAX_ADDRS)
				return bad_arg("--addr", "too many addresses");
			if (parse_addr(optarg, &o->addrs[o->naddrs]))
				return bad_arg("--addr", "not an IPv4 or IPv6 address");
			o->naddrs++;
			break;
		case O_PORT:
			if (xf_parse_u32(optarg, 1, 65535, &o->port, err))
				return bad_arg("--port", err);
			break;
		case O_SPORTS:
			if (parse_range(optarg, &o->ports_lo, &o->ports_hi, err))
				return bad_arg("--session-ports", err);
			break;
		case O_QUEUES:
			if (xf_parse_list(optarg, 4095, o->queues, &o->nqueues, err))
				return bad_arg("--queues", err);
			break;
		case O_CPUS:
			if (xf_parse_list(optarg, CPU_SETSIZE - 1, o->cpus, &o->ncpus, err))
				return bad_arg("--cpus", err);
			break;
		case O_MAXS:
			if (xf_parse_u32(optarg, 1, 65535, &o->max_sessions, err))
				return bad_arg("--max-sessions", err);
			break;
		case O_MAXC:
			if (xf_parse_u32(optarg, 1, 65535, &o->max_per_client, err))
				return bad_arg("--max-per-client", err);
			break;
		case O_BLK:
			if (xf_parse_u32(optarg, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX,
					 &o->blksize_max, err))
				return bad_arg("--blksize-max", err);
			break;
		case O_WIN:
			if (xf_parse_u32(optarg, 1, TFTP_WINDOWSIZE_MAX, &o->windowsize_max, err))
				return bad_arg("--windowsize-max", err);
			break;
		case O_TIMEOUT:
			if (xf_parse_u32(optarg, 10, 255000, &o->timeout_ms, err))
				return bad_arg("--timeout-ms", err);
			break;
		case O_RETRIES:
			if (xf_parse_u32(optarg, 0, 100, &o->retries, err))
				return bad_arg("--retries", err);
			break;
		case O_SPIN:
			if (xf_parse_u32(optarg, 0, 1000000, &o->spin_us, err))
				return bad_arg("--spin-us", err);
			break;
		case O_MODE:
			if (xf_parse_bind_mode(optarg, &o->mode))
				return bad_arg("--mode", "must be auto, copy or zero-copy");
			break;
		case O_XDP_MODE:
			if (xf_parse_xdp_mode(optarg, &o->xdp_mode))
				return bad_arg("--xdp-mode", "must be native or skb");
			break;
		case O_DURATION:
			if (xf_parse_u32(optarg, 1, 86400 * 365, &o->duration, err))
				return bad_arg("--duration", err);
			break;
		case O_JSON:
			o->json = true;
			break;
		case 'v':
			xf_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return bad_arg(argv[optind - 1], "unknown option");
		}
	}
	if (argc - optind != 1)
		return bad_arg("arguments", "need exactly one interface");
	o->ifname = argv[optind];
	if (!o->root)
		return bad_arg("--root", "required: the directory to serve");
	if (o->port >= o->ports_lo && o->port <= o->ports_hi)
		return bad_arg("--port", "must lie outside --session-ports");
	if (o->ports_hi - o->ports_lo + 1 < o->max_sessions)
		o->max_sessions = o->ports_hi - o->ports_lo + 1;
	return 0;
}
