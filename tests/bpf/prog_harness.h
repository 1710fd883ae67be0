/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the classifier's BPF_PROG_TEST_RUN tests (test_classifier.c,
 * test_route_classifier.c) share: the loaded program's handles, libbpf's
 * messages kept for a failure's report, the per-CPU counters summed, and
 * which one counter a run moved. Each test includes it once, after
 * cmocka.h and the skeleton.
 *
 * The counters are read in one system call (BPF_MAP_LOOKUP_BATCH, not one
 * lookup per counter), and a run's "after" is the next run's "before"
 * (counter_moved()): two system calls per frame, the test_run and one
 * read, instead of 2 * XF_CNT_MAX + 1.
 */
#ifndef XF_TESTS_PROG_HARNESS_H
#define XF_TESTS_PROG_HARNESS_H

struct prog {
	struct xskfwd_bpf *skel;
	int prog_fd;
	int cnt_fd;
	int ncpus;
	__u64 cnt[XF_CNT_MAX]; /* the sums as counter_moved() last read them */
};

/* libbpf's messages, shown only when something fails (or XF_VERBOSE=1). */
static char libbpf_log[1 << 16];
static size_t libbpf_log_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (getenv("XF_VERBOSE"))
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG || libbpf_log_len >= sizeof(libbpf_log) - 1)
		return 0;
	n = vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len, fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n;
	if (libbpf_log_len > sizeof(libbpf_log) - 1)
		libbpf_log_len = sizeof(libbpf_log) - 1;
	return n;
}

/*
 * The classifier's per-CPU counters, summed over CPUs, into @sum: all of
 * them in one batch (exactly XF_CNT_MAX asked: the kernel returns 0, or
 * ENOENT having reached the array's end, with the count).
 */
static void counters(const struct prog *p, __u64 sum[XF_CNT_MAX])
{
	__u64 vals[XF_CNT_MAX][p->ncpus];
	__u32 keys[XF_CNT_MAX], count = XF_CNT_MAX, out;
	int c, k;

	if (bpf_map_lookup_batch(p->cnt_fd, NULL, &out, keys, vals, &count, NULL) &&
	    errno != ENOENT)
		fail_msg("reading the counters: %s", strerror(errno));
	if (count != XF_CNT_MAX)
		fail_msg("reading the counters: %u of %d", count, XF_CNT_MAX);
	for (k = 0; k < XF_CNT_MAX; k++) {
		if (keys[k] != (__u32)k)
			fail_msg("reading the counters: key %u in slot %d", keys[k], k);
		sum[k] = 0;
		for (c = 0; c < p->ncpus; c++)
			sum[k] += vals[k][c];
	}
}

/* Which counter moved, by exactly one; -1 if none did or more than one moved. */
static int moved(const __u64 before[XF_CNT_MAX], const __u64 after[XF_CNT_MAX])
{
	int k, which = -1;

	for (k = 0; k < XF_CNT_MAX; k++) {
		if (after[k] == before[k])
			continue;
		if (after[k] != before[k] + 1 || which != -1)
			return -1;
		which = k;
	}
	return which;
}

/*
 * Which counter moved (as moved()) since p->cnt was read: at load
 * (prog_counters_reset()) or by the previous call. Every test_run of @p
 * between two calls counts, so a test that runs frames otherwise resets
 * first.
 */
static int counter_moved(struct prog *p)
{
	__u64 now[XF_CNT_MAX];
	int which;

	counters(p, now);
	which = moved(p->cnt, now);
	memcpy(p->cnt, now, sizeof(now));
	return which;
}

/* p->cnt read afresh: counter_moved() counts from here. */
static void prog_counters_reset(struct prog *p)
{
	counters(p, p->cnt);
}

#endif
