// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The forwarding modes' Prometheus endpoint (design in fwd_metrics.h). */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "fwd_engine.h"
#include "fwd_metrics.h"
#include "log.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define MAX_CONNECTIONS 16
#define CONNECTION_TIMEOUT_S 10

/* HELP text by counter name (the summary's names); others get a generic one. */
static const struct {
	const char *name, *help;
} helps[] = {
	{ "rx_packets", "Packets the poller took from the socket's rx ring." },
	{ "rx_bytes", "Bytes of the packets taken from the rx ring." },
	{ "rx_left", "Packets on the rx ring not taken by the poller yet." },
	{ "tx_packets", "Packets put on the socket's tx ring (forwarded out of this port)." },
	{ "tx_bytes", "Bytes of the packets put on the tx ring." },
	{ "tx_completed", "Tx descriptors the kernel completed." },
	{ "rx_descs", "Rx descriptors (frames; a multi-buffer packet takes several)." },
	{ "tx_descs", "Tx descriptors (frames; a multi-buffer packet takes several)." },
	{ "tx_chain_too_long", "Packets dropped: more frames than the egress takes." },
	{ "rx_dropped", "Kernel XDP_STATISTICS: frames the socket dropped." },
	{ "rx_ring_full", "Kernel XDP_STATISTICS: frames dropped, the rx ring was full." },
	{ "rx_fill_ring_empty", "Kernel XDP_STATISTICS: times the fill ring was empty." },
	{ "rx_invalid_descs", "Kernel XDP_STATISTICS: invalid rx descriptors." },
	{ "tx_invalid_descs", "Kernel XDP_STATISTICS: invalid tx descriptors." },
	{ "tx_ring_empty", "Kernel XDP_STATISTICS: times the tx ring was empty." },
	{ "xdp_redirected", "Frames the classifier redirected to our sockets." },
	{ "xdp_pass_nomatch", "Frames the classifier left to the host stack: no rule chose them." },
	{ "xdp_pass_nosock",
	  "Chosen frames left to the host stack: no poller serves their queue." },
	{ "drops", "Frames of ours lost on the way (the summary's drops)." },
};

static const char *help_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, name))
			return helps[i].help;
	if (!strncmp(name, "xdp_slow_", 9))
		return "Chosen frames left to the kernel's routing (the slow path), by reason.";
	return "Frames the classifier counted.";
}

/* The HELP and TYPE lines of family xskfwd_@name (a counter: _total). */
static void family(FILE *m, const char *name, bool counter)
{
	const char *sfx = counter ? "_total" : "";

	fprintf(m, "# HELP xskfwd_%s%s %s\n# TYPE xskfwd_%s%s %s\n", name, sfx, help_of(name), name,
		sfx, counter ? "counter" : "gauge");
}

/* @v as a label value: '\\', '"' and line feeds escaped. */
static void label(FILE *m, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', m);
		fputs(*v == '\n' ? "\\n" : (char[2]){ *v, 0 }, m);
	}
}

static void sample(FILE *m, const char *name, bool counter, const char *port, int64_t queue,
		   uint64_t v)
{
	fprintf(m, "xskfwd_%s%s{port=\"", name, counter ? "_total" : "");
	label(m, port);
	if (queue >= 0)
		fprintf(m, "\",queue=\"%lld", (long long)queue);
	fprintf(m, "\"} %llu\n", (unsigned long long)v);
}

/* Every per-queue family, each with a sample per (port, queue). */
static void queue_families(FILE *m, struct xf_run *r, const struct xf_queue_totals *qt)
{
	struct xo_field names[XF_QUEUE_FIELDS], f[XF_QUEUE_FIELDS];
	struct fwd *fw = r->ctx;
	size_t n = xf_queue_fields(&qt[0], names), i;
	uint32_t k, j;

	for (i = 0; i < n; i++) {
		bool counter = strcmp(names[i].name, "rx_left") != 0;

		family(m, names[i].name, counter);
		for (k = 0; k < r->nports; k++)
			for (j = 0; j < fw->npollers; j++) {
				xf_queue_fields(&qt[k * fw->npollers + j], f);
				sample(m, names[i].name, counter, r->port[k].name,
				       fw->pollers[j].queue, f[i].v);
			}
	}
}

/* The classifier's counters and the drops, per port. */
static void port_families(FILE *m, struct xf_run *r, const struct xf_port_totals *pt)
{
	struct fwd *fw = r->ctx;
	int c, n = fw->steer == FWD_ROUTE ? XF_CNT_MAX : XF_CNT_COMMON;
	uint32_t k;

	for (c = 0; c < n; c++) {
		family(m, xf_counter_name(c), true);
		for (k = 0; k < r->nports; k++)
			sample(m, xf_counter_name(c), true, r->port[k].name, -1, pt[k].xdp[c]);
	}
	family(m, "drops", true);
	for (k = 0; k < r->nports; k++)
		sample(m, "drops", true, r->port[k].name, -1, xf_port_drops(&pt[k]));
}

/* The exposition text, malloc'd, or NULL. */
static char *exposition(struct xf_run *r, size_t *len)
{
	struct fwd *fw = r->ctx;
	struct xf_queue_totals *qt = calloc((size_t)r->nports * fw->npollers, sizeof(*qt));
	struct xf_port_totals *pt = calloc(r->nports, sizeof(*pt));
	char *buf = NULL;
	FILE *m = qt && pt ? open_memstream(&buf, len) : NULL;
	uint32_t k;

	if (m) {
		for (k = 0; k < r->nports; k++)
			xf_fwd_collect(&r->port[k], fw->pollers, fw->npollers, (int)k, &pt[k],
				       qt + (size_t)k * fw->npollers);
		fputs("# HELP xskfwd_up Whether the forwarder is running.\n"
		      "# TYPE xskfwd_up gauge\nxskfwd_up 1\n"
		      "# HELP xskfwd_build_info The version of xskfwd, and its mode.\n"
		      "# TYPE xskfwd_build_info gauge\n",
		      m);
		fputs("xskfwd_build_info{version=\"", m);
		label(m, xf_version());
		fprintf(m, "\",mode=\"%s\"} 1\n", r->mode->name);
		queue_families(m, r, qt);
		port_families(m, r, pt);
		if (fclose(m)) {
			free(buf);
			buf = NULL;
		}
	}
	free(qt);
	free(pt);
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? CONTENT_TYPE : "text/plain");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	static char not_found[] = "not found: try /metrics\n";
	static char not_allowed[] = "only GET and HEAD\n";
	char *body;
	size_t len = 0;

	(void)version, (void)upload, (void)upload_len, (void)req;
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof(not_allowed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	body = exposition(cls, &len);
	if (!body)
		return MHD_NO; /* out of memory: the connection is closed */
	return reply(c, MHD_HTTP_OK, body, len, MHD_RESPMEM_MUST_FREE);
}

int fwd_metrics_parse(struct fwd_metrics *m, const char *arg, char *err)
{
	m->text = arg;
	return xf_parse_addr_port(arg, &m->sa, &m->len, err);
}

static int listen_on(const struct fwd_metrics *m)
{
	int fd = socket(m->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&m->sa, m->len) || listen(fd, MAX_CONNECTIONS)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The thread libmicrohttpd starts inherits the caller's affinity: for its
 * start, narrow the caller's to the spare CPUs (xf_run_spare_cpus), when
 * there are any. @saved gets the caller's; false: left alone.
 */
static bool off_pollers(const struct xf_run *r, cpu_set_t *saved)
{
	cpu_set_t set;

	if (pthread_getaffinity_np(pthread_self(), sizeof(*saved), saved))
		return false;
	return xf_run_spare_cpus(r, &set) &&
	       !pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int fwd_metrics_start(struct fwd_metrics *m, struct xf_run *r)
{
	bool narrowed;
	cpu_set_t saved;
	int fd;

	if (!m->text)
		return 0;
	fd = listen_on(m);
	if (fd < 0) {
		xf_err("--metrics %s: %s", m->text, strerror(-fd));
		return fd;
	}
	narrowed = off_pollers(r, &saved);
	m->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, handle, r,
				MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
				(unsigned int)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned int)CONNECTION_TIMEOUT_S, MHD_OPTION_END);
	if (narrowed)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	if (!m->d) {
		close(fd);
		xf_err("--metrics %s: libmicrohttpd could not start its thread", m->text);
		return -ENOMEM;
	}
	return 0;
}

void fwd_metrics_out(const struct fwd_metrics *m, struct xf_out *o)
{
	char url[128];

	if (!m->text)
		return;
	snprintf(url, sizeof(url), "http://%s/metrics", m->text);
	xo_str(o, "metrics", "metrics at %s\n", url);
}

void fwd_metrics_stop(struct fwd_metrics *m)
{
	if (!m->d)
		return;
	MHD_stop_daemon(m->d); /* joins its thread; closes the listening socket */
	m->d = NULL;
}
