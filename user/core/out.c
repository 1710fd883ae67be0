// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The output writer: text or JSON lines from one call per field (out.h). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out.h"

void xo_init(struct xf_out *o, FILE *f, bool json)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
}

const char *xo_wall_clock(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char sec[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", sec, ts.tv_nsec / 1000000);
	return buf;
}

/* Put @v under @key in the innermost container (which takes the reference). */
static void put(struct xf_out *o, const char *key, json_t *v)
{
	json_t *top = o->stack[o->depth];

	if (!v)
		return; /* out of memory: the field is missing, the record still parses */
	if (json_is_array(top))
		json_array_append_new(top, v);
	else if (top)
		json_object_set_new(top, key, v);
	else
		json_decref(v);
}

void xo_open(struct xf_out *o, const char *type)
{
	char now[32];

	o->depth = 0;
	if (!o->json)
		return;
	o->stack[0] = json_object();
	put(o, "type", json_string(type));
	put(o, "time", json_string(xo_wall_clock(now, sizeof(now))));
}

void xo_close(struct xf_out *o)
{
	char *line;

	if (o->json) {
		while (o->depth > 0)
			xo_obj_close(o); /* closes arrays as well */
		line = json_dumps(o->stack[0], JSON_COMPACT | JSON_REAL_PRECISION(15));
		if (line)
			fprintf(o->f, "%s\n", line);
		free(line);
		json_decref(o->stack[0]);
		o->stack[0] = NULL;
	} else {
		fputc('\n', o->f);
	}
	fflush(o->f);
}

void xo_text(struct xf_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void xo_str(struct xf_out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json)
		put(o, key, json_string(v ? v : ""));
	else if (fmt)
		fprintf(o->f, fmt, v ? v : "");
}

void xo_u64(struct xf_out *o, const char *key, const char *fmt, uint64_t v)
{
	if (o->json)
		put(o, key, json_integer((json_int_t)v));
	else if (fmt)
		fprintf(o->f, fmt, (unsigned long long)v);
}

void xo_i64(struct xf_out *o, const char *key, const char *fmt, int64_t v)
{
	if (o->json)
		put(o, key, json_integer((json_int_t)v));
	else if (fmt)
		fprintf(o->f, fmt, (long long)v);
}

/* The precision of the first %.Nf in @fmt, else 3. */
static int decimals(const char *fmt)
{
	const char *p = fmt ? strstr(fmt, "%") : NULL;

	for (; p; p = strchr(p + 1, '%')) {
		const char *dot = p + 1 + strspn(p + 1, "0123456789-+ #");

		if (*dot == '.')
			return atoi(dot + 1);
		if (dot[strspn(dot, "0123456789")] == 'f')
			return 6;
	}
	return 3;
}

void xo_double(struct xf_out *o, const char *key, const char *fmt, double v)
{
	double scale;

	if (!o->json) {
		if (fmt)
			fprintf(o->f, fmt, v);
		return;
	}
	if (!isfinite(v)) {
		put(o, key, json_null());
		return;
	}
	scale = pow(10, decimals(fmt));
	put(o, key, json_real(round(v * scale) / scale));
}

void xo_bool(struct xf_out *o, const char *key, const char *fmt, bool v)
{
	if (o->json)
		put(o, key, json_boolean(v));
	else if (fmt)
		fprintf(o->f, fmt, v ? "on" : "off");
}

void xo_u64_fields(struct xf_out *o, const struct xo_field *f, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->json)
			put(o, f[i].name, json_integer((json_int_t)f[i].v));
		else
			fprintf(o->f, " %s%c%llu", f[i].name, sep, (unsigned long long)f[i].v);
	}
}

void xo_null(struct xf_out *o, const char *key, const char *fmt)
{
	if (o->json)
		put(o, key, json_null());
	else if (fmt)
		fputs(fmt, o->f);
}
#pragma GCC diagnostic pop

static void push(struct xf_out *o, const char *key, json_t *c)
{
	if (!o->json)
		return;
	if (o->depth == XO_MAX_DEPTH || !c) {
		json_decref(c);
		return;
	}
	o->key[o->depth + 1] = key;
	o->stack[++o->depth] = c;
}

static void pop(struct xf_out *o)
{
	json_t *c;

	if (!o->json || !o->depth)
		return;
	c = o->stack[o->depth];
	o->depth--;
	put(o, o->key[o->depth + 1], c);
}

void xo_obj_open(struct xf_out *o, const char *key)
{
	if (o->json)
		push(o, key, json_object());
}

void xo_obj_close(struct xf_out *o)
{
	pop(o);
}

void xo_arr_open(struct xf_out *o, const char *key)
{
	if (o->json)
		push(o, key, json_array());
}

void xo_arr_close(struct xf_out *o)
{
	pop(o);
}
