// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * gencheck: capture the frames of `xskfwd gen` on an interface (AF_PACKET)
 * and check each one, for the integration tests, until there is a sink.
 *
 *   gencheck IFACE [--count N] [--timeout-ms T] [--ipv6] [--dport P]
 *                  [--sport P --flows N]
 *
 * A frame is the generator's if it is IPv4 (or, with --ipv6, IPv6) UDP to
 * --dport (default 9000). It is intact when its lengths agree with the
 * frame, its IPv4 header checksum is right, its UDP checksum is 0 (IPv4) or
 * right and not 0 (IPv6), the payload's magic is XF_GEN_MAGIC and, with
 * --flows, its source port is sport + seq % flows. Per stream, the set of
 * sequence numbers seen gives the missing (below the highest seen) and the
 * duplicates. Prints "listening on IFACE" once ready, and at the end (N
 * frames, the timeout since the last frame, or SIGINT/SIGTERM) one line:
 *   frames N streams S intact I bad B missing M duplicate D sock_drops K
 * where K is what the kernel dropped on gencheck's own socket (its receive
 * buffer was full: PACKET_STATISTICS tp_drops), frames that reached IFACE
 * but not gencheck.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xskfwd_gen_shared.h"

#include "../ref_csum.h"

struct stream {
	uint8_t *seen; /* one bit per sequence number */
	uint64_t size; /* bits */
	uint64_t max;
	bool any;
};

static struct stream streams[XF_GEN_MAX_STREAMS];
static volatile sig_atomic_t stop;
static uint64_t n_frames, n_intact, n_bad, n_dup;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int mark(uint16_t id, uint64_t seq)
{
	struct stream *s = &streams[id];

	if (seq >= s->size) {
		uint64_t size = s->size ? s->size : 1 << 16;
		uint8_t *p;

		while (size <= seq)
			size *= 2;
		if (size > (1ull << 36))
			return -1;
		p = realloc(s->seen, size / 8);
		if (!p)
			return -1;
		memset(p + s->size / 8, 0, (size - s->size) / 8);
		s->seen = p;
		s->size = size;
	}
	if (s->seen[seq / 8] & (1u << (seq % 8)))
		n_dup++;
	s->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	if (!s->any || seq > s->max)
		s->max = seq;
	s->any = true;
	return 0;
}

/* Returns 1 for one of ours (counted), 0 for other traffic. */
static int check(const uint8_t *f, size_t len, bool v6, uint16_t dport, int sport, uint32_t flows)
{
	size_t l3 = 14, udp;
	struct xf_gen_payload pl;
	bool ok = true;
	uint16_t ulen;

	if (len < l3 || get16(f + 12) != (v6 ? 0x86dd : 0x0800))
		return 0;
	if (v6) {
		if (len < l3 + 40 + 8 || f[l3 + 6] != IPPROTO_UDP)
			return 0;
		udp = l3 + 40;
	} else {
		if (len < l3 + 20 + 8 || f[l3 + 9] != IPPROTO_UDP || f[l3] != 0x45)
			return 0;
		udp = l3 + 20;
	}
	if (get16(f + udp + 2) != dport)
		return 0;
	n_frames++;
	ulen = get16(f + udp + 4);
	if (v6) {
		uint8_t ph[8] = { 0, 0, (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, 0, 0, IPPROTO_UDP };

		ok &= get16(f + l3 + 4) == len - udp && ulen == len - udp;
		ok &= get16(f + udp + 6) != 0 && ulen <= len - udp &&
		      fold(ref_sum(f + l3 + 8, 32) + ref_sum(ph, 8) + ref_sum(f + udp, ulen)) ==
			      0xffff;
	} else {
		ok &= get16(f + l3 + 2) == len - l3 && ulen == len - udp;
		ok &= fold(ref_sum(f + l3, 20)) == 0xffff;
		ok &= get16(f + udp + 6) == 0;
	}
	if (len < udp + 8 + sizeof(pl)) {
		n_bad++;
		return 1;
	}
	memcpy(&pl, f + udp + 8, sizeof(pl));
	ok &= pl.magic == XF_GEN_MAGIC && pl.stream < XF_GEN_MAX_STREAMS;
	if (ok && flows)
		ok &= get16(f + udp) == (uint16_t)(sport + pl.seq % flows);
	if (!ok) {
		n_bad++;
		return 1;
	}
	if (mark(pl.stream, pl.seq)) {
		n_bad++;
		return 1;
	}
	n_intact++;
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: gencheck IFACE [--count N] [--timeout-ms T] [--ipv6] [--dport P]"
			" [--sport P --flows N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t want = 0, missing = 0, have, i;
	int timeout_ms = 2000, sport = -1, fd, k, nstreams = 0;
	uint32_t flows = 0;
	uint16_t dport = XF_GEN_DEFAULT_DPORT;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint8_t buf[9216];
	struct sigaction sa = { .sa_handler = on_signal };
	struct tpacket_stats ps = { 0 };
	socklen_t fl;
	bool v6 = false;

	if (argc < 2)
		return usage();
	for (k = 2; k < argc; k++) {
		if (!strcmp(argv[k], "--ipv6"))
			v6 = true;
		else if (k + 1 >= argc)
			return usage();
		else if (!strcmp(argv[k], "--count"))
			want = strtoull(argv[++k], NULL, 10);
		else if (!strcmp(argv[k], "--timeout-ms"))
			timeout_ms = atoi(argv[++k]);
		else if (!strcmp(argv[k], "--dport"))
			dport = (uint16_t)atoi(argv[++k]);
		else if (!strcmp(argv[k], "--sport"))
			sport = atoi(argv[++k]);
		else if (!strcmp(argv[k], "--flows"))
			flows = (uint32_t)atoi(argv[++k]);
		else
			return usage();
	}
	if (flows && sport < 0)
		sport = XF_GEN_DEFAULT_SPORT;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "gencheck: %s: no such interface\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "gencheck: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	k = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &k, sizeof(k));
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	while (!stop && (!want || n_frames < want)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			break; /* quiet for the timeout, or a signal */
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		check(buf, (size_t)n, v6, dport, sport, flows);
	}
	for (k = 0; k < XF_GEN_MAX_STREAMS; k++) {
		if (!streams[k].any)
			continue;
		nstreams++;
		for (have = 0, i = 0; i <= streams[k].max; i++)
			have += (streams[k].seen[i / 8] >> (i % 8)) & 1;
		missing += streams[k].max + 1 - have;
		free(streams[k].seen);
	}
	fl = sizeof(ps);
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &fl))
		ps.tp_drops = 0;
	printf("frames %llu streams %d intact %llu bad %llu missing %llu duplicate %llu"
	       " sock_drops %u\n",
	       (unsigned long long)n_frames, nstreams, (unsigned long long)n_intact,
	       (unsigned long long)n_bad, (unsigned long long)missing, (unsigned long long)n_dup,
	       ps.tp_drops);
	close(fd);
	return 0;
}
