// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the TFTP module (user/serve/tftp.c, user/serve/tftp_session.c),
 * which reads every request and message a client sends to `xskfwd serve`.
 * Pattern and build: see fuzz_rules.c.
 *
 * Three parts, all on the same input:
 * 1. The whole input is a request (tftp_parse_request) and a session-port
 *    message (tftp_parse_msg). Beyond "no crash, no read past the end"
 *    (ASan sees the exact-size buffer), the results must honour tftp.h: a
 *    filename of 1..255 bytes that is in the input, only valid option bits
 *    with values in range, a static reason on failure; an ERROR text that
 *    is NUL-terminated printable ASCII.
 * 2. The parsed request is negotiated against limits taken from the input;
 *    the OACK built from it must parse back, as the options of a request,
 *    to exactly what was acknowledged, and never carry tsize=0.
 * 3. A session is started with parameters from the input's first bytes and
 *    driven by the rest, two bytes a step: send what the window allows,
 *    an ACK (near the window or any wire number), a timer tick, the OACK,
 *    or a failure. After every step the invariants of tftp_session.h are
 *    checked, DATA blocks must be the right slice of the file in order, a
 *    duplicate or stale ACK must change nothing, and counters must add up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tftp.h"
#include "tftp_session.h"

#define FUZZ_NAME "fuzz_tftp"
#include "fuzz_check.h"

#define ALL_OPTS (TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_TIMEOUT | TFTP_OPT_WINDOWSIZE)

static void check_request(const uint8_t *data, size_t size, struct tftp_request *r)
{
	const char *why = NULL;
	size_t n;
	int ret;

	ret = tftp_parse_request(data, size, r, &why);
	if (ret) {
		check(ret == -EINVAL);
		check(why != NULL && why[0] != '\0');
		return;
	}
	check(why == NULL);
	check(r->op == TFTP_RRQ || r->op == TFTP_WRQ);
	check(r->mode <= TFTP_MODE_MAIL);
	n = strnlen(r->filename, sizeof(r->filename));
	check(n >= 1 && n <= TFTP_NAME_MAX);
	check(size >= 2 + n + 1 && !memcmp(data + 2, r->filename, n + 1));
	check(!(r->opts & ~ALL_OPTS));
	if (r->opts & TFTP_OPT_BLKSIZE)
		check(r->blksize >= TFTP_BLKSIZE_MIN && r->blksize <= TFTP_BLKSIZE_MAX);
	if (r->opts & TFTP_OPT_TIMEOUT)
		check(r->timeout_s >= 1 && r->timeout_s <= TFTP_TIMEOUT_MAX);
	if (r->opts & TFTP_OPT_WINDOWSIZE)
		check(r->windowsize >= 1 && r->windowsize <= TFTP_WINDOWSIZE_MAX);
}

static void check_msg(const uint8_t *data, size_t size)
{
	struct tftp_msg m;
	size_t i, n;

	if (tftp_parse_msg(data, size, &m)) {
		check(size < 4 || (data[0] << 8 | data[1]) < TFTP_RRQ ||
		      (data[0] << 8 | data[1]) > TFTP_OACK);
		return;
	}
	check(size >= 2 && m.op >= TFTP_RRQ && m.op <= TFTP_OACK);
	check((int)m.op == (data[0] << 8 | data[1]));
	if (m.op == TFTP_ACK || m.op == TFTP_DATA)
		check(m.block == (data[2] << 8 | data[3]));
	n = strnlen(m.text, sizeof(m.text));
	check(n < sizeof(m.text));
	for (i = 0; i < n; i++)
		check(m.text[i] >= 0x20 && m.text[i] < 0x7f);
}

/* The OACK, wrapped as a request's options, must parse back to itself. */
static void check_oack(const struct tftp_request *r, const uint8_t *data, size_t size)
{
	struct tftp_limits l = { 0 };
	struct tftp_params p;
	struct tftp_request back;
	uint8_t oack[160], rrq[200];
	uint64_t fsize = 0;
	size_t n, i;

	if (size >= 8) {
		l.blksize_max = (uint32_t)(data[size - 1] << 8 | data[size - 2]);
		l.windowsize_max = data[size - 3];
		l.timeout_ms = data[size - 4] * 10u;
		for (i = 0; i < 4; i++)
			fsize = fsize << 8 | data[size - 5 - i];
		fsize >>= data[size - 5] & 31;
	}
	tftp_negotiate(r, &l, fsize, &p);
	check(!(p.oack & ~r->opts));
	check(p.blksize >= TFTP_BLKSIZE_MIN && p.blksize <= TFTP_BLKSIZE_MAX);
	check(p.windowsize >= 1 && p.windowsize <= TFTP_WINDOWSIZE_MAX);
	check(p.timeout_ms >= 1);
	if (p.oack & TFTP_OPT_BLKSIZE)
		check(p.blksize <= r->blksize &&
		      p.blksize <= (l.blksize_max > 8 ? l.blksize_max : 8));
	else
		check(p.blksize == TFTP_BLKSIZE_DEFAULT);
	if (p.oack & TFTP_OPT_WINDOWSIZE)
		check(p.windowsize <= r->windowsize);
	else
		check(p.windowsize == 1);
	if (fsize == 0)
		check(!(p.oack & TFTP_OPT_TSIZE));

	n = tftp_build_oack(oack, sizeof(oack), &p);
	check(n >= 2 && oack[0] == 0 && oack[1] == TFTP_OACK);
	memcpy(rrq, "\0\1f\0octet", 10);
	memcpy(rrq + 10, oack + 2, n - 2);
	check(tftp_parse_request(rrq, 10 + n - 2, &back, NULL) == 0);
	check(back.opts == p.oack);
	if (p.oack & TFTP_OPT_BLKSIZE)
		check(back.blksize == p.blksize);
	if (p.oack & TFTP_OPT_WINDOWSIZE)
		check(back.windowsize == p.windowsize);
	/* The OACK says the client's timeout; the server retransmits no later. */
	if (p.oack & TFTP_OPT_TIMEOUT)
		check(back.timeout_s == r->timeout_s && p.timeout_s == r->timeout_s &&
		      p.timeout_ms <= r->timeout_s * 1000u);
	if (p.oack & TFTP_OPT_TSIZE)
		check(back.tsize == fsize && fsize != 0);
	check(tftp_build_oack(oack, n - 1, &p) == 0 || n == 2);
}

static void check_invariants(const struct tftp_session *s)
{
	check(s->nblocks == s->size / s->blksize + 1);
	check(s->acked < s->next);
	check(s->next <= s->acked + s->windowsize + 1);
	check(s->next <= s->nblocks + 1);
	check(s->acked <= s->sent_hi && s->sent_hi <= s->nblocks);
	check(s->next <= s->sent_hi + 1);
	check(s->rto_ms >= s->rto0_ms);
	check(s->rto_ms <= s->rto0_ms || s->rto_ms <= TFTP_RTO_MAX_MS);
	check(s->rto_ms <= (uint64_t)s->rto0_ms * TFTP_RTO_MAX_FACTOR);
	check(s->tries <= s->max_tries);
	switch (s->state) {
	case TS_OACK:
		check(s->acked == 0 && s->sent_hi == 0);
		check(s->oack_due || s->deadline_ns != 0);
		break;
	case TS_DATA:
		check(!s->oack_due);
		if (s->sent_hi > s->acked)
			check(s->deadline_ns != 0);
		break;
	case TS_DONE:
		check(s->acked == s->nblocks && s->deadline_ns == 0);
		break;
	case TS_FAILED:
		check(s->deadline_ns == 0 && !s->oack_due);
		break;
	default:
		failed("state out of range");
	}
}

static void drive(const uint8_t *data, size_t size)
{
	struct tftp_params p = { 0 };
	struct tftp_session s, before;
	uint64_t now = 1, abs, off, acked, resends = 0, oacks = 0, bytes = 0, hi = 0;
	uint32_t len;
	enum tftp_event ev;
	size_t i, k;

	if (size < 12)
		return;
	p.blksize = (uint32_t)(data[0] << 8 | data[1]) % TFTP_BLKSIZE_MAX + 1;
	/* Mostly small windows (fast runs); 32768..65535 when data[2] says so. */
	p.windowsize = data[2] & 0x80 ? (uint32_t)(data[2] << 8 | data[3]) : data[3];
	p.timeout_ms = (uint32_t)(data[4] << 8 | data[5]);
	p.retries = data[6] & 15;
	p.oack = data[7] & ALL_OPTS;
	p.tsize = (uint64_t)data[8] << 24 | (uint64_t)data[9] << 16 | data[10] << 8 | data[11];
	/* Small blocks and large files, to reach the wrap with few steps. */
	p.tsize <<= data[7] >> 4;
	tftp_session_start(&s, &p, p.tsize, now);
	check(s.state == (p.oack ? TS_OACK : TS_DATA));
	check_invariants(&s);

	for (i = 12; i + 1 < size; i += 2) {
		uint8_t op = data[i], arg = data[i + 1];

		memcpy(&before, &s, sizeof(s));
		switch (op & 7) {
		case 0: /* send what the window allows, at most 4096 blocks a step */
		case 1:
			for (k = 0; k < 4096 && tftp_session_next_block(&s, &abs, &off, &len);
			     k++) {
				check(s.state == TS_DATA);
				check(abs == s.next && abs > s.acked &&
				      abs <= s.acked + s.windowsize && abs <= s.nblocks);
				check(off == (abs - 1) * s.blksize);
				check(len == (abs < s.nblocks ? s.blksize : s.size - off));
				check(off + len <= s.size);
				if (abs <= hi)
					resends++;
				else
					hi = abs;
				bytes += len;
				tftp_session_sent(&s, now);
				check(s.next == abs + 1 && s.deadline_ns != 0);
			}
			break;
		case 2: /* ACK relative to the current one: -8 .. +247 */
		case 3:
			acked = s.acked;
			ev = tftp_session_ack(&s, (uint16_t)(s.acked + arg - 8), now);
			goto ack;
		case 4: /* any wire number */
			acked = s.acked;
			ev = tftp_session_ack(&s, (uint16_t)(arg << 8 | op), now);
		ack:
			if (ev == TE_DUPLICATE || ev == TE_STALE) {
				check(!memcmp(&s, &before, sizeof(s)));
			} else if (ev == TE_DONE) {
				check(s.state == TS_DONE && s.acked == s.nblocks);
			} else {
				check(ev == TE_PROGRESS);
				check(s.acked > acked || (before.state == TS_OACK && s.acked == 0));
				check(s.next == s.acked + 1 && s.tries == 0 &&
				      s.rto_ms == s.rto0_ms);
				check(s.state == TS_DATA);
			}
			break;
		case 5: /* time passes: 0 .. 255 x 20 ms */
			now += (uint64_t)arg * 20000000ull;
			ev = tftp_session_timer(&s, now);
			if (ev == TE_NONE) {
				check(!memcmp(&s, &before, sizeof(s)));
			} else if (ev == TE_FAILED) {
				check(s.state == TS_FAILED && before.tries == before.max_tries);
			} else {
				check(ev == TE_PROGRESS);
				check(now >= before.deadline_ns && before.deadline_ns != 0);
				check(s.tries == before.tries + 1);
				check(s.deadline_ns > now);
				if (s.state == TS_DATA)
					check(s.next == s.acked + 1);
				else
					check(s.oack_due);
			}
			break;
		case 6: /* the OACK, when due */
			if (tftp_session_oack_due(&s)) {
				tftp_session_sent_oack(&s, now);
				oacks++;
				check(!s.oack_due && s.deadline_ns != 0);
			}
			break;
		case 7: /* the client gives up, rarely */
			if (arg == 0xff) {
				tftp_session_fail(&s);
				check(s.state == TS_FAILED);
			}
			break;
		}
		check_invariants(&s);
		check(s.sent_hi == hi);
		check(s.bytes_sent == bytes);
		check(s.retransmits == resends + (oacks ? oacks - 1 : 0));
		now += 1000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_request r;

	check_request(data, size, &r);
	check_msg(data, size);
	if (r.filename[0])
		check_oack(&r, data, size);
	drive(data, size);
	return 0;
}
