/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One TFTP read transfer, seen from the server (the sender): which block to
 * send next, what an ACK means, when to retransmit and when to give up.
 * No I/O, no clock: the caller passes now_ns, sends what it is told to and
 * reports back, so the whole protocol is unit tested without a network
 * (tests/unit/test_tftp_session.c) and fuzzed (tests/fuzz/fuzz_tftp.c).
 *
 * Blocks are counted with 64-bit absolute numbers (1 = first); the wire
 * carries (uint16_t)abs, so the block number rolls over 65535 -> 0 (what
 * tftp-hpa, curl and atftp expect). A file of size S has S / blksize + 1
 * blocks (the last is short, possibly empty).
 *
 * Key decisions:
 * - Go-back-N: the window is acked+1 .. acked+windowsize. ACKs are
 *   cumulative; a wire block number is mapped to the one absolute block in
 *   acked .. sent_hi that has it (at most 65536 candidates, so unique).
 * - An advancing ACK always resumes at acked + 1: with windowsize > 1 an
 *   ACK inside the window means the client saw a gap (RFC 7440), so the
 *   rest is resent at once.
 * - A duplicate of the current ACK changes nothing and sends nothing: the
 *   Sorcerer's Apprentice bug (RFC 1123 4.2.3.1) is avoided and only the
 *   timer retransmits.
 * - One timer per session, armed by the first send of outstanding data (or
 *   the OACK), re-armed by progress and by each timeout. Each timeout
 *   doubles the retransmit timeout, up to 8 x the initial one and 60 s (but
 *   never below the initial one: a client may ask up to 255 s); after
 *   max_tries retransmissions of the same window, the next timeout fails
 *   the session.
 *
 * Invariants, checked by the fuzz target: acked < next <= acked +
 * windowsize + 1, next <= nblocks + 1, acked <= sent_hi <= nblocks,
 * next <= sent_hi + 1, rto0_ms <= rto_ms <= max(rto0_ms, min(8 rto0_ms,
 * 60 s)), tries <= max_tries; a timer is armed whenever data is
 * outstanding (sent_hi > acked) in TS_DATA, or an OACK was sent in TS_OACK;
 * TS_DONE and TS_FAILED have none.
 */
#ifndef XF_TFTP_SESSION_H
#define XF_TFTP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "tftp.h"

#define TFTP_RTO_MAX_MS 60000
#define TFTP_RTO_MAX_FACTOR 8

enum tftp_state { TS_OACK, TS_DATA, TS_DONE, TS_FAILED };
enum tftp_event { TE_NONE, TE_PROGRESS, TE_DUPLICATE, TE_STALE, TE_DONE, TE_FAILED };

struct tftp_session {
	enum tftp_state state;
	uint32_t blksize, windowsize;
	uint64_t size, nblocks;
	uint64_t acked;	      /* highest absolute block the client acknowledged (0: none) */
	uint64_t next;	      /* next absolute block to (re)send; acked < next */
	uint64_t sent_hi;     /* highest block ever sent (for counting retransmits) */
	bool oack_due;	      /* the OACK must be (re)sent now */
	bool oack_sent;	      /* the OACK was sent at least once */
	uint64_t deadline_ns; /* 0: no timer */
	uint32_t rto_ms, rto0_ms, tries, max_tries;
	uint64_t retransmits; /* DATA/OACK sent again */
	uint64_t bytes_sent;  /* file bytes in DATA sent, retransmissions included */
};

/*
 * Start a transfer of a @size-byte file with the negotiated @p: TS_OACK
 * with the OACK due when p->oack is set, TS_DATA otherwise. No timer until
 * something is sent. A blksize or windowsize of 0 counts as 1, a timeout
 * of 0 as 1 ms.
 */
void tftp_session_start(struct tftp_session *s, const struct tftp_params *p, uint64_t size,
			uint64_t now_ns);

/* OACK to send? Then the caller sends it and calls tftp_session_sent_oack(). */
bool tftp_session_oack_due(const struct tftp_session *s);
void tftp_session_sent_oack(struct tftp_session *s, uint64_t now_ns);

/*
 * The next DATA block to send now, if the window has room: true with *abs
 * (absolute block), *off (file offset), *len (0..blksize). The caller
 * builds and sends it, then calls tftp_session_sent().
 */
bool tftp_session_next_block(const struct tftp_session *s, uint64_t *abs, uint64_t *off,
			     uint32_t *len);
/* The block tftp_session_next_block() gave was sent (no-op if there was none). */
void tftp_session_sent(struct tftp_session *s, uint64_t now_ns);

/* The block number a DATA for absolute block @abs carries on the wire. */
static inline uint16_t tftp_wire_block(uint64_t abs)
{
	return (uint16_t)abs;
}

/*
 * An ACK with wire block number `block`. Maps it to the absolute block
 * inside the window (acked .. sent_hi; rollover-safe). ACK 0 in TS_OACK
 * starts the data. An ACK of the last block -> TE_DONE. An ACK that
 * advances -> TE_PROGRESS (tries reset, rto back to rto0, timer re-armed if
 * anything is outstanding). With windowsize > 1 an ACK inside the window
 * (client saw a gap, RFC 7440) also rewinds next to acked + 1 so the rest
 * is resent at once. A duplicate of the current ACK -> TE_DUPLICATE and
 * sends NOTHING (no Sorcerer's Apprentice; the timer recovers). An ACK
 * outside the window -> TE_STALE, ignored; so is any ACK in TS_DONE or
 * TS_FAILED.
 */
enum tftp_event tftp_session_ack(struct tftp_session *s, uint16_t block, uint64_t now_ns);

/*
 * Timer: if now >= deadline: go back to acked + 1 (or re-send the OACK),
 * count the retry, double rto (cap 8 x rto0 and 60 s), TE_PROGRESS; after
 * max_tries -> TS_FAILED, TE_FAILED. Otherwise TE_NONE.
 */
enum tftp_event tftp_session_timer(struct tftp_session *s, uint64_t now_ns);

/* The client sent ERROR, or the server gave up (file changed): TS_FAILED. */
void tftp_session_fail(struct tftp_session *s);

#endif
