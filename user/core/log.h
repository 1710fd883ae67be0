/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Messages to the user: one line each, to stderr, prefixed "xskfwd: ".
 * libbpf's and libxdp's own messages are routed here too, shown only with
 * --verbose (their warnings are often expected, e.g. a dispatcher fallback).
 * Never called from a datapath loop: pollers count, they do not print.
 * On the journal each line carries its syslog priority instead, elsewhere
 * off a terminal the wall-clock time (log.c).
 */
#ifndef XF_LOG_H
#define XF_LOG_H

#include <stdbool.h>

extern bool xf_verbose;

void xf_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xf_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Choose the style from what stderr is (log.c); main() calls it first. */
void xf_log_init(void);
/* Route libbpf and libxdp output through xf_debug. */
void xf_log_libs(void);

#endif
