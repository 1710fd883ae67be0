// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One-line messages to stderr (log.h); the libraries' hooks: log_libs.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

bool xf_verbose;

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "xskfwd: %s%s\n", tag, line);
}

#define DEFINE_LOG(name, tag, cond)     \
	void name(const char *fmt, ...) \
	{                               \
		va_list ap;             \
		if (!(cond))            \
			return;         \
		va_start(ap, fmt);      \
		vlog(tag, fmt, ap);     \
		va_end(ap);             \
	}

DEFINE_LOG(xf_err, "", 1)
DEFINE_LOG(xf_warn, "warning: ", 1)
DEFINE_LOG(xf_info, "", 1)
DEFINE_LOG(xf_debug, "debug: ", xf_verbose)
