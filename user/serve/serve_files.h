/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The files `xskfwd serve` sends: resolved safely below the serve root,
 * mapped read-only once and shared by every session of the same file, and
 * copied into UMEM frames without ever dying of SIGBUS.
 *
 * Key decisions:
 * - Resolution: a leading '/' is stripped (the path is relative to the root,
 *   as tftpd-hpa -s); a ".." component is refused before the kernel sees the
 *   name; openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) refuses anything
 *   that leaves the root, symlinks included (a symlink staying inside is
 *   fine). No fallback to a plain open: a kernel without openat2 fails
 *   closed, already at sf_root_open(). Only world-readable (S_IROTH) regular
 *   files are served, as tftpd-hpa does; opens use O_NONBLOCK so a fifo
 *   cannot block us.
 * - Sharing: one struct sf_file per (dev, ino, size, mtime, ctime), found in
 *   a list under the root's mutex (session start and end only). A file that
 *   changed since it was mapped gets a new mapping for new sessions; old
 *   sessions keep theirs until their last sf_put(). A file nobody holds is
 *   kept mapped in an LRU of SF_IDLE_MAX entries, so a boot storm fetching
 *   the same file maps it once, unless the last sf_put() sees it changed or
 *   deleted (one fstat). Each mapped file keeps its fd (for fstat).
 * - SIGBUS: a file truncated under a MAP_SHARED mapping raises SIGBUS on
 *   pages past its new end. sf_copy() arms a per-thread sigsetjmp(buf, 0)
 *   around its memcpy; the process-wide handler (SA_SIGINFO|SA_NODEFER)
 *   siglongjmps back when si_addr lies in the range this thread is copying,
 *   and otherwise puts back the handler that was there before ours (SIG_DFL
 *   usually) and returns, so the fault re-raises as it would without us.
 *   No syscall per copy.
 * - A truncation within the last page raises no SIGBUS (the tail reads as
 *   zeros), so the poller asks sf_check() before it sends a file's last block
 *   and every interval: it fstats the kept fd, rate-limited by atomics.
 */
#ifndef XF_SERVE_FILES_H
#define XF_SERVE_FILES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Unreferenced files kept mapped per root (least recently used dropped). */
#define SF_IDLE_MAX 64

struct sf_root;

struct sf_file {
	const uint8_t *map; /* read-only mapping of size bytes; NULL when size is 0 */
	uint64_t size;
	/* private, owned by serve_files.c */
	struct sf_root *root;
	struct sf_file *prev, *next; /* root's list, most recently used first */
	int fd;
	dev_t dev;
	ino_t ino;
	struct timespec mtime, ctime;
	uint32_t refs;	     /* under the root's mutex */
	bool listed;	     /* on the root's list: new sessions may share it */
	uint64_t checked_ns; /* atomic: time of the last fstat by sf_check() */
	bool stale;	     /* atomic: a change was seen, for good */
};

/* Open the serve root @dir (O_PATH|O_DIRECTORY) and install the SIGBUS
 * handler (once per process, again if it was replaced since). Returns 0 or -errno: -ENOENT, -ENOTDIR,
 * -EACCES, -ENOMEM, -ENOSYS (no openat2: we never serve without it). */
int sf_root_open(struct sf_root **out, const char *dir);
/* Every file must have been put. */
void sf_root_close(struct sf_root *r);

/* Resolve @name below the root and give a reference to its read-only mapping
 * (shared with other sessions of the same file unless it changed since).
 * Thread-safe (a mutex: call at session start only). Returns 0 or
 * -EACCES (a ".." component, a path or symlink leaving the root, permission
 * denied, a symlink loop), -ENOENT (missing; a component is not a
 * directory), -EISDIR, -EPERM (not a regular file, or not world-readable),
 * -ENAMETOOLONG, -EMFILE, -ENFILE, -ENOMEM, -EAGAIN (the kernel could not
 * resolve safely under concurrent renames; try again), -ENOSYS. */
int sf_open(struct sf_root *r, const char *name, struct sf_file **out);
/* Drop a reference from sf_open(). Thread-safe (the mutex; the last put
 * of a file fstats it once to decide whether it is worth keeping idle). */
void sf_put(struct sf_root *r, struct sf_file *f);

/* Copy @len bytes at @off of @f into @dst. Returns 0, -ERANGE if off+len is
 * beyond the size mapped, -EIO if a page is gone (file truncated: SIGBUS
 * caught). Thread-safe, no syscall. */
int sf_copy(const struct sf_file *f, uint64_t off, void *dst, uint32_t len);

/* Has the file shrunk or changed (size, mtime or ctime) since it was
 * mapped? fstat at most once per @interval_ns per file (always when 0); a
 * change once seen is remembered. Returns 0 or -ESTALE. Thread-safe. */
int sf_check(struct sf_file *f, uint64_t now_ns, uint64_t interval_ns);

/* open_files: files mapped now (held or idle); maps: files mapped since the
 * root was opened (a 0-byte file counts, without mmap); sigbus: faults
 * caught by sf_copy(). */
struct sf_stats {
	uint64_t open_files, maps, sigbus;
};
void sf_root_stats(const struct sf_root *r, struct sf_stats *st);

#endif
