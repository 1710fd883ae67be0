// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of serve's session table (user/serve/serve_sessions.c): a slot per
 * server port, the duplicate-request and per-client checks, the overall
 * limit, ports reused oldest first, and two threads opening and ending
 * sessions at once (the counts must come back to zero; run under TSan too).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serve_sessions.h"

#define LO 61000
#define EVICT 1000 /* ns: a silent session this old may be evicted */

static uint64_t now = 1; /* the clock the tests pass */

static struct sv_client v4(uint8_t last, uint16_t port)
{
	struct sv_client c = { .family = 4, .ip = { 198, 18, 0, last }, .port = port };

	return c;
}

static struct sv_session *open_ok(struct sv_table *t, struct sv_client c)
{
	enum sv_refusal why = SV_REFUSE_DUPLICATE;
	struct sv_session *s = sv_session_new(t, &c, now, &why);

	assert_non_null(s);
	assert_int_equal(why, SV_REFUSE_NONE);
	sv_session_unlock(s);
	return s;
}

static void open_refused(struct sv_table *t, struct sv_client c, enum sv_refusal want)
{
	enum sv_refusal why = SV_REFUSE_NONE;

	assert_null(sv_session_new(t, &c, now, &why));
	assert_int_equal(why, want);
}

static void end(struct sv_table *t, struct sv_session *s)
{
	pthread_spin_lock(&s->lock);
	sv_session_end(t, s);
}

static void test_port_names_the_session(void **state)
{
	struct sv_table t;
	struct sv_client a = v4(1, 1000), b = v4(2, 1000);
	struct sv_session *s, *f;

	(void)state;
	assert_int_equal(sv_table_init(&t, 4, LO, 8, EVICT, NULL), 0);
	s = open_ok(&t, a);
	assert_int_equal(sv_session_port(&t, s), LO);
	f = sv_session_find(&t, LO, &a);
	assert_ptr_equal(f, s);
	sv_session_unlock(f);
	/* Another client on the same port, another port, outside the range. */
	assert_null(sv_session_find(&t, LO, &b));
	assert_null(sv_session_find(&t, LO + 1, &a));
	assert_null(sv_session_find(&t, LO + 4, &a));
	assert_null(sv_session_find(&t, LO - 1, &a));
	a.port = 1001;
	assert_null(sv_session_find(&t, LO, &a));
	assert_int_equal(atomic_load(&t.active), 1);
	end(&t, s);
	a.port = 1000;
	assert_null(sv_session_find(&t, LO, &a));
	assert_int_equal(atomic_load(&t.active), 0);
	sv_table_fini(&t);
}

static void test_duplicate_and_limits(void **state)
{
	struct sv_table t;
	struct sv_session *s[4];
	struct sv_client six = { .family = 6, .ip = { 198, 18, 0, 1 }, .port = 1 };

	(void)state;
	assert_int_equal(sv_table_init(&t, 4, LO, 2, EVICT, NULL), 0);
	s[0] = open_ok(&t, v4(1, 1));
	open_refused(&t, v4(1, 1), SV_REFUSE_DUPLICATE);
	s[1] = open_ok(&t, v4(1, 2));
	open_refused(&t, v4(1, 3), SV_REFUSE_CLIENT);
	/* Same bytes, other family: another client. */
	s[2] = open_ok(&t, six);
	s[3] = open_ok(&t, v4(2, 1));
	open_refused(&t, v4(3, 1), SV_REFUSE_FULL);
	/* A retransmitted request is a duplicate even when the table is full. */
	open_refused(&t, v4(2, 1), SV_REFUSE_DUPLICATE);
	end(&t, s[0]);
	s[0] = open_ok(&t, v4(1, 3));
	for (int i = 0; i < 4; i++)
		end(&t, s[i]);
	assert_int_equal(atomic_load(&t.active), 0);
	sv_table_fini(&t);
}

static void test_full_table_evicts_the_oldest_silent(void **state)
{
	struct sv_table t;
	struct sv_session *s[3], *n;

	(void)state;
	assert_int_equal(sv_table_init(&t, 3, LO, 8, EVICT, NULL), 0);
	now = 100;
	s[0] = open_ok(&t, v4(1, 1));
	now = 200;
	s[1] = open_ok(&t, v4(2, 1));
	now = 300;
	s[2] = open_ok(&t, v4(3, 1));
	/* Full, and nobody silent long enough yet. */
	now = 100 + EVICT - 1;
	open_refused(&t, v4(4, 1), SV_REFUSE_FULL);
	/* The oldest has answered: the next oldest silent one goes. */
	atomic_store(&s[0]->heard, true);
	now = 300 + EVICT;
	n = open_ok(&t, v4(4, 1));
	assert_ptr_equal(n, s[1]);
	assert_int_equal(atomic_load(&t.evicted), 1);
	assert_null(sv_session_find(
		&t, sv_session_port(&t, s[0]) + 1,
		&(struct sv_client){ .family = 4, .ip = { 198, 18, 0, 2 }, .port = 1 }));
	n = open_ok(&t, v4(5, 1));
	assert_ptr_equal(n, s[2]);
	/* Only answered and fresh sessions are left. */
	open_refused(&t, v4(6, 1), SV_REFUSE_FULL);
	assert_int_equal(atomic_load(&t.active), 3);
	now = 1;
	sv_table_fini(&t);
}

static void test_ipv6_client_is_its_64(void **state)
{
	struct sv_table t;
	struct sv_client a = { .family = 6, .ip = { 0x20, 0x01, 0x0d, 0xb8 }, .port = 1 };
	struct sv_client b = a, other = a;

	(void)state;
	assert_int_equal(sv_table_init(&t, 8, LO, 2, EVICT, NULL), 0);
	b.ip[15] = 7; /* same /64, another address */
	b.port = 2;
	other.ip[7] = 1; /* another /64 */
	open_ok(&t, a);
	open_ok(&t, b);
	b.ip[15] = 9;
	b.port = 3;
	open_refused(&t, b, SV_REFUSE_CLIENT);
	open_ok(&t, other);
	/* A duplicate is the same address and port, not the same /64. */
	open_refused(&t, a, SV_REFUSE_DUPLICATE);
	sv_table_fini(&t);
}

static void test_ports_reused_oldest_first(void **state)
{
	struct sv_table t;
	struct sv_session *s[3];

	(void)state;
	assert_int_equal(sv_table_init(&t, 3, LO, 8, EVICT, NULL), 0);
	for (int i = 0; i < 3; i++)
		s[i] = open_ok(&t, v4(1, (uint16_t)(10 + i)));
	end(&t, s[1]);
	end(&t, s[0]);
	assert_int_equal(sv_session_port(&t, open_ok(&t, v4(2, 1))), LO + 1);
	assert_int_equal(sv_session_port(&t, open_ok(&t, v4(2, 2))), LO);
	sv_table_fini(&t);
}

static void test_bad_ranges(void **state)
{
	struct sv_table t;

	(void)state;
	assert_int_equal(sv_table_init(&t, 0, LO, 8, EVICT, NULL), -EINVAL);
	assert_int_equal(sv_table_init(&t, 2, 65535, 8, EVICT, NULL), -EINVAL);
	assert_int_equal(sv_table_init(&t, 1, 65535, 8, EVICT, NULL), 0);
	sv_table_fini(&t);
}

#define ROUNDS 20000

struct worker {
	struct sv_table *t;
	uint8_t who;
	uint32_t opened;
};

static void *churn(void *arg)
{
	struct worker *w = arg;
	enum sv_refusal why;

	for (uint32_t i = 0; i < ROUNDS; i++) {
		struct sv_client c = v4(w->who, (uint16_t)(i % 6));
		struct sv_session *s = sv_session_new(w->t, &c, 1, &why), *f;

		if (!s)
			continue;
		w->opened++;
		sv_session_unlock(s);
		f = sv_session_find(w->t, sv_session_port(w->t, s), &c);
		if (f)
			sv_session_end(w->t, f);
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct sv_table t;
	struct worker w[2] = { { &t, 1, 0 }, { &t, 2, 0 } };
	pthread_t th[2];

	(void)state;
	assert_int_equal(sv_table_init(&t, 8, LO, 4, EVICT, NULL), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, churn, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	/* Each thread ends every session it opens, so all of them opened. */
	assert_int_equal(w[0].opened, ROUNDS);
	assert_int_equal(w[1].opened, ROUNDS);
	assert_int_equal(atomic_load(&t.active), 0);
	assert_int_equal(t.free_count, 8);
	sv_table_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_names_the_session),
		cmocka_unit_test(test_duplicate_and_limits),
		cmocka_unit_test(test_full_table_evicts_the_oldest_silent),
		cmocka_unit_test(test_ipv6_client_is_its_64),
		cmocka_unit_test(test_ports_reused_oldest_first),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
