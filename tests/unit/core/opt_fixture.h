/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The option table of a pretend mode that the unit tests of the option
 * parser (test_opt.c) and of the config loader (test_conf.c) share: one of
 * every option type, stored in struct ctx. Each test keeps its own list of
 * shared options (struct xf_opt_use).
 */
#ifndef XF_TEST_OPT_FIXTURE_H
#define XF_TEST_OPT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "opt.h"

struct ctx {
	uint32_t n;
	bool flag;
	const char *name;
	int color;
	uint32_t list[XF_MAX_LIST], nlist;
};

static const struct xf_choice colors[] = {
	{ .name = "red", .value = 1 },
	{ .name = "blue", .value = 2 },
	{ .name = "azure", .value = 2, .alias = true },
	{},
};

static const struct xf_opt own[] = {
	{ "count", 'c', XF_OPT_U32, "N", offsetof(struct ctx, n), .min = 1, .max = 100, .def = "10",
	  .help = "how many" },
	{ "flag", 0, XF_OPT_FLAG, NULL, offsetof(struct ctx, flag), .help = "a flag" },
	{ "name", 0, XF_OPT_STR, "S", offsetof(struct ctx, name), .help = "a name" },
	{ "color", 0, XF_OPT_CHOICE, NULL, offsetof(struct ctx, color), .choices = colors,
	  .def = "red", .help = "a color" },
	{ "list", 0, XF_OPT_LIST, "L", offsetof(struct ctx, list), offsetof(struct ctx, nlist),
	  .max = 63, .help = "a list" },
	{},
};

#endif
