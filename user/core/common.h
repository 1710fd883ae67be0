/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every subcommand (forward, gen, sink) does the same way: signals taken
 * by the reporting thread, CPU choice and pinning, the clock, and the one-line
 * explanations of the set-up failures users meet most (bind, MTU).
 */
#ifndef XF_COMMON_H
#define XF_COMMON_H

#include <signal.h>
#include <stdint.h>

#include "port.h"
#include "rl.h"

/*
 * Block SIGINT and SIGTERM in the calling thread, so every thread started
 * after it inherits the mask and only the reporting thread takes them (with
 * sigtimedwait on @sigs); ignore SIGPIPE (stdout may be a closed pipe).
 */
void xf_block_signals(sigset_t *sigs);

/*
 * Check that each of the @n CPUs in @cpus is one this process may use
 * (one-line error naming it otherwise: -EINVAL); when @n is 0, fill @cpus
 * with the first @max usable CPUs. Returns 0 or -errno.
 */
int xf_choose_cpus(uint32_t *cpus, uint32_t *n, uint32_t max);

/* Pin the calling thread to @cpu (>= 0); best effort, placement was reported. */
void xf_pin_self(int cpu);

/* CLOCK_MONOTONIC in ns and in s. */
uint64_t xf_now_ns(void);
double xf_now_s(void);

const char *xf_bind_mode_name(enum rl_bind_mode m);

/*
 * One line for the error @err that stopped the poller of @ifname queue @q:
 * an unbound socket (ENXIO) or sk_err ENETDOWN/ENODEV means the device is
 * gone, and says so; anything else is named with strerror.
 */
void xf_report_poller_error(const char *ifname, uint32_t q, int err);

/* --mode: auto, copy, zero-copy (or zc). Returns 0 or -EINVAL. */
int xf_parse_bind_mode(const char *s, enum rl_bind_mode *m);
/* --xdp-mode: native (or drv), skb (or generic). Returns 0 or -EINVAL. */
int xf_parse_xdp_mode(const char *s, enum xdp_attach_mode *m);

/*
 * One line for a failed AF_XDP bind of @ifname queue @q in @mode: the
 * likely cause and what to do. @nqueues 0: the queue count is unknown.
 */
void xf_explain_bind_error(const char *ifname, const char *driver, uint32_t nqueues, uint32_t q,
			   enum rl_bind_mode mode, int err);

/*
 * The largest frame @p receives (MTU + Ethernet + one VLAN tag) must fit a
 * @frame_size UMEM frame after the kernel's 256 bytes of headroom. Returns 0,
 * or -EMSGSIZE after a one-line error saying what to change.
 */
int xf_check_mtu(const struct xf_port *p, uint32_t frame_size);

#endif
