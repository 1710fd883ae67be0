// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The live engine (see gen.h): the program of bpf/xskfwd_gen.bpf.c run by
 * BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES, and what set-up needs to
 * know before choosing it:
 *   - whether the kernel has live frames at all (a run of the do-nothing
 *     probe program: EINVAL on kernels before 5.18);
 *   - whether the interface can take XDP frames now: XDP_TX from a live run
 *     is a redirect out of the interface (ndo_xdp_xmit), and since 6.3 the
 *     kernel drops such frames silently unless the device advertises
 *     NETDEV_XDP_ACT_NDO_XMIT. A veth advertises it only while its peer has
 *     an XDP program (or GRO) on. The flags come from the "netdev" generic
 *     netlink family.
 *
 * A thread runs the program on its own CPU, `repeat` frames per run, until
 * its quota or *stop. The run does not migrate, so the program's per-CPU
 * counter is that CPU's stream and its sent count.
 *
 * What a run costs decides the chunk sizes. Measured on this project's
 * kernel (6.18): a run of one frame takes about 35 us, but a run of two or
 * more frames whose frames are redirected costs 20-40 ms more, asleep (the
 * kernel's page-pool teardown waits for an RCU grace period). So:
 *   - unpaced, a run is as long as the quota allows (at most
 *     XF_GEN_LIVE_MAX_CHUNK frames), and a stop interrupts it: the main
 *     thread signals the thread (gen_live_interrupt), the kernel ends the
 *     run at the next batch with EINTR, and the per-CPU counter says what
 *     was sent;
 *   - paced up to XF_GEN_LIVE_SMOOTH_PPS per thread, every run sends one
 *     frame, so frames are evenly spaced;
 *   - paced faster than that, a run sends every frame due (the pacer lets
 *     up to 100 ms of frames be due at once): the long-run rate holds, but
 *     frames leave in bursts of a few tens of ms worth.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <signal.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gen.h"
#include "gen_pace.h"
#include "xskfwd_gen.skel.h"
#include "run.h"

/* uapi linux/netdev.h (6.3), missing from the 6.1 headers */
#define NETDEV_FAMILY_NAME_ "netdev"
#define NETDEV_CMD_DEV_GET_ 1
#define NETDEV_A_DEV_IFINDEX_ 1
#define NETDEV_A_DEV_XDP_FEATURES_ 3

#define NL_TIMEOUT_MS 1000
/* A paced run may catch up with at most 100 ms of frames (see above). */
#define BURST_NS (100 * 1000 * 1000ull)

struct gen_live {
	struct xskfwd_gen_bpf *skel;
	int ncpus;
};

int gen_live_open(struct gen_live **out, const struct xf_gen_tmpl *t)
{
	struct gen_live *l;
	int err;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		err = l->ncpus ? l->ncpus : -EINVAL;
		goto err_free;
	}
	l->skel = xskfwd_gen_bpf__open();
	if (!l->skel) {
		err = -errno;
		goto err_free;
	}
	l->skel->rodata->ipv6 = t->ipv6;
	l->skel->rodata->sport = t->sport;
	l->skel->rodata->flows = t->flows;
	l->skel->rodata->csum_base = t->csum_base;
	/* Every frame starts from the template's headers (t->len >= 64). */
	memcpy((void *)l->skel->rodata->tmpl_head, t->frame, sizeof(l->skel->rodata->tmpl_head));
	err = xskfwd_gen_bpf__load(l->skel);
	if (err)
		goto err_destroy;
	*out = l;
	return 0;

err_destroy:
	xskfwd_gen_bpf__destroy(l->skel);
err_free:
	free(l);
	return err;
}

void gen_live_close(struct gen_live *l)
{
	if (!l)
		return;
	xskfwd_gen_bpf__destroy(l->skel);
	free(l);
}

int gen_live_prog_fd(const struct gen_live *l)
{
	return bpf_program__fd(l->skel->progs.xf_gen_live);
}

int gen_live_ncpus(const struct gen_live *l)
{
	return l->ncpus;
}

int gen_live_counts(const struct gen_live *l, uint64_t *per_cpu)
{
	__u32 key = 0;

	return bpf_map__lookup_elem(l->skel->maps.xf_gen_seq, &key, sizeof(key), per_cpu,
				    sizeof(uint64_t) * (size_t)l->ncpus, 0);
}

int gen_live_counts_fd(const struct gen_live *l)
{
	return bpf_map__fd(l->skel->maps.xf_gen_seq);
}

static void on_interrupt(int sig)
{
	(void)sig; /* only to make the thread's run return EINTR */
}

int gen_live_interrupt_setup(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the interrupted BPF_PROG_RUN must return. */
	if (sigaction(XF_GEN_LIVE_SIG, &sa, NULL))
		return -errno;
	return 0;
}

static void fill_run_opts(struct bpf_test_run_opts *o, struct xdp_md *md,
			  const struct xf_gen_tmpl *t, int ifindex, uint32_t batch)
{
	memset(md, 0, sizeof(*md));
	md->data_end = t->len;
	md->ingress_ifindex = (__u32)ifindex;
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->data_in = t->frame;
	o->data_size_in = t->len;
	o->ctx_in = md;
	o->ctx_size_in = sizeof(*md);
	o->flags = BPF_F_TEST_XDP_LIVE_FRAMES;
	o->batch_size = batch;
	o->repeat = 1;
}

uint32_t gen_live_max_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (uint32_t)(page > 0 ? page : 4096) - XF_GEN_LIVE_PAGE_OVERHEAD;
}

int gen_live_probe(const struct gen_live *l, const struct xf_gen_tmpl *t, int ifindex)
{
	int fd = bpf_program__fd(l->skel->progs.xf_gen_probe);
	struct bpf_test_run_opts o;
	struct xdp_md md;
	int err;

	fill_run_opts(&o, &md, t, ifindex, 1);
	err = bpf_prog_test_run_opts(fd, &o) ? -errno : 0;
	if (err != -EINVAL)
		return err;
	/* No live frames, or none this long (a kernel whose limit is lower
	 * than gen_live_max_size): the smallest frame tells them apart. */
	o.data_size_in = md.data_end = XF_GEN_MIN_SIZE4;
	return bpf_prog_test_run_opts(fd, &o) ? -EOPNOTSUPP : -EMSGSIZE;
}

/* --- the device's XDP features, from the "netdev" generic netlink family --- */

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static void put_attr(struct nl_req *r, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Send @r and find attribute @want in the reply's top level, copying up to
 * @len bytes into @out. Returns 0, -ENOENT if absent, or -errno (the
 * kernel's error answer included).
 */
static int nl_query(int fd, struct nl_req *r, uint16_t want, void *out, size_t len)
{
	char buf[8192];
	struct nlmsghdr *nh;
	ssize_t n;

	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	for (nh = (void *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
		struct nlattr *a;
		int left;

		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ? e->error : -ENOENT;
		}
		left = (int)nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		a = (void *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
		while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
			if ((a->nla_type & NLA_TYPE_MASK) == want) {
				size_t have = a->nla_len - NLA_HDRLEN;

				memset(out, 0, len);
				memcpy(out, (char *)a + NLA_HDRLEN, have < len ? have : len);
				return 0;
			}
			left -= NLA_ALIGN(a->nla_len);
			a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -ENOENT;
}

int xf_xdp_features(int ifindex, uint64_t *features)
{
	struct timeval tv = { NL_TIMEOUT_MS / 1000, (NL_TIMEOUT_MS % 1000) * 1000 };
	struct nl_req r;
	uint16_t family;
	uint32_t idx = (uint32_t)ifindex;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = GENL_ID_CTRL;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.gh.cmd = CTRL_CMD_GETFAMILY;
	r.gh.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME_, sizeof(NETDEV_FAMILY_NAME_));
	err = nl_query(fd, &r, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (err) {
		/* No such family: a kernel before 6.3, which does not check. */
		err = err == -ENOENT ? -EOPNOTSUPP : err;
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = family;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.nh.nlmsg_seq = 1;
	r.gh.cmd = NETDEV_CMD_DEV_GET_;
	r.gh.version = 1;
	put_attr(&r, NETDEV_A_DEV_IFINDEX_, &idx, sizeof(idx));
	err = nl_query(fd, &r, NETDEV_A_DEV_XDP_FEATURES_, features, sizeof(*features));
out:
	close(fd);
	return err;
}

/* --- the thread --- */

static void fail(struct gen_thread *g, int err, const char *what)
{
	snprintf(g->what, sizeof(g->what), "cpu %d: %s", g->th.cpu, what);
	xf_thread_fail(&g->th, err, g->ifname, -1, g->what);
}

/* This thread's CPU's count: what its stream has sent. */
static int read_own_count(const struct gen_thread *g, uint64_t *v)
{
	uint64_t vals[g->ncpus > 0 ? g->ncpus : 1];
	__u32 key = 0;

	if (bpf_map_lookup_elem(g->counts_fd, &key, vals))
		return -errno;
	*v = vals[g->th.cpu];
	return 0;
}

void *gen_live_run(void *arg)
{
	struct gen_thread *g = arg;
	struct bpf_test_run_opts o;
	uint64_t sent = 0, base = 0, now, v;
	struct xf_pace pace;
	struct xdp_md md;
	uint32_t n;
	int err;

	if (read_own_count(g, &base)) {
		fail(g, -errno, "reading the frame counter");
		goto out;
	}
	fill_run_opts(&o, &md, g->tmpl, g->ifindex, g->batch);
	xf_pace_init(&pace, g->rate, BURST_NS, g->chunk, xf_now_ns());
	while (!atomic_load_explicit(g->stop, memory_order_relaxed)) {
		if (sent >= g->quota)
			break;
		now = g->rate > 0 ? xf_now_ns() : 0;
		n = xf_pace_take(&pace, now, sent, g->quota, g->chunk);
		if (!n) {
			rl_stat_add(g->idle_sleeps, 1);
			xf_sleep_until(xf_pace_next(&pace));
			continue;
		}
		o.repeat = n;
		err = bpf_prog_test_run_opts(g->prog_fd, &o) ? -errno : 0;
		rl_stat_add(g->runs, 1);
		if (err == -EINTR) {
			/* Cut short (a stop, see gen_live_interrupt): the
			 * counter says how far it got. */
			err = read_own_count(g, &v);
			if (err) {
				fail(g, err, "reading the frame counter");
				break;
			}
			n = (uint32_t)(v - base - sent);
		} else if (err) {
			fail(g, err, "live frames run");
			break;
		}
		sent += n;
		if (g->rate > 0)
			xf_pace_consume(&pace, n);
	}
out:
	g->end_ns = xf_now_ns();
	/* Release store: end_ns and the counters before done. */
	__atomic_store_n(&g->done, true, __ATOMIC_RELEASE);
	xf_thread_wake(&g->th);
	return NULL;
}

void gen_live_interrupt(struct gen_thread *g)
{
	if (g->th.started && !__atomic_load_n(&g->done, __ATOMIC_ACQUIRE))
		pthread_kill(g->th.tid, XF_GEN_LIVE_SIG);
}
