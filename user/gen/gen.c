// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd gen IFACE --dst-mac MAC [options]: send UDP test traffic whose
 * payload (bpf/xskfwd_gen_shared.h) a sink can check: per stream, sequence
 * numbers from 0 without gaps and the send time.
 *
 * Set-up, in order, each step undone in reverse on failure or exit:
 *   interface facts (index, MTU, MAC) -> the template frame -> the engine:
 *     live: load the program, check the kernel runs live frames and the
 *           interface takes XDP frames (auto falls back to xsk if not);
 *     xsk:  one UMEM, per queue a TX-only socket and a pool slice whose
 *           frames are filled with the template once;
 *   -> threads started.
 * The main thread then only reports, once a second, until SIGINT/SIGTERM,
 * --duration, every thread's --count share being sent, or a thread error;
 * then stops and joins the threads (an xsk thread first drains its ring),
 * and prints the summary. "sent" is exact: frames the kernel completed
 * less those the driver dropped (xsk), or frames the program handed to
 * the kernel (live, the program's per-CPU counters).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "gen.h"
#include "log.h"
#include "port.h"

#define GEN_RING_SIZE 2048
#define GEN_FILL_SIZE 64 /* unused by a TX-only socket, but the kernel wants one */
#define LIVE_MAX_BATCH 256
#define DEFAULT_TX_BUDGET GEN_RING_SIZE
#define REPORT_TICK_NS (50 * 1000 * 1000L)

enum gen_engine { ENGINE_AUTO, ENGINE_XSK, ENGINE_LIVE };

struct gen_opts {
	const char *ifname;
	struct xf_gen_addrs a;
	bool have_dst_mac, have_src_mac, src4, dst4, src6, dst6;
	uint32_t size, flows, batch, tx_budget, duration;
	uint64_t rate, count;
	uint32_t queues[XF_MAX_LIST], nqueues;
	uint32_t cpus[XF_MAX_LIST], ncpus;
	enum gen_engine engine;
	enum rl_bind_mode mode;
	bool batch_set, xsk_only, json;
};

struct gen {
	struct gen_opts o;
	int ifindex;
	uint32_t mtu;
	char driver[32];
	struct xf_gen_tmpl tmpl;
	enum gen_engine engine; /* as chosen */
	char auto_reason[160];	/* why auto chose xsk */
	/* xsk */
	struct rl_umem *umem;
	bool budget_set;
	/* live */
	struct gen_live *live;
	uint64_t *live_counts; /* per CPU */
	struct gen_thread *th;
	uint32_t nth;
	atomic_bool stop;
	atomic_bool failed;
	uint64_t tx_dropped0; /* the interface's tx_dropped at start */
	bool have_dropped;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xskfwd gen IFACE --dst-mac MAC [options]\n"
		"Send UDP test frames out of IFACE: one template per thread, and per frame\n"
		"only the payload (magic, stream, seq, send time), the source port and (IPv6)\n"
		"the UDP checksum change. Runs until SIGINT/SIGTERM, --duration or --count;\n"
		"prints rates once a second and a summary with exact sent counts at exit.\n"
		"\n"
		"Frame:\n"
		"  --dst-mac MAC       destination MAC (required)\n"
		"  --src-mac MAC       source MAC (default: IFACE's)\n"
		"  --src-ip A          IPv4 source (default 198.18.0.1)\n"
		"  --dst-ip B          IPv4 destination (default 198.18.0.2)\n"
		"  --ipv6              IPv6 instead of IPv4\n"
		"  --src-ip6 A         IPv6 source (default 2001:db8::1; implies --ipv6)\n"
		"  --dst-ip6 B         IPv6 destination (default 2001:db8::2; implies --ipv6)\n"
		"  --sport P           UDP source port, the first of --flows (default %d)\n"
		"  --dport P           UDP destination port (default %d)\n"
		"  --size N            frame length without FCS: at least (and by default)\n"
		"                      %u for IPv4, %u for IPv6; at most IFACE's MTU + 14\n"
		"  --flows N           source ports sport .. sport+N-1, in turn (default 1)\n"
		"Traffic:\n"
		"  --rate PPS          packets/s over all threads (default 0: as fast as\n"
		"                      possible); k, M, G suffixes allowed\n"
		"  --duration S        stop after S seconds\n"
		"  --count N           stop after N frames in all (k, M, G allowed)\n"
		"Engine:\n"
		"  --engine E          auto (default): live if the kernel and IFACE can, and\n"
		"                      no xsk option (--queues, --mode, --tx-budget) is given;\n"
		"                      xsk: AF_XDP TX, one thread per queue;\n"
		"                      live: BPF_PROG_RUN live frames, one thread per CPU\n"
		"  --queues LIST       xsk: queues to send on, e.g. 0-3 (default 0)\n"
		"  --cpus LIST         CPUs for the threads, in order (xsk: round robin over\n"
		"                      the queues; live: one thread each; default: the first\n"
		"                      CPU this process may use)\n"
		"  --batch N           frames per ring operation (xsk, default 64) or per\n"
		"                      kernel batch (live, default 256), 1..256\n"
		"  --mode MODE         xsk bind: auto (default), copy, zero-copy\n"
		"  --tx-budget N       xsk copy mode: frames one sendto() may send, 32..%d\n"
		"                      (default %d; 0: the kernel's default, 32)\n"
		"  --json              JSON lines instead of text\n"
		"  -v, --verbose       also show libbpf/libxdp messages\n"
		"  -h, --help          this text\n"
		"The live engine sends with XDP_TX, a redirect out of IFACE: on a veth the\n"
		"peer needs an XDP program (e.g. xskfwd forward or sink running there).\n"
		"Exit status: 0 clean stop, 1 runtime error, 2 bad arguments.\n",
		XF_GEN_DEFAULT_SPORT, XF_GEN_DEFAULT_DPORT, XF_GEN_MIN_SIZE4, XF_GEN_MIN_SIZE6,
		GEN_RING_SIZE, DEFAULT_TX_BUDGET);
}

static int bad_arg(const char *opt, const char *why)
{
	xf_err("gen: %s: %s (see xskfwd gen --help)", opt, why);
	return 2;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char end;
	int i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':')
			return -EINVAL;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 ||
	    strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* A count with an optional k/M/G suffix (powers of 1000), in [min, max]. */
static int parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s)) {
		snprintf(err, XF_ERRLEN, "'%s' is not a number", s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	else if (*end == 'G')
		mul = 1000000000, end++;
	if (errno || *end || v > max / mul) {
		snprintf(err, XF_ERRLEN, errno || *end ? "'%s' is not a number" : "%s is too large",
			 s);
		return -EINVAL;
	}
	v *= mul;
	if (v < min || v > max) {
		snprintf(err, XF_ERRLEN, "%s is out of range (%llu..%llu)", s,
			 (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
	enum {
		O_DST_MAC = 256,
		O_SRC_MAC,
		O_SRC_IP,
		O_DST_IP,
		O_IPV6,
		O_SRC_IP6,
		O_DST_IP6,
		O_SPORT,
		O_DPORT,
		O_SIZE,
		O_FLOWS,
		O_RATE,
		O_DURATION,
		O_COUNT,
		O_QUEUES,
		O_CPUS,
		O_ENGINE,
		O_BATCH,
		O_MODE,
		O_TX_BUDGET,
		O_JSON
	};
	static const struct option longopts[] = {
		{ "dst-mac", required_argument, NULL, O_DST_MAC },
		{ "src-mac", required_argument, NULL, O_SRC_MAC },
		{ "src-ip", required_argument, NULL, O_SRC_IP },
		{ "dst-ip", required_argument, NULL, O_DST_IP },
		{ "ipv6", no_argument, NULL, O_IPV6 },
		{ "src-ip6", required_argument, NULL, O_SRC_IP6 },
		{ "dst-ip6", required_argument, NULL, O_DST_IP6 },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "dport", required_argument, NULL, O_DPORT },
		{ "size", required_argument, NULL, O_SIZE },
		{ "flows", required_argument, NULL, O_FLOWS },
		{ "rate", required_argument, NULL, O_RATE },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "count", required_argument, NULL, O_COUNT },
		{ "queues", required_argument, NULL, O_QUEUES },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "engine", required_argument, NULL, O_ENGINE },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "mode", required_argument, NULL, O_MODE },
		{ "tx-budget", required_argument, NULL, O_TX_BUDGET },
		{ "json", no_argument, NULL, O_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char err[XF_ERRLEN];
	uint32_t v, min;
	int c;

	memset(o, 0, sizeof(*o));
	inet_pton(AF_INET, "198.18.0.1", &o->a.src4);
	inet_pton(AF_INET, "198.18.0.2", &o->a.dst4);
	inet_pton(AF_INET6, "2001:db8::1", &o->a.src6);
	inet_pton(AF_INET6, "2001:db8::2", &o->a.dst6);
	o->a.sport = XF_GEN_DEFAULT_SPORT;
	o->a.dport = XF_GEN_DEFAULT_DPORT;
	o->size = 0; /* default: the smallest frame of the family */
	o->flows = 1;
	o->tx_budget = DEFAULT_TX_BUDGET;
	o->engine = ENGINE_AUTO;
	o->mode = RL_MODE_AUTO;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_DST_MAC:
		case O_SRC_MAC:
			if (parse_mac(optarg, c == O_DST_MAC ? o->a.dst_mac : o->a.src_mac))
				return bad_arg(c == O_DST_MAC ? "--dst-mac" : "--src-mac",
					       "not a MAC address like 02:58:46:00:00:02");
			*(c == O_DST_MAC ? &o->have_dst_mac : &o->have_src_mac) = true;
			break;
		case O_SRC_IP:
		case O_DST_IP:
			if (inet_pton(AF_INET, optarg, c == O_SRC_IP ? &o->a.src4 : &o->a.dst4) !=
			    1)
				return bad_arg(
					c == O_SRC_IP ? "--src-ip" : "--dst-ip",
					"not an IPv4 address (for IPv6 use --src-ip6/--dst-ip6)");
			*(c == O_SRC_IP ? &o->src4 : &o->dst4) = true;
			break;
		case O_IPV6:
			o->a.ipv6 = true;
			break;
		case O_SRC_IP6:
		case O_DST_IP6:
			if (inet_pton(AF_INET6, optarg, c == O_SRC_IP6 ? &o->a.src6 : &o->a.dst6) !=
			    1)
				return bad_arg(c == O_SRC_IP6 ? "--src-ip6" : "--dst-ip6",
					       "not an IPv6 address");
			*(c == O_SRC_IP6 ? &o->src6 : &o->dst6) = true;
			o->a.ipv6 = true;
			break;
		case O_SPORT:
		case O_DPORT:
			if (xf_parse_u32(optarg, 0, 65535, &v, err))
				return bad_arg(c == O_SPORT ? "--sport" : "--dport", err);
			*(c == O_SPORT ? &o->a.sport : &o->a.dport) = (uint16_t)v;
			break;
		case O_SIZE:
			if (xf_parse_u32(optarg, 1, 65535, &o->size, err))
				return bad_arg("--size", err);
			break;
		case O_FLOWS:
			if (xf_parse_u32(optarg, 1, 65536, &o->flows, err))
				return bad_arg("--flows", err);
			break;
		case O_RATE:
			if (parse_count(optarg, 0, 1000000000000ull, &o->rate, err))
				return bad_arg("--rate", err);
			break;
		case O_DURATION:
			if (xf_parse_u32(optarg, 1, 86400 * 365, &o->duration, err))
				return bad_arg("--duration", err);
			break;
		case O_COUNT:
			if (parse_count(optarg, 1, UINT64_MAX - 1, &o->count, err))
				return bad_arg("--count", err);
			break;
		case O_QUEUES:
			if (xf_parse_list(optarg, 4095, o->queues, &o->nqueues, err))
				return bad_arg("--queues", err);
			o->xsk_only = true;
			break;
		case O_CPUS:
			if (xf_parse_list(optarg, CPU_SETSIZE - 1, o->cpus, &o->ncpus, err))
				return bad_arg("--cpus", err);
			break;
		case O_ENGINE:
			if (!strcmp(optarg, "auto"))
				o->engine = ENGINE_AUTO;
			else if (!strcmp(optarg, "xsk"))
				o->engine = ENGINE_XSK;
			else if (!strcmp(optarg, "live"))
				o->engine = ENGINE_LIVE;
			else
				return bad_arg("--engine", "must be auto, xsk or live");
			break;
		case O_BATCH:
			if (xf_parse_u32(optarg, 1, LIVE_MAX_BATCH, &o->batch, err))
				return bad_arg("--batch", err);
			o->batch_set = true;
			break;
		case O_MODE:
			if (xf_parse_bind_mode(optarg, &o->mode))
				return bad_arg("--mode", "must be auto, copy or zero-copy");
			o->xsk_only = true;
			break;
		case O_TX_BUDGET:
			if (xf_parse_u32(optarg, 0, GEN_RING_SIZE, &o->tx_budget, err))
				return bad_arg("--tx-budget", err);
			if (o->tx_budget && o->tx_budget < 32)
				return bad_arg("--tx-budget", "must be 0 or 32 or more");
			o->xsk_only = true;
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
		return bad_arg("arguments", "need exactly one interface, IFACE");
	o->ifname = argv[optind];
	if (!o->have_dst_mac)
		return bad_arg("--dst-mac", "required: the MAC address the frames are sent to");
	if (o->count && o->duration)
		return bad_arg("--count", "cannot be combined with --duration");
	if (o->a.ipv6 && (o->src4 || o->dst4))
		return bad_arg(
			o->src4 ? "--src-ip" : "--dst-ip",
			"an IPv4 address, but the frames are IPv6 (use --src-ip6/--dst-ip6)");
	min = o->a.ipv6 ? XF_GEN_MIN_SIZE6 : XF_GEN_MIN_SIZE4;
	if (!o->size)
		o->size = min;
	else if (o->size < min) {
		snprintf(err, sizeof(err), "%u is below the minimum of %u for %s frames", o->size,
			 min, o->a.ipv6 ? "IPv6" : "IPv4");
		return bad_arg("--size", err);
	}
	if (o->size > XF_GEN_MAX_FRAME) {
		snprintf(err, sizeof(err), "%u is above the maximum of %u", o->size,
			 XF_GEN_MAX_FRAME);
		return bad_arg("--size", err);
	}
	if ((uint32_t)o->a.sport + o->flows - 1 > 65535)
		return bad_arg("--flows", "sport + flows - 1 must not exceed 65535");
	if (o->engine == ENGINE_LIVE && o->xsk_only)
		return bad_arg("--engine", "live does not use --queues, --mode or --tx-budget");
	return 0;
}

/* --- interface facts --- */

static int read_iface(struct gen *g)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	const char *name = g->o.ifname;
	struct ifreq ifr = {};
	int err;

	if (strlen(name) >= IF_NAMESIZE || !(g->ifindex = (int)if_nametoindex(name))) {
		xf_err("%s: no such interface", name);
		return -ENODEV;
	}
	err = xf_if_ioctl(name, SIOCGIFMTU, &ifr);
	if (err) {
		xf_err("%s: cannot read the MTU: %s", name, strerror(-err));
		return err;
	}
	g->mtu = (uint32_t)ifr.ifr_mtu;
	if (!g->o.have_src_mac) {
		memset(&ifr, 0, sizeof(ifr));
		err = xf_if_ioctl(name, SIOCGIFHWADDR, &ifr);
		if (err) {
			xf_err("%s: cannot read the MAC address: %s (give --src-mac)", name,
			       strerror(-err));
			return err;
		}
		memcpy(g->o.a.src_mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&info;
	snprintf(g->driver, sizeof(g->driver), "%s",
		 xf_if_ioctl(name, SIOCETHTOOL, &ifr) ? "unknown" : info.driver);
	if (g->o.size > g->mtu + XF_GEN_ETH_HLEN) {
		xf_err("%s: --size %u does not fit the MTU %u (at most %u bytes)", name, g->o.size,
		       g->mtu, g->mtu + XF_GEN_ETH_HLEN);
		return -EMSGSIZE;
	}
	return 0;
}

/* The interface's tx_dropped counter (0 and false when unreadable). */
static bool read_tx_dropped(const char *ifname, uint64_t *v)
{
	char path[96];
	unsigned long long x;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_dropped", ifname);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fscanf(f, "%llu", &x) == 1;
	fclose(f);
	*v = ok ? x : 0;
	return ok;
}

/* --- engine choice --- */

/* Why IFACE cannot take live frames now, or NULL if it can (or we cannot tell). */
static const char *live_blocker(struct gen *g, char *buf, size_t len)
{
	uint64_t feat = 0;
	int err = xf_xdp_features(g->ifindex, &feat);

	if (err) {
		xf_debug("%s: XDP features: %s (not checked)", g->o.ifname, strerror(-err));
		return NULL;
	}
	if (feat & XF_XDP_ACT_NDO_XMIT)
		return NULL;
	if (!strcmp(g->driver, "veth"))
		snprintf(buf, len,
			 "the peer of a veth needs an XDP program (attach xskfwd forward/sink "
			 "there)");
	else
		snprintf(buf, len,
			 "driver %s does not take redirected XDP frames (no "
			 "ndo_xdp_xmit)",
			 g->driver);
	return buf;
}

static int open_live(struct gen *g)
{
	int err = gen_live_open(&g->live, &g->tmpl);

	if (err == -EPERM)
		xf_err("%s: loading the live-frames program needs CAP_BPF and CAP_NET_ADMIN "
		       "(or root)",
		       g->o.ifname);
	else if (err)
		xf_err("%s: loading the live-frames program: %s", g->o.ifname, strerror(-err));
	return err;
}

static void close_live(struct gen *g)
{
	gen_live_close(g->live);
	g->live = NULL;
}

/*
 * Pick the engine. Explicit live: every check must pass. Auto: live when
 * it can be used, else xsk with the reason recorded. Returns 0 or -errno
 * (after one line of error).
 */
static int choose_engine(struct gen *g)
{
	char why[128];
	const char *blocked;
	int err;

	if (g->o.engine == ENGINE_XSK || g->o.xsk_only) {
		g->engine = ENGINE_XSK;
		return 0;
	}
	err = open_live(g);
	if (err)
		return err;
	err = gen_live_probe(g->live, &g->tmpl, g->ifindex);
	if (err == -EOPNOTSUPP) {
		if (g->o.engine == ENGINE_LIVE) {
			xf_err("%s: live frames: the kernel does not support "
			       "BPF_F_TEST_XDP_LIVE_FRAMES (Linux >= 5.18); use --engine xsk",
			       g->o.ifname);
			return err;
		}
		snprintf(g->auto_reason, sizeof(g->auto_reason), "the kernel has no live frames");
		close_live(g);
		g->engine = ENGINE_XSK;
		return 0;
	}
	if (err) {
		xf_err("%s: live frames: probe run: %s", g->o.ifname, strerror(-err));
		return err;
	}
	blocked = live_blocker(g, why, sizeof(why));
	if (blocked) {
		if (g->o.engine == ENGINE_LIVE) {
			xf_err("%s: live frames: %s, or use --engine xsk", g->o.ifname, blocked);
			return -EOPNOTSUPP;
		}
		snprintf(g->auto_reason, sizeof(g->auto_reason), "live frames unavailable: %s",
			 blocked);
		close_live(g);
		g->engine = ENGINE_XSK;
		return 0;
	}
	g->engine = ENGINE_LIVE;
	return 0;
}

/* --- set-up --- */

static void split_work(struct gen *g)
{
	uint32_t i, n = g->nth;

	for (i = 0; i < n; i++) {
		struct gen_thread *t = &g->th[i];

		t->quota = UINT64_MAX;
		if (g->o.count)
			t->quota = g->o.count / n + (i < g->o.count % n ? 1 : 0);
		t->rate = (double)g->o.rate / n;
		t->tmpl = &g->tmpl;
		t->stop = &g->stop;
		t->failed = &g->failed;
	}
}

static int setup_xsk(struct gen *g)
{
	uint32_t per = 2 * GEN_RING_SIZE, i, k;
	struct rl_umem_opts uo = {
		.frame_size = g->tmpl.len <= 2048 ? 2048 : 4096,
		.fill_size = GEN_FILL_SIZE,
		.comp_size = GEN_RING_SIZE,
	};
	struct rl_sock_opts so = {
		.ifname = g->o.ifname,
		.rx_size = 0, /* TX only: no XDP program, nothing to receive */
		.tx_size = GEN_RING_SIZE,
		.mode = g->o.mode,
		.need_wakeup = true,
	};
	int err;

	if (!g->o.nqueues)
		g->o.queues[g->o.nqueues++] = 0;
	g->nth = g->o.nqueues;
	g->th = calloc(g->nth, sizeof(*g->th));
	if (!g->th)
		return -ENOMEM;
	split_work(g);
	uo.nframes = (uint64_t)per * g->nth;
	err = rl_umem_create(&g->umem, &uo);
	if (err) {
		xf_err("UMEM of %llu MiB: %s",
		       (unsigned long long)(uo.nframes * uo.frame_size >> 20), strerror(-err));
		return err;
	}
	for (i = 0; i < g->nth; i++) {
		struct gen_thread *t = &g->th[i];

		t->queue = g->o.queues[i];
		t->cpu = (int)g->o.cpus[i % g->o.ncpus];
		t->stream = (uint16_t)i;
		t->batch = g->o.batch_set ? g->o.batch : 64;
		t->umem_area = g->umem->area;
		err = rl_pool_init(&t->pool, (uint64_t)i * per * uo.frame_size, per, uo.frame_size);
		if (err) {
			xf_err("q%u: frame pool: %s", t->queue, strerror(-err));
			return err;
		}
		for (k = 0; k < per; k++)
			memcpy(t->umem_area + ((uint64_t)i * per + k) * uo.frame_size,
			       g->tmpl.frame, g->tmpl.len);
		so.queue = t->queue;
		err = rl_sock_create(&t->sock, g->umem, &so);
		if (err) {
			xf_explain_bind_error(g->o.ifname, g->driver, 0, t->queue, g->o.mode, err);
			return err;
		}
		if (g->o.tx_budget && !t->sock->zerocopy) {
			err = rl_sock_set_tx_budget(t->sock, g->o.tx_budget);
			if (!err)
				g->budget_set = true;
			else if (err != -ENOPROTOOPT && err != -EINVAL)
				xf_warn("%s/q%u: tx budget %u: %s (kernel default kept)",
					g->o.ifname, t->queue, g->o.tx_budget, strerror(-err));
			else
				xf_debug("%s/q%u: XDP_MAX_TX_SKB_BUDGET: %s", g->o.ifname, t->queue,
					 strerror(-err));
		}
	}
	return 0;
}

static int setup_live(struct gen *g)
{
	uint32_t i;
	int err;

	for (i = 0; i < g->o.ncpus; i++) {
		if (g->o.cpus[i] >= XF_GEN_MAX_STREAMS ||
		    (int)g->o.cpus[i] >= gen_live_ncpus(g->live)) {
			xf_err("--cpus: CPU %u: the live engine's stream id is the CPU, at most %d",
			       g->o.cpus[i], XF_GEN_MAX_STREAMS - 1);
			return -EINVAL;
		}
	}
	err = gen_live_interrupt_setup();
	if (err) {
		xf_err("installing the %s handler: %s", strsignal(XF_GEN_LIVE_SIG), strerror(-err));
		return err;
	}
	g->live_counts = calloc((size_t)gen_live_ncpus(g->live), sizeof(uint64_t));
	g->nth = g->o.ncpus;
	g->th = calloc(g->nth, sizeof(*g->th));
	if (!g->th || !g->live_counts)
		return -ENOMEM;
	split_work(g);
	for (i = 0; i < g->nth; i++) {
		struct gen_thread *t = &g->th[i];

		t->cpu = (int)g->o.cpus[i];
		t->stream = (uint16_t)t->cpu;
		t->batch = g->o.batch_set ? g->o.batch : LIVE_MAX_BATCH;
		t->prog_fd = gen_live_prog_fd(g->live);
		t->counts_fd = gen_live_counts_fd(g->live);
		t->ncpus = gen_live_ncpus(g->live);
		t->ifindex = g->ifindex;
		/* Chunk sizes: see gen_live.c. */
		t->chunk = XF_GEN_LIVE_MAX_CHUNK;
		if (t->rate > 0 && t->rate <= XF_GEN_LIVE_SMOOTH_PPS)
			t->chunk = 1;
		else if (t->rate > 0 && t->rate / 10 < XF_GEN_LIVE_MAX_CHUNK)
			t->chunk = (uint32_t)(t->rate / 10);
	}
	return 0;
}

static int setup(struct gen *g)
{
	int err;

	err = read_iface(g);
	if (err)
		return err;
	err = xf_gen_tmpl_init(&g->tmpl, &g->o.a, g->o.size, g->o.flows);
	if (err) {
		xf_err("%s: cannot build a %u-byte frame", g->o.ifname, g->o.size);
		return err;
	}
	err = xf_choose_cpus(g->o.cpus, &g->o.ncpus, 1);
	if (err)
		return err;
	err = choose_engine(g);
	if (err)
		return err;
	return g->engine == ENGINE_LIVE ? setup_live(g) : setup_xsk(g);
}

static void teardown(struct gen *g)
{
	uint32_t i;
	int err;

	for (i = 0; i < g->nth && g->th; i++) {
		rl_sock_destroy(g->th[i].sock);
		rl_pool_fini(&g->th[i].pool);
	}
	if (g->umem) {
		err = rl_umem_destroy(g->umem);
		if (err)
			xf_warn("freeing the UMEM: %s", strerror(-err));
	}
	close_live(g);
	free(g->live_counts);
	free(g->th);
}

/* --- reporting --- */

static void describe_frame(const struct gen *g, char *buf, size_t len)
{
	const struct gen_opts *o = &g->o;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], rate[48], until[48];
	const uint8_t *dm = o->a.dst_mac;

	if (o->a.ipv6) {
		inet_ntop(AF_INET6, &o->a.src6, s, sizeof(s));
		inet_ntop(AF_INET6, &o->a.dst6, d, sizeof(d));
	} else {
		inet_ntop(AF_INET, &o->a.src4, s, sizeof(s));
		inet_ntop(AF_INET, &o->a.dst4, d, sizeof(d));
	}
	if (o->rate)
		snprintf(rate, sizeof(rate), "%llu pps", (unsigned long long)o->rate);
	else
		snprintf(rate, sizeof(rate), "as fast as possible");
	if (o->count)
		snprintf(until, sizeof(until), "%llu frame%s", (unsigned long long)o->count,
			 o->count == 1 ? "" : "s");
	else if (o->duration)
		snprintf(until, sizeof(until), "%u s", o->duration);
	else
		snprintf(until, sizeof(until), "until stopped");
	snprintf(buf, len,
		 "%u-byte %s/UDP to %02x:%02x:%02x:%02x:%02x:%02x, %s%s%s:%u -> %s%s%s:%u, "
		 "%u flow%s, %s, %s",
		 o->size, o->a.ipv6 ? "IPv6" : "IPv4", dm[0], dm[1], dm[2], dm[3], dm[4], dm[5],
		 o->a.ipv6 ? "[" : "", s, o->a.ipv6 ? "]" : "", o->a.sport, o->a.ipv6 ? "[" : "", d,
		 o->a.ipv6 ? "]" : "", o->a.dport, o->flows, o->flows == 1 ? "" : "s", rate, until);
}

static void report_setup(const struct gen *g)
{
	const struct gen_opts *o = &g->o;
	char what[320];
	uint32_t i;

	describe_frame(g, what, sizeof(what));
	for (i = 0; i < g->nth; i++) {
		const struct gen_thread *t = &g->th[i];

		if (g->engine == ENGINE_XSK && o->json)
			printf("{\"type\":\"start\",\"iface\":\"%s\",\"engine\":\"xsk\","
			       "\"stream\":%u,\"queue\":%u,\"cpu\":%d,\"bind_mode\":\"%s\","
			       "\"need_wakeup\":%s,\"tx_budget\":%u,\"batch\":%u,\"size\":%u,"
			       "\"ipv6\":%s,\"flows\":%u,\"rate\":%llu,\"auto_reason\":\"%s\"}\n",
			       o->ifname, t->stream, t->queue, t->cpu,
			       t->sock->zerocopy ? "zero-copy" : "copy",
			       t->sock->need_wakeup ? "true" : "false",
			       g->budget_set ? o->tx_budget : 32, t->batch, o->size,
			       o->a.ipv6 ? "true" : "false", o->flows, (unsigned long long)o->rate,
			       g->auto_reason);
		else if (g->engine == ENGINE_XSK)
			printf("%s/q%u: engine xsk, bind %s, need_wakeup %s, tx budget %u, batch "
			       "%u, cpu %d, stream %u\n",
			       o->ifname, t->queue, t->sock->zerocopy ? "zero-copy" : "copy",
			       t->sock->need_wakeup ? "on" : "off",
			       g->budget_set ? o->tx_budget : 32, t->batch, t->cpu, t->stream);
		else if (o->json)
			printf("{\"type\":\"start\",\"iface\":\"%s\",\"engine\":\"live\","
			       "\"stream\":%u,\"cpu\":%d,\"batch\":%u,\"chunk\":%u,\"size\":%u,"
			       "\"ipv6\":%s,\"flows\":%u,\"rate\":%llu}\n",
			       o->ifname, t->stream, t->cpu, t->batch, t->chunk, o->size,
			       o->a.ipv6 ? "true" : "false", o->flows, (unsigned long long)o->rate);
		else
			printf("%s: engine live (BPF_PROG_RUN live frames, XDP_TX), cpu %d, "
			       "stream %u, batch %u, up to %u frames per run\n",
			       o->ifname, t->cpu, t->stream, t->batch, t->chunk);
	}
	if (!o->json) {
		if (*g->auto_reason)
			printf("engine auto chose xsk: %s\n", g->auto_reason);
		printf("generating on %s: %s\n", o->ifname, what);
	}
	fflush(stdout);
}

/* Frames sent so far, in all. */
static uint64_t total_sent(struct gen *g)
{
	uint64_t sum = 0;
	uint32_t i;
	int c;

	if (g->engine == ENGINE_LIVE) {
		if (gen_live_counts(g->live, g->live_counts))
			return 0;
		for (c = 0; c < gen_live_ncpus(g->live); c++)
			sum += g->live_counts[c];
		return sum;
	}
	for (i = 0; i < g->nth; i++) {
		const struct rl_sock *s = g->th[i].sock;

		sum += rl_stat_read(s->stats.tx_completed) - rl_stat_read(s->stats.tx_dropped);
	}
	return sum;
}

static bool all_done(const struct gen *g)
{
	uint32_t i;

	for (i = 0; i < g->nth; i++)
		if (!__atomic_load_n(&g->th[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void print_rate(const struct gen *g, double t, uint64_t prev, uint64_t now, double secs)
{
	double pps = (double)(now - prev) / secs;
	double mbps = (double)(now - prev) * g->o.size * 8 / secs / 1e6;

	if (g->o.json)
		printf("{\"type\":\"rate\",\"t\":%.3f,\"iface\":\"%s\",\"tx_pps\":%.0f,"
		       "\"tx_mbps\":%.3f,\"total\":%llu}\n",
		       t, g->o.ifname, pps, mbps, (unsigned long long)now);
	else
		printf("gen %s: tx %.0f pps  %.2f Mbit/s  total %llu\n", g->o.ifname, pps, mbps,
		       (unsigned long long)now);
	fflush(stdout);
}

/*
 * Report once a second until a signal, --duration, all threads done or a
 * thread failure. Wakes every 50 ms to notice the last two promptly.
 */
static void run_reports(struct gen *g, const sigset_t *sigs, uint64_t start)
{
	struct timespec tick = { 0, REPORT_TICK_NS };
	uint64_t last = start, prev = 0, cur, now;
	int sig;

	for (;;) {
		sig = sigtimedwait(sigs, NULL, &tick);
		if (sig > 0 || atomic_load(&g->failed) || all_done(g))
			break;
		now = xf_now_ns();
		if (now - last >= 1000000000ull) {
			cur = total_sent(g);
			print_rate(g, (double)(now - start) / 1e9, prev, cur,
				   (double)(now - last) / 1e9);
			prev = cur;
			last = now;
		}
		if (g->o.duration && now - start >= (uint64_t)g->o.duration * 1000000000ull)
			break;
	}
	atomic_store(&g->stop, true);
}

/* Per stream: xsk threads; live CPUs that sent (and every thread's CPU). */
static uint32_t collect_streams(struct gen *g, uint32_t *id, uint64_t *sent, int *cpu,
				int64_t *queue)
{
	uint32_t n = 0, i;
	int c;

	if (g->engine == ENGINE_XSK) {
		for (i = 0; i < g->nth; i++) {
			const struct rl_sock *s = g->th[i].sock;

			id[n] = g->th[i].stream;
			sent[n] = rl_stat_read(s->stats.tx_completed) -
				  rl_stat_read(s->stats.tx_dropped);
			cpu[n] = g->th[i].cpu;
			queue[n++] = g->th[i].queue;
		}
		return n;
	}
	if (gen_live_counts(g->live, g->live_counts))
		memset(g->live_counts, 0, sizeof(uint64_t) * (size_t)gen_live_ncpus(g->live));
	for (c = 0; c < gen_live_ncpus(g->live) && n < XF_GEN_MAX_STREAMS; c++) {
		bool ours = false;

		for (i = 0; i < g->nth; i++)
			ours |= g->th[i].cpu == c;
		if (!ours && !g->live_counts[c])
			continue;
		id[n] = (uint32_t)c;
		sent[n] = g->live_counts[c];
		cpu[n] = c;
		queue[n++] = -1;
	}
	return n;
}

static void report_summary(struct gen *g, double secs)
{
	uint32_t id[XF_GEN_MAX_STREAMS], n, i;
	uint64_t sent[XF_GEN_MAX_STREAMS], total = 0, dropped = 0, unsent = 0, drv_drop = 0, v;
	int64_t queue[XF_GEN_MAX_STREAMS];
	int cpu[XF_GEN_MAX_STREAMS];
	const char *name = g->o.ifname;
	bool json = g->o.json;

	n = collect_streams(g, id, sent, cpu, queue);
	for (i = 0; i < n; i++)
		total += sent[i];
	if (g->have_dropped && read_tx_dropped(name, &v) && v >= g->tx_dropped0)
		dropped = v - g->tx_dropped0;
	for (i = 0; i < g->nth && g->engine == ENGINE_XSK; i++) {
		unsent += rl_stat_read(g->th[i].unsent);
		drv_drop += rl_stat_read(g->th[i].sock->stats.tx_dropped);
	}
	if (json) {
		printf("{\"type\":\"summary\",\"iface\":\"%s\",\"engine\":\"%s\",\"seconds\":%.3f,"
		       "\"sent\":%llu,\"bytes\":%llu,\"pps\":%.0f,\"mbps\":%.3f,"
		       "\"driver_dropped\":%llu,\"unsent\":%llu,\"iface_tx_dropped\":%llu,"
		       "\"streams\":[",
		       name, g->engine == ENGINE_LIVE ? "live" : "xsk", secs,
		       (unsigned long long)total, (unsigned long long)(total * g->o.size),
		       secs > 0 ? (double)total / secs : 0,
		       secs > 0 ? (double)total * g->o.size * 8 / secs / 1e6 : 0,
		       (unsigned long long)drv_drop, (unsigned long long)unsent,
		       (unsigned long long)dropped);
		for (i = 0; i < n; i++) {
			printf("%s{\"stream\":%u,\"sent\":%llu,\"cpu\":%d", i ? "," : "", id[i],
			       (unsigned long long)sent[i], cpu[i]);
			if (queue[i] >= 0)
				printf(",\"queue\":%lld", (long long)queue[i]);
			printf("}");
		}
		printf("]}\n");
	} else {
		printf("summary gen %s (%.1f s): sent %llu bytes %llu pps %.0f Mbit/s %.2f "
		       "engine %s driver_dropped %llu unsent %llu iface_tx_dropped %llu\n",
		       name, secs, (unsigned long long)total,
		       (unsigned long long)(total * g->o.size), secs > 0 ? (double)total / secs : 0,
		       secs > 0 ? (double)total * g->o.size * 8 / secs / 1e6 : 0,
		       g->engine == ENGINE_LIVE ? "live" : "xsk", (unsigned long long)drv_drop,
		       (unsigned long long)unsent, (unsigned long long)dropped);
		for (i = 0; i < n; i++) {
			printf("summary gen %s/stream %u: sent %llu cpu %d", name, id[i],
			       (unsigned long long)sent[i], cpu[i]);
			if (queue[i] >= 0)
				printf(" queue %lld", (long long)queue[i]);
			printf("\n");
		}
	}
	fflush(stdout);
	if (unsent)
		xf_warn("%s: %llu frame(s) were still queued at exit: not sent, not counted", name,
			(unsigned long long)unsent);
	for (i = 0; i < g->nth && g->engine == ENGINE_XSK; i++)
		if (g->th[i].pool.errors)
			xf_warn("%s/q%u: %llu completed frame(s) were foreign or already free, "
				"and were ignored",
				name, g->th[i].queue, (unsigned long long)g->th[i].pool.errors);
}

/* When the last thread finished (all have been joined). */
static uint64_t run_end(const struct gen *g)
{
	uint64_t end = 0;
	uint32_t i;

	for (i = 0; i < g->nth; i++)
		if (g->th[i].end_ns > end)
			end = g->th[i].end_ns;
	return end ? end : xf_now_ns();
}

static int start_threads(struct gen *g)
{
	void *(*fn)(void *) = g->engine == ENGINE_LIVE ? gen_live_run : gen_xsk_run;
	uint32_t i;
	int err;

	for (i = 0; i < g->nth; i++) {
		err = pthread_create(&g->th[i].thread, NULL, fn, &g->th[i]);
		if (err) {
			xf_err("starting generator thread %u: %s", i, strerror(err));
			return -err;
		}
		g->th[i].started = true;
	}
	return 0;
}

static void stop_threads(struct gen *g)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	uint32_t i, tries;

	atomic_store(&g->stop, true);
	/* A live run lasts until interrupted; a signal that lands before the
	 * thread enters its run is missed, so repeat it (bounded). */
	for (tries = 0; g->engine == ENGINE_LIVE && !all_done(g) && tries < 1000; tries++) {
		for (i = 0; i < g->nth; i++)
			gen_live_interrupt(&g->th[i]);
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < g->nth; i++) {
		if (g->th[i].started)
			pthread_join(g->th[i].thread, NULL);
		g->th[i].started = false;
	}
}

static int report_thread_errors(const struct gen *g)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; i < g->nth; i++) {
		const struct gen_thread *t = &g->th[i];

		if (!t->error)
			continue;
		if (g->engine == ENGINE_XSK)
			xf_err("%s/q%u: %s: %s", g->o.ifname, t->queue, t->error_what,
			       strerror(-t->error));
		else
			xf_err("%s: cpu %d: %s: %s", g->o.ifname, t->cpu, t->error_what,
			       strerror(-t->error));
		ret = 1;
	}
	return ret;
}

int do_gen(int argc, char **argv)
{
	struct gen *g;
	sigset_t sigs;
	uint64_t start;
	int ret;

	g = calloc(1, sizeof(*g));
	if (!g) {
		xf_err("out of memory");
		return 1;
	}
	ret = parse_opts(argc, argv, &g->o);
	if (ret) {
		free(g);
		return ret < 0 ? 0 : ret;
	}
	xf_log_libs();
	/* Signals are taken by the report loop only; threads inherit the mask. */
	xf_block_signals(&sigs);

	ret = setup(g) ? 1 : 0;
	if (!ret) {
		report_setup(g);
		g->have_dropped = read_tx_dropped(g->o.ifname, &g->tx_dropped0);
		start = xf_now_ns();
		ret = start_threads(g) ? 1 : 0;
		if (!ret)
			run_reports(g, &sigs, start);
		stop_threads(g);
		report_summary(g, (double)(run_end(g) - start) / 1e9);
		ret |= report_thread_errors(g);
	}
	teardown(g);
	free(g);
	return ret;
}
