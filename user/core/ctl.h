/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The control socket: `xskfwd ctl PORT COMMAND` asks a running instance.
 *
 * Where: every running instance of a mode with .ctl_stats (forward, route)
 * listens on one Unix stream socket per interface it holds,
 * /run/xskfwd/NETNS-IFINDEX.sock (port.h: xf_port_run_path, the key of the
 * port's lock file), directory 0755, socket 0600 (root). The network
 * namespace's inode is in the name because `ip netns exec` shares /run, and
 * the client finds it from PORT in its own namespace. A socket file is only
 * ever made by the holder of the port's lock, so one found at start was left
 * by a killed run and is replaced; it is removed at exit (before the drain).
 *
 * Protocol: one request per connection, one line of text, "COMMAND" or
 * "COMMAND --json" (words from the command table in ctl.c, as bpftool's),
 * at most CTL_MAX_REQ bytes with its '\n' (a request without '\n' ends at
 * the client's shutdown(SHUT_WR)). The answer is the command's records (the
 * output writer, out.h: text, or one JSON object per line), or one line
 * "error: REASON"; then the server closes the connection. Oversized,
 * malformed or unknown requests, and clients that send nothing complete
 * within CTL_TIMEOUT_MS, get an error line and are counted (the "ctl"
 * record of `stats`).
 *
 * Served by one thread of its own, started after the pollers, with an
 * affinity of the allowed CPUs no poller is pinned to (xf_run_spare_cpus).
 * It polls the listening sockets and up to CTL_MAX_CLIENTS clients at once,
 * never blocks on a client (non-blocking sockets; a reply is sent with
 * MSG_DONTWAIT, and what the socket buffer does not take is cut), and reads
 * the counters as --metrics does, so no client slows a poller.
 */
#ifndef XF_CTL_H
#define XF_CTL_H

#include <stdio.h>

#include "run.h"

#define CTL_MAX_REQ 4096
#define CTL_MAX_CLIENTS 64
#define CTL_TIMEOUT_MS 2000

/* Serve @r's control socket (modes with .ctl_stats); a failure is a
 * warning, the run goes on without it. */
void xf_ctl_start(struct xf_run *r);
/* Stop serving, remove the socket files; safe when never started. */
void xf_ctl_stop(struct xf_run *r);

/* `xskfwd ctl ...` (@argv[0] is "ctl"): the exit status. */
int xf_ctl_main(int argc, char **argv);
/* The generated sections of xskfwd-ctl(8), in scdoc(5). */
void xf_ctl_scdoc(const char *what, FILE *f);

#endif
