// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * payload_send - send UDP frames carrying the generator's payload
 * (bpf/xskfwd_gen_shared.h) in exactly the order asked for: a fault
 * injector for testing `xskfwd sink`.
 *
 *   payload_send IFACE [--seqs LIST | --count N] [options]
 *
 * LIST is sent in the order written, repeats included: "0-4,6,5,7,7,9-99"
 * sends 0..4, then 6 before 5 (5 is reordered), 7 twice (a duplicate), and
 * never 8 (lost). Each frame is built as it is sent (nothing is kept per
 * frame), with tx_ns = CLOCK_MONOTONIC at that moment, so a list of ranges
 * can describe billions of frames.
 *
 * Frames: Ethernet (source MAC of IFACE), optionally one 802.1Q tag, IPv4
 * (valid header checksum, UDP checksum 0 as the payload format says) or
 * IPv6 (valid UDP checksum), UDP from --sport (+ seq % --flows) to --dport,
 * the payload, then zeros up to --size. Sent through an AF_PACKET socket
 * with sendmmsg(), in batches of up to 64; a full device queue (ENOBUFS,
 * EAGAIN) is waited out for at most a second per batch.
 *
 * Prints one line: "sent N frames in T s (R pps)". Exit status: 0 all sent,
 * 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xskfwd_gen_shared.h"

#define MAX_ITEMS 1024
#define MAX_FRAME 1514
#define BATCH 64
#define RETRY_NS 100000L /* 100 us */
#define RETRIES 10000	 /* a second per batch */

struct range {
	uint64_t lo, hi;
};

struct opts {
	const char *ifname;
	struct range items[MAX_ITEMS];
	uint32_t nitems;
	uint16_t stream, streams;
	uint8_t dst_mac[6];
	bool ipv6;
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
	int vlan; /* -1: untagged */
	uint16_t sport, dport, flows;
	uint32_t size, magic, interval_us;
	bool no_timestamp;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: payload_send IFACE [options]\n"
		"Send UDP frames with the xskfwd generator's payload, sequence numbers in the\n"
		"order given (a fault injector for xskfwd sink).\n"
		"  --seqs LIST       numbers in sending order, N or N-M items, repeats allowed,\n"
		"                    e.g. 0-4,6,5,7,7,9-99 (one swap, one copy, 8 lost)\n"
		"  --count N         the same as --seqs 0-(N-1) (default 100)\n"
		"  --stream S        stream id (default 0)\n"
		"  --streams K       send each number on streams S..S+K-1 in turn (default 1)\n"
		"  --dst-mac MAC     destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  --ipv6            IPv6 instead of IPv4\n"
		"  --src IP --dst IP addresses (default 198.18.0.1 -> 198.18.0.2, or\n"
		"                    2001:db8::1 -> 2001:db8::2 with --ipv6)\n"
		"  --vlan ID         add an 802.1Q tag\n"
		"  --sport P --dport P   UDP ports (default %u -> %u)\n"
		"  --flows N         source port sport + seq %% N (default 1)\n"
		"  --size N          frame size without FCS (default: the smallest that holds\n"
		"                    the payload, at least 60)\n"
		"  --magic N         payload magic (default 0x%08x: ours)\n"
		"  --no-timestamp    tx_ns = 0 (no latency sample)\n"
		"  --interval-us N   pause between frames (default 0: as fast as possible)\n",
		XF_GEN_DEFAULT_SPORT, XF_GEN_DEFAULT_DPORT, XF_GEN_MAGIC);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "payload_send: %s: '%s' (see --help)\n", what, arg);
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

static bool parse_seqs(const char *s, struct opts *o)
{
	char buf[64], *dash;
	const char *p = s;
	size_t len;

	o->nitems = 0;
	while (*p) {
		len = strcspn(p, ",");
		if (!len || len >= sizeof(buf) || o->nitems == MAX_ITEMS)
			return false;
		memcpy(buf, p, len);
		buf[len] = '\0';
		dash = strchr(buf, '-');
		if (dash)
			*dash = '\0';
		if (!parse_u64(buf, UINT64_MAX, &o->items[o->nitems].lo))
			return false;
		o->items[o->nitems].hi = o->items[o->nitems].lo;
		if (dash && (!parse_u64(dash + 1, UINT64_MAX, &o->items[o->nitems].hi) ||
			     o->items[o->nitems].hi < o->items[o->nitems].lo))
			return false;
		o->nitems++;
		p += len;
		if (*p == ',' && *++p == '\0')
			return false;
	}
	return o->nitems > 0;
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

static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum {
		O_SEQS = 256,
		O_COUNT,
		O_STREAM,
		O_STREAMS,
		O_DMAC,
		O_IPV6,
		O_SRC,
		O_DST,
		O_VLAN,
		O_SPORT,
		O_DPORT,
		O_FLOWS,
		O_SIZE,
		O_MAGIC,
		O_NOTS,
		O_INTERVAL
	};
	static const struct option longopts[] = { { "seqs", required_argument, NULL, O_SEQS },
						  { "count", required_argument, NULL, O_COUNT },
						  { "stream", required_argument, NULL, O_STREAM },
						  { "streams", required_argument, NULL, O_STREAMS },
						  { "dst-mac", required_argument, NULL, O_DMAC },
						  { "ipv6", no_argument, NULL, O_IPV6 },
						  { "src", required_argument, NULL, O_SRC },
						  { "dst", required_argument, NULL, O_DST },
						  { "vlan", required_argument, NULL, O_VLAN },
						  { "sport", required_argument, NULL, O_SPORT },
						  { "dport", required_argument, NULL, O_DPORT },
						  { "flows", required_argument, NULL, O_FLOWS },
						  { "size", required_argument, NULL, O_SIZE },
						  { "magic", required_argument, NULL, O_MAGIC },
						  { "no-timestamp", no_argument, NULL, O_NOTS },
						  { "interval-us", required_argument, NULL,
						    O_INTERVAL },
						  { "help", no_argument, NULL, 'h' },
						  {} };
	const char *src = NULL, *dst = NULL;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->items[0].hi = 99;
	o->nitems = 1;
	o->streams = 1;
	memset(o->dst_mac, 0xff, 6);
	o->vlan = -1;
	o->sport = XF_GEN_DEFAULT_SPORT;
	o->dport = XF_GEN_DEFAULT_DPORT;
	o->flows = 1;
	o->magic = XF_GEN_MAGIC;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_SEQS:
			if (!parse_seqs(optarg, o))
				return bad("--seqs: not a list of N or N-M (ascending)", optarg);
			break;
		case O_COUNT:
			if (!parse_u64(optarg, UINT64_MAX, &v) || !v)
				return bad("--count: not a number above 0", optarg);
			o->items[0].lo = 0;
			o->items[0].hi = v - 1;
			o->nitems = 1;
			break;
		case O_STREAM:
			if (!parse_u64(optarg, XF_GEN_MAX_STREAMS - 1, &v))
				return bad("--stream: not a stream id", optarg);
			o->stream = (uint16_t)v;
			break;
		case O_STREAMS:
			if (!parse_u64(optarg, XF_GEN_MAX_STREAMS, &v) || !v)
				return bad("--streams: not a stream count", optarg);
			o->streams = (uint16_t)v;
			break;
		case O_DMAC:
			if (!parse_mac(optarg, o->dst_mac))
				return bad("--dst-mac: not a MAC address", optarg);
			break;
		case O_IPV6:
			o->ipv6 = true;
			break;
		case O_SRC:
			src = optarg;
			break;
		case O_DST:
			dst = optarg;
			break;
		case O_VLAN:
			if (!parse_u64(optarg, 4095, &v))
				return bad("--vlan: not a VLAN id (0-4095)", optarg);
			o->vlan = (int)v;
			break;
		case O_SPORT:
		case O_DPORT:
			if (!parse_u64(optarg, 65535, &v))
				return bad("--sport/--dport: not a port", optarg);
			*(c == O_SPORT ? &o->sport : &o->dport) = (uint16_t)v;
			break;
		case O_FLOWS:
			if (!parse_u64(optarg, 65535, &v) || !v)
				return bad("--flows: not a number from 1 to 65535", optarg);
			o->flows = (uint16_t)v;
			break;
		case O_SIZE:
			if (!parse_u64(optarg, MAX_FRAME, &v))
				return bad("--size: at most 1514", optarg);
			o->size = (uint32_t)v;
			break;
		case O_MAGIC:
			if (!parse_u64(optarg, UINT32_MAX, &v))
				return bad("--magic: not a 32-bit number", optarg);
			o->magic = (uint32_t)v;
			break;
		case O_NOTS:
			o->no_timestamp = true;
			break;
		case O_INTERVAL:
			if (!parse_u64(optarg, 10000000, &v))
				return bad("--interval-us: not a number up to 10000000", optarg);
			o->interval_us = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return bad("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return bad("need exactly one interface", argc > optind ? argv[optind + 1] : "");
	o->ifname = argv[optind];
	if (o->stream + o->streams > XF_GEN_MAX_STREAMS)
		return bad("--stream + --streams: past the last stream", argv[optind]);
	if (o->ipv6) {
		if (inet_pton(AF_INET6, src ? src : "2001:db8::1", &o->src6) != 1)
			return bad("--src: not an IPv6 address", src);
		if (inet_pton(AF_INET6, dst ? dst : "2001:db8::2", &o->dst6) != 1)
			return bad("--dst: not an IPv6 address", dst);
	} else {
		if (inet_pton(AF_INET, src ? src : "198.18.0.1", &o->src4) != 1)
			return bad("--src: not an IPv4 address", src);
		if (inet_pton(AF_INET, dst ? dst : "198.18.0.2", &o->dst4) != 1)
			return bad("--dst: not an IPv4 address", dst);
	}
	return 0;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
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

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Headers up to the UDP payload; returns the payload's offset. */
static uint32_t l2l3_len(const struct opts *o)
{
	return 14 + (o->vlan >= 0 ? 4 : 0) + (o->ipv6 ? 40 : 20) + 8;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Write frame (stream, seq) into @f: @len bytes, payload at @pl_off. */
static void build(uint8_t *f, const struct opts *o, const uint8_t *src_mac, uint32_t len,
		  uint32_t pl_off, uint16_t stream, uint64_t seq)
{
	struct xf_gen_payload pl = { .magic = o->magic, .stream = stream, .seq = seq };
	uint32_t off = 12, ip, udp, udp_len, sum;
	uint16_t ip_len;

	memset(f, 0, len);
	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	if (o->vlan >= 0) {
		put16(f + off, 0x8100);
		put16(f + off + 2, (uint16_t)o->vlan);
		off += 4;
	}
	put16(f + off, o->ipv6 ? 0x86DD : 0x0800);
	ip = off + 2;
	/* UDP length: everything after the IP header (no Ethernet padding). */
	udp = pl_off - 8;
	udp_len = len - udp;
	if (o->ipv6) {
		f[ip] = 0x60;
		put16(f + ip + 4, (uint16_t)udp_len);
		f[ip + 6] = 17;
		f[ip + 7] = 64;
		memcpy(f + ip + 8, &o->src6, 16);
		memcpy(f + ip + 24, &o->dst6, 16);
	} else {
		ip_len = (uint16_t)(20 + udp_len);
		f[ip] = 0x45;
		put16(f + ip + 2, ip_len);
		put16(f + ip + 6, 0x4000); /* DF */
		f[ip + 8] = 64;
		f[ip + 9] = 17;
		memcpy(f + ip + 12, &o->src4, 4);
		memcpy(f + ip + 16, &o->dst4, 4);
		put16(f + ip + 10, csum_fold(csum_add(0, f + ip, 20)));
	}
	put16(f + udp, (uint16_t)(o->sport + seq % o->flows));
	put16(f + udp + 2, o->dport);
	put16(f + udp + 4, (uint16_t)udp_len);
	pl.tx_ns = o->no_timestamp ? 0 : now_ns();
	memcpy(f + pl_off, &pl, sizeof(pl));
	if (o->ipv6) {
		/* Pseudo-header: addresses, UDP length, next header. */
		sum = csum_add(0, f + ip + 8, 32);
		sum += udp_len + 17;
		sum = csum_add(sum, f + udp, udp_len);
		sum = csum_fold(sum);
		put16(f + udp + 6, sum ? (uint16_t)sum : 0xffff);
	}
}

static int open_socket(const struct opts *o, uint8_t *src_mac, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: send only */
	if (fd < 0) {
		fprintf(stderr, "payload_send: AF_PACKET socket: %s\n", strerror(errno));
		return -1;
	}
	*ifindex = (int)if_nametoindex(o->ifname);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
	if (!*ifindex || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "payload_send: %s: no such interface\n", o->ifname);
		close(fd);
		return -1;
	}
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "payload_send: bind to %s: %s\n", o->ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Send the @n frames of @msgs, waiting out a full queue. Returns 0 or -errno. */
static int send_batch(int fd, struct mmsghdr *msgs, unsigned int n)
{
	struct timespec pause = { 0, RETRY_NS };
	unsigned int done = 0, tries = 0;
	int ret;

	while (done < n) {
		ret = sendmmsg(fd, msgs + done, n - done, 0);
		if (ret > 0) {
			done += (unsigned int)ret;
			tries = 0;
			continue;
		}
		if (ret < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (++tries > RETRIES)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH][MAX_FRAME];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	uint32_t pl_off, len, i;
	uint64_t seq, sent = 0, t0, t1;
	uint8_t src_mac[6];
	unsigned int n = 0;
	struct opts o;
	int fd, ret, ifindex;
	uint16_t k;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	pl_off = l2l3_len(&o);
	len = o.size ? o.size : pl_off + (uint32_t)sizeof(struct xf_gen_payload);
	if (len < 60)
		len = 60;
	if (len < pl_off + sizeof(struct xf_gen_payload)) {
		fprintf(stderr,
			"payload_send: --size %u: too small for the payload (at least %zu)\n", len,
			pl_off + sizeof(struct xf_gen_payload));
		return 2;
	}
	fd = open_socket(&o, src_mac, &ifindex);
	if (fd < 0)
		return 1;
	to.sll_ifindex = ifindex;
	to.sll_protocol = htons(o.vlan >= 0 ? 0x8100 : o.ipv6 ? 0x86DD : 0x0800);
	to.sll_halen = 6;
	memcpy(to.sll_addr, o.dst_mac, 6);
	memset(msgs, 0, sizeof(msgs));
	for (n = 0; n < BATCH; n++) {
		iov[n].iov_base = frames[n];
		iov[n].iov_len = len;
		msgs[n].msg_hdr.msg_iov = &iov[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
		msgs[n].msg_hdr.msg_name = &to;
		msgs[n].msg_hdr.msg_namelen = sizeof(to);
	}
	n = 0;
	t0 = now_ns();
	for (i = 0; i < o.nitems; i++) {
		seq = o.items[i].lo;
		for (;;) {
			for (k = 0; k < o.streams; k++) {
				build(frames[n], &o, src_mac, len, pl_off, o.stream + k, seq);
				if (++n == BATCH || o.interval_us) {
					ret = send_batch(fd, msgs, n);
					if (ret)
						goto err;
					sent += n;
					n = 0;
				}
				if (o.interval_us)
					usleep(o.interval_us);
			}
			if (seq == o.items[i].hi)
				break;
			seq++;
		}
	}
	ret = send_batch(fd, msgs, n);
	if (ret)
		goto err;
	sent += n;
	t1 = now_ns();
	printf("sent %llu frames in %.3f s (%.0f pps)\n", (unsigned long long)sent,
	       (double)(t1 - t0) / 1e9, (double)sent * 1e9 / (double)(t1 - t0 ? t1 - t0 : 1));
	close(fd);
	return 0;
err:
	fprintf(stderr, "payload_send: %s: send after %llu frames: %s\n", o.ifname,
		(unsigned long long)sent, strerror(-ret));
	close(fd);
	return 1;
}
