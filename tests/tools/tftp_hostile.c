// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tftp_hostile - flood a TFTP server with hostile datagrams through ordinary
 * kernel UDP sockets, for tests/integration/test_serve_hostile.sh.
 *
 *   tftp_hostile --server ADDR --file NAME [--count N] [--interval-us U]
 *                [--kind LIST] [--port N] [--session-ports LO-HI]
 *                [--source ADDR] [--abandon-from ADDR] [--seed N]
 *
 * The kernel builds correct IP and UDP headers, so every datagram passes a
 * classifier that looks at addresses and ports, and reaches the server's
 * TFTP parser: that parser, and what the server does with what it accepts,
 * is what is under attack here (the frame parser has its own flood,
 * frametool flood). Datagram i is of kind LIST[i % n]:
 *
 *   random     0..600 random bytes to the TFTP port (never opcode 1 or 2)
 *   truncated  requests cut short: no NUL after the filename, no mode, mode
 *              not terminated, empty filename, 256- and 300-byte filenames,
 *              a bare opcode, 1 and 0 bytes
 *   mode       requests for --file with unknown or odd modes ("octets",
 *              "binary", "", 200 bytes, ...); every 4th is netascii or mail
 *   options    read requests for --file with dozens of options, huge,
 *              negative, non-numeric or empty values, repeated options, a
 *              torn last pair: each is a valid request
 *   opcode     opcodes 3, 4, 5, 6, 7, 0 and 65535 to the TFTP port
 *   wrq        well-formed write requests
 *   missing    read requests for files that are not there or not servable:
 *              "../x", "../../../../etc/passwd", "/", ".", "sub/../../x" ...
 *   session    ACK, DATA and ERROR with random block numbers to random ports
 *              of --session-ports; every 5th is junk (an unknown opcode or
 *              too short)
 *   abandon    plain read requests for --file that are never acknowledged
 *
 * "mixed" is all of them in that order. Requests that name --file (options,
 * abandon) each come from a socket of their own, opened, used once and
 * closed, so from a new source port every time: they start sessions that
 * nobody acknowledges, until the server's per-client cap refuses them. They
 * come from --abandon-from (default: --source) so that a test can keep the
 * cap they fill away from the other kinds. Everything else comes from one
 * socket bound to --source (default: chosen by the kernel). Replies are
 * never read: the receive buffers are small, drained now and then.
 *
 * Datagram i leaves at start + i * U microseconds (U = 0: at once); a late
 * sender catches up in a burst. SIGINT/SIGTERM stop early, with the report.
 *
 * Report, two lines:
 *   hostile sent N seconds S rate R seed X kinds random=.. truncated=.. ...
 *   hostile expect port69=.. malformed=.. refused_op=.. refused_file=..
 *          unknown_tid=.. msgs_malformed=.. session_requests=.. stray=..
 * The second line is what a correct server that saw every datagram counts
 * for them (RFC 1350/2347): port69 datagrams to the TFTP port; malformed
 * requests (truncated, unknown mode or opcode, random bytes); refused_op
 * (write requests, netascii and mail); refused_file (missing); unknown_tid
 * and msgs_malformed on session ports; session_requests valid read requests
 * for --file (each starts a session, or is refused busy, or is a duplicate);
 * stray ACKs and ERRORs to the TFTP port (ignored, not requests).
 * Exit status: 0 ran, 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define MAX_DGRAM 1400	 /* below any payload the 1500-byte MTU allows */
#define RCVBUF 2048	 /* the kernel doubles it; replies beyond are dropped */
#define DRAIN_EVERY 256	 /* datagrams between two drains of the main socket */
#define SEND_RETRIES 100 /* ENOBUFS/EAGAIN retries of one datagram, 50 us apart */

enum kind {
	K_RANDOM,
	K_TRUNCATED,
	K_MODE,
	K_OPTIONS,
	K_OPCODE,
	K_WRQ,
	K_MISSING,
	K_SESSION,
	K_ABANDON,
	K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"random", "truncated", "mode", "options", "opcode", "wrq", "missing", "session", "abandon",
};

/* What a correct server counts for a datagram. */
enum fate {
	F_MALFORMED,
	F_REFUSED_OP,
	F_REFUSED_FILE,
	F_UNKNOWN_TID,
	F_MSG_MALFORMED,
	F_SESSION,
	F_STRAY,
	F_NFATES
};

static const char *const fate_names[F_NFATES] = {
	"malformed",	  "refused_op",	      "refused_file", "unknown_tid",
	"msgs_malformed", "session_requests", "stray",
};

struct opts {
	struct sockaddr_storage server, source, abandon_from;
	socklen_t alen;
	bool have_source, have_abandon_from;
	int family;
	const char *file;
	uint16_t port, ports_lo, ports_hi;
	uint64_t count, interval_us, seed;
	enum kind kinds[K_NKINDS * 4];
	unsigned int nkinds;
};

/* One datagram being built. */
struct dgram {
	uint8_t buf[MAX_DGRAM];
	size_t len;
	uint16_t dport;
	enum fate fate;
	bool own_socket; /* from a fresh socket on --abandon-from */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Append @n bytes; silently cut at the buffer's end (never reached by the builders). */
static void put(struct dgram *d, const void *p, size_t n)
{
	if (n > sizeof(d->buf) - d->len)
		n = sizeof(d->buf) - d->len;
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

/* A string and its NUL. */
static void put_str(struct dgram *d, const char *s)
{
	put(d, s, strlen(s) + 1);
}

static void put_u16(struct dgram *d, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(d, b, 2);
}

static void put_fill(struct dgram *d, uint8_t c, size_t n)
{
	while (n--)
		put(d, &c, 1);
}

static void put_random(struct dgram *d, size_t n)
{
	while (n--) {
		uint8_t c = (uint8_t)rnd();

		put(d, &c, 1);
	}
}

static void build_random(struct dgram *d)
{
	put_random(d, rnd() % 601);
	/* A random RRQ/WRQ could be valid: keep this kind certainly malformed. */
	if (d->len >= 2 && d->buf[0] == 0 && (d->buf[1] == 1 || d->buf[1] == 2))
		d->buf[0] = 0x80;
	d->fate = F_MALFORMED;
}

static void build_truncated(struct dgram *d, const struct opts *o, uint64_t n)
{
	d->fate = F_MALFORMED;
	switch (n % 10) {
	case 0: /* filename not terminated */
		put_u16(d, 1);
		put(d, o->file, strlen(o->file));
		break;
	case 1: /* no mode */
		put_u16(d, 1);
		put_str(d, o->file);
		break;
	case 2: /* mode not terminated */
		put_u16(d, 1);
		put_str(d, o->file);
		put(d, "octet", 5);
		break;
	case 3: /* empty filename */
		put_u16(d, 1);
		put_str(d, "");
		put_str(d, "octet");
		break;
	case 4: /* 300-byte filename */
		put_u16(d, 1);
		put_fill(d, 'a', 300);
		put_str(d, "");
		put_str(d, "octet");
		break;
	case 5: /* 256 bytes: one over the limit */
		put_u16(d, 1);
		put_fill(d, 'b', 256);
		put_str(d, "");
		put_str(d, "octet");
		break;
	case 6: /* a bare opcode */
		put_u16(d, 1);
		break;
	case 7: /* one byte */
		put_fill(d, 0, 1);
		break;
	case 8: /* nothing at all */
		break;
	default: /* a write request with no NUL anywhere */
		put_u16(d, 2);
		put_fill(d, 'w', 600);
		break;
	}
}

static void build_mode(struct dgram *d, const struct opts *o, uint64_t n)
{
	static const char *const bad[] = { "octets", "binary", "ascii",	 "",	      "image",
					   "oct",    "octet ", " octet", "octet\x01", "\xff\xfe" };
	static const char *const ascii[] = { "netascii", "NETASCII", "mail", "MaIl" };

	put_u16(d, 1);
	put_str(d, o->file);
	if (n % 4 == 3) {
		put_str(d, ascii[(n / 4) % 4]);
		d->fate = F_REFUSED_OP;
		return;
	}
	d->fate = F_MALFORMED;
	if ((n / 4) % 11 == 10) {
		put_fill(d, 'o', 200);
		put_str(d, "");
	} else {
		put_str(d, bad[(n / 4) % 11 % 10]);
	}
}

static void put_opt(struct dgram *d, const char *name, const char *val)
{
	put_str(d, name);
	put_str(d, val);
}

static void build_options(struct dgram *d, const struct opts *o, uint64_t n)
{
	char name[32], val[32];
	int i;

	put_u16(d, 1);
	put_str(d, o->file);
	put_str(d, n & 1 ? "OCTET" : "octet");
	d->fate = F_SESSION;
	d->own_socket = true;
	switch (n % 8) {
	case 0: /* dozens of unknown options */
		for (i = 0; i < 60; i++) {
			snprintf(name, sizeof(name), "x-opt%d", i);
			snprintf(val, sizeof(val), "%" PRIu64, rnd());
			put_opt(d, name, val);
		}
		break;
	case 1: /* huge values */
		put_opt(d, "blksize", "99999999999999999999999999999999");
		put_opt(d, "tsize", "340282366920938463463374607431768211456");
		put_opt(d, "timeout", "18446744073709551616");
		put_opt(d, "windowsize", "4294967296");
		break;
	case 2: /* just out of range */
		put_opt(d, "blksize", "7");
		put_opt(d, "timeout", "0");
		put_opt(d, "windowsize", "0");
		put_opt(d, "tsize", "-1");
		break;
	case 3: /* the same option again and again */
		for (i = 0; i < 40; i++)
			put_opt(d, i & 1 ? "BLKSIZE" : "blksize", i ? "65464" : "8");
		break;
	case 4: /* not numbers */
		put_opt(d, "blksize", "1e3");
		put_opt(d, "timeout", "+5");
		put_opt(d, "windowsize", " 4");
		put_opt(d, "tsize", "0x10");
		break;
	case 5: /* empty names and values, a torn last pair */
		put_opt(d, "", "");
		put_opt(d, "blksize", "");
		put_opt(d, "", "1024");
		put_str(d, "windowsize");
		put(d, "16", 2);
		break;
	case 6: /* the largest a server may grant */
		put_opt(d, "BLKSIZE", "65464");
		put_opt(d, "WindowSize", "65535");
		put_opt(d, "timeout", "255");
		put_opt(d, "tsize", "0");
		break;
	default: /* long names and values until the datagram is nearly full */
		while (d->len < 1200) {
			put_fill(d, 'n', 100);
			put_str(d, "");
			put_fill(d, '9', 100);
			put_str(d, "");
		}
		break;
	}
}

static void build_opcode(struct dgram *d, uint64_t n)
{
	static const uint16_t ops[] = { 3, 4, 5, 6, 7, 0, 65535 };

	d->fate = F_MALFORMED;
	put_u16(d, ops[n % 7]);
	switch ((n / 7) % 4) {
	case 0:
		break;
	case 1:
		put_u16(d, (uint16_t)rnd());
		break;
	case 2: /* a request's body under another opcode */
		put_str(d, "big");
		put_str(d, "octet");
		break;
	default:
		put_random(d, rnd() % 100);
		break;
	}
}

static void build_wrq(struct dgram *d, const struct opts *o, uint64_t n)
{
	static const char *const names[] = { "upload", "../evil", "new/file", NULL };

	put_u16(d, 2);
	put_str(d, names[n % 4] ? names[n % 4] : o->file);
	put_str(d, n & 4 ? "netascii" : "octet");
	if (n & 8)
		put_opt(d, "tsize", "1048576");
	d->fate = F_REFUSED_OP;
}

static void build_missing(struct dgram *d, uint64_t n)
{
	static const char *const names[] = {
		"../x",	       "../../../../etc/passwd",
		"/",	       ".",
		"sub/../../x", "..",
		"./../x",      "%2e%2e/x",
		"\x01\xff",    "nothere",
		"/etc/shadow", "//../x",
	};
	char name[32];

	put_u16(d, 1);
	if (n % 13 == 12) {
		snprintf(name, sizeof(name), "missing-%" PRIu64, n);
		put_str(d, name);
	} else {
		put_str(d, names[n % 13]);
	}
	put_str(d, n & 1 ? "octet" : "Octet");
	d->fate = F_REFUSED_FILE;
}

static void build_session(struct dgram *d, const struct opts *o, uint64_t n)
{
	d->dport = (uint16_t)(o->ports_lo + rnd() % ((uint32_t)o->ports_hi - o->ports_lo + 1));
	d->fate = F_UNKNOWN_TID;
	switch (n % 5) {
	case 0:
		put_u16(d, 4);
		put_u16(d, (uint16_t)rnd());
		break;
	case 1:
		put_u16(d, 3);
		put_u16(d, (uint16_t)rnd());
		put_random(d, rnd() % 513);
		break;
	case 2:
		put_u16(d, 5);
		put_u16(d, (uint16_t)rnd());
		put_str(d, "go away");
		break;
	case 3: /* a request or an OACK on a session port */
		put_u16(d, n & 1 ? 6 : 1);
		put_str(d, "blksize");
		put_str(d, "512");
		break;
	default: /* junk */
		d->fate = F_MSG_MALFORMED;
		if (n & 1) {
			put_u16(d, (uint16_t)(7 + rnd() % 65529));
			put_random(d, rnd() % 40);
		} else {
			put_u16(d, 4); /* an ACK without its block number */
			put_fill(d, 0, (n / 5) % 2);
		}
		break;
	}
}

static void build_abandon(struct dgram *d, const struct opts *o, uint64_t n)
{
	put_u16(d, 1);
	put_str(d, o->file);
	put_str(d, "octet");
	if (n & 1) {
		put_opt(d, "blksize", "1408");
		put_opt(d, "tsize", "0");
		put_opt(d, "windowsize", "8");
	}
	d->fate = F_SESSION;
	d->own_socket = true;
}

static void build(struct dgram *d, const struct opts *o, enum kind k, uint64_t n)
{
	d->len = 0;
	d->dport = o->port;
	d->own_socket = false;
	switch (k) {
	case K_RANDOM:
		build_random(d);
		break;
	case K_TRUNCATED:
		build_truncated(d, o, n);
		break;
	case K_MODE:
		build_mode(d, o, n);
		break;
	case K_OPTIONS:
		build_options(d, o, n);
		break;
	case K_OPCODE:
		build_opcode(d, n);
		break;
	case K_WRQ:
		build_wrq(d, o, n);
		break;
	case K_MISSING:
		build_missing(d, n);
		break;
	case K_SESSION:
		build_session(d, o, n);
		break;
	default:
		build_abandon(d, o, n);
		break;
	}
	/* An ACK or ERROR on the TFTP port is no request: ignored, counted stray. */
	if (d->dport == o->port && d->len >= 2 && !d->buf[0] && (d->buf[1] == 4 || d->buf[1] == 5))
		d->fate = F_STRAY;
}

/* A UDP socket of @o's family bound to @src (port 0) if given; -1 on error (errno set). */
static int open_socket(const struct opts *o, const struct sockaddr_storage *src, bool have_src)
{
	int fd = socket(o->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), rcv = RCVBUF;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0 ||
	    (have_src && bind(fd, (const struct sockaddr *)src, o->alen) < 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void drain(int fd)
{
	uint8_t buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
}

/* 0, or -errno after SEND_RETRIES tries or on a hard error. */
static int send_dgram(int fd, const struct opts *o, const struct dgram *d)
{
	struct sockaddr_storage dst = o->server;
	int tries;

	if (o->family == AF_INET)
		((struct sockaddr_in *)&dst)->sin_port = htons(d->dport);
	else
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(d->dport);
	for (tries = 0;; tries++) {
		if (sendto(fd, d->buf, d->len, 0, (struct sockaddr *)&dst, o->alen) ==
		    (ssize_t)d->len)
			return 0;
		/* ECONNREFUSED: an ICMP error for an earlier datagram. */
		if (errno == ECONNREFUSED)
			continue;
		if ((errno != ENOBUFS && errno != EAGAIN && errno != EINTR) ||
		    tries >= SEND_RETRIES || stop_requested)
			return -errno;
		usleep(50);
	}
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-' || v < lo || v > hi) {
		fprintf(stderr,
			"tftp_hostile: %s: '%s' is not a number in %" PRIu64 "..%" PRIu64 "\n", opt,
			s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* ADDR into @ss (port 0); sets/checks o->family. */
static int parse_addr(struct opts *o, const char *opt, const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	int family;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		family = a4->sin_family = AF_INET;
	} else if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		family = a6->sin6_family = AF_INET6;
	} else {
		fprintf(stderr, "tftp_hostile: %s: '%s' is not an IPv4 or IPv6 address\n", opt, s);
		return -1;
	}
	if (o->family && o->family != family) {
		fprintf(stderr, "tftp_hostile: %s: '%s' is not of --server's family\n", opt, s);
		return -1;
	}
	o->family = family;
	o->alen = family == AF_INET ? sizeof(*a4) : sizeof(*a6);
	return 0;
}

static int parse_kinds(struct opts *o, const char *s)
{
	char buf[256], *tok, *save = NULL;
	unsigned int k;

	if (strlen(s) >= sizeof(buf)) {
		fprintf(stderr, "tftp_hostile: --kind: too long\n");
		return -1;
	}
	strcpy(buf, s);
	o->nkinds = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "mixed")) {
			for (k = 0; k < K_NKINDS && o->nkinds < K_NKINDS * 4; k++)
				o->kinds[o->nkinds++] = (enum kind)k;
			continue;
		}
		for (k = 0; k < K_NKINDS; k++)
			if (!strcmp(tok, kind_names[k]))
				break;
		if (k == K_NKINDS) {
			fprintf(stderr, "tftp_hostile: --kind: unknown kind '%s'\n", tok);
			return -1;
		}
		if (o->nkinds == K_NKINDS * 4) {
			fprintf(stderr, "tftp_hostile: --kind: too many kinds\n");
			return -1;
		}
		o->kinds[o->nkinds++] = (enum kind)k;
	}
	if (!o->nkinds) {
		fprintf(stderr, "tftp_hostile: --kind: empty\n");
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: tftp_hostile --server ADDR --file NAME [options]\n"
		   "Send hostile TFTP datagrams through kernel UDP sockets to a TFTP server.\n"
		   "\n"
		   "  --server ADDR         the server's IPv4 or IPv6 address (required)\n"
		   "  --file NAME           a file the server serves (required; named by the\n"
		   "                        requests that must reach the option parser)\n"
		   "  --count N             datagrams to send (default 1000)\n"
		   "  --interval-us U       datagram i leaves at start + i*U us (default 100;\n"
		   "                        0: as fast as possible)\n"
		   "  --kind LIST           kinds, comma-separated, sent in turn (default mixed):\n"
		   "                        random truncated mode options opcode wrq missing\n"
		   "                        session abandon, or mixed (all of them)\n"
		   "  --port N              the server's TFTP port (default 69)\n"
		   "  --session-ports LO-HI the server's session ports (default 61000-62023)\n"
		   "  --source ADDR         send from ADDR (default: the kernel's choice)\n"
		   "  --abandon-from ADDR   send the requests for --file (options, abandon) from\n"
		   "                        ADDR, a new source port each (default: --source)\n"
		   "  --seed N              PRNG seed (default: from the clock; printed)\n"
		   "  -h, --help            this text\n"
		   "Report: 'hostile sent N seconds S rate R seed X kinds KIND=N ...' and\n"
		   "'hostile expect port69=N malformed=N refused_op=N refused_file=N\n"
		   "unknown_tid=N msgs_malformed=N session_requests=N stray=N' (what a correct "
		   "server\n"
		   "counts for them). Exit status: 0 ran, 1 runtime error, 2 usage error.\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum {
		O_SERVER = 256,
		O_FILE,
		O_COUNT,
		O_INTERVAL,
		O_KIND,
		O_PORT,
		O_SPORTS,
		O_SOURCE,
		O_ABANDON,
		O_SEED
	};
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, O_SERVER },
		{ "file", required_argument, NULL, O_FILE },
		{ "count", required_argument, NULL, O_COUNT },
		{ "interval-us", required_argument, NULL, O_INTERVAL },
		{ "kind", required_argument, NULL, O_KIND },
		{ "port", required_argument, NULL, O_PORT },
		{ "session-ports", required_argument, NULL, O_SPORTS },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "abandon-from", required_argument, NULL, O_ABANDON },
		{ "seed", required_argument, NULL, O_SEED },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *server = NULL, *source = NULL, *abandon = NULL;
	uint64_t v, lo, hi;
	char *dash;
	int c;

	o->count = 1000;
	o->interval_us = 100;
	o->port = 69;
	o->ports_lo = 61000;
	o->ports_hi = 62023;
	o->seed = now_ns() | 1;
	parse_kinds(o, "mixed");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_SERVER:
			server = optarg;
			break;
		case O_FILE:
			o->file = optarg;
			break;
		case O_COUNT:
			if (parse_u64("--count", optarg, 1, UINT32_MAX, &o->count))
				return EXIT_USAGE;
			break;
		case O_INTERVAL:
			if (parse_u64("--interval-us", optarg, 0, 10000000, &o->interval_us))
				return EXIT_USAGE;
			break;
		case O_KIND:
			if (parse_kinds(o, optarg))
				return EXIT_USAGE;
			break;
		case O_PORT:
			if (parse_u64("--port", optarg, 1, 65535, &v))
				return EXIT_USAGE;
			o->port = (uint16_t)v;
			break;
		case O_SPORTS:
			dash = strchr(optarg, '-');
			if (!dash) {
				fprintf(stderr, "tftp_hostile: --session-ports: expected LO-HI\n");
				return EXIT_USAGE;
			}
			*dash = '\0';
			if (parse_u64("--session-ports", optarg, 1, 65535, &lo) ||
			    parse_u64("--session-ports", dash + 1, lo, 65535, &hi))
				return EXIT_USAGE;
			o->ports_lo = (uint16_t)lo;
			o->ports_hi = (uint16_t)hi;
			break;
		case O_SOURCE:
			source = optarg;
			break;
		case O_ABANDON:
			abandon = optarg;
			break;
		case O_SEED:
			if (parse_u64("--seed", optarg, 1, UINT64_MAX, &o->seed))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr,
				"tftp_hostile: %s: unknown option or missing value (see --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "tftp_hostile: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (!server || !o->file || !*o->file) {
		fprintf(stderr, "tftp_hostile: --server and --file are required (see --help)\n");
		return EXIT_USAGE;
	}
	if (strlen(o->file) > 200) {
		fprintf(stderr, "tftp_hostile: --file: at most 200 bytes\n");
		return EXIT_USAGE;
	}
	if (parse_addr(o, "--server", server, &o->server))
		return EXIT_USAGE;
	if (source) {
		if (parse_addr(o, "--source", source, &o->source))
			return EXIT_USAGE;
		o->have_source = true;
	}
	if (abandon) {
		if (parse_addr(o, "--abandon-from", abandon, &o->abandon_from))
			return EXIT_USAGE;
		o->have_abandon_from = true;
	} else if (source) {
		o->abandon_from = o->source;
		o->have_abandon_from = true;
	}
	if (o->port >= o->ports_lo && o->port <= o->ports_hi) {
		fprintf(stderr, "tftp_hostile: --port must lie outside --session-ports\n");
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct dgram d;
	uint64_t sent = 0, by_kind[K_NKINDS] = {}, by_fate[F_NFATES] = {}, per_kind[K_NKINDS] = {};
	uint64_t port69 = 0, start, secs_ns, i;
	struct sigaction sa = { .sa_handler = on_signal };
	int fd, own, ret;
	unsigned int k;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	rng_state = o.seed;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = open_socket(&o, &o.source, o.have_source);
	if (fd < 0) {
		fprintf(stderr, "tftp_hostile: socket: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	start = now_ns();
	for (i = 0; i < o.count && !stop_requested; i++) {
		enum kind kind = o.kinds[i % o.nkinds];
		uint64_t next = start + i * o.interval_us * 1000;

		if (next > now_ns()) {
			struct timespec ts = { .tv_sec = (time_t)(next / 1000000000),
					       .tv_nsec = (long)(next % 1000000000) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		build(&d, &o, kind, per_kind[kind]++);
		own = -1;
		if (d.own_socket) {
			own = open_socket(&o, &o.abandon_from, o.have_abandon_from);
			if (own < 0) {
				fprintf(stderr, "tftp_hostile: socket: %s\n", strerror(errno));
				ret = EXIT_RUNTIME;
				break;
			}
		}
		ret = send_dgram(own >= 0 ? own : fd, &o, &d);
		if (own >= 0)
			close(own);
		if (ret) {
			if (stop_requested) {
				ret = 0;
				break;
			}
			fprintf(stderr, "tftp_hostile: sendto (%s, %zu bytes): %s\n",
				kind_names[kind], d.len, strerror(-ret));
			ret = EXIT_RUNTIME;
			break;
		}
		sent++;
		by_kind[kind]++;
		by_fate[d.fate]++;
		if (d.dport == o.port)
			port69++;
		if (sent % DRAIN_EVERY == 0)
			drain(fd);
	}
	secs_ns = now_ns() - start;
	close(fd);
	printf("hostile sent %" PRIu64 " seconds %.3f rate %.0f seed %" PRIu64 " kinds", sent,
	       (double)secs_ns / 1e9, secs_ns ? (double)sent * 1e9 / (double)secs_ns : 0.0, o.seed);
	for (k = 0; k < K_NKINDS; k++)
		printf(" %s=%" PRIu64, kind_names[k], by_kind[k]);
	printf("\nhostile expect port69=%" PRIu64, port69);
	for (k = 0; k < F_NFATES; k++)
		printf(" %s=%" PRIu64, fate_names[k], by_fate[k]);
	printf("\n");
	return ret;
}
