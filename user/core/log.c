// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One-line messages to stderr (log.h); the libraries' hooks: log_libs.c.
 *
 * Three styles, chosen once by xf_log_init() from what stderr is:
 * - a terminal: "xskfwd: text", as a person reads it;
 * - the journal (systemd's JOURNAL_STREAM names stderr's device and inode):
 *   "<N>text", N the syslog priority (3 error, 4 warning, 6 info, 7 debug),
 *   which journald turns into the entry's PRIORITY (SyslogLevelPrefix=, on by
 *   default); no "xskfwd: " and no time stamp: journald adds the identifier
 *   ("xskfwd[PID]:") and stamps every entry itself;
 * - anything else (a file, a pipe, another supervisor): the wall-clock time
 *   first, "2025-01-31T12:00:00.123Z xskfwd: text", the records' "time" format.
 * XSKFWD_LOG_TIME=0 in the environment drops the stamp of the last style, for
 * scripts that read the one error line (the integration tests do).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "out.h"

bool xf_verbose;

enum style { PLAIN, JOURNAL, STAMPED };
static enum style style = PLAIN;

/* JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void xf_log_init(void)
{
	const char *t = getenv("XSKFWD_LOG_TIME");

	if (isatty(STDERR_FILENO))
		style = PLAIN;
	else if (stderr_is_journal())
		style = JOURNAL;
	else
		style = t && !strcmp(t, "0") ? PLAIN : STAMPED;
}

static void vlog(int prio, const char *tag, const char *fmt, va_list ap)
{
	char line[1024], now[40];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (style == JOURNAL)
		fprintf(stderr, "<%d>%s%s\n", prio, tag, line);
	else if (style == STAMPED)
		fprintf(stderr, "%s xskfwd: %s%s\n", xo_wall_clock(now, sizeof(now)), tag, line);
	else
		fprintf(stderr, "xskfwd: %s%s\n", tag, line);
}

#define DEFINE_LOG(name, prio, tag, cond) \
	void name(const char *fmt, ...)   \
	{                                 \
		va_list ap;               \
		if (!(cond))              \
			return;           \
		va_start(ap, fmt);        \
		vlog(prio, tag, fmt, ap); \
		va_end(ap);               \
	}

DEFINE_LOG(xf_err, 3, "", 1)
DEFINE_LOG(xf_warn, 4, "warning: ", 1)
DEFINE_LOG(xf_info, 6, "", 1)
DEFINE_LOG(xf_debug, 7, "debug: ", xf_verbose)
