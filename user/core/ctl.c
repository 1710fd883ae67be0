// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The control socket: its server thread and `xskfwd ctl` (design in ctl.h). */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

struct ctl_client {
	int fd; /* -1: free */
	size_t len;
	uint64_t deadline_ns;
	char buf[CTL_MAX_REQ + 1];
};

struct xf_ctl {
	struct xf_run *r;
	int lfd[XF_MAX_PORTS];
	char path[XF_MAX_PORTS][sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint32_t nl;
	int stop_fd;
	pthread_t tid;
	/* read and written by the server thread only */
	uint64_t requests, bad_requests, timeouts;
	struct ctl_client cl[CTL_MAX_CLIENTS];
};

struct ctl_cmd {
	const char *name;
	const char *help;
	void (*fn)(struct xf_ctl *c, struct xf_out *o);
};

static double uptime(const struct xf_run *r)
{
	return (double)(xf_now_ns() - r->start_ns) / 1e9;
}

static void cmd_status(struct xf_ctl *c, struct xf_out *o)
{
	struct xf_run *r = c->r;

	xo_open(o, "status");
	xo_str(o, "version", "xskfwd %s", xf_version());
	xo_str(o, "mode", " %s", r->mode->name);
	xo_u64(o, "pid", ", pid %llu", (uint64_t)getpid());
	xo_double(o, "uptime", ", up %.1f s\n", uptime(r));
	if (o->json)
		xf_opt_record(&r->opts, o);
	if (r->mode->start)
		r->mode->start(r, o);
	xo_close(o);
}

static void cmd_stats(struct xf_ctl *c, struct xf_out *o)
{
	const struct xo_field f[] = {
		{ "requests", c->requests },
		{ "bad_requests", c->bad_requests },
		{ "timeouts", c->timeouts },
	};

	c->r->mode->ctl_stats(c->r, o, uptime(c->r));
	xo_open(o, "ctl");
	xo_text(o, "ctl:");
	xo_u64_fields(o, f, XO_NFIELDS(f), '=');
	xo_close(o);
}

static const struct ctl_cmd cmds[] = {
	{ "status",
	  "the mode, version, uptime, options, rules, and each port's queues "
	  "with their bind and attach modes (the start record's members)",
	  cmd_status },
	{ "stats",
	  "every counter per port and per queue, as the exit summary prints them "
	  "(summary records), then the control socket's own (a ctl record: requests, "
	  "bad_requests, timeouts)",
	  cmd_stats },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct ctl_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/*
 * A request line (without its '\n'): "COMMAND" or "COMMAND --json", printable
 * ASCII. The command, or NULL with the reason in *@why.
 */
static const struct ctl_cmd *parse_request(char *line, bool *json, const char **why)
{
	const struct ctl_cmd *cmd;
	char *sp;

	for (sp = line; *sp; sp++)
		if (*sp < 0x20 || *sp > 0x7e) {
			*why = "malformed request: not printable text";
			return NULL;
		}
	sp = strchr(line, ' ');
	if (sp)
		*sp++ = '\0';
	*json = sp && !strcmp(sp, "--json");
	if (sp && !*json) {
		*why = "malformed request: the only argument is --json";
		return NULL;
	}
	cmd = find_cmd(line);
	if (!cmd)
		*why = "unknown command (commands: status, stats)";
	return cmd;
}

static void drop_client(struct ctl_client *cl)
{
	close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

/* Send what the socket buffer takes, never waiting; close. */
static void reply(struct ctl_client *cl, const char *text, size_t len)
{
	if (send(cl->fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		xf_debug("ctl: reply not sent: %s", strerror(errno));
	drop_client(cl);
}

static void reply_error(struct ctl_client *cl, const char *why)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "error: %s\n", why);

	reply(cl, line, (size_t)n);
}

static void answer(struct xf_ctl *c, struct ctl_client *cl)
{
	const struct ctl_cmd *cmd;
	const char *why = NULL;
	struct xf_out o;
	char *text = NULL;
	size_t len = 0;
	bool json;
	FILE *m;

	c->requests++;
	cl->buf[strcspn(cl->buf, "\n")] = '\0';
	cmd = parse_request(cl->buf, &json, &why);
	if (!cmd) {
		c->bad_requests++;
		reply_error(cl, why);
		return;
	}
	m = open_memstream(&text, &len);
	if (!m) {
		reply_error(cl, "out of memory");
		return;
	}
	xo_init(&o, m, json);
	cmd->fn(c, &o);
	if (fclose(m))
		reply_error(cl, "out of memory");
	else
		reply(cl, text, len);
	free(text);
}

static void on_readable(struct xf_ctl *c, struct ctl_client *cl)
{
	ssize_t n = recv(cl->fd, cl->buf + cl->len, CTL_MAX_REQ - cl->len, MSG_DONTWAIT);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			drop_client(cl);
		return;
	}
	cl->buf[cl->len + (size_t)n] = '\0';
	if (memchr(cl->buf + cl->len, '\n', (size_t)n) || (n == 0 && cl->len)) {
		cl->len += (size_t)n;
		answer(c, cl);
		return;
	}
	cl->len += (size_t)n;
	if (n == 0 || cl->len == CTL_MAX_REQ) {
		c->requests++;
		c->bad_requests++;
		reply_error(cl, n ? "request longer than 4096 bytes" : "empty request");
	}
}

static void accept_clients(struct xf_ctl *c, int lfd)
{
	uint32_t i;
	int fd;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (c->cl[i].fd >= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c->cl[i].fd = fd;
		c->cl[i].len = 0;
		c->cl[i].deadline_ns = xf_now_ns() + CTL_TIMEOUT_MS * 1000000ull;
	}
}

/* Clients past their deadline get an error; the poll timeout to the next. */
static int expire(struct xf_ctl *c)
{
	uint64_t now = xf_now_ns(), next = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (c->cl[i].fd < 0)
			continue;
		if (c->cl[i].deadline_ns <= now) {
			c->requests++;
			c->timeouts++;
			reply_error(&c->cl[i], "timed out: a request is one line within 2 s");
		} else if (c->cl[i].deadline_ns < next) {
			next = c->cl[i].deadline_ns;
		}
	}
	return next == UINT64_MAX ? -1 : (int)((next - now) / 1000000 + 1);
}

static void *serve(void *arg)
{
	struct pollfd pfd[1 + CTL_MAX_CLIENTS + XF_MAX_PORTS];
	uint32_t who[CTL_MAX_CLIENTS], i, n, nc;
	struct xf_ctl *c = arg;
	int timeout = -1;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = c->stop_fd, .events = POLLIN };
		for (i = 0, n = 1; i < CTL_MAX_CLIENTS; i++)
			if (c->cl[i].fd >= 0) {
				who[n - 1] = i;
				pfd[n++] = (struct pollfd){ .fd = c->cl[i].fd, .events = POLLIN };
			}
		nc = n - 1;
		for (i = 0; nc < CTL_MAX_CLIENTS && i < c->nl; i++) /* a free slot: accept */
			pfd[n++] = (struct pollfd){ .fd = c->lfd[i], .events = POLLIN };
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		for (i = 0; i < nc; i++)
			if (pfd[1 + i].revents)
				on_readable(c, &c->cl[who[i]]);
		for (i = 1 + nc; i < n; i++)
			if (pfd[i].revents)
				accept_clients(c, pfd[i].fd);
		timeout = expire(c);
	}
	return NULL;
}

static void ctl_free(struct xf_ctl *c)
{
	uint32_t i;

	for (i = 0; i < c->nl; i++) {
		unlink(c->path[i]);
		close(c->lfd[i]);
	}
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			close(c->cl[i].fd);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	free(c);
}

/* Listen on port @p's socket file; a stale one (a killed run's) is replaced. */
static int listen_on(struct xf_ctl *c, const struct xf_port *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (p->lock_fd < 0) /* without the port's lock, the name may be another's */
		return -ENOLCK;
	err = xf_port_run_path(p->ifindex, "sock", sa.sun_path, sizeof(sa.sun_path));
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(sa.sun_path, 0600) ||
	    listen(fd, CTL_MAX_CLIENTS)) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(c->path[c->nl], sizeof(c->path[0]), "%s", sa.sun_path);
	c->lfd[c->nl++] = fd;
	return 0;
}

static int start_thread(struct xf_ctl *c)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	if (pthread_attr_init(&attr))
		return -ENOMEM;
	if (xf_run_spare_cpus(c->r, &set))
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	err = pthread_create(&c->tid, &attr, serve, c);
	pthread_attr_destroy(&attr);
	return -err;
}

void xf_ctl_start(struct xf_run *r)
{
	struct xf_ctl *c;
	uint32_t i;
	int err = -ENOMEM;

	if (!r->mode->ctl_stats)
		return;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto fail;
	c->r = r;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	err = c->stop_fd < 0 ? -errno : 0;
	for (i = 0; i < r->nports && !err; i++)
		err = listen_on(c, &r->port[i]);
	if (!err)
		err = start_thread(c);
	if (!err) {
		r->ctl = c;
		return;
	}
	ctl_free(c);
fail:
	xf_warn("no control socket (%s): xskfwd ctl will not find this run", strerror(-err));
}

void xf_ctl_stop(struct xf_run *r)
{
	uint64_t one = 1;

	if (!r->ctl)
		return;
	if (write(r->ctl->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(r->ctl->tid, NULL);
	else
		pthread_cancel(r->ctl->tid);
	ctl_free(r->ctl);
	r->ctl = NULL;
}

/* ---- the client: xskfwd ctl PORT COMMAND [--json] ---- */

#define CTL_ABOUT                                                                       \
	"Ask the running xskfwd (forward or route) that holds interface PORT, in this " \
	"network namespace, over its control socket " XF_RUN_DIR "/NETNS-IFINDEX.sock " \
	"(root only). With --json, the answer is one JSON object per line, the same "   \
	"records the mode's --json output has."
#define CTL_EXIT \
	"0 answered, 1 no running xskfwd holds PORT or it answered an error, 2 bad arguments."

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: xskfwd ctl PORT COMMAND [--json]\n\n%s\n\nCommands:\n", CTL_ABOUT);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nExit status: " CTL_EXIT "\n");
}

void xf_ctl_scdoc(const char *what, FILE *f)
{
	size_t i;

	fprintf(f, "# NAME\n\nxskfwd-ctl - ");
	xf_scdoc_text(f, what);
	fputs("\n\n# SYNOPSIS\n\n*xskfwd ctl* _PORT_ _COMMAND_ [*--json*]\n\n# DESCRIPTION\n\n", f);
	xf_scdoc_text(f, CTL_ABOUT);
	fputs("\n\n# COMMANDS\n\n", f);
	for (i = 0; i < NCMDS; i++) {
		fprintf(f, "*%s*\n\t", cmds[i].name);
		xf_scdoc_text(f, cmds[i].help);
		fputs("\n\n", f);
	}
	fputs("# EXIT STATUS\n\n" CTL_EXIT "\n\n", f);
}

static int connect_to(const char *port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int ifindex = (int)if_nametoindex(port), fd;

	if (!ifindex || xf_port_run_path(ifindex, "sock", sa.sun_path, sizeof(sa.sun_path)))
		return -ENOENT;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return errno == ECONNREFUSED ? -ENOENT : -errno;
	}
	return fd;
}

/* The whole answer on @fd, malloc'd, into *@text; 0 or -errno. */
static int read_answer(int fd, char **text, size_t *len)
{
	FILE *m = open_memstream(text, len);
	char buf[4096];
	ssize_t n;
	int err = 0;

	if (!m)
		return -ENOMEM;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, m);
	if (n < 0)
		err = errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (fclose(m))
		err = -ENOMEM;
	return err;
}

static int ask(const char *port, const char *req)
{
	char *text = NULL;
	size_t len = 0;
	int fd = connect_to(port), err;

	if (fd == -ENOENT) {
		xf_err("no running xskfwd holds %s", port);
		return XF_EXIT_ERROR;
	}
	if (fd < 0) {
		xf_err("ctl %s: %s", port, strerror(-fd));
		return XF_EXIT_ERROR;
	}
	err = write(fd, req, strlen(req)) == (ssize_t)strlen(req) ? 0 : -errno;
	shutdown(fd, SHUT_WR);
	if (!err)
		err = read_answer(fd, &text, &len);
	close(fd);
	if (!err && !strncmp(text, "error: ", 7)) {
		xf_err("ctl %s: %.*s", port, (int)strcspn(text + 7, "\n"), text + 7);
		err = -EPROTO;
	} else if (!err) {
		fwrite(text, 1, len, stdout);
	} else {
		xf_err("ctl %s: %s", port, strerror(-err));
	}
	free(text);
	return err ? XF_EXIT_ERROR : XF_EXIT_OK;
}

int xf_ctl_main(int argc, char **argv)
{
	char req[64];
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return XF_EXIT_OK;
		}
	if (argc < 3 || argc > 4)
		return xf_bad_arg("ctl", "arguments", "PORT COMMAND [--json] expected");
	if (!find_cmd(argv[2]))
		return xf_bad_arg("ctl", argv[2], "unknown command (commands: status, stats)");
	if (argc == 4 && strcmp(argv[3], "--json"))
		return xf_bad_arg("ctl", argv[3], "unknown option (only --json)");
	snprintf(req, sizeof(req), "%s%s\n", argv[2], argc == 4 ? " --json" : "");
	return ask(argv[1], req);
}
