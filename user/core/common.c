// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Set-up pieces the subcommands share (see common.h). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "log.h"

#define XDP_PACKET_HEADROOM_ 256
#define ETH_HLEN_ 14
#define VLAN_HLEN_ 4

void xf_block_signals(sigset_t *sigs)
{
	sigemptyset(sigs);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int xf_choose_cpus(uint32_t *cpus, uint32_t *n, uint32_t max)
{
	cpu_set_t set;
	uint32_t i;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set)) {
		xf_err("cannot read the CPUs this process may use: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; i < *n; i++) {
		if (cpus[i] >= CPU_SETSIZE || !CPU_ISSET(cpus[i], &set)) {
			xf_err("--cpus: CPU %u is not available to this process (%d allowed)",
			       cpus[i], CPU_COUNT(&set));
			return -EINVAL;
		}
	}
	if (*n)
		return 0;
	for (c = 0; c < CPU_SETSIZE && *n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[(*n)++] = (uint32_t)c;
	return *n ? 0 : -EINVAL;
}

void xf_pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

uint64_t xf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double xf_now_s(void)
{
	return (double)xf_now_ns() / 1e9;
}

const char *xf_bind_mode_name(enum rl_bind_mode m)
{
	return m == RL_MODE_COPY ? "copy" : m == RL_MODE_ZEROCOPY ? "zero-copy" : "auto";
}

void xf_explain_bind_error(const char *ifname, const char *driver, uint32_t nqueues, uint32_t q,
			   enum rl_bind_mode mode, int err)
{
	if (err == -EOPNOTSUPP && mode == RL_MODE_ZEROCOPY)
		xf_err("%s/q%u: zero-copy bind refused: driver %s has no AF_XDP zero-copy "
		       "support (use --mode auto or --mode copy)",
		       ifname, q, driver);
	else if (err == -EINVAL && nqueues && q >= nqueues)
		xf_err("%s/q%u: bind: %s (the interface has %u queue%s: 0-%u)", ifname, q,
		       strerror(-err), nqueues, nqueues == 1 ? "" : "s", nqueues - 1);
	else if (err == -EINVAL && !nqueues)
		xf_err("%s/q%u: bind: %s (does %s have queue %u?)", ifname, q, strerror(-err),
		       ifname, q);
	else if (err == -EPERM)
		xf_err("%s/q%u: creating an AF_XDP socket needs CAP_NET_RAW (or root)", ifname, q);
	else if (err == -EBUSY)
		xf_err("%s/q%u: bind: queue busy (another AF_XDP socket is bound to it)", ifname,
		       q);
	else
		xf_err("%s/q%u: bind (%s mode): %s", ifname, q, xf_bind_mode_name(mode),
		       strerror(-err));
}

int xf_check_mtu(const struct xf_port *p, uint32_t frame_size)
{
	uint32_t max_mtu = frame_size - XDP_PACKET_HEADROOM_ - ETH_HLEN_ - VLAN_HLEN_;

	if (p->mtu <= max_mtu)
		return 0;
	if (frame_size < 4096)
		xf_err("%s: MTU %u does not fit %u-byte frames (at most MTU %u): use "
		       "--frame-size 4096, or lower the MTU (ip link set dev %s mtu %u)",
		       p->name, p->mtu, frame_size, max_mtu, p->name, max_mtu);
	else
		xf_err("%s: MTU %u does not fit %u-byte frames (at most MTU %u; multi-buffer "
		       "frames are not supported): lower the MTU (ip link set dev %s mtu %u)",
		       p->name, p->mtu, frame_size, max_mtu, p->name, max_mtu);
	return -EMSGSIZE;
}

int xf_parse_bind_mode(const char *s, enum rl_bind_mode *m)
{
	if (!strcmp(s, "auto"))
		*m = RL_MODE_AUTO;
	else if (!strcmp(s, "copy"))
		*m = RL_MODE_COPY;
	else if (!strcmp(s, "zero-copy") || !strcmp(s, "zc"))
		*m = RL_MODE_ZEROCOPY;
	else
		return -EINVAL;
	return 0;
}

int xf_parse_xdp_mode(const char *s, enum xdp_attach_mode *m)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*m = XDP_MODE_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*m = XDP_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

void xf_report_poller_error(const char *ifname, uint32_t q, int err)
{
	if (err == -ENXIO || err == -ENETDOWN || err == -ENODEV)
		xf_err("%s: the interface went away (deleted, or its veth peer was)", ifname);
	else
		xf_err("%s/q%u: %s", ifname, q, strerror(-err));
}
