// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libbpf's and libxdp's messages through our logger (log.h), shown with
 * --verbose only. Apart from log.c so that what links the logger (the unit
 * tests) need not link the libraries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static int print_lib(const char *lib, const char *fmt, va_list ap)
{
	char line[1024];
	size_t skip;
	int n;

	if (!xf_verbose)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	/* The libraries end their lines with '\n'; ours add one. */
	if (n > 0 && (size_t)n < sizeof(line) && line[n - 1] == '\n')
		line[n - 1] = '\0';
	/* Most of their lines carry their own "libbpf: " prefix already. */
	skip = strlen(lib);
	if (strncmp(line, lib, skip) || strncmp(line + skip, ": ", 2))
		skip = 0;
	else
		skip += 2;
	fprintf(stderr, "xskfwd: %s: %s\n", lib, line + skip);
	return n;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return print_lib("libbpf", fmt, ap);
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return print_lib("libxdp", fmt, ap);
}

void xf_log_libs(void)
{
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}
