// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xskfwd: the program's entry point. A table of subcommands and a small
 * dispatcher that also accepts unique prefixes (as bpftool does); every mode
 * is run by the one lifecycle (core/run.h).
 *
 * The man pages are built from the same tables (Makefile, docs/man/): the
 * hidden `xskfwd --help-scdoc` prints the COMMANDS section of xskfwd(8), and
 * `xskfwd MODE --help-scdoc` the generated sections of xskfwd-MODE(8).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

struct cmd {
	const char *name;
	const struct xf_mode *mode; /* NULL: one of the commands below */
	const char *what;
};

static const struct cmd cmds[] = {
	{ "forward", &xf_forward_mode, "forward frames between two interfaces through AF_XDP" },
	{ "gen", &xf_gen_mode,
	  "send UDP test traffic a sink can check (AF_XDP or live XDP frames)" },
	{ "help", NULL, "show this text, or a command's: xskfwd help COMMAND" },
	{ "route", &xf_route_mode,
	  "route IP between interfaces, next hops from the kernel's routing tables" },
	{ "serve", &xf_serve_mode, "serve files over TFTP, every reply built in a UMEM frame" },
	{ "sink", &xf_sink_mode, "receive the generator's frames: loss, reordering, latency" },
	{ "status", &xf_status_mode,
	  "list the XDP programs on every interface: ours running, ours left behind, foreign" },
	{ "unload", &xf_unload_mode, "remove a classifier of ours a killed xskfwd left behind" },
	{ "version", NULL, "show the version" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: xskfwd COMMAND [options]   (xskfwd COMMAND --help for its options)\n\n"
		   "An AF_XDP packet forwarder: chosen traffic bypasses the kernel's network\n"
		   "stack, everything else reaches it untouched.\n\nCommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].what);
}

/* The COMMANDS section of xskfwd(8), in scdoc(5). */
static void scdoc_commands(FILE *f)
{
	size_t i;

	fprintf(f, "# COMMANDS\n\n");
	for (i = 0; i < NCMDS; i++) {
		fprintf(f, "*%s*\n\t", cmds[i].name);
		xf_scdoc_text(f, cmds[i].what);
		if (cmds[i].mode)
			fprintf(f, "; see *xskfwd-%s*(8)", cmds[i].name);
		fprintf(f, "\n\n");
	}
}

/* The command @name names, exactly or as a unique prefix; NULL after a line. */
static const struct cmd *find(const char *name)
{
	const struct cmd *found = NULL;
	size_t i, len = strlen(name);

	for (i = 0; len && i < NCMDS; i++) {
		if (strncmp(cmds[i].name, name, len))
			continue;
		if (cmds[i].name[len] == '\0')
			return &cmds[i];
		if (found) {
			xf_err("'%s' is ambiguous (see xskfwd help)", name);
			return NULL;
		}
		found = &cmds[i];
	}
	if (!found)
		xf_err("unknown command '%s' (see xskfwd help)", name);
	return found;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	xf_log_init();
	if (argc < 2) {
		usage(stderr);
		return XF_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return XF_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help-scdoc")) {
		scdoc_commands(stdout);
		return XF_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("xskfwd %s\n", xf_version());
		return XF_EXIT_OK;
	}
	c = find(argv[1]);
	if (!c)
		return XF_EXIT_USAGE;
	if (c->mode && argc == 3 && !strcmp(argv[2], "--help-scdoc")) {
		xf_run_scdoc(c->mode, c->what, stdout);
		return XF_EXIT_OK;
	}
	if (c->mode)
		return xf_run_mode(c->mode, argc - 1, argv + 1);
	if (!strcmp(c->name, "version")) {
		printf("xskfwd %s\n", xf_version());
		return XF_EXIT_OK;
	}
	if (argc > 2) { /* help COMMAND */
		c = find(argv[2]);
		if (!c)
			return XF_EXIT_USAGE;
		if (c->mode) {
			xf_run_help(c->mode, stdout);
			return XF_EXIT_OK;
		}
	}
	usage(stdout);
	return XF_EXIT_OK;
}
