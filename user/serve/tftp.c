// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* TFTP wire format and option negotiation (see tftp.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tftp.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The NUL-terminated string at @p[*off], within @len: its start, and *off
 * moved past its NUL. NULL (and *off unchanged) when there is no NUL.
 */
static const char *take_str(const uint8_t *p, size_t len, size_t *off, size_t *slen)
{
	const uint8_t *start = p + *off, *nul;

	if (*off >= len)
		return NULL;
	nul = memchr(start, 0, len - *off);
	if (!nul)
		return NULL;
	*slen = (size_t)(nul - start);
	*off += *slen + 1;
	return (const char *)start;
}

/*
 * A decimal number made of digits only (no sign, no blanks), at least one.
 * Values above @max come out as @max (saturated). false if not a number.
 */
static bool parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		d = (uint64_t)(*s - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*out = v > max ? max : v;
	return true;
}

/*
 * The options a request may carry: a value is valid in [lo, hi] after
 * parse_num() saturated it at sat. blksize and windowsize saturate at their
 * maximum, which is then granted (a server may answer with less); timeout at
 * one above, so that "too large" stays refused; tsize at 2^64 - 1, too large
 * for any file anyway.
 */
static const struct {
	const char *name;
	uint32_t bit;
	uint64_t lo, sat, hi;
} options[] = {
	{ "blksize", TFTP_OPT_BLKSIZE, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, TFTP_BLKSIZE_MAX },
	{ "tsize", TFTP_OPT_TSIZE, 0, UINT64_MAX, UINT64_MAX },
	{ "timeout", TFTP_OPT_TIMEOUT, 1, TFTP_TIMEOUT_MAX + 1, TFTP_TIMEOUT_MAX },
	{ "windowsize", TFTP_OPT_WINDOWSIZE, 1, TFTP_WINDOWSIZE_MAX, TFTP_WINDOWSIZE_MAX },
};

/* One option name=value; sets its bit in r->opts when valid. The first of a
 * name counts, valid or not. */
static void take_option(struct tftp_request *r, uint32_t *seen, const char *name, const char *val)
{
	size_t i, n = sizeof(options) / sizeof(options[0]);
	uint64_t v;

	for (i = 0; i < n && strcasecmp(name, options[i].name); i++)
		;
	if (i == n || *seen & options[i].bit)
		return;
	*seen |= options[i].bit;
	if (!parse_num(val, options[i].sat, &v) || v < options[i].lo || v > options[i].hi)
		return;
	r->opts |= options[i].bit;
	if (options[i].bit == TFTP_OPT_TSIZE)
		r->tsize = v;
	else if (options[i].bit == TFTP_OPT_BLKSIZE)
		r->blksize = (uint32_t)v;
	else if (options[i].bit == TFTP_OPT_TIMEOUT)
		r->timeout_s = (uint32_t)v;
	else
		r->windowsize = (uint32_t)v;
}

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

int tftp_parse_request(const uint8_t *p, size_t len, struct tftp_request *r, const char **why)
{
	const char *name, *mode, *oname, *oval;
	size_t off = 2, n, olen, vlen;
	uint32_t seen = 0;
	uint16_t op;

	memset(r, 0, sizeof(*r));
	if (why)
		*why = NULL;
	if (len < 2)
		return bad(why, "request too short");
	op = be16(p);
	if (op != TFTP_RRQ && op != TFTP_WRQ)
		return bad(why, "not a read or write request");
	r->op = (enum tftp_op)op;

	name = take_str(p, len, &off, &n);
	if (!name)
		return bad(why, "filename not terminated");
	if (n == 0)
		return bad(why, "empty filename");
	if (n > TFTP_NAME_MAX)
		return bad(why, "filename too long");
	memcpy(r->filename, name, n);
	r->filename[n] = '\0';

	mode = take_str(p, len, &off, &n);
	if (!mode)
		return bad(why, "mode not terminated");
	if (!strcasecmp(mode, "octet"))
		r->mode = TFTP_MODE_OCTET;
	else if (!strcasecmp(mode, "netascii"))
		r->mode = TFTP_MODE_NETASCII;
	else if (!strcasecmp(mode, "mail"))
		r->mode = TFTP_MODE_MAIL;
	else
		return bad(why, "unknown mode");

	/* Options: name NUL value NUL, until the end; a torn last pair is dropped. */
	while (off < len) {
		oname = take_str(p, len, &off, &olen);
		if (!oname)
			break;
		oval = take_str(p, len, &off, &vlen);
		if (!oval)
			break;
		take_option(r, &seen, oname, oval);
	}
	return 0;
}

int tftp_parse_msg(const uint8_t *p, size_t len, struct tftp_msg *m)
{
	size_t i, n = 0;
	uint16_t op;

	memset(m, 0, sizeof(*m));
	if (len < 2)
		return -EINVAL;
	op = be16(p);
	switch (op) {
	case TFTP_DATA:
	case TFTP_ACK:
		if (len < 4)
			return -EINVAL;
		m->block = be16(p + 2);
		break;
	case TFTP_ERROR:
		if (len < 4)
			return -EINVAL;
		m->code = be16(p + 2);
		/* The text up to its NUL or the end of the packet, whichever first. */
		for (i = 4; i < len && p[i] && n < sizeof(m->text) - 1; i++)
			m->text[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
		m->text[n] = '\0';
		break;
	case TFTP_RRQ:
	case TFTP_WRQ:
	case TFTP_OACK:
		break;
	default:
		return -EINVAL;
	}
	m->op = (enum tftp_op)op;
	return 0;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

void tftp_negotiate(const struct tftp_request *r, const struct tftp_limits *l, uint64_t file_size,
		    struct tftp_params *out)
{
	uint32_t bmax = l->blksize_max < TFTP_BLKSIZE_MIN ? TFTP_BLKSIZE_MIN : l->blksize_max;
	uint32_t wmax = l->windowsize_max ? l->windowsize_max : 1;

	memset(out, 0, sizeof(*out));
	out->blksize = TFTP_BLKSIZE_DEFAULT;
	out->windowsize = 1;
	out->timeout_ms = l->timeout_ms ? l->timeout_ms : 1;
	out->retries = l->retries;
	out->tsize = file_size;
	if (r->opts & TFTP_OPT_BLKSIZE) {
		out->blksize = min_u32(r->blksize, bmax);
		out->oack |= TFTP_OPT_BLKSIZE;
	}
	if (r->opts & TFTP_OPT_WINDOWSIZE) {
		out->windowsize = min_u32(r->windowsize, min_u32(wmax, TFTP_WINDOWSIZE_MAX));
		out->oack |= TFTP_OPT_WINDOWSIZE;
	}
	if (r->opts & TFTP_OPT_TIMEOUT) {
		/* Acknowledged as asked, but the server retransmits no later than
		 * its own timeout: a client's timeout bounds how long the client
		 * waits, and a duplicate DATA is harmless (the client re-ACKs it,
		 * a duplicate ACK sends nothing). curl asks 5 s, so without this
		 * every lost DATA packet would stall its transfer for 5 s. */
		out->timeout_s = r->timeout_s;
		out->timeout_ms = min_u32(r->timeout_s * 1000, out->timeout_ms);
		out->oack |= TFTP_OPT_TIMEOUT;
	}
	if ((r->opts & TFTP_OPT_TSIZE) && file_size > 0)
		out->oack |= TFTP_OPT_TSIZE;
}

/* Append "name\0value\0" at buf[*off]; false if it does not fit in cap. */
static bool put_opt(uint8_t *buf, size_t cap, size_t *off, const char *name, uint64_t val)
{
	char num[24];
	size_t nl = strlen(name), vl;

	vl = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)val);
	if (*off > cap || cap - *off < nl + vl + 2)
		return false;
	memcpy(buf + *off, name, nl + 1);
	*off += nl + 1;
	memcpy(buf + *off, num, vl + 1);
	*off += vl + 1;
	return true;
}

size_t tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p)
{
	size_t off = 2;

	if (cap < 2)
		return 0;
	buf[0] = 0;
	buf[1] = TFTP_OACK;
	if ((p->oack & TFTP_OPT_BLKSIZE) && !put_opt(buf, cap, &off, "blksize", p->blksize))
		return 0;
	if ((p->oack & TFTP_OPT_TSIZE) && !put_opt(buf, cap, &off, "tsize", p->tsize))
		return 0;
	if ((p->oack & TFTP_OPT_TIMEOUT) && !put_opt(buf, cap, &off, "timeout", p->timeout_s))
		return 0;
	if ((p->oack & TFTP_OPT_WINDOWSIZE) &&
	    !put_opt(buf, cap, &off, "windowsize", p->windowsize))
		return 0;
	return off;
}

size_t tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	size_t n = msg ? strlen(msg) : 0;

	if (cap < 4 || cap - 4 < n + 1)
		return 0;
	buf[0] = 0;
	buf[1] = TFTP_ERROR;
	buf[2] = (uint8_t)(code >> 8);
	buf[3] = (uint8_t)code;
	if (n)
		memcpy(buf + 4, msg, n);
	buf[4 + n] = 0;
	return 4 + n + 1;
}

const char *tftp_mode_name(enum tftp_mode m)
{
	switch (m) {
	case TFTP_MODE_OCTET:
		return "octet";
	case TFTP_MODE_NETASCII:
		return "netascii";
	case TFTP_MODE_MAIL:
		return "mail";
	}
	return "?";
}
