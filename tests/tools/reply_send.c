// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * reply_send - have the kernel judge the frames serve builds: send replies
 * made by sv_hdr_init()/sv_build() (user/serve/serve_frame.c) through an AF_PACKET
 * socket to a UDP socket on the other end of a link, and check that each
 * arrives with its payload intact.
 *
 *   reply_send --tx NS:IF --rx NS --dst-mac MAC --src4 A --dst4 B
 *              --src6 A --dst6 B [--port P] [--mtu N] [--corrupt]
 *
 * The replies go from (src, 69) to (dst, P), IPv4 then IPv6, with UDP
 * payloads of every size 0..64 and then every 37th size up to what the MTU
 * allows (odd sizes included). The UDP sockets are opened first, inside
 * the --rx namespace, bound to port P (IPv6 only for the IPv6 one); the
 * packet socket is opened in the --tx namespace. Frames are sent one at a
 * time and each is waited for (up to 100 ms; 10 ms if corrupted) before
 * the next. --corrupt
 * flips one bit of every non-empty payload after the checksum is written:
 * the kernel must then drop all of them (UDP InCsumErrors) but the empty
 * ones. The receiving veth must have rx checksum offload off (ethtool -K
 * IF rx off), or veth marks the frames as verified and nothing is checked.
 *
 * Prints "ipv4 sent N intact N" and "ipv6 sent N intact N". Exit status:
 * 0 ran (the caller judges the figures), 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_frame.h"

struct opts {
	const char *tx_ns, *tx_if, *rx_ns;
	uint8_t dst_mac[6], src_mac[6]; /* src_mac: the --tx interface's */
	uint8_t src4[16], dst4[16], src6[16], dst6[16];
	uint16_t port;
	uint32_t mtu;
	bool corrupt;
};

static int enter_ns(const char *name)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "reply_send: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = setns(fd, CLONE_NEWNET);
	if (ret)
		fprintf(stderr, "reply_send: setns %s: %s\n", name, strerror(errno));
	close(fd);
	return ret;
}

static int udp_socket(int family, uint16_t port)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6,
		 family == AF_INET ? sizeof(a4) : sizeof(a6)) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Send one family's replies; prints its line. Returns 0 or -1. */
static int run(const struct opts *o, int pkt, int ifindex, int udp, uint8_t family)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6 };
	static uint8_t frame[2048], buf[2048];
	struct sv_pkt req = { .family = family, .sport = o->port };
	uint32_t max = sv_max_payload(o->mtu, family), pl, i, sent = 0, intact = 0;
	struct sv_hdr h;

	/* The request this is the reply to came from dst to src. */
	memcpy(req.src_mac, o->dst_mac, 6);
	memcpy(req.dst_mac, o->src_mac, 6);
	memcpy(req.src_ip, family == 4 ? o->dst4 : o->dst6, 16);
	memcpy(req.dst_ip, family == 4 ? o->src4 : o->src6, 16);
	sv_hdr_init(&h, &req, 69);
	for (pl = 0; pl <= max && h.len + pl <= sizeof(frame); pl += pl < 64 ? 1 : 37) {
		struct pollfd pfd = { .fd = udp, .events = POLLIN };
		uint32_t len;
		ssize_t n;

		for (i = 0; i < pl; i++)
			frame[h.len + i] = (uint8_t)(i * 31 + pl);
		len = sv_build(&h, frame, pl);
		if (o->corrupt && pl)
			frame[h.len + pl / 2] ^= 0x10;
		if (sendto(pkt, frame, len, 0, (struct sockaddr *)&ll, sizeof(ll)) !=
		    (ssize_t)len) {
			fprintf(stderr, "reply_send: sendto: %s\n", strerror(errno));
			return -1;
		}
		sent++;
		/* A corrupted frame never comes: no need to wait long for it. */
		if (poll(&pfd, 1, o->corrupt && pl ? 10 : 100) != 1)
			continue;
		n = recv(udp, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == (ssize_t)pl && !memcmp(buf, frame + h.len, pl))
			intact++;
	}
	printf("ipv%u sent %u intact %u\n", family, sent, intact);
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6
		       ? 0
		       : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: reply_send --tx NS:IF --rx NS --dst-mac MAC --src4 A --dst4 B "
			"--src6 A --dst6 B [--port P] [--mtu N] [--corrupt]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { { "tx", required_argument, NULL, 't' },
						  { "rx", required_argument, NULL, 'r' },
						  { "dst-mac", required_argument, NULL, 'm' },
						  { "src4", required_argument, NULL, '1' },
						  { "dst4", required_argument, NULL, '2' },
						  { "src6", required_argument, NULL, '3' },
						  { "dst6", required_argument, NULL, '4' },
						  { "port", required_argument, NULL, 'p' },
						  { "mtu", required_argument, NULL, 'M' },
						  { "corrupt", no_argument, NULL, 'c' },
						  { NULL, 0, NULL, 0 } };
	struct opts o = { .port = 5555, .mtu = 1500 };
	unsigned int have = 0;
	struct ifreq ifr;
	int c, pkt, u4, u6, ifindex;
	char *colon;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			colon = strchr(optarg, ':');
			if (!colon)
				return usage();
			*colon = '\0';
			o.tx_ns = optarg;
			o.tx_if = colon + 1;
			have |= 1;
			break;
		case 'r':
			o.rx_ns = optarg;
			have |= 2;
			break;
		case 'm':
			if (parse_mac(optarg, o.dst_mac))
				return usage();
			have |= 4;
			break;
		case '1':
		case '2':
			if (inet_pton(AF_INET, optarg, c == '1' ? o.src4 : o.dst4) != 1)
				return usage();
			have |= c == '1' ? 8 : 16;
			break;
		case '3':
		case '4':
			if (inet_pton(AF_INET6, optarg, c == '3' ? o.src6 : o.dst6) != 1)
				return usage();
			have |= c == '3' ? 32 : 64;
			break;
		case 'p':
			o.port = (uint16_t)atoi(optarg);
			break;
		case 'M':
			o.mtu = (uint32_t)atoi(optarg);
			break;
		case 'c':
			o.corrupt = true;
			break;
		default:
			return usage();
		}
	}
	if (have != 127 || optind != argc)
		return usage();

	if (enter_ns(o.rx_ns))
		return 1;
	u4 = udp_socket(AF_INET, o.port);
	u6 = udp_socket(AF_INET6, o.port);
	if (u4 < 0 || u6 < 0) {
		fprintf(stderr, "reply_send: UDP sockets on port %u: %s\n", o.port,
			strerror(errno));
		return 1;
	}
	if (enter_ns(o.tx_ns))
		return 1;
	pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ifindex = (int)if_nametoindex(o.tx_if);
	if (pkt < 0 || !ifindex) {
		fprintf(stderr, "reply_send: packet socket on %s: %s\n", o.tx_if, strerror(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o.tx_if);
	if (ioctl(pkt, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "reply_send: %s: SIOCGIFHWADDR: %s\n", o.tx_if, strerror(errno));
		return 1;
	}
	memcpy(o.src_mac, ifr.ifr_hwaddr.sa_data, 6);
	if (run(&o, pkt, ifindex, u4, 4) || run(&o, pkt, ifindex, u6, 6))
		return 1;
	return 0;
}
