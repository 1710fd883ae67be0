// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd sink IFACE: receive the generator's frames through AF_XDP and
 * account for them: per stream, frames received, lost, reordered and
 * duplicated; one-way latency percentiles; everything else as "other".
 *
 * Set-up, in order, each step undone in reverse on failure or exit:
 *   port (lock, facts, MTU check) -> classifier attached with the rules
 *   (socket map still empty, so frames are passed meanwhile) -> one UMEM ->
 *   per queue: a receive-only socket, a pool slice, the fill ring primed,
 *   the socket entered into the map -> pollers started.
 * The main thread reports once a second until SIGINT/SIGTERM or
 * --duration, then stops the pollers (each drains its rx ring once),
 * merges their trackers and histograms, and prints the summary. Tear-down
 * detaches the classifier first, then closes the sockets, then the UMEM.
 *
 * Streams and queues: each poller keeps its own tracker per stream. At
 * report time the trackers of one stream are merged (seq_track.h): lost is
 * exact when every sequence number arrived on one queue only, which RSS
 * guarantees for copies of one frame; reordering is seen within a queue
 * only (there is no common order between queues). Streams seen on several
 * queues are counted as "split" in the summary.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "log.h"
#include "port.h"
#include "rules.h"
#include "sink_poller.h"

#define FRAME_SIZE 4096
#define RULE_TEXT_LEN 32

struct sink_opts {
	const char *ifname;
	uint32_t queues[XF_MAX_LIST], nqueues;
	uint32_t cpus[XF_MAX_LIST], ncpus;
	struct xf_rule rules[XF_MAX_RULES];
	const char *rule_text[XF_MAX_RULES];
	uint32_t nrules;
	bool all, default_rule;
	enum rl_bind_mode mode;
	enum xdp_attach_mode xdp_mode;
	uint32_t ring_size, batch, duration, spin_us;
	bool json;
	char default_text[RULE_TEXT_LEN];
};

struct sink {
	struct sink_opts o;
	struct xf_port port;
	struct rl_umem *umem;
	struct sink_poller *pollers;
	uint32_t npollers;
	atomic_bool stop;
	atomic_bool failed; /* a poller stopped on an error */
};

/* Totals over all pollers and streams, as the user reads them. */
struct sink_totals {
	uint64_t rx_packets, rx_bytes; /* everything the sockets received */
	uint64_t received, bytes;      /* ours */
	uint64_t lost, reordered, duplicate, late, cross_dups;
	uint64_t other, other_by[XF_GEN_NVERDICTS], untimed;
	uint32_t streams, split_streams;
	struct rl_xdp_stats k;
	uint64_t xdp[XF_CNT_MAX];
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xskfwd sink IFACE [options]\n"
		"Receive the generator's test frames (xskfwd gen) on IFACE through AF_XDP and\n"
		"count them per stream: received, lost, reordered, duplicate, and one-way\n"
		"latency (p50/p99/p99.9/max). Other frames the rules choose are counted as\n"
		"other; frames no rule chooses go to the host stack (XDP_PASS).\n"
		"Runs until SIGINT/SIGTERM; prints rates once a second, a summary at exit.\n"
		"\n"
		"Options:\n"
		"  --queues LIST       queues to serve, e.g. 0-3 (default: every rx queue of\n"
		"                      IFACE); one pinned poller per queue\n"
		"  --cpus LIST         CPUs for the pollers, in order (default: all allowed)\n"
		"  --match RULE        take frames matching RULE (repeatable, up to %d);\n"
		"                      default: 'udp dport %u', the generator's port.\n"
		"                      RULE is words from:\n"
		"                        ip | ip6 | src PREFIX | dst PREFIX | tcp | udp | sctp\n"
		"                        | icmp | icmp6 | proto N | sport P[-Q] | dport P[-Q]\n"
		"                        | ethertype N | vlan ID | any\n"
		"  --all               take every frame (ARP, ND and all: the host stack gets\n"
		"                      none of IFACE's traffic)\n"
		"  --mode MODE         AF_XDP bind: auto (zero-copy if the driver can, else\n"
		"                      copy; default), copy, zero-copy (fail if refused)\n"
		"  --xdp-mode MODE     XDP attach: native (default) or skb (generic)\n"
		"  --ring-size N       rx ring entries, power of two (default 2048); the fill\n"
		"                      ring gets twice as many\n"
		"  --batch N           descriptors read per ring operation (default 64)\n"
		"  --spin-us N         keep polling an empty rx ring N us before sleeping\n"
		"                      (default 0: sleep at once, which leaves the CPU to a\n"
		"                      generator or forwarder sharing it; spin when the\n"
		"                      pollers have CPUs of their own)\n"
		"  --duration S        stop after S seconds (default: run until a signal)\n"
		"  --json              JSON lines instead of text\n"
		"  -v, --verbose       also show libbpf/libxdp messages\n"
		"  -h, --help          this text\n"
		"Lost counts the sequence numbers missing between the first and the last one\n"
		"received per stream: compare the generator's sent with received - duplicate.\n"
		"Exit status: 0 clean stop, 1 runtime error, 2 bad arguments.\n",
		XF_MAX_RULES, XF_GEN_DEFAULT_DPORT);
}

static int bad_arg(const char *opt, const char *why)
{
	xf_err("sink: %s: %s (see xskfwd sink --help)", opt, why);
	return 2;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int parse_opts(int argc, char **argv, struct sink_opts *o)
{
	enum {
		O_QUEUES = 256,
		O_CPUS,
		O_MATCH,
		O_ALL,
		O_MODE,
		O_XDP_MODE,
		O_RING,
		O_BATCH,
		O_SPIN,
		O_DURATION,
		O_JSON
	};
	static const struct option longopts[] = {
		{ "queues", required_argument, NULL, O_QUEUES },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "match", required_argument, NULL, O_MATCH },
		{ "all", no_argument, NULL, O_ALL },
		{ "mode", required_argument, NULL, O_MODE },
		{ "xdp-mode", required_argument, NULL, O_XDP_MODE },
		{ "ring-size", required_argument, NULL, O_RING },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "spin-us", required_argument, NULL, O_SPIN },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "json", no_argument, NULL, O_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char err[XF_ERRLEN];
	int c;

	memset(o, 0, sizeof(*o));
	o->mode = RL_MODE_AUTO;
	o->xdp_mode = XDP_MODE_NATIVE;
	o->ring_size = 2048;
	o->batch = 64;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_QUEUES:
			if (xf_parse_list(optarg, 4095, o->queues, &o->nqueues, err))
				return bad_arg("--queues", err);
			break;
		case O_CPUS:
			if (xf_parse_list(optarg, CPU_SETSIZE - 1, o->cpus, &o->ncpus, err))
				return bad_arg("--cpus", err);
			break;
		case O_MATCH:
			if (o->nrules == XF_MAX_RULES)
				return bad_arg("--match", "too many rules");
			if (xf_rule_parse(optarg, &o->rules[o->nrules], err)) {
				char what[XF_ERRLEN + 80];

				snprintf(what, sizeof(what), "'%s': %s", optarg, err);
				return bad_arg("--match", what);
			}
			o->rule_text[o->nrules++] = optarg;
			break;
		case O_ALL:
			o->all = true;
			break;
		case O_MODE:
			if (xf_parse_bind_mode(optarg, &o->mode))
				return bad_arg("--mode", "must be auto, copy or zero-copy");
			break;
		case O_XDP_MODE:
			if (xf_parse_xdp_mode(optarg, &o->xdp_mode))
				return bad_arg("--xdp-mode", "must be native or skb");
			break;
		case O_RING:
			if (xf_parse_u32(optarg, 64, 16384, &o->ring_size, err))
				return bad_arg("--ring-size", err);
			if (!is_pow2(o->ring_size))
				return bad_arg("--ring-size", "must be a power of two");
			break;
		case O_BATCH:
			if (xf_parse_u32(optarg, 1, 1024, &o->batch, err))
				return bad_arg("--batch", err);
			break;
		case O_SPIN:
			if (xf_parse_u32(optarg, 0, 1000000, &o->spin_us, err))
				return bad_arg("--spin-us", err);
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
		return bad_arg("arguments", "need exactly one interface, IFACE");
	o->ifname = argv[optind];
	if (o->all && o->nrules)
		return bad_arg("--all", "cannot be combined with --match");
	if (o->batch > o->ring_size)
		return bad_arg("--batch", "cannot exceed --ring-size");
	if (!o->all && !o->nrules) {
		/* The generator's default traffic. */
		snprintf(o->default_text, sizeof(o->default_text), "udp dport %u",
			 XF_GEN_DEFAULT_DPORT);
		if (xf_rule_parse(o->default_text, &o->rules[0], err))
			return bad_arg("default rule", err); /* cannot happen */
		o->rule_text[0] = o->default_text;
		o->nrules = 1;
		o->default_rule = true;
	}
	return 0;
}

/* Per poller: a full fill ring (2N) and a full rx ring (N). */
static uint64_t frames_per_poller(const struct sink_opts *o)
{
	return 3ull * o->ring_size;
}

static int setup_umem(struct sink *k)
{
	struct rl_umem_opts uo = {
		.frame_size = FRAME_SIZE,
		.fill_size = k->o.ring_size * 2,
		.comp_size = 64, /* required by the kernel, never used: no tx */
		.nframes = frames_per_poller(&k->o) * k->o.nqueues,
	};
	int err = rl_umem_create(&k->umem, &uo);

	if (err)
		xf_err("UMEM of %llu MiB (%llu frames of %u bytes): %s%s",
		       (unsigned long long)(uo.nframes * uo.frame_size >> 20),
		       (unsigned long long)uo.nframes, uo.frame_size, strerror(-err),
		       err == -ENOMEM || err == -ENOBUFS || err == -EPERM
			       ? " (locked-memory limit? run as root or with CAP_IPC_LOCK, or use "
				 "a smaller --ring-size or fewer --queues)"
			       : "");
	return err;
}

static int setup_poller(struct sink *k, uint32_t i)
{
	struct sink_poller *sp = &k->pollers[i];
	uint64_t per_poller = frames_per_poller(&k->o);
	struct rl_sock_opts so = {
		.ifname = k->port.name,
		.queue = k->o.queues[i],
		.rx_size = k->o.ring_size,
		.tx_size = 0, /* receive only */
		.mode = k->o.mode,
		.need_wakeup = true,
		.xdp_skb_mode = k->o.xdp_mode == XDP_MODE_SKB,
	};
	int err;

	sp->queue = k->o.queues[i];
	sp->cpu = (int)k->o.cpus[i % k->o.ncpus];
	sp->batch = k->o.batch;
	sp->spin_ns = (uint64_t)k->o.spin_us * 1000;
	sp->stop = &k->stop;
	sp->failed = &k->failed;
	sp->area = k->umem->area;
	err = sink_poller_init(sp);
	if (err) {
		xf_err("q%u: stream trackers: %s", sp->queue, strerror(-err));
		return err;
	}
	err = rl_pool_init(&sp->pool, i * per_poller * FRAME_SIZE, (uint32_t)per_poller,
			   FRAME_SIZE);
	if (err) {
		xf_err("q%u: frame pool: %s", sp->queue, strerror(-err));
		return err;
	}
	err = rl_sock_create(&sp->sock, k->umem, &so);
	if (err) {
		xf_explain_bind_error(k->port.name, k->port.driver, k->port.nqueues, sp->queue,
				      k->o.mode, err);
		return err;
	}
	/* Prime the fill ring before the classifier can send frames here. */
	rl_fill(sp->sock, &sp->pool, sp->sock->fill.size);
	return xf_port_map_socket(&k->port, sp->queue, sp->sock->fd);
}

/* @s as a JSON string body (quotes and backslashes escaped, controls dropped). */
static void json_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
}

static void report_setup(const struct sink *k)
{
	const struct xf_port *p = &k->port;
	uint32_t i, r;

	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];
		const char *bind = sp->sock->zerocopy ? "zero-copy" : "copy";

		if (!k->o.json) {
			printf("%s/q%u: driver %s, xdp %s (%s), bind %s, need_wakeup on, cpu %d\n",
			       p->name, sp->queue, p->driver, xf_attach_mode_name(p->mode),
			       p->dispatcher ? "libxdp dispatcher" : "single program", bind,
			       sp->cpu);
			continue;
		}
		printf("{\"type\":\"start\",\"port\":\"%s\",\"queue\":%u,\"driver\":\"%s\","
		       "\"xdp_mode\":\"%s\",\"dispatcher\":%s,\"bind_mode\":\"%s\","
		       "\"need_wakeup\":true,\"cpu\":%d,\"ring_size\":%u,\"spin_us\":%u,\"all\":%s,"
		       "\"rules\":[",
		       p->name, sp->queue, p->driver, xf_attach_mode_name(p->mode),
		       p->dispatcher ? "true" : "false", bind, sp->cpu, k->o.ring_size,
		       k->o.spin_us, k->o.all ? "true" : "false");
		for (r = 0; r < k->o.nrules; r++) {
			printf("%s\"", r ? "," : "");
			json_str(stdout, k->o.rule_text[r]);
			printf("\"");
		}
		printf("]}\n");
	}
	if (!k->o.json) {
		for (r = 0; r < k->o.nrules; r++)
			printf("rule %u: %s%s\n", r + 1, k->o.rule_text[r],
			       k->o.default_rule ? " (default: the generator's port)" : "");
		printf("receiving on %s: %s\n", p->name,
		       k->o.all ? "every frame" : "frames matching a rule");
	}
	fflush(stdout);
}

/*
 * Sum every poller's counters and merge every stream's trackers. With
 * @streams (XF_GEN_MAX_STREAMS entries) and @nqueues, also the merged
 * counts of each stream and the number of queues it was seen on.
 */
static void collect(const struct sink *k, struct sink_totals *t, struct xf_seq_counts *streams,
		    uint32_t *nqueues, bool kernel)
{
	struct xf_seq_counts sum, c;
	uint32_t i, s, v, nq;
	uint64_t cross;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];
		struct rl_xdp_stats ks;

		t->rx_packets += rl_stat_read(sp->sock->stats.rx_packets);
		t->rx_bytes += rl_stat_read(sp->sock->stats.rx_bytes);
		t->bytes += rl_stat_read(sp->c.ours_bytes);
		t->untimed += rl_stat_read(sp->c.untimed);
		for (v = 1; v < XF_GEN_NVERDICTS; v++) {
			t->other_by[v] += rl_stat_read(sp->c.other[v]);
			t->other += rl_stat_read(sp->c.other[v]);
		}
		if (kernel && !rl_sock_xdp_stats(sp->sock, &ks))
			rl_xdp_stats_add(&t->k, &ks);
	}
	for (s = 0; s < XF_GEN_MAX_STREAMS; s++) {
		memset(&sum, 0, sizeof(sum));
		for (i = nq = 0; i < k->npollers; i++) {
			xf_seq_snapshot(&k->pollers[i].streams[s], &c);
			xf_seq_merge(&sum, &c);
			nq += c.received > 0;
		}
		if (streams)
			streams[s] = sum;
		if (nqueues)
			nqueues[s] = nq;
		if (!sum.received)
			continue;
		t->streams++;
		t->split_streams += nq > 1;
		t->received += sum.received;
		t->lost += xf_seq_lost(&sum, &cross);
		t->reordered += sum.reordered;
		t->duplicate += sum.duplicate + cross;
		t->cross_dups += cross;
		t->late += sum.late;
	}
	if (kernel)
		xf_port_counters(&k->port, t->xdp);
}

static void print_rate(const struct sink *k, double t, const struct sink_totals *prev,
		       const struct sink_totals *cur, double secs)
{
	double pps = (double)(cur->rx_packets - prev->rx_packets) / secs;
	double mbps = (double)(cur->rx_bytes - prev->rx_bytes) * 8 / secs / 1e6;

	if (k->o.json)
		printf("{\"type\":\"rate\",\"t\":%.3f,\"port\":\"%s\",\"rx_pps\":%.0f,"
		       "\"rx_mbps\":%.3f,\"received\":%llu,\"lost\":%llu,\"other\":%llu}\n",
		       t, k->port.name, pps, mbps, (unsigned long long)cur->received,
		       (unsigned long long)cur->lost, (unsigned long long)cur->other);
	else
		printf("sink %s: rx %.0f pps %.2f Mbit/s  lost %llu  other %llu\n", k->port.name,
		       pps, mbps, (unsigned long long)cur->lost, (unsigned long long)cur->other);
	fflush(stdout);
}

/* Report once a second until a signal, --duration or a poller failure. */
static void run_reports(struct sink *k, const sigset_t *sigs)
{
	struct sink_totals prev, cur;
	double start = xf_now_s(), last = start, t;
	struct timespec tick = { 1, 0 };

	collect(k, &prev, NULL, NULL, false);
	for (;;) {
		if (sigtimedwait(sigs, NULL, &tick) > 0 || atomic_load(&k->failed))
			break;
		t = xf_now_s();
		collect(k, &cur, NULL, NULL, false);
		print_rate(k, t - start, &prev, &cur, t - last);
		prev = cur;
		last = t;
		if (k->o.duration && t - start >= k->o.duration)
			break;
	}
	atomic_store(&k->stop, true);
}

static uint64_t drops(const struct sink_totals *t)
{
	return t->k.rx_dropped + t->k.rx_ring_full + t->k.rx_invalid_descs +
	       t->xdp[XF_CNT_DROP_MALFORMED];
}

static const char *const xdp_names[XF_CNT_MAX] = {
	[XF_CNT_REDIRECTED] = "xdp_redirected",
	[XF_CNT_PASS_NOMATCH] = "xdp_pass_nomatch",
	[XF_CNT_PASS_NOSOCK] = "xdp_pass_nosock",
	[XF_CNT_DROP_MALFORMED] = "xdp_drop_malformed",
};

static void print_kernel(const struct sink_totals *t, bool json)
{
	const char *fmt = json ? "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"rx_dropped\":%llu,"
				 "\"rx_ring_full\":%llu,\"rx_fill_ring_empty\":%llu,"
				 "\"rx_invalid_descs\":%llu"
			       : "rx_packets=%llu rx_bytes=%llu rx_dropped=%llu rx_ring_full=%llu "
				 "rx_fill_ring_empty=%llu rx_invalid_descs=%llu";
	int i;

	printf(fmt, (unsigned long long)t->rx_packets, (unsigned long long)t->rx_bytes,
	       (unsigned long long)t->k.rx_dropped, (unsigned long long)t->k.rx_ring_full,
	       (unsigned long long)t->k.rx_fill_ring_empty_descs,
	       (unsigned long long)t->k.rx_invalid_descs);
	for (i = 0; i < XF_CNT_MAX; i++)
		printf(json ? ",\"%s\":%llu" : " %s=%llu", xdp_names[i],
		       (unsigned long long)t->xdp[i]);
	printf(json ? ",\"drops\":%llu" : " drops=%llu", (unsigned long long)drops(t));
}

/* A latency in ns as microseconds with ns resolution. */
static void print_us(const char *name, uint64_t ns, bool json)
{
	printf(json ? "\"%s\":%llu.%03llu" : " %s %llu.%03llu", name,
	       (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

static void print_latency(const struct xf_hist *h, const struct sink_totals *t, bool json)
{
	if (json) {
		if (!h->count) {
			printf("\"latency_us\":{\"p50\":null,\"p99\":null,\"p999\":null,"
			       "\"max\":null,\"samples\":0}");
			return;
		}
		printf("\"latency_us\":{");
		print_us("p50", xf_hist_percentile(h, 50), true);
		printf(",");
		print_us("p99", xf_hist_percentile(h, 99), true);
		printf(",");
		print_us("p999", xf_hist_percentile(h, 99.9), true);
		printf(",");
		print_us("max", h->max, true);
		printf(",\"samples\":%llu}", (unsigned long long)h->count);
		return;
	}
	if (!h->count) {
		printf("latency: no timestamped frames (%llu untimed)",
		       (unsigned long long)t->untimed);
		return;
	}
	printf("latency us:");
	print_us("p50", xf_hist_percentile(h, 50), false);
	print_us("p99", xf_hist_percentile(h, 99), false);
	print_us("p99.9", xf_hist_percentile(h, 99.9), false);
	print_us("max", h->max, false);
	printf(" (%llu timed, %llu untimed)", (unsigned long long)h->count,
	       (unsigned long long)t->untimed);
}

static void print_stream(uint32_t s, const struct xf_seq_counts *c, uint32_t nq, bool json)
{
	uint64_t cross, lost = xf_seq_lost(c, &cross);
	const char *fmt = json ? "{\"stream\":%u,\"received\":%llu,\"lost\":%llu,\"first\":%llu,"
				 "\"last\":%llu,\"reordered\":%llu,\"duplicate\":%llu,"
				 "\"late\":%llu,\"queues\":%u}"
			       : "stream %u: received %llu lost %llu first %llu last %llu "
				 "reordered %llu duplicate %llu late %llu queues %u\n";

	printf(fmt, s, (unsigned long long)c->received, (unsigned long long)lost,
	       (unsigned long long)c->first, (unsigned long long)c->last,
	       (unsigned long long)c->reordered, (unsigned long long)(c->duplicate + cross),
	       (unsigned long long)c->late, nq);
}

static void print_other(const struct sink_totals *t, bool json)
{
	uint32_t v;

	for (v = 1; v < XF_GEN_NVERDICTS; v++)
		printf(json ? "%s\"%s\":%llu" : "%s%s=%llu", v > 1 ? (json ? "," : " ") : "",
		       xf_gen_verdict_name(v), (unsigned long long)t->other_by[v]);
}

/* Per queue: what its socket took, how much was ours, what the kernel dropped. */
static void print_queues(const struct sink *k, bool json)
{
	uint64_t other;
	uint32_t i, v;

	for (i = 0; i < k->npollers; i++) {
		const struct sink_poller *sp = &k->pollers[i];
		struct rl_xdp_stats ks = { 0 };

		rl_sock_xdp_stats(sp->sock, &ks);
		for (v = 1, other = 0; v < XF_GEN_NVERDICTS; v++)
			other += rl_stat_read(sp->c.other[v]);
		if (json)
			printf("%s{\"queue\":%u,\"cpu\":%d,", i ? "," : "", sp->queue, sp->cpu);
		else
			printf("summary %s/q%u: cpu %d ", k->port.name, sp->queue, sp->cpu);
		printf(json ? "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"received\":%llu,"
			      "\"other\":%llu,\"rx_dropped\":%llu,\"rx_ring_full\":%llu,"
			      "\"rx_fill_ring_empty\":%llu,\"rx_invalid_descs\":%llu,"
			      "\"idle_sleeps\":%llu}"
			    : "rx_packets=%llu rx_bytes=%llu received=%llu other=%llu "
			      "rx_dropped=%llu rx_ring_full=%llu rx_fill_ring_empty=%llu "
			      "rx_invalid_descs=%llu idle_sleeps=%llu\n",
		       (unsigned long long)rl_stat_read(sp->sock->stats.rx_packets),
		       (unsigned long long)rl_stat_read(sp->sock->stats.rx_bytes),
		       (unsigned long long)rl_stat_read(sp->c.ours), (unsigned long long)other,
		       (unsigned long long)ks.rx_dropped, (unsigned long long)ks.rx_ring_full,
		       (unsigned long long)ks.rx_fill_ring_empty_descs,
		       (unsigned long long)ks.rx_invalid_descs,
		       (unsigned long long)rl_stat_read(sp->c.idle_sleeps));
	}
}

static void summary_json(const struct sink *k, double secs, const struct sink_totals *t,
			 const struct xf_hist *h, const struct xf_seq_counts *streams,
			 const uint32_t *nq)
{
	uint32_t s, n = 0;

	printf("{\"type\":\"summary\",\"port\":\"%s\",\"seconds\":%.3f,\"received\":%llu,"
	       "\"lost\":%llu,\"reordered\":%llu,\"duplicate\":%llu,\"late\":%llu,"
	       "\"other\":%llu,\"bytes\":%llu,",
	       k->port.name, secs, (unsigned long long)t->received, (unsigned long long)t->lost,
	       (unsigned long long)t->reordered, (unsigned long long)t->duplicate,
	       (unsigned long long)t->late, (unsigned long long)t->other,
	       (unsigned long long)t->bytes);
	print_latency(h, t, true);
	printf(",\"untimed\":%llu,\"streams_seen\":%u,\"split_streams\":%u,"
	       "\"cross_queue_duplicates\":%llu,\"other_by_reason\":{",
	       (unsigned long long)t->untimed, t->streams, t->split_streams,
	       (unsigned long long)t->cross_dups);
	print_other(t, true);
	printf("},");
	print_kernel(t, true);
	printf(",\"streams\":[");
	for (s = 0; s < XF_GEN_MAX_STREAMS; s++) {
		if (!streams[s].received)
			continue;
		printf("%s", n++ ? "," : "");
		print_stream(s, &streams[s], nq[s], true);
	}
	printf("],\"queues\":[");
	print_queues(k, true);
	printf("]}\n");
}

static void summary_text(const struct sink *k, double secs, const struct sink_totals *t,
			 const struct xf_hist *h, const struct xf_seq_counts *streams,
			 const uint32_t *nq)
{
	const char *name = k->port.name;
	uint32_t s;

	printf("summary %s (%.1f s): received %llu lost %llu reordered %llu duplicate %llu "
	       "late %llu other %llu bytes %llu\n",
	       name, secs, (unsigned long long)t->received, (unsigned long long)t->lost,
	       (unsigned long long)t->reordered, (unsigned long long)t->duplicate,
	       (unsigned long long)t->late, (unsigned long long)t->other,
	       (unsigned long long)t->bytes);
	printf("summary %s: ", name);
	print_latency(h, t, false);
	printf("\nsummary %s: streams %u split %u cross_queue_duplicates %llu other: ", name,
	       t->streams, t->split_streams, (unsigned long long)t->cross_dups);
	print_other(t, false);
	printf("\nsummary %s: ", name);
	print_kernel(t, false);
	printf("\n");
	print_queues(k, false);
	for (s = 0; s < XF_GEN_MAX_STREAMS; s++)
		if (streams[s].received)
			print_stream(s, &streams[s], nq[s], false);
}

/* After the pollers have stopped: everything is final. */
static void report_summary(const struct sink *k, double secs)
{
	struct xf_seq_counts *streams = calloc(XF_GEN_MAX_STREAMS, sizeof(*streams));
	struct xf_hist *h = malloc(sizeof(*h));
	uint32_t nq[XF_GEN_MAX_STREAMS], i;
	struct sink_totals t;

	if (!streams || !h) {
		xf_err("out of memory for the summary");
		goto out;
	}
	collect(k, &t, streams, nq, true);
	xf_hist_init(h);
	for (i = 0; i < k->npollers; i++)
		xf_hist_merge(h, k->pollers[i].latency);
	if (k->o.json)
		summary_json(k, secs, &t, h, streams, nq);
	else
		summary_text(k, secs, &t, h, streams, nq);
	fflush(stdout);
	/* Losses of the sink's own making must not pass for the network's. */
	if (t.k.rx_ring_full || t.k.rx_dropped)
		xf_warn("%s: the sink's own sockets dropped %llu frames (rx_ring_full %llu, "
			"rx_dropped %llu), counted as lost above: its pollers did not keep up. "
			"Give them CPUs of their own (--cpus) or a larger --ring-size",
			k->port.name, (unsigned long long)(t.k.rx_ring_full + t.k.rx_dropped),
			(unsigned long long)t.k.rx_ring_full, (unsigned long long)t.k.rx_dropped);
out:
	free(streams);
	free(h);
}

/* One line for the first poller that stopped on an error (a vanished
 * interface stops them all: one cause, one line). Returns 1 then, else 0. */
static int report_poller_errors(const struct sink *k)
{
	uint32_t i;

	for (i = 0; i < k->npollers; i++) {
		if (k->pollers[i].error) {
			xf_report_poller_error(k->port.name, k->pollers[i].queue,
					       k->pollers[i].error);
			return 1;
		}
	}
	return 0;
}

static int start_pollers(struct sink *k)
{
	uint32_t i;
	int err;

	for (i = 0; i < k->npollers; i++) {
		err = pthread_create(&k->pollers[i].thread, NULL, sink_poller_run, &k->pollers[i]);
		if (err) {
			xf_err("q%u: starting the poller thread: %s", k->pollers[i].queue,
			       strerror(err));
			return -err;
		}
		k->pollers[i].started = true;
	}
	return 0;
}

static void stop_pollers(struct sink *k)
{
	uint32_t i;

	atomic_store(&k->stop, true);
	for (i = 0; i < k->npollers; i++) {
		if (k->pollers[i].started)
			pthread_join(k->pollers[i].thread, NULL);
		k->pollers[i].started = false;
	}
}

static void teardown(struct sink *k)
{
	uint32_t i;
	int err;

	stop_pollers(k);
	/* Detach first: no frame may be redirected to a socket being closed. */
	xf_port_detach(&k->port);
	for (i = 0; i < k->npollers; i++) {
		rl_sock_destroy(k->pollers[i].sock);
		rl_pool_fini(&k->pollers[i].pool);
		sink_poller_fini(&k->pollers[i]);
	}
	if (k->umem) {
		err = rl_umem_destroy(k->umem);
		if (err)
			xf_warn("freeing the UMEM: %s", strerror(-err));
	}
	xf_port_close(&k->port);
	free(k->pollers);
}

static int setup(struct sink *k)
{
	uint32_t i, max_queue = 0;
	int err;

	k->port.lock_fd = -1; /* nothing to close yet */
	err = xf_port_open(&k->port, k->o.ifname);
	if (err)
		return err;
	err = xf_check_mtu(&k->port, FRAME_SIZE);
	if (err)
		return err;
	if (!k->o.nqueues) {
		k->o.nqueues = k->port.nqueues < XF_MAX_LIST ? k->port.nqueues : XF_MAX_LIST;
		for (i = 0; i < k->o.nqueues; i++)
			k->o.queues[i] = i;
	}
	err = xf_choose_cpus(k->o.cpus, &k->o.ncpus, XF_MAX_LIST);
	if (err)
		return err;
	for (i = 0; i < k->o.nqueues; i++)
		if (k->o.queues[i] > max_queue)
			max_queue = k->o.queues[i];
	err = xf_port_attach(&k->port, k->o.rules, k->o.all ? 0 : k->o.nrules, max_queue,
			     k->o.xdp_mode);
	if (err)
		return err;
	if (k->port.replaced_stale)
		xf_info("%s: replaced the classifier left by a killed xskfwd", k->port.name);
	err = setup_umem(k);
	if (err)
		return err;
	k->pollers = calloc(k->o.nqueues, sizeof(*k->pollers));
	if (!k->pollers)
		return -ENOMEM;
	k->npollers = k->o.nqueues;
	for (i = 0; i < k->npollers; i++) {
		err = setup_poller(k, i);
		if (err)
			return err;
	}
	return 0;
}

int do_sink(int argc, char **argv)
{
	struct sink *k;
	sigset_t sigs;
	double start;
	int ret;

	k = calloc(1, sizeof(*k));
	if (!k) {
		xf_err("out of memory");
		return 1;
	}
	ret = parse_opts(argc, argv, &k->o);
	if (ret) {
		free(k);
		return ret < 0 ? 0 : ret;
	}
	xf_log_libs();
	/* Signals are taken by the report loop only; pollers inherit the mask. */
	xf_block_signals(&sigs);

	ret = setup(k) ? 1 : 0;
	if (!ret) {
		report_setup(k);
		start = xf_now_s();
		ret = start_pollers(k) ? 1 : 0;
		if (!ret)
			run_reports(k, &sigs);
		stop_pollers(k);
		report_summary(k, xf_now_s() - start);
		ret |= report_poller_errors(k);
	}
	teardown(k);
	free(k);
	return ret;
}
