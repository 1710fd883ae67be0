/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the classifier's BPF_PROG_TEST_RUN tests (test_classifier.c,
 * test_route_classifier.c) share: the loaded program's handles, libbpf's
 * messages kept for a failure's report, and the per-CPU counters summed.
 * Each test includes it once, after cmocka.h and the skeleton.
 */
#ifndef XF_TESTS_PROG_HARNESS_H
#define XF_TESTS_PROG_HARNESS_H

struct prog {
	struct xskfwd_bpf *skel;
	int prog_fd;
	int cnt_fd;
	int ncpus;
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

/* The classifier's per-CPU counters, summed over CPUs, into @sum. */
static void counters(const struct prog *p, __u64 sum[XF_CNT_MAX])
{
	__u64 vals[p->ncpus];
	__u32 k;
	int c;

	for (k = 0; k < XF_CNT_MAX; k++) {
		if (bpf_map_lookup_elem(p->cnt_fd, &k, vals))
			fail_msg("reading counter %u: %s", k, strerror(errno));
		sum[k] = 0;
		for (c = 0; c < p->ncpus; c++)
			sum[k] += vals[c];
	}
}

#endif
