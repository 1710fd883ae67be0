// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd serve IFACE --root DIR: a TFTP server (read requests) whose every
 * reply is built in a UMEM frame and sent from an AF_XDP socket.
 *
 * The classifier on IFACE redirects only UDP to the served addresses on the
 * TFTP port and on the session ports (one per transfer, --session-ports);
 * ARP, ICMP, other ports and other addresses go to the kernel, so the host
 * stays reachable. The lifecycle (core/run.h) checks the arguments
 * (serve_opts.c; the root is opened then), locks the port and runs this
 * mode's callbacks. An MTU above one UMEM frame turns multi-buffer on
 * (xf_check_mtu): the socket may then receive chains, which the pollers
 * drop (no TFTP message is that long); every reply is still one frame, as
 * blksize is capped by the frame size as well as by the MTU. Set-up, each step undone in reverse: session table ->
 * MTU check -> classifier with the rules -> one UMEM -> per queue a socket,
 * a pool slice, the fill ring primed, the socket entered into the map ->
 * pollers (serve_poller.h). At stop, the pollers send an ERROR ("server
 * shutting down") to the transfers still running (counted as abandoned) and
 * take late ACKs for a moment; only then (.stopped) is the classifier
 * detached, and the rest undone.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "counters.h"
#include "log.h"
#include "rules.h"
#include "serve_opts.h"
#include "serve_poller.h"
#include "setup.h"

#define CHECK_MS 100 /* how often a file being served is checked for changes */

struct server {
	struct serve_opts o; /* first: the option table's offsets are into it */
	struct xf_port *port;
	struct rl_umem *umem;
	struct sv_table table;
	struct sf_root *root;
	struct serve_shared sh;
	struct serve_poller *pollers;
	uint32_t npollers;
	unsigned int abandoned; /* sessions ended at stop by the main thread */
	struct serve_stats prev;
	uint64_t prev_xdp[XF_CNT_MAX];
};
static_assert(offsetof(struct server, o) == 0, "serve_opts.c's offsets are into struct server");

static const char *addr_text(const struct sv_client *a, char *buf, size_t len)
{
	return inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, (socklen_t)len);
}

/* --addr's default: the interface's IPv4 and non-link-local IPv6 addresses. */
static int default_addrs(struct serve_opts *o, const char *ifname)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && o->naddrs < MAX_ADDRS; i = i->ifa_next) {
		struct sv_client *a = &o->addrs[o->naddrs];

		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
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
		       ifname);
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

static uint32_t blksize_cap(const struct xf_run *r, const struct server *sv, uint8_t family)
{
	uint32_t cap = sv_max_payload(sv->port->mtu, family) - TFTP_DATA_HDR;
	uint32_t frame = r->o.frame_size - SV_HDR_MAX - TFTP_DATA_HDR;

	if (cap > frame)
		cap = frame;
	return cap < sv->o.blksize_max ? cap : sv->o.blksize_max;
}

static void setup_shared(struct xf_run *r, struct server *sv)
{
	struct serve_shared *sh = &sv->sh;
	int f;

	sh->table = &sv->table;
	sh->root = sv->root;
	sh->umem_area = sv->umem->area;
	sh->frame_size = r->o.frame_size;
	sh->npollers = r->o.nqueues;
	sh->port = (uint16_t)sv->o.port;
	sh->check_ns = CHECK_MS * 1000000ull;
	sh->stop = &r->stop;
	for (f = 0; f < 2; f++) {
		sh->limits[f].blksize_max = blksize_cap(r, sv, f ? 6 : 4);
		sh->limits[f].windowsize_max = sv->o.windowsize_max;
		sh->limits[f].timeout_ms = sv->o.timeout_ms;
		sh->limits[f].retries = sv->o.retries;
	}
}

/* Per poller: a full fill ring, a full rx ring and a full tx ring. */
static uint32_t frames_per_poller(const struct xf_run *r)
{
	return 4 * r->o.ring_size;
}

static int setup_poller(struct xf_run *r, uint32_t i)
{
	struct server *sv = r->ctx;
	struct serve_poller *sp = &sv->pollers[i];
	uint32_t per_poller = frames_per_poller(r);
	struct xf_sock_req q = {
		.queue = r->o.queues[i],
		.rx_size = r->o.ring_size,
		.tx_size = r->o.ring_size,
		.tx_budget = r->o.ring_size,
	};
	int err;

	sp->sh = &sv->sh;
	sp->index = i;
	sp->queue = q.queue;
	sp->batch = r->o.batch;
	sp->spin_ns = r->o.spin_us * 1000ull;
	sp->th.fn = serve_poller_run;
	sp->th.arg = sp;
	sp->th.cpu = xf_run_cpu(r, i);
	err = xf_pool_slice(&sp->pool, sv->umem, i, per_poller, sp->queue);
	if (!err)
		err = xf_socket_open(r, sv->port, sv->umem, &q, &sp->pool, &sp->sock);
	return err ? err : xf_run_thread(r, &sp->th);
}

static int check(struct xf_run *r)
{
	struct server *sv = r->ctx;
	int err = serve_check(r);

	if (err)
		return err;
	err = sf_root_open(&sv->root, sv->o.root);
	if (err)
		return xf_bad_arg("serve", "--root", "%s: %s", sv->o.root, strerror(-err));
	return 0;
}

static int setup(struct xf_run *r)
{
	struct server *sv = r->ctx;
	struct xf_rule rules[XF_MAX_RULES];
	uint32_t nrules;
	int err;

	sv->port = &r->port[0];
	/* A full table evicts a client silent for two first timeouts. */
	err = sv_table_init(&sv->table, sv->o.max_sessions, (uint16_t)sv->o.ports_lo,
			    sv->o.max_per_client, 2ull * sv->o.timeout_ms * 1000000, sv->root);
	if (err) {
		xf_err("serve: session table: %s", strerror(-err));
		return err;
	}
	err = xf_check_mtu(r, sv->port, true);
	if (err)
		return err;
	if (!sv->o.naddrs && default_addrs(&sv->o, sv->port->name))
		return -EADDRNOTAVAIL;
	check_ephemeral_range(&sv->o);
	err = make_rules(sv, rules, &nrules);
	if (!err)
		err = xf_run_attach(r, &(struct xf_classifier){ .rules = rules, .nrules = nrules });
	if (!err)
		err = xf_umem_per_queue(r, frames_per_poller(r), r->o.ring_size * 2, &sv->umem);
	if (err)
		return err;
	setup_shared(r, sv);
	sv->npollers = r->o.nqueues;
	err = xf_run_pollers(r, (void **)&sv->pollers, sizeof(*sv->pollers), setup_poller);
	/* The first rate line counts from here, as forward's. */
	if (!err)
		xf_port_counters(sv->port, sv->prev_xdp);
	return err;
}

static void start(struct xf_run *r, struct xf_out *o)
{
	struct server *sv = r->ctx;
	const struct xf_port *p = sv->port;
	char a[INET6_ADDRSTRLEN];
	uint32_t i;

	xo_arr_open(o, "ports");
	xf_port_out(o, p, r->sg);
	for (i = 0; i < sv->npollers; i++) {
		const struct serve_poller *sp = &sv->pollers[i];

		xf_port_queue_out(o, p, sp->queue);
		xf_sock_out(o, sp->sock);
		xo_i64(o, "cpu", ", cpu %lld\n", sp->th.cpu);
		xo_obj_close(o);
	}
	xf_port_out_close(o);
	xo_arr_close(o);
	xo_str(o, "root", "serving %s", sv->o.root);
	xo_text(o, " on %s:", p->name);
	xo_arr_open(o, "addrs");
	for (i = 0; i < sv->o.naddrs; i++)
		xo_str(o, NULL, " %s", addr_text(&sv->o.addrs[i], a, sizeof(a)));
	xo_arr_close(o);
	xo_u64(o, "tftp_port", ", port %llu", sv->o.port);
	xo_u64(o, "session_ports_lo", ", session ports %llu", sv->o.ports_lo);
	xo_u64(o, "session_ports_hi", "-%llu", sv->o.ports_lo + sv->o.max_sessions - 1);
	xo_u64(o, "blksize_max_ipv4", ", blksize up to %llu (IPv4)", sv->sh.limits[0].blksize_max);
	xo_u64(o, "blksize_max_ipv6", " / %llu (IPv6)", sv->sh.limits[1].blksize_max);
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

static void rate(struct xf_run *r, struct xf_out *o, double t, double dt)
{
	struct server *sv = r->ctx;
	struct serve_stats cur, *prev = &sv->prev;
	struct rl_xdp_stats xs;
	uint64_t xdp[XF_CNT_MAX] = {};

	collect(sv, &cur, &xs);
	xf_port_counters(sv->port, xdp);
	xo_open(o, "rate");
	xo_double(o, "t", NULL, t);
	xo_text(o, "%7.1fs", t);
	xo_str(o, "port", " %s:", sv->port->name);
	xo_u64(o, "sessions_active", " sessions active %llu", atomic_load(&sv->table.active));
	xo_u64(o, "sessions_completed", " completed %llu", cur.sessions_completed);
	xo_u64(o, "sessions_failed", " failed %llu",
	       cur.sessions_failed + atomic_load(&sv->table.evicted));
	xo_u64(o, "sessions_refused", " refused %llu", refused(&cur));
	xo_double(o, "tx_pps", " | tx %.0f pkt/s",
		  (double)(cur.data_packets + cur.ctl_packets - prev->data_packets -
			   prev->ctl_packets) /
			  dt);
	xo_double(o, "data_mbit", ", file data %.1f Mbit/s",
		  (double)(cur.data_bytes - prev->data_bytes) * 8 / dt / 1e6);
	xo_u64(o, "retransmits", " | retransmits %llu", cur.retransmits);
	/* What leaks to the host stack: nomatch is everything not TFTP (ARP,
	 * ping, other ports), normal; nosock is TFTP on a queue not served. */
	xo_u64(o, "xdp_pass_nomatch", NULL,
	       xdp[XF_CNT_PASS_NOMATCH] - sv->prev_xdp[XF_CNT_PASS_NOMATCH]);
	xo_u64(o, "xdp_pass_nosock", " | to host: nosock %llu",
	       xdp[XF_CNT_PASS_NOSOCK] - sv->prev_xdp[XF_CNT_PASS_NOSOCK]);
	memcpy(sv->prev_xdp, xdp, sizeof(xdp));
	xo_close(o);
	*prev = cur;
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

/* The pollers told running transfers goodbye; only now does the classifier
 * go (the clients' last ACKs still reached us). */
static void stopped(struct xf_run *r)
{
	struct server *sv = r->ctx;

	xf_port_detach(sv->port);
	sv->abandoned = end_sessions(sv);
}

/* Every counter of the run; the table sets the order and the names. */
static void print_counters(struct xf_out *o, const struct server *sv, const struct serve_stats *st,
			   const struct sf_stats *fs, uint64_t evicted)
{
	const struct xo_field f[] = {
		{ "sessions_completed", st->sessions_completed },
		{ "sessions_failed", st->sessions_failed + evicted },
		{ "sessions_abandoned", st->sessions_abandoned + sv->abandoned },
		{ "sessions_refused", refused(st) },
		{ "requests", st->requests },
		{ "requests_malformed", st->requests_malformed },
		{ "requests_dup", st->requests_dup },
		{ "refused_file", st->refused_file },
		{ "refused_op", st->refused_op },
		{ "refused_busy", st->refused_busy },
		{ "timeouts", st->timeouts },
		{ "evicted", evicted },
		{ "client_errors", st->client_errors },
		{ "file_changed", st->file_changed },
		{ "unknown_tid", st->unknown_tid },
		{ "msgs_malformed", st->msgs_malformed },
		{ "stray", st->stray },
		{ "bytes_sent", st->data_bytes },
		{ "packets_sent", st->data_packets + st->ctl_packets },
		{ "data_packets", st->data_packets },
		{ "retransmits", st->retransmits },
		{ "tx_starved", st->tx_starved },
		{ "rx_frames", st->rx_frames },
		{ "rx_bad", st->rx_bad },
		{ "rx_other", st->rx_other },
		{ "files_mapped", fs->maps },
		{ "sigbus", fs->sigbus },
	};

	xo_u64_fields(o, f, XO_NFIELDS(f), '=');
}

static void summary(struct xf_run *r, struct xf_out *o, double secs)
{
	struct server *sv = r->ctx;
	uint64_t xdp[XF_CNT_MAX] = {};
	struct rl_xdp_stats xs;
	struct serve_stats st;
	struct sf_stats fs;

	collect(sv, &st, &xs);
	xf_port_counters(sv->port, xdp);
	sf_root_stats(sv->root, &fs);
	xo_open(o, "summary");
	xo_str(o, "port", "summary %s:", sv->port->name);
	xo_double(o, "seconds", " seconds=%.3f", secs);
	print_counters(o, sv, &st, &fs, atomic_load(&sv->table.evicted));
	xf_port_counters_out(o, xdp, XF_CNT_COMMON);
	xo_u64(o, "rx_dropped", " rx_dropped=%llu", xs.rx_dropped + xs.rx_ring_full);
	xo_close(o);
}

static void teardown(struct xf_run *r)
{
	struct server *sv = r->ctx;
	uint32_t i;

	for (i = 0; i < sv->npollers; i++) {
		rl_sock_destroy(sv->pollers[i].sock);
		rl_pool_fini(&sv->pollers[i].pool);
	}
	xf_umem_destroy(sv->umem);
	free(sv->pollers);
	end_sessions(sv);
	sv_table_fini(&sv->table);
	if (sv->root)
		sf_root_close(sv->root);
}

const struct xf_mode xf_serve_mode = {
	.name = "serve",
	.args = "IFACE --root DIR",
	.about = "Serve the regular files below DIR over TFTP (RFC 1350 read requests, octet\n"
		 "mode; options blksize, tsize, timeout, windowsize) on IFACE through AF_XDP.\n"
		 "Only UDP to the served addresses on the TFTP port and the session ports is\n"
		 "taken; ARP, ping and everything else stay with the kernel. Runs until\n"
		 "SIGINT, SIGTERM or SIGHUP; prints rates once a second and a summary at exit.",
	.min_ifaces = 1,
	.max_ifaces = 1,
	.flags = XF_MODE_PORTS,
	.shared = serve_shared,
	.opts = serve_opts,
	.ctx_size = sizeof(struct server),
	.check = check,
	.setup = setup,
	.start = start,
	.rate = rate,
	.stopped = stopped,
	.summary = summary,
	.teardown = teardown,
};
