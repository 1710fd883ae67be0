// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: xf_gen_parse() (user/net/gen_payload.c, on the packet
 * walker user/net/pkt_walk.c): every frame the sink takes goes through it.
 * Pattern and build: see fuzz_rules.c.
 *
 * Input: the frame itself. Beyond "no crash, no out-of-bounds read" (ASan
 * sees the exact-size buffer), each result is checked against the parser's
 * contract (gen_payload.h): the verdict is one of the enum and has a name;
 * "ours" means the payload came out of the frame's own bytes, with the
 * magic and a stream in range; any other verdict leaves @out untouched; and
 * the same bytes always give the same answer. A difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_payload.h"

#define FUZZ_NAME "fuzz_gen_parse"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xf_gen_payload out, again, untouched;
	enum xf_gen_verdict v, w;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;

	memset(&untouched, 0xa5, sizeof(untouched));
	out = untouched;
	v = xf_gen_parse(data, len, &out);
	check(v >= XF_GEN_OURS && v < XF_GEN_NVERDICTS);
	check(xf_gen_verdict_name(v) != NULL);
	if (v == XF_GEN_OURS) {
		check(out.magic == XF_GEN_MAGIC);
		check(out.stream < XF_GEN_MAX_STREAMS);
		check(memmem(data, len, &out, sizeof(out)) != NULL);
	} else {
		check(!memcmp(&out, &untouched, sizeof(out)));
	}
	again = untouched;
	w = xf_gen_parse(data, len, &again);
	check(w == v);
	check(!memcmp(&out, &again, sizeof(out)));
	return 0;
}
