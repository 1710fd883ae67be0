/*
 * frametool - send crafted Ethernet frames from one interface and check that
 * they arrive byte-for-byte intact on another, in one process.
 *
 *   frametool xfer --tx NS:IF --rx NS:IF [options]
 *   frametool flood --tx NS:IF --kind KIND [options]
 *
 * flood sends malformed frames only (nothing is received or checked): random
 * bytes, truncated IPv4/IPv6/UDP headers, IP/UDP lengths that disagree with
 * the frame, bogus VLAN stacks, IPv4/IPv6 fragments, runts of 14..59 bytes
 * whose headers claim more than they hold, and (with --max-size above 1514)
 * jumbo UDP frames, whole or cut at a random byte. Where
 * a frame has a UDP port it is --dport, so a classifier matching that port
 * has to look at the damage to decide. Frames are paced by an absolute
 * schedule (--interval-us) and come from a PRNG seeded by the run id. The
 * random lengths go up to --max-size (default 1514), so a flood with
 * --max-size 9014 mixes jumbo frames with small ones and truncations.
 *
 * Sizes. A frame may be as long as the tx interface's MTU allows: MTU + 14
 * bytes, MTU + 18 for an 802.1Q frame (whose tag the MTU does not count).
 * The options take sizes up to 65535 + 18 and the check against the MTU is
 * made once the interface is known.
 *
 * Design
 * ------
 * Sockets. The receive socket (AF_PACKET, SOCK_RAW, bound with ETH_P_ALL to
 * the rx interface) is opened first, inside the rx namespace; then the
 * process enters the tx namespace and opens the send socket (AF_PACKET,
 * SOCK_RAW, protocol 0, so it never receives). A packet socket stays bound to
 * the namespace it was created in, so afterwards the process returns to the
 * namespace it started in and uses both sockets from one thread.
 *
 * Shapes and sequence numbers. The (type,size) pairs that fit ("shapes") are
 * listed type-major, size-minor. Frame number seq is shape seq % nshapes of
 * round seq / nshapes, so every round sends every shape once and a run
 * exercises all shapes early. Its UDP source port is 10000 + seq % flows.
 * A frame is therefore a pure function of (run id, seq) plus the options:
 * nothing sent is kept in memory, the receiver regenerates the expected
 * frame from the sequence number it finds and compares all bytes. The only
 * per-frame memory is one state byte per sequence number.
 *
 * Frame content. Every frame is a valid frame of its type (IPv4 header
 * checksum, non-zero UDP checksums, consistent lengths, TTL/hop limit 64,
 * DF) and exactly the size asked for (Ethernet header included, no FCS).
 * The UDP payload, or the padding after the ARP body, starts with a 12-byte
 * marker: "XFT1", the run id (random per process, big endian) and the
 * sequence number (big endian); a pattern derived from the sequence number
 * fills the rest.
 *
 * Matching. A received frame is ours when it carries "XFT1" and our run id
 * at the payload offset of one of the types (42, 46 or 62). The sequence
 * number picks the expected frame; the first arrival of a sequence number is
 * intact or corrupt (any byte or the length differs), later arrivals are
 * duplicates. Anything else is "other" (the host's own ND/MLD chatter, frames
 * of other runs) and only counted. The kernel strips 802.1Q tags on receive
 * and reports them in PACKET_AUXDATA; the tag is put back after the MAC
 * addresses before comparing.
 *
 * Short frames. A frame whose payload is shorter than the 12-byte marker
 * ("tiny", e.g. IPv6/UDP at 62..73 bytes) cannot carry a sequence number.
 * Its payload holds as much of "XFT1" + run id as fits and no sequence
 * number, so all tiny frames of one shape and flow are identical. They are
 * accounted per shape: a received frame equal to the shape's template is
 * intact while fewer have arrived than were sent, a duplicate after that.
 * A damaged tiny frame cannot be told from foreign traffic and counts as
 * other (and its frame as missing). So that concurrent runs do not take
 * each other's tiny frames, IPv4 frames carry 16 bits of the run id in the
 * identification field and IPv6 frames 20 bits of it, mixed with the flow
 * number, in the flow label. ARP has no such field: ARP frames under 50
 * bytes carry too little of the run id to keep concurrent runs apart.
 *
 * Accounting: received = intact + corrupt + duplicate, and
 * sent = intact + missing. The report ends with rx_sock_drops: what the
 * kernel dropped on the receive socket itself (its buffer full,
 * PACKET_STATISTICS tp_drops), frames that reached the rx interface but not
 * frametool. A frame the tx veth drops is not lost: the packet socket
 * reports it (ENOBUFS) and it is sent again.
 *
 * Pacing. Send and receive interleave in one thread: after each send
 * everything pending on the receive socket is read without blocking, and the
 * pause between frames is spent in ppoll() on the receive socket. After the
 * last send the tool waits up to --timeout-ms, or until every frame has
 * arrived (not with --expect none, which always waits the full time).
 *
 * Exit status: 0 expectation met, 1 not met, 2 usage error, 3 runtime error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_RUNTIME 3

#define MAGIC "XFT1"
#define MARKER_LEN 12	/* magic, run id, sequence number */
#define MARKER_ID_LEN 8 /* magic, run id */
#define MIN_SIZE 14
#define MAX_SIZE (65535 + 18) /* the largest MTU, with an 802.1Q header */
#define STD_SIZE 1514	      /* the largest frame at MTU 1500 */
#define MAX_TYPES 4
#define MAX_SIZES 64
#define MAX_SHAPES (MAX_TYPES * MAX_SIZES)
#define MAX_COUNT 1000000UL
#define MAX_FRAMES 100000000ULL
#define SPORT_BASE 10000
#define VLAN_ID 100
#define VLAN_HLEN 4
#define RXBUF_SIZE MAX_SIZE
#define RCVBUF_BYTES (64 << 20)
#define DRAIN_BATCH 1024
#define SEND_RETRY_NS 100000LL /* 100 us between send retries */
#define SEND_RETRIES 10000     /* about 1 s in total */
#define MAX_PROBLEM_LINES 10
#define NETNS_DIR "/var/run/netns/"

#define ST_SEEN 0x01
#define ST_INTACT 0x02

enum ftype { FT_IPV4, FT_IPV6, FT_ARP, FT_VLAN };
enum expect { EXPECT_ALL, EXPECT_NONE, EXPECT_ANY };

struct type_info {
	const char *name;
	size_t hdr_len; /* headers before the payload: minimum size */
};

static const struct type_info type_info[] = {
	[FT_IPV4] = { "ipv4", 14 + 20 + 8 },
	[FT_IPV6] = { "ipv6", 14 + 40 + 8 },
	[FT_ARP] = { "arp", 14 + 28 },
	[FT_VLAN] = { "vlan", 18 + 20 + 8 },
};

/* Payload offsets where a marker may sit, whatever the frame claims to be. */
static const size_t marker_offsets[] = { 42, 46, 62 };

struct endpoint {
	char ns[256];
	char ifname[IFNAMSIZ];
	int ifindex;
	int mtu;
	uint8_t mac[ETH_ALEN];
	int fd;
};

struct config {
	struct endpoint tx;
	struct endpoint rx;
	bool have_tx;
	bool have_rx;
	enum ftype types[MAX_TYPES];
	unsigned int ntypes;
	size_t sizes[MAX_SIZES];
	unsigned int nsizes;
	unsigned long count;
	unsigned long flows;
	unsigned long dport;
	uint8_t src4[4];
	uint8_t dst4[4];
	uint8_t src6[16];
	uint8_t dst6[16];
	uint8_t dst_mac[ETH_ALEN];
	bool have_dst_mac;
	unsigned long interval_us;
	unsigned long timeout_ms;
	enum expect expect;
	bool json;
	bool quiet;
	int kind;	 /* flood: enum gkind, -1 if not given */
	size_t max_size; /* flood: the longest frame (0: not given) */
};

struct shape {
	enum ftype type;
	size_t size;
	bool tiny; /* payload too short for the full marker */
	uint64_t tiny_sent;
	uint64_t tiny_got;
};

struct counters {
	uint64_t sent;
	uint64_t received;
	uint64_t intact;
	uint64_t corrupt;
	uint64_t duplicate;
	uint64_t other;
	uint64_t rx_sock_drops;
};

struct run {
	struct config *cfg;
	uint32_t run_id;
	struct shape shapes[MAX_SHAPES];
	unsigned int nshapes;
	unsigned int nskipped;
	uint64_t total;
	uint8_t *state; /* ST_* per sequence number */
	struct counters c;
	unsigned long problems;
	uint8_t txbuf[MAX_SIZE];
	uint8_t expbuf[MAX_SIZE];
	uint8_t rxbuf[VLAN_HLEN + RXBUF_SIZE];
};

static volatile sig_atomic_t stop_requested;

static const char usage_text[] =
	"Usage: frametool xfer --tx NS:IF --rx NS:IF [options]\n"
	"       frametool flood --tx NS:IF --kind KIND [--count N] [--interval-us U]\n"
	"                       [--dport P] [--dst-mac MAC] [--max-size N]\n"
	"       frametool --help | frametool xfer --help\n"
	"\n"
	"Send crafted Ethernet frames from interface IF in network namespace NS (--tx)\n"
	"and check, in the same process, that they arrive byte-for-byte intact on the\n"
	"receiving interface (--rx). NS is a name under /var/run/netns (as made by\n"
	"'ip netns add'), or '-' for the current namespace.\n"
	"\n"
	"Options:\n"
	"  --tx NS:IF            sending interface (required)\n"
	"  --rx NS:IF            receiving interface (required)\n"
	"  --types LIST          comma list of ipv4 (IPv4/UDP), ipv6 (IPv6/UDP),\n"
	"                        arp (ARP request), vlan (802.1Q VID 100, IPv4/UDP)\n"
	"                        (default: ipv4,ipv6,arp,vlan)\n"
	"  --sizes LIST          frame sizes in bytes, Ethernet header included, no FCS,\n"
	"                        14..MTU + 14 of --tx, vlan 14..MTU + 18 (default:\n"
	"                        60,61,64,128,1000,1514); pairs below a type's minimum\n"
	"                        (ipv4 42, arp 42, vlan 46, ipv6 62) are skipped\n"
	"  --count N             frames per (type,size) pair (default: 1)\n"
	"  --flows N             cycle the UDP source port over N values from 10000\n"
	"                        (default: 1)\n"
	"  --dport P             UDP destination port (default: 9)\n"
	"  --src-ip A            IPv4 source and ARP sender IP (default: 198.18.0.100)\n"
	"  --dst-ip B            IPv4 destination and ARP target IP (default: 198.18.0.200)\n"
	"  --src-ip6 A           IPv6 source (default: 2001:db8::100)\n"
	"  --dst-ip6 B           IPv6 destination (default: 2001:db8::200)\n"
	"  --dst-mac MAC         destination MAC (default: the rx interface's MAC)\n"
	"  --interval-us U       pause between frames in microseconds (default: 200;\n"
	"                        0 = as fast as possible)\n"
	"  --timeout-ms T        wait for frames after the last send (default: 2000)\n"
	"  --expect all|none|any all: every frame received once and intact (default)\n"
	"                        none: no frame received (waits the full timeout)\n"
	"                        any: only report\n"
	"  --json                print the report as one JSON object\n"
	"  --quiet               no per-problem lines on stderr\n"
	"  -h, --help            show this help\n"
	"\n"
	"flood sends --count malformed frames from --tx (default destination MAC\n"
	"02:00:00:00:00:01), receiving nothing. --kind: random (random bytes after\n"
	"the MACs), truncated (IPv4/IPv6/UDP cut inside a header), badlen (IP or UDP\n"
	"lengths that disagree with the frame, bad IHL), vlan (stacks of 1..8 tags,\n"
	"cut short or with a random inner type), frag (IPv4 and IPv6 fragments),\n"
	"runt (14..59 bytes whose headers claim more), jumbo (IPv4/IPv6/VLAN UDP of\n"
	"1515..--max-size bytes, half of them cut at a random byte) or mixed (all of\n"
	"them in turn; jumbo only with --max-size above 1514). --max-size N: the\n"
	"longest frame, and the top of every random length (1514, the default, up\n"
	"to the MTU of --tx + 14). Report: flood sent N seconds S rate R\n"
	"\n"
	"Report (stdout): sent N received N intact N corrupt N duplicate N missing N other N\n"
	"Exit status: 0 expectation met, 1 expectation not met, 2 usage error,\n"
	"3 runtime error.\n";

/* ---------------------------------------------------------------- helpers */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("frametool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'frametool xfer --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

__attribute__((format(printf, 2, 3))) static int ep_error(const struct endpoint *ep,
							  const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "frametool: %s:%s: ", ep->ns, ep->ifname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_RUNTIME;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: interrupt ppoll() */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- parsing */

static int parse_ulong(const char *opt, const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return usage_error("%s: '%s' is not a number", opt, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end)
		return usage_error("%s: '%s' is not a number", opt, s);
	if (errno == ERANGE || v < min || v > max)
		return usage_error("%s: %s is out of range (%lu..%lu)", opt, s, min, max);
	*out = v;
	return 0;
}

/* Call fn for every element of a comma list; stop at the first error. */
static int for_each_item(const char *opt, const char *list,
			 int (*fn)(struct config *, const char *, const char *), struct config *cfg)
{
	char item[64];
	const char *p = list;
	size_t n;
	int ret;

	for (;;) {
		n = strcspn(p, ",");
		if (n >= sizeof(item))
			return usage_error("%s: '%.*s' is too long", opt, (int)n, p);
		memcpy(item, p, n);
		item[n] = '\0';
		ret = fn(cfg, opt, item);
		if (ret)
			return ret;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int add_type(struct config *cfg, const char *opt, const char *name)
{
	unsigned int t, i;

	for (t = 0; t < MAX_TYPES; t++)
		if (!strcmp(name, type_info[t].name))
			break;
	if (t == MAX_TYPES)
		return usage_error("%s: '%s' is not a type (ipv4, ipv6, arp, vlan)", opt, name);
	for (i = 0; i < cfg->ntypes; i++)
		if (cfg->types[i] == (enum ftype)t)
			return 0; /* listed twice: once is enough */
	cfg->types[cfg->ntypes++] = (enum ftype)t;
	return 0;
}

static int add_size(struct config *cfg, const char *opt, const char *s)
{
	unsigned long v;
	unsigned int i;
	int ret;

	ret = parse_ulong(opt, s, MIN_SIZE, MAX_SIZE, &v);
	if (ret)
		return ret;
	for (i = 0; i < cfg->nsizes; i++)
		if (cfg->sizes[i] == v)
			return 0;
	if (cfg->nsizes == MAX_SIZES)
		return usage_error("%s: more than %d sizes", opt, MAX_SIZES);
	cfg->sizes[cfg->nsizes++] = v;
	return 0;
}

static int parse_endpoint(const char *opt, const char *s, struct endpoint *ep)
{
	const char *colon = strchr(s, ':');
	size_t nslen;

	if (!colon || colon == s || !colon[1])
		return usage_error("%s: '%s' is not NS:IF", opt, s);
	nslen = (size_t)(colon - s);
	if (nslen >= sizeof(ep->ns))
		return usage_error("%s: namespace name too long", opt);
	memcpy(ep->ns, s, nslen);
	ep->ns[nslen] = '\0';
	if (strchr(ep->ns, '/') || !strcmp(ep->ns, ".") || !strcmp(ep->ns, ".."))
		return usage_error("%s: '%s' is not a namespace name", opt, ep->ns);
	if (strlen(colon + 1) >= IFNAMSIZ)
		return usage_error("%s: interface name '%s' too long", opt, colon + 1);
	strcpy(ep->ifname, colon + 1);
	return 0;
}

static int parse_ip(const char *opt, const char *s, int af, uint8_t *out)
{
	if (inet_pton(af, s, out) != 1)
		return usage_error("%s: '%s' is not an %s address", opt, s,
				   af == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

static int parse_mac(const char *opt, const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	int n = -1, i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) !=
		    ETH_ALEN ||
	    n < 0 || s[n])
		return usage_error("%s: '%s' is not a MAC address", opt, s);
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

enum gkind { GK_RANDOM, GK_TRUNCATED, GK_BADLEN, GK_VLAN, GK_FRAG, GK_RUNT, GK_JUMBO, GK_MIXED };
/* The kinds mixed cycles through: GK_JUMBO too when --max-size allows it. */
#define GK_N GK_JUMBO

static const char *const kind_names[] = {
	[GK_RANDOM] = "random", [GK_TRUNCATED] = "truncated", [GK_BADLEN] = "badlen",
	[GK_VLAN] = "vlan",	[GK_FRAG] = "frag",	      [GK_RUNT] = "runt",
	[GK_JUMBO] = "jumbo",	[GK_MIXED] = "mixed",
};

static int parse_kind(const char *opt, const char *s, int *kind)
{
	int k;

	for (k = 0; k <= GK_MIXED; k++) {
		if (!strcmp(s, kind_names[k])) {
			*kind = k;
			return 0;
		}
	}
	return usage_error(
		"%s: '%s' is not random, truncated, badlen, vlan, frag, runt, jumbo or mixed", opt,
		s);
}

static int parse_expect(const char *opt, const char *s, enum expect *e)
{
	if (!strcmp(s, "all"))
		*e = EXPECT_ALL;
	else if (!strcmp(s, "none"))
		*e = EXPECT_NONE;
	else if (!strcmp(s, "any"))
		*e = EXPECT_ANY;
	else
		return usage_error("%s: '%s' is not all, none or any", opt, s);
	return 0;
}

enum {
	OPT_TX = 256,
	OPT_RX,
	OPT_TYPES,
	OPT_SIZES,
	OPT_COUNT,
	OPT_FLOWS,
	OPT_DPORT,
	OPT_SRC_IP,
	OPT_DST_IP,
	OPT_SRC_IP6,
	OPT_DST_IP6,
	OPT_DST_MAC,
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_EXPECT,
	OPT_JSON,
	OPT_QUIET,
	OPT_KIND,
	OPT_MAX_SIZE,
};

static const struct option long_opts[] = {
	{ "tx", required_argument, NULL, OPT_TX },
	{ "rx", required_argument, NULL, OPT_RX },
	{ "types", required_argument, NULL, OPT_TYPES },
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "src-ip6", required_argument, NULL, OPT_SRC_IP6 },
	{ "dst-ip6", required_argument, NULL, OPT_DST_IP6 },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "interval-us", required_argument, NULL, OPT_INTERVAL },
	{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void set_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->count = 1;
	cfg->flows = 1;
	cfg->dport = 9;
	inet_pton(AF_INET, "198.18.0.100", cfg->src4);
	inet_pton(AF_INET, "198.18.0.200", cfg->dst4);
	inet_pton(AF_INET6, "2001:db8::100", cfg->src6);
	inet_pton(AF_INET6, "2001:db8::200", cfg->dst6);
	cfg->interval_us = 200;
	cfg->timeout_ms = 2000;
	cfg->expect = EXPECT_ALL;
	cfg->tx.fd = -1;
	cfg->rx.fd = -1;
	cfg->kind = -1;
}

static int apply_option(struct config *cfg, int opt, const char *name, const char *arg)
{
	unsigned long v;
	int ret;

	switch (opt) {
	case OPT_TX:
		cfg->have_tx = true;
		return parse_endpoint(name, arg, &cfg->tx);
	case OPT_RX:
		cfg->have_rx = true;
		return parse_endpoint(name, arg, &cfg->rx);
	case OPT_TYPES:
		cfg->ntypes = 0;
		return for_each_item(name, arg, add_type, cfg);
	case OPT_SIZES:
		cfg->nsizes = 0;
		return for_each_item(name, arg, add_size, cfg);
	case OPT_COUNT:
		return parse_ulong(name, arg, 1, MAX_COUNT, &cfg->count);
	case OPT_FLOWS:
		return parse_ulong(name, arg, 1, 65536 - SPORT_BASE, &cfg->flows);
	case OPT_DPORT:
		return parse_ulong(name, arg, 1, 65535, &cfg->dport);
	case OPT_SRC_IP:
		return parse_ip(name, arg, AF_INET, cfg->src4);
	case OPT_DST_IP:
		return parse_ip(name, arg, AF_INET, cfg->dst4);
	case OPT_SRC_IP6:
		return parse_ip(name, arg, AF_INET6, cfg->src6);
	case OPT_DST_IP6:
		return parse_ip(name, arg, AF_INET6, cfg->dst6);
	case OPT_DST_MAC:
		cfg->have_dst_mac = true;
		return parse_mac(name, arg, cfg->dst_mac);
	case OPT_INTERVAL:
		return parse_ulong(name, arg, 0, 10000000, &cfg->interval_us);
	case OPT_TIMEOUT:
		return parse_ulong(name, arg, 0, 3600000, &cfg->timeout_ms);
	case OPT_EXPECT:
		return parse_expect(name, arg, &cfg->expect);
	case OPT_JSON:
		cfg->json = true;
		return 0;
	case OPT_QUIET:
		cfg->quiet = true;
		return 0;
	case OPT_KIND:
		return parse_kind(name, arg, &cfg->kind);
	case OPT_MAX_SIZE:
		ret = parse_ulong(name, arg, STD_SIZE, MAX_SIZE, &v);
		if (!ret)
			cfg->max_size = v;
		return ret;
	}
	return usage_error("internal error: option %d", opt);
}

/*
 * Parse "xfer" options; argv[0] is "xfer". Returns 0 to run, -1 when help
 * was printed, or EXIT_USAGE.
 */
static int parse_xfer(int argc, char **argv, struct config *cfg)
{
	char name[32];
	int opt, idx, ret;
	bool flood = !strcmp(argv[0], "flood");

	set_defaults(cfg);
	add_type(cfg, "", "ipv4");
	add_type(cfg, "", "ipv6");
	add_type(cfg, "", "arp");
	add_type(cfg, "", "vlan");
	for_each_item("", "60,61,64,128,1000,1514", add_size, cfg);

	opterr = 0;
	optind = 1;
	for (;;) {
		idx = -1;
		opt = getopt_long(argc, argv, "+:h", long_opts, &idx);
		if (opt == -1)
			break;
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return -1;
		}
		if (opt == '?') {
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (opt == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		snprintf(name, sizeof(name), "--%s", long_opts[idx].name);
		ret = apply_option(cfg, opt, name, optarg);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!cfg->have_tx)
		return usage_error("missing --tx NS:IF");
	if (flood) {
		if (cfg->kind < 0)
			return usage_error("missing --kind");
		if (cfg->have_rx)
			return usage_error("flood receives nothing: no --rx");
		if (!cfg->max_size)
			cfg->max_size = STD_SIZE;
		if (cfg->kind == GK_JUMBO && cfg->max_size <= STD_SIZE)
			return usage_error("--kind jumbo needs --max-size above %d", STD_SIZE);
		return 0;
	}
	if (cfg->kind >= 0)
		return usage_error("--kind is for flood only");
	if (cfg->max_size)
		return usage_error("--max-size is for flood only");
	if (!cfg->have_rx)
		return usage_error("missing --rx NS:IF");
	return 0;
}

/* ----------------------------------------------------------------- shapes */

static int build_shapes(struct run *r)
{
	const struct config *cfg = r->cfg;
	struct shape *s;
	unsigned int t, i;
	size_t min;

	for (t = 0; t < cfg->ntypes; t++) {
		min = type_info[cfg->types[t]].hdr_len;
		for (i = 0; i < cfg->nsizes; i++) {
			if (cfg->sizes[i] < min) {
				fprintf(stderr,
					"frametool: skipping %s at %zu bytes "
					"(minimum %zu)\n",
					type_info[cfg->types[t]].name, cfg->sizes[i], min);
				r->nskipped++;
				continue;
			}
			s = &r->shapes[r->nshapes++];
			s->type = cfg->types[t];
			s->size = cfg->sizes[i];
			s->tiny = cfg->sizes[i] - min < MARKER_LEN;
		}
	}
	if (!r->nshapes)
		return usage_error("nothing to send: every size is below its type's minimum");
	r->total = (uint64_t)cfg->count * r->nshapes;
	if (r->total > MAX_FRAMES)
		return usage_error("--count: %lu x %u shapes is more than %llu frames", cfg->count,
				   r->nshapes, MAX_FRAMES);
	return 0;
}

static const struct shape *seq_shape(const struct run *r, uint32_t seq)
{
	return &r->shapes[seq % r->nshapes];
}

/* ------------------------------------------------------------- frame build */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t udp_csum(uint32_t pseudo, const uint8_t *udp, size_t len)
{
	uint16_t c = csum_fold(csum_add(pseudo, udp, len));

	return c ? c : 0xffff; /* 0 means "no checksum" */
}

static uint8_t pattern_byte(uint32_t seq, size_t i)
{
	return (uint8_t)(i * 7 + seq * 0x9d + (seq >> 8) * 0x3b + (seq >> 16) * 0x17 + (seq >> 24));
}

/* 16 bits of the run id, carried in the IPv4 identification field */
static uint16_t run_tag16(const struct run *r)
{
	return (uint16_t)(r->run_id ^ (r->run_id >> 16));
}

/*
 * IPv6 flow label: 20 bits of the run id mixed with the flow. It must differ
 * per flow: the kernel's flow hash stops at a non-zero flow label and then
 * ignores the ports. 0x9e3b is odd, so different flows get different labels.
 */
static uint32_t flow_label(const struct run *r, unsigned int flow)
{
	return (r->run_id ^ (flow * 0x9e3bU)) & 0xfffff;
}

static void put_payload(const struct run *r, uint8_t *p, size_t len, uint32_t seq)
{
	uint8_t marker[MARKER_LEN];
	size_t i, n;

	memcpy(marker, MAGIC, 4);
	put_be32(marker + 4, r->run_id);
	put_be32(marker + 8, seq);
	if (len < MARKER_LEN) {
		/* tiny: no sequence number, see the design comment */
		n = len < MARKER_ID_LEN ? len : MARKER_ID_LEN;
		memcpy(p, marker, n);
		memset(p + n, 0, len - n);
		return;
	}
	memcpy(p, marker, MARKER_LEN);
	for (i = MARKER_LEN; i < len; i++)
		p[i] = pattern_byte(seq, i);
}

static void put_udp(const struct run *r, uint8_t *udp, size_t len, uint32_t seq, unsigned int flow)
{
	put_be16(udp, (uint16_t)(SPORT_BASE + flow));
	put_be16(udp + 2, (uint16_t)r->cfg->dport);
	put_be16(udp + 4, (uint16_t)len);
	put_be16(udp + 6, 0);
	put_payload(r, udp + 8, len - 8, seq);
}

static void put_ipv4_udp(const struct run *r, uint8_t *ip, size_t len, uint32_t seq,
			 unsigned int flow)
{
	uint8_t *udp = ip + 20;
	size_t ulen = len - 20;
	uint32_t pseudo;

	ip[0] = 0x45;
	ip[1] = 0;
	put_be16(ip + 2, (uint16_t)len);
	put_be16(ip + 4, run_tag16(r)); /* id: free to use, DF is set */
	put_be16(ip + 6, 0x4000);	/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	put_be16(ip + 10, 0);
	memcpy(ip + 12, r->cfg->src4, 4);
	memcpy(ip + 16, r->cfg->dst4, 4);
	put_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	put_udp(r, udp, ulen, seq, flow);
	pseudo = csum_add(0, ip + 12, 8) + IPPROTO_UDP + (uint32_t)ulen;
	put_be16(udp + 6, udp_csum(pseudo, udp, ulen));
}

static void put_ipv6_udp(const struct run *r, uint8_t *ip, size_t len, uint32_t seq,
			 unsigned int flow)
{
	uint8_t *udp = ip + 40;
	size_t ulen = len - 40;
	uint32_t pseudo;

	put_be32(ip, 0x60000000 | flow_label(r, flow));
	put_be16(ip + 4, (uint16_t)ulen);
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	memcpy(ip + 8, r->cfg->src6, 16);
	memcpy(ip + 24, r->cfg->dst6, 16);

	put_udp(r, udp, ulen, seq, flow);
	pseudo = csum_add(0, ip + 8, 32) + (uint32_t)(ulen >> 16) + (uint32_t)(ulen & 0xffff) +
		 IPPROTO_UDP;
	put_be16(udp + 6, udp_csum(pseudo, udp, ulen));
}

static void put_arp(const struct run *r, uint8_t *arp, size_t len, uint32_t seq)
{
	put_be16(arp, ARPHRD_ETHER);
	put_be16(arp + 2, ETH_P_IP);
	arp[4] = ETH_ALEN;
	arp[5] = 4;
	put_be16(arp + 6, ARPOP_REQUEST);
	memcpy(arp + 8, r->cfg->tx.mac, ETH_ALEN);
	memcpy(arp + 14, r->cfg->src4, 4);
	memset(arp + 18, 0, ETH_ALEN);
	memcpy(arp + 24, r->cfg->dst4, 4);
	put_payload(r, arp + 28, len - 28, seq);
}

/* Build the frame for seq of shape s (flow is passed for tiny templates). */
static size_t build_frame(const struct run *r, const struct shape *s, uint32_t seq,
			  unsigned int flow, uint8_t *f)
{
	size_t len = s->size;

	memcpy(f, r->cfg->dst_mac, ETH_ALEN);
	memcpy(f + 6, r->cfg->tx.mac, ETH_ALEN);
	switch (s->type) {
	case FT_IPV4:
		put_be16(f + 12, ETH_P_IP);
		put_ipv4_udp(r, f + 14, len - 14, seq, flow);
		break;
	case FT_IPV6:
		put_be16(f + 12, ETH_P_IPV6);
		put_ipv6_udp(r, f + 14, len - 14, seq, flow);
		break;
	case FT_ARP:
		put_be16(f + 12, ETH_P_ARP);
		put_arp(r, f + 14, len - 14, seq);
		break;
	case FT_VLAN:
		put_be16(f + 12, ETH_P_8021Q);
		put_be16(f + 14, VLAN_ID); /* PCP 0, DEI 0 */
		put_be16(f + 16, ETH_P_IP);
		put_ipv4_udp(r, f + 18, len - 18, seq, flow);
		break;
	}
	return len;
}

static unsigned int seq_flow(const struct run *r, uint32_t seq)
{
	return (unsigned int)(seq % r->cfg->flows);
}

/* ----------------------------------------------------------------- report */

__attribute__((format(printf, 2, 3))) static void problem(struct run *r, const char *fmt, ...)
{
	va_list ap;

	r->problems++;
	if (r->cfg->quiet || r->problems > MAX_PROBLEM_LINES)
		return;
	fputs("frametool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void seq_problem(struct run *r, uint32_t seq, const char *what)
{
	const struct shape *s = seq_shape(r, seq);

	problem(r, "seq %" PRIu32 " (%s, %zu bytes): %s", seq, type_info[s->type].name, s->size,
		what);
}

static void report_missing(struct run *r)
{
	struct shape *s;
	uint64_t seq;
	unsigned int i;

	for (seq = 0; seq < r->c.sent; seq++)
		if (!seq_shape(r, (uint32_t)seq)->tiny && !(r->state[seq] & ST_SEEN))
			seq_problem(r, (uint32_t)seq, "missing");
	for (i = 0; i < r->nshapes; i++) {
		s = &r->shapes[i];
		if (s->tiny && s->tiny_got < s->tiny_sent)
			problem(r,
				"%s, %zu bytes: %" PRIu64 " of %" PRIu64
				" frame(s) missing (too short for a sequence number)",
				type_info[s->type].name, s->size, s->tiny_sent - s->tiny_got,
				s->tiny_sent);
	}
	if (!r->cfg->quiet && r->problems > MAX_PROBLEM_LINES)
		fprintf(stderr, "frametool: %lu more problem(s) not shown\n",
			r->problems - MAX_PROBLEM_LINES);
}

/* What the kernel dropped on a packet socket (its buffer full) since it was
 * opened: PACKET_STATISTICS tp_drops (reading it resets it: read it once). */
static uint64_t sock_drops(int fd)
{
	struct tpacket_stats ps = { 0 };
	socklen_t len = sizeof(ps);

	return getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &len) ? 0 : ps.tp_drops;
}

static void print_report(const struct run *r)
{
	const struct counters *c = &r->c;
	uint64_t missing = c->sent - c->intact;

	if (r->cfg->json)
		printf("{\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"intact\":%" PRIu64
		       ",\"corrupt\":%" PRIu64 ",\"duplicate\":%" PRIu64 ",\"missing\":%" PRIu64
		       ",\"other\":%" PRIu64 ",\"skipped_shapes\":%u,\"rx_sock_drops\":%" PRIu64
		       "}\n",
		       c->sent, c->received, c->intact, c->corrupt, c->duplicate, missing, c->other,
		       r->nskipped, c->rx_sock_drops);
	else
		printf("sent %" PRIu64 " received %" PRIu64 " intact %" PRIu64 " corrupt %" PRIu64
		       " duplicate %" PRIu64 " missing %" PRIu64 " other %" PRIu64
		       " rx_sock_drops %" PRIu64 "\n",
		       c->sent, c->received, c->intact, c->corrupt, c->duplicate, missing, c->other,
		       c->rx_sock_drops);
	fflush(stdout);
}

static int judge(const struct run *r)
{
	const struct counters *c = &r->c;

	switch (r->cfg->expect) {
	case EXPECT_ALL:
		if (c->sent && c->intact == c->sent && !c->corrupt && !c->duplicate)
			return EXIT_OK;
		fprintf(stderr,
			"frametool: expectation 'all' failed: %" PRIu64 " of %" PRIu64
			" frame(s) intact, %" PRIu64 " missing, %" PRIu64 " corrupt, %" PRIu64
			" duplicate\n",
			c->intact, c->sent, c->sent - c->intact, c->corrupt, c->duplicate);
		return EXIT_FAILED;
	case EXPECT_NONE:
		if (!c->received)
			return EXIT_OK;
		fprintf(stderr,
			"frametool: expectation 'none' failed: %" PRIu64
			" frame(s) of this run received (%" PRIu64 " sent)\n",
			c->received, c->sent);
		return EXIT_FAILED;
	case EXPECT_ANY:
		break;
	}
	return EXIT_OK;
}

/* ---------------------------------------------------------------- receive */

/* Find our full marker; returns true and the sequence number if found. */
static bool find_marker(const struct run *r, const uint8_t *f, size_t len, uint32_t *seq)
{
	const uint8_t *p;
	size_t i;

	for (i = 0; i < sizeof(marker_offsets) / sizeof(marker_offsets[0]); i++) {
		if (len < marker_offsets[i] + MARKER_LEN)
			continue;
		p = f + marker_offsets[i];
		if (!memcmp(p, MAGIC, 4) && get_be32(p + 4) == r->run_id) {
			*seq = get_be32(p + 8);
			return true;
		}
	}
	return false;
}

static void check_seq(struct run *r, uint32_t seq, const uint8_t *f, size_t cap, size_t len)
{
	const struct shape *s;
	size_t i, diff = 0, first = 0;
	char what[96];

	r->c.received++;
	if (seq >= r->c.sent || seq_shape(r, seq)->tiny) {
		r->c.corrupt++;
		problem(r, "seq %" PRIu32 ": never sent (damaged sequence number?)", seq);
		return;
	}
	if (r->state[seq] & ST_SEEN) {
		r->c.duplicate++;
		seq_problem(r, seq, "duplicate");
		return;
	}
	r->state[seq] |= ST_SEEN;
	s = seq_shape(r, seq);
	build_frame(r, s, seq, seq_flow(r, seq), r->expbuf);
	if (len != s->size) {
		r->c.corrupt++;
		snprintf(what, sizeof(what), "received %zu bytes", len);
		seq_problem(r, seq, what);
		return;
	}
	for (i = 0; i < s->size && i < cap; i++) {
		if (f[i] != r->expbuf[i] && !diff++)
			first = i;
	}
	if (!diff) {
		r->c.intact++;
		r->state[seq] |= ST_INTACT;
		return;
	}
	r->c.corrupt++;
	snprintf(what, sizeof(what), "%zu byte(s) differ, first at offset %zu", diff, first);
	seq_problem(r, seq, what);
}

/* Flow of a received frame that claims to be of shape s, or -1. */
static long frame_flow(const struct run *r, const struct shape *s, const uint8_t *f)
{
	size_t off;
	long flow;

	switch (s->type) {
	case FT_ARP:
		return 0;
	case FT_IPV4:
		off = 14 + 20;
		break;
	case FT_VLAN:
		off = 18 + 20;
		break;
	case FT_IPV6:
	default:
		off = 14 + 40;
		break;
	}
	flow = (long)get_be16(f + off) - SPORT_BASE;
	if (flow < 0 || (unsigned long)flow >= r->cfg->flows)
		return -1;
	return flow;
}

/* A frame without a full marker: is it one of our tiny frames? */
static bool match_tiny(struct run *r, const uint8_t *f, size_t cap, size_t len)
{
	struct shape *s, *hit = NULL;
	unsigned int i;
	long flow;

	for (i = 0; i < r->nshapes; i++) {
		s = &r->shapes[i];
		if (!s->tiny || s->size != len || cap < len)
			continue;
		flow = frame_flow(r, s, f);
		if (flow < 0)
			continue;
		build_frame(r, s, 0, (unsigned int)flow, r->expbuf);
		if (memcmp(f, r->expbuf, len))
			continue;
		hit = s;
		if (s->tiny_got < s->tiny_sent)
			break;
	}
	if (!hit)
		return false;
	r->c.received++;
	if (hit->tiny_got < hit->tiny_sent) {
		hit->tiny_got++;
		r->c.intact++;
	} else {
		r->c.duplicate++;
		problem(r, "%s, %zu bytes: duplicate (too short for a sequence number)",
			type_info[hit->type].name, hit->size);
	}
	return true;
}

static void handle_frame(struct run *r, const uint8_t *f, size_t cap, size_t len)
{
	uint32_t seq;

	if (find_marker(r, f, cap, &seq))
		check_seq(r, seq, f, cap, len);
	else if (!match_tiny(r, f, cap, len))
		r->c.other++;
}

static const struct tpacket_auxdata *find_auxdata(struct msghdr *msg)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata)))
			return (const struct tpacket_auxdata *)CMSG_DATA(cm);
	return NULL;
}

/*
 * Receive one frame without blocking. Returns 1 when a frame was consumed,
 * 0 when none is pending, -errno on error.
 */
static int rx_one(struct run *r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cbuf;
	const struct tpacket_auxdata *aux;
	struct sockaddr_ll sll;
	uint8_t *f = r->rxbuf + VLAN_HLEN;
	struct iovec iov = { .iov_base = f, .iov_len = RXBUF_SIZE };
	struct msghdr msg = {
		.msg_name = &sll,
		.msg_namelen = sizeof(sll),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	size_t cap, len;
	ssize_t n;
	uint16_t tpid;

	n = recvmsg(r->cfg->rx.fd, &msg, MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
	if (sll.sll_pkttype == PACKET_OUTGOING || sll.sll_ifindex != r->cfg->rx.ifindex)
		return 1;
	len = (size_t)n;
	cap = len < RXBUF_SIZE ? len : RXBUF_SIZE;
	aux = find_auxdata(&msg);
	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID) && cap >= 2 * ETH_ALEN) {
		/* put the stripped tag back between the MAC addresses and the type */
		tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux->tp_vlan_tpid
								    : ETH_P_8021Q;
		memmove(f - VLAN_HLEN, f, 2 * ETH_ALEN);
		f -= VLAN_HLEN;
		put_be16(f + 12, tpid);
		put_be16(f + 14, aux->tp_vlan_tci);
		cap += VLAN_HLEN;
		len += VLAN_HLEN;
	}
	handle_frame(r, f, cap, len);
	return 1;
}

static int rx_drain(struct run *r)
{
	int i, ret;

	for (i = 0; i < DRAIN_BATCH; i++) {
		ret = rx_one(r);
		if (ret <= 0)
			return ret;
	}
	return 0;
}

static bool all_received(const struct run *r)
{
	return r->c.intact == r->c.sent;
}

/* Receive until deadline (or, if early, until every sent frame is in). */
static int rx_wait_until(struct run *r, int64_t deadline, bool early)
{
	struct pollfd pfd = { .fd = r->cfg->rx.fd, .events = POLLIN };
	struct timespec ts;
	int64_t left;
	int n, ret;

	for (;;) {
		if (stop_requested || (early && all_received(r)))
			return 0;
		left = deadline - now_ns();
		if (left <= 0)
			return 0;
		ts.tv_sec = left / 1000000000LL;
		ts.tv_nsec = left % 1000000000LL;
		n = ppoll(&pfd, 1, &ts, NULL);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0) {
			ret = rx_drain(r);
			if (ret < 0)
				return ret;
		}
	}
}

/* ------------------------------------------------------------------- send */

/* Returns 0 when sent, 1 when stopped, -errno on error. */
static int send_frame(struct run *r, const uint8_t *f, size_t len)
{
	int tries, ret;
	ssize_t n;

	for (tries = 0;; tries++) {
		n = send(r->cfg->tx.fd, f, len, MSG_DONTWAIT);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			return -EMSGSIZE;
		if (errno == EINTR) {
			if (stop_requested)
				return 1;
			continue;
		}
		if ((errno != ENOBUFS && errno != EAGAIN) || tries >= SEND_RETRIES)
			return -errno;
		/* buffer full: keep the receive side moving, then retry */
		ret = rx_wait_until(r, now_ns() + SEND_RETRY_NS, false);
		if (ret < 0)
			return ret;
		if (stop_requested)
			return 1;
	}
}

#define SEND_STOPPED (-1)

/* Returns 0 when sent, SEND_STOPPED when interrupted, EXIT_RUNTIME on error. */
static int send_one(struct run *r, uint32_t seq)
{
	struct shape *s = &r->shapes[seq % r->nshapes];
	size_t len;
	int ret;

	len = build_frame(r, s, seq, seq_flow(r, seq), r->txbuf);
	ret = send_frame(r, r->txbuf, len);
	if (ret < 0)
		return ep_error(&r->cfg->tx, "send (%s, %zu bytes): %s", type_info[s->type].name,
				len, strerror(-ret));
	if (ret > 0)
		return SEND_STOPPED;
	r->c.sent = (uint64_t)seq + 1;
	if (s->tiny)
		s->tiny_sent++;
	return 0;
}

static int send_all(struct run *r)
{
	int64_t interval = (int64_t)r->cfg->interval_us * 1000;
	uint64_t seq;
	int ret;

	for (seq = 0; seq < r->total && !stop_requested; seq++) {
		ret = send_one(r, (uint32_t)seq);
		if (ret)
			return ret == SEND_STOPPED ? 0 : ret;
		ret = interval ? rx_wait_until(r, now_ns() + interval, false) : rx_drain(r);
		if (ret < 0)
			return ep_error(&r->cfg->rx, "receive: %s", strerror(-ret));
	}
	return 0;
}

/* ---------------------------------------------------------------- sockets */

static int enter_ns(const struct endpoint *ep, int orig_ns)
{
	char path[sizeof(NETNS_DIR) + sizeof(ep->ns)];
	int fd, ret;

	if (!strcmp(ep->ns, "-")) {
		if (setns(orig_ns, CLONE_NEWNET))
			return ep_error(ep, "cannot return to the original namespace: %s",
					strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), NETNS_DIR "%s", ep->ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ep_error(ep, "no such network namespace (%s)", path);
		return ep_error(ep, "cannot open %s: %s", path, strerror(errno));
	}
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	if (ret)
		return ep_error(ep, "cannot enter the namespace: %s", strerror(errno));
	return 0;
}

static void ifreq_init(struct ifreq *ifr, const struct endpoint *ep)
{
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ep->ifname, strlen(ep->ifname));
}

/* Look up index, state, MTU and MAC of the interface via socket fd. */
static int query_if(struct endpoint *ep)
{
	struct ifreq ifr;

	ifreq_init(&ifr, ep);
	if (ioctl(ep->fd, SIOCGIFINDEX, &ifr)) {
		if (errno == ENODEV)
			return ep_error(ep, "no such interface");
		return ep_error(ep, "SIOCGIFINDEX: %s", strerror(errno));
	}
	ep->ifindex = ifr.ifr_ifindex;
	ifreq_init(&ifr, ep);
	if (ioctl(ep->fd, SIOCGIFFLAGS, &ifr))
		return ep_error(ep, "SIOCGIFFLAGS: %s", strerror(errno));
	if (!(ifr.ifr_flags & IFF_UP))
		return ep_error(ep, "interface is down");
	ifreq_init(&ifr, ep);
	if (ioctl(ep->fd, SIOCGIFMTU, &ifr))
		return ep_error(ep, "SIOCGIFMTU: %s", strerror(errno));
	ep->mtu = ifr.ifr_mtu;
	ifreq_init(&ifr, ep);
	if (ioctl(ep->fd, SIOCGIFHWADDR, &ifr))
		return ep_error(ep, "SIOCGIFHWADDR: %s", strerror(errno));
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return ep_error(ep, "not an Ethernet interface");
	memcpy(ep->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static int setup_rx_options(struct endpoint *ep)
{
	int size = RCVBUF_BYTES, one = 1;

	if (setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(ep->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		return ep_error(ep, "PACKET_AUXDATA: %s", strerror(errno));
	return 0;
}

/* Open and bind the socket of ep inside its namespace. */
static int open_endpoint(struct endpoint *ep, int orig_ns, bool rx)
{
	struct sockaddr_ll sll;
	int ret;

	ret = enter_ns(ep, orig_ns);
	if (ret)
		return ret;
	/* protocol 0: receive nothing until bound to the one interface */
	ep->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (ep->fd < 0)
		return ep_error(ep, "AF_PACKET socket: %s", strerror(errno));
	ret = query_if(ep);
	if (!ret && rx)
		ret = setup_rx_options(ep);
	if (ret)
		return ret;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = rx ? htons(ETH_P_ALL) : 0;
	sll.sll_ifindex = ep->ifindex;
	if (bind(ep->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return ep_error(ep, "bind: %s", strerror(errno));
	return 0;
}

static int open_sockets(struct config *cfg)
{
	int orig_ns, ret;

	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig_ns < 0) {
		fprintf(stderr, "frametool: cannot open /proc/self/ns/net: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	ret = cfg->have_rx ? open_endpoint(&cfg->rx, orig_ns, true) : 0;
	if (!ret)
		ret = open_endpoint(&cfg->tx, orig_ns, false);
	if (setns(orig_ns, CLONE_NEWNET) && !ret) {
		fprintf(stderr, "frametool: cannot return to the original namespace: %s\n",
			strerror(errno));
		ret = EXIT_RUNTIME;
	}
	close(orig_ns);
	return ret;
}

/* Frames must fit the tx MTU (a VLAN tag may come on top). */
static int check_mtu(const struct run *r)
{
	const struct endpoint *tx = &r->cfg->tx;
	const struct shape *s;
	size_t l2;
	unsigned int i;

	for (i = 0; i < r->nshapes; i++) {
		s = &r->shapes[i];
		l2 = s->type == FT_VLAN ? 18 : 14;
		if (s->size - l2 > (size_t)tx->mtu)
			return ep_error(tx, "%s frames of %zu bytes do not fit the MTU %d",
					type_info[s->type].name, s->size, tx->mtu);
	}
	return 0;
}

/* ------------------------------------------------------------------ flood */

static uint32_t make_run_id(void);

struct flood {
	const struct config *cfg;
	uint64_t rng;
	uint8_t buf[MAX_SIZE];
};

static uint32_t rnd(struct flood *fl)
{
	/* xorshift64* */
	fl->rng ^= fl->rng >> 12;
	fl->rng ^= fl->rng << 25;
	fl->rng ^= fl->rng >> 27;
	return (uint32_t)((fl->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

/* A random value in [lo, hi]. */
static size_t rnd_range(struct flood *fl, size_t lo, size_t hi)
{
	return lo + rnd(fl) % (hi - lo + 1);
}

static void fill_random(struct flood *fl, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(fl);
}

/* Ethernet header with EtherType type; returns the header length. */
static size_t fl_eth(struct flood *fl, uint16_t type)
{
	memcpy(fl->buf, fl->cfg->dst_mac, ETH_ALEN);
	memcpy(fl->buf + ETH_ALEN, fl->cfg->tx.mac, ETH_ALEN);
	put_be16(fl->buf + 12, type);
	return ETH_HLEN;
}

/* IPv4 header (20 bytes, valid checksum) claiming tot_len and frag_off. */
static void fl_ipv4(struct flood *fl, uint8_t *ip, uint16_t tot_len, uint16_t frag)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, tot_len);
	put_be16(ip + 4, (uint16_t)rnd(fl));
	put_be16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, fl->cfg->src4, 4);
	memcpy(ip + 16, fl->cfg->dst4, 4);
	put_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
}

static void fl_ipv6(const struct flood *fl, uint8_t *ip, uint16_t plen, uint8_t next)
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put_be16(ip + 4, plen);
	ip[6] = next;
	ip[7] = 64;
	memcpy(ip + 8, fl->cfg->src6, 16);
	memcpy(ip + 24, fl->cfg->dst6, 16);
}

static void fl_udp(struct flood *fl, uint8_t *udp, uint16_t len)
{
	put_be16(udp, (uint16_t)(SPORT_BASE + rnd(fl) % 1000));
	put_be16(udp + 2, (uint16_t)fl->cfg->dport);
	put_be16(udp + 4, len);
	put_be16(udp + 6, 0);
}

/* A complete IPv4/UDP (v6 false) or IPv6/UDP frame of len bytes after an
 * l2-byte header whose EtherType is already set; fills the payload. */
static void fl_ip_udp(struct flood *fl, size_t l2, size_t len, bool v6)
{
	size_t iph = v6 ? 40 : 20, ulen = len - l2 - iph;

	fill_random(fl, fl->buf + l2 + iph + 8, ulen - 8);
	if (v6)
		fl_ipv6(fl, fl->buf + l2, (uint16_t)ulen, IPPROTO_UDP);
	else
		fl_ipv4(fl, fl->buf + l2, (uint16_t)(len - l2), 0x4000);
	fl_udp(fl, fl->buf + l2 + iph, (uint16_t)ulen);
}

static size_t fl_random(struct flood *fl)
{
	static const uint16_t types[] = { ETH_P_IP, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD };
	size_t len = rnd_range(fl, ETH_HLEN, fl->cfg->max_size);
	uint32_t t = rnd(fl) % 5;

	fill_random(fl, fl->buf, len);
	fl_eth(fl, t < 4 ? types[t] : (uint16_t)rnd(fl));
	/* half of the IP ones look like UDP to --dport at first sight */
	if (t == 0 && len >= 14 + 24 && rnd(fl) & 1) {
		fl->buf[14] = 0x45;
		fl->buf[14 + 9] = IPPROTO_UDP;
		put_be16(fl->buf + 14 + 22, (uint16_t)fl->cfg->dport);
	} else if (t == 1 && len >= 14 + 44 && rnd(fl) & 1) {
		fl->buf[14] = 0x60;
		fl->buf[14 + 6] = IPPROTO_UDP;
		put_be16(fl->buf + 14 + 42, (uint16_t)fl->cfg->dport);
	}
	return len;
}

/* Headers before the UDP payload of a frame of shape t (0 IPv4, 1 IPv6,
 * 2 802.1Q + IPv4). */
static size_t fl_udp_hdr_len(uint32_t t)
{
	return (t == 2 ? 18 : 14) + (t == 1 ? 40 : 20) + 8;
}

/* A good UDP frame of shape t (see fl_udp_hdr_len) and len bytes. */
static void fl_udp_frame(struct flood *fl, uint32_t t, size_t len)
{
	size_t l2 = fl_eth(fl, t == 1 ? ETH_P_IPV6 : t == 2 ? ETH_P_8021Q : ETH_P_IP);

	if (t == 2) {
		put_be16(fl->buf + 14, VLAN_ID);
		put_be16(fl->buf + 16, ETH_P_IP);
		l2 = 18;
	}
	fl_ip_udp(fl, l2, len, t == 1);
}

/* A good IPv4, IPv6 or VLAN+IPv4 UDP frame cut inside its headers. */
static size_t fl_truncated(struct flood *fl)
{
	uint32_t t = rnd(fl) % 3;
	size_t hdr = fl_udp_hdr_len(t);

	fl_udp_frame(fl, t, hdr + 64);
	return rnd_range(fl, ETH_HLEN, hdr - 1);
}

/* A good IPv4, IPv6 or VLAN+IPv4 UDP frame longer than 1514 bytes, sent
 * whole or (half of them) cut at a random byte, its lengths claiming all. */
static size_t fl_jumbo(struct flood *fl)
{
	uint32_t t = rnd(fl) % 3;
	size_t len = rnd_range(fl, STD_SIZE + 1, fl->cfg->max_size);

	fl_udp_frame(fl, t, len);
	return rnd(fl) & 1 ? len : rnd_range(fl, ETH_HLEN, len - 1);
}

/* Complete headers whose lengths disagree with the frame. */
static size_t fl_badlen(struct flood *fl)
{
	bool v6 = rnd(fl) % 3 == 0;
	/* below IPv4's longest length, so that a longer one can be claimed */
	size_t top = fl->cfg->max_size < ETH_HLEN + 65535 ? fl->cfg->max_size : ETH_HLEN + 65534;
	size_t len = rnd_range(fl, v6 ? 62 : 60, top), iph = v6 ? 40 : 20;
	uint8_t *ip = fl->buf + ETH_HLEN, *udp = ip + iph;

	fl_eth(fl, v6 ? ETH_P_IPV6 : ETH_P_IP);
	fl_ip_udp(fl, ETH_HLEN, len, v6);
	switch (rnd(fl) % 5) {
	case 0: /* IP length beyond the frame */
		if (v6)
			put_be16(ip + 4, (uint16_t)rnd_range(fl, len - ETH_HLEN - iph + 1, 65535));
		else
			put_be16(ip + 2, (uint16_t)rnd_range(fl, len - ETH_HLEN + 1, 65535));
		break;
	case 1: /* IP length too small for its own headers */
		if (v6)
			put_be16(ip + 4, (uint16_t)rnd_range(fl, 0, 7));
		else
			put_be16(ip + 2, (uint16_t)rnd_range(fl, 0, 27));
		break;
	case 2: /* UDP length beyond the IP payload */
		put_be16(udp + 4, (uint16_t)rnd_range(fl, len - ETH_HLEN - iph + 1, 65535));
		break;
	case 3: /* UDP length below its header */
		put_be16(udp + 4, (uint16_t)rnd_range(fl, 0, 7));
		break;
	default: /* IHL below 5 or beyond the frame (IPv6: a version not 6) */
		if (v6)
			ip[0] = (uint8_t)((7 + rnd(fl) % 15) % 16 << 4);
		else
			ip[0] = (uint8_t)(0x40 | (rnd(fl) & 1 ? rnd(fl) % 5 : 15));
		break;
	}
	if (!v6) { /* keep the checksum right: only the lengths are wrong */
		put_be16(ip + 10, 0);
		put_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}
	return len;
}

/* 1..8 stacked 802.1Q/802.1ad tags before IPv4 or IPv6 UDP, some cut short. */
static size_t fl_vlan(struct flood *fl)
{
	unsigned int tags = (unsigned int)rnd_range(fl, 1, 8), i;
	bool v6 = rnd(fl) & 1;
	size_t l2 = ETH_HLEN + tags * VLAN_HLEN, len;

	fl_eth(fl, rnd(fl) & 1 ? ETH_P_8021AD : ETH_P_8021Q);
	for (i = 0; i < tags; i++) {
		put_be16(fl->buf + 14 + i * 4, (uint16_t)(rnd(fl) & 0x0fff));
		put_be16(fl->buf + 16 + i * 4, i + 1 < tags ? ETH_P_8021Q
					       : v6	    ? ETH_P_IPV6
							    : ETH_P_IP);
	}
	len = rnd_range(fl, l2 + (v6 ? 48 : 28), fl->cfg->max_size);
	fl_ip_udp(fl, l2, len, v6);
	/* bogus: cut inside the stack or the IP header, or a damaged tag */
	switch (rnd(fl) % 3) {
	case 0:
		return rnd_range(fl, ETH_HLEN, l2 + 1);
	case 1:
		return rnd_range(fl, l2 + 2, l2 + (v6 ? 39 : 19));
	default:
		put_be16(fl->buf + 16 + (rnd(fl) % tags) * 4, (uint16_t)rnd(fl));
		return len;
	}
}

/* IPv4 first and later fragments, IPv6 with a fragment header, all to --dport. */
static size_t fl_frag(struct flood *fl)
{
	size_t len = rnd_range(fl, 70, fl->cfg->max_size);
	uint8_t *ip = fl->buf + ETH_HLEN;

	switch (rnd(fl) % 3) {
	case 0: /* first fragment: MF, offset 0, a UDP header */
		fl_eth(fl, ETH_P_IP);
		fl_ip_udp(fl, ETH_HLEN, len, false);
		fl_ipv4(fl, ip, (uint16_t)(len - ETH_HLEN), 0x2000);
		put_be16(ip + 20 + 4, (uint16_t)rnd_range(fl, len - ETH_HLEN - 20, 65535));
		break;
	case 1: /* a later fragment: what sits where UDP would says --dport */
		fl_eth(fl, ETH_P_IP);
		fl_ip_udp(fl, ETH_HLEN, len, false);
		fl_ipv4(fl, ip, (uint16_t)(len - ETH_HLEN),
			(uint16_t)((rnd(fl) & 1 ? 0x2000 : 0) | rnd_range(fl, 1, 0x1fff)));
		break;
	default: /* IPv6 fragment header, then UDP */
		fl_eth(fl, ETH_P_IPV6);
		fill_random(fl, ip + 40, len - ETH_HLEN - 40);
		fl_ipv6(fl, ip, (uint16_t)(len - ETH_HLEN - 40), 44);
		ip[40] = IPPROTO_UDP;
		ip[41] = 0;
		put_be16(ip + 42, (uint16_t)(rnd(fl) & 1 ? 1 : rnd(fl) & 0xfff9));
		fl_udp(fl, ip + 48, (uint16_t)(len - ETH_HLEN - 48));
		break;
	}
	return len;
}

/* 14..59 bytes: IPv4 or IPv6 UDP headers, cut or complete, whose lengths
 * claim more than the frame holds (as if padding had been stripped). */
static size_t fl_runt(struct flood *fl)
{
	bool v6 = rnd(fl) & 1;
	size_t len = rnd_range(fl, ETH_HLEN, 59);

	fl_eth(fl, v6 ? ETH_P_IPV6 : ETH_P_IP);
	fl_ip_udp(fl, ETH_HLEN, v6 ? 62 + 18 : 60 + 18, v6);
	return len;
}

static size_t flood_frame(struct flood *fl, uint64_t i)
{
	uint64_t nkinds = GK_N + (fl->cfg->max_size > STD_SIZE);
	int kind = fl->cfg->kind == GK_MIXED ? (int)(i % nkinds) : fl->cfg->kind;

	switch (kind) {
	case GK_RANDOM:
		return fl_random(fl);
	case GK_TRUNCATED:
		return fl_truncated(fl);
	case GK_BADLEN:
		return fl_badlen(fl);
	case GK_VLAN:
		return fl_vlan(fl);
	case GK_FRAG:
		return fl_frag(fl);
	case GK_JUMBO:
		return fl_jumbo(fl);
	default:
		return fl_runt(fl);
	}
}

static int flood(struct config *cfg)
{
	struct flood *fl;
	struct timespec ts;
	int64_t start, next, secs_ns;
	uint64_t i, sent = 0;
	int tries, ret;
	size_t len;

	if (!cfg->have_dst_mac)
		parse_mac("", "02:00:00:00:00:01", cfg->dst_mac);
	ret = open_sockets(cfg);
	if (!ret && cfg->max_size > (size_t)cfg->tx.mtu + ETH_HLEN)
		ret = ep_error(&cfg->tx, "frames of %zu bytes (--max-size) do not fit the MTU %d",
			       cfg->max_size, cfg->tx.mtu);
	fl = calloc(1, sizeof(*fl));
	if (!ret && (!fl || install_signals())) {
		fprintf(stderr, "frametool: out of memory or signals unavailable\n");
		ret = EXIT_RUNTIME;
	}
	if (ret)
		goto out;
	fl->cfg = cfg;
	fl->rng = ((uint64_t)make_run_id() << 1) | 1;
	start = now_ns();
	for (i = 0; i < cfg->count && !stop_requested; i++) {
		next = start + (int64_t)i * (int64_t)cfg->interval_us * 1000;
		if (next > now_ns()) {
			ts.tv_sec = next / 1000000000;
			ts.tv_nsec = next % 1000000000;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		len = flood_frame(fl, i);
		for (tries = 0;; tries++) {
			if (send(cfg->tx.fd, fl->buf, len, 0) == (ssize_t)len)
				break;
			if (errno == EINTR && stop_requested)
				break;
			if ((errno != ENOBUFS && errno != EAGAIN && errno != EINTR) ||
			    tries >= SEND_RETRIES) {
				ret = ep_error(&cfg->tx, "send (%zu bytes): %s", len,
					       strerror(errno));
				goto out;
			}
			usleep(SEND_RETRY_NS / 1000);
		}
		if (!stop_requested)
			sent++;
	}
	secs_ns = now_ns() - start;
	printf("flood sent %" PRIu64 " seconds %.3f rate %.0f\n", sent, (double)secs_ns / 1e9,
	       secs_ns > 0 ? (double)sent * 1e9 / (double)secs_ns : 0.0);
out:
	if (cfg->tx.fd >= 0)
		close(cfg->tx.fd);
	free(fl);
	return ret;
}

/* ------------------------------------------------------------------- main */

static uint32_t make_run_id(void)
{
	uint32_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = (uint32_t)now_ns() ^ ((uint32_t)getpid() << 16);
	return id;
}

static int xfer(struct config *cfg)
{
	struct run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "frametool: out of memory\n");
		return EXIT_RUNTIME;
	}
	r->cfg = cfg;
	r->run_id = make_run_id();
	ret = build_shapes(r);
	if (!ret)
		ret = open_sockets(cfg);
	if (!ret)
		ret = check_mtu(r);
	if (ret)
		goto out;
	if (!cfg->have_dst_mac)
		memcpy(cfg->dst_mac, cfg->rx.mac, ETH_ALEN);
	r->state = calloc(r->total, 1); /* pages are only touched as frames go out */
	if (!r->state || install_signals()) {
		fprintf(stderr, "frametool: out of memory or signals unavailable\n");
		ret = EXIT_RUNTIME;
		goto out;
	}

	ret = send_all(r);
	if (!ret && !stop_requested)
		ret = rx_wait_until(r, now_ns() + (int64_t)cfg->timeout_ms * 1000000,
				    cfg->expect != EXPECT_NONE);
	if (ret < 0)
		ret = ep_error(&cfg->rx, "receive: %s", strerror(-ret));
	if (!ret)
		ret = rx_drain(r) < 0 ? ep_error(&cfg->rx, "receive failed") : 0;
	if (ret)
		goto out;
	if (stop_requested)
		fprintf(stderr, "frametool: interrupted\n");
	report_missing(r);
	r->c.rx_sock_drops = sock_drops(cfg->rx.fd);
	print_report(r);
	ret = judge(r);
out:
	if (cfg->tx.fd >= 0)
		close(cfg->tx.fd);
	if (cfg->rx.fd >= 0)
		close(cfg->rx.fd);
	free(r->state);
	free(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct config cfg;
	int ret;

	if (argc < 2)
		return usage_error("missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "xfer") && strcmp(argv[1], "flood"))
		return usage_error("unknown command '%s'", argv[1]);
	ret = parse_xfer(argc - 1, argv + 1, &cfg);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	return strcmp(argv[1], "flood") ? xfer(&cfg) : flood(&cfg);
}
