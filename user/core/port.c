// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Ports: interface facts, the per-interface lock, and the classifier's
 * life cycle (open skeleton -> set rodata -> hand to libxdp -> attach ->
 * write rules -> map sockets -> detach). See port.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "log.h"
#include "out.h"
#include "port.h"
#include "xskfwd.skel.h"

const char *xf_attach_mode_name(enum xdp_attach_mode mode)
{
	static const char *const names[] = {
		[XDP_MODE_NATIVE] = "native", [XDP_MODE_SKB] = "skb", [XDP_MODE_HW] = "hw"
	};

	return (unsigned int)mode < sizeof(names) / sizeof(names[0]) && names[mode] ? names[mode]
										    : "unspec";
}

/*
 * The driver's zero-copy chain limit as read (NETDEV_A_DEV_XDP_ZC_MAX_SEGS):
 * JSON xdp_zc_max_segs, the number, or null when the kernel gave none; the
 * text says what was read, or why there was nothing to read.
 */
static void zc_max_segs_out(struct xf_out *o, const struct xf_port *p)
{
	xo_text(o, "%s: driver %s, xdp_zc_max_segs ", p->name, p->driver);
	if (p->xdp.zc_max_segs) {
		xo_u64(o, "xdp_zc_max_segs", "%llu (its zero-copy chain limit)\n",
		       p->xdp.zc_max_segs);
		return;
	}
	if (p->xdp_err)
		xo_text(o, "unknown (netdev netlink: %s)\n", strerror(-p->xdp_err));
	else if (!(p->xdp.xdp_features & RL_XDP_ACT_XSK_ZEROCOPY))
		xo_text(o, "not reported (no AF_XDP zero-copy)\n");
	else
		xo_text(o, "not reported (a kernel before 6.6)\n");
	xo_null(o, "xdp_zc_max_segs", NULL);
}

void xf_port_out(struct xf_out *o, const struct xf_port *p, bool sg)
{
	xo_obj_open(o, NULL);
	xo_str(o, "port", NULL, p->name);
	xo_str(o, "driver", NULL, p->driver);
	if (p->prog) {
		xo_str(o, "xdp_mode", NULL, xf_attach_mode_name(p->mode));
		xo_bool(o, "dispatcher", NULL, p->dispatcher);
	}
	if (sg)
		zc_max_segs_out(o, p);
	xo_arr_open(o, "queues");
}

void xf_port_queue_out(struct xf_out *o, const struct xf_port *p, uint32_t queue)
{
	xo_obj_open(o, NULL);
	xo_text(o, "%s/q%u: driver %s, ", p->name, queue, p->driver);
	if (p->prog)
		xo_text(o, "xdp %s (%s), ", xf_attach_mode_name(p->mode),
			p->dispatcher ? "libxdp dispatcher" : "single program");
	xo_u64(o, "queue", NULL, queue);
}

void xf_port_out_close(struct xf_out *o)
{
	xo_arr_close(o);
	xo_obj_close(o);
}

int xf_if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

static int ethtool_ioctl(const char *name, void *cmd)
{
	struct ifreq ifr = { .ifr_data = cmd };

	return xf_if_ioctl(name, SIOCETHTOOL, &ifr);
}

static int read_mtu(const char *name, uint32_t *mtu)
{
	struct ifreq ifr = {};
	int err = xf_if_ioctl(name, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = (uint32_t)ifr.ifr_mtu;
	return err;
}

/* Channels as ethtool reports them; else the rx-N entries in sysfs; else 1. */
static uint32_t count_queues(const char *name)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	char path[64];
	struct dirent *de;
	uint32_t n = 0;
	DIR *d;

	if (!ethtool_ioctl(name, &ch) && ch.combined_count + ch.rx_count)
		return ch.combined_count + ch.rx_count;
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", name);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d)))
			n += !strncmp(de->d_name, "rx-", 3);
		closedir(d);
	}
	return n ? n : 1;
}

/*
 * Lock files are removed at exit. A locker that opened the file just before
 * it was unlinked would hold a lock nobody else can see, so after flock()
 * the path must still name the locked inode; otherwise open it again.
 */
static int open_locked(struct xf_port *p, const char *path)
{
	struct stat held, named;
	char pid[32] = "";
	ssize_t len;
	int fd, tries;

	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			len = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[len > 0 ? len : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			xf_err("%s: in use by another xskfwd (pid %s)", p->name, *pid ? pid : "?");
			close(fd);
			return -EBUSY;
		}
		if (!fstat(fd, &held) && !stat(path, &named) && held.st_ino == named.st_ino)
			return fd;
		close(fd); /* unlinked under us by the previous holder: again */
	}
	return -EAGAIN;
}

int xf_port_run_path(int ifindex, const char *ext, char *buf, size_t len)
{
	struct stat ns;

	if (stat("/proc/self/ns/net", &ns))
		return -errno;
	snprintf(buf, len, XF_RUN_DIR "/%lu-%d.%s", (unsigned long)ns.st_ino, ifindex, ext);
	return 0;
}

static int take_lock(struct xf_port *p)
{
	char pid[32];
	ssize_t len;
	int fd;

	if ((mkdir(XF_RUN_DIR, 0755) && errno != EEXIST) ||
	    xf_port_run_path(p->ifindex, "lock", p->lock_path, sizeof(p->lock_path))) {
		xf_warn("%s: cannot use %s (%s): a classifier left by a killed run will not "
			"be recognised",
			p->name, XF_RUN_DIR, strerror(errno));
		return 0;
	}
	fd = open_locked(p, p->lock_path);
	if (fd == -EBUSY)
		return fd;
	if (fd < 0) {
		xf_warn("%s: %s: %s", p->name, p->lock_path, strerror(-fd));
		return 0;
	}
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, len, 0) != len)
		xf_debug("%s: could not record pid in %s", p->name, p->lock_path);
	p->lock_fd = fd;
	return 0;
}

int xf_port_facts(struct xf_port *p, const char *name)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};
	int err;

	memset(p, 0, sizeof(*p));
	p->lock_fd = -1;
	if (strlen(name) >= IF_NAMESIZE || !(p->ifindex = (int)if_nametoindex(name)))
		return -ENODEV;
	snprintf(p->name, sizeof(p->name), "%s", name);
	err = read_mtu(name, &p->mtu);
	if (err)
		return err;
	if (!xf_if_ioctl(name, SIOCGIFHWADDR, &ifr))
		memcpy(p->mac, ifr.ifr_hwaddr.sa_data, sizeof(p->mac));
	snprintf(p->driver, sizeof(p->driver), "%s",
		 ethtool_ioctl(name, &info) ? "unknown" : info.driver);
	p->nqueues = count_queues(name);
	p->xdp_err = rl_netdev_xdp_info(p->ifindex, &p->xdp);
	return 0;
}

int xf_port_lock(struct xf_port *p)
{
	return take_lock(p);
}

/* Detach a classifier of ours left attached by a run that no longer exists. */
static int remove_stale(struct xf_port *p)
{
	uint32_t id;
	int err = xf_attached_remove_ours(p->ifindex, &id);

	p->replaced_stale = !err && id;
	if (err)
		xf_err("%s: cannot remove the classifier left by a killed xskfwd: %s", p->name,
		       strerror(-err));
	return err;
}

/* Whether this process's effective set holds @cap (true when unknown). */
static bool have_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return true;
	return d[cap / 32].effective & (1u << (cap % 32));
}

/*
 * Without root, loading and attaching the classifier needs CAP_BPF (load),
 * CAP_PERFMON (the verifier refuses its pointer comparisons, and libxdp's
 * dispatcher's, with EACCES otherwise) and CAP_NET_ADMIN (attach); CAP_SYS_ADMIN
 * stands in for the first two. Names the ones this process lacks, if any.
 */
static bool explain_missing_caps(const struct xf_port *p)
{
	static const struct {
		int cap;
		const char *name;
	} need[] = { { CAP_BPF, "CAP_BPF" },
		     { CAP_PERFMON, "CAP_PERFMON" },
		     { CAP_NET_ADMIN, "CAP_NET_ADMIN" } };
	bool admin = have_cap(CAP_SYS_ADMIN);
	char missing[64] = "";
	size_t i, n = 0;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (have_cap(need[i].cap) || (admin && need[i].cap != CAP_NET_ADMIN))
			continue;
		n += (size_t)snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? ", " : "",
				      need[i].name);
	}
	if (!n)
		return false;
	xf_err("%s: attaching XDP needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (or root); "
	       "missing: %s",
	       p->name, missing);
	return true;
}

static void explain_attach_error(const struct xf_port *p, enum xdp_attach_mode mode, int err)
{
	struct xdp_multiprog *mp;
	struct xdp_program *other;

	if (err == -EOPNOTSUPP && mode == XDP_MODE_NATIVE) {
		xf_err("%s: driver %s has no native XDP support; use --xdp-mode skb", p->name,
		       p->driver);
		return;
	}
	if (err == -EBUSY || err == -EEXIST) {
		mp = xdp_multiprog__get_from_ifindex(p->ifindex);
		other = libxdp_get_error(mp) ? NULL : xdp_multiprog__main_prog(mp);
		xf_err("%s: another XDP program (%s, id %u) is attached and cannot be shared "
		       "without a libxdp dispatcher (is bpffs mounted at /sys/fs/bpf?); xskfwd "
		       "does not remove it",
		       p->name, other ? xdp_program__name(other) : "?",
		       other ? xdp_program__id(other) : 0);
		if (!libxdp_get_error(mp))
			xdp_multiprog__close(mp);
		return;
	}
	if ((err == -EPERM || err == -EACCES) && explain_missing_caps(p))
		return;
	xf_err("%s: attaching the XDP program in %s mode: %s", p->name, xf_attach_mode_name(mode),
	       strerror(-err));
}

static __u32 xdp_flags_of(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case XDP_MODE_SKB:
		return XDP_FLAGS_SKB_MODE;
	case XDP_MODE_HW:
		return XDP_FLAGS_HW_MODE;
	default:
		return 0;
	}
}

/*
 * Unhook our classifier. Alone on the interface (no dispatcher), it goes
 * with bpf_xdp_detach() naming it as the program expected there
 * (XDP_FLAGS_REPLACE: the kernel removes it only if it is still ours), which
 * needs CAP_NET_ADMIN alone. libxdp's xdp_program__detach() first looks the
 * attached program up by id (BPF_PROG_GET_FD_BY_ID), which needs
 * CAP_SYS_ADMIN: without it a clean exit left the program attached (ENOENT).
 * A dispatcher is libxdp's to edit. 0 or -errno.
 */
static int detach_prog(struct xf_port *p, enum xdp_attach_mode mode)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = xdp_program__fd(p->prog));

	if (p->dispatcher)
		return xdp_program__detach(p->prog, p->ifindex, mode, 0);
	return bpf_xdp_detach(p->ifindex, xdp_flags_of(mode), &opts);
}

/* The rules, and the route flavour's egress ports, into the maps. */
static int write_maps(struct xf_port *p, const struct xf_classifier *c)
{
	uint32_t i;
	int err;

	for (i = 0; i < c->nrules; i++) {
		err = bpf_map__update_elem(p->skel->maps.xf_rules, &i, sizeof(i), &c->rules[i],
					   sizeof(c->rules[i]), 0);
		if (err) {
			xf_err("%s: writing rule %u: %s", p->name, i + 1, strerror(-err));
			return err;
		}
	}
	for (i = 0; i < c->nroute; i++) {
		__u32 ifindex = (__u32)c->route_ifindex[i];

		err = bpf_map__update_elem(p->skel->maps.xf_egress, &ifindex, sizeof(ifindex), &i,
					   sizeof(i), 0);
		if (err) {
			xf_err("%s: writing egress port %u: %s", p->name, i, strerror(-err));
			return err;
		}
	}
	return 0;
}

int xf_port_attach(struct xf_port *p, const struct xf_classifier *c, uint32_t max_queue,
		   enum xdp_attach_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .prog_name = XF_PROG_NAME);
	__u32 id = 0;
	int err;

	err = remove_stale(p);
	if (err)
		return err;
	p->skel = xskfwd_bpf__open();
	if (!p->skel) {
		err = -errno;
		xf_err("%s: opening the embedded BPF object: %s", p->name, strerror(-err));
		return err;
	}
	p->skel->rodata->nr_rules = c->nrules;
	p->skel->rodata->route = c->nroute > 0;
	memcpy((void *)p->skel->rodata->port_mac, p->mac, sizeof(p->mac));
	err = bpf_map__set_max_entries(p->skel->maps.xf_xsks, max_queue + 1);
	if (err)
		goto err_destroy;
	opts.obj = p->skel->obj;
	p->prog = xdp_program__create(&opts);
	err = (int)libxdp_get_error(p->prog);
	if (err) {
		p->prog = NULL;
		xf_err("%s: preparing the XDP program: %s", p->name, strerror(-err));
		goto err_destroy;
	}
	/*
	 * The classifier is xdp.frags, but libbpf adds the flag only when it
	 * loads the object: without this, libxdp takes it for a program
	 * without frags support and builds a dispatcher without it (which
	 * drivers refuse above a one-buffer MTU).
	 */
	err = xdp_program__set_xdp_frags_support(p->prog, true);
	if (err) {
		xf_err("%s: preparing the XDP program (frags): %s", p->name, strerror(-err));
		goto err_close;
	}
	err = xdp_program__attach(p->prog, p->ifindex, mode, 0);
	if (err) {
		explain_attach_error(p, mode, err);
		goto err_close;
	}
	p->mode = mode;
	/* Ours is the program the interface runs, or a dispatcher runs it. A
	 * query by netlink: no CAP_SYS_ADMIN needed (see detach_prog()). */
	p->dispatcher = bpf_xdp_query_id(p->ifindex, xdp_flags_of(mode), &id) ||
			id != xdp_program__id(p->prog);
	err = write_maps(p, c);
	if (err)
		goto err_detach;
	return 0;

err_detach:
	detach_prog(p, mode);
err_close:
	xdp_program__close(p->prog);
	p->prog = NULL;
err_destroy:
	xskfwd_bpf__destroy(p->skel);
	p->skel = NULL;
	return err;
}

int xf_port_map_socket(struct xf_port *p, uint32_t queue, int fd)
{
	int err = bpf_map__update_elem(p->skel->maps.xf_xsks, &queue, sizeof(queue), &fd,
				       sizeof(fd), 0);

	if (err)
		xf_err("%s/q%u: adding the socket to the XSKMAP: %s", p->name, queue,
		       strerror(-err));
	return err;
}

int xf_port_counters(const struct xf_port *p, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1];
	uint32_t k;
	int c, err;

	if (ncpu <= 0)
		return -EINVAL;
	for (k = 0; k < XF_CNT_MAX; k++) {
		out[k] = 0;
		err = bpf_map__lookup_elem(p->skel->maps.xf_counters, &k, sizeof(k), vals,
					   sizeof(vals), 0);
		if (err)
			return err;
		for (c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}

int xf_port_detach(struct xf_port *p)
{
	int err;

	if (!p->prog || p->detached)
		return p->detach_err;
	p->detached = true;
	err = detach_prog(p, p->mode);
	/* A device that is gone took its program with it: nothing to say. */
	if (!err || !if_indextoname(p->ifindex, (char[IF_NAMESIZE]){ 0 }))
		return 0;
	p->detach_err = err;
	xf_err("%s: detaching the XDP program: %s (it is still attached: xdp-loader unload %s "
	       "or ip link set dev %s xdp off)",
	       p->name, strerror(-err), p->name, p->name);
	return err;
}

void xf_port_close(struct xf_port *p)
{
	xf_port_detach(p);
	if (p->prog) {
		xdp_program__close(p->prog);
		p->prog = NULL;
	}
	if (p->skel) {
		xskfwd_bpf__destroy(p->skel);
		p->skel = NULL;
	}
	if (p->lock_fd >= 0) {
		unlink(p->lock_path); /* while still holding it: see open_locked() */
		close(p->lock_fd);
		p->lock_fd = -1;
	}
}
