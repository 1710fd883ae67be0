// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the served files (user/serve/serve_files.c), in a fresh mkdtemp
 * directory per test, no root needed.
 *
 * What a TFTP user would check: a name never reaches outside the serve
 * root (.., absolute symlinks, symlinks out), while a leading '/' and a
 * symlink staying inside work; the error for each refusal is the one the
 * contract names; the bytes copied are the file's bytes; sessions of one
 * file share one mapping until the file changes; a file truncated under a
 * transfer gives -EIO and -ESTALE instead of killing the server, also with
 * two threads copying at once; a fault that is not ours still kills.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "serve_files.h"

struct fx {
	char dir[64];
	int dfd;
	struct sf_root *r;
	size_t pg;
};

/* Byte @i of the test pattern of file @seed: no two pages alike. */
static uint8_t pat(unsigned seed, uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 12) * 13 + seed * 101 + 1);
}

static void mkfile(struct fx *x, const char *name, unsigned seed, uint64_t size, mode_t mode)
{
	uint8_t buf[4096];
	uint64_t i, n;
	int fd;

	fd = openat(x->dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	for (i = 0; i < size; i += n) {
		n = size - i < sizeof(buf) ? size - i : sizeof(buf);
		for (uint64_t j = 0; j < n; j++)
			buf[j] = pat(seed, i + j);
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
	}
	close(fd);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (!x)
		return -1;
	strcpy(x->dir, "/tmp/sf_test.XXXXXX");
	if (!mkdtemp(x->dir))
		return -1;
	x->dfd = open(x->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	x->pg = (size_t)sysconf(_SC_PAGESIZE);
	if (x->dfd < 0)
		return -1;
	*state = x;
	return 0;
}

/* In the test's body, not in setup(): cmocka puts its own SIGBUS handler
 * in around each test and fixture, and sf_root_open() puts ours back. */
static void open_root(struct fx *x)
{
	assert_int_equal(sf_root_open(&x->r, x->dir), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *x = *state;

	if (x->r)
		sf_root_close(x->r);
	close(x->dfd);
	nftw(x->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(x);
	return 0;
}

/* Open @name, check all its bytes against pattern @seed of @size, put it. */
static void expect_file(struct fx *x, const char *name, unsigned seed, uint64_t size)
{
	struct sf_file *f = NULL;
	uint8_t *buf = malloc(size + 1);
	int ret;

	assert_non_null(buf);
	ret = sf_open(x->r, name, &f);
	if (ret)
		fail_msg("sf_open(\"%s\") = %d (%s), want 0", name, ret, strerror(-ret));
	assert_int_equal(f->size, size);
	assert_int_equal(sf_copy(f, 0, buf, (uint32_t)size), 0);
	for (uint64_t i = 0; i < size; i++)
		if (buf[i] != pat(seed, i))
			fail_msg("%s: byte %lu is %#x, want %#x", name, (unsigned long)i, buf[i],
				 pat(seed, i));
	sf_put(x->r, f);
	free(buf);
}

static void expect_err(struct fx *x, const char *name, int want)
{
	struct sf_file *f = NULL;
	int ret = sf_open(x->r, name, &f);

	if (ret != want)
		fail_msg("sf_open(\"%s\") = %d (%s), want %d (%s)", name, ret, strerror(-ret), want,
			 strerror(-want));
	assert_null(f);
}

static void test_root_open_errors(void **state)
{
	struct fx *x = *state;
	struct sf_root *r = NULL;
	char p[128];

	open_root(x);
	assert_int_equal(sf_root_open(&r, "/nonexistent/sf_test"), -ENOENT);
	mkfile(x, "plain", 1, 10, 0644);
	snprintf(p, sizeof(p), "%s/plain", x->dir);
	assert_int_equal(sf_root_open(&r, p), -ENOTDIR);
	assert_null(r);
}

static void test_paths_inside(void **state)
{
	struct fx *x = *state;

	open_root(x);
	assert_int_equal(mkdirat(x->dfd, "abs", 0755), 0);
	mkfile(x, "abs/inside", 2, 1000, 0644);
	mkfile(x, "top", 3, 5000, 0644);
	expect_file(x, "abs/inside", 2, 1000);
	expect_file(x, "/abs/inside", 2, 1000);
	expect_file(x, "///abs/inside", 2, 1000);
	expect_file(x, "./abs//inside", 2, 1000);
	/* symlinks that stay inside the root are allowed */
	assert_int_equal(symlinkat("top", x->dfd, "link_top"), 0);
	assert_int_equal(symlinkat("../top", x->dfd, "abs/link_up"), 0);
	assert_int_equal(symlinkat("abs", x->dfd, "link_dir"), 0);
	expect_file(x, "link_top", 3, 5000);
	expect_file(x, "abs/link_up", 3, 5000);
	expect_file(x, "link_dir/inside", 2, 1000);
}

static void test_paths_refused(void **state)
{
	struct fx *x = *state;
	char longname[300];

	open_root(x);
	assert_int_equal(mkdirat(x->dfd, "a", 0755), 0);
	mkfile(x, "a/f", 4, 100, 0644);
	mkfile(x, "f", 5, 100, 0644);
	/* ".." components, whether or not they would stay inside */
	expect_err(x, "../x", -EACCES);
	expect_err(x, "a/../../x", -EACCES);
	expect_err(x, "a/../f", -EACCES);
	expect_err(x, "..", -EACCES);
	expect_err(x, "/../f", -EACCES);
	expect_err(x, "a/..", -EACCES);
	/* symlinks out of the root */
	assert_int_equal(symlinkat("/etc/passwd", x->dfd, "passwd"), 0);
	assert_int_equal(symlinkat("../../etc/passwd", x->dfd, "a/rel_out"), 0);
	assert_int_equal(symlinkat("/", x->dfd, "slash"), 0);
	assert_int_equal(symlinkat("/f", x->dfd, "abs_in"), 0); /* absolute: refused too */
	assert_int_equal(symlinkat("loop", x->dfd, "loop"), 0);
	expect_err(x, "passwd", -EACCES);
	expect_err(x, "a/rel_out", -EACCES);
	expect_err(x, "slash/etc/passwd", -EACCES);
	expect_err(x, "abs_in", -EACCES);
	expect_err(x, "loop", -EACCES);
	/* missing */
	expect_err(x, "missing", -ENOENT);
	expect_err(x, "a/missing", -ENOENT);
	expect_err(x, "f/x", -ENOENT); /* ENOTDIR from the kernel */
	expect_err(x, "", -ENOENT);
	expect_err(x, "/", -ENOENT);
	/* directories */
	expect_err(x, "a", -EISDIR);
	expect_err(x, "a/", -EISDIR);
	expect_err(x, ".", -EISDIR);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	expect_err(x, longname, -ENAMETOOLONG);
}

static void test_not_regular_or_not_readable(void **state)
{
	struct fx *x = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	open_root(x);
	/* A fifo nobody writes to: the open must not block (alarm as a
	 * watchdog, SIGALRM's default action ends the test binary). */
	assert_int_equal(mkfifoat(x->dfd, "fifo", 0644), 0);
	alarm(5);
	expect_err(x, "fifo", -EPERM);
	alarm(0);
	/* a socket */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", x->dir);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(fchmodat(x->dfd, "sock", 0666, 0), 0);
	expect_err(x, "sock", -EPERM);
	close(s);
	/* not world-readable, even to root */
	mkfile(x, "secret", 6, 100, 0600);
	mkfile(x, "group", 7, 100, 0640);
	mkfile(x, "public", 8, 100, 0604);
	expect_err(x, "secret", -EPERM);
	expect_err(x, "group", -EPERM);
	expect_file(x, "public", 8, 100);
}

static void test_shared_mapping(void **state)
{
	struct fx *x = *state;
	struct sf_file *a, *b, *c;
	struct sf_stats st;

	open_root(x);
	mkfile(x, "boot.efi", 9, 3 * x->pg + 17, 0644);
	assert_int_equal(symlinkat("boot.efi", x->dfd, "alias"), 0);
	assert_int_equal(sf_open(x->r, "boot.efi", &a), 0);
	assert_int_equal(sf_open(x->r, "/boot.efi", &b), 0);
	assert_int_equal(sf_open(x->r, "alias", &c), 0);
	assert_ptr_equal(a, b);
	assert_ptr_equal(a, c);
	assert_ptr_equal(a->map, b->map);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 1);
	assert_int_equal(st.maps, 1);
	sf_put(x->r, a);
	sf_put(x->r, b);
	sf_put(x->r, c);
	/* kept idle: the next session maps nothing */
	assert_int_equal(sf_open(x->r, "boot.efi", &a), 0);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 1);
	assert_int_equal(st.maps, 1);
	sf_put(x->r, a);
	expect_file(x, "boot.efi", 9, 3 * x->pg + 17);
}

static void test_changed_file_new_mapping(void **state)
{
	struct fx *x = *state;
	struct sf_file *old, *neu, *again;
	struct sf_stats st;
	uint8_t b[16];

	open_root(x);
	/* rewritten in place: same inode, new size, times */
	mkfile(x, "f", 10, 2 * x->pg, 0644);
	assert_int_equal(sf_open(x->r, "f", &old), 0);
	mkfile(x, "f", 11, x->pg + 100, 0644);
	assert_int_equal(sf_open(x->r, "f", &neu), 0);
	assert_ptr_not_equal(old, neu);
	assert_int_equal(neu->size, x->pg + 100);
	assert_int_equal(old->size, 2 * x->pg);
	assert_int_equal(sf_check(old, 1, 0), -ESTALE);
	assert_int_equal(sf_check(neu, 1, 0), 0);
	assert_int_equal(sf_copy(neu, x->pg, b, 16), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(b[i], pat(11, x->pg + i));
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 2);
	assert_int_equal(st.maps, 2);
	/* a third session shares the new mapping */
	assert_int_equal(sf_open(x->r, "f", &again), 0);
	assert_ptr_equal(again, neu);
	sf_put(x->r, again);
	sf_put(x->r, old); /* replaced: unmapped at its last put */
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 1);
	sf_put(x->r, neu);

	/* replaced by rename (a new inode): the old session keeps the old bytes */
	mkfile(x, "g", 12, 3000, 0644);
	assert_int_equal(sf_open(x->r, "g", &old), 0);
	mkfile(x, "g.new", 13, 3000, 0644);
	assert_int_equal(renameat(x->dfd, "g.new", x->dfd, "g"), 0);
	assert_int_equal(sf_open(x->r, "g", &neu), 0);
	assert_ptr_not_equal(old, neu);
	assert_int_equal(sf_copy(old, 2990, b, 10), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(b[i], pat(12, 2990 + i));
	assert_int_equal(sf_copy(neu, 2990, b, 10), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(b[i], pat(13, 2990 + i));
	/* unlinking the old inode changed only its ctime: its bytes are
	 * intact, so its sessions go on */
	assert_int_equal(sf_check(old, 1, 0), 0);
	sf_put(x->r, old);
	sf_put(x->r, neu);

	/* changed while idle: the idle mapping is dropped, a new one made */
	mkfile(x, "h", 14, 500, 0644);
	expect_file(x, "h", 14, 500);
	mkfile(x, "h", 15, 600, 0644);
	expect_file(x, "h", 15, 600);
	/* chmod changes ctime only: still a change */
	assert_int_equal(sf_open(x->r, "h", &old), 0);
	assert_int_equal(fchmodat(x->dfd, "h", 0644 | S_IXUSR, 0), 0);
	assert_int_equal(sf_check(old, 1, 0), -ESTALE);
	sf_put(x->r, old);
	/* deleted during its session: unmapped at its put, not kept idle */
	mkfile(x, "d", 16, 700, 0644);
	sf_root_stats(x->r, &st);
	assert_int_equal(sf_open(x->r, "d", &old), 0);
	assert_int_equal(unlinkat(x->dfd, "d", 0), 0);
	assert_int_equal(sf_copy(old, 690, b, 10), 0); /* still readable */
	assert_int_equal(b[9], pat(16, 699));
	sf_put(x->r, old);
	{
		struct sf_stats st2;

		sf_root_stats(x->r, &st2);
		assert_int_equal(st2.open_files, st.open_files);
	}
}

static void test_truncated_under_us(void **state)
{
	struct fx *x = *state;
	size_t pg = x->pg;
	uint8_t *buf = malloc(2 * pg);
	struct sf_file *f;
	struct sf_stats st;
	sigset_t mask;
	int fd;

	open_root(x);
	assert_non_null(buf);
	mkfile(x, "big", 16, 3 * pg, 0644);
	assert_int_equal(sf_open(x->r, "big", &f), 0);
	assert_int_equal(sf_check(f, 1000, 0), 0);
	assert_int_equal(sf_copy(f, 2 * pg, buf, (uint32_t)pg), 0);
	assert_int_equal(buf[pg - 1], pat(16, 3 * pg - 1));

	fd = openat(x->dfd, "big", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)pg), 0);
	close(fd);

	/* page 3 is gone: -EIO, not a crash; also a copy straddling pages 1-2 */
	assert_int_equal(sf_copy(f, 2 * pg, buf, (uint32_t)pg), -EIO);
	assert_int_equal(sf_copy(f, pg - 8, buf, 16), -EIO);
	assert_int_equal(sf_copy(f, 3 * pg - 1, buf, 1), -EIO);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.sigbus, 3);
	/* and no signal left blocked by the jump out of the handler */
	assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
	assert_false(sigismember(&mask, SIGBUS));
	assert_false(sigismember(&mask, SIGTERM));
	/* page 1 is intact */
	assert_int_equal(sf_copy(f, 0, buf, (uint32_t)pg), 0);
	for (size_t i = 0; i < pg; i++)
		assert_int_equal(buf[i], pat(16, i));
	/* beyond the mapped size */
	assert_int_equal(sf_copy(f, 3 * pg - 1, buf, 2), -ERANGE);
	assert_int_equal(sf_copy(f, 3 * pg + 1, buf, 0), -ERANGE);
	assert_int_equal(sf_copy(f, UINT64_MAX, buf, 1), -ERANGE);
	assert_int_equal(sf_copy(f, 3 * pg, buf, 0), 0);
	/* the change is seen, and remembered */
	assert_int_equal(sf_check(f, 2000, 0), -ESTALE);
	assert_int_equal(sf_check(f, 2001, 1000000000), -ESTALE);
	sf_put(x->r, f); /* stale: unmapped at once, not kept idle */
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 0);
	/* a new session gets the 1-page file */
	expect_file(x, "big", 16, pg);
	free(buf);
}

/* Cut within the last page: no SIGBUS (the tail reads as zeros), which is
 * why the poller asks sf_check() before the last block. */
static void test_truncated_within_last_page(void **state)
{
	struct fx *x = *state;
	struct sf_file *f;
	uint8_t b[8];
	int fd;

	open_root(x);
	mkfile(x, "t", 17, x->pg + 1000, 0644);
	assert_int_equal(sf_open(x->r, "t", &f), 0);
	fd = openat(x->dfd, "t", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)x->pg + 10), 0);
	close(fd);
	assert_int_equal(sf_copy(f, x->pg + 6, b, 8), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(b[i], pat(17, x->pg + 6 + i));
	for (int i = 4; i < 8; i++)
		assert_int_equal(b[i], 0);
	assert_int_equal(sf_check(f, 1, 0), -ESTALE);
	sf_put(x->r, f);
}

static void test_check_interval(void **state)
{
	struct fx *x = *state;
	const uint64_t s = 1000000000;
	struct sf_file *f;

	open_root(x);
	mkfile(x, "c", 18, 100, 0644);
	assert_int_equal(sf_open(x->r, "c", &f), 0);
	assert_int_equal(sf_check(f, 10 * s, s), 0); /* fstat: unchanged */
	mkfile(x, "c", 19, 200, 0644);
	assert_int_equal(sf_check(f, 10 * s + 1, s), 0); /* not due: no fstat */
	assert_int_equal(sf_check(f, 11 * s - 1, s), 0);
	assert_int_equal(sf_check(f, 11 * s, s), -ESTALE);     /* due */
	assert_int_equal(sf_check(f, 11 * s + 1, s), -ESTALE); /* remembered */
	sf_put(x->r, f);
}

static void test_empty_file(void **state)
{
	struct fx *x = *state;
	struct sf_file *f, *g;
	uint8_t b[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	open_root(x);
	mkfile(x, "empty", 20, 0, 0644);
	assert_int_equal(sf_open(x->r, "empty", &f), 0);
	assert_null(f->map);
	assert_int_equal(f->size, 0);
	assert_int_equal(sf_copy(f, 0, b, 0), 0);
	assert_int_equal(sf_copy(f, 0, b, 1), -ERANGE);
	assert_int_equal(b[0], 0xaa);
	assert_int_equal(sf_check(f, 1, 0), 0);
	assert_int_equal(sf_open(x->r, "empty", &g), 0);
	assert_ptr_equal(f, g);
	sf_put(x->r, g);
	sf_put(x->r, f);
}

static void test_lru(void **state)
{
	struct fx *x = *state;
	struct sf_stats st;
	char name[32];
	int i;

	open_root(x);
	for (i = 0; i < SF_IDLE_MAX + 6; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		mkfile(x, name, (unsigned)i, 100 + (uint64_t)i, 0644);
		expect_file(x, name, (unsigned)i, 100 + (uint64_t)i);
	}
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, SF_IDLE_MAX);
	assert_int_equal(st.maps, SF_IDLE_MAX + 6);
	/* the most recent is still mapped, the oldest is not */
	expect_file(x, "f69", 69, 169);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.maps, SF_IDLE_MAX + 6);
	expect_file(x, "f0", 0, 100);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.maps, SF_IDLE_MAX + 7);
	assert_int_equal(st.open_files, SF_IDLE_MAX);
}

struct copier {
	struct sf_file *f;
	uint64_t off;
	uint32_t len;
	unsigned seed;
	int want;
	int rounds;
	int bad;
};

static void *copy_loop(void *arg)
{
	struct copier *c = arg;
	uint8_t buf[4096];

	for (int i = 0; i < c->rounds; i++) {
		uint64_t off = c->off + (uint64_t)(i % 64) * 8;
		int ret = sf_copy(c->f, off, buf, c->len);

		if (ret != c->want) {
			c->bad++;
			continue;
		}
		if (!ret)
			for (uint32_t j = 0; j < c->len; j++)
				if (buf[j] != pat(c->seed, off + j)) {
					c->bad++;
					break;
				}
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct fx *x = *state;
	size_t pg = x->pg;
	struct sf_file *good, *cut;
	struct sf_stats st;
	pthread_t t[2];
	int fd;

	open_root(x);
	mkfile(x, "good", 21, 4 * pg, 0644);
	mkfile(x, "cut", 22, 4 * pg, 0644);
	assert_int_equal(sf_open(x->r, "good", &good), 0);
	assert_int_equal(sf_open(x->r, "cut", &cut), 0);
	fd = openat(x->dfd, "cut", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)pg), 0);
	close(fd);

	struct copier c[2] = {
		{ .f = good, .off = pg - 100, .len = 1468, .seed = 21, .want = 0, .rounds = 20000 },
		{ .f = cut, .off = 2 * pg, .len = 1468, .seed = 22, .want = -EIO, .rounds = 20000 },
	};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, copy_loop, &c[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(c[0].bad, 0);
	assert_int_equal(c[1].bad, 0);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.sigbus, 20000);
	sf_put(x->r, good);
	sf_put(x->r, cut);
}

/* Opens racing with puts of the same files from two threads (TSan checks
 * the locking): one mapping per file in the end. */
struct opener {
	struct fx *x;
	int rounds, bad;
};

static void *open_loop(void *arg)
{
	struct opener *o = arg;
	static const char *names[] = { "a", "/b", "c" };
	static const unsigned seeds[] = { 30, 31, 32 };
	uint8_t buf[64];

	for (int i = 0; i < o->rounds; i++) {
		struct sf_file *f;
		int k = i % 3;

		if (sf_open(o->x->r, names[k], &f)) {
			o->bad++;
			continue;
		}
		if (sf_copy(f, 1000, buf, sizeof(buf)) || buf[63] != pat(seeds[k], 1063))
			o->bad++;
		if (sf_check(f, (uint64_t)i * 1000, 500))
			o->bad++;
		sf_put(o->x->r, f);
	}
	return NULL;
}

static void test_open_put_two_threads(void **state)
{
	struct fx *x = *state;
	struct opener o[2] = { { .x = x, .rounds = 3000 }, { .x = x, .rounds = 3000 } };
	struct sf_stats st;
	pthread_t t[2];

	open_root(x);
	mkfile(x, "a", 30, 5000, 0644);
	mkfile(x, "b", 31, 5000, 0644);
	mkfile(x, "c", 32, 5000, 0644);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, open_loop, &o[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(o[0].bad, 0);
	assert_int_equal(o[1].bad, 0);
	sf_root_stats(x->r, &st);
	assert_int_equal(st.open_files, 3);
	assert_int_equal(st.maps, 3);
}

/* Without root's privileges, a directory we may not search gives -EACCES. */
static void test_permission_denied(void **state)
{
	struct fx *x = *state;
	int status;
	pid_t pid;

	open_root(x);
	assert_int_equal(mkdirat(x->dfd, "locked", 0700), 0);
	mkfile(x, "locked/f", 33, 10, 0644);
	mkfile(x, "open", 34, 10, 0644);
	assert_int_equal(chmod(x->dir, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sf_file *f;

		if (geteuid() == 0 && (setresgid(65534, 65534, 65534) || setgroups(0, NULL) ||
				       setresuid(65534, 65534, 65534)))
			_exit(10);
		if (sf_open(x->r, "locked/f", &f) != -EACCES)
			_exit(11);
		if (sf_open(x->r, "open", &f))
			_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A kernel (or a seccomp filter) without openat2: refused, never a plain
 * open instead. openat2 is made to fail with ENOSYS in a child. */
static void test_no_openat2_fails_closed(void **state)
{
	struct fx *x = *state;
	int status;
	pid_t pid;

	open_root(x);
	mkfile(x, "f", 35, 10, 0644);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sock_filter code[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat2, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = 4, .filter = code };
		struct sf_root *r2 = NULL;
		struct sf_file *f;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
			_exit(10);
		if (sf_root_open(&r2, x->dir) != -ENOSYS || r2)
			_exit(11);
		if (sf_open(x->r, "f", &f) != -ENOSYS)
			_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A SIGBUS outside sf_copy() still kills, as without our handler. */
static void test_foreign_sigbus_kills(void **state)
{
	struct fx *x = *state;
	size_t pg = x->pg;
	int status, fd;
	pid_t pid;

	open_root(x);
	mkfile(x, "victim", 23, 2 * pg, 0644);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		volatile const uint8_t *m;
		int devnull = open("/dev/null", O_WRONLY);

		/* quiet: a sanitizer's report of the crash is expected here */
		struct sf_root *r2;

		dup2(devnull, 1);
		dup2(devnull, 2);
		/* the action before ours is the default one, not cmocka's */
		signal(SIGBUS, SIG_DFL);
		alarm(5); /* a handler that returned without restoring would fault forever */
		if (sf_root_open(&r2, x->dir))
			_exit(4);
		fd = openat(x->dfd, "victim", O_RDWR | O_CLOEXEC);
		m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED || ftruncate(fd, 0))
			_exit(3);
		(void)m[pg];
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS))
		fail_msg("child status %#x: want death by SIGBUS", status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular_or_not_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_file_new_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_under_us, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_within_last_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_put_two_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permission_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_openat2_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_sigbus_kills, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
