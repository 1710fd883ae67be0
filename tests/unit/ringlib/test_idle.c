// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of ringlib's one idle policy (ringlib/rl_idle.h): spin rounds
 * and spin time before a sleep, the bound on a sleep, the caller's wake
 * time, a wake-up by an event, no sleep while a tx ring is not consumed, the
 * socket error check after every sleep (and every 2^16 rounds when busy
 * polling), and the counter of sleeps.
 *
 * No AF_XDP socket: the rl_socks here carry UDP sockets on the loopback as
 * their fds. poll() and SO_ERROR work the same on them: a datagram queued on
 * one makes it readable (POLLIN), and one sent to a closed port leaves
 * ECONNREFUSED pending in SO_ERROR, as an unregistered device leaves
 * ENETDOWN on an AF_XDP socket. The tx ring of the TX_FLUSH case is two
 * indices in plain memory. Times are checked with wide margins: the machine
 * may be busy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "rl.h"

#define MS (1000 * 1000ull)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct fake {
	struct rl_sock s;
	uint32_t tx_consumer;
	struct sockaddr_in addr; /* where the UDP socket is bound */
	uint64_t ring_mem;	 /* stands for a ring's descriptors */
};

/* An rl_sock with rx and tx "rings" and a bound UDP socket as its fd. */
static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	socklen_t len = sizeof(f->addr);

	assert_non_null(f);
	f->s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(f->s.fd >= 0);
	f->addr.sin_family = AF_INET;
	f->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->s.fd, (struct sockaddr *)&f->addr, sizeof(f->addr)), 0);
	assert_int_equal(getsockname(f->s.fd, (struct sockaddr *)&f->addr, &len), 0);
	f->s.rx.ring = &f->ring_mem;
	f->s.tx.ring = &f->ring_mem;
	f->s.tx.consumer = &f->tx_consumer;
	return f;
}

static void fake_free(struct fake *f)
{
	close(f->s.fd);
	free(f);
}

/* Make @f readable: a datagram to itself. */
static void make_readable(struct fake *f)
{
	assert_int_equal(sendto(f->s.fd, "x", 1, 0, (struct sockaddr *)&f->addr, sizeof(f->addr)),
			 1);
}

/* Leave ECONNREFUSED pending on @f: connect it to a closed port and send. */
static void make_error(struct fake *f)
{
	struct sockaddr_in to = f->addr;
	int tmp = socket(AF_INET, SOCK_DGRAM, 0), tries;
	socklen_t len = sizeof(to);

	/* a port that was free a moment ago */
	to.sin_port = 0;
	assert_int_equal(bind(tmp, (struct sockaddr *)&to, sizeof(to)), 0);
	assert_int_equal(getsockname(tmp, (struct sockaddr *)&to, &len), 0);
	close(tmp);
	assert_int_equal(connect(f->s.fd, (struct sockaddr *)&to, sizeof(to)), 0);
	assert_int_equal(send(f->s.fd, "x", 1, 0), 1);
	/* the ICMP error comes back through the loopback at once, or nearly */
	for (tries = 0; tries < 1000; tries++) {
		int err = 0;

		len = sizeof(err);
		assert_int_equal(getsockopt(f->s.fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
		if (err) {
			assert_int_equal(err, ECONNREFUSED);
			/* reading cleared it: send again, the next one stays */
			assert_int_equal(send(f->s.fd, "x", 1, 0), 1);
			usleep(10000);
			return;
		}
		usleep(1000);
	}
	fail_msg("no ICMP port unreachable on the loopback");
}

static void test_init_and_add(void **state)
{
	struct rl_idle_opts o = { .spin_rounds = 12 };
	struct rl_idle id;
	struct fake *f = fake_new();
	uint32_t i;

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), -EINVAL); /* not a power of two */
	o.spin_rounds = 0;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(id.round_mask, RL_IDLE_SPIN_ROUNDS - 1);
	assert_int_equal(id.max_sleep_ns, RL_IDLE_MAX_SLEEP_NS);
	for (i = 0; i < RL_IDLE_MAX_SOCKS; i++)
		assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), -ENOSPC);

	rl_idle_init(&id, &o);
	f->s.tx.ring = NULL; /* a receive-only socket */
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_TX_FLUSH), -EINVAL);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_TX_ROOM), -EINVAL);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(id.pfd[0].events, POLLIN);
	f->s.rx.ring = NULL;
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), -EINVAL);
	assert_int_equal(rl_idle_add(&id, &f->s, 0), 0); /* errors only */
	assert_int_equal(id.pfd[1].events, 0);
	assert_int_equal(id.nsocks, 2);
	fake_free(f);
}

/* Spin rounds, then spin time, then a bounded sleep, then sleeps without spinning. */
static void test_spin_then_sleep(void **state)
{
	uint64_t sleeps = 0, t0, t;
	struct rl_idle_opts o = {
		.spin_ns = 30 * MS,
		.spin_rounds = 16,
		.max_sleep_ns = 20 * MS,
		.sleeps = &sleeps,
	};
	struct rl_idle id;
	struct fake *f = fake_new();
	uint32_t i;

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX | RL_IDLE_TX_FLUSH), 0);
	t0 = now_ns();
	for (i = 0; i < 15; i++) /* no clock read, no sleep */
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(id.since, 0);
	assert_int_equal(rl_idle_wait(&id, 0), 0); /* round 16: the spin starts */
	assert_int_not_equal(id.since, 0);
	assert_int_equal(sleeps, 0);
	while (!sleeps) {
		assert_int_equal(rl_idle_wait(&id, 0), 0);
		assert_true(now_ns() - t0 < 2000 * MS);
	}
	t = now_ns() - t0;
	/* slept after 30 ms of spinning, for 20 ms (nothing arrived) */
	assert_true(t >= 50 * MS);
	assert_int_equal(sleeps, 1);
	assert_int_equal(id.rounds, 0);

	/* it timed out: the next sleep follows the next 16 rounds, no new spin */
	t0 = now_ns();
	for (i = 0; i < 16; i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(sleeps, 2);
	t = now_ns() - t0;
	assert_true(t >= 19 * MS && t < 25 * MS + 500 * MS);

	/* work: the spin starts afresh */
	rl_idle_reset(&id);
	assert_int_equal(id.since, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(sleeps, 2);
	fake_free(f);
}

/* A frame (a readable socket) ends the sleep at once; the spin starts again. */
static void test_event_wakes(void **state)
{
	uint64_t sleeps = 0, t0, t;
	struct rl_idle_opts o = { .spin_rounds = 1, .max_sleep_ns = 5000 * MS, .sleeps = &sleeps };
	struct rl_idle id;
	struct fake *f = fake_new(), *g = fake_new();

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(rl_idle_add(&id, &g->s, RL_IDLE_RX), 0);
	make_readable(g);
	t0 = now_ns();
	assert_int_equal(rl_idle_wait(&id, 0), 0);
	t = now_ns() - t0;
	assert_true(t < 1000 * MS);
	assert_int_equal(sleeps, 1);
	assert_int_equal(id.since, 0); /* woken by an event: spin again */
	fake_free(f);
	fake_free(g);
}

/* The caller's wake time bounds the sleep; once it has passed, no sleep. */
static void test_wake_time(void **state)
{
	uint64_t sleeps = 0, t0, t;
	struct rl_idle_opts o = { .spin_rounds = 1, .max_sleep_ns = 5000 * MS, .sleeps = &sleeps };
	struct rl_idle id;
	struct fake *f = fake_new();

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	t0 = now_ns();
	assert_int_equal(rl_idle_wait(&id, t0 + 30 * MS), 0);
	t = now_ns() - t0;
	assert_true(t >= 29 * MS && t < 1000 * MS);
	assert_int_equal(sleeps, 1);

	t0 = now_ns();
	assert_int_equal(rl_idle_wait(&id, t0 - 1), 0); /* due: no sleep */
	assert_true(now_ns() - t0 < 20 * MS);
	assert_int_equal(sleeps, 1);

	/* a wake time later than max_sleep_ns: max_sleep_ns wins */
	o.max_sleep_ns = 10 * MS;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	t0 = now_ns();
	assert_int_equal(rl_idle_wait(&id, t0 + 5000 * MS), 0);
	t = now_ns() - t0;
	assert_true(t >= 9 * MS && t < 1000 * MS);
	assert_int_equal(sleeps, 2);
	fake_free(f);
}

/* Never asleep while a TX_FLUSH socket's tx ring holds unconsumed descriptors. */
static void test_no_sleep_with_tx_pending(void **state)
{
	uint64_t sleeps = 0;
	struct rl_idle_opts o = { .spin_rounds = 1, .max_sleep_ns = 1 * MS, .sleeps = &sleeps };
	struct rl_idle id, rx_only;
	struct fake *f = fake_new();
	uint32_t i;

	(void)state;
	f->s.tx.cached_prod = 7; /* 7 put, the kernel consumed 5 */
	__atomic_store_n(&f->tx_consumer, 5, __ATOMIC_RELEASE);
	assert_int_equal(rl_tx_pending(&f->s), 2);
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX | RL_IDLE_TX_FLUSH), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(sleeps, 0);
	/* without TX_FLUSH the same socket does not hold the sleep back */
	assert_int_equal(rl_idle_init(&rx_only, &o), 0);
	assert_int_equal(rl_idle_add(&rx_only, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(rl_idle_wait(&rx_only, 0), 0);
	assert_int_equal(sleeps, 1);
	__atomic_store_n(&f->tx_consumer, 7, __ATOMIC_RELEASE);
	assert_int_equal(rl_tx_pending(&f->s), 0);
	assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(sleeps, 2);
	fake_free(f);
}

/* A socket error ends the wait after the sleep, with the socket's index. */
static void test_socket_error(void **state)
{
	uint64_t sleeps = 0;
	struct rl_idle_opts o = { .spin_rounds = 4, .max_sleep_ns = 1 * MS, .sleeps = &sleeps };
	struct rl_idle id;
	struct fake *f = fake_new(), *g = fake_new();
	uint32_t i;

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(rl_idle_add(&id, &g->s, 0), 0);
	assert_int_equal(rl_idle_check(&id), 0);
	assert_int_equal(id.err_index, -1);
	make_error(g);
	for (i = 0; i < 3; i++) /* spinning: no look at the sockets */
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(sleeps, 0);
	assert_int_equal(rl_idle_wait(&id, 0), -ECONNREFUSED);
	assert_int_equal(sleeps, 1);
	assert_int_equal(id.err_index, 1);
	fake_free(f);
	fake_free(g);
}

/*
 * Busy polling: never a sleep; the errors are read every 2^16 idle rounds.
 * (The error sits on a socket watched for errors only: on a UDP socket the
 * kick, a recvfrom(), would report and clear it; on an AF_XDP one it does not.)
 */
static void test_busy(void **state)
{
	uint64_t sleeps = 0, t0;
	struct rl_idle_opts o = { .busy = true, .sleeps = &sleeps };
	struct rl_idle id;
	struct fake *f = fake_new(), *g = fake_new();
	uint32_t i;

	(void)state;
	assert_int_equal(rl_idle_init(&id, &o), 0);
	assert_int_equal(rl_idle_add(&id, &f->s, RL_IDLE_RX), 0);
	assert_int_equal(rl_idle_add(&id, &g->s, 0), 0);
	make_error(g);
	t0 = now_ns();
	for (i = 1; i < (1u << 16); i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(rl_idle_wait(&id, 0), -ECONNREFUSED); /* round 2^16 */
	assert_int_equal(id.err_index, 1);
	assert_int_equal(sleeps, 0);
	assert_true(now_ns() - t0 < 5000 * MS); /* 2^16 kicks, no sleeping */
	/* work resets the count: the next look is 2^16 idle rounds later */
	make_error(g);
	for (i = 1; i < (1u << 15); i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	rl_idle_reset(&id);
	for (i = 1; i < (1u << 16); i++)
		assert_int_equal(rl_idle_wait(&id, 0), 0);
	assert_int_equal(rl_idle_wait(&id, 0), -ECONNREFUSED);
	fake_free(f);
	fake_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_add),
		cmocka_unit_test(test_spin_then_sleep),
		cmocka_unit_test(test_event_wakes),
		cmocka_unit_test(test_wake_time),
		cmocka_unit_test(test_no_sleep_with_tx_pending),
		cmocka_unit_test(test_socket_error),
		cmocka_unit_test(test_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
