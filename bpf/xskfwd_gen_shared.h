/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The test-traffic payload written by `xskfwd gen` (both engines: AF_XDP TX
 * in user space, and the live-frames XDP program) and read by `xskfwd sink`.
 *
 * It is the first 22 bytes of the UDP payload, packed, so a 64-byte
 * Ethernet/IPv4/UDP frame carries it whole (14 + 20 + 8 + 22 = 64; IPv6
 * frames need at least 84 bytes). All fields are in host byte order: the
 * generator and the sink run on the same host (the veth rig), and tx_ns is
 * only meaningful there (CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns()).
 *
 * A stream is one sender (a generator thread, or a CPU of the live engine);
 * sequence numbers count per stream from 0 without gaps, so the sink can
 * tell loss, reordering and duplicates apart per stream. The UDP checksum
 * is 0 over IPv4 (no checksum, RFC 768) and kept valid over IPv6.
 */
#ifndef XSKFWD_GEN_SHARED_H
#define XSKFWD_GEN_SHARED_H

#include <linux/types.h>

#define XF_GEN_MAGIC 0x31474658u /* "XFG1" read as a little-endian u32 */
#define XF_GEN_MAX_STREAMS 256
#define XF_GEN_DEFAULT_SPORT 10000 /* flows use sport .. sport + flows - 1 */
#define XF_GEN_DEFAULT_DPORT 9000

struct xf_gen_payload {
	__u32 magic;
	__u16 stream;
	__u64 seq;
	__u64 tx_ns;
} __attribute__((packed));

#endif
