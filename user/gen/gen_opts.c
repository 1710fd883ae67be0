// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The command line of `xskfwd gen`: its own options (the frame and the
 * traffic), the shared ones it takes, and the cross-checks made before
 * anything is set up.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_mode.h"
#include "setup.h"

#define G(field) offsetof(struct gen, o.field)

static int parse_mac(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	uint8_t *mac = (uint8_t *)dst + opt->off;
	unsigned int b[6];
	char end;
	int i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':')
			break;
	if (s[i] || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6) {
		snprintf(err, XF_ERRLEN, "'%.40s' is not a MAC address like 02:58:46:00:00:02", s);
		return -EINVAL;
	}
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if (opt->off2)
		*(bool *)((char *)dst + opt->off2) = true;
	return 0;
}

static int parse_ip4(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	if (inet_pton(AF_INET, s, (char *)dst + opt->off) != 1) {
		snprintf(err, XF_ERRLEN,
			 "'%.40s' is not an IPv4 address (for IPv6 use --src-ip6/--dst-ip6)", s);
		return -EINVAL;
	}
	*(bool *)((char *)dst + opt->off2) = true;
	return 0;
}

static int parse_ip6(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	if (inet_pton(AF_INET6, s, (char *)dst + opt->off) != 1) {
		snprintf(err, XF_ERRLEN, "'%.40s' is not an IPv6 address", s);
		return -EINVAL;
	}
	((struct gen *)dst)->o.a.ipv6 = true;
	return 0;
}

/* A count with an optional k/M/G suffix (powers of 1000), in [min, max]. */
static int parse_count(void *dst, const struct xf_opt *opt, const char *s, char *err)
{
	uint64_t min = opt->min, max = opt->max ? opt->max : UINT64_MAX - 1;
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s)) {
		snprintf(err, XF_ERRLEN, "'%.40s' is not a number", s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	else if (*end == 'G')
		mul = 1000000000, end++;
	if (errno || *end || v > max / mul) {
		snprintf(err, XF_ERRLEN,
			 errno || *end ? "'%.40s' is not a number" : "%.40s is too large", s);
		return -EINVAL;
	}
	v *= mul;
	if (v < min || v > max) {
		snprintf(err, XF_ERRLEN, "%.40s is out of range (%llu..%llu)", s,
			 (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*(uint64_t *)((char *)dst + opt->off) = v;
	return 0;
}

static const struct xf_choice engines[] = {
	{ .name = "auto", .value = ENGINE_AUTO },
	{ .name = "xsk", .value = ENGINE_XSK },
	{ .name = "live", .value = ENGINE_LIVE },
	{},
};

const struct xf_opt gen_opts[] = {
	{ "dst-mac", 0, XF_OPT_FN, "MAC", G(a.dst_mac), .parse = parse_mac,
	  .help = "destination MAC (required)" },
	{ "src-mac", 0, XF_OPT_FN, "MAC", G(a.src_mac), G(have_src_mac), .parse = parse_mac,
	  .def_help = "IFACE's", .help = "source MAC" },
	{ "src-ip", 0, XF_OPT_FN, "A", G(a.src4), G(src4), .parse = parse_ip4,
	  .def_help = "198.18.0.1", .help = "IPv4 source" },
	{ "dst-ip", 0, XF_OPT_FN, "B", G(a.dst4), G(dst4), .parse = parse_ip4,
	  .def_help = "198.18.0.2", .help = "IPv4 destination" },
	{ "ipv6", 0, XF_OPT_FLAG, NULL, G(a.ipv6), .help = "IPv6 instead of IPv4" },
	{ "src-ip6", 0, XF_OPT_FN, "A", G(a.src6), .parse = parse_ip6, .def_help = "2001:db8::1",
	  .help = "IPv6 source (implies --ipv6)" },
	{ "dst-ip6", 0, XF_OPT_FN, "B", G(a.dst6), .parse = parse_ip6, .def_help = "2001:db8::2",
	  .help = "IPv6 destination (implies --ipv6)" },
	{ "sport", 0, XF_OPT_U32, "P", G(sport), .max = 65535, .def = "10000",
	  .help = "UDP source port, the first of --flows" },
	{ "dport", 0, XF_OPT_U32, "P", G(dport), .max = 65535, .def = "9000",
	  .help = "UDP destination port" },
	{ "size", 0, XF_OPT_U32, "N", G(size), .min = 1, .max = XF_GEN_MAX_FRAME,
	  .def_help = "64 for IPv4, 84 for IPv6, the smallest",
	  .help = "frame length without FCS: at least the default; at most IFACE's MTU + 14 "
		  "(live: at most 3408 with 4 KiB pages)" },
	{ "flows", 0, XF_OPT_U32, "N", G(flows), .min = 1, .max = 65536, .def = "1",
	  .help = "source ports sport .. sport+N-1, in turn" },
	{ "rate", 0, XF_OPT_FN, "PPS", G(rate), .parse = parse_count, .def = "0",
	  .help = "packets/s over all threads (0: as fast as possible); k, M, G suffixes" },
	{ "count", 0, XF_OPT_FN, "N", G(count), .min = 1, .parse = parse_count,
	  .def_help = "until stopped", .help = "stop after N frames in all (k, M, G allowed)" },
	{ "engine", 0, XF_OPT_CHOICE, NULL, G(engine), .choices = engines, .def = "auto",
	  .help = "auto: live if the kernel and IFACE can, the frames fit a live frame, and no "
		  "xsk option (--queues, --mode, --tx-budget, --frame-size) is given; xsk: AF_XDP "
		  "TX, one thread per queue; live: BPF_PROG_RUN live frames, one thread per CPU" },
	{ "tx-budget", 0, XF_OPT_U32, "N", G(tx_budget), .max = GEN_RING_SIZE, .def = "2048",
	  .help = "xsk copy mode: frames one sendto() may send, 32..2048 (0: the kernel's "
		  "default, 32)" },
	{},
};

const struct xf_opt_use gen_shared[] = {
	{ .name = "queues", .def = "0", .help = "xsk: queues to send on, one thread each" },
	{ .name = "cpus",
	  .def_help = "the first CPU this process may use",
	  .help = "CPUs for the threads, in order (xsk: round robin over the queues; live: "
		  "one thread each)" },
	{ .name = "batch",
	  .def_help = "64 for xsk, 256 for live",
	  .help = "frames per ring operation (xsk) or per kernel batch (live), 1..256" },
	{ .name = "mode",
	  .help = "xsk bind: auto (zero-copy if the driver can, else copy), "
		  "copy, or zero-copy (fail if refused)" },
	{ .name = "frame-size",
	  .def_help = "2048 while IFACE's MTU fits one 2048-byte frame, else 4096",
	  .help = "xsk: UMEM frame size, 2048 or 4096; a frame longer than one (less its 256 "
		  "bytes of headroom) goes as a chain of them (multi-buffer)" },
	{},
};

/* A frame too long for the live engine: refused with it, xsk with auto. */
static int check_live_size(struct gen *g)
{
	uint32_t max = gen_live_max_size();

	if (g->o.size <= max || g->o.engine == ENGINE_XSK)
		return 0;
	if (g->o.engine == ENGINE_LIVE)
		return xf_bad_arg("gen", "--size",
				  "%u is above the %u bytes of a live frame (the kernel runs each "
				  "in one page): use --engine xsk",
				  g->o.size, max);
	g->o.engine = ENGINE_XSK;
	snprintf(g->auto_reason, sizeof(g->auto_reason),
		 "live frames are at most %u bytes, these are %u", max, g->o.size);
	return 0;
}

/* The checks across options, before anything is set up. */
int gen_check(struct xf_run *r)
{
	struct gen *g = r->ctx;
	struct gen_opts *o = &g->o;
	bool xsk_only = xf_opt_given(&r->opts, "queues") || xf_opt_given(&r->opts, "mode") ||
			xf_opt_given(&r->opts, "tx-budget") || xf_opt_given(&r->opts, "frame-size");
	uint32_t min;
	int err;

	if (!xf_opt_given(&r->opts, "dst-mac"))
		return xf_bad_arg("gen", "--dst-mac",
				  "required: the MAC address the frames are sent to");
	if (o->count && r->o.duration)
		return xf_bad_arg("gen", "--count", "cannot be combined with --duration");
	if (o->a.ipv6 && (o->src4 || o->dst4))
		return xf_bad_arg(
			"gen", o->src4 ? "--src-ip" : "--dst-ip",
			"an IPv4 address, but the frames are IPv6 (use --src-ip6/--dst-ip6)");
	min = o->a.ipv6 ? XF_GEN_MIN_SIZE6 : XF_GEN_MIN_SIZE4;
	if (!xf_opt_given(&r->opts, "size"))
		o->size = min;
	else if (o->size < min)
		return xf_bad_arg("gen", "--size", "%u is below the minimum of %u for %s frames",
				  o->size, min, o->a.ipv6 ? "IPv6" : "IPv4");
	if (o->size > r->port[0].mtu + XF_GEN_ETH_HLEN)
		return xf_bad_arg(
			"gen", "--size", "%u does not fit the MTU %u of %s (at most %u bytes)",
			o->size, r->port[0].mtu, r->port[0].name, r->port[0].mtu + XF_GEN_ETH_HLEN);
	if (o->sport + o->flows - 1 > 65535)
		return xf_bad_arg("gen", "--flows", "sport + flows - 1 must not exceed 65535");
	if (o->tx_budget && o->tx_budget < 32)
		return xf_bad_arg("gen", "--tx-budget", "must be 0 or 32 or more");
	if (xf_opt_given(&r->opts, "batch") && r->o.batch > GEN_LIVE_MAX_BATCH)
		return xf_bad_arg("gen", "--batch", "%u is out of range (1..%u)", r->o.batch,
				  GEN_LIVE_MAX_BATCH);
	if (o->engine == ENGINE_LIVE && xsk_only)
		return xf_bad_arg(
			"gen", "--engine",
			"live does not use --queues, --mode, --tx-budget or --frame-size");
	if (xsk_only)
		o->engine = ENGINE_XSK;
	err = check_live_size(g);
	if (err)
		return err;
	/* The smaller frames while no chain is needed, as before multi-buffer. */
	if (!xf_opt_given(&r->opts, "frame-size"))
		r->o.frame_size = xf_mtu_frames(r->port[0].mtu, 2048) == 1 ? 2048 : 4096;
	o->a.sport = (uint16_t)o->sport;
	o->a.dport = (uint16_t)o->dport;
	if (!o->have_src_mac)
		memcpy(o->a.src_mac, r->port[0].mac, sizeof(o->a.src_mac));
	if (!o->src4)
		inet_pton(AF_INET, "198.18.0.1", &o->a.src4);
	if (!o->dst4)
		inet_pton(AF_INET, "198.18.0.2", &o->a.dst4);
	if (!xf_opt_given(&r->opts, "src-ip6"))
		inet_pton(AF_INET6, "2001:db8::1", &o->a.src6);
	if (!xf_opt_given(&r->opts, "dst-ip6"))
		inet_pton(AF_INET6, "2001:db8::2", &o->a.dst6);
	return 0;
}
