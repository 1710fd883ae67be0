// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the parsers of ringlib/rl_netdev.c: the kernel's answers to
 * CTRL_CMD_GETFAMILY "netdev" and to NETDEV_CMD_DEV_GET, without a kernel.
 *
 * The veth answers are bytes captured from Linux 6.18 (a veth in a
 * namespace, asked as rl_netdev_xdp_info() asks: seq 100 and 101, port id
 * 6030), each recv() as it came: the answer, then the acknowledgement in a
 * recv() of its own. They pin down the real layout (the controller's nested
 * ops and multicast groups skipped, the u64 attributes, no
 * XDP_ZC_MAX_SEGS for a driver without zero-copy). The answer of a
 * zero-copy driver is built here with libmnl (no such driver on the test
 * machine), with the pad attribute the kernel puts before a u64 and an
 * attribute a later kernel might add. Then what must be refused: the
 * kernel's error, an answer of another request (seq, port id), an
 * attribute of the wrong size, an acknowledgement without an answer.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rl_netdev.h"

#define SEQ_FAMILY 100
#define SEQ_DEV 101
#define PORTID 6030
#define NETDEV_ID 0x14 /* the family's id on the machine captured */

/* CTRL_CMD_GETFAMILY "netdev": the answer (id 0x14) ... */
static const uint8_t family_answer[] __attribute__((aligned(4))) = {
	0x1c, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x8e, 0x17, 0x00,
	0x00, 0x01, 0x02, 0x00, 0x00, 0x0b, 0x00, 0x02, 0x00, 0x6e, 0x65, 0x74, 0x64, 0x65, 0x76,
	0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x06, 0x00, 0x14, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x14, 0x00,
	0x02, 0x00, 0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0e,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x03, 0x00, 0x08, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0x00, 0x08, 0x00, 0x01,
	0x00, 0x0b, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x14, 0x00,
	0x05, 0x00, 0x08, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0c,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x01, 0x00, 0x0d, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x02, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x14, 0x00, 0x07, 0x00, 0x08, 0x00, 0x01,
	0x00, 0x0e, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x14, 0x00,
	0x08, 0x00, 0x08, 0x00, 0x01, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x38, 0x00, 0x07, 0x00, 0x18, 0x00, 0x01, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 0x6d, 0x67, 0x6d, 0x74, 0x00, 0x00, 0x00,
	0x00, 0x1c, 0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x0e, 0x00,
	0x01, 0x00, 0x70, 0x61, 0x67, 0x65, 0x2d, 0x70, 0x6f, 0x6f, 0x6c, 0x00, 0x00, 0x00,
};

/* ... and its acknowledgement. */
static const uint8_t family_ack[] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x64, 0x00, 0x00, 0x00,
	0x8e, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x05, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* NETDEV_CMD_DEV_GET of a veth (ifindex 3): xdp_features 0x23 (basic,
 * redirect, rx-sg), rx metadata 7, xsk features 0; no XDP_ZC_MAX_SEGS ... */
static const uint8_t veth_answer[] __attribute__((aligned(4))) = {
	0x40, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x65, 0x00, 0x00, 0x00, 0x8e,
	0x17, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x0c, 0x00, 0x03, 0x00, 0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0c, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0c, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ... and its acknowledgement. */
static const uint8_t veth_ack[] __attribute__((aligned(4))) = {
	0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x65, 0x00, 0x00, 0x00,
	0x8e, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x05, 0x00, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Messages built here go into one buffer, one after the other. */
struct msgs {
	char buf[4096] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *msg_new(struct msgs *m, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf + m->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void msg_end(struct msgs *m, const struct nlmsghdr *nlh)
{
	m->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* The kernel's acknowledgement (@error 0) or error answer (-errno). */
static void put_ack(struct msgs *m, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = msg_new(m, NLMSG_ERROR, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	e->msg.nlmsg_seq = seq;
	msg_end(m, nlh);
}

/* The DEV_GET answer of a zero-copy driver: @zc_len 4 (a u32, as the
 * kernel puts it) or another size (a malformed attribute); 0: none. */
static void put_zc_answer(struct msgs *m, uint32_t seq, uint32_t zc, size_t zc_len)
{
	struct nlmsghdr *nlh = msg_new(m, NETDEV_ID, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = 1; /* NETDEV_CMD_DEV_GET */
	g->version = 1;
	mnl_attr_put_u32(nlh, 1, 7);		  /* NETDEV_A_DEV_IFINDEX */
	mnl_attr_put(nlh, 2, 0, "");		  /* NETDEV_A_DEV_PAD */
	mnl_attr_put_u64(nlh, 3, 0x7f);		  /* NETDEV_A_DEV_XDP_FEATURES: all */
	mnl_attr_put_u64(nlh, 99, 0xdeadbeefull); /* unknown to us: skipped */
	if (zc_len)
		mnl_attr_put(nlh, 4, zc_len, &zc); /* NETDEV_A_DEV_XDP_ZC_MAX_SEGS */
	msg_end(m, nlh);
}

static void test_family_captured(void **state)
{
	uint16_t id = 0;

	(void)state;
	assert_int_equal(rl_netdev_parse_family(family_answer, sizeof(family_answer), SEQ_FAMILY,
						PORTID, &id),
			 1);
	assert_int_equal(id, NETDEV_ID);
	assert_int_equal(
		rl_netdev_parse_family(family_ack, sizeof(family_ack), SEQ_FAMILY, PORTID, &id), 0);
	assert_int_equal(id, NETDEV_ID);
}

static void test_family_missing(void **state)
{
	struct msgs m = { .len = 0 };
	uint16_t id = 0;

	(void)state;
	/* A kernel before 6.3: the controller knows no "netdev" family. */
	put_ack(&m, SEQ_FAMILY, -ENOENT);
	assert_int_equal(rl_netdev_parse_family(m.buf, m.len, SEQ_FAMILY, PORTID, &id), -ENOENT);
	/* An acknowledgement and no answer: no id to give. */
	m.len = 0;
	put_ack(&m, SEQ_FAMILY, 0);
	assert_int_equal(rl_netdev_parse_family(m.buf, m.len, SEQ_FAMILY, PORTID, &id), -EPROTO);
}

static void test_dev_veth_captured(void **state)
{
	struct rl_netdev_xdp x = { 0 };

	(void)state;
	assert_int_equal(rl_netdev_parse_dev(veth_answer, sizeof(veth_answer), SEQ_DEV, PORTID, &x),
			 1);
	assert_int_equal(rl_netdev_parse_dev(veth_ack, sizeof(veth_ack), SEQ_DEV, PORTID, &x), 0);
	assert_int_equal(x.ifindex, 3);
	assert_int_equal(x.xdp_features, 0x23);
	assert_false(x.xdp_features & RL_XDP_ACT_XSK_ZEROCOPY);
	assert_int_equal(x.zc_max_segs, 0);
}

static void test_dev_answer_and_ack_in_one_recv(void **state)
{
	struct rl_netdev_xdp x = { 0 };
	struct msgs m = { .len = 0 };

	(void)state;
	memcpy(m.buf, veth_answer, sizeof(veth_answer));
	memcpy(m.buf + sizeof(veth_answer), veth_ack, sizeof(veth_ack));
	m.len = sizeof(veth_answer) + sizeof(veth_ack);
	assert_int_equal(rl_netdev_parse_dev(m.buf, m.len, SEQ_DEV, PORTID, &x), 0);
	assert_int_equal(x.ifindex, 3);
	/* Not checked: seq and port id 0. */
	memset(&x, 0, sizeof(x));
	assert_int_equal(rl_netdev_parse_dev(m.buf, m.len, 0, 0, &x), 0);
	assert_int_equal(x.xdp_features, 0x23);
}

static void test_dev_zero_copy(void **state)
{
	struct rl_netdev_xdp x = { 0 };
	struct msgs m = { .len = 0 };

	(void)state;
	put_zc_answer(&m, SEQ_DEV, 5, sizeof(uint32_t));
	put_ack(&m, SEQ_DEV, 0);
	assert_int_equal(rl_netdev_parse_dev(m.buf, m.len, SEQ_DEV, PORTID, &x), 0);
	assert_int_equal(x.ifindex, 7);
	assert_int_equal(x.xdp_features, 0x7f);
	assert_true(x.xdp_features & RL_XDP_ACT_XSK_ZEROCOPY);
	assert_int_equal(x.zc_max_segs, 5);
}

static void test_dev_refused(void **state)
{
	struct rl_netdev_xdp x = { 0 };
	struct msgs m = { .len = 0 };

	(void)state;
	/* The kernel's error: no such device. */
	put_ack(&m, SEQ_DEV, -ENODEV);
	assert_int_equal(rl_netdev_parse_dev(m.buf, m.len, SEQ_DEV, PORTID, &x), -ENODEV);
	/* XDP_ZC_MAX_SEGS of 2 bytes, not a u32. */
	m.len = 0;
	put_zc_answer(&m, SEQ_DEV, 5, sizeof(uint16_t));
	put_ack(&m, SEQ_DEV, 0);
	assert_int_equal(rl_netdev_parse_dev(m.buf, m.len, SEQ_DEV, PORTID, &x), -EPROTO);
	/* An acknowledgement without the answer: no device named. */
	memset(&x, 0, sizeof(x));
	assert_int_equal(rl_netdev_parse_dev(veth_ack, sizeof(veth_ack), SEQ_DEV, PORTID, &x),
			 -EPROTO);
	/* The answer to another request, or for another socket. */
	assert_true(rl_netdev_parse_dev(veth_answer, sizeof(veth_answer), SEQ_DEV + 1, PORTID, &x) <
		    0);
	assert_true(rl_netdev_parse_dev(veth_answer, sizeof(veth_answer), SEQ_DEV, PORTID + 1, &x) <
		    0);
	/* A truncated message is no message: nothing read, more to come. */
	memset(&x, 0, sizeof(x));
	assert_int_equal(
		rl_netdev_parse_dev(veth_answer, sizeof(veth_answer) - 4, SEQ_DEV, PORTID, &x), 1);
	assert_int_equal(x.ifindex, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_captured),
		cmocka_unit_test(test_family_missing),
		cmocka_unit_test(test_dev_veth_captured),
		cmocka_unit_test(test_dev_answer_and_ack_in_one_recv),
		cmocka_unit_test(test_dev_zero_copy),
		cmocka_unit_test(test_dev_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
