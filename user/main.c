// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd: the program's entry point. A table of subcommands and a small
 * dispatcher that also accepts unique prefixes (as bpftool does).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

#ifndef XF_VERSION
#define XF_VERSION "0.1"
#endif

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
};

static int do_help(int argc, char **argv);
static int do_version(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "forward", do_forward, "forward frames between two interfaces through AF_XDP" },
	{ "gen", do_gen, "send UDP test traffic a sink can check (AF_XDP or live XDP frames)" },
	{ "help", do_help, "show this text" },
	{ "serve", do_serve, "serve files over TFTP, every reply built in a UMEM frame" },
	{ "sink", do_sink, "receive the generator's frames: loss, reordering, latency" },
	{ "version", do_version, "show the version" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int do_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	printf("Usage: xskfwd COMMAND [options]   (xskfwd COMMAND --help for its options)\n\n"
	       "An AF_XDP packet forwarder: chosen traffic bypasses the kernel's network\n"
	       "stack, everything else reaches it untouched.\n\nCommands:\n");
	for (i = 0; i < NCMDS; i++)
		printf("  %-10s %s\n", cmds[i].name, cmds[i].what);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("xskfwd %s\n", XF_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *found = NULL;
	size_t i, len;

	if (argc < 2) {
		do_help(0, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return do_help(0, NULL);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return do_version(0, NULL);
	len = strlen(argv[1]);
	for (i = 0; i < NCMDS; i++) {
		if (strncmp(cmds[i].name, argv[1], len))
			continue;
		if (cmds[i].name[len] == '\0') {
			found = &cmds[i];
			break;
		}
		if (found) {
			xf_err("'%s' is ambiguous (see xskfwd help)", argv[1]);
			return 2;
		}
		found = &cmds[i];
	}
	if (!found || !len) {
		xf_err("unknown command '%s' (see xskfwd help)", argv[1]);
		return 2;
	}
	return found->fn(argc - 1, argv + 1);
}
