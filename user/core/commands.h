/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Subcommands of the xskfwd program. Each takes the arguments after its own
 * name (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 runtime error, 2 bad arguments.
 */
#ifndef XF_COMMANDS_H
#define XF_COMMANDS_H

int do_forward(int argc, char **argv);
int do_gen(int argc, char **argv);
int do_sink(int argc, char **argv);
int do_serve(int argc, char **argv);

#endif
