// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One TFTP read transfer's sender state machine (see tftp_session.h). */
#include <string.h>

#include "tftp_session.h"

#define NS_PER_MS 1000000ull

static void arm(struct tftp_session *s, uint64_t now_ns)
{
	s->deadline_ns = now_ns + (uint64_t)s->rto_ms * NS_PER_MS;
}

/* The largest rto back-off may reach: 8 x rto0 and 60 s, never under rto0. */
static uint32_t rto_cap(const struct tftp_session *s)
{
	uint64_t cap = (uint64_t)s->rto0_ms * TFTP_RTO_MAX_FACTOR;

	if (cap > TFTP_RTO_MAX_MS)
		cap = TFTP_RTO_MAX_MS;
	if (cap < s->rto0_ms)
		cap = s->rto0_ms;
	return (uint32_t)cap;
}

void tftp_session_start(struct tftp_session *s, const struct tftp_params *p, uint64_t size,
			uint64_t now_ns)
{
	(void)now_ns;
	memset(s, 0, sizeof(*s));
	s->blksize = p->blksize ? p->blksize : 1;
	s->windowsize = p->windowsize ? p->windowsize : 1;
	s->size = size;
	s->nblocks = size / s->blksize + 1;
	s->next = 1;
	s->rto0_ms = p->timeout_ms ? p->timeout_ms : 1;
	s->rto_ms = s->rto0_ms;
	s->max_tries = p->retries;
	if (p->oack) {
		s->state = TS_OACK;
		s->oack_due = true;
	} else {
		s->state = TS_DATA;
	}
}

bool tftp_session_oack_due(const struct tftp_session *s)
{
	return s->state == TS_OACK && s->oack_due;
}

void tftp_session_sent_oack(struct tftp_session *s, uint64_t now_ns)
{
	if (!tftp_session_oack_due(s))
		return;
	if (s->oack_sent)
		s->retransmits++;
	s->oack_sent = true;
	s->oack_due = false;
	if (!s->deadline_ns)
		arm(s, now_ns);
}

bool tftp_session_next_block(const struct tftp_session *s, uint64_t *abs, uint64_t *off,
			     uint32_t *len)
{
	uint64_t o;

	if (s->state != TS_DATA || s->next > s->nblocks || s->next - s->acked > s->windowsize)
		return false;
	o = (s->next - 1) * s->blksize;
	*abs = s->next;
	*off = o;
	*len = s->size - o < s->blksize ? (uint32_t)(s->size - o) : s->blksize;
	return true;
}

void tftp_session_sent(struct tftp_session *s, uint64_t now_ns)
{
	uint64_t abs, off;
	uint32_t len;

	if (!tftp_session_next_block(s, &abs, &off, &len))
		return;
	if (abs <= s->sent_hi)
		s->retransmits++;
	else
		s->sent_hi = abs;
	s->bytes_sent += len;
	s->next = abs + 1;
	if (!s->deadline_ns)
		arm(s, now_ns);
}

enum tftp_event tftp_session_ack(struct tftp_session *s, uint16_t block, uint64_t now_ns)
{
	uint64_t abs;

	if (s->state == TS_OACK) {
		if (block != 0)
			return TE_STALE;
		s->state = TS_DATA;
		s->oack_due = false;
		s->tries = 0;
		s->rto_ms = s->rto0_ms;
		s->deadline_ns = 0;
		return TE_PROGRESS;
	}
	if (s->state != TS_DATA)
		return TE_STALE;

	/* The one block in acked .. acked + 65535 with this wire number. */
	abs = s->acked + (uint16_t)(block - (uint16_t)s->acked);
	if (abs == s->acked)
		return TE_DUPLICATE;
	if (abs > s->sent_hi)
		return TE_STALE;

	s->acked = abs;
	/* Everything after it is resent: a gap in the window, or already next. */
	s->next = abs + 1;
	if (abs == s->nblocks) {
		s->state = TS_DONE;
		s->deadline_ns = 0;
		return TE_DONE;
	}
	s->tries = 0;
	s->rto_ms = s->rto0_ms;
	if (s->sent_hi > s->acked)
		arm(s, now_ns);
	else
		s->deadline_ns = 0;
	return TE_PROGRESS;
}

enum tftp_event tftp_session_timer(struct tftp_session *s, uint64_t now_ns)
{
	uint64_t rto;

	if ((s->state != TS_OACK && s->state != TS_DATA) || !s->deadline_ns ||
	    now_ns < s->deadline_ns)
		return TE_NONE;
	if (s->tries >= s->max_tries) {
		tftp_session_fail(s);
		return TE_FAILED;
	}
	s->tries++;
	rto = (uint64_t)s->rto_ms * 2;
	s->rto_ms = rto > rto_cap(s) ? rto_cap(s) : (uint32_t)rto;
	if (s->state == TS_OACK)
		s->oack_due = true;
	else
		s->next = s->acked + 1;
	arm(s, now_ns);
	return TE_PROGRESS;
}

void tftp_session_fail(struct tftp_session *s)
{
	s->state = TS_FAILED;
	s->oack_due = false;
	s->deadline_ns = 0;
}
