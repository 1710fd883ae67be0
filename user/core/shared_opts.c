// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The shared options' declarations (shared_opts.h, opt.h). */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"
#include "opt.h"
#include "rules.h"
#include "shared_opts.h"

#define S(field) offsetof(struct xf_shared_opts, field)

static const struct xf_choice bind_modes[] = {
	{ .name = "auto", .value = RL_MODE_AUTO },
	{ .name = "copy", .value = RL_MODE_COPY },
	{ .name = "zero-copy", .value = RL_MODE_ZEROCOPY },
	{ .name = "zc", .value = RL_MODE_ZEROCOPY, .alias = true },
	{},
};

static const struct xf_choice xdp_modes[] = {
	{ .name = "native", .value = XDP_MODE_NATIVE },
	{ .name = "skb", .value = XDP_MODE_SKB },
	{ .name = "drv", .value = XDP_MODE_NATIVE, .alias = true },
	{ .name = "generic", .value = XDP_MODE_SKB, .alias = true },
	{},
};

static int parse_match(void *dst, const struct xf_opt *opt, const char *arg, char *err)
{
	struct xf_shared_opts *c = dst;
	char why[XF_ERRLEN];

	(void)opt;
	if (c->nrules == XF_MAX_RULES) {
		snprintf(err, XF_ERRLEN, "more than %d rules", XF_MAX_RULES);
		return -EINVAL;
	}
	if (xf_rule_parse(arg, &c->rules[c->nrules], why)) {
		snprintf(err, XF_ERRLEN, "'%.60s': %.90s", arg, why);
		return -EINVAL;
	}
	c->rule_text[c->nrules++] = arg;
	return 0;
}

static int parse_busy_poll(void *dst, const struct xf_opt *opt, const char *arg, char *err)
{
	struct xf_shared_opts *c = dst;

	(void)opt;
	c->busy_poll_us = 20;
	return arg ? xf_parse_u32(arg, 1, 1000000, &c->busy_poll_us, err) : 0;
}

const struct xf_opt xf_common_opts[] = {
	{ "queues", 0, XF_OPT_LIST, "LIST", S(queues), S(nqueues), .max = 4095,
	  .def_help = "every rx queue",
	  .help = "queues to serve, e.g. 0-3,6; one pinned poller per queue" },
	{ "cpus", 0, XF_OPT_LIST, "LIST", S(cpus), S(ncpus), .max = CPU_SETSIZE - 1,
	  .def_help = "every CPU this process may use",
	  .help = "CPUs for the pollers, in order, round robin" },
	{ "match", 0, XF_OPT_FN, "RULE", .parse = parse_match, .repeat = true,
	  .help = "take only frames matching RULE (repeatable, up to 64; any may match). RULE is "
		  "words from: ip | ip6 | src PREFIX | dst PREFIX | tcp | udp | sctp | icmp | "
		  "icmp6 | proto N | sport P[-Q] | dport P[-Q] | ethertype N | vlan ID | any; "
		  "e.g. 'udp dport 4789', 'ip6 dst 2001:db8::/32'" },
	{ "mode", 0, XF_OPT_CHOICE, NULL, S(bind_mode), .choices = bind_modes, .def = "auto",
	  .help = "AF_XDP bind: auto (zero-copy if the driver can, else copy), copy, or "
		  "zero-copy (fail if refused)" },
	{ "xdp-mode", 0, XF_OPT_CHOICE, NULL, S(xdp_mode), .choices = xdp_modes, .def = "native",
	  .help = "where the classifier runs: native (in the driver) or skb "
		  "(generic, for drivers without XDP)" },
	{ "frame-size", 0, XF_OPT_U32, "N", S(frame_size), .min = 2048, .max = 4096, .pow2 = true,
	  .def = "4096", .help = "UMEM frame size, 2048 or 4096" },
	{ "ring-size", 0, XF_OPT_U32, "N", S(ring_size), .min = 64, .max = 16384, .pow2 = true,
	  .def = "2048",
	  .help = "rx/tx ring entries, a power of two; fill and completion rings get twice as "
		  "many" },
	{ "batch", 0, XF_OPT_U32, "N", S(batch), .min = 1, .max = 1024, .def = "64",
	  .help = "descriptors moved per ring operation" },
	{ "no-need-wakeup", 0, XF_OPT_FLAG, NULL, S(no_need_wakeup),
	  .help = "kick the kernel on every loop (for benchmarks)" },
	{ "spin-us", 0, XF_OPT_U32, "N", S(spin_us), .min = 0, .max = 1000000, .def = "200",
	  .help = "keep polling idle rings N us before sleeping in poll(); spinning keeps "
		  "throughput, 0 leaves the CPU to others sharing it" },
	{ "busy-poll", 0, XF_OPT_FN, "US", .parse = parse_busy_poll, .optional_arg = true,
	  .help = "pollers run the devices' NAPI themselves and never sleep "
		  "(SO_PREFER_BUSY_POLL; US per call, 20 if not given)" },
	{ "config", 0, XF_OPT_STR, "FILE", S(config), .no_json = true,
	  .help = "read options from FILE (YAML: each option by its long name, and "
		  "'interfaces'); the command line overrides it" },
	{ "duration", 0, XF_OPT_U32, "S", S(duration), .min = 1, .max = 86400 * 365,
	  .def_help = "until a signal", .help = "stop after S seconds" },
	{ "json", 0, XF_OPT_FLAG, NULL, S(json), .help = "JSON lines instead of text" },
	{ "verbose", 'v', XF_OPT_FLAG, NULL, S(verbose), .no_json = true,
	  .help = "also show libbpf/libxdp messages" },
	{ "help", 'h', XF_OPT_FLAG, NULL, S(help), .no_json = true, .help = "this text" },
	{ "version", 'V', XF_OPT_FLAG, NULL, S(version), .no_json = true, .help = "the version" },
	{},
};
