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
#include "ctl.h"
#include "log.h"

struct cmd {
	const char *name;
	const struct xf_mode *mode; /* NULL: one of the commands below */
	const char *what;
	/* A command that is not a mode but has its own page: its entry point
	 * (argv[0] is its name) and the generated part of xskfwd-NAME(8). */
	int (*run)(int argc, char **argv);
	void (*scdoc)(const char *what, FILE *f);
};

static const struct cmd cmds[] = {
	{ .name = "ctl",
	  .what = "ask a running forward or route instance: status, stats",
	  .run = xf_ctl_main,
	  .scdoc = xf_ctl_scdoc },
	{ .name = "forward",
	  .mode = &xf_forward_mode,
	  .what = "forward frames between two interfaces through AF_XDP" },
	{ .name = "gen",
	  .mode = &xf_gen_mode,
	  .what = "send UDP test traffic a sink can check (AF_XDP or live XDP frames)" },
	{ .name = "help", .what = "show this text, or a command's: xskfwd help COMMAND" },
	{ .name = "route",
	  .mode = &xf_route_mode,
	  .what = "route IP between interfaces, next hops from the kernel's routing tables" },
	{ .name = "serve",
	  .mode = &xf_serve_mode,
	  .what = "serve files over TFTP, every reply built in a UMEM frame" },
	{ .name = "sink",
	  .mode = &xf_sink_mode,
	  .what = "receive the generator's frames: loss, reordering, latency" },
	{ .name = "status",
	  .mode = &xf_status_mode,
	  .what = "list the XDP programs on every interface: ours running, ours left behind, "
		  "foreign" },
	{ .name = "unload",
	  .mode = &xf_unload_mode,
	  .what = "remove a classifier of ours a killed xskfwd left behind" },
	{ .name = "version", .what = "show the version" },
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
		if (cmds[i].mode || cmds[i].scdoc)
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
	if (argc == 3 && !strcmp(argv[2], "--help-scdoc") && (c->mode || c->scdoc)) {
		if (c->mode)
			xf_run_scdoc(c->mode, c->what, stdout);
		else
			c->scdoc(c->what, stdout);
		return XF_EXIT_OK;
	}
	if (c->run)
		return c->run(argc - 1, argv + 1);
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
		if (c->run) {
			char *help[] = { (char *)c->name, "--help", NULL };

			return c->run(2, help);
		}
	}
	usage(stdout);
	return XF_EXIT_OK;
}
