// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The serve poller loop (design in serve_poller.h). */
#include <sched.h>
#include <string.h>

#include "run.h"
#include "serve_poller.h"

#define SCAN_NS (1000 * 1000ull) /* timer scan period */

struct ctx {
	struct serve_poller *sp;
	const struct serve_shared *sh;
	struct serve_stats *st;
	uint64_t now;
	uint64_t next_scan;
	uint64_t next_wake; /* earliest wake time seen by the last scan (0: none) */
};

#define count(c, field, n) rl_stat_add((c)->st->field, (n))

/*
 * A free frame for a reply, or NULL when the pool or the tx ring is out of
 * room. Each frame got is put (frame_put) before the next is asked for, so
 * room for one more descriptor is enough.
 */
static uint8_t *frame_get(struct ctx *c, uint64_t *addr)
{
	struct rl_sock *s = c->sp->sock;

	if (!rl_tx_room(s, 1) || !rl_pool_avail(&c->sp->pool)) {
		count(c, tx_starved, 1);
		return NULL;
	}
	*addr = rl_pool_pop(&c->sp->pool);
	return c->sh->umem_area + *addr;
}

/* Put a built frame on the tx ring (the kernel sees it at the iteration's
 * rl_tx_submit); a frame that could not be built (0 bytes: never expected,
 * sizes are capped at set-up) goes back to the pool, as the kernel would
 * drop an empty descriptor without completing it. */
static void frame_put(struct ctx *c, uint64_t addr, uint32_t len)
{
	if (!len) {
		rl_pool_put(&c->sp->pool, addr);
		return;
	}
	rl_tx_put(c->sp->sock, addr, len);
}

static void client_of(const struct sv_pkt *p, struct sv_client *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->family = p->family;
	memcpy(cl->ip, p->src_ip, sizeof(cl->ip));
	cl->port = p->sport;
}

/* ERROR @code to the sender of @p, from our port @from (no session needed). */
static void reply_error(struct ctx *c, const struct sv_pkt *p, uint16_t from, uint16_t code,
			const char *msg)
{
	struct sv_hdr h;
	uint64_t addr;
	uint8_t *f = frame_get(c, &addr);
	size_t n;

	if (!f)
		return;
	sv_hdr_init(&h, p, from);
	n = tftp_build_error(f + h.len, c->sh->frame_size - h.len, code, msg);
	frame_put(c, addr, sv_build(&h, f, (uint32_t)n));
	count(c, ctl_packets, 1);
}

/* ERROR to a session's client (the session is ending). */
static void session_error(struct ctx *c, struct sv_session *s, uint16_t code, const char *msg)
{
	uint64_t addr;
	uint8_t *f = frame_get(c, &addr);
	size_t n;

	if (!f)
		return;
	n = tftp_build_error(f + s->hdr.len, c->sh->frame_size - s->hdr.len, code, msg);
	frame_put(c, addr, sv_build(&s->hdr, f, (uint32_t)n));
	count(c, ctl_packets, 1);
}

static void sync_retransmits(struct ctx *c, struct sv_session *s)
{
	if (s->t.retransmits != s->retransmits_seen) {
		count(c, retransmits, s->t.retransmits - s->retransmits_seen);
		s->retransmits_seen = s->t.retransmits;
	}
}

/* End @s (lock held; released here), counted as completed or failed. */
static void finish(struct ctx *c, struct sv_session *s, bool ok)
{
	sync_retransmits(c, s);
	if (ok)
		count(c, sessions_completed, 1);
	else
		count(c, sessions_failed, 1);
	sv_session_end(c->sh->table, s);
}

/* The file under @s changed or shrank: tell the client, end the session. */
static void file_changed(struct ctx *c, struct sv_session *s)
{
	count(c, file_changed, 1);
	session_error(c, s, TFTP_ERR_UNDEF, "file changed during transfer; try again");
	tftp_session_fail(&s->t);
	finish(c, s, false);
}

/*
 * Send what @s may send now: its OACK, or DATA up to the end of its window.
 * Lock held. Returns false when the session ended (lock released).
 */
static bool session_push(struct ctx *c, struct sv_session *s)
{
	uint64_t abs, off, addr;
	uint32_t len;
	uint8_t *f;

	if (tftp_session_oack_due(&s->t)) {
		size_t n;

		f = frame_get(c, &addr);
		if (!f)
			goto starved;
		n = tftp_build_oack(f + s->hdr.len, c->sh->frame_size - s->hdr.len, &s->prm);
		frame_put(c, addr, sv_build(&s->hdr, f, (uint32_t)n));
		count(c, ctl_packets, 1);
		tftp_session_sent_oack(&s->t, c->now);
	}
	while (tftp_session_next_block(&s->t, &abs, &off, &len)) {
		/* Shrunk within its last page, a file reads as zeros without a
		 * SIGBUS: look at it before its last block, and now and then. */
		if (sf_check(s->file, c->now, abs == s->t.nblocks ? 0 : c->sh->check_ns)) {
			file_changed(c, s);
			return false;
		}
		f = frame_get(c, &addr);
		if (!f)
			goto starved;
		tftp_put_data_hdr(f + s->hdr.len, (uint16_t)abs);
		if (len && sf_copy(s->file, off, f + s->hdr.len + TFTP_DATA_HDR, len)) {
			rl_pool_put(&c->sp->pool, addr);
			file_changed(c, s);
			return false;
		}
		frame_put(c, addr, sv_build(&s->hdr, f, TFTP_DATA_HDR + len));
		count(c, data_packets, 1);
		count(c, data_bytes, len);
		tftp_session_sent(&s->t, c->now);
	}
	sync_retransmits(c, s);
	atomic_store_explicit(&s->wake_ns, s->t.deadline_ns, memory_order_relaxed);
	return true;
starved:
	/* Out of frames or tx ring room: the next timer scan resumes it. */
	sync_retransmits(c, s);
	atomic_store_explicit(&s->wake_ns, c->now, memory_order_relaxed);
	return true;
}

static void map_open_error(int err, uint16_t *code, const char **msg)
{
	switch (err) {
	case -ENOENT:
		*code = TFTP_ERR_NOTFOUND;
		*msg = "File not found";
		break;
	case -EACCES:
		*code = TFTP_ERR_ACCESS;
		*msg = "Access violation: path leaves the served directory or is not readable";
		break;
	case -EISDIR:
		*code = TFTP_ERR_ACCESS;
		*msg = "Access violation: is a directory";
		break;
	case -EPERM:
		*code = TFTP_ERR_ACCESS;
		*msg = "Access violation: not a world-readable regular file";
		break;
	case -ENAMETOOLONG:
		*code = TFTP_ERR_ACCESS;
		*msg = "Access violation: file name too long";
		break;
	default:
		*code = TFTP_ERR_UNDEF;
		*msg = "server out of resources; try again later";
		break;
	}
}

static void on_request(struct ctx *c, const struct sv_pkt *p)
{
	const struct serve_shared *sh = c->sh;
	struct tftp_request req;
	enum sv_refusal why;
	struct sv_session *s;
	struct sv_client cl;
	const char *reason;
	uint16_t code;
	int err;

	/* An ACK or ERROR on the TFTP port is no request: some clients
	 * (tftp-hpa) ACK the ERROR that refused them. Never answered. */
	if (p->payload_len >= 2 && !p->payload[0] &&
	    (p->payload[1] == TFTP_ACK || p->payload[1] == TFTP_ERROR)) {
		count(c, stray, 1);
		return;
	}
	count(c, requests, 1);
	if (tftp_parse_request(p->payload, p->payload_len, &req, &reason)) {
		count(c, requests_malformed, 1);
		reply_error(c, p, sh->port, TFTP_ERR_ILLEGAL, reason);
		return;
	}
	if (req.op == TFTP_WRQ) {
		count(c, refused_op, 1);
		reply_error(c, p, sh->port, TFTP_ERR_ACCESS, "write requests are not accepted");
		return;
	}
	if (req.mode != TFTP_MODE_OCTET) {
		count(c, refused_op, 1);
		reply_error(c, p, sh->port, TFTP_ERR_UNDEF,
			    req.mode == TFTP_MODE_NETASCII
				    ? "netascii mode is not supported, use octet (binary)"
				    : "mail mode is not supported, use octet (binary)");
		return;
	}
	client_of(p, &cl);
	s = sv_session_new(sh->table, &cl, c->now, &why);
	if (!s) {
		if (why == SV_REFUSE_DUPLICATE) {
			/* Our first reply was lost; its timer sends it again. */
			count(c, requests_dup, 1);
			return;
		}
		count(c, refused_busy, 1);
		reply_error(c, p, sh->port, TFTP_ERR_UNDEF,
			    why == SV_REFUSE_FULL
				    ? "server busy: too many transfers, try again later"
				    : "too many transfers from this address");
		return;
	}
	err = sf_open(sh->root, req.filename, &s->file);
	if (err) {
		const char *msg;

		count(c, refused_file, 1);
		map_open_error(err, &code, &msg);
		reply_error(c, p, sh->port, code, msg);
		sv_session_end(sh->table, s);
		return;
	}
	count(c, sessions_started, 1);
	sv_hdr_init(&s->hdr, p, sv_session_port(sh->table, s));
	tftp_negotiate(&req, &sh->limits[p->family == 6], s->file->size, &s->prm);
	tftp_session_start(&s->t, &s->prm, s->file->size, c->now);
	if (session_push(c, s))
		sv_session_unlock(s);
}

static void on_session_msg(struct ctx *c, const struct sv_pkt *p)
{
	struct sv_session *s;
	struct sv_client cl;
	struct tftp_msg m;

	if (tftp_parse_msg(p->payload, p->payload_len, &m)) {
		count(c, msgs_malformed, 1);
		return;
	}
	client_of(p, &cl);
	s = sv_session_find(c->sh->table, p->dport, &cl);
	if (!s) {
		count(c, unknown_tid, 1);
		/* Never answer an ERROR with an ERROR. */
		if (m.op != TFTP_ERROR)
			reply_error(c, p, p->dport, TFTP_ERR_UNKNOWN_TID, "Unknown transfer ID");
		return;
	}
	switch (m.op) {
	case TFTP_ACK:
		atomic_store_explicit(&s->heard, true, memory_order_relaxed);
		switch (tftp_session_ack(&s->t, m.block, c->now)) {
		case TE_DONE:
			finish(c, s, true);
			return;
		case TE_FAILED:
			finish(c, s, false);
			return;
		default:
			break;
		}
		if (session_push(c, s))
			sv_session_unlock(s);
		return;
	case TFTP_ERROR:
		count(c, client_errors, 1);
		tftp_session_fail(&s->t);
		finish(c, s, false);
		return;
	default:
		session_error(c, s, TFTP_ERR_ILLEGAL, "Illegal TFTP operation");
		tftp_session_fail(&s->t);
		finish(c, s, false);
		return;
	}
}

static void on_frame(struct ctx *c, const uint8_t *frame, uint32_t len)
{
	struct sv_pkt p;

	switch (sv_parse(frame, len, &p)) {
	case SV_OK:
		break;
	case SV_NOT_UDP:
		count(c, rx_other, 1);
		return;
	default:
		count(c, rx_bad, 1);
		return;
	}
	if (p.dport == c->sh->port)
		on_request(c, &p);
	else
		on_session_msg(c, &p);
}

/*
 * Take up to a batch of packets from the rx ring; handle them, or (a
 * stopping poller) only count them. Their frames go back to the pool. With
 * multi-buffer on (an MTU above one frame) a packet may come as a chain: no
 * TFTP message we take is that long (a request fits 512 bytes, an ACK 4),
 * so a chain is dropped whole and counted as rx_bad; replies are always
 * built in one frame (blksize is capped so).
 */
static uint32_t do_rx(struct ctx *c, bool handle)
{
	struct rl_sock *s = c->sp->sock;
	uint32_t idx, i, len, pkts = 0, n = rl_rx_peek_pkts(s, c->sp->batch, &idx);
	uint64_t bytes = 0;

	for (i = 0; i < n; i += len, pkts++) {
		const struct xdp_desc *d = rl_rx_desc(s, idx + i);

		len = rl_rx_pkt_len(s, idx + i, n - i);
		if (len > 1) {
			bytes += rl_pkt_to_pool(s, idx + i, len, &c->sp->pool);
			if (handle)
				count(c, rx_bad, 1);
			continue;
		}
		if (handle)
			on_frame(c, rl_data(c->sh->umem_area, d->addr), d->len);
		bytes += d->len;
		rl_pool_put(&c->sp->pool, d->addr);
	}
	if (n) {
		rl_rx_release_pkts(s, n, pkts, bytes);
		count(c, rx_frames, pkts);
	}
	return n;
}

/* Retransmissions and windows left unsent: every slot whose wake time has passed. */
static uint32_t scan_timers(struct ctx *c)
{
	struct sv_table *t = c->sh->table;
	uint64_t next = 0;
	uint32_t i, work = 0;

	c->next_scan = c->now + SCAN_NS;
	if (!atomic_load_explicit(&t->active, memory_order_relaxed)) {
		c->next_wake = 0;
		return 0;
	}
	for (i = 0; i < t->nslots; i++) {
		struct sv_session *s = &t->slots[i];
		uint64_t w = atomic_load_explicit(&s->wake_ns, memory_order_relaxed);

		if (!w)
			continue;
		if (w > c->now) {
			if (!next || w < next)
				next = w;
			continue;
		}
		if (pthread_spin_trylock(&s->lock))
			continue;
		if (!atomic_load_explicit(&s->used, memory_order_relaxed)) {
			sv_session_unlock(s);
			continue;
		}
		work++;
		if (tftp_session_timer(&s->t, c->now) == TE_FAILED) {
			count(c, timeouts, 1);
			session_error(c, s, TFTP_ERR_UNDEF, "transfer timed out");
			finish(c, s, false);
			continue;
		}
		if (!session_push(c, s))
			continue;
		w = atomic_load_explicit(&s->wake_ns, memory_order_relaxed);
		if (w && (!next || w < next))
			next = w;
		sv_session_unlock(s);
	}
	c->next_wake = next;
	return work;
}

static void *stop_on(struct serve_poller *sp, int err)
{
	xf_thread_fail(&sp->th, err, sp->sock->ifname, (int)sp->queue, NULL);
	return NULL;
}

/* When the timers next need a scan (0: no session waits): the earliest
 * wake time, but not before the next scan, the only place it is seen. */
static uint64_t wake_time(const struct ctx *c)
{
	if (!c->next_wake)
		return 0;
	return c->next_wake > c->next_scan ? c->next_wake : c->next_scan;
}

/*
 * Transfers still running at stop (slots index, index + npollers, ...) get an
 * ERROR. Then the poller lingers LINGER_NS, still taking what arrives: the
 * ACKs already on their way would otherwise reach the kernel once the
 * classifier is gone, and its ICMP port unreachable can overtake our ERROR
 * in the client's socket (a pending socket error is read before queued data).
 */
#define LINGER_NS (100 * 1000 * 1000ull)
static void say_goodbye(struct ctx *c)
{
	struct sv_table *t = c->sh->table;
	struct rl_sock *s = c->sp->sock;
	uint64_t linger_end, hard_end, now;
	uint32_t i, n = 0;

	c->now = xf_now_ns();
	for (i = c->sp->index; i < t->nslots; i += c->sh->npollers) {
		struct sv_session *ss = &t->slots[i];

		if (!atomic_load_explicit(&ss->used, memory_order_acquire))
			continue;
		pthread_spin_lock(&ss->lock);
		if (!atomic_load_explicit(&ss->used, memory_order_relaxed)) {
			sv_session_unlock(ss);
			continue;
		}
		session_error(c, ss, TFTP_ERR_UNDEF, "server shutting down");
		count(c, sessions_abandoned, 1);
		sync_retransmits(c, ss);
		sv_session_end(t, ss);
		n++;
	}
	rl_tx_submit(s);
	/* Until the ERRORs have left and, if any was sent, the linger is over. */
	linger_end = c->now + (n ? LINGER_NS : 0);
	hard_end = c->now + 2 * LINGER_NS;
	for (;;) {
		now = xf_now_ns();
		if (now >= hard_end || (now >= linger_end && !s->tx_outstanding))
			break;
		if (rl_tx_kick(s))
			break;
		rl_complete(s, &c->sp->pool, s->comp.size);
		rl_fill(s, &c->sp->pool, s->fill.size);
		do_rx(c, false);
		sched_yield();
	}
}

void *serve_poller_run(void *arg)
{
	struct serve_poller *sp = arg;
	struct rl_sock *s = sp->sock;
	struct ctx c = { .sp = sp, .sh = sp->sh, .st = &sp->stats };
	struct rl_idle_opts io = {
		.spin_ns = sp->spin_ns,
		.sleeps = &sp->stats.idle_sleeps,
	};
	struct rl_idle idle;
	uint32_t work;
	int err;

	/* Cannot fail: default spin_rounds, one socket with rx and tx rings. */
	rl_idle_init(&idle, &io);
	rl_idle_add(&idle, s, RL_IDLE_RX | RL_IDLE_TX_FLUSH);
	while (!atomic_load_explicit(sp->sh->stop, memory_order_relaxed)) {
		c.now = xf_now_ns();
		work = rl_complete(s, &sp->pool, s->comp.size);
		rl_fill(s, &sp->pool, s->fill.size);
		work += do_rx(&c, true);
		if (c.now >= c.next_scan)
			work += scan_timers(&c);
		/* Every reply of this iteration: one submit, at most one kick. */
		rl_tx_submit(s);
		err = rl_tx_kick(s);
		if (err)
			return stop_on(sp, err);
		rl_fill_kick(s);
		if (work) {
			rl_idle_reset(&idle);
			continue;
		}
		err = rl_idle_wait(&idle, wake_time(&c));
		if (err)
			return stop_on(sp, err);
	}
	say_goodbye(&c);
	return NULL;
}

void serve_stats_add(struct serve_stats *sum, const struct serve_stats *p)
{
	const uint64_t *src = (const uint64_t *)p;
	uint64_t *dst = (uint64_t *)sum;
	size_t i;

	/* struct serve_stats is only uint64_t counters (and tail padding). */
	for (i = 0; i < offsetof(struct serve_stats, idle_sleeps) / sizeof(uint64_t) + 1; i++)
		dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
