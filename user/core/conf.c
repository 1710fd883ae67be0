// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The config file (grammar and errors in conf.h): libyaml's events, read
 * one key at a time; each value goes through xf_opt_set() as the
 * command-line argument would. Lines are libyaml's marks, counted from 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "args.h"
#include "conf.h"
#include "log.h"

struct val {
	const char *text;
	unsigned long line;
};

/* A key's value: one scalar, or a list of them. */
struct vals {
	struct val v[XF_OPT_MAX_VALUES];
	uint32_t n;
	bool list;
	unsigned long line; /* of the value (a list: of its start) */
};

struct rd {
	yaml_parser_t p;
	yaml_event_t ev;
	bool have_ev, ifaces_seen;
	unsigned long lines; /* in the file: no line named is past the last */
	const char *file;
	struct xf_optset *s;
};

static int fail(const struct rd *rd, unsigned long line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(const struct rd *rd, unsigned long line, const char *key, const char *fmt, ...)
{
	char why[XF_ERRLEN * 2], text[XF_ERRLEN * 3], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s:%lu: %s: %s", rd->file,
		 line < rd->lines ? line : rd->lines, key, why);
	/* A key or value may hold any character: the message stays one line. */
	for (p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	xf_err("%s", text);
	return 2;
}

static unsigned long ev_line(const yaml_event_t *ev)
{
	return (unsigned long)ev->start_mark.line + 1;
}

/* The next event in rd->ev: 0, or 2 after a line (a syntax error, an alias). */
static int next(struct rd *rd)
{
	if (rd->have_ev)
		yaml_event_delete(&rd->ev);
	rd->have_ev = false;
	if (!yaml_parser_parse(&rd->p, &rd->ev))
		return fail(rd, (unsigned long)rd->p.problem_mark.line + 1, "yaml", "%s%s%s",
			    rd->p.problem ? rd->p.problem : "syntax error",
			    rd->p.context ? " " : "", rd->p.context ? rd->p.context : "");
	rd->have_ev = true;
	if (rd->ev.type == YAML_ALIAS_EVENT)
		return fail(rd, ev_line(&rd->ev), "yaml", "aliases are not supported");
	return 0;
}

/* The current scalar, kept for as long as the options live; 2 after a line. */
static int take_scalar(struct rd *rd, const char *key, struct val *v)
{
	const yaml_event_t *ev = &rd->ev;
	size_t len = ev->data.scalar.length;

	v->line = ev_line(ev);
	if (strlen((const char *)ev->data.scalar.value) != len)
		return fail(rd, v->line, key, "a value holds a NUL character");
	if (!len && ev->data.scalar.plain_implicit &&
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return fail(rd, v->line, key, "needs a value");
	v->text = xf_optset_keep(rd->s, (const char *)ev->data.scalar.value, len);
	if (!v->text)
		return fail(rd, v->line, key, "out of memory");
	return 0;
}

/* The value after key @key: a scalar or a list of scalars. 0, or 2 after a line. */
static int read_value(struct rd *rd, const char *key, struct vals *v)
{
	int ret = next(rd);

	v->n = 0;
	v->list = false;
	if (ret)
		return ret;
	v->line = ev_line(&rd->ev);
	if (rd->ev.type == YAML_SCALAR_EVENT) {
		v->n = 1;
		return take_scalar(rd, key, &v->v[0]);
	}
	if (rd->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(rd, v->line, key,
			    "wrong type: a value or a list of values, not a mapping");
	v->list = true;
	while (!(ret = next(rd)) && rd->ev.type != YAML_SEQUENCE_END_EVENT) {
		if (rd->ev.type != YAML_SCALAR_EVENT)
			return fail(rd, ev_line(&rd->ev), key,
				    "wrong type: a list of values, not of lists or mappings");
		if (v->n == XF_OPT_MAX_VALUES)
			return fail(rd, ev_line(&rd->ev), key, "more than %d values",
				    XF_OPT_MAX_VALUES);
		ret = take_scalar(rd, key, &v->v[v->n++]);
		if (ret)
			return ret;
	}
	return ret;
}

static bool is(const struct vals *v, const char *text)
{
	return !v->list && !strcmp(v->v[0].text, text);
}

/* Whether @v has the shape option @o takes; NULL, or why not. */
static const char *shape_error(const struct xf_opt *o, const struct vals *v)
{
	if (o->type == XF_OPT_FLAG)
		return is(v, "true") || is(v, "false") ? NULL : "wrong type: true or false";
	if (o->repeat)
		return v->list ? NULL : "wrong type: a list ([A, B]), as the option repeats";
	if (o->type == XF_OPT_LIST)
		return NULL;
	return v->list ? "wrong type: one value, not a list" : NULL;
}

/* A list option's values, each checked on its own line, as one argument "A,B". */
static int join_list(struct rd *rd, const struct xf_opt *o, const struct vals *v, const char **arg)
{
	uint32_t scratch[XF_MAX_LIST], n, i;
	char text[4096], err[XF_ERRLEN];
	size_t used = 0;

	for (i = 0; i < v->n; i++) {
		if (xf_parse_list(v->v[i].text, o->max, scratch, &n, err))
			return fail(rd, v->v[i].line, o->name, "%s", err);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s", i ? "," : "",
					 v->v[i].text);
		if (used >= sizeof(text))
			return fail(rd, v->line, o->name, "the list is too long");
	}
	*arg = xf_optset_keep(rd->s, text, used);
	return *arg ? 0 : fail(rd, v->line, o->name, "out of memory");
}

/* Give option @e the value @v, as the command line would. 0, or 2 after a line. */
static int apply(struct rd *rd, struct xf_opt_entry *e, const struct vals *v)
{
	const struct xf_opt *o = e->opt;
	const char *arg = v->n ? v->v[0].text : NULL;
	unsigned long line = v->n ? v->v[0].line : v->line;
	char err[XF_ERRLEN];
	uint32_t i;
	int ret;

	if (o->type == XF_OPT_LIST && v->list) {
		ret = join_list(rd, o, v, &arg);
		if (ret)
			return ret;
		line = v->line;
	} else if (o->repeat) {
		for (i = 0; i < v->n; i++)
			if (xf_opt_set(rd->s, e, v->v[i].text, err))
				return fail(rd, v->v[i].line, o->name, "%s", err);
		return 0;
	} else if (o->type == XF_OPT_FLAG ||
		   (o->optional_arg && (is(v, "true") || is(v, "false")))) {
		if (is(v, "false"))
			return 0;
		arg = NULL;
	}
	if (xf_opt_set(rd->s, e, arg, err))
		return fail(rd, line, o->name, "%s", err);
	return 0;
}

static int take_ifaces(struct rd *rd, const struct vals *v, unsigned long key_line)
{
	uint32_t i;

	if (rd->ifaces_seen)
		return fail(rd, key_line, XF_CONF_IFACES, "given twice");
	rd->ifaces_seen = true;
	for (i = 0; i < v->n; i++)
		rd->s->file_ifaces[i] = v->v[i].text;
	rd->s->nfile_ifaces = v->n;
	return 0;
}

/* The key in rd->ev and its value. 0, or 2 after a line. */
static int read_pair(struct rd *rd)
{
	unsigned long line = ev_line(&rd->ev);
	struct xf_opt_entry *e;
	const char *why;
	struct vals v;
	char key[64];
	int ret;

	/* No option's name is near 64 bytes: a longer key is unknown, shown cut. */
	snprintf(key, sizeof(key), "%s", (const char *)rd->ev.data.scalar.value);
	if (strlen((const char *)rd->ev.data.scalar.value) != rd->ev.data.scalar.length)
		return fail(rd, line, "yaml", "a key holds a NUL character");
	if (!strcmp(key, XF_CONF_IFACES)) {
		ret = read_value(rd, key, &v);
		return ret ? ret : take_ifaces(rd, &v, line);
	}
	e = xf_opt_find(rd->s, key);
	if (!e)
		return fail(rd, line, key, "unknown key (not an option of xskfwd %s)", rd->s->mode);
	if (!strcmp(key, "help") || !strcmp(key, "version") || !strcmp(key, "config"))
		return fail(rd, line, key, "only on the command line");
	if (e->in_file)
		return fail(rd, line, key, "given twice");
	ret = read_value(rd, key, &v);
	if (ret)
		return ret;
	why = shape_error(e->opt, &v);
	if (why)
		return fail(rd, v.line, key, "%s", why);
	e->in_file = true;
	if (e->given) /* on the command line, which wins */
		return 0;
	return apply(rd, e, &v);
}

/* The one document: a mapping of keys to values, or nothing at all. */
static int read_doc(struct rd *rd)
{
	int ret = next(rd);
	bool map;

	if (ret || rd->ev.type == YAML_STREAM_END_EVENT)
		return ret;
	ret = next(rd); /* after DOCUMENT_START */
	if (ret)
		return ret;
	/* An empty document ("---" alone) is an empty scalar. */
	map = rd->ev.type == YAML_MAPPING_START_EVENT;
	if (!map && !(rd->ev.type == YAML_SCALAR_EVENT && !rd->ev.data.scalar.length))
		return fail(rd, ev_line(&rd->ev), "yaml", "the file must be a mapping of options");
	while (map && !(ret = next(rd)) && rd->ev.type != YAML_MAPPING_END_EVENT) {
		if (rd->ev.type != YAML_SCALAR_EVENT)
			return fail(rd, ev_line(&rd->ev), "yaml", "a key must be an option's name");
		ret = read_pair(rd);
		if (ret)
			return ret;
	}
	if (!ret)
		ret = next(rd); /* DOCUMENT_END */
	if (!ret)
		ret = next(rd);
	if (!ret && rd->ev.type != YAML_STREAM_END_EVENT)
		return fail(rd, ev_line(&rd->ev), "yaml", "one document only");
	return ret;
}

/*
 * The number of lines in @buf, as libyaml counts them (breaks: LF, CR, CRLF,
 * NEL, LS, PS), the last one ending with or without a break; at least 1.
 * libyaml puts the end of the stream on the line after a last line that has
 * no break, which the file does not have.
 */
static unsigned long count_lines(const char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)buf;
	unsigned long n = 1;
	size_t i, w;

	for (i = 0; i < len; i += w) {
		w = b[i] == '\r' && i + 1 < len && b[i + 1] == '\n' ? 2 : 1;
		if (b[i] == 0xc2 && i + 1 < len && b[i + 1] == 0x85)
			w = 2;
		if (b[i] == 0xe2 && i + 2 < len && b[i + 1] == 0x80 && (b[i + 2] | 1) == 0xa9)
			w = 3;
		if ((b[i] == '\n' || b[i] == '\r' || w > 1) && i + w < len)
			n++;
	}
	return n;
}

int xf_conf_parse(struct xf_optset *s, const char *file, const char *buf, size_t len)
{
	struct rd rd = { .file = file, .s = s, .lines = count_lines(buf, len) };
	int ret;

	if (!yaml_parser_initialize(&rd.p)) {
		xf_err("%s: out of memory", file);
		return 2;
	}
	yaml_parser_set_input_string(&rd.p, (const unsigned char *)buf, len);
	ret = next(&rd); /* STREAM_START */
	if (!ret)
		ret = read_doc(&rd);
	if (rd.have_ev)
		yaml_event_delete(&rd.ev);
	yaml_parser_delete(&rd.p);
	return ret;
}

int xf_conf_load(struct xf_optset *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	int ret, err;

	if (f) {
		buf = malloc(XF_CONF_MAX_SIZE + 1);
		if (buf)
			len = fread(buf, 1, XF_CONF_MAX_SIZE + 1, f);
		err = !buf ? ENOMEM : ferror(f) ? errno : len > XF_CONF_MAX_SIZE ? EFBIG : 0;
		fclose(f);
	} else {
		err = errno;
	}
	if (err) {
		free(buf);
		return xf_bad_arg(s->mode, "--config", "%s: %s", path,
				  err == EFBIG ? "larger than 1 MiB" : strerror(err));
	}
	ret = xf_conf_parse(s, path, buf, len);
	free(buf);
	return ret;
}
