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
#include <sys/socket.h>

#define XF_ERRLEN 160
#define XF_MAX_LIST 256

/* A decimal (or 0x hex) integer in [min, max]. */
int xf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out, char *err);

/*
 * A list like "0-3,6,8-9" of integers in [0, max], ascending and without
 * repeats in the result. Returns the count in *n (at most XF_MAX_LIST).
 */
int xf_parse_list(const char *s, uint32_t max, uint32_t *out, uint32_t *n, char *err);

/*
 * A listening address "IPv4:PORT" or "[IPv6]:PORT" (PORT 1-65535), e.g.
 * "127.0.0.1:9100", "[::1]:9100", "0.0.0.0:9100", into @sa (sockaddr_in or
 * sockaddr_in6) and its length @len.
 */
int xf_parse_addr_port(const char *s, struct sockaddr_storage *sa, socklen_t *len, char *err);

#endif
