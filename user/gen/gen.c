// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd gen IFACE --dst-mac MAC [options]: send UDP test traffic whose
 * payload (bpf/xskfwd_gen_shared.h) a sink can check: per stream, sequence
 * numbers from 0 without gaps and the send time.
 *
 * The lifecycle (core/run.h) checks the arguments (gen_opts.c) and runs this
 * mode's callbacks. Set-up, in order, each step undone in reverse:
 *   the template frame -> the engine:
 *     live: load the program, check the kernel runs live frames and the
 *           interface takes XDP frames (auto falls back to xsk if not);
 *     xsk:  the MTU check (multi-buffer when the MTU needs chains, as in
 *           every mode: xf_check_mtu), one UMEM, per queue a TX-only socket
 *           and a slice of frames filled with the template once, one pool
 *           per place in a chain (gen_umem.c);
 *   -> threads registered. The run ends on a signal, --duration, every
 *   thread's --count share being sent (.finished), or a thread error; a
 *   live thread's run is interrupted by a signal (.interrupt). "sent" is
 *   exact: frames the kernel completed less those the driver dropped (xsk),
 *   or frames the program handed to the kernel (live, the program's per-CPU
 *   counters).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "gen_mode.h"
#include "log.h"
#include "setup.h"

#define GEN_FILL_SIZE 64 /* unused by a TX-only socket, but the kernel wants one */

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
	int err = xf_xdp_features(g->port->ifindex, &feat);

	if (err) {
		xf_debug("%s: XDP features: %s (not checked)", g->port->name, strerror(-err));
		return NULL;
	}
	if (feat & XF_XDP_ACT_NDO_XMIT)
		return NULL;
	if (!strcmp(g->port->driver, "veth"))
		snprintf(buf, len,
			 "the peer of a veth needs an XDP program (attach xskfwd forward/sink "
			 "there)");
	else
		snprintf(buf, len,
			 "driver %s does not take redirected XDP frames (no "
			 "ndo_xdp_xmit)",
			 g->port->driver);
	return buf;
}

static int open_live(struct gen *g)
{
	int err = gen_live_open(&g->live, &g->tmpl);

	if (err == -EPERM)
		xf_err("%s: loading the live-frames program needs CAP_BPF and CAP_NET_ADMIN "
		       "(or root)",
		       g->port->name);
	else if (err)
		xf_err("%s: loading the live-frames program: %s", g->port->name, strerror(-err));
	return err;
}

static void close_live(struct gen *g)
{
	gen_live_close(g->live);
	g->live = NULL;
}

/*
 * Live frames cannot be used: with --engine live, one line of error ("IFACE:
 * live frames: @msg") and @err; with auto, xsk, and @reason recorded.
 */
static int no_live(struct gen *g, int err, const char *msg, const char *reason)
{
	if (g->o.engine == ENGINE_LIVE) {
		xf_err("%s: live frames: %s", g->port->name, msg);
		return err;
	}
	snprintf(g->auto_reason, sizeof(g->auto_reason), "%s", reason);
	close_live(g);
	g->engine = ENGINE_XSK;
	return 0;
}

/*
 * Pick the engine. Explicit live: every check must pass. Auto: live when
 * it can be used, else xsk with the reason recorded. Returns 0 or -errno
 * (after one line of error).
 */
static int choose_engine(struct gen *g)
{
	char why[128], msg[192], reason[160];
	const char *blocked;
	int err;

	if (g->o.engine == ENGINE_XSK) {
		g->engine = ENGINE_XSK;
		return 0;
	}
	err = open_live(g);
	if (err)
		return err;
	err = gen_live_probe(g->live, &g->tmpl, g->port->ifindex);
	if (err == -EOPNOTSUPP)
		return no_live(g, err,
			       "the kernel does not support BPF_F_TEST_XDP_LIVE_FRAMES (Linux >= "
			       "5.18); use --engine xsk",
			       "the kernel has no live frames");
	if (err == -EMSGSIZE) {
		snprintf(reason, sizeof(reason), "the kernel refuses %u-byte live frames",
			 g->tmpl.len);
		snprintf(msg, sizeof(msg), "%s; use --engine xsk", reason);
		return no_live(g, err, msg, reason);
	}
	if (err) {
		xf_err("%s: live frames: probe run: %s", g->port->name, strerror(-err));
		return err;
	}
	blocked = live_blocker(g, why, sizeof(why));
	if (blocked) {
		snprintf(msg, sizeof(msg), "%s, or use --engine xsk", blocked);
		snprintf(reason, sizeof(reason), "live frames unavailable: %s", blocked);
		return no_live(g, -EOPNOTSUPP, msg, reason);
	}
	g->engine = ENGINE_LIVE;
	return 0;
}

/* --- set-up --- */

static void split_work(struct xf_run *r, struct gen *g)
{
	uint32_t i, n = g->nth;

	for (i = 0; i < n; i++) {
		struct gen_thread *t = &g->th[i];

		t->quota = UINT64_MAX;
		if (g->o.count)
			t->quota = g->o.count / n + (i < g->o.count % n ? 1 : 0);
		t->rate = (double)g->o.rate / n;
		t->tmpl = &g->tmpl;
		t->stop = &r->stop;
		t->ifname = g->port->name;
		t->th.arg = t;
	}
}

/*
 * A chain must fit what the socket may send (max_chain: 1 without
 * multi-buffer, MAX_SKB_FRAGS + 1 in copy mode, the driver's in zero-copy).
 */
static int check_chain(const struct gen *g, const struct gen_thread *t, uint32_t frame_size)
{
	if (t->nseg <= t->sock->max_chain)
		return 0;
	xf_err("%s/q%u: a %u-byte frame takes %u UMEM frames of %u bytes, more than the %u this "
	       "socket may send as one packet: use a smaller --size%s",
	       g->port->name, t->queue, g->tmpl.len, t->nseg, frame_size, t->sock->max_chain,
	       frame_size < 4096 ? " or --frame-size 4096" : "");
	return -EMSGSIZE;
}

/* Thread @i's pools (its slice, one pool per place in a chain) and socket. */
static int setup_xsk_thread(struct xf_run *r, struct gen *g, uint32_t i, uint32_t per_seg)
{
	struct gen_thread *t = &g->th[i];
	/* TX only: no XDP program, nothing to receive */
	struct xf_sock_req q = { .tx_size = GEN_RING_SIZE, .tx_budget = g->o.tx_budget };
	uint32_t k;
	int err;

	t->queue = r->o.queues[i];
	t->th.fn = gen_xsk_run;
	t->th.cpu = xf_run_cpu(r, i);
	t->stream = (uint16_t)i;
	t->batch = g->batch ? g->batch : 64;
	t->umem_area = g->umem->area;
	t->nseg = g->nseg;
	t->room = xf_frame_room(r->o.frame_size);
	t->span = (uint64_t)per_seg * r->o.frame_size;
	t->pools = calloc(t->nseg, sizeof(*t->pools));
	if (!t->pools)
		return -ENOMEM;
	for (k = 0; k < t->nseg; k++) {
		err = xf_pool_slice(&t->pools[k], g->umem, i * t->nseg + k, per_seg, t->queue);
		if (err)
			return err;
	}
	gen_umem_fill(t);
	q.queue = t->queue;
	err = xf_socket_create(r, g->port, g->umem, &q, &t->sock);
	if (!err)
		err = check_chain(g, t, r->o.frame_size);
	if (err)
		return err;
	g->budget_set = g->o.tx_budget && !t->sock->zerocopy;
	return xf_run_thread(r, &t->th);
}

static int setup_xsk(struct xf_run *r, struct gen *g)
{
	struct rl_umem_opts uo = {
		.frame_size = r->o.frame_size,
		.fill_size = GEN_FILL_SIZE,
		.comp_size = GEN_RING_SIZE,
	};
	uint32_t per_seg, i;
	int err;

	/* Multi-buffer when the MTU needs chains: decided as for every mode. */
	err = xf_check_mtu(r, g->port, true);
	if (err)
		return err;
	g->nseg = xf_gen_nseg(g->tmpl.len, xf_frame_room(r->o.frame_size));
	/* Descriptors out of the pools: at most a tx ring and a completion
	 * ring full, so as many packets as that holds chains. */
	per_seg = (2 * GEN_RING_SIZE + g->nseg - 1) / g->nseg;
	g->nth = r->o.nqueues;
	g->th = calloc(g->nth, sizeof(*g->th));
	if (!g->th)
		return -ENOMEM;
	split_work(r, g);
	uo.nframes = (uint64_t)per_seg * g->nseg * g->nth;
	err = xf_umem_create(&g->umem, &uo);
	for (i = 0; !err && i < g->nth; i++)
		err = setup_xsk_thread(r, g, i, per_seg);
	return err;
}

static int setup_live(struct xf_run *r, struct gen *g)
{
	uint32_t i;
	int err;

	for (i = 0; i < r->o.ncpus; i++) {
		if (r->o.cpus[i] >= XF_GEN_MAX_STREAMS ||
		    (int)r->o.cpus[i] >= gen_live_ncpus(g->live)) {
			xf_err("--cpus: CPU %u: the live engine's stream id is the CPU, at most %d",
			       r->o.cpus[i], XF_GEN_MAX_STREAMS - 1);
			return -EINVAL;
		}
	}
	err = gen_live_interrupt_setup();
	if (err) {
		xf_err("installing the %s handler: %s", strsignal(XF_GEN_LIVE_SIG), strerror(-err));
		return err;
	}
	g->live_counts = calloc((size_t)gen_live_ncpus(g->live), sizeof(uint64_t));
	g->nth = r->o.ncpus;
	g->th = calloc(g->nth, sizeof(*g->th));
	if (!g->th || !g->live_counts)
		return -ENOMEM;
	split_work(r, g);
	for (i = 0; i < g->nth; i++) {
		struct gen_thread *t = &g->th[i];

		t->th.fn = gen_live_run;
		t->th.cpu = (int)r->o.cpus[i];
		t->stream = (uint16_t)t->th.cpu;
		t->batch = g->batch ? g->batch : GEN_LIVE_MAX_BATCH;
		t->prog_fd = gen_live_prog_fd(g->live);
		t->counts_fd = gen_live_counts_fd(g->live);
		t->ncpus = gen_live_ncpus(g->live);
		t->ifindex = g->port->ifindex;
		/* Chunk sizes: see gen_live.c. */
		t->chunk = XF_GEN_LIVE_MAX_CHUNK;
		if (t->rate > 0 && t->rate <= XF_GEN_LIVE_SMOOTH_PPS)
			t->chunk = 1;
		else if (t->rate > 0 && t->rate / 10 < XF_GEN_LIVE_MAX_CHUNK)
			t->chunk = (uint32_t)(t->rate / 10);
		err = xf_run_thread(r, &t->th);
		if (err)
			return err;
	}
	return 0;
}

static int setup(struct xf_run *r)
{
	struct gen *g = r->ctx;
	int err;

	g->port = &r->port[0];
	g->batch = xf_opt_given(&r->opts, "batch") ? r->o.batch : 0;
	err = xf_gen_tmpl_init(&g->tmpl, &g->o.a, g->o.size, g->o.flows);
	if (err) {
		xf_err("%s: cannot build a %u-byte frame", g->port->name, g->o.size);
		return err;
	}
	err = choose_engine(g);
	if (err)
		return err;
	err = g->engine == ENGINE_LIVE ? setup_live(r, g) : setup_xsk(r, g);
	if (!err)
		g->have_dropped = read_tx_dropped(g->port->name, &g->tx_dropped0);
	return err;
}

static void teardown(struct xf_run *r)
{
	struct gen *g = r->ctx;
	uint32_t i, k;

	for (i = 0; i < g->nth && g->th; i++) {
		rl_sock_destroy(g->th[i].sock);
		for (k = 0; k < g->th[i].nseg && g->th[i].pools; k++)
			rl_pool_fini(&g->th[i].pools[k]);
		free(g->th[i].pools);
	}
	xf_umem_destroy(g->umem);
	close_live(g);
	free(g->live_counts);
	free(g->th);
}

/* --- reporting --- */

static void describe_frame(const struct gen *g, uint32_t duration, char *buf, size_t len)
{
	const struct gen_opts *o = &g->o;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], rate[48], until[48], chain[64] = "";
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
	else if (duration)
		snprintf(until, sizeof(until), "%u s", duration);
	else
		snprintf(until, sizeof(until), "until stopped");
	if (g->engine == ENGINE_XSK && g->nseg > 1)
		snprintf(chain, sizeof(chain), " (a chain of %u %u-byte UMEM frames)", g->nseg,
			 g->umem->frame_size);
	snprintf(buf, len,
		 "%u-byte %s/UDP%s to %02x:%02x:%02x:%02x:%02x:%02x, %s%s%s:%u -> %s%s%s:%u, "
		 "%u flow%s, %s, %s",
		 o->size, o->a.ipv6 ? "IPv6" : "IPv4", chain, dm[0], dm[1], dm[2], dm[3], dm[4],
		 dm[5], o->a.ipv6 ? "[" : "", s, o->a.ipv6 ? "]" : "", o->a.sport,
		 o->a.ipv6 ? "[" : "", d, o->a.ipv6 ? "]" : "", o->a.dport, o->flows,
		 o->flows == 1 ? "" : "s", rate, until);
}

static void start(struct xf_run *r, struct xf_out *o)
{
	struct gen *g = r->ctx;
	char what[384];
	uint32_t i;

	describe_frame(g, r->o.duration, what, sizeof(what));
	xo_str(o, "engine", NULL, g->engine == ENGINE_LIVE ? "live" : "xsk");
	xo_str(o, "auto_reason", NULL, g->auto_reason);
	xo_str(o, "frame", NULL, what);
	xo_arr_open(o, "ports");
	xf_port_out(o, g->port, r->sg);
	for (i = 0; i < g->nth; i++) {
		const struct gen_thread *t = &g->th[i];

		if (g->engine == ENGINE_XSK) {
			xf_port_queue_out(o, g->port, t->queue);
			xo_text(o, "engine xsk, ");
			xf_sock_out(o, t->sock);
			xo_u64(o, "tx_budget", ", tx budget %llu, ",
			       g->budget_set ? g->o.tx_budget : 32);
		} else {
			xo_obj_open(o, NULL);
			xo_text(o, "%s: engine live (BPF_PROG_RUN live frames, XDP_TX), ",
				g->port->name);
			xo_u64(o, "chunk", "up to %llu frames per run, ", t->chunk);
		}
		xo_u64(o, "batch", "batch %llu", t->batch);
		xo_i64(o, "cpu", ", cpu %lld", t->th.cpu);
		xo_u64(o, "stream", ", stream %llu\n", t->stream);
		xo_obj_close(o);
	}
	xf_port_out_close(o);
	xo_arr_close(o);
	if (*g->auto_reason)
		xo_text(o, "engine auto chose xsk: %s\n", g->auto_reason);
	xo_text(o, "generating on %s: %s", g->port->name, what);
}

/* Packets thread @t has sent so far (xsk): those the kernel completed, all
 * of their descriptors, less those the driver dropped. */
static uint64_t xsk_sent(const struct gen_thread *t)
{
	const struct rl_sock *s = t->sock;
	uint64_t done = rl_stat_read(s->stats.tx_completed) / t->nseg;
	uint64_t dropped = rl_stat_read(s->stats.tx_dropped);

	/* a drop is counted when sendto() says so, its completion when reaped */
	return done > dropped ? done - dropped : 0;
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
	for (i = 0; i < g->nth; i++)
		sum += xsk_sent(&g->th[i]);
	return sum;
}

static bool finished(struct xf_run *r)
{
	const struct gen *g = r->ctx;
	uint32_t i;

	for (i = 0; i < g->nth; i++)
		if (!__atomic_load_n(&g->th[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void rate(struct xf_run *r, struct xf_out *o, double t, double dt)
{
	struct gen *g = r->ctx;
	uint64_t now = total_sent(g);

	xo_open(o, "rate");
	xo_double(o, "t", NULL, t);
	xo_str(o, "port", "gen %s:", g->port->name);
	xo_double(o, "tx_pps", " tx %.0f pps", (double)(now - g->prev_sent) / dt);
	xo_double(o, "tx_mbps", "  %.2f Mbit/s",
		  (double)(now - g->prev_sent) * g->o.size * 8 / dt / 1e6);
	xo_u64(o, "total", "  total %llu", now);
	xo_close(o);
	g->prev_sent = now;
}

/* A live run lasts until interrupted; a signal that lands before the thread
 * enters its run is missed, so repeat it (bounded). */
static void interrupt(struct xf_run *r)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	struct gen *g = r->ctx;
	uint32_t i, tries;

	for (tries = 0; g->engine == ENGINE_LIVE && !finished(r) && tries < 1000; tries++) {
		for (i = 0; i < g->nth; i++)
			gen_live_interrupt(&g->th[i]);
		nanosleep(&pause, NULL);
	}
}

/* Per stream: xsk threads; live CPUs that sent (and every thread's CPU). */
static uint32_t collect_streams(struct gen *g, uint32_t *id, uint64_t *sent, int *cpu,
				int64_t *queue)
{
	uint32_t n = 0, i;
	int c;

	if (g->engine == ENGINE_XSK) {
		for (i = 0; i < g->nth; i++) {
			id[n] = g->th[i].stream;
			sent[n] = xsk_sent(&g->th[i]);
			cpu[n] = g->th[i].th.cpu;
			queue[n++] = g->th[i].queue;
		}
		return n;
	}
	if (gen_live_counts(g->live, g->live_counts))
		memset(g->live_counts, 0, sizeof(uint64_t) * (size_t)gen_live_ncpus(g->live));
	for (c = 0; c < gen_live_ncpus(g->live) && n < XF_GEN_MAX_STREAMS; c++) {
		bool ours = false;

		for (i = 0; i < g->nth; i++)
			ours |= g->th[i].th.cpu == c;
		if (!ours && !g->live_counts[c])
			continue;
		id[n] = (uint32_t)c;
		sent[n] = g->live_counts[c];
		cpu[n] = c;
		queue[n++] = -1;
	}
	return n;
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

static void summary(struct xf_run *r, struct xf_out *o, double secs_now)
{
	uint32_t id[XF_GEN_MAX_STREAMS], n, i, k;
	uint64_t sent[XF_GEN_MAX_STREAMS], total = 0, dropped = 0, unsent = 0, drv_drop = 0, v;
	int64_t queue[XF_GEN_MAX_STREAMS];
	int cpu[XF_GEN_MAX_STREAMS];
	struct gen *g = r->ctx;
	const char *name = g->port->name;
	double secs = (double)(run_end(g) - r->start_ns) / 1e9;

	(void)secs_now; /* the run ends when the last thread finished */
	n = collect_streams(g, id, sent, cpu, queue);
	for (i = 0; i < n; i++)
		total += sent[i];
	if (g->have_dropped && read_tx_dropped(name, &v) && v >= g->tx_dropped0)
		dropped = v - g->tx_dropped0;
	for (i = 0; i < g->nth && g->engine == ENGINE_XSK; i++) {
		unsent += rl_stat_read(g->th[i].unsent);
		drv_drop += rl_stat_read(g->th[i].sock->stats.tx_dropped);
	}
	xo_open(o, "summary");
	xo_str(o, "port", "summary gen %s", name);
	xo_double(o, "seconds", NULL, secs);
	xo_text(o, " (%.1f s):", secs);
	xo_u64(o, "sent", " sent %llu", total);
	xo_u64(o, "bytes", " bytes %llu", total * g->o.size);
	xo_double(o, "pps", " pps %.0f", secs > 0 ? (double)total / secs : 0);
	xo_double(o, "mbps", " Mbit/s %.2f",
		  secs > 0 ? (double)total * g->o.size * 8 / secs / 1e6 : 0);
	xo_str(o, "engine", " engine %s", g->engine == ENGINE_LIVE ? "live" : "xsk");
	xo_u64(o, "driver_dropped", " driver_dropped %llu", drv_drop);
	xo_u64(o, "unsent", " unsent %llu", unsent);
	xo_u64(o, "iface_tx_dropped", " iface_tx_dropped %llu", dropped);
	xo_arr_open(o, "streams");
	for (i = 0; i < n; i++) {
		xo_obj_open(o, NULL);
		xo_text(o, "\nsummary gen %s/", name);
		xo_u64(o, "stream", "stream %llu:", id[i]);
		xo_u64(o, "sent", " sent %llu", sent[i]);
		xo_i64(o, "cpu", " cpu %lld", cpu[i]);
		if (queue[i] >= 0)
			xo_i64(o, "queue", " queue %lld", queue[i]);
		xo_obj_close(o);
	}
	xo_arr_close(o);
	xo_close(o);
	if (unsent)
		xf_warn("%s: %llu frame(s) were still queued at exit: not sent, not counted", name,
			(unsigned long long)unsent);
	for (i = 0; i < g->nth && g->engine == ENGINE_XSK; i++) {
		for (k = 0, v = 0; k < g->th[i].nseg; k++)
			v += g->th[i].pools[k].errors;
		if (v)
			xf_warn("%s/q%u: %llu completed frame(s) were foreign or already free, "
				"and were ignored",
				name, g->th[i].queue, (unsigned long long)v);
	}
}

const struct xf_mode xf_gen_mode = {
	.name = "gen",
	.args = "IFACE --dst-mac MAC",
	.about = "Send UDP test frames out of IFACE: one template per thread, and per frame\n"
		 "only the payload (magic, stream, seq, send time), the source port and (IPv6)\n"
		 "the UDP checksum change. Runs until SIGINT, SIGTERM, SIGHUP, --duration or\n"
		 "--count; prints rates once a second and a summary with exact sent counts at\n"
		 "exit.",
	.notes = "The live engine sends with XDP_TX, a redirect out of IFACE: on a veth the\n"
		 "peer needs an XDP program (e.g. xskfwd forward or sink running there).",
	.min_ifaces = 1,
	.max_ifaces = 1,
	.default_cpus = 1,
	.shared = gen_shared,
	.opts = gen_opts,
	.ctx_size = sizeof(struct gen),
	.check = gen_check,
	.setup = setup,
	.start = start,
	.rate = rate,
	.finished = finished,
	.interrupt = interrupt,
	.summary = summary,
	.teardown = teardown,
};
