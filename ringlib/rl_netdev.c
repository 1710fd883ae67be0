// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A device's XDP facts from the kernel's generic-netlink "netdev" family
 * (rl_netdev.h), the way `ynl --family netdev --do dev-get` reads them.
 *
 * libbpf reads the same in bpf_xdp_query() from 1.3 on (feature_flags,
 * xdp_zc_max_segs); Debian 12's libbpf 1.1.2 has neither field, so we ask
 * the family ourselves, with libmnl, in two requests on one socket:
 *   1. CTRL_CMD_GETFAMILY "netdev" to the generic-netlink controller: the
 *      family's id (ENOENT: no such family, a kernel before 6.3);
 *   2. NETDEV_CMD_DEV_GET with NETDEV_A_DEV_IFINDEX: the device's
 *      attributes, of which we keep NETDEV_A_DEV_XDP_FEATURES (u64) and
 *      NETDEV_A_DEV_XDP_ZC_MAX_SEGS (u32, Linux 6.6).
 * Both ask for an acknowledgement (NLM_F_ACK), so the end of an answer is
 * the kernel's ack or error, never a guess. The kernel puts XDP_ZC_MAX_SEGS
 * in its answer only when the driver advertises NETDEV_XDP_ACT_XSK_ZEROCOPY
 * (net/core/netdev-genl.c, netdev_nl_dev_fill): a driver without zero-copy
 * (veth) reports none, and zc_max_segs stays 0.
 *
 * Neither request needs a capability. The parsers are apart from the socket
 * so the unit tests can feed them messages (tests/unit/ringlib/test_netdev.c).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rl_netdev.h"

/*
 * uapi linux/netdev.h: the family from Linux 6.3, XDP_ZC_MAX_SEGS from 6.6.
 * Debian 12's headers (6.1) have no such file; its values are enum
 * constants, so the file is never included here and these stand for them.
 */
#ifndef NETDEV_FAMILY_NAME
#define NETDEV_FAMILY_NAME "netdev"
#endif
#ifndef NETDEV_FAMILY_VERSION
#define NETDEV_FAMILY_VERSION 1
#endif
#ifndef NETDEV_A_DEV_IFINDEX
#define NETDEV_A_DEV_IFINDEX 1
#endif
#ifndef NETDEV_A_DEV_XDP_FEATURES
#define NETDEV_A_DEV_XDP_FEATURES 3
#endif
#ifndef NETDEV_A_DEV_XDP_ZC_MAX_SEGS
#define NETDEV_A_DEV_XDP_ZC_MAX_SEGS 4
#endif
#ifndef NETDEV_CMD_DEV_GET
#define NETDEV_CMD_DEV_GET 1
#endif

/* The kernel's generic-netlink messages are at most 8 KiB (NLMSG_GOODSIZE). */
#define NL_BUF 8192

/* mnl_cb_run's answer as ours: 1 more to read, 0 complete, -errno. */
static int run(const void *buf, size_t len, uint32_t seq, uint32_t portid, mnl_cb_t cb, void *data)
{
	int ret = mnl_cb_run(buf, len, seq, portid, cb, data);

	if (ret == MNL_CB_ERROR)
		return errno ? -errno : -EPROTO;
	return ret == MNL_CB_STOP ? 0 : 1;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != CTRL_ATTR_FAMILY_ID)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U16) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

int rl_netdev_parse_family(const void *buf, size_t len, uint32_t seq, uint32_t portid, uint16_t *id)
{
	int ret;

	errno = 0;
	ret = run(buf, len, seq, portid, family_msg, id);
	return !ret && !*id ? -EPROTO : ret;
}

static int dev_attr(const struct nlattr *a, void *data)
{
	struct rl_netdev_xdp *out = data;

	switch (mnl_attr_get_type(a)) {
	case NETDEV_A_DEV_IFINDEX:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			break;
		out->ifindex = mnl_attr_get_u32(a);
		return MNL_CB_OK;
	case NETDEV_A_DEV_XDP_FEATURES:
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			break;
		out->xdp_features = mnl_attr_get_u64(a);
		return MNL_CB_OK;
	case NETDEV_A_DEV_XDP_ZC_MAX_SEGS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			break;
		out->zc_max_segs = mnl_attr_get_u32(a);
		return MNL_CB_OK;
	default:
		return MNL_CB_OK; /* the pad, and what later kernels add */
	}
	errno = EPROTO;
	return MNL_CB_ERROR;
}

static int dev_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), dev_attr, data);
}

int rl_netdev_parse_dev(const void *buf, size_t len, uint32_t seq, uint32_t portid,
			struct rl_netdev_xdp *out)
{
	int ret;

	errno = 0;
	ret = run(buf, len, seq, portid, dev_msg, out);
	return !ret && !out->ifindex ? -EPROTO : ret;
}

/* A generic-netlink request of @cmd to the family @type, with an ack asked for. */
static struct nlmsghdr *put_request(char *buf, uint16_t type, uint8_t cmd, uint8_t version,
				    uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

typedef int (*parse_fn)(const void *buf, size_t len, uint32_t seq, uint32_t portid, void *out);

/* Send @nlh (built in @buf) and read the answer into @buf until @parse has it all. */
static int exchange(struct mnl_socket *nl, char *buf, const struct nlmsghdr *nlh, parse_fn parse,
		    void *out)
{
	uint32_t seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, NL_BUF);
		if (n < 0)
			return -errno;
		ret = parse(buf, (size_t)n, seq, portid, out);
	} while (ret > 0);
	return ret;
}

static int parse_family(const void *buf, size_t len, uint32_t seq, uint32_t portid, void *out)
{
	return rl_netdev_parse_family(buf, len, seq, portid, out);
}

static int parse_dev(const void *buf, size_t len, uint32_t seq, uint32_t portid, void *out)
{
	return rl_netdev_parse_dev(buf, len, seq, portid, out);
}

int rl_netdev_xdp_info(int ifindex, struct rl_netdev_xdp *out)
{
	char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = (uint32_t)time(NULL);
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (ifindex <= 0)
		return -ENODEV;
	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl)
		return errno == EPROTONOSUPPORT ? -EOPNOTSUPP : -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	nlh = put_request(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME);
	err = exchange(nl, buf, nlh, parse_family, &family);
	if (err) {
		err = err == -ENOENT ? -EOPNOTSUPP : err;
		goto out;
	}
	nlh = put_request(buf, family, NETDEV_CMD_DEV_GET, NETDEV_FAMILY_VERSION, seq + 1);
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX, (uint32_t)ifindex);
	err = exchange(nl, buf, nlh, parse_dev, out);
	if (err)
		memset(out, 0, sizeof(*out));
out:
	mnl_socket_close(nl);
	return err;
}
