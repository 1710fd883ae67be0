#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""netdev_dev_get.py IFACE... - what the kernel's generic-netlink "netdev"
family says of each interface (of this network namespace), as
`ynl --family netdev --do dev-get --json '{"ifindex": N}'` would (ynl is not
packaged in Debian 12): one JSON object per line,
  {"ifname": "fwd0", "ifindex": 3, "xdp-features": 35, "xdp-zc-max-segs": null}
with xdp-zc-max-segs null when the answer has no such attribute (the kernel
gives it only for a driver with AF_XDP zero-copy).

An independent reading for the integration tests to compare xskfwd's start
record with (xskfwd reads the same through libmnl, ringlib/rl_netdev.c): the
same two requests, written from the uapi header (include/uapi/linux/netdev.h
and genetlink.h), with nothing shared but the kernel.
"""
import json
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 3, 1, 2
NETDEV_CMD_DEV_GET = 1
NETDEV_A_DEV_IFINDEX, NETDEV_A_DEV_XDP_FEATURES, NETDEV_A_DEV_XDP_ZC_MAX_SEGS = 1, 3, 4
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2


def align(n):
    return (n + 3) & ~3


def nla(kind, value):
    return struct.pack("HH", 4 + len(value), kind) + value + b"\0" * (align(len(value)) - len(value))


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        length, kind = struct.unpack_from("HH", buf)
        if length < 4:
            break
        out[kind & 0x3FFF] = buf[4:length]
        buf = buf[align(length):]
    return out


def ask(sock, seq, family, cmd, payload):
    """The attributes of the answer to one request (NLM_F_ACK: up to the ack)."""
    body = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)
    answer = None
    while True:
        data = sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("IH", data, off)
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("i", data, off + 16)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return answer
            answer = attrs(data[off + 20:off + length])
            off += align(length)


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    fam = ask(sock, 1, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, nla(CTRL_ATTR_FAMILY_NAME, b"netdev\0"))
    family = struct.unpack("H", fam[CTRL_ATTR_FAMILY_ID][:2])[0]
    for seq, name in enumerate(sys.argv[1:], 2):
        ifindex = socket.if_nametoindex(name)
        a = ask(sock, seq, family, NETDEV_CMD_DEV_GET,
                nla(NETDEV_A_DEV_IFINDEX, struct.pack("I", ifindex)))
        zc = a.get(NETDEV_A_DEV_XDP_ZC_MAX_SEGS)
        print(json.dumps({
            "ifname": name,
            "ifindex": struct.unpack("I", a[NETDEV_A_DEV_IFINDEX])[0],
            "xdp-features": struct.unpack("Q", a[NETDEV_A_DEV_XDP_FEATURES])[0],
            "xdp-zc-max-segs": struct.unpack("I", zc)[0] if zc is not None else None,
        }))


if __name__ == "__main__":
    main()
