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
 * reports once a second until SIGINT/SIGTERM or --duration. At stop, the
 * pollers send an ERROR ("server shutting down") to the transfers still
 * running (counted as abandoned) and take late ACKs for a moment; only then
 * is the classifier detached, and the rest undone.
 */
#include <arpa/inet.h>
#include <errno.h>
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
#include "serve_opts.h"
#include "serve_poller.h"

#define FRAME_SIZE 4096
#define RING_SIZE 2048
#define BATCH 64
#define CHECK_MS 100 /* how often a file being served is checked for changes */

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
		xf_report_poller_error(sv->port.name, sv->pollers[i].queue, err);
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
	ret = serve_parse_opts(argc, argv, &sv->o);
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
