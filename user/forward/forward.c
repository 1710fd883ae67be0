// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd forward IF_A IF_B: cross-connect two interfaces through one UMEM.
 *
 * Set-up, in order, each step undone in reverse on failure or exit:
 *   ports (lock, facts, MTU check) -> classifiers attached (rules written,
 *   socket maps still empty, so everything is passed meanwhile) -> one UMEM
 *   for all queues -> per queue q: sockets (A,q) and (B,q), a pool slice,
 *   fill rings primed, sockets entered into the maps -> pollers started.
 * The main thread then only reports, once a second, until SIGINT/SIGTERM,
 * --duration, or a poller error. Tear-down detaches the classifiers first
 * (no new frames for the sockets), lets the pollers forward what is already
 * on the rings, reports, then closes sockets, the UMEM and the classifiers.
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
#include "fwd_poller.h"
#include "fwd_stats.h"
#include "log.h"
#include "port.h"
#include "rules.h"

struct fwd_opts {
	const char *ifname[2];
	uint32_t queues[XF_MAX_LIST], nqueues;
	uint32_t cpus[XF_MAX_LIST], ncpus;
	struct xf_rule rules[XF_MAX_RULES];
	const char *rule_text[XF_MAX_RULES];
	uint32_t nrules;
	enum rl_bind_mode mode;
	enum xdp_attach_mode xdp_mode;
	uint32_t frame_size, ring_size, batch, duration, busy_poll_us, spin_us;
	bool need_wakeup, json;
};

struct fwd {
	struct fwd_opts o;
	struct xf_port port[2];
	struct rl_umem *umem;
	struct fwd_poller *pollers;
	uint32_t npollers;
	atomic_bool stop;
	atomic_bool failed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xskfwd forward IF_A IF_B [options]\n"
		"Forward chosen frames between IF_A and IF_B, both ways, through AF_XDP\n"
		"sockets sharing one UMEM. Other frames go to the host stack (XDP_PASS).\n"
		"Runs until SIGINT/SIGTERM; prints rates once a second, a summary at exit.\n"
		"\n"
		"Options:\n"
		"  --queues LIST       queues to serve, e.g. 0-3 (default: every rx channel\n"
		"                      both interfaces have); one pinned poller per queue\n"
		"  --cpus LIST         CPUs for the pollers, in order (default: all allowed)\n"
		"  --match RULE        forward only frames matching RULE (repeatable, up to %d;\n"
		"                      default: every frame). RULE is words from:\n"
		"                        ip | ip6 | src PREFIX | dst PREFIX | tcp | udp | sctp\n"
		"                        | icmp | icmp6 | proto N | sport P[-Q] | dport P[-Q]\n"
		"                        | ethertype N | vlan ID | any\n"
		"                      e.g. 'udp dport 4789', 'ip6 dst 2001:db8::/32'\n"
		"  --mode MODE         AF_XDP bind: auto (zero-copy if the driver can, else\n"
		"                      copy; default), copy, zero-copy (fail if refused)\n"
		"  --xdp-mode MODE     XDP attach: native (default) or skb (generic)\n"
		"  --frame-size N      UMEM frame size, 2048 or 4096 (default 4096)\n"
		"  --ring-size N       rx/tx ring entries, power of two (default 2048);\n"
		"                      fill/completion rings get twice as many\n"
		"  --batch N           descriptors moved per ring operation (default 64)\n"
		"  --no-need-wakeup    kick the kernel on every loop (for benchmarks)\n"
		"  --spin-us N         keep polling empty rings N us before sleeping in poll()\n"
		"                      (default 200; less frees a shared CPU, costs throughput)\n"
		"  --busy-poll[=US]    pollers run the devices' NAPI themselves and never\n"
		"                      sleep (SO_PREFER_BUSY_POLL; US per call, default 20)\n"
		"  --duration S        stop after S seconds (default: run until a signal)\n"
		"  --json              JSON lines instead of text\n"
		"  -v, --verbose       also show libbpf/libxdp messages\n"
		"  -h, --help          this text\n"
		"Exit status: 0 clean stop, 1 runtime error, 2 bad arguments.\n",
		XF_MAX_RULES);
}

static int bad_arg(const char *opt, const char *why)
{
	xf_err("forward: %s: %s (see xskfwd forward --help)", opt, why);
	return 2;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int parse_opts(int argc, char **argv, struct fwd_opts *o)
{
	enum {
		O_QUEUES = 256,
		O_CPUS,
		O_MATCH,
		O_MODE,
		O_XDP_MODE,
		O_FRAME,
		O_RING,
		O_BATCH,
		O_NO_WAKEUP,
		O_BUSY_POLL,
		O_SPIN,
		O_DURATION,
		O_JSON
	};
	static const struct option longopts[] = {
		{ "queues", required_argument, NULL, O_QUEUES },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "match", required_argument, NULL, O_MATCH },
		{ "mode", required_argument, NULL, O_MODE },
		{ "xdp-mode", required_argument, NULL, O_XDP_MODE },
		{ "frame-size", required_argument, NULL, O_FRAME },
		{ "ring-size", required_argument, NULL, O_RING },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "no-need-wakeup", no_argument, NULL, O_NO_WAKEUP },
		{ "busy-poll", optional_argument, NULL, O_BUSY_POLL },
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
	o->frame_size = 4096;
	o->ring_size = 2048;
	o->batch = 64;
	o->need_wakeup = true;
	o->spin_us = 200;
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
		case O_MODE:
			if (xf_parse_bind_mode(optarg, &o->mode))
				return bad_arg("--mode", "must be auto, copy or zero-copy");
			break;
		case O_XDP_MODE:
			if (xf_parse_xdp_mode(optarg, &o->xdp_mode))
				return bad_arg("--xdp-mode", "must be native or skb");
			break;
		case O_FRAME:
			if (xf_parse_u32(optarg, 2048, 4096, &o->frame_size, err))
				return bad_arg("--frame-size", err);
			if (!is_pow2(o->frame_size))
				return bad_arg("--frame-size", "must be 2048 or 4096");
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
		case O_NO_WAKEUP:
			o->need_wakeup = false;
			break;
		case O_SPIN:
			if (xf_parse_u32(optarg, 0, 1000000, &o->spin_us, err))
				return bad_arg("--spin-us", err);
			break;
		case O_BUSY_POLL:
			o->busy_poll_us = 20;
			if (optarg && xf_parse_u32(optarg, 1, 1000000, &o->busy_poll_us, err))
				return bad_arg("--busy-poll", err);
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
	if (argc - optind != 2)
		return bad_arg("arguments", "need exactly two interfaces, IF_A and IF_B");
	o->ifname[0] = argv[optind];
	o->ifname[1] = argv[optind + 1];
	if (!strcmp(o->ifname[0], o->ifname[1]))
		return bad_arg("arguments", "IF_A and IF_B must differ");
	if (o->batch > o->ring_size)
		return bad_arg("--batch", "cannot exceed --ring-size");
	return 0;
}

static int default_queues(struct fwd *f)
{
	uint32_t n =
		f->port[0].nqueues < f->port[1].nqueues ? f->port[0].nqueues : f->port[1].nqueues;
	uint32_t i;

	if (n > XF_MAX_LIST)
		n = XF_MAX_LIST;
	if (f->port[0].nqueues != f->port[1].nqueues)
		xf_warn("%s has %u queues and %s has %u: serving queues 0-%u; frames arriving "
			"on other queues go to the host stack (counted as xdp_pass_nosock)",
			f->port[0].name, f->port[0].nqueues, f->port[1].name, f->port[1].nqueues,
			n - 1);
	for (i = 0; i < n; i++)
		f->o.queues[i] = i;
	f->o.nqueues = n;
	return 0;
}

static int setup_umem(struct fwd *f)
{
	struct rl_umem_opts uo = {
		.frame_size = f->o.frame_size,
		.fill_size = f->o.ring_size * 2,
		.comp_size = f->o.ring_size * 2,
	};
	/* Per socket: a full fill ring, a full rx ring and a full tx ring. */
	uint64_t per_poller = 2ull * (uo.fill_size + 2ull * f->o.ring_size);
	int err;

	uo.nframes = per_poller * f->o.nqueues;
	err = rl_umem_create(&f->umem, &uo);
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

static int setup_poller(struct fwd *f, uint32_t i)
{
	struct fwd_poller *fp = &f->pollers[i];
	uint64_t per_poller = f->umem->nframes / f->o.nqueues;
	struct rl_sock_opts so = {
		.queue = f->o.queues[i],
		.rx_size = f->o.ring_size,
		.tx_size = f->o.ring_size,
		.mode = f->o.mode,
		.need_wakeup = f->o.need_wakeup,
		.xdp_skb_mode = f->o.xdp_mode == XDP_MODE_SKB,
	};
	int err, k;

	fp->queue = f->o.queues[i];
	fp->cpu = (int)f->o.cpus[i % f->o.ncpus];
	fp->batch = f->o.batch;
	fp->busy_poll = f->o.busy_poll_us != 0;
	fp->spin_ns = (uint64_t)f->o.spin_us * 1000;
	fp->stop = &f->stop;
	fp->failed = &f->failed;
	err = rl_pool_init(&fp->pool, i * per_poller * f->umem->frame_size, (uint32_t)per_poller,
			   f->umem->frame_size);
	if (err) {
		xf_err("q%u: frame pool: %s", fp->queue, strerror(-err));
		return err;
	}
	for (k = 0; k < 2; k++) {
		so.ifname = f->port[k].name;
		err = rl_sock_create(&fp->sock[k], f->umem, &so);
		if (err) {
			xf_explain_bind_error(f->port[k].name, f->port[k].driver,
					      f->port[k].nqueues, fp->queue, f->o.mode, err);
			return err;
		}
		/* Copy-mode TX sends 32 frames per kick unless raised (kernel >= 6.17). */
		if (!fp->sock[k]->zerocopy) {
			err = rl_sock_set_tx_budget(fp->sock[k], f->o.ring_size);
			if (err && err != -ENOPROTOOPT && err != -EINVAL)
				xf_warn("%s/q%u: tx budget %u: %s (kernel default kept)",
					f->port[k].name, fp->queue, f->o.ring_size, strerror(-err));
		}
		if (f->o.busy_poll_us) {
			err = rl_sock_busy_poll(fp->sock[k], f->o.busy_poll_us, f->o.batch);
			if (err) {
				xf_err("%s/q%u: busy polling: %s%s", f->port[k].name, fp->queue,
				       strerror(-err),
				       err == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
				return err;
			}
		}
		/* Prime the fill ring before the classifier can send frames here. */
		rl_fill(fp->sock[k], &fp->pool, fp->sock[k]->fill.size);
		err = xf_port_map_socket(&f->port[k], fp->queue, fp->sock[k]->fd);
		if (err)
			return err;
	}
	return 0;
}

static void report_setup(const struct fwd *f)
{
	uint32_t i;
	int k;

	for (i = 0; i < f->npollers; i++) {
		const struct fwd_poller *fp = &f->pollers[i];

		for (k = 0; k < 2; k++) {
			const struct xf_port *p = &f->port[k];
			const struct rl_sock *s = fp->sock[k];

			if (f->o.json)
				printf("{\"type\":\"start\",\"port\":\"%s\",\"queue\":%u,"
				       "\"driver\":\"%s\",\"xdp_mode\":\"%s\",\"dispatcher\":%s,"
				       "\"bind_mode\":\"%s\",\"need_wakeup\":%s,\"cpu\":%d,"
				       "\"busy_poll_us\":%u,\"frame_size\":%u,\"ring_size\":%u,"
				       "\"rules\":%u}\n",
				       p->name, fp->queue, p->driver, xf_attach_mode_name(p->mode),
				       p->dispatcher ? "true" : "false",
				       s->zerocopy ? "zero-copy" : "copy",
				       f->o.need_wakeup ? "true" : "false", fp->cpu,
				       f->o.busy_poll_us, f->o.frame_size, f->o.ring_size,
				       f->o.nrules);
			else
				printf("%s/q%u: driver %s, xdp %s (%s), bind %s, need_wakeup %s, "
				       "busy_poll %s, cpu %d\n",
				       p->name, fp->queue, p->driver, xf_attach_mode_name(p->mode),
				       p->dispatcher ? "libxdp dispatcher" : "single program",
				       s->zerocopy ? "zero-copy" : "copy",
				       f->o.need_wakeup ? "on" : "off",
				       f->o.busy_poll_us ? "on" : "off", fp->cpu);
		}
	}
	for (i = 0; i < f->o.nrules && !f->o.json; i++)
		printf("rule %u: %s\n", i + 1, f->o.rule_text[i]);
	if (!f->o.json)
		printf("forwarding %s <-> %s: %s\n", f->port[0].name, f->port[1].name,
		       f->o.nrules ? "frames matching a rule" : "every frame");
	fflush(stdout);
}

static void collect(const struct fwd *f, int k, struct xf_port_totals *t,
		    struct xf_queue_totals *per_queue)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < f->npollers; i++) {
		struct xf_queue_totals q = {};

		xf_queue_totals_add(&q, f->pollers[i].sock[k]);
		if (per_queue)
			per_queue[i] = q;
		xf_queue_totals_sum(&t->sum, &q);
	}
	xf_port_counters(&f->port[k], t->xdp);
}

/* Report once a second until a signal, --duration or a poller failure. */
static void run_reports(struct fwd *f, const sigset_t *sigs)
{
	struct xf_port_totals prev[2], cur[2];
	double start = xf_now_s(), last = start, t;
	struct timespec tick = { 1, 0 };
	int k, sig;

	collect(f, 0, &prev[0], NULL);
	collect(f, 1, &prev[1], NULL);
	for (;;) {
		sig = sigtimedwait(sigs, NULL, &tick);
		if (sig > 0 || atomic_load(&f->failed))
			break;
		t = xf_now_s();
		for (k = 0; k < 2; k++) {
			collect(f, k, &cur[k], NULL);
			xf_print_rate(stdout, f->o.json, t - start, f->port[k].name, &prev[k],
				      &cur[k], t - last);
			prev[k] = cur[k];
		}
		last = t;
		if (f->o.duration && t - start >= f->o.duration)
			break;
	}
}

static void report_summary(const struct fwd *f, double secs)
{
	struct xf_queue_totals qt[XF_MAX_LIST];
	struct xf_port_totals t;
	uint32_t i;
	int k;

	for (k = 0; k < 2; k++) {
		collect(f, k, &t, qt);
		xf_print_summary(stdout, f->o.json, f->port[k].name, &t, f->o.queues, qt,
				 f->npollers, secs);
	}
	/* Never expected: the kernel handed back a frame that was not in flight. */
	for (i = 0; i < f->npollers; i++)
		if (f->pollers[i].pool.errors)
			xf_warn("q%u: %llu completed frame(s) were foreign or already free, and "
				"were ignored",
				f->pollers[i].queue, (unsigned long long)f->pollers[i].pool.errors);
}

static int start_pollers(struct fwd *f)
{
	uint32_t i;
	int err;

	for (i = 0; i < f->npollers; i++) {
		err = pthread_create(&f->pollers[i].thread, NULL, fwd_poller_run, &f->pollers[i]);
		if (err) {
			xf_err("q%u: starting the poller thread: %s", f->pollers[i].queue,
			       strerror(err));
			return -err;
		}
		f->pollers[i].started = true;
	}
	return 0;
}

static int report_poller_errors(const struct fwd *f)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; i < f->npollers; i++) {
		const struct fwd_poller *fp = &f->pollers[i];

		if (!fp->error)
			continue;
		xf_report_poller_error(f->port[fp->error_port].name, fp->queue, fp->error);
		ret = 1;
	}
	return ret;
}

static void stop_pollers(struct fwd *f)
{
	uint32_t i;

	atomic_store(&f->stop, true);
	for (i = 0; i < f->npollers; i++) {
		if (f->pollers[i].started)
			pthread_join(f->pollers[i].thread, NULL);
		f->pollers[i].started = false;
	}
}

/*
 * Stop without losing what was already received: unhook the classifiers (no
 * new frames come in), let the pollers forward what is still on the rx and
 * tx rings (at most DRAIN_MS), then stop them.
 */
#define DRAIN_MS 500
static void drain_and_stop(struct fwd *f)
{
	struct timespec ms = { 0, 1000 * 1000 };
	uint32_t i, t;
	int k;

	for (k = 0; k < 2; k++)
		xf_port_detach(&f->port[k]);
	for (t = 0; t < DRAIN_MS && !atomic_load(&f->failed); t++) {
		bool empty = true;

		for (i = 0; i < f->npollers && empty; i++)
			for (k = 0; k < 2; k++)
				empty = empty && (!f->pollers[i].started ||
						  rl_rings_empty(f->pollers[i].sock[k]));
		if (empty)
			break;
		nanosleep(&ms, NULL);
	}
	stop_pollers(f);
}

static void teardown(struct fwd *f)
{
	uint32_t i;
	int k, err;

	stop_pollers(f);
	/* Detached first: no frame may be redirected to a socket being closed. */
	for (k = 0; k < 2; k++)
		xf_port_detach(&f->port[k]);
	for (i = 0; i < f->npollers; i++) {
		for (k = 0; k < 2; k++)
			rl_sock_destroy(f->pollers[i].sock[k]);
		rl_pool_fini(&f->pollers[i].pool);
	}
	err = rl_umem_destroy(f->umem);
	if (err)
		xf_warn("freeing the UMEM: %s", strerror(-err));
	for (k = 0; k < 2; k++)
		xf_port_close(&f->port[k]);
	free(f->pollers);
}

static int setup(struct fwd *f)
{
	uint32_t i, max_queue = 0;
	int k, err;

	f->port[0].lock_fd = f->port[1].lock_fd = -1; /* nothing to close yet */
	for (k = 0; k < 2; k++) {
		err = xf_port_open(&f->port[k], f->o.ifname[k]);
		if (err)
			return err;
		err = xf_check_mtu(&f->port[k], f->o.frame_size);
		if (err)
			return err;
	}
	if (!f->o.nqueues)
		default_queues(f);
	err = xf_choose_cpus(f->o.cpus, &f->o.ncpus, XF_MAX_LIST);
	if (err)
		return err;
	for (i = 0; i < f->o.nqueues; i++)
		if (f->o.queues[i] > max_queue)
			max_queue = f->o.queues[i];
	for (k = 0; k < 2; k++) {
		err = xf_port_attach(&f->port[k], f->o.rules, f->o.nrules, max_queue,
				     f->o.xdp_mode);
		if (err)
			return err;
		if (f->port[k].replaced_stale)
			xf_info("%s: replaced the classifier left by a killed xskfwd",
				f->port[k].name);
	}
	err = setup_umem(f);
	if (err)
		return err;
	f->pollers = calloc(f->o.nqueues, sizeof(*f->pollers));
	if (!f->pollers)
		return -ENOMEM;
	f->npollers = f->o.nqueues;
	for (i = 0; i < f->npollers; i++) {
		err = setup_poller(f, i);
		if (err)
			return err;
	}
	return 0;
}

int do_forward(int argc, char **argv)
{
	struct fwd *f;
	sigset_t sigs;
	double start;
	int ret;

	f = calloc(1, sizeof(*f));
	if (!f) {
		xf_err("out of memory");
		return 1;
	}
	ret = parse_opts(argc, argv, &f->o);
	if (ret) {
		free(f);
		return ret < 0 ? 0 : ret;
	}
	xf_log_libs();
	/* Signals are taken by the report loop only; pollers inherit the mask. */
	xf_block_signals(&sigs);

	ret = setup(f) ? 1 : 0;
	if (!ret) {
		report_setup(f);
		start = xf_now_s();
		ret = start_pollers(f) ? 1 : 0;
		if (!ret)
			run_reports(f, &sigs);
		drain_and_stop(f);
		report_summary(f, xf_now_s() - start);
		ret |= report_poller_errors(f);
	}
	teardown(f);
	free(f);
	return ret;
}
