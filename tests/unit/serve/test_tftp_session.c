// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the TFTP sender state machine (user/serve/tftp_session.c).
 *
 * A small simulated client receives what the session lets the caller send
 * and answers with ACKs as tftp-hpa (lockstep) or an RFC 7440 client
 * (window) would; frames can be dropped on purpose. What is checked is what
 * a user would see on the wire: the exact block numbers (wrapping 65535 ->
 * 0), offsets and lengths of every DATA, that the file's bytes are covered
 * exactly once in order, that duplicate ACKs send nothing, and the exact
 * times and count of retransmissions before a session gives up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tftp_session.h"

#define MS 1000000ull

static struct tftp_params params(uint32_t blksize, uint32_t windowsize, uint32_t oack)
{
	struct tftp_params p = { .blksize = blksize,
				 .windowsize = windowsize,
				 .timeout_ms = 1000,
				 .retries = 5,
				 .oack = oack };
	return p;
}

/* One DATA the session asked to send, as it goes on the wire. */
struct sent {
	uint64_t abs, off;
	uint32_t len;
	uint16_t wire;
};

/* Send everything the window allows now; returns how many. */
static size_t send_all(struct tftp_session *s, uint64_t now, struct sent *out, size_t cap)
{
	uint64_t abs, off;
	uint32_t len;
	uint8_t hdr[TFTP_DATA_HDR];
	size_t n = 0;

	while (tftp_session_next_block(s, &abs, &off, &len)) {
		assert_true(n < cap);
		assert_in_range(len, 0, s->blksize);
		tftp_put_data_hdr(hdr, tftp_wire_block(abs));
		out[n].abs = abs;
		out[n].off = off;
		out[n].len = len;
		out[n].wire = (uint16_t)(hdr[2] << 8 | hdr[3]);
		n++;
		tftp_session_sent(s, now);
	}
	return n;
}

/*
 * A lossless lockstep or windowed transfer of @size bytes; checks every
 * block and returns how many DATA were sent.
 */
static uint64_t transfer(uint64_t size, uint32_t blksize, uint32_t windowsize)
{
	struct tftp_params p = params(blksize, windowsize, 0);
	struct tftp_session s;
	struct sent w[64];
	uint64_t expect = 1, now = 0, sent = 0;
	enum tftp_event ev = TE_NONE;
	size_t n, i;

	tftp_session_start(&s, &p, size, now);
	assert_int_equal(s.nblocks, size / blksize + 1);
	while (s.state == TS_DATA) {
		n = send_all(&s, now, w, 64);
		assert_true(n >= 1 && n <= windowsize);
		for (i = 0; i < n; i++, expect++) {
			assert_true(w[i].abs == expect);
			assert_int_equal(w[i].wire, (uint16_t)expect);
			assert_true(w[i].off == (expect - 1) * blksize);
			assert_int_equal(w[i].len, expect < s.nblocks ? blksize : size % blksize);
		}
		sent += n;
		now += MS;
		/* Nothing more until the ACK. */
		assert_false(tftp_session_next_block(&s, &(uint64_t){ 0 }, &(uint64_t){ 0 },
						     &(uint32_t){ 0 }));
		ev = tftp_session_ack(&s, w[n - 1].wire, now);
		assert_int_equal(ev, s.acked == s.nblocks ? TE_DONE : TE_PROGRESS);
	}
	assert_int_equal(ev, TE_DONE);
	assert_int_equal(s.state, TS_DONE);
	assert_true(expect == s.nblocks + 1);
	assert_true(s.bytes_sent == size);
	assert_int_equal(s.retransmits, 0);
	assert_true(s.deadline_ns == 0);
	return sent;
}

/* 0, 1, 511, 512, 513 bytes: the last block is short, possibly empty. */
static void test_small_files(void **state)
{
	struct tftp_params p = params(512, 1, 0);
	struct tftp_session s;
	uint64_t abs, off;
	uint32_t len;

	(void)state;
	assert_int_equal(transfer(0, 512, 1), 1);
	assert_int_equal(transfer(1, 512, 1), 1);
	assert_int_equal(transfer(511, 512, 1), 1);
	assert_int_equal(transfer(512, 512, 1), 2);
	assert_int_equal(transfer(513, 512, 1), 2);
	assert_int_equal(transfer(1024, 512, 1), 3);
	assert_int_equal(transfer(513, 512, 16), 2);
	assert_int_equal(transfer(100000, 1468, 16), 69);

	/* The exact blocks of 512 and 513 bytes. */
	tftp_session_start(&s, &p, 512, 0);
	assert_true(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(abs == 1 && off == 0 && len == 512);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_ack(&s, 1, 0), TE_PROGRESS);
	assert_true(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(abs == 2 && off == 512 && len == 0);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_ack(&s, 2, 0), TE_DONE);

	tftp_session_start(&s, &p, 513, 0);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_ack(&s, 1, 0), TE_PROGRESS);
	assert_true(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(abs == 2 && off == 512 && len == 1);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_ack(&s, 2, 0), TE_DONE);
	assert_true(s.bytes_sent == 513);
}

static void test_oack_handshake(void **state)
{
	struct tftp_params p = params(1024, 1, TFTP_OPT_BLKSIZE);
	struct tftp_session s;
	uint64_t abs, off;
	uint32_t len;

	(void)state;
	tftp_session_start(&s, &p, 3000, 0);
	assert_int_equal(s.state, TS_OACK);
	assert_true(tftp_session_oack_due(&s));
	assert_false(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(s.deadline_ns == 0);
	tftp_session_sent_oack(&s, 10 * MS);
	assert_false(tftp_session_oack_due(&s));
	assert_true(s.deadline_ns == 1010 * MS);
	/* Only ACK 0 acknowledges an OACK. */
	assert_int_equal(tftp_session_ack(&s, 1, 20 * MS), TE_STALE);
	assert_int_equal(s.state, TS_OACK);

	/* Lost OACK: sent again after the timeout, counted as a retransmission. */
	assert_int_equal(tftp_session_timer(&s, 1009 * MS), TE_NONE);
	assert_int_equal(tftp_session_timer(&s, 1010 * MS), TE_PROGRESS);
	assert_true(tftp_session_oack_due(&s));
	assert_int_equal(s.rto_ms, 2000);
	tftp_session_sent_oack(&s, 1011 * MS);
	assert_int_equal(s.retransmits, 1);

	assert_int_equal(tftp_session_ack(&s, 0, 1500 * MS), TE_PROGRESS);
	assert_int_equal(s.state, TS_DATA);
	assert_int_equal(s.rto_ms, 1000);
	assert_int_equal(s.tries, 0);
	assert_true(s.deadline_ns == 0);
	assert_true(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(abs == 1 && off == 0 && len == 1024);
	tftp_session_sent(&s, 1500 * MS);
	assert_true(s.deadline_ns == 2500 * MS);
	/* The client's ACK 0 again (it did not see DATA 1 yet): nothing to do. */
	assert_int_equal(tftp_session_ack(&s, 0, 1600 * MS), TE_DUPLICATE);
	assert_false(tftp_session_next_block(&s, &abs, &off, &len));
	assert_true(s.next == 2);
}

/* ~70000 blocks of 512: the wire wraps 65535 -> 0 and the ACKs still map. */
static void test_rollover(void **state)
{
	const uint64_t nblocks = 70000, size = (nblocks - 1) * 512 + 100;
	struct tftp_params p = params(512, 1, TFTP_OPT_TSIZE);
	struct tftp_session s;
	uint64_t abs, off, now = 0, i;
	uint32_t len;
	uint16_t wire;
	enum tftp_event ev;
	int wraps = 0;

	(void)state;
	tftp_session_start(&s, &p, size, now);
	assert_true(s.nblocks == nblocks);
	tftp_session_sent_oack(&s, now);
	assert_int_equal(tftp_session_ack(&s, 0, now), TE_PROGRESS);
	for (i = 1; i <= nblocks; i++) {
		assert_true(tftp_session_next_block(&s, &abs, &off, &len));
		if (abs != i || off != (i - 1) * 512 || len != (i < nblocks ? 512 : 100))
			fail_msg("block %llu: abs %llu off %llu len %u", (unsigned long long)i,
				 (unsigned long long)abs, (unsigned long long)off, len);
		wire = tftp_wire_block(abs);
		if (i == 65535)
			assert_int_equal(wire, 65535);
		if (i == 65536) {
			assert_int_equal(wire, 0);
			wraps++;
		}
		if (i == 65537)
			assert_int_equal(wire, 1);
		tftp_session_sent(&s, now);
		now += 1000;
		/* Just past the wrap: the ACK of block 65535 again is a duplicate, not progress. */
		if (i == 65536)
			assert_int_equal(tftp_session_ack(&s, 65535, now), TE_DUPLICATE);
		ev = tftp_session_ack(&s, wire, now);
		if (ev != (i < nblocks ? TE_PROGRESS : TE_DONE))
			fail_msg("ACK %u of block %llu: event %d", wire, (unsigned long long)i, ev);
		assert_true(s.acked == i);
	}
	assert_int_equal(wraps, 1);
	assert_int_equal(s.state, TS_DONE);
	assert_true(s.bytes_sent == size);
	assert_int_equal(s.retransmits, 0);
}

/* The same past the wrap with windows of 16, and stale ACKs from before it. */
static void test_rollover_window(void **state)
{
	const uint64_t size = 70000ull * 512;
	struct tftp_params p = params(512, 16, TFTP_OPT_WINDOWSIZE);
	struct tftp_session s;
	struct sent w[16];
	uint64_t now = 0, expect = 1;
	size_t n, i;
	enum tftp_event ev;

	(void)state;
	tftp_session_start(&s, &p, size, now);
	assert_true(s.nblocks == 70001);
	tftp_session_sent_oack(&s, now);
	assert_int_equal(tftp_session_ack(&s, 0, now), TE_PROGRESS);
	do {
		n = send_all(&s, now, w, 16);
		for (i = 0; i < n; i++, expect++) {
			assert_true(w[i].abs == expect);
			assert_int_equal(w[i].wire, (uint16_t)expect);
		}
		/* Around the wrap, a late ACK of an old window is stale. */
		if (s.acked > 65536 && s.acked < 65600) {
			assert_int_equal(tftp_session_ack(&s, (uint16_t)(s.acked - 16), now),
					 TE_STALE);
			assert_int_equal(tftp_session_ack(&s, 65520, now), TE_STALE);
		}
		ev = tftp_session_ack(&s, w[n - 1].wire, now);
		now += MS;
	} while (ev == TE_PROGRESS);
	assert_int_equal(ev, TE_DONE);
	assert_true(expect == 70002);
	assert_true(s.bytes_sent == size);
	assert_int_equal(s.retransmits, 0);
}

/* Windowsize 16, block 5 lost: the client ACKs 4, the rest is resent at once. */
static void test_window_gap(void **state)
{
	struct tftp_params p = params(512, 16, TFTP_OPT_WINDOWSIZE);
	struct tftp_session s;
	struct sent w[16];
	size_t n, i;

	(void)state;
	tftp_session_start(&s, &p, 100 * 512 + 7, 0);
	tftp_session_sent_oack(&s, 0);
	assert_int_equal(tftp_session_ack(&s, 0, 0), TE_PROGRESS);
	n = send_all(&s, 0, w, 16);
	assert_int_equal(n, 16);
	assert_true(w[15].abs == 16 && s.sent_hi == 16);

	assert_int_equal(tftp_session_ack(&s, 4, 5 * MS), TE_PROGRESS);
	assert_true(s.acked == 4 && s.next == 5);
	/* Re-armed from the ACK: blocks 5..16 are outstanding. */
	assert_true(s.deadline_ns == 1005 * MS);
	n = send_all(&s, 6 * MS, w, 16);
	assert_int_equal(n, 16);
	for (i = 0; i < n; i++) {
		assert_true(w[i].abs == 5 + i);
		assert_true(w[i].off == (4 + i) * 512);
	}
	assert_int_equal(s.retransmits, 12); /* 5..16 again */
	assert_true(s.sent_hi == 20);
	assert_true(s.bytes_sent == 32 * 512);

	/* The same gap ACK once more (a late copy): nothing is sent. */
	assert_int_equal(tftp_session_ack(&s, 4, 7 * MS), TE_DUPLICATE);
	assert_false(tftp_session_next_block(&s, &w[0].abs, &w[0].off, &w[0].len));
	assert_int_equal(s.retransmits, 12);

	assert_int_equal(tftp_session_ack(&s, 20, 8 * MS), TE_PROGRESS);
	assert_true(s.acked == 20 && s.next == 21);
	assert_true(s.deadline_ns == 0);
	n = send_all(&s, 9 * MS, w, 16);
	assert_int_equal(n, 16);
	assert_true(w[0].abs == 21);
}

/* Lockstep: a duplicated ACK sends nothing (no Sorcerer's Apprentice). */
static void test_duplicate_ack_sends_nothing(void **state)
{
	struct tftp_params p = params(512, 1, 0);
	struct tftp_session s;
	struct sent w[4];
	uint64_t dl;
	int k;

	(void)state;
	tftp_session_start(&s, &p, 10 * 512, 0);
	assert_int_equal(send_all(&s, 0, w, 4), 1);
	assert_int_equal(tftp_session_ack(&s, 1, MS), TE_PROGRESS);
	assert_int_equal(send_all(&s, 2 * MS, w, 4), 1);
	assert_true(w[0].abs == 2);
	dl = s.deadline_ns;
	for (k = 0; k < 5; k++) {
		assert_int_equal(tftp_session_ack(&s, 1, (3 + k) * MS), TE_DUPLICATE);
		assert_int_equal(send_all(&s, (3 + k) * MS, w, 4), 0);
	}
	assert_true(s.next == 3 && s.acked == 1);
	assert_true(s.deadline_ns == dl);
	assert_int_equal(s.retransmits, 0);
	assert_int_equal(tftp_session_ack(&s, 2, 9 * MS), TE_PROGRESS);
	assert_int_equal(send_all(&s, 9 * MS, w, 4), 1);
	assert_true(w[0].abs == 3);
}

static void test_stale_ack_ignored(void **state)
{
	struct tftp_params p = params(512, 4, 0);
	struct tftp_session s;
	struct tftp_session before;
	struct sent w[4];

	(void)state;
	tftp_session_start(&s, &p, 100 * 512, 0);
	assert_int_equal(send_all(&s, 0, w, 4), 4);
	assert_int_equal(tftp_session_ack(&s, 4, MS), TE_PROGRESS);
	assert_int_equal(send_all(&s, MS, w, 4), 4);
	memcpy(&before, &s, sizeof(s));
	/* Not sent yet, far ahead, behind the current ACK: all ignored. */
	assert_int_equal(tftp_session_ack(&s, 9, 2 * MS), TE_STALE);
	assert_int_equal(tftp_session_ack(&s, 1000, 2 * MS), TE_STALE);
	assert_int_equal(tftp_session_ack(&s, 3, 2 * MS), TE_STALE);
	assert_int_equal(tftp_session_ack(&s, 65535, 2 * MS), TE_STALE);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(tftp_session_ack(&s, 8, 2 * MS), TE_PROGRESS);

	/* After the end and after a failure every ACK is stale. */
	tftp_session_start(&s, &p, 0, 0);
	assert_int_equal(send_all(&s, 0, w, 4), 1);
	assert_int_equal(tftp_session_ack(&s, 1, 0), TE_DONE);
	assert_int_equal(tftp_session_ack(&s, 1, 0), TE_STALE);
	tftp_session_start(&s, &p, 10, 0);
	tftp_session_fail(&s);
	assert_int_equal(tftp_session_ack(&s, 1, 0), TE_STALE);
}

/* 1 s, 2 s, 4 s, 8 s, 8 s, 8 s between tries; the 6th timeout gives up. */
static void test_timer_backoff_and_failure(void **state)
{
	static const uint32_t want_rto[] = { 2000, 4000, 8000, 8000, 8000 };
	struct tftp_params p = params(512, 1, 0);
	struct tftp_session s;
	struct sent w[2];
	uint64_t t = 0, abs, off;
	uint32_t len;
	int k;

	(void)state;
	tftp_session_start(&s, &p, 5000, 0);
	assert_int_equal(tftp_session_timer(&s, 100000 * MS), TE_NONE); /* nothing sent */
	assert_int_equal(send_all(&s, t, w, 2), 1);
	assert_true(s.deadline_ns == 1000 * MS);
	assert_int_equal(tftp_session_timer(&s, 999 * MS), TE_NONE);
	t = 1000 * MS;
	for (k = 0; k < 5; k++) {
		assert_int_equal(tftp_session_timer(&s, t), TE_PROGRESS);
		assert_int_equal(s.tries, k + 1);
		assert_int_equal(s.rto_ms, want_rto[k]);
		assert_true(s.deadline_ns == t + want_rto[k] * MS);
		/* Back to block 1, sent again. */
		assert_true(tftp_session_next_block(&s, &abs, &off, &len));
		assert_true(abs == 1 && off == 0 && len == 512);
		tftp_session_sent(&s, t);
		assert_int_equal(s.retransmits, k + 1);
		assert_int_equal(tftp_session_timer(&s, t + want_rto[k] * MS - 1), TE_NONE);
		t += want_rto[k] * MS;
	}
	assert_true(t == (1 + 2 + 4 + 8 + 8 + 8) * 1000 * MS);
	assert_int_equal(tftp_session_timer(&s, t), TE_FAILED);
	assert_int_equal(s.state, TS_FAILED);
	assert_true(s.deadline_ns == 0);
	assert_false(tftp_session_next_block(&s, &abs, &off, &len));
	assert_int_equal(tftp_session_timer(&s, t + 100000 * MS), TE_NONE);
	assert_true(s.bytes_sent == 6 * 512);
}

/* Progress resets the back-off; long client timeouts are capped at 60 s but never cut. */
static void test_timer_reset_and_caps(void **state)
{
	struct tftp_params p = params(512, 2, 0);
	struct tftp_session s;
	struct sent w[2];
	uint32_t k;

	(void)state;
	tftp_session_start(&s, &p, 10 * 512, 0);
	assert_int_equal(send_all(&s, 0, w, 2), 2);
	assert_int_equal(tftp_session_timer(&s, 1000 * MS), TE_PROGRESS);
	assert_int_equal(send_all(&s, 1000 * MS, w, 2), 2);
	assert_true(w[0].abs == 1 && w[1].abs == 2);
	assert_int_equal(s.retransmits, 2);
	assert_int_equal(tftp_session_timer(&s, 3000 * MS), TE_PROGRESS);
	assert_int_equal(s.rto_ms, 4000);
	assert_int_equal(send_all(&s, 3000 * MS, w, 2), 2);
	/* ACK 1 of 2: progress, back to rto0, re-armed since 2 is outstanding. */
	assert_int_equal(tftp_session_ack(&s, 1, 3100 * MS), TE_PROGRESS);
	assert_int_equal(s.tries, 0);
	assert_int_equal(s.rto_ms, 1000);
	assert_true(s.deadline_ns == 4100 * MS);
	assert_true(s.next == 2);

	/* timeout 10 s: 20, 40, 60, 60. */
	p.timeout_ms = 10000;
	p.retries = 10;
	tftp_session_start(&s, &p, 10, 0);
	tftp_session_sent(&s, 0);
	{
		static const uint32_t want[] = { 20000, 40000, 60000, 60000 };

		for (k = 0; k < 4; k++) {
			assert_int_equal(tftp_session_timer(&s, s.deadline_ns), TE_PROGRESS);
			assert_int_equal(s.rto_ms, want[k]);
		}
	}
	/* timeout 255 s (RFC 2349's maximum): stays 255 s. */
	p.timeout_ms = 255000;
	tftp_session_start(&s, &p, 10, 0);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_timer(&s, s.deadline_ns), TE_PROGRESS);
	assert_int_equal(s.rto_ms, 255000);

	/* retries 0: the first timeout fails. */
	p.timeout_ms = 1000;
	p.retries = 0;
	tftp_session_start(&s, &p, 10, 0);
	tftp_session_sent(&s, 0);
	assert_int_equal(tftp_session_timer(&s, 1000 * MS), TE_FAILED);
}

/* After a timeout rewound next, the client ACKs what the first sends delivered. */
static void test_ack_after_rewind(void **state)
{
	struct tftp_params p = params(512, 4, 0);
	struct tftp_session s;
	struct sent w[4];

	(void)state;
	tftp_session_start(&s, &p, 7 * 512 + 10, 0);
	assert_int_equal(send_all(&s, 0, w, 4), 4);
	assert_int_equal(tftp_session_timer(&s, 1000 * MS), TE_PROGRESS);
	assert_true(s.next == 1);
	/* The caller resends block 1, then its TX ring is full. */
	assert_true(tftp_session_next_block(&s, &w[0].abs, &w[0].off, &w[0].len));
	assert_true(w[0].abs == 1);
	tftp_session_sent(&s, 1000 * MS);
	assert_int_equal(tftp_session_ack(&s, 4, 1001 * MS), TE_PROGRESS);
	assert_true(s.acked == 4 && s.next == 5);
	assert_true(s.deadline_ns == 0);
	assert_int_equal(send_all(&s, 1002 * MS, w, 4), 4);
	assert_true(w[0].abs == 5 && w[3].abs == 8);
	assert_int_equal(tftp_session_timer(&s, 2002 * MS), TE_PROGRESS);
	assert_true(s.next == 5);
	/* The last block (8) had arrived: done although next was rewound. */
	assert_int_equal(tftp_session_ack(&s, 8, 2003 * MS), TE_DONE);
	assert_true(s.acked == 8 && s.next == 9);
	assert_false(tftp_session_next_block(&s, &w[0].abs, &w[0].off, &w[0].len));
	assert_int_equal(s.retransmits, 1);
}

static void test_fail(void **state)
{
	struct tftp_params p = params(512, 1, TFTP_OPT_TSIZE);
	struct tftp_session s;

	(void)state;
	tftp_session_start(&s, &p, 10, 0);
	tftp_session_sent_oack(&s, 0);
	tftp_session_fail(&s);
	assert_int_equal(s.state, TS_FAILED);
	assert_false(tftp_session_oack_due(&s));
	assert_true(s.deadline_ns == 0);
	assert_int_equal(tftp_session_timer(&s, 10000 * MS), TE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_files),
		cmocka_unit_test(test_oack_handshake),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_rollover_window),
		cmocka_unit_test(test_window_gap),
		cmocka_unit_test(test_duplicate_ack_sends_nothing),
		cmocka_unit_test(test_stale_ack_ignored),
		cmocka_unit_test(test_timer_backoff_and_failure),
		cmocka_unit_test(test_timer_reset_and_caps),
		cmocka_unit_test(test_ack_after_rewind),
		cmocka_unit_test(test_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
