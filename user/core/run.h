/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one lifecycle every mode runs through (after xdp-tools' xsk_ctx and
 * sample_run: a mode supplies data and callbacks, never its own main loop).
 *
 * A mode declares itself in a struct xf_mode: its name, what its arguments
 * are, the shared options it takes and its own, the size of its context,
 * and callbacks. xf_run_mode() then does, in this order:
 *   1. parse the options (defaults first); --help, --version
 *   2. check the arguments before anything is set up: the interfaces exist,
 *      every --queues entry exists on every one, every --cpus entry is usable,
 *      then the mode's own cross-checks (.check). Any error: one line, exit 2
 *   3. SIGINT, SIGTERM and SIGHUP blocked and taken through a signalfd by
 *      this thread only (pollers inherit the mask); SIGPIPE ignored
 *   4. ports: each interface locked (XF_MODE_PORTS); .setup builds the rest
 *      (UMEM, sockets, classifier through xf_run_attach) and registers its
 *      threads (xf_run_thread)
 *   5. the start record, the threads started and pinned; the control
 *      socket (ctl.h) served, for modes with .ctl_stats; then READY=1 to
 *      systemd (sd_notify: nothing outside a Type=notify unit)
 *   6. once a second, .rate; until a signal, --duration, a thread's failure
 *      or .finished; then STOPPING=1 to systemd
 *   7. the control socket closed; .drain (the threads still run: forward
 *      empties its rings), the stop
 *      flag, .interrupt while joining, then .stopped (the threads are gone)
 *   8. .summary, then each thread's stop record, once per distinct message
 *   9. the classifiers detached, .teardown, the ports closed
 * Exit status: 0 clean stop, 1 run-time error (set-up, or a thread stopped
 * on an error), 2 bad arguments.
 */
#ifndef XF_RUN_H
#define XF_RUN_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "opt.h"
#include "out.h"
#include "port.h"
#include "shared_opts.h"

enum {
	XF_EXIT_OK = 0,
	XF_EXIT_ERROR = 1,
	XF_EXIT_USAGE = 2,
};

struct xf_run;

/*
 * A thread the lifecycle starts, pins and joins. A mode embeds one in each
 * of its poller structs. A thread that stops on an error records it with
 * xf_thread_fail() and returns; the reporter notices at once.
 */
struct xf_thread {
	void *(*fn)(void *);
	void *arg;
	int cpu; /* -1: not pinned */
	struct xf_run *run;
	pthread_t tid;
	bool started;
	/* the stop record, written by the thread before it returns */
	int error; /* -errno; 0: none */
	const char *port;
	int queue; /* -1: none */
	const char *what;
};

/* Flags of a mode. */
#define XF_MODE_PORTS (1u << 0) /* lock its interfaces; the core detaches and closes them */

struct xf_mode {
	const char *name;
	const char *args;  /* "IF_A IF_B" */
	const char *about; /* the paragraph of `xskfwd NAME --help` */
	const char *notes; /* after the options, or NULL */
	uint32_t min_ifaces, max_ifaces;
	uint32_t flags;
	uint32_t default_cpus; /* --cpus default: this many allowed CPUs (0: all) */
	const struct xf_opt_use *shared;
	const struct xf_opt *opts;
	size_t ctx_size;
	/* Cross-checks of the options, before set-up: 0, or xf_bad_arg()'s 2. */
	int (*check)(struct xf_run *r);
	/* Everything the mode needs; 0 or -errno after one line. */
	int (*setup)(struct xf_run *r);
	/* Members of the start record, and its text lines. */
	void (*start)(struct xf_run *r, struct xf_out *o);
	/* Once a second: @t since start, @dt since the last. */
	void (*rate)(struct xf_run *r, struct xf_out *o, double t, double dt);
	bool (*finished)(struct xf_run *r);
	void (*drain)(struct xf_run *r);
	void (*interrupt)(struct xf_run *r);
	void (*stopped)(struct xf_run *r);
	void (*summary)(struct xf_run *r, struct xf_out *o, double secs);
	void (*teardown)(struct xf_run *r);
	/*
	 * A command that does its work once (status, unload) instead of steps
	 * 3-9: called after step 2 (no --config, no --duration; its interfaces
	 * are looked up, not locked); returns the exit status.
	 */
	int (*once)(struct xf_run *r);
	/* Every counter, as the summary prints them @secs after the start,
	 * for `xskfwd ctl PORT stats` (from the control thread, ctl.h); NULL:
	 * the mode has no control socket. */
	void (*ctl_stats)(struct xf_run *r, struct xf_out *o, double secs);
};

struct xf_run {
	const struct xf_mode *mode;
	void *ctx; /* the mode's, ctx_size bytes, zeroed */
	struct xf_shared_opts o;
	struct xf_optset opts;
	struct xf_port port[XF_MAX_PORTS]; /* the interfaces, in argument order */
	uint32_t nports;
	struct xf_out out;
	atomic_bool stop;   /* threads read it (relaxed) */
	atomic_bool failed; /* a thread stopped on an error */
	int wake_fd;	    /* eventfd: a thread failed or finished */
	int sig_fd;
	struct xf_thread **threads;
	uint32_t nthreads, cap;
	uint64_t start_ns;
	uint32_t max_queue;
	bool sg;	     /* multi-buffer: a port's MTU needs frame chains (xf_check_mtu) */
	uint32_t chain_need; /* ... of up to this many frames */
	struct xf_ctl *ctl;  /* the control socket's server, or NULL */
};

/* Run @m with the arguments after the program's name; returns the exit status. */
int xf_run_mode(const struct xf_mode *m, int argc, char **argv);

/* `xskfwd NAME --help`. */
void xf_run_help(const struct xf_mode *m, FILE *f);

/*
 * The same as scdoc(5) sections (NAME, saying @what; SYNOPSIS, DESCRIPTION,
 * OPTIONS, EXIT STATUS) for xskfwd-NAME(8): `xskfwd NAME --help-scdoc`.
 */
void xf_run_scdoc(const struct xf_mode *m, const char *what, FILE *f);

/* Register @t (fn, arg, cpu set) to be started after set-up. 0 or -ENOMEM. */
int xf_run_thread(struct xf_run *r, struct xf_thread *t);

/* From a thread: record why it stops, and wake the reporter. */
void xf_thread_fail(struct xf_thread *t, int err, const char *port, int queue, const char *what);
/* From a thread: it has finished its work (wakes the reporter to ask .finished). */
void xf_thread_wake(struct xf_thread *t);

/*
 * One poller per queue in use: *@arr becomes a zeroed array of --queues'
 * count of @size-byte pollers, then @setup(r, i) runs for each, in order.
 * 0, or the first -errno (-ENOMEM).
 */
int xf_run_pollers(struct xf_run *r, void **arr, size_t size,
		   int (*setup)(struct xf_run *r, uint32_t i));

/* The CPU for the @i-th poller: --cpus round robin. */
int xf_run_cpu(const struct xf_run *r, uint32_t i);

/*
 * The calling thread's allowed CPUs no registered thread is pinned to, into
 * @set: where a helper thread (--metrics, the control socket) runs. false:
 * none (or unknown); @set is then the caller's whole affinity.
 */
bool xf_run_spare_cpus(const struct xf_run *r, cpu_set_t *set);

/* CLOCK_MONOTONIC in ns. */
uint64_t xf_now_ns(void);

/* The version, with the git commit when built from a checkout. */
const char *xf_version(void);

#endif
