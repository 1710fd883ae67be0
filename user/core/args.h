/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Strict parsing of command-line values. Each parser returns 0, or -EINVAL
 * after writing a one-line reason into err (what was wrong with the text),
 * which the caller prefixes with the option's name.
 */
#ifndef XF_ARGS_H
#define XF_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XF_ERRLEN 160
#define XF_MAX_LIST 256

/* A decimal (or 0x hex) integer in [min, max]. */
int xf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out, char *err);

/*
 * A list like "0-3,6,8-9" of integers in [0, max], ascending and without
 * repeats in the result. Returns the count in *n (at most XF_MAX_LIST).
 */
int xf_parse_list(const char *s, uint32_t max, uint32_t *out, uint32_t *n, char *err);

#endif
