/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The serve poller: one thread per queue of the served interface, pinned,
 * owning one AF_XDP socket (rx and tx on that queue) and a slice of the UMEM.
 *
 * Its "egress" is its own port: requests and ACKs arrive on the rx ring
 * (the classifier redirects only UDP to the server's addresses on the TFTP
 * port and the session ports), replies leave on the tx ring. Every reply is
 * built in a free frame of the poller's pool: the session's header template
 * (serve_frame.h), the 4-byte TFTP header, and one copy of the chunk from
 * the file's read-only mapping (serve_files.h); then lengths and checksums.
 * Frames are put on the tx ring as they are built and handed to the kernel
 * in one submit, with at most one wake-up system call per loop iteration.
 *
 * One loop iteration:
 *   completions -> pool; pool -> fill ring;
 *   rx: each frame parsed and handled at once (a request opens a session and
 *       sends its OACK or first window; an ACK moves its session's window and
 *       sends what the window allows), the rx frame goes back to the pool;
 *       with multi-buffer on (an MTU above one frame), a packet that came
 *       in more than one frame is no TFTP message we take: dropped whole;
 *   timers: about once a millisecond, every slot whose wake time has passed
 *       (retransmission, or a window left unsent for want of frames);
 *   the queued frames go to the tx ring; kick.
 * Idle, it follows ringlib's one idle policy (rl_idle.h): it spins a little
 * and then sleeps in poll() until the earliest wake time (at most 100 ms, so
 * a stop request is seen), then reads its socket's error. On stop, each poller
 * ends its share of the transfers still running with an ERROR ("server
 * shutting down"), so clients fail at once instead of timing out, and then
 * takes (and drops) what arrives for 100 ms more, before the classifier goes.
 */
#ifndef XF_SERVE_POLLER_H
#define XF_SERVE_POLLER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "rl.h"
#include "run.h"
#include "serve_files.h"
#include "serve_sessions.h"
#include "tftp.h"

/* What all pollers of one server share (read-only once they run). */
struct serve_shared {
	struct sv_table *table;
	struct sf_root *root;
	uint8_t *umem_area;
	uint32_t frame_size;
	uint32_t npollers;
	uint16_t port;		      /* the TFTP port (69) */
	struct tftp_limits limits[2]; /* [0] IPv4, [1] IPv6: blksize capped by the MTU */
	uint64_t check_ns;	      /* how often a file is checked for changes */
	const atomic_bool *stop;
};

/* Counters of one poller: written by it (relaxed), read by the reporter. */
struct serve_stats {
	uint64_t rx_frames;	     /* packets (a chain of descriptors is one) */
	uint64_t rx_bad;	     /* malformed frames, fragments, bad checksums, chains */
	uint64_t rx_other;	     /* not UDP: the classifier should not send those */
	uint64_t requests;	     /* read/write requests received */
	uint64_t requests_malformed; /* ... that did not parse: ERROR 4 */
	uint64_t requests_dup;	     /* retransmitted requests of a running session */
	uint64_t refused_file;	     /* missing, outside the root, not a regular file */
	uint64_t refused_op;	     /* write requests, netascii/mail mode */
	uint64_t refused_busy;	     /* --max-sessions or --max-per-client */
	uint64_t sessions_started;
	uint64_t sessions_completed; /* the last block acknowledged */
	uint64_t sessions_failed;    /* timed out, client ERROR, file changed */
	uint64_t sessions_abandoned; /* still running at stop: told "shutting down" */
	uint64_t timeouts;	     /* sessions given up after --retries */
	uint64_t client_errors;	     /* ERROR from a client */
	uint64_t file_changed;	     /* a file shrank/changed under a session */
	uint64_t msgs_malformed;     /* unparsable datagrams on session ports */
	uint64_t stray;		     /* ACK or ERROR on the TFTP port: ignored */
	uint64_t unknown_tid;	     /* datagrams for no session: ERROR 5 */
	uint64_t data_packets;	     /* DATA sent, retransmissions included */
	uint64_t data_bytes;	     /* file bytes in them */
	uint64_t ctl_packets;	     /* OACK and ERROR sent */
	uint64_t retransmits;	     /* DATA and OACK sent again */
	uint64_t tx_starved;	     /* a reply waited for a frame or tx ring room */
	uint64_t idle_sleeps;
} __attribute__((aligned(RL_CACHELINE)));

struct serve_poller {
	struct rl_sock *sock;
	struct rl_pool pool;
	const struct serve_shared *sh;
	uint32_t index; /* among the pollers */
	uint32_t queue;
	uint32_t batch;
	uint64_t spin_ns;
	struct xf_thread th; /* started, pinned and joined by the lifecycle */
	struct serve_stats stats;
};

/* Thread entry point: runs until *sh->stop or an error (xf_thread_fail). */
void *serve_poller_run(void *arg);

/* Add @p's counters into @sum (any thread). */
void serve_stats_add(struct serve_stats *sum, const struct serve_stats *p);

#endif
