// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd serve IFACE --root DIR: a TFTP server (read requests) whose every
 * reply is built in a UMEM frame and sent from an AF_XDP socket.
 *
 * The classifier on IFACE redirects only UDP to the served addresses on the
 * TFTP port and on the session ports (one per transfer, --session-ports);
 * ARP, ICMP, other ports and other addresses go to the kernel, so the host
 * stays reachable. Set-up, each step undone in reverse: served root and
 * session table -> port (lock, facts, MTU check) -> classifier with the rules
 * -> one UMEM -> per queue a socket, a pool slice, the fill ring primed, the
 * socket entered into the map -> pollers (serve_poller.h). The main thread
 * reports once a second until SIGINT/SIGTERM or --duration; tear-down
 * detaches the classifier first. Transfers still running at exit get an
 * ERROR ("server shutting down") and are counted as abandoned.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "log.h"
#include "port.h"
#include "rules.h"
#include "serve_poller.h"

#define MAX_ADDRS (XF_MAX_RULES / 2) /* two rules per served address */
#define FRAME_SIZE 4096
#define RING_SIZE 2048
#define BATCH 64
#define CHECK_MS 100 /* how often a file being served is checked for changes */

struct serve_opts {
	const char *ifname, *root;
	struct sv_client addrs[MAX_ADDRS]; /* port unused */
	uint32_t naddrs;
	uint32_t port, ports_lo, ports_hi;
	uint32_t queues[XF_MAX_LIST], nqueues;
	uint32_t cpus[XF_MAX_LIST], ncpus;
	uint32_t max_sessions, max_per_client, blksize_max, windowsize_max;
	uint32_t timeout_ms, retries, duration, spin_us;
	enum rl_bind_mode mode;
	enum xdp_attach_mode xdp_mode;
	bool json;
};

struct server {
	struct serve_opts o;
	struct xf_port port;
	struct rl_umem *umem;
	struct sv_table table;
	struct sf_root *root;
	struct serve_shared sh;
	struct serve_poller *pollers;
	uint32_t npollers;
	atomic_bool stop;
	atomic_bool failed;
};

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

static int parse_mode(const char *s, struct serve_opts *o)
{
	if (!strcmp(s, "auto"))
		o->mode = RL_MODE_AUTO;
	else if (!strcmp(s, "copy"))
		o->mode = RL_MODE_COPY;
	else if (!strcmp(s, "zero-copy") || !strcmp(s, "zc"))
		o->mode = RL_MODE_ZEROCOPY;
	else
		return -EINVAL;
	return 0;
}

static int parse_opts(int argc, char **argv, struct serve_opts *o)
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
			if (parse_mode(optarg, o))
				return bad_arg("--mode", "must be auto, copy or zero-copy");
			break;
		case O_XDP_MODE:
			if (!strcmp(optarg, "native") || !strcmp(optarg, "drv"))
				o->xdp_mode = XDP_MODE_NATIVE;
			else if (!strcmp(optarg, "skb") || !strcmp(optarg, "generic"))
				o->xdp_mode = XDP_MODE_SKB;
			else
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

static const char *addr_text(const struct sv_client *a, char *buf, size_t len)
{
	return inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, (socklen_t)len);
}

/* --addr's default: the interface's IPv4 and non-link-local IPv6 addresses. */
static int default_addrs(struct serve_opts *o)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && o->naddrs < MAX_ADDRS; i = i->ifa_next) {
		struct sv_client *a = &o->addrs[o->naddrs];

		if (!i->ifa_addr || strcmp(i->ifa_name, o->ifname))
			continue;
		memset(a, 0, sizeof(*a));
		if (i->ifa_addr->sa_family == AF_INET) {
			a->family = 4;
			memcpy(a->ip, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *in6 =
				&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(in6))
				continue;
			a->family = 6;
			memcpy(a->ip, in6, 16);
		} else {
			continue;
		}
		o->naddrs++;
	}
	freeifaddrs(ifa);
	if (!o->naddrs) {
		xf_err("%s: no IPv4 or global IPv6 address to serve on; add one or give --addr",
		       o->ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* Two classifier rules per address: the TFTP port and the session ports in use. */
static int make_rules(const struct server *sv, struct xf_rule *rules, uint32_t *n)
{
	const struct serve_opts *o = &sv->o;
	char text[160], a[INET6_ADDRSTRLEN], err[XF_ERRLEN];
	uint32_t i, k;

	*n = 0;
	for (i = 0; i < o->naddrs; i++) {
		addr_text(&o->addrs[i], a, sizeof(a));
		for (k = 0; k < 2; k++) {
			if (!k)
				snprintf(text, sizeof(text), "udp dst %s dport %u", a, o->port);
			else
				snprintf(text, sizeof(text), "udp dst %s dport %u-%u", a,
					 o->ports_lo, o->ports_lo + o->max_sessions - 1);
			if (xf_rule_parse(text, &rules[(*n)++], err)) {
				xf_err("serve: rule '%s': %s", text, err);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Kernel sockets whose local port lies in the session range would lose their replies to us. */
static void check_ephemeral_range(const struct serve_opts *o)
{
	unsigned int lo, hi;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	if (!f)
		return;
	if (fscanf(f, "%u %u", &lo, &hi) == 2 && lo <= o->ports_lo + o->max_sessions - 1 &&
	    hi >= o->ports_lo)
		xf_warn("session ports %u-%u overlap the kernel's ephemeral ports %u-%u: replies "
			"to "
			"local programs on the served addresses may be taken by the server",
			o->ports_lo, o->ports_lo + o->max_sessions - 1, lo, hi);
	fclose(f);
}

static uint32_t blksize_cap(const struct server *sv, uint8_t family)
{
	uint32_t cap = sv_max_payload(sv->port.mtu, family) - TFTP_DATA_HDR;
	uint32_t frame = FRAME_SIZE - SV_HDR_MAX - TFTP_DATA_HDR;

	if (cap > frame)
		cap = frame;
	return cap < sv->o.blksize_max ? cap : sv->o.blksize_max;
}

static int setup_shared(struct server *sv)
{
	struct serve_shared *sh = &sv->sh;
	int f;

	sh->table = &sv->table;
	sh->root = sv->root;
	sh->umem_area = sv->umem->area;
	sh->frame_size = FRAME_SIZE;
	sh->npollers = sv->o.nqueues;
	sh->port = (uint16_t)sv->o.port;
	sh->check_ns = CHECK_MS * 1000000ull;
	sh->stop = &sv->stop;
	sh->failed = &sv->failed;
	for (f = 0; f < 2; f++) {
		sh->limits[f].blksize_max = blksize_cap(sv, f ? 6 : 4);
		sh->limits[f].windowsize_max = sv->o.windowsize_max;
		sh->limits[f].timeout_ms = sv->o.timeout_ms;
		sh->limits[f].retries = sv->o.retries;
	}
	return 0;
}

static int setup_umem(struct server *sv)
{
	/* Per poller: a full fill ring, a full rx ring and a full tx ring. */
	struct rl_umem_opts uo = {
		.nframes = (uint64_t)sv->o.nqueues * 4 * RING_SIZE,
		.frame_size = FRAME_SIZE,
		.fill_size = RING_SIZE * 2,
		.comp_size = RING_SIZE * 2,
	};
	int err = rl_umem_create(&sv->umem, &uo);

	if (err)
		xf_err("UMEM of %llu MiB: %s%s",
		       (unsigned long long)(uo.nframes * FRAME_SIZE >> 20), strerror(-err),
		       err == -ENOMEM || err == -ENOBUFS || err == -EPERM
			       ? " (locked-memory limit? run as root or with CAP_IPC_LOCK, or "
				 "serve "
				 "fewer --queues)"
			       : "");
	return err;
}

static int setup_poller(struct server *sv, uint32_t i)
{
	struct serve_poller *sp = &sv->pollers[i];
	uint32_t per_poller = 4 * RING_SIZE;
	struct rl_sock_opts so = {
		.ifname = sv->port.name,
		.queue = sv->o.queues[i],
		.rx_size = RING_SIZE,
		.tx_size = RING_SIZE,
		.mode = sv->o.mode,
		.need_wakeup = true,
		.xdp_skb_mode = sv->o.xdp_mode == XDP_MODE_SKB,
	};
	int err;

	sp->sh = &sv->sh;
	sp->index = i;
	sp->queue = sv->o.queues[i];
	sp->cpu = (int)sv->o.cpus[i % sv->o.ncpus];
	sp->batch = BATCH;
	sp->spin_ns = sv->o.spin_us * 1000ull;
	err = rl_pool_init(&sp->pool, (uint64_t)i * per_poller * FRAME_SIZE, per_poller,
			   FRAME_SIZE);
	if (err) {
		xf_err("q%u: frame pool: %s", sp->queue, strerror(-err));
		return err;
	}
	err = rl_sock_create(&sp->sock, sv->umem, &so);
	if (err) {
		xf_explain_bind_error(sv->port.name, sv->port.driver, sv->port.nqueues, sp->queue,
				      sv->o.mode, err);
		return err;
	}
	if (!sp->sock->zerocopy) {
		err = rl_sock_set_tx_budget(sp->sock, RING_SIZE);
		if (err && err != -ENOPROTOOPT && err != -EINVAL)
			xf_warn("%s/q%u: tx budget: %s (kernel default kept)", sv->port.name,
				sp->queue, strerror(-err));
	}
	rl_fill(sp->sock, &sp->pool, sp->sock->fill.size);
	return xf_port_map_socket(&sv->port, sp->queue, sp->sock->fd);
}

static int setup(struct server *sv)
{
	struct xf_rule rules[XF_MAX_RULES];
	uint32_t i, nrules, max_queue = 0;
	int err;

	sv->port.lock_fd = -1;
	err = sf_root_open(&sv->root, sv->o.root);
	if (err) {
		xf_err("serve: --root %s: %s", sv->o.root, strerror(-err));
		return err;
	}
	/* A full table evicts a client silent for two first timeouts. */
	err = sv_table_init(&sv->table, sv->o.max_sessions, (uint16_t)sv->o.ports_lo,
			    sv->o.max_per_client, 2ull * sv->o.timeout_ms * 1000000, sv->root);
	if (err) {
		xf_err("serve: session table: %s", strerror(-err));
		return err;
	}
	err = xf_port_open(&sv->port, sv->o.ifname);
	if (err)
		return err;
	err = xf_check_mtu(&sv->port, FRAME_SIZE);
	if (err)
		return err;
	if (!sv->o.naddrs && default_addrs(&sv->o))
		return -EADDRNOTAVAIL;
	check_ephemeral_range(&sv->o);
	if (!sv->o.nqueues) {
		sv->o.nqueues = sv->port.nqueues < XF_MAX_LIST ? sv->port.nqueues : XF_MAX_LIST;
		for (i = 0; i < sv->o.nqueues; i++)
			sv->o.queues[i] = i;
	}
	err = xf_choose_cpus(sv->o.cpus, &sv->o.ncpus, XF_MAX_LIST);
	if (err)
		return err;
	for (i = 0; i < sv->o.nqueues; i++)
		if (sv->o.queues[i] > max_queue)
			max_queue = sv->o.queues[i];
	err = make_rules(sv, rules, &nrules);
	if (err)
		return err;
	err = xf_port_attach(&sv->port, rules, nrules, max_queue, sv->o.xdp_mode);
	if (err)
		return err;
	if (sv->port.replaced_stale)
		xf_info("%s: replaced the classifier left by a killed xskfwd", sv->port.name);
	err = setup_umem(sv);
	if (err)
		return err;
	setup_shared(sv);
	sv->pollers = calloc(sv->o.nqueues, sizeof(*sv->pollers));
	if (!sv->pollers)
		return -ENOMEM;
	sv->npollers = sv->o.nqueues;
	for (i = 0; i < sv->npollers; i++) {
		err = setup_poller(sv, i);
		if (err)
			return err;
	}
	return 0;
}

static void report_setup(const struct server *sv)
{
	const struct serve_opts *o = &sv->o;
	char a[INET6_ADDRSTRLEN];
	uint32_t i;

	for (i = 0; i < sv->npollers; i++) {
		const struct serve_poller *sp = &sv->pollers[i];

		if (o->json)
			printf("{\"type\":\"start\",\"port\":\"%s\",\"queue\":%u,\"driver\":\"%s\","
			       "\"xdp_mode\":\"%s\",\"bind_mode\":\"%s\",\"cpu\":%d,"
			       "\"blksize_max_ipv4\":%u,\"blksize_max_ipv6\":%u}\n",
			       sv->port.name, sp->queue, sv->port.driver,
			       xf_attach_mode_name(sv->port.mode),
			       sp->sock->zerocopy ? "zero-copy" : "copy", sp->cpu,
			       sv->sh.limits[0].blksize_max, sv->sh.limits[1].blksize_max);
		else
			printf("%s/q%u: driver %s, xdp %s, bind %s, cpu %d\n", sv->port.name,
			       sp->queue, sv->port.driver, xf_attach_mode_name(sv->port.mode),
			       sp->sock->zerocopy ? "zero-copy" : "copy", sp->cpu);
	}
	if (!o->json) {
		printf("serving %s on %s:", o->root, sv->port.name);
		for (i = 0; i < o->naddrs; i++)
			printf(" %s", addr_text(&o->addrs[i], a, sizeof(a)));
		printf(", port %u, session ports %u-%u, blksize up to %u (IPv4) / %u (IPv6)\n",
		       o->port, o->ports_lo, o->ports_lo + o->max_sessions - 1,
		       sv->sh.limits[0].blksize_max, sv->sh.limits[1].blksize_max);
	}
	fflush(stdout);
}

static void collect(const struct server *sv, struct serve_stats *st, struct rl_xdp_stats *xs)
{
	uint32_t i;

	memset(st, 0, sizeof(*st));
	memset(xs, 0, sizeof(*xs));
	for (i = 0; i < sv->npollers; i++) {
		struct rl_xdp_stats one;

		serve_stats_add(st, &sv->pollers[i].stats);
		if (!rl_sock_xdp_stats(sv->pollers[i].sock, &one))
			rl_xdp_stats_add(xs, &one);
	}
}

static uint64_t refused(const struct serve_stats *st)
{
	return st->requests_malformed + st->refused_file + st->refused_op + st->refused_busy;
}

static void print_rate(const struct server *sv, const struct serve_stats *prev,
		       const struct serve_stats *cur, double t, double dt)
{
	unsigned int active = atomic_load(&sv->table.active);
	unsigned long long failed = cur->sessions_failed + atomic_load(&sv->table.evicted);
	double pps =
		(cur->data_packets + cur->ctl_packets - prev->data_packets - prev->ctl_packets) /
		dt;
	double mbit = (cur->data_bytes - prev->data_bytes) * 8 / dt / 1e6;

	if (sv->o.json)
		printf("{\"type\":\"rate\",\"t\":%.3f,\"port\":\"%s\",\"sessions_active\":%u,"
		       "\"sessions_completed\":%llu,\"sessions_failed\":%llu,"
		       "\"sessions_refused\":%llu,\"tx_pps\":%.0f,\"data_mbit\":%.3f,"
		       "\"retransmits\":%llu}\n",
		       t, sv->port.name, active, (unsigned long long)cur->sessions_completed,
		       failed, (unsigned long long)refused(cur), pps, mbit,
		       (unsigned long long)cur->retransmits);
	else
		printf("%7.1fs %s: sessions active %u completed %llu failed %llu refused %llu | "
		       "tx %.0f pkt/s, file data %.1f Mbit/s | retransmits %llu\n",
		       t, sv->port.name, active, (unsigned long long)cur->sessions_completed,
		       failed, (unsigned long long)refused(cur), pps, mbit,
		       (unsigned long long)cur->retransmits);
	fflush(stdout);
}

static void run_reports(struct server *sv, const sigset_t *sigs)
{
	struct serve_stats prev, cur;
	struct rl_xdp_stats xs;
	double start = xf_now_s(), last = start, t;
	struct timespec tick = { 1, 0 };

	collect(sv, &prev, &xs);
	for (;;) {
		if (sigtimedwait(sigs, NULL, &tick) > 0 || atomic_load(&sv->failed))
			break;
		t = xf_now_s();
		collect(sv, &cur, &xs);
		print_rate(sv, &prev, &cur, t - start, t - last);
		prev = cur;
		last = t;
		if (sv->o.duration && t - start >= sv->o.duration)
			break;
	}
}

static void report_summary(const struct server *sv, unsigned int abandoned, double secs)
{
	struct serve_stats st;
	struct rl_xdp_stats xs;
	uint64_t xdp[XF_CNT_MAX] = {};
	struct sf_stats fs;
	uint64_t evicted;
	const char *sep = sv->o.json ? "," : " ";
	const char *q = sv->o.json ? "\"" : "";
	const char *eq = sv->o.json ? "\":" : "=";

	collect(sv, &st, &xs);
	evicted = atomic_load(&sv->table.evicted);
	xf_port_counters(&sv->port, xdp);
	sf_root_stats(sv->root, &fs);
	if (sv->o.json)
		printf("{\"type\":\"summary\",\"port\":\"%s\",\"seconds\":%.3f", sv->port.name,
		       secs);
	else
		printf("summary %s: seconds=%.3f", sv->port.name, secs);
#define F(name, val) printf("%s%s%s%s%llu", sep, q, name, eq, (unsigned long long)(val))
	F("sessions_completed", st.sessions_completed);
	F("sessions_failed", st.sessions_failed + evicted);
	F("sessions_abandoned", st.sessions_abandoned + abandoned);
	F("sessions_refused", refused(&st));
	F("requests", st.requests);
	F("requests_malformed", st.requests_malformed);
	F("requests_dup", st.requests_dup);
	F("refused_file", st.refused_file);
	F("refused_op", st.refused_op);
	F("refused_busy", st.refused_busy);
	F("timeouts", st.timeouts);
	F("evicted", evicted);
	F("client_errors", st.client_errors);
	F("file_changed", st.file_changed);
	F("unknown_tid", st.unknown_tid);
	F("msgs_malformed", st.msgs_malformed);
	F("stray", st.stray);
	F("bytes_sent", st.data_bytes);
	F("packets_sent", st.data_packets + st.ctl_packets);
	F("data_packets", st.data_packets);
	F("retransmits", st.retransmits);
	F("tx_starved", st.tx_starved);
	F("rx_frames", st.rx_frames);
	F("rx_bad", st.rx_bad);
	F("rx_other", st.rx_other);
	F("files_mapped", fs.maps);
	F("sigbus", fs.sigbus);
	F("xdp_redirected", xdp[XF_CNT_REDIRECTED]);
	F("xdp_pass_nomatch", xdp[XF_CNT_PASS_NOMATCH]);
	F("xdp_pass_nosock", xdp[XF_CNT_PASS_NOSOCK]);
	F("xdp_drop_malformed", xdp[XF_CNT_DROP_MALFORMED]);
	F("rx_dropped", xs.rx_dropped + xs.rx_ring_full);
#undef F
	printf("%s\n", sv->o.json ? "}" : "");
	fflush(stdout);
}

static int start_pollers(struct server *sv)
{
	uint32_t i;
	int err;

	for (i = 0; i < sv->npollers; i++) {
		err = pthread_create(&sv->pollers[i].thread, NULL, serve_poller_run,
				     &sv->pollers[i]);
		if (err) {
			xf_err("q%u: starting the poller thread: %s", sv->pollers[i].queue,
			       strerror(err));
			return -err;
		}
		sv->pollers[i].started = true;
	}
	return 0;
}

static void stop_pollers(struct server *sv)
{
	uint32_t i;

	atomic_store(&sv->stop, true);
	for (i = 0; i < sv->npollers; i++) {
		if (sv->pollers[i].started)
			pthread_join(sv->pollers[i].thread, NULL);
		sv->pollers[i].started = false;
	}
}

static int report_poller_errors(const struct server *sv)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; i < sv->npollers; i++) {
		int err = sv->pollers[i].error;

		if (!err)
			continue;
		if (err == -ENXIO || err == -ENETDOWN || err == -ENODEV)
			xf_err("%s: the interface went away (deleted, or its veth peer was)",
			       sv->port.name);
		else
			xf_err("%s/q%u: %s", sv->port.name, sv->pollers[i].queue, strerror(-err));
		ret = 1;
	}
	return ret;
}

/* Sessions the pollers did not end (one failed): their files are handed back. */
static unsigned int end_sessions(struct server *sv)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; sv->table.slots && i < sv->table.nslots; i++) {
		struct sv_session *s = &sv->table.slots[i];

		pthread_spin_lock(&s->lock);
		if (atomic_load(&s->used)) {
			n++;
			sv_session_end(&sv->table, s);
		} else {
			sv_session_unlock(s);
		}
	}
	return n;
}

static void teardown(struct server *sv)
{
	uint32_t i;
	int err;

	stop_pollers(sv);
	xf_port_detach(&sv->port);
	for (i = 0; i < sv->npollers; i++) {
		rl_sock_destroy(sv->pollers[i].sock);
		rl_pool_fini(&sv->pollers[i].pool);
	}
	if (sv->umem) {
		err = rl_umem_destroy(sv->umem);
		if (err)
			xf_warn("freeing the UMEM: %s", strerror(-err));
	}
	xf_port_close(&sv->port);
	free(sv->pollers);
	end_sessions(sv);
	sv_table_fini(&sv->table);
	if (sv->root)
		sf_root_close(sv->root);
}

int do_serve(int argc, char **argv)
{
	struct server *sv;
	unsigned int abandoned;
	sigset_t sigs;
	double start;
	int ret;

	sv = calloc(1, sizeof(*sv));
	if (!sv) {
		xf_err("out of memory");
		return 1;
	}
	ret = parse_opts(argc, argv, &sv->o);
	if (ret) {
		free(sv);
		return ret < 0 ? 0 : ret;
	}
	xf_log_libs();
	xf_block_signals(&sigs);

	ret = setup(sv) ? 1 : 0;
	if (!ret) {
		report_setup(sv);
		start = xf_now_s();
		ret = start_pollers(sv) ? 1 : 0;
		if (!ret)
			run_reports(sv, &sigs);
		/* The pollers tell running transfers goodbye; only then does the
		 * classifier go (the clients' last ACKs still reach us). */
		stop_pollers(sv);
		xf_port_detach(&sv->port);
		abandoned = end_sessions(sv);
		report_summary(sv, abandoned, xf_now_s() - start);
		ret |= report_poller_errors(sv);
	}
	teardown(sv);
	free(sv);
	return ret;
}
