// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Finding the generator's payload in a frame (see gen_payload.h). */
#include <string.h>

#include "gen_payload.h"
#include "pkt_walk.h"

_Static_assert(XF_GEN_MAX_VLAN <= XF_WALK_MAX_VLAN, "the walker holds fewer tags");

static const struct xf_walk_policy gen_policy = {
	.max_vlans = XF_GEN_MAX_VLAN,
	.vlan_8021ad = true,
	.max_ext = XF_GEN_MAX_EXT,
	.ip6_atomic_frag = true,
};

/* The walker's verdicts as the sink has always counted them. */
static const uint8_t gen_verdict[XF_WALK_NVERDICTS] = {
	[XF_WALK_OK] = XF_GEN_OURS,
	[XF_WALK_TRUNCATED] = XF_GEN_TRUNCATED,
	[XF_WALK_NOT_IP] = XF_GEN_NOT_IP,
	[XF_WALK_VLAN_LIMIT] = XF_GEN_NOT_IP,
	[XF_WALK_BAD_HDR] = XF_GEN_BAD_IP,
	[XF_WALK_BAD_CSUM] = XF_GEN_BAD_IP, /* not verified: never */
	[XF_WALK_FRAGMENT] = XF_GEN_BAD_IP,
	[XF_WALK_EXT_LIMIT] = XF_GEN_BAD_IP,
	[XF_WALK_EXT_OPAQUE] = XF_GEN_BAD_IP,
	[XF_WALK_NOT_UDP] = XF_GEN_NOT_UDP,
};

enum xf_gen_verdict xf_gen_parse_head(const void *frame, uint32_t head, uint32_t len,
				      struct xf_gen_payload *out)
{
	struct xf_gen_payload pl;
	struct xf_walk w;
	enum xf_gen_verdict v = gen_verdict[xf_walk_head(frame, head, len, &gen_policy, &w)];

	if (v != XF_GEN_OURS)
		return v;
	if (w.payload_len < sizeof(pl))
		return XF_GEN_SHORT;
	if (w.payload_head < sizeof(pl))
		return XF_GEN_TRUNCATED; /* it runs past the first buffer */
	memcpy(&pl, w.payload, sizeof(pl));
	if (pl.magic != XF_GEN_MAGIC)
		return XF_GEN_BAD_MAGIC;
	if (pl.stream >= XF_GEN_MAX_STREAMS)
		return XF_GEN_BAD_STREAM;
	*out = pl;
	return XF_GEN_OURS;
}

enum xf_gen_verdict xf_gen_parse(const void *frame, uint32_t len, struct xf_gen_payload *out)
{
	return xf_gen_parse_head(frame, len, len, out);
}

const char *xf_gen_verdict_name(enum xf_gen_verdict v)
{
	static const char *const names[XF_GEN_NVERDICTS] = {
		[XF_GEN_OURS] = "ours",		  [XF_GEN_NOT_IP] = "not_ip",
		[XF_GEN_TRUNCATED] = "truncated", [XF_GEN_BAD_IP] = "bad_ip",
		[XF_GEN_NOT_UDP] = "not_udp",	  [XF_GEN_SHORT] = "short",
		[XF_GEN_BAD_MAGIC] = "bad_magic", [XF_GEN_BAD_STREAM] = "bad_stream",
	};

	return (unsigned)v < XF_GEN_NVERDICTS ? names[v] : "?";
}
