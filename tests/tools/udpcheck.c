// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * udpcheck - UDP datagrams sent and received through ordinary sockets, for
 * testing a router (`xskfwd route`) from the hosts around it.
 *
 *   udpcheck send --to ADDR --port P [options]
 *   udpcheck recv --port P [options]
 *
 * send: datagrams to ADDR:P from an ordinary UDP socket, each carrying a
 * 32-byte header (magic, flow, seq, length, the CLOCK_REALTIME send time,
 * the TTL or hop limit it was sent with) and a pattern that depends on flow,
 * seq and offset. The socket has IP_RECVERR / IPV6_RECVERR: every ICMP error
 * the sender's kernel hands back is printed as it is read,
 *   icmp type 3 code 4 from 198.18.10.254 info 1280 errno 90 at_us 1700000000123456
 * (icmp6 for IPv6; info is the MTU of a Fragmentation Needed or Packet Too
 * Big), and the run ends with
 *   sent N failed N icmp N
 * A send refused because of a pending ICMP error is retried once; what still
 * fails is counted as failed, not sent. --df sends with the DF bit (IPv6:
 * unfragmented) whatever path MTU the sender has learnt (IP_PMTUDISC_PROBE),
 * so every datagram reaches the first router.
 *
 * recv: one IPv4 and one IPv6 socket bound to port P. Each datagram is
 * checked: the header's length and pattern (intact or corrupt), duplicates
 * (by family, flow and seq: senders to one receiver use distinct flows), and
 * the TTL or hop limit it arrived with (IP_RECVTTL / IPV6_RECVHOPLIMIT),
 * which must be the one it was sent with less --hops. With --capture IF, a
 * packet socket on IF sees the same frames and checks their Ethernet source
 * and destination against --src-mac and --dst-mac. It prints
 * "listening on port P" once bound, and at the end
 *   received N intact N corrupt N duplicate N ttl_bad N ttl MIN-MAX v4 N v6 N
 *   rx_sock_drops N [frames N mac_bad N cap_drops N]
 * (one line). rx_sock_drops are datagrams the sockets' kernel dropped
 * (SO_MEMINFO), cap_drops frames the packet socket dropped. --log FILE gets
 * one line per datagram: "flow seq sent_us recv_us ttl family", line
 * buffered, so a test can read it while the receiver runs.
 *
 * Both stop on SIGINT or SIGTERM and still print their last line. Exit
 * status: 0 done, 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <linux/errqueue.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAGIC 0x58545254u /* "XTRT" */
#define HDR_LEN 32
#define MAX_PAYLOAD 65000
#define SEEN_BITS 20 /* 1M entries in the duplicate table */

struct probe_hdr {
	uint32_t magic, flow, seq, len;
	uint64_t sent_ns;
	uint8_t ttl, pad[7];
} __attribute__((packed));

_Static_assert(sizeof(struct probe_hdr) == HDR_LEN, "probe header is 32 bytes");

struct opts {
	const char *to, *from, *capture, *log;
	uint16_t port;
	uint64_t count, interval_us, timeout_ms, idle_ms, linger_ms;
	uint32_t size, flow, hops;
	int ttl, expect_ttl;
	bool df, stop_on_icmp, any, have_smac, have_dmac;
	uint8_t smac[6], dmac[6];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint8_t pattern(uint32_t flow, uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7u + flow * 13u + i);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: udpcheck send --to ADDR --port P [options]\n"
		"       udpcheck recv --port P [options]\n"
		"send:\n"
		"  --count N         datagrams (default 1)\n"
		"  --from ADDR       source address (default: the kernel's choice)\n"
		"  --interval-us N   pause between datagrams (default 1000)\n"
		"  --size N          UDP payload bytes, %d..%d (default 64)\n"
		"  --ttl N           TTL or hop limit (default 64)\n"
		"  --flow N          flow id in the payload (default 0)\n"
		"  --df              DF set (IPv6: no fragmentation) whatever the learnt path MTU\n"
		"  --stop-on-icmp    stop sending once an ICMP error has been read\n"
		"  --linger-ms N     read ICMP errors this long after the last datagram (default "
		"200)\n"
		"recv:\n"
		"  --count N         stop after N datagrams (default 0: no limit)\n"
		"  --timeout-ms N    stop after N ms in all (default 10000; 0: no limit)\n"
		"  --idle-ms N       stop N ms after the last datagram (default 0: off)\n"
		"  --hops N          routers on the way: TTL expected = sent - N (default 1)\n"
		"  --any             any payload (not udpcheck's): count datagrams, check the\n"
		"                    TTL against --expect-ttl\n"
		"  --expect-ttl N    with --any: the TTL or hop limit expected\n"
		"  --capture IF      also check the frames on IF with a packet socket\n"
		"  --src-mac MAC, --dst-mac MAC   what --capture expects\n"
		"  --log FILE        one line per datagram: flow seq sent_us recv_us ttl family\n",
		HDR_LEN, MAX_PAYLOAD);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "udpcheck: %s: '%s' (see --help)\n", what, arg);
	return 2;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end && *out <= max;
}

static bool parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return false;
		mac[i] = (uint8_t)b[i];
	}
	return true;
}

static int parse_opts(int argc, char **argv, bool sending, struct opts *o)
{
	enum {
		O_TO = 256,
		O_FROM,
		O_PORT,
		O_COUNT,
		O_INTERVAL,
		O_SIZE,
		O_TTL,
		O_FLOW,
		O_DF,
		O_STOP_ICMP,
		O_LINGER,
		O_TIMEOUT,
		O_IDLE,
		O_HOPS,
		O_ANY,
		O_EXPECT_TTL,
		O_CAPTURE,
		O_SMAC,
		O_DMAC,
		O_LOG
	};
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "from", required_argument, NULL, O_FROM },
		{ "port", required_argument, NULL, O_PORT },
		{ "count", required_argument, NULL, O_COUNT },
		{ "interval-us", required_argument, NULL, O_INTERVAL },
		{ "size", required_argument, NULL, O_SIZE },
		{ "ttl", required_argument, NULL, O_TTL },
		{ "flow", required_argument, NULL, O_FLOW },
		{ "df", no_argument, NULL, O_DF },
		{ "stop-on-icmp", no_argument, NULL, O_STOP_ICMP },
		{ "linger-ms", required_argument, NULL, O_LINGER },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "idle-ms", required_argument, NULL, O_IDLE },
		{ "hops", required_argument, NULL, O_HOPS },
		{ "any", no_argument, NULL, O_ANY },
		{ "expect-ttl", required_argument, NULL, O_EXPECT_TTL },
		{ "capture", required_argument, NULL, O_CAPTURE },
		{ "src-mac", required_argument, NULL, O_SMAC },
		{ "dst-mac", required_argument, NULL, O_DMAC },
		{ "log", required_argument, NULL, O_LOG },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	uint64_t v;
	int c;

	*o = (struct opts){ .count = sending ? 1 : 0,
			    .interval_us = 1000,
			    .timeout_ms = 10000,
			    .linger_ms = 200,
			    .size = 64,
			    .hops = 1,
			    .ttl = 64,
			    .expect_ttl = -1 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_TO:
			o->to = optarg;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_PORT:
			if (!parse_u64(optarg, 65535, &v) || !v)
				return bad("--port", optarg);
			o->port = (uint16_t)v;
			break;
		case O_COUNT:
			if (!parse_u64(optarg, UINT32_MAX, &o->count))
				return bad("--count", optarg);
			break;
		case O_INTERVAL:
			if (!parse_u64(optarg, 10000000, &o->interval_us))
				return bad("--interval-us", optarg);
			break;
		case O_SIZE:
			if (!parse_u64(optarg, MAX_PAYLOAD, &v) || v < HDR_LEN)
				return bad("--size", optarg);
			o->size = (uint32_t)v;
			break;
		case O_TTL:
			if (!parse_u64(optarg, 255, &v) || !v)
				return bad("--ttl", optarg);
			o->ttl = (int)v;
			break;
		case O_FLOW:
			if (!parse_u64(optarg, UINT32_MAX, &v))
				return bad("--flow", optarg);
			o->flow = (uint32_t)v;
			break;
		case O_DF:
			o->df = true;
			break;
		case O_STOP_ICMP:
			o->stop_on_icmp = true;
			break;
		case O_LINGER:
			if (!parse_u64(optarg, 60000, &o->linger_ms))
				return bad("--linger-ms", optarg);
			break;
		case O_TIMEOUT:
			if (!parse_u64(optarg, 3600000, &o->timeout_ms))
				return bad("--timeout-ms", optarg);
			break;
		case O_IDLE:
			if (!parse_u64(optarg, 3600000, &o->idle_ms))
				return bad("--idle-ms", optarg);
			break;
		case O_HOPS:
			if (!parse_u64(optarg, 254, &v))
				return bad("--hops", optarg);
			o->hops = (uint32_t)v;
			break;
		case O_ANY:
			o->any = true;
			break;
		case O_EXPECT_TTL:
			if (!parse_u64(optarg, 255, &v))
				return bad("--expect-ttl", optarg);
			o->expect_ttl = (int)v;
			break;
		case O_CAPTURE:
			o->capture = optarg;
			break;
		case O_SMAC:
			if (!parse_mac(optarg, o->smac))
				return bad("--src-mac", optarg);
			o->have_smac = true;
			break;
		case O_DMAC:
			if (!parse_mac(optarg, o->dmac))
				return bad("--dst-mac", optarg);
			o->have_dmac = true;
			break;
		case O_LOG:
			o->log = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc)
		return bad("unexpected argument", argv[optind]);
	if (!o->port)
		return bad("--port", "missing");
	if (sending && !o->to)
		return bad("--to", "missing");
	return 0;
}

/* --- send ----------------------------------------------------------------- */

struct sender {
	int fd, family;
	uint64_t sent, failed, icmp;
};

/* drain_errors: print every ICMP error queued on the socket. */
static void drain_errors(struct sender *s)
{
	char ctrl[512], addr[INET6_ADDRSTRLEN], data[64];
	struct sockaddr_storage name;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m;
	struct cmsghdr *cm;

	for (;;) {
		m = (struct msghdr){ .msg_name = &name,
				     .msg_namelen = sizeof(name),
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		if (recvmsg(s->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			const struct sock_extended_err *ee;
			const struct sockaddr *off;

			if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (const struct sock_extended_err *)CMSG_DATA(cm);
			off = SO_EE_OFFENDER(ee);
			strcpy(addr, "?");
			if (off->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)off)->sin_addr,
					  addr, sizeof(addr));
			else if (off->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)off)->sin6_addr,
					  addr, sizeof(addr));
			if (ee->ee_origin == SO_EE_ORIGIN_ICMP ||
			    ee->ee_origin == SO_EE_ORIGIN_ICMP6) {
				s->icmp++;
				printf("%s type %u code %u from %s info %u errno %u at_us %llu\n",
				       ee->ee_origin == SO_EE_ORIGIN_ICMP ? "icmp" : "icmp6",
				       ee->ee_type, ee->ee_code, addr, ee->ee_info, ee->ee_errno,
				       (unsigned long long)(now_ns(CLOCK_REALTIME) / 1000));
			} else {
				printf("local error origin %u errno %u info %u at_us %llu\n",
				       ee->ee_origin, ee->ee_errno, ee->ee_info,
				       (unsigned long long)(now_ns(CLOCK_REALTIME) / 1000));
			}
			fflush(stdout);
		}
	}
}

static bool retryable(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH ||
	       err == EMSGSIZE || err == EACCES || err == ENOBUFS || err == EAGAIN ||
	       err == EPROTO || err == ENOPROTOOPT;
}

static void sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int do_send(const struct opts *o)
{
	struct sockaddr_storage dst = { 0 };
	socklen_t dlen;
	struct sender s = { 0 };
	static uint8_t buf[MAX_PAYLOAD];
	struct probe_hdr *h = (struct probe_hdr *)buf;
	uint64_t seq, end;
	int one = 1, v;

	if (inet_pton(AF_INET, o->to, &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		struct sockaddr_in *d = (struct sockaddr_in *)&dst;

		s.family = d->sin_family = AF_INET;
		d->sin_port = htons(o->port);
		dlen = sizeof(*d);
	} else if (inet_pton(AF_INET6, o->to, &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1) {
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst;

		s.family = d->sin6_family = AF_INET6;
		d->sin6_port = htons(o->port);
		dlen = sizeof(*d);
	} else {
		return bad("--to: not an IPv4 or IPv6 address", o->to);
	}
	s.fd = socket(s.family, SOCK_DGRAM, 0);
	if (s.fd < 0) {
		perror("udpcheck: socket");
		return 1;
	}
	if (o->from) {
		struct sockaddr_storage src = { 0 };
		struct sockaddr_in *s4 = (struct sockaddr_in *)&src;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&src;
		bool ok;

		src.ss_family = (sa_family_t)s.family;
		ok = s.family == AF_INET ? inet_pton(AF_INET, o->from, &s4->sin_addr) == 1
					 : inet_pton(AF_INET6, o->from, &s6->sin6_addr) == 1;
		if (!ok)
			return bad("--from: not an address of the family of --to", o->from);
		if (bind(s.fd, (struct sockaddr *)&src, dlen)) {
			fprintf(stderr, "udpcheck: bind %s: %s\n", o->from, strerror(errno));
			return 1;
		}
	}
	if (s.family == AF_INET) {
		v = o->df ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
		if (setsockopt(s.fd, SOL_IP, IP_TTL, &o->ttl, sizeof(o->ttl)) ||
		    setsockopt(s.fd, SOL_IP, IP_RECVERR, &one, sizeof(one)) ||
		    setsockopt(s.fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof(v))) {
			perror("udpcheck: setsockopt");
			return 1;
		}
	} else {
		v = o->df ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_DONT;
		if (setsockopt(s.fd, SOL_IPV6, IPV6_UNICAST_HOPS, &o->ttl, sizeof(o->ttl)) ||
		    setsockopt(s.fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one)) ||
		    setsockopt(s.fd, SOL_IPV6, IPV6_MTU_DISCOVER, &v, sizeof(v)) ||
		    (o->df && setsockopt(s.fd, SOL_IPV6, IPV6_DONTFRAG, &one, sizeof(one)))) {
			perror("udpcheck: setsockopt");
			return 1;
		}
	}
	for (seq = 0; seq < o->count && !stop; seq++) {
		uint32_t i;
		int tries;

		if (o->stop_on_icmp && s.icmp)
			break;
		memset(h, 0, sizeof(*h));
		h->magic = htonl(PROBE_MAGIC);
		h->flow = htonl(o->flow);
		h->seq = htonl((uint32_t)seq);
		h->len = htonl(o->size);
		h->ttl = (uint8_t)o->ttl;
		for (i = HDR_LEN; i < o->size; i++)
			buf[i] = pattern(o->flow, (uint32_t)seq, i);
		for (tries = 0;; tries++) {
			drain_errors(&s);
			h->sent_ns = htobe64(now_ns(CLOCK_REALTIME));
			if (sendto(s.fd, buf, o->size, 0, (struct sockaddr *)&dst, dlen) ==
			    (ssize_t)o->size) {
				s.sent++;
				break;
			}
			if (!retryable(errno)) {
				perror("udpcheck: sendto");
				return 1;
			}
			if (tries == 1) {
				s.failed++;
				break;
			}
			if (errno == ENOBUFS || errno == EAGAIN)
				sleep_us(1000);
		}
		if (seq + 1 < o->count && o->interval_us)
			sleep_us(o->interval_us);
	}
	stop = 0;
	end = now_ns(CLOCK_MONOTONIC) + o->linger_ms * 1000000ull;
	for (;;) {
		drain_errors(&s);
		if (stop || now_ns(CLOCK_MONOTONIC) >= end)
			break;
		sleep_us(5000);
	}
	printf("sent %llu failed %llu icmp %llu\n", (unsigned long long)s.sent,
	       (unsigned long long)s.failed, (unsigned long long)s.icmp);
	return 0;
}

/* --- recv ----------------------------------------------------------------- */

struct receiver {
	uint64_t received, intact, corrupt, duplicate, ttl_bad, v4, v6;
	uint64_t frames, mac_bad;
	int ttl_min, ttl_max;
	uint64_t *seen; /* open addressing, key + 1 (0 is empty) */
	FILE *log;
};

static bool seen_before(struct receiver *r, uint64_t key)
{
	uint64_t mask = (1ull << SEEN_BITS) - 1, i = (key * 0x9e3779b97f4a7c15ull) >> 40;

	key++;
	for (i &= mask;; i = (i + 1) & mask) {
		if (r->seen[i] == key)
			return true;
		if (!r->seen[i]) {
			r->seen[i] = key;
			return false;
		}
	}
}

static void check_datagram(const struct opts *o, struct receiver *r, const uint8_t *p, size_t len,
			   int ttl, int family)
{
	const struct probe_hdr *h = (const struct probe_hdr *)p;
	uint32_t flow, seq, i;
	bool ok;
	int want;

	r->received++;
	if (family == AF_INET)
		r->v4++;
	else
		r->v6++;
	if (ttl >= 0) {
		if (r->ttl_min < 0 || ttl < r->ttl_min)
			r->ttl_min = ttl;
		if (ttl > r->ttl_max)
			r->ttl_max = ttl;
	}
	if (o->any) {
		if (o->expect_ttl >= 0 && ttl != o->expect_ttl)
			r->ttl_bad++;
		r->intact++;
		return;
	}
	ok = len >= HDR_LEN && ntohl(h->magic) == PROBE_MAGIC && ntohl(h->len) == len;
	flow = ok ? ntohl(h->flow) : 0;
	seq = ok ? ntohl(h->seq) : 0;
	for (i = HDR_LEN; ok && i < len; i++)
		ok = p[i] == pattern(flow, seq, i);
	if (!ok) {
		r->corrupt++;
		return;
	}
	want = (int)h->ttl - (int)o->hops;
	if (ttl != want)
		r->ttl_bad++;
	if (seen_before(r, ((uint64_t)(family == AF_INET6) << 63) | ((uint64_t)flow << 32) | seq)) {
		r->duplicate++;
		return;
	}
	r->intact++;
	if (r->log)
		fprintf(r->log, "%u %u %llu %llu %d %d\n", flow, seq,
			(unsigned long long)(be64toh(h->sent_ns) / 1000),
			(unsigned long long)(now_ns(CLOCK_REALTIME) / 1000), ttl,
			family == AF_INET ? 4 : 6);
}

static void read_datagrams(const struct opts *o, struct receiver *r, int fd, int family)
{
	static uint8_t buf[MAX_PAYLOAD + 1];
	char ctrl[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m;
	struct cmsghdr *cm;
	ssize_t n;
	int ttl;

	for (;;) {
		m = (struct msghdr){ .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		ttl = -1;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			if ((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_TTL) ||
			    (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT))
				memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
		}
		check_datagram(o, r, buf, (size_t)n, ttl, family);
		if (o->count && r->received >= o->count)
			return;
	}
}

/* read_frames: frames to our UDP port on the captured interface. */
static void read_frames(const struct opts *o, struct receiver *r, int fd)
{
	/* Two bytes in, so that the IP header after 14 bytes is aligned. */
	static uint8_t raw[2 + 256] __attribute__((aligned(8)));
	uint8_t *f = raw + 2;
	struct sockaddr_ll sll;
	socklen_t sl;
	ssize_t n;
	const uint8_t *l4;
	uint16_t et;

	for (;;) {
		sl = sizeof(sll);
		n = recvfrom(fd, f, sizeof(raw) - 2, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return;
		if (sll.sll_pkttype == PACKET_OUTGOING || n < 14 + 40 + 8 || (size_t)n > 65535)
			continue;
		et = (uint16_t)(f[12] << 8 | f[13]);
		if (et == ETH_P_IP) {
			const struct iphdr *ip = (const struct iphdr *)(f + 14);

			if (ip->protocol != IPPROTO_UDP || (ntohs(ip->frag_off) & 0x1fff) ||
			    ip->ihl < 5 || 14 + ip->ihl * 4 + 8 > n)
				continue;
			l4 = f + 14 + ip->ihl * 4;
		} else if (et == ETH_P_IPV6) {
			if (((const struct ip6_hdr *)(f + 14))->ip6_nxt != IPPROTO_UDP)
				continue;
			l4 = f + 14 + 40;
		} else {
			continue;
		}
		if (ntohs(((const struct udphdr *)l4)->dest) != o->port)
			continue;
		r->frames++;
		if ((o->have_dmac && memcmp(f, o->dmac, 6)) ||
		    (o->have_smac && memcmp(f + 6, o->smac, 6))) {
			if (!r->mac_bad)
				printf("mac_bad first: %02x:%02x:%02x:%02x:%02x:%02x > "
				       "%02x:%02x:%02x:%02x:%02x:%02x\n",
				       f[6], f[7], f[8], f[9], f[10], f[11], f[0], f[1], f[2], f[3],
				       f[4], f[5]);
			r->mac_bad++;
		}
	}
}

static int udp_socket(int family, uint16_t port)
{
	int fd, one = 1, big = 8 << 20;

	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (family == AF_INET) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

		if (setsockopt(fd, SOL_IP, IP_RECVTTL, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	} else {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		if (setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static uint64_t sock_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t l = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &l) || l <= SK_MEMINFO_DROPS * 4)
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

static int do_recv(const struct opts *o)
{
	struct receiver r = { .ttl_min = -1, .ttl_max = -1 };
	struct pollfd pfd[3];
	int nfd = 2, cap = -1, big = 8 << 20;
	uint64_t start, last = 0, t;
	struct tpacket_stats st = { 0 };
	socklen_t sl = sizeof(st);

	r.seen = calloc(1ull << SEEN_BITS, sizeof(*r.seen));
	if (!r.seen) {
		perror("udpcheck: calloc");
		return 1;
	}
	if (o->log) {
		r.log = fopen(o->log, "w");
		if (!r.log) {
			perror(o->log);
			return 1;
		}
		setvbuf(r.log, NULL, _IOLBF, 0);
	}
	if (o->capture) {
		struct sockaddr_ll a = { .sll_family = AF_PACKET,
					 .sll_protocol = htons(ETH_P_ALL) };

		a.sll_ifindex = (int)if_nametoindex(o->capture);
		if (!a.sll_ifindex) {
			fprintf(stderr, "udpcheck: --capture: no interface '%s'\n", o->capture);
			return 1;
		}
		cap = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
		if (cap < 0 || bind(cap, (struct sockaddr *)&a, sizeof(a))) {
			perror("udpcheck: packet socket");
			return 1;
		}
		if (setsockopt(cap, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
			setsockopt(cap, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		pfd[2] = (struct pollfd){ .fd = cap, .events = POLLIN };
		nfd = 3;
	}
	pfd[0] = (struct pollfd){ .fd = udp_socket(AF_INET, o->port), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = udp_socket(AF_INET6, o->port), .events = POLLIN };
	if (pfd[0].fd < 0 || pfd[1].fd < 0) {
		fprintf(stderr, "udpcheck: cannot bind UDP port %u: %s\n", o->port,
			strerror(errno));
		return 1;
	}
	printf("listening on port %u\n", o->port);
	fflush(stdout);
	start = now_ns(CLOCK_MONOTONIC);
	while (!stop) {
		if (o->count && r.received >= o->count)
			break;
		t = now_ns(CLOCK_MONOTONIC);
		if (o->timeout_ms && t - start >= o->timeout_ms * 1000000ull)
			break;
		if (o->idle_ms && last && t - last >= o->idle_ms * 1000000ull)
			break;
		if (poll(pfd, (nfds_t)nfd, 20) < 0 && errno != EINTR) {
			perror("udpcheck: poll");
			return 1;
		}
		if (cap >= 0)
			read_frames(o, &r, cap);
		if (pfd[0].revents)
			read_datagrams(o, &r, pfd[0].fd, AF_INET);
		if (pfd[1].revents && !(o->count && r.received >= o->count))
			read_datagrams(o, &r, pfd[1].fd, AF_INET6);
		if (r.received && (pfd[0].revents || pfd[1].revents))
			last = now_ns(CLOCK_MONOTONIC);
	}
	/* A frame reaches the packet socket before its datagram reaches ours. */
	if (cap >= 0) {
		read_frames(o, &r, cap);
		getsockopt(cap, SOL_PACKET, PACKET_STATISTICS, &st, &sl);
	}
	printf("received %llu intact %llu corrupt %llu duplicate %llu ttl_bad %llu ttl %d-%d "
	       "v4 %llu v6 %llu rx_sock_drops %llu",
	       (unsigned long long)r.received, (unsigned long long)r.intact,
	       (unsigned long long)r.corrupt, (unsigned long long)r.duplicate,
	       (unsigned long long)r.ttl_bad, r.ttl_min, r.ttl_max, (unsigned long long)r.v4,
	       (unsigned long long)r.v6,
	       (unsigned long long)(sock_drops(pfd[0].fd) + sock_drops(pfd[1].fd)));
	if (cap >= 0)
		printf(" frames %llu mac_bad %llu cap_drops %u", (unsigned long long)r.frames,
		       (unsigned long long)r.mac_bad, st.tp_drops);
	printf("\n");
	if (r.log)
		fclose(r.log);
	free(r.seen);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct opts o;
	bool sending;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "send") && strcmp(argv[1], "recv"))) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	sending = !strcmp(argv[1], "send");
	rc = parse_opts(argc - 1, argv + 1, sending, &o);
	if (rc)
		return rc;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return sending ? do_send(&o) : do_recv(&o);
}
