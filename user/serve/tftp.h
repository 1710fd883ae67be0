/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TFTP wire format and option negotiation for `xskfwd serve`: RFC 1350
 * (base), 2347 (options, OACK), 2348 (blksize), 2349 (timeout, tsize),
 * 7440 (windowsize). Pure functions of their arguments: no I/O, no
 * allocation, no globals, so they are unit tested (tests/unit/test_tftp.c)
 * and fuzzed (tests/fuzz/fuzz_tftp.c) on their own.
 *
 * Key decisions:
 * - Parsing never reads past the length it is given and never trusts a
 *   NUL to be present: every string is searched for within the buffer.
 * - Requests are parsed leniently where the RFCs allow it, strictly where a
 *   guess would be wrong: a missing filename or mode terminator, an empty or
 *   over-long filename, an unknown mode or opcode are errors; an unknown
 *   option, an option whose value is invalid, a repeated option (after its
 *   first occurrence, valid or not) and a trailing option without a
 *   terminated value are ignored, i.e. not acknowledged (RFC 2347: the
 *   server acknowledges only what it accepts).
 * - blksize above 65464 and windowsize above 65535 are clamped to those
 *   maxima rather than ignored: a server may always answer a smaller value
 *   (RFC 2348), and the caller's limits cap them further anyway.
 * - The OACK never carries tsize=0 (curl rejects it): an empty file's tsize
 *   is left out, and an OACK left with no option is not sent at all.
 * - Builders return the length written, or 0 when the message does not fit.
 */
#ifndef XF_TFTP_H
#define XF_TFTP_H

#include <stddef.h>
#include <stdint.h>

#define TFTP_PORT 69
#define TFTP_DATA_HDR 4 /* opcode + block */
#define TFTP_NAME_MAX 255
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 65464
#define TFTP_BLKSIZE_DEFAULT 512 /* RFC 1350, when no blksize is negotiated */
#define TFTP_WINDOWSIZE_MAX 65535
#define TFTP_TIMEOUT_MAX 255 /* seconds, RFC 2349 */

enum tftp_op { TFTP_RRQ = 1, TFTP_WRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK };
enum tftp_err {
	TFTP_ERR_UNDEF = 0,
	TFTP_ERR_NOTFOUND,
	TFTP_ERR_ACCESS,
	TFTP_ERR_DISKFULL,
	TFTP_ERR_ILLEGAL,
	TFTP_ERR_UNKNOWN_TID,
	TFTP_ERR_EXISTS,
	TFTP_ERR_NOUSER,
	TFTP_ERR_OPTNEG
};
enum tftp_mode { TFTP_MODE_OCTET, TFTP_MODE_NETASCII, TFTP_MODE_MAIL };
enum { TFTP_OPT_BLKSIZE = 1, TFTP_OPT_TSIZE = 2, TFTP_OPT_TIMEOUT = 4, TFTP_OPT_WINDOWSIZE = 8 };

struct tftp_request {
	enum tftp_op op; /* TFTP_RRQ or TFTP_WRQ */
	enum tftp_mode mode;
	char filename[TFTP_NAME_MAX + 1];
	uint32_t opts; /* TFTP_OPT_* the client asked for, with a valid value */
	uint32_t blksize, timeout_s, windowsize;
	uint64_t tsize;
};

/*
 * Parse an RRQ/WRQ payload (UDP payload). Returns 0, or -EINVAL with *why =
 * a short static reason fit for an ERROR message and a log ("filename not
 * terminated", "unknown mode", ...); @why may be NULL. Option names and
 * mode are case-insensitive; unknown options are ignored (RFC 2347); an
 * option with an invalid value (blksize 7, windowsize 0, non-numeric,
 * timeout 0 or > 255) is ignored, i.e. not acknowledged; a repeated option:
 * the first counts. Filenames longer than TFTP_NAME_MAX or empty: -EINVAL.
 * Never reads past len. @r is zeroed first, whatever the result.
 */
int tftp_parse_request(const uint8_t *p, size_t len, struct tftp_request *r, const char **why);

/* A client's message on a session port. */
struct tftp_msg {
	enum tftp_op op;
	uint16_t block; /* ACK, DATA */
	uint16_t code;	/* ERROR */
	char text[128]; /* ERROR message, NUL-terminated, printable ASCII only (others -> '?') */
};

/*
 * 0, or -EINVAL when too short (under 2 bytes; under 4 for DATA, ACK and
 * ERROR) / opcode unknown. Other valid opcodes (RRQ, WRQ, OACK) are
 * returned with op set and nothing else. @m is zeroed first.
 */
int tftp_parse_msg(const uint8_t *p, size_t len, struct tftp_msg *m);

struct tftp_limits {
	uint32_t blksize_max;	 /* already capped by the MTU by the caller */
	uint32_t windowsize_max; /* 0 counts as 1 */
	uint32_t timeout_ms;	 /* initial retransmit timeout when the client asks none */
	uint32_t retries;	 /* retransmissions of one window before giving up */
};

struct tftp_params {
	uint32_t blksize, windowsize, retries;
	uint32_t timeout_ms; /* first retransmission timeout */
	uint32_t timeout_s;  /* the timeout option acknowledged */
	uint32_t oack;	     /* TFTP_OPT_* to acknowledge; 0: no OACK, DATA 1 is sent at once */
	uint64_t tsize;	     /* file size, for the OACK */
};

/*
 * Decide the transfer parameters. blksize: min(asked, limit), 512 when not
 * asked; windowsize: min(asked, limit), 1 when not asked; timeout:
 * acknowledged as asked, the retransmission timer min(asked, the limit's
 * timeout_ms), else the limit's timeout_ms; tsize: acknowledged with the
 * real size when asked, EXCEPT never put tsize=0 in an OACK (curl rejects
 * an OACK with tsize 0): for an empty file leave tsize out of the OACK (and
 * if that leaves no option, no OACK at all). A limit below the protocol's
 * minimum is raised to it (blksize 8, windowsize 1, timeout 1 ms).
 */
void tftp_negotiate(const struct tftp_request *r, const struct tftp_limits *l, uint64_t file_size,
		    struct tftp_params *out);

/*
 * Build messages into buf (cap bytes). Return the length, 0 if it does not
 * fit. The OACK carries the options of p->oack in the order blksize, tsize,
 * timeout (seconds), windowsize, values in decimal. A NULL @msg is "".
 */
size_t tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_params *p);
size_t tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg);

/* The DATA header at @buf (TFTP_DATA_HDR bytes): opcode 3, block, big-endian. */
static inline void tftp_put_data_hdr(uint8_t *buf, uint16_t block)
{
	buf[0] = 0;
	buf[1] = TFTP_DATA;
	buf[2] = (uint8_t)(block >> 8);
	buf[3] = (uint8_t)block;
}

/* "octet", "netascii", "mail"; "?" for anything else. */
const char *tftp_mode_name(enum tftp_mode m);

#endif
