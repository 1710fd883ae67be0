/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one output writer: every record a mode prints (start, rate, summary)
 * goes through it, field by field, and comes out either as text or as one
 * JSON object per line (--json), as iproute2's print_uint(PRINT_ANY, ...)
 * does: each call names the JSON key and the text format of the same field.
 *
 *   xo_open(o, "summary");                  JSON: {"type":"summary","time":...
 *   xo_text(o, "summary %s:", port);        text only
 *   xo_str(o, "port", NULL, port);          JSON only (text format NULL)
 *   xo_u64(o, "drops", " drops=%llu", n);   both
 *   xo_close(o);                            JSON: the line; text: '\n'
 *
 * JSON is built with jansson, so every string is escaped (an interface may be
 * named `a"b\c`), and printed when the record closes: a record is one line,
 * never interleaved. Every record starts with "type" and "time" (UTC wall
 * clock, RFC 3339 with milliseconds). Objects and arrays nest (xo_obj_open,
 * xo_arr_open with a key inside an object, NULL inside an array). Doubles are
 * written to JSON rounded to the decimals of their text format's precision
 * (default 3). A text format NULL prints nothing in text; the text of a
 * number field is printed with printf, so formats take the C type of the
 * call (unsigned long long, double, const char *, int for bool).
 * One writer per thread; records are written by the reporting thread only.
 */
#ifndef XF_OUT_H
#define XF_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XO_MAX_DEPTH 8

struct xf_out {
	FILE *f;
	bool json;
	int depth;		       /* open containers, the record itself is 0 */
	void *stack[XO_MAX_DEPTH + 1]; /* json_t *: [0] the record */
	const char *key[XO_MAX_DEPTH + 1];
};

void xo_init(struct xf_out *o, FILE *f, bool json);
/* Begin a record of @type. */
void xo_open(struct xf_out *o, const char *type);
/* End the record: print it (JSON: one line) and flush. */
void xo_close(struct xf_out *o);

void xo_text(struct xf_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xo_str(struct xf_out *o, const char *key, const char *fmt, const char *v);
void xo_u64(struct xf_out *o, const char *key, const char *fmt, uint64_t v);
void xo_i64(struct xf_out *o, const char *key, const char *fmt, int64_t v);
void xo_double(struct xf_out *o, const char *key, const char *fmt, double v);
void xo_bool(struct xf_out *o, const char *key, const char *fmt, bool v);
/* Counters as members, in order; text: " name=N" (@sep '=') or " name N". */
struct xo_field {
	const char *name;
	uint64_t v;
};
void xo_u64_fields(struct xf_out *o, const struct xo_field *f, size_t n, char sep);
#define XO_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* JSON null (text: @fmt printed as is, if any). */
void xo_null(struct xf_out *o, const char *key, const char *fmt);

/* Nested containers; in an array, @key is ignored. Text: nothing. */
void xo_obj_open(struct xf_out *o, const char *key);
void xo_obj_close(struct xf_out *o);
void xo_arr_open(struct xf_out *o, const char *key);
void xo_arr_close(struct xf_out *o);

/* The wall clock as RFC 3339 UTC with milliseconds, into @buf (>= 32 bytes). */
const char *xo_wall_clock(char *buf, size_t len);

#endif
