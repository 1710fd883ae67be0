// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tftpbench: a TFTP load generator that checks every byte it receives, for
 * the serve benchmark (scripts/bench.sh) and for any TFTP server (--help).
 *
 * N sessions fetch NAME from the server again and again for --duration
 * seconds. Each transfer is an RFC 1350 read request in octet mode with the
 * options blksize, windowsize and tsize (RFC 2347/2348/2349/7440). An OACK is
 * acknowledged with ACK 0; a plain DATA 1 means the server ignored the
 * options (then blksize 512, window 1). The client acknowledges the last
 * block of each window, and once per disruption (a gap, a duplicate) the last
 * block it has in order, so the server restarts its window there (RFC 7440).
 * After --timeout-ms (default 200) without progress it sends that ACK (or the
 * request) again, from the same port; after 10 in a row it gives up.
 *
 * Key decisions:
 * - One thread, one epoll set, kernel UDP sockets. Each transfer gets a fresh
 *   socket (a new ephemeral port, on the next --bind address round robin), so
 *   nothing a server still holds about an earlier transfer can mix in. The
 *   first reply from the server's address latches its port (the TID); the
 *   socket is then connected to it and the kernel filters everything else.
 * - Every DATA block in sequence is compared with the same bytes of --expect
 *   (mmapped). A mismatch, a wrong length or a tsize other than the file's
 *   size is an error: the transfer is abandoned and the exit status is 1.
 * - Goodput counts verified bytes, in order, received before the end: with a
 *   16 MiB file and 64 clients a run of a few seconds completes few whole
 *   files, so whole files alone would quantize the figure. Completed files
 *   are reported too (files, file_bytes). At the end, transfers in flight
 *   are abandoned with an ERROR so that the server frees their sessions.
 * - Block numbers are 16 bits on the wire and roll over to 0; the session
 *   counts blocks in 64 bits and compares the low 16.
 * - --ack-cpu N: requests leave from the --cpu CPU, everything else from CPU
 *   N. With XPS mapping those CPUs to different tx queues of a veth, the
 *   server then gets each transfer's request and its ACKs on different rx
 *   queues, as RSS spreads them on a NIC (test_serve: cross-queue ACKs).
 *
 * Output, one line (MB = 10^6 bytes):
 *   {"clients":N,"blksize":B,"windowsize":W,"negotiated_blksize":B,
 *    "negotiated_windowsize":W,"files":F,"file_bytes":X,"bytes":Y,"seconds":S,
 *    "goodput_MBps":G,"errors":E,"server_errors":R,"timeouts":T,"abandoned":A,
 *    "cpu_s":C}   (C: this process's user+system CPU time, to tell a client-bound run)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 1000
#define MAX_BINDS 64
#define BATCH 32
#define MAX_TRIES 10 /* timeouts in a row before a transfer is given up */

enum { OP_RRQ = 1, OP_DATA = 3, OP_ACK = 4, OP_ERROR = 5, OP_OACK = 6 };
enum phase { IDLE, REQ, XFER };

struct session {
	int fd;
	enum phase phase;
	bool acked_gap; /* an ACK already went out for the current disruption */
	unsigned int blksize, window, in_window, tries;
	uint16_t tid;  /* the server's port for this transfer, once latched */
	uint64_t next; /* next expected block, from 1; never wraps */
	uint64_t deadline;
};

struct bench {
	struct sockaddr_storage server;
	socklen_t server_len;
	struct sockaddr_storage binds[MAX_BINDS];
	int n_binds, next_bind;
	const char *file;
	const uint8_t *data;
	uint64_t size;
	unsigned int clients, blksize, window;
	int cpu, ack_cpu; /* -1: not pinned / no switch */
	uint64_t timeout_ns, now;
	int epfd;
	struct session s[MAX_CLIENTS];
	uint8_t rrq[512];
	size_t rrq_len;
	/* results */
	uint64_t files, bytes, errors, server_errors, timeouts, abandoned;
	unsigned int neg_blksize, neg_window;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_addr(const char *str, const char *port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai;

	if (getaddrinfo(str, port, &hints, &ai))
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET ? ((const struct sockaddr_in *)a)->sin_port
				       : ((const struct sockaddr_in6 *)a)->sin6_port;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(p, s, n);
	return n;
}

static int build_rrq(struct bench *b)
{
	char blk[16], win[16];
	uint8_t *p = b->rrq;

	snprintf(blk, sizeof(blk), "%u", b->blksize);
	snprintf(win, sizeof(win), "%u", b->window);
	if (strlen(b->file) > 400)
		return -ENAMETOOLONG;
	*p++ = 0;
	*p++ = OP_RRQ;
	p += put_str(p, b->file);
	p += put_str(p, "octet");
	p += put_str(p, "blksize");
	p += put_str(p, blk);
	p += put_str(p, "windowsize");
	p += put_str(p, win);
	p += put_str(p, "tsize");
	p += put_str(p, "0");
	b->rrq_len = (size_t)(p - b->rrq);
	return 0;
}

static void send_ack(struct session *s, uint64_t block)
{
	uint8_t ack[4] = { 0, OP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	(void)!send(s->fd, ack, sizeof(ack), MSG_DONTWAIT);
	s->in_window = 0;
}

/* Ends the current transfer: an ERROR to a latched server, the socket closed. */
static void session_end(struct bench *b, struct session *s, const char *why)
{
	static const uint8_t hdr[4] = { 0, OP_ERROR, 0, 0 };
	uint8_t err[64];

	if (s->fd >= 0 && s->phase == XFER && why) {
		memcpy(err, hdr, 4);
		(void)!send(s->fd, err, 4 + put_str(err + 4, why), MSG_DONTWAIT);
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->phase = IDLE;
	s->deadline = b->now; /* the next transfer starts at the next timer scan */
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

static int session_start(struct bench *b, struct session *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)(s - b->s) };
	struct sockaddr_storage *local = NULL;

	s->fd = socket(b->server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	if (b->n_binds) {
		local = &b->binds[b->next_bind++ % b->n_binds];
		if (bind(s->fd, (struct sockaddr *)local,
			 local->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						     : sizeof(struct sockaddr_in6)) < 0)
			goto fail;
	}
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
		goto fail;
	if (b->ack_cpu >= 0)
		pin(b->cpu);
	if (sendto(s->fd, b->rrq, b->rrq_len, 0, (struct sockaddr *)&b->server, b->server_len) < 0)
		goto fail;
	if (b->ack_cpu >= 0)
		pin(b->ack_cpu);
	s->phase = REQ;
	s->next = 1;
	s->in_window = 0;
	s->tries = 0;
	s->acked_gap = false;
	s->deadline = b->now + b->timeout_ns;
	return 0;
fail:
	close(s->fd);
	s->fd = -1;
	return -errno;
}

/* Options of an OACK; 0 if acceptable, -EPROTO if not. */
static int parse_oack(struct bench *b, struct session *s, const uint8_t *p, size_t len)
{
	const char *opt = (const char *)p + 2, *end = (const char *)p + len, *val;

	s->blksize = 512;
	s->window = 1;
	while (opt < end) {
		val = memchr(opt, 0, (size_t)(end - opt));
		if (!val++ || !memchr(val, 0, (size_t)(end - val)))
			return -EPROTO;
		unsigned long long v = strtoull(val, NULL, 10);
		if (!strcasecmp(opt, "blksize")) {
			if (v < 8 || v > b->blksize)
				return -EPROTO;
			s->blksize = (unsigned int)v;
		} else if (!strcasecmp(opt, "windowsize")) {
			if (v < 1 || v > b->window)
				return -EPROTO;
			s->window = (unsigned int)v;
		} else if (!strcasecmp(opt, "tsize")) {
			if (v != b->size)
				return -EPROTO;
		}
		opt = val + strlen(val) + 1;
	}
	return 0;
}

static void fail(struct bench *b, struct session *s, const char *what)
{
	if (b->errors++ < 5)
		fprintf(stderr, "tftpbench: session %u, block %llu: %s\n", (unsigned)(s - b->s),
			(unsigned long long)s->next, what);
	session_end(b, s, what);
}

static void on_data(struct bench *b, struct session *s, const uint8_t *p, size_t len)
{
	uint16_t blk = (uint16_t)(p[2] << 8 | p[3]);
	uint64_t off = (s->next - 1) * s->blksize;
	size_t n = len - 4, want;

	if (blk != (uint16_t)s->next) {
		if (!s->acked_gap) /* RFC 7440: restart the window after the last in order */
			send_ack(s, s->next - 1);
		s->acked_gap = true;
		return;
	}
	if (off > b->size) {
		fail(b, s, "DATA past the end of the file");
		return;
	}
	want = b->size - off < s->blksize ? (size_t)(b->size - off) : s->blksize;
	if (n != want) {
		fail(b, s, "DATA of the wrong length");
		return;
	}
	if (memcmp(p + 4, b->data + off, n)) {
		fail(b, s, "DATA differs from --expect");
		return;
	}
	b->bytes += n;
	s->next++;
	s->in_window++;
	s->acked_gap = false;
	s->tries = 0;
	s->deadline = b->now + b->timeout_ns;
	if (n < s->blksize) {
		send_ack(s, blk);
		b->files++;
		session_end(b, s, NULL);
	} else if (s->in_window >= s->window) {
		send_ack(s, blk);
	}
}

static void on_packet(struct bench *b, struct session *s, const uint8_t *p, size_t len,
		      const struct sockaddr_storage *from, int flags)
{
	uint16_t op;

	if (len < 4 || !same_host(from, &b->server))
		return;
	if (s->phase == XFER && port_of(from) != s->tid) /* queued before the latch */
		return;
	if (flags & MSG_TRUNC) {
		fail(b, s, "packet longer than blksize");
		return;
	}
	op = (uint16_t)(p[0] << 8 | p[1]);
	if (op == OP_ERROR) {
		if (b->server_errors++ < 5)
			fprintf(stderr, "tftpbench: server ERROR %u: %.*s\n", p[3], (int)(len - 4),
				(const char *)p + 4);
		session_end(b, s, NULL);	      /* no ERROR back to an ERROR */
		s->deadline = b->now + b->timeout_ns; /* back off before asking again */
		return;
	}
	if (s->phase == REQ) {
		if (op == OP_OACK) {
			if (parse_oack(b, s, p, len)) {
				fail(b, s, "OACK with options not asked for or a wrong tsize");
				return;
			}
		} else if (op == OP_DATA && p[2] == 0 && p[3] == 1) {
			s->blksize = 512; /* the server ignored the options */
			s->window = 1;
		} else {
			return;
		}
		if (connect(s->fd, (const struct sockaddr *)from, b->server_len) < 0) {
			fail(b, s, "connect to the server's TID failed");
			return;
		}
		b->neg_blksize = s->blksize;
		b->neg_window = s->window;
		s->tid = port_of(from);
		s->phase = XFER;
		s->deadline = b->now + b->timeout_ns;
		if (op == OP_OACK) {
			send_ack(s, 0);
			return;
		}
	}
	if (op == OP_DATA)
		on_data(b, s, p, len);
}

static void session_read(struct bench *b, struct session *s, uint8_t *buf, size_t bufsz)
{
	struct sockaddr_storage from[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	int fd = s->fd, n, i;

	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = buf + (size_t)i * bufsz, .iov_len = bufsz };
		msg[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
						  .msg_namelen = sizeof(from[i]),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1 };
	}
	do {
		n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
		for (i = 0; i < n && s->fd == fd && s->phase != IDLE; i++)
			on_packet(b, s, iov[i].iov_base, msg[i].msg_len, &from[i],
				  msg[i].msg_hdr.msg_flags);
	} while (n == BATCH && s->fd == fd);
}

static void scan_timers(struct bench *b)
{
	struct session *s;
	unsigned int i;

	for (i = 0; i < b->clients; i++) {
		s = &b->s[i];
		if (b->now < s->deadline)
			continue;
		if (s->phase == IDLE) {
			if (session_start(b, s) < 0) /* e.g. out of ports: try again later */
				s->deadline = b->now + b->timeout_ns;
			continue;
		}
		b->timeouts++;
		if (++s->tries > MAX_TRIES) {
			if (s->phase == XFER)
				b->abandoned++;
			session_end(b, s, "too many timeouts");
			continue;
		}
		if (s->phase == REQ) /* the request again, from the same port */
			(void)!sendto(s->fd, b->rrq, b->rrq_len, 0, (struct sockaddr *)&b->server,
				      b->server_len);
		else
			send_ack(s, s->next - 1);
		s->deadline = b->now + b->timeout_ns;
	}
}

static int bad(const char *msg)
{
	fprintf(stderr, "tftpbench: %s\n", msg);
	return 2;
}

/* The value of an option, its default if absent, NAN if not a number in [min, max]. */
static double num(const char *s, double dflt, double min, double max)
{
	char *end;
	double v;

	if (!s)
		return dflt;
	v = strtod(s, &end);
	return *s && !*end && v >= min && v <= max ? v : NAN;
}

static int usage(FILE *f, int status)
{
	fprintf(f,
		"usage: tftpbench --server ADDR --file NAME --expect FILE [--port N]\n"
		"         [--clients N] [--blksize N] [--windowsize N] [--duration S]\n"
		"         [--timeout-ms T] [--bind ADDR[,ADDR...]] [--cpu N [--ack-cpu M]]\n"
		"         [--json]\n"
		"N sessions fetch NAME again and again for S seconds (default 1 client, blksize\n"
		"1468, windowsize 1, 5 s, timeout 200 ms), each DATA block compared with FILE.\n"
		"Prints one line of totals; exit status 1 if any block differed.\n"
		"--ack-cpu M: requests leave from CPU N, ACKs from CPU M (with XPS, on other\n"
		"tx queues).\n");
	return status;
}

static int parse_binds(struct bench *b, char *list)
{
	socklen_t len;
	char *tok;

	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (b->n_binds == MAX_BINDS || parse_addr(tok, "0", &b->binds[b->n_binds], &len))
			return -EINVAL;
		b->n_binds++;
	}
	return 0;
}

static void report(const struct bench *b, double secs, bool json)
{
	struct rusage ru;
	double cpu;
	unsigned int i;

	getrusage(RUSAGE_SELF, &ru); /* the client's own CPU time: is it the bottleneck? */
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	const struct {
		const char *key;
		double val;
		int decimals;
	} f[] = {
		{ "clients", b->clients, 0 },
		{ "blksize", b->blksize, 0 },
		{ "windowsize", b->window, 0 },
		{ "negotiated_blksize", b->neg_blksize, 0 },
		{ "negotiated_windowsize", b->neg_window, 0 },
		{ "files", (double)b->files, 0 },
		{ "file_bytes", (double)(b->files * b->size), 0 },
		{ "bytes", (double)b->bytes, 0 },
		{ "seconds", secs, 2 },
		{ "goodput_MBps", (double)b->bytes / secs / 1e6, 2 },
		{ "errors", (double)b->errors, 0 },
		{ "server_errors", (double)b->server_errors, 0 },
		{ "timeouts", (double)b->timeouts, 0 },
		{ "abandoned", (double)b->abandoned, 0 },
		{ "cpu_s", cpu, 2 },
	};

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		printf(json ? "%s\"%s\":%.*f" : "%s%s=%.*f",
		       i ? (json ? "," : " ") : (json ? "{" : ""), f[i].key, f[i].decimals,
		       f[i].val);
	printf(json ? "}\n" : "\n");
}

/* Maps --expect read-only; 0 or -errno. */
static int load_expect(struct bench *b, const char *path)
{
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	b->size = (uint64_t)st.st_size;
	b->data = st.st_size ? mmap(NULL, b->size, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
	if (b->data == MAP_FAILED)
		err = -errno;
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", 1, 0, 's' },     { "port", 1, 0, 'p' },	{ "file", 1, 0, 'f' },
		{ "expect", 1, 0, 'e' },     { "clients", 1, 0, 'c' },	{ "blksize", 1, 0, 'b' },
		{ "windowsize", 1, 0, 'w' }, { "duration", 1, 0, 'd' }, { "timeout-ms", 1, 0, 't' },
		{ "bind", 1, 0, 'B' },	     { "cpu", 1, 0, 'C' },	{ "ack-cpu", 1, 0, 'A' },
		{ "json", 0, 0, 'j' },	     { "help", 0, 0, 'h' },	{ 0 },
	};
	static struct bench bench;
	struct bench *b = &bench;
	char *arg[128] = { 0 };
	const char *server, *expect;
	double clients, blksize, window, port, duration, timeout_ms, cpu, ack_cpu, secs;
	struct epoll_event ev[64];
	uint64_t start, end, next_scan;
	unsigned int i;
	bool json;
	size_t bufsz;
	uint8_t *buf;
	int c, n, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(stdout, 0);
		if (c == '?')
			return usage(stderr, 2);
		arg[c] = optarg ? optarg : argv[0]; /* set, no value */
	}
	server = arg['s'];
	b->file = arg['f'];
	expect = arg['e'];
	json = arg['j'];
	if (arg['B'] && parse_binds(b, arg['B']))
		return bad("--bind: bad address list");
	clients = num(arg['c'], 1, 1, MAX_CLIENTS);
	blksize = num(arg['b'], 1468, 8, 65464);
	window = num(arg['w'], 1, 1, 65535);
	port = num(arg['p'], 69, 1, 65535);
	duration = num(arg['d'], 5, 0.001, 1e6);
	timeout_ms = num(arg['t'], 200, 1, 1e6);
	cpu = num(arg['C'], -1, 0, CPU_SETSIZE - 1);
	ack_cpu = num(arg['A'], -1, 0, CPU_SETSIZE - 1);
	if (isnan(clients + blksize + window + port + duration + timeout_ms + cpu + ack_cpu))
		return bad("a value is out of range or not a number (see --help)");
	b->clients = (unsigned int)clients;
	b->blksize = (unsigned int)blksize;
	b->window = (unsigned int)window;
	if (optind != argc || !server || !b->file || !expect)
		return usage(stderr, 2);
	if (parse_addr(server, arg['p'] ? arg['p'] : "69", &b->server, &b->server_len)) {
		fprintf(stderr, "tftpbench: --server: '%s' is not an IPv4 or IPv6 address\n",
			server);
		return 2;
	}
	for (n = 0; n < b->n_binds; n++)
		if (b->binds[n].ss_family != b->server.ss_family)
			return bad("--bind: an address is not of the server's family");
	if (build_rrq(b))
		return bad("--file: name too long");
	err = load_expect(b, expect);
	if (err) {
		fprintf(stderr, "tftpbench: %s: %s\n", expect, strerror(-err));
		return 2;
	}
	if (ack_cpu >= 0 && cpu < 0)
		return bad("--ack-cpu needs --cpu");
	b->cpu = (int)cpu;
	b->ack_cpu = (int)ack_cpu;
	if (cpu >= 0 && (err = pin(b->cpu)) < 0) {
		fprintf(stderr, "tftpbench: --cpu %.0f: %s\n", cpu, strerror(-err));
		return 2;
	}
	if (ack_cpu >= 0 && (err = pin(b->ack_cpu)) < 0) {
		fprintf(stderr, "tftpbench: --ack-cpu %.0f: %s\n", ack_cpu, strerror(-err));
		return 2;
	}
	bufsz = b->blksize + 4 < 1024 ? 1024 : b->blksize + 4; /* an OACK may be longer */
	buf = malloc(bufsz * BATCH);
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!buf || b->epfd < 0) {
		perror("tftpbench");
		return 1;
	}
	b->timeout_ns = (uint64_t)timeout_ms * 1000000;
	b->neg_blksize = b->blksize;
	b->neg_window = b->window;

	start = b->now = now_ns();
	end = start + (uint64_t)(duration * 1e9);
	for (i = 0; i < b->clients; i++) {
		b->s[i].fd = -1;
		b->s[i].phase = IDLE;
		b->s[i].deadline = start;
	}
	next_scan = start;
	while (b->now < end) {
		if (b->now >= next_scan) {
			scan_timers(b);
			next_scan = b->now + 2000000;
		}
		n = epoll_wait(b->epfd, ev, 64, 2);
		b->now = now_ns();
		for (c = 0; c < n; c++)
			session_read(b, &b->s[ev[c].data.u32], buf, bufsz);
	}
	secs = (double)(b->now - start) / 1e9;
	for (i = 0; i < b->clients; i++) {
		if (b->s[i].phase == XFER)
			b->abandoned++;
		session_end(b, &b->s[i], "benchmark over");
	}
	report(b, secs, json);
	free(buf);
	close(b->epfd);
	return b->errors ? 1 : 0;
}
