// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The served files (see serve_files.h for the contract and the decisions).
 *
 * Locking: the root's mutex guards its list and every file's refs and
 * listed; map, size, fd, dev, ino, mtime and ctime never change after
 * creation. checked_ns and stale are atomics (sf_check() runs on poller
 * threads without the mutex). The stats are atomics too, written under the
 * mutex (open_files, maps) or by any thread (sigbus), read relaxed.
 *
 * The SIGBUS guard is per thread: sf_copy() records the range it copies
 * from and arms a sigjmp_buf; the handler only jumps for a fault in that
 * range on the same thread. sigsetjmp(buf, 0) saves no signal mask (no
 * syscall), which is correct because the handler runs with SA_NODEFER and
 * an empty sa_mask: the mask is unchanged when it jumps. (Should a wrapper
 * such as ThreadSanitizer block more, the handler restores the mask saved
 * in its ucontext: a syscall on the fault path only.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "serve_files.h"

struct sf_root {
	int dirfd;
	pthread_mutex_t lock;
	struct sf_file *head, *tail;	   /* listed files, most recently used first */
	uint32_t idle;			   /* listed files with refs == 0 */
	uint64_t open_files, maps, sigbus; /* atomics */
};

/* openat2 -EAGAIN (a rename raced with a ".." check): tries before giving up. */
#define SF_OPEN_TRIES 4

struct sf_guard {
	sigjmp_buf jb;
	uintptr_t lo, hi; /* the source range being copied */
	volatile sig_atomic_t armed;
};

static __thread struct sf_guard sf_guard;
static struct sigaction sf_prev_act; /* written before our handler is in */
static pthread_mutex_t sf_sig_lock = PTHREAD_MUTEX_INITIALIZER;

static void sf_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct sf_guard *g = &sf_guard;
	uintptr_t a = (uintptr_t)si->si_addr;

	if (g->armed && si->si_code > 0 && a >= g->lo && a < g->hi) {
		g->armed = 0;
		/* Our action blocks nothing, but a wrapper may have installed
		 * it with more (ThreadSanitizer blocks every signal): put the
		 * mask of before the fault back, as sigsetjmp(buf, 0) won't. */
		pthread_sigmask(SIG_SETMASK, &((ucontext_t *)uc)->uc_sigmask, NULL);
		siglongjmp(g->jb, 1);
	}
	/* Not ours: as if we had never been there. A fault re-raises on
	 * return and meets the previous action; a sent signal is raised again. */
	sigaction(SIGBUS, &sf_prev_act, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Put our handler in, unless it is there already: once per process, and
 * again if someone replaced it since (a test framework does, per test). */
static int sf_install(void)
{
	struct sigaction sa = { .sa_sigaction = sf_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	struct sigaction cur;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	pthread_mutex_lock(&sf_sig_lock);
	if (sigaction(SIGBUS, NULL, &cur) < 0) {
		ret = -errno;
	} else if (!(cur.sa_flags & SA_SIGINFO) || cur.sa_sigaction != sf_sigbus) {
		sf_prev_act = cur;
		if (sigaction(SIGBUS, &sa, NULL) < 0)
			ret = -errno;
	}
	pthread_mutex_unlock(&sf_sig_lock);
	return ret;
}

static long sf_openat2(int dirfd, const char *name, uint64_t flags)
{
	struct open_how how = {
		.flags = flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

int sf_root_open(struct sf_root **out, const char *dir)
{
	struct sf_root *r;
	int ret, fd;

	ret = sf_install();
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0) {
		ret = -errno;
		goto free_root;
	}
	/* Fail closed at once on a kernel (or seccomp filter) without openat2. */
	fd = (int)sf_openat2(r->dirfd, ".", O_PATH | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto close_dir;
	}
	close(fd);
	ret = -pthread_mutex_init(&r->lock, NULL);
	if (ret)
		goto close_dir;
	*out = r;
	return 0;

close_dir:
	close(r->dirfd);
free_root:
	free(r);
	return ret;
}

static void sf_unlink(struct sf_root *r, struct sf_file *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		r->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		r->tail = f->prev;
	f->prev = f->next = NULL;
	f->listed = false;
	if (!f->refs)
		r->idle--;
}

static void sf_push_front(struct sf_root *r, struct sf_file *f)
{
	f->prev = NULL;
	f->next = r->head;
	if (r->head)
		r->head->prev = f;
	else
		r->tail = f;
	r->head = f;
	f->listed = true;
}

/* Under the mutex; @f is off the list. */
static void sf_destroy(struct sf_root *r, struct sf_file *f)
{
	if (f->map)
		munmap((void *)f->map, f->size);
	close(f->fd);
	free(f);
	__atomic_sub_fetch(&r->open_files, 1, __ATOMIC_RELAXED);
}

void sf_root_close(struct sf_root *r)
{
	struct sf_file *f;

	if (!r)
		return;
	while ((f = r->head)) {
		sf_unlink(r, f);
		sf_destroy(r, f);
	}
	pthread_mutex_destroy(&r->lock);
	close(r->dirfd);
	free(r);
}

/* Strip leading '/'; refuse a ".." component. Returns the relative name. */
static const char *sf_relative(const char *name, int *err)
{
	const char *p, *c;

	while (*name == '/')
		name++;
	for (p = name; *p; p = *c ? c + 1 : c) {
		c = strchrnul(p, '/');
		if (c - p == 2 && p[0] == '.' && p[1] == '.') {
			*err = -EACCES;
			return NULL;
		}
	}
	return name;
}

/* openat2's errors as the contract names them. */
static int sf_open_err(int e)
{
	switch (e) {
	case EXDEV: /* RESOLVE_BENEATH: the path or a symlink leaves the root */
	case ELOOP: /* a magic link, or a symlink loop */
	case EPERM: /* e.g. an LSM said no */
	case EACCES:
		return -EACCES;
	case ENOTDIR: /* a component is not a directory: as missing */
		return -ENOENT;
	case ENXIO: /* a socket, or a device without a driver */
		return -EPERM;
	default:
		return -e;
	}
}

/*
 * Unchanged: same size, mtime and ctime. A file replaced by rename (how
 * roll-outs update files) loses its last link, which changes only its ctime:
 * its bytes are intact, so sessions still sending it go on.
 */
static bool sf_same(const struct sf_file *f, const struct stat *st)
{
	return (uint64_t)st->st_size == f->size && st->st_mtim.tv_sec == f->mtime.tv_sec &&
	       st->st_mtim.tv_nsec == f->mtime.tv_nsec &&
	       ((st->st_ctim.tv_sec == f->ctime.tv_sec &&
		 st->st_ctim.tv_nsec == f->ctime.tv_nsec) ||
		!st->st_nlink);
}

static bool sf_is_stale(const struct sf_file *f)
{
	return __atomic_load_n(&f->stale, __ATOMIC_ACQUIRE);
}

static struct sf_file *sf_lookup(struct sf_root *r, const struct stat *st)
{
	struct sf_file *f;

	for (f = r->head; f; f = f->next)
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	return NULL;
}

/* Evict idle files from the LRU end beyond SF_IDLE_MAX. Under the mutex. */
static void sf_trim(struct sf_root *r)
{
	struct sf_file *f = r->tail, *prev;

	for (; f && r->idle > SF_IDLE_MAX; f = prev) {
		prev = f->prev;
		if (f->refs)
			continue;
		sf_unlink(r, f);
		sf_destroy(r, f);
	}
}

/* A new file for @fd (consumed on success), mapped. */
static int sf_create(struct sf_root *r, int fd, const struct stat *st, struct sf_file **out)
{
	struct sf_file *f;
	void *m = NULL;

	if ((uint64_t)st->st_size > SIZE_MAX)
		return -EFBIG;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (st->st_size) {
		m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			int ret = -errno;

			free(f);
			return ret == -ENODEV ? -EPERM : ret;
		}
	}
	f->map = m;
	f->size = (uint64_t)st->st_size;
	f->root = r;
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
	f->refs = 1;
	*out = f;
	return 0;
}

int sf_open(struct sf_root *r, const char *name, struct sf_file **out)
{
	struct sf_file *f;
	const char *rel;
	struct stat st;
	int ret = 0, fd = -1, i;

	rel = sf_relative(name, &ret);
	if (!rel)
		return ret;
	for (i = 0; i < SF_OPEN_TRIES; i++) {
		fd = (int)sf_openat2(r->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	if (fd < 0)
		return sf_open_err(errno);
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto close_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IROTH)) {
		ret = -EPERM;
		goto close_fd;
	}

	pthread_mutex_lock(&r->lock);
	f = sf_lookup(r, &st);
	if (f && sf_same(f, &st) && !sf_is_stale(f)) {
		if (!f->refs++)
			r->idle--;
		sf_unlink(r, f);
		sf_push_front(r, f);
		pthread_mutex_unlock(&r->lock);
		close(fd);
		*out = f;
		return 0;
	}
	if (f) {
		/* Changed since mapped: new sessions get a new mapping; the
		 * old one lives on until its last session puts it. */
		bool idle = !f->refs;

		sf_unlink(r, f);
		if (idle)
			sf_destroy(r, f);
	}
	ret = sf_create(r, fd, &st, &f);
	if (!ret) {
		sf_push_front(r, f);
		__atomic_add_fetch(&r->open_files, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->maps, 1, __ATOMIC_RELAXED);
		*out = f;
	}
	pthread_mutex_unlock(&r->lock);
	if (!ret)
		return 0;
close_fd:
	close(fd);
	return ret;
}

static bool sf_deleted(const struct sf_file *f)
{
	struct stat st;

	return fstat(f->fd, &st) || !st.st_nlink;
}

void sf_put(struct sf_root *r, struct sf_file *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&r->lock);
	if (!--f->refs) {
		if (!f->listed) {
			sf_destroy(r, f);
		} else if (sf_check(f, 0, 0) || sf_deleted(f)) {
			/* Changed or deleted since mapped (one fstat, at
			 * session end): not worth keeping. */
			sf_unlink(r, f);
			sf_destroy(r, f);
		} else {
			r->idle++;
			sf_trim(r);
		}
	}
	pthread_mutex_unlock(&r->lock);
}

int sf_copy(const struct sf_file *f, uint64_t off, void *dst, uint32_t len)
{
	struct sf_guard *g = &sf_guard;

	if (off > f->size || len > f->size - off)
		return -ERANGE;
	if (!len)
		return 0;
	g->lo = (uintptr_t)(f->map + off);
	g->hi = g->lo + len;
	if (sigsetjmp(g->jb, 0)) {
		/* The handler disarmed the guard and jumped here. */
		__atomic_add_fetch(&f->root->sigbus, 1, __ATOMIC_RELAXED);
		return -EIO;
	}
	g->armed = 1;
	atomic_signal_fence(memory_order_seq_cst); /* the copy stays inside the armed span */
	memcpy(dst, f->map + off, len);
	atomic_signal_fence(memory_order_seq_cst);
	g->armed = 0;
	return 0;
}

int sf_check(struct sf_file *f, uint64_t now_ns, uint64_t interval_ns)
{
	uint64_t last;
	struct stat st;

	if (sf_is_stale(f))
		return -ESTALE;
	if (interval_ns) {
		last = __atomic_load_n(&f->checked_ns, __ATOMIC_RELAXED);
		if (last && now_ns - last < interval_ns)
			return 0;
		/* One thread does the fstat; the others go on. */
		if (!__atomic_compare_exchange_n(&f->checked_ns, &last, now_ns ? now_ns : 1, false,
						 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return 0;
	}
	if (fstat(f->fd, &st) < 0 || !sf_same(f, &st)) {
		__atomic_store_n(&f->stale, true, __ATOMIC_RELEASE);
		return -ESTALE;
	}
	return 0;
}

void sf_root_stats(const struct sf_root *r, struct sf_stats *st)
{
	st->open_files = __atomic_load_n(&r->open_files, __ATOMIC_RELAXED);
	st->maps = __atomic_load_n(&r->maps, __ATOMIC_RELAXED);
	st->sigbus = __atomic_load_n(&r->sigbus, __ATOMIC_RELAXED);
}
