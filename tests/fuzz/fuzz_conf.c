// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the config file loader, xf_conf_parse() (user/core/
 * conf.c), on the real option tables: serve's (its own options and the
 * shared ones it takes) and every shared option (forward's set). Pattern and
 * build: see fuzz_rules.c.
 *
 * Input: byte 0 picks the table (bit 0) and the kind of run (bit 1):
 *
 *   raw: the rest is the file, any bytes. The loader returns 0 with nothing
 *   printed, or 2 with exactly one line "xskfwd: t.yaml:LINE: ..." (no other
 *   control character, LINE within the file), and the same answer twice.
 *
 *   structured: the rest describes a command line (bit 2 of byte 0: up to
 *   two options, keys and values from the tables and a pool) and a file
 *   of up to 16 keys, each drawn from the table, "interfaces", or unknown
 *   names, with a value of some shape (a scalar in any quoting style, a
 *   flow or block list, a mapping, nothing, a nested list), from a pool of
 *   right and wrong values for every type, or arbitrary text. This file
 *   writes the YAML itself and knows each key's and value's line. It works
 *   out the verdict from the grammar (conf.h) independently: the first key
 *   that is unknown, given twice or command-line only, or whose value has
 *   the wrong shape, or that the option parser refuses as the command line
 *   would give it (xf_opt_set on a separate option set, item by item),
 *   must be the one line the loader prints, with its line, key and reason,
 *   and status 2. Otherwise the loader returns 0, prints nothing, and the
 *   options in effect (the start record's) equal those of the equivalent
 *   command line (the command line's options, then the file's as --KEY=VALUE,
 *   then "--" and the interfaces) through xf_opt_parse(); the interfaces
 *   equal the file's. Any difference aborts.
 *
 * Errors are read from stderr, swapped for a memory stream while the loader
 * runs; a control character in a message is shown as '?' (one line).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "opt.h"
#include "out.h"
#include "serve_opts.h"
#include "shared_opts.h"

#define FUZZ_NAME "fuzz_conf"
#include "fuzz_check.h"

#define FILE_NAME "t.yaml"
#define MAX_KEYS 16
#define MAX_ITEMS (XF_OPT_MAX_VALUES + 1)
#define TEXT_MAX 96
#define KEY_SHOWN 63 /* conf.c shows at most this much of a key */
#define DOC_MAX 65536
#define ARGV_MAX (4 + 2 * 2 + MAX_KEYS * MAX_ITEMS)

/* The fuzz input, taken a byte at a time (0 once it runs out). */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* The option set under test: serve's, or every shared option. */
struct set {
	struct xf_optset s;
	struct xf_shared_opts c;
	struct serve_opts sv;
};

/* Every shared option but the ones opt.c gives every mode itself. */
static struct xf_opt_use every_shared[32];

static void set_init(struct set *t, bool serve)
{
	memset(t, 0, sizeof(*t));
	check(!xf_optset_init(&t->s, serve ? "serve" : "forward",
			      serve ? serve_shared : every_shared, serve ? serve_opts : NULL, &t->c,
			      &t->sv));
}

/* The value of @expr, run with stderr in @out (up to @len bytes, terminated). */
#define CAPTURE(out, len, expr)                                          \
	({                                                               \
		char *buf_ = NULL;                                       \
		size_t n_ = 0;                                           \
		FILE *saved_ = stderr, *m_ = open_memstream(&buf_, &n_); \
		int ret_;                                                \
		check(m_);                                               \
		stderr = m_;                                             \
		ret_ = (expr);                                           \
		stderr = saved_;                                         \
		fclose(m_);                                              \
		snprintf(out, len, "%s", buf_ ? buf_ : "");              \
		free(buf_);                                              \
		ret_;                                                    \
	})

/* The options in effect, as the start record has them. */
static void record(struct set *t, char *json, size_t len)
{
	FILE *m = fmemopen(json, len, "w");
	struct xf_out o;

	check(m);
	memset(json, 0, len);
	xo_init(&o, m, true);
	xo_open(&o, "start");
	xf_opt_record(&t->s, &o);
	xo_close(&o);
	fclose(m);
}

/* Defaults applied, then @argv (argv[0] the mode). 0, or what xf_opt_parse says. */
static int parse_argv(struct set *t, int argc, char **argv, int *first, char *err, size_t len)
{
	argv[argc] = NULL;
	return CAPTURE(err, len, xf_opt_parse(&t->s, argc, argv, first));
}

/* ---- the raw run ---- */

static void check_one_line(const char *out, const uint8_t *data, size_t size)
{
	size_t breaks = 0, i;
	const char *p = out + strlen("xskfwd: " FILE_NAME ":");
	char *end;
	unsigned long line;

	for (i = 0; i < size; i++)
		breaks += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 ||
			  data[i] == 0xa8 || data[i] == 0xa9;
	check(!strncmp(out, "xskfwd: " FILE_NAME ":", strlen("xskfwd: " FILE_NAME ":")));
	line = strtoul(p, &end, 10);
	if (!(end != p && line >= 1 && line <= breaks + 1 && !strncmp(end, ": ", 2)))
		fprintf(stderr, "fuzz_conf: got %s", out);
	check(end != p && line >= 1 && line <= breaks + 1 && !strncmp(end, ": ", 2));
	check(strchr(out, '\n') == out + strlen(out) - 1);
	for (p = out; *p != '\n'; p++)
		check((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void raw_run(bool serve, const uint8_t *data, size_t size)
{
	char out[2][2048];
	int ret[2], k;

	for (k = 0; k < 2; k++) {
		struct set t;
		int first;

		set_init(&t, serve);
		check(!parse_argv(&t, 1, (char *[]){ (char *)t.s.mode, NULL }, &first, out[k],
				  sizeof(out[k])));
		ret[k] = CAPTURE(out[k], sizeof(out[k]),
				 xf_conf_parse(&t.s, FILE_NAME, (const char *)data, size));
		check(ret[k] == 0 || ret[k] == 2);
		check(ret[k] == 2 ? (check_one_line(out[k], data, size), 1) : !out[k][0]);
		xf_optset_free(&t.s);
	}
	check(ret[0] == ret[1] && !strcmp(out[0], out[1]));
}

/* ---- the structured run: what the file says ---- */

enum form { F_SCALAR, F_FLOW, F_BLOCK, F_EMPTY, F_MAP, F_NESTED };

struct text {
	char s[TEXT_MAX + 1];
	size_t len; /* may hold NULs */
	unsigned long line;
};

struct entry {
	struct text key;
	enum form form;
	struct text it[MAX_ITEMS];
	uint32_t n;
	uint32_t nested_at;  /* F_NESTED: the index of the nested list */
	unsigned long vline; /* the value's line (a list's start) */
};

static const char *const pool[] = {
	"true",
	"false",
	"yes",
	"0",
	"1",
	"20",
	"64",
	"100",
	"2048",
	"4096",
	"8192",
	"65535",
	"0x40",
	"4294967296",
	"-1",
	"0-3",
	"1,2",
	"5-2",
	"4095",
	"0-4095",
	"61000-65535",
	"70-60",
	"udp dport 4789",
	"ip6",
	"tcp sport 1-2",
	"bogus",
	"198.18.0.1",
	"2001:db8::1",
	"auto",
	"copy",
	"zero-copy",
	"zc",
	"skb",
	"native",
	"drv",
	"/srv/tftp",
	"",
	"a b",
	"x: y",
	"#c",
	"- z",
	"[1]",
	"'q'",
	"\"d\"",
	"two\nlines",
	"a\tb",
	"null",
	"~",
};
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

static const char *const unknown_keys[] = {
	"colour",
	"ring_size",
	"Queues",
	"",
	"root ",
	"serve",
	"xdp",
	"--queues",
	"a-key-longer-than-sixty-three-bytes-that-no-option-could-ever-have-as-a-name",
};
#define NUNKNOWN (sizeof(unknown_keys) / sizeof(unknown_keys[0]))

/* A text from the pool (@b below NPOOL) or made of the input's bytes. */
static void make_text(struct in *in, uint8_t b, struct text *t)
{
	size_t i, n;

	if (b < NPOOL) {
		t->len = strlen(pool[b]);
		memcpy(t->s, pool[b], t->len + 1);
		return;
	}
	n = take(in) % (TEXT_MAX + 1);
	for (i = 0; i < n; i++) {
		uint8_t c = take(in) & 0x7f;

		if (c == 0x7f)
			c = 0;
		else if (c < 0x20 && c != '\n' && c != '\t')
			c += 0x20;
		t->s[i] = (char)c;
	}
	t->s[n] = '\0';
	t->len = n;
}

/* ---- writing the YAML ---- */

struct doc {
	char *p;
	size_t len;
	unsigned long line; /* of the text being written */
};

static void put(struct doc *d, const char *s, size_t n)
{
	size_t i;

	check(d->len + n < DOC_MAX);
	for (i = 0; i < n; i++)
		d->line += s[i] == '\n';
	memcpy(d->p + d->len, s, n);
	d->len += n;
}

static void puts_(struct doc *d, const char *s)
{
	put(d, s, strlen(s));
}

static bool plain_ok(const struct text *t)
{
	size_t i;

	if (!t->len || !t->s[0] || !strchr("abcdefghijklmnopqrstuvwxyz0123456789/", t->s[0] | 0x20))
		return false;
	for (i = 0; i < t->len; i++)
		if (!t->s[i] || !strchr("abcdefghijklmnopqrstuvwxyz0123456789_./-", t->s[i] | 0x20))
			return false;
	return true;
}

/* @t as a scalar in style @style (plain where it may be, single, double quotes). */
static void put_scalar(struct doc *d, const struct text *t, uint8_t style)
{
	char esc[8];
	size_t i;
	bool ctl = false;

	for (i = 0; i < t->len; i++)
		ctl |= (unsigned char)t->s[i] < 0x20;
	if (style % 3 == 0 && plain_ok(t))
		return put(d, t->s, t->len);
	if (style % 3 == 1 && !ctl) {
		puts_(d, "'");
		for (i = 0; i < t->len; i++)
			put(d, t->s[i] == '\'' ? "''" : &t->s[i], t->s[i] == '\'' ? 2 : 1);
		return puts_(d, "'");
	}
	puts_(d, "\"");
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];

		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		puts_(d, esc);
	}
	puts_(d, "\"");
}

/* The value of @e, after "KEY:", setting the lines it is on. */
static void put_value(struct doc *d, struct entry *e, uint8_t style)
{
	uint32_t i;

	e->vline = d->line;
	switch (e->form) {
	case F_SCALAR:
		if (style & 0x10) {
			puts_(d, "\n  ");
			e->vline = d->line;
		} else {
			puts_(d, " ");
		}
		e->it[0].line = d->line;
		return put_scalar(d, &e->it[0], style);
	case F_FLOW:
	case F_NESTED:
		puts_(d, " [");
		for (i = 0; i < e->n; i++) {
			puts_(d, i ? ", " : "");
			if (e->form == F_NESTED && i == e->nested_at)
				puts_(d, "[");
			e->it[i].line = d->line;
			put_scalar(d, &e->it[i], style + i);
			if (e->form == F_NESTED && i == e->nested_at)
				puts_(d, "]");
		}
		return puts_(d, "]");
	case F_BLOCK:
		for (i = 0; i < e->n; i++) {
			puts_(d, "\n  - ");
			if (!i)
				e->vline = d->line;
			e->it[i].line = d->line;
			put_scalar(d, &e->it[i], style + i);
		}
		return;
	case F_EMPTY:
		return;
	case F_MAP:
		if (style & 1)
			return puts_(d, " {a: 1}");
		puts_(d, "\n  a: 1");
		e->vline = d->line;
		return;
	}
}

/* One key of the file, drawn from the input, written to @d. */
static void gen_entry(struct in *in, struct set *t, struct doc *d, struct entry *e)
{
	uint8_t k = take(in), f = take(in), style = take(in), b;
	uint32_t nkeys = t->s.n + 1 + NUNKNOWN, i;
	const char *name;

	memset(e, 0, sizeof(*e));
	k %= nkeys + 1;
	if (k == nkeys) { /* a made-up key, in the NUL-free part of the text */
		make_text(in, NPOOL, &e->key);
	} else {
		name = k < t->s.n    ? t->s.e[k].opt->name
		       : k == t->s.n ? XF_CONF_IFACES
				     : unknown_keys[k - t->s.n - 1];
		e->key.len = strlen(name);
		memcpy(e->key.s, name, e->key.len + 1);
	}
	e->form = (enum form[]){ F_SCALAR, F_SCALAR, F_SCALAR, F_SCALAR, F_FLOW,
				 F_FLOW,   F_BLOCK,  F_EMPTY,  F_MAP,	 F_NESTED }[f % 10];
	b = take(in);
	e->n = e->form == F_SCALAR ? 1 : e->form == F_BLOCK ? 1 + b % 4 : b % 5;
	if (e->form == F_FLOW && b == 0xff)
		e->n = MAX_ITEMS;
	if (e->form == F_NESTED) {
		e->n = 1 + b % 3;
		e->nested_at = (b >> 2) % e->n;
	}
	for (i = 0; i < e->n; i++)
		make_text(in, e->n == MAX_ITEMS ? 3 : take(in) % (NPOOL + 8), &e->it[i]);
	if (style & 0x20)
		puts_(d, style & 0x40 ? "# a comment\n" : "\n");
	e->key.line = d->line;
	put_scalar(d, &e->key, style >> 2);
	puts_(d, ":");
	put_value(d, e, style);
	puts_(d, "\n");
}

/* ---- the verdict the grammar gives ---- */

struct verdict {
	char line[1024]; /* the expected error line; empty: accepted */
	int argc;
	char *argv[ARGV_MAX]; /* the equivalent command line, for an accepted file */
	char arg[ARGV_MAX][TEXT_MAX + 8 + 4096];
};

/* As conf.c shows a line: control characters as '?'. */
static void expect(struct verdict *v, unsigned long line, const char *key, const char *why)
{
	char *p;

	snprintf(v->line, sizeof(v->line), "xskfwd: %s:%lu: %.*s: %s", FILE_NAME, line, KEY_SHOWN,
		 key, why);
	for (p = v->line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	strcat(v->line, "\n");
}

static void add_arg(struct verdict *v, const char *name, const char *text)
{
	check(v->argc < ARGV_MAX - 1);
	if (name && text)
		snprintf(v->arg[v->argc], sizeof(v->arg[0]), "--%s=%s", name, text);
	else
		snprintf(v->arg[v->argc], sizeof(v->arg[0]), "%s", name ? name : text);
	if (name && !text)
		snprintf(v->arg[v->argc], sizeof(v->arg[0]), "--%s", name);
	v->argv[v->argc] = v->arg[v->argc];
	v->argc++;
}

/* Errors in reading @e's value (conf.c's read_value): 0, or 1 with @v set. */
static int value_error(const struct entry *e, const char *key, struct verdict *v)
{
	uint32_t i;

	if (e->form == F_EMPTY)
		return expect(v, e->key.line, key, "needs a value"), 1;
	if (e->form == F_MAP)
		return expect(v, e->vline, key,
			      "wrong type: a value or a list of values, not a mapping"),
		       1;
	for (i = 0; i < e->n; i++) {
		if (e->form == F_NESTED && i == e->nested_at)
			return expect(v, e->it[i].line, key,
				      "wrong type: a list of values, not of lists or mappings"),
			       1;
		if (i == XF_OPT_MAX_VALUES)
			return expect(v, e->it[i].line, key, "more than 64 values"), 1;
		if (strlen(e->it[i].s) != e->it[i].len)
			return expect(v, e->it[i].line, key, "a value holds a NUL character"), 1;
	}
	return 0;
}

static bool is(const struct entry *e, const char *text)
{
	return e->form == F_SCALAR && !strcmp(e->it[0].s, text);
}

/* conf.c's shape rules (conf.h): NULL, or why @e does not fit option @o. */
static const char *shape(const struct xf_opt *o, const struct entry *e)
{
	bool list = e->form != F_SCALAR;

	if (o->type == XF_OPT_FLAG)
		return is(e, "true") || is(e, "false") ? NULL : "wrong type: true or false";
	if (o->repeat)
		return list ? NULL : "wrong type: a list ([A, B]), as the option repeats";
	if (o->type == XF_OPT_LIST)
		return NULL;
	return list ? "wrong type: one value, not a list" : NULL;
}

/* Give @arg to option @name of the oracle @o as the command line would. */
static int give(struct set *o, struct verdict *v, const char *name, const char *arg,
		unsigned long line)
{
	char err[XF_ERRLEN];

	if (xf_opt_set(&o->s, xf_opt_find(&o->s, name), arg, err))
		return expect(v, line, name, err), 1;
	add_arg(v, name, arg);
	return 0;
}

/* A list option's items, each checked, then given as one "A,B". */
static int give_list(struct set *o, struct verdict *v, const struct xf_opt *opt,
		     const struct entry *e)
{
	uint32_t scratch[XF_MAX_LIST], n, i;
	char joined[8192] = "", err[XF_ERRLEN];

	for (i = 0; i < e->n; i++) {
		if (xf_parse_list(e->it[i].s, opt->max, scratch, &n, err))
			return expect(v, e->it[i].line, opt->name, err), 1;
		if (i)
			strcat(joined, ",");
		strcat(joined, e->it[i].s);
		if (strlen(joined) > 4095)
			return expect(v, e->vline, opt->name, "the list is too long"), 1;
	}
	return give(o, v, opt->name, joined, e->vline);
}

/* Option @opt takes @e's value: 0, or 1 with the error in @v. */
static int give_value(struct set *o, struct verdict *v, const struct xf_opt *opt,
		      const struct entry *e)
{
	uint32_t i;

	if (opt->type == XF_OPT_LIST && e->form != F_SCALAR)
		return give_list(o, v, opt, e);
	if (opt->repeat) {
		for (i = 0; i < e->n; i++)
			if (give(o, v, opt->name, e->it[i].s, e->it[i].line))
				return 1;
		return 0;
	}
	if (opt->type == XF_OPT_FLAG || (opt->optional_arg && (is(e, "true") || is(e, "false"))))
		return is(e, "true") ? give(o, v, opt->name, NULL, e->vline) : 0;
	return give(o, v, opt->name, e->it[0].s, e->it[0].line);
}

/* The grammar's verdict on the file's @n keys @e, after the command line
 * gave the options in @cmd_given; the oracle @o has only the defaults. */
static void judge(struct set *o, const struct entry *e, uint32_t n, const bool *cmd_given,
		  struct verdict *v, struct text *ifaces, uint32_t *nifaces)
{
	bool in_file[64] = { false }, ifaces_seen = false;
	const struct xf_opt_entry *oe;
	const char *why, *key;
	uint32_t i, k;

	for (i = 0; i < n; i++, e++) {
		key = e->key.s;
		if (strlen(key) != e->key.len)
			return expect(v, e->key.line, "yaml", "a key holds a NUL character");
		if (!strcmp(key, XF_CONF_IFACES)) {
			if (value_error(e, key, v))
				return;
			if (ifaces_seen)
				return expect(v, e->key.line, key, "given twice");
			ifaces_seen = true;
			for (k = 0; k < e->n; k++)
				ifaces[k] = e->it[k];
			*nifaces = e->n;
			continue;
		}
		oe = xf_opt_find(&o->s, key);
		if (!oe) {
			char why[128];

			snprintf(why, sizeof(why), "unknown key (not an option of xskfwd %s)",
				 o->s.mode);
			return expect(v, e->key.line, key, why);
		}
		if (!strcmp(key, "help") || !strcmp(key, "version") || !strcmp(key, "config"))
			return expect(v, e->key.line, key, "only on the command line");
		if (in_file[oe - o->s.e])
			return expect(v, e->key.line, key, "given twice");
		in_file[oe - o->s.e] = true;
		if (value_error(e, key, v))
			return;
		why = shape(oe->opt, e);
		if (why)
			return expect(v, e->vline, key, why);
		if (!cmd_given[oe - o->s.e] && give_value(o, v, oe->opt, e))
			return;
	}
}

/* Up to two options on the command line, valid or not (then nothing to check). */
static int command_line(struct in *in, struct set *t, struct verdict *v, bool *cmd_given)
{
	uint32_t n = take(in) % 3, i;
	char err[1024];
	int first;

	add_arg(v, NULL, t->s.mode);
	for (i = 0; i < n; i++) {
		const struct xf_opt_entry *e = &t->s.e[take(in) % t->s.n];
		const char *text = pool[take(in) % NPOOL];

		if (e->opt->type == XF_OPT_FLAG)
			text = NULL;
		else if (e->opt->optional_arg && !strcmp(text, "true"))
			text = NULL;
		if (!strcmp(e->opt->name, "config"))
			return -1;
		add_arg(v, e->opt->name, text);
		cmd_given[e - t->s.e] = true;
	}
	return parse_argv(t, v->argc, v->argv, &first, err, sizeof(err)) ? -1 : 0;
}

static void structured_run(bool serve, bool cmdline, struct in *in)
{
	static struct entry e[MAX_KEYS];
	static struct verdict v;
	static char buf[DOC_MAX];
	struct text ifaces[MAX_ITEMS];
	struct doc d = { .p = buf, .line = 1 };
	bool cmd_given[64] = { false };
	struct set t, o, r;
	char out[2048], json[2][8192];
	uint32_t n = 0, nifaces = 0, i;
	int ret, first;

	memset(&v, 0, sizeof(v));
	set_init(&t, serve);
	set_init(&o, serve);
	if (cmdline ? command_line(in, &t, &v, cmd_given) : 0)
		goto out;
	if (!cmdline)
		check(!parse_argv(&t, v.argc, (add_arg(&v, NULL, t.s.mode), v.argv), &first, out,
				  sizeof(out)));
	check(!parse_argv(&o, 1, (char *[]){ (char *)o.s.mode, NULL }, &first, out, sizeof(out)));
	if (take(in) & 1)
		puts_(&d, "---\n");
	while (in->n && n < MAX_KEYS)
		gen_entry(in, &t, &d, &e[n++]);
	judge(&o, e, n, cmd_given, &v, ifaces, &nifaces);
	ret = CAPTURE(out, sizeof(out), xf_conf_parse(&t.s, FILE_NAME, buf, d.len));
	if (v.line[0]) {
		if (ret != 2 || strcmp(out, v.line))
			fprintf(stderr, "fuzz_conf: file:\n%.*s\nwant: %sgot %d: %s\n", (int)d.len,
				buf, v.line, ret, out);
		check(ret == 2 && !strcmp(out, v.line));
		goto out;
	}
	if (ret || out[0])
		fprintf(stderr, "fuzz_conf: file:\n%.*s\nwant: accepted\ngot %d: %s\n", (int)d.len,
			buf, ret, out);
	check(ret == 0 && !out[0]);
	check(t.s.nfile_ifaces == nifaces);
	add_arg(&v, NULL, "--");
	for (i = 0; i < nifaces; i++) {
		check(!strcmp(t.s.file_ifaces[i], ifaces[i].s));
		add_arg(&v, NULL, ifaces[i].s);
	}
	set_init(&r, serve);
	check(!parse_argv(&r, v.argc, v.argv, &first, out, sizeof(out)));
	check(v.argc - first == (int)nifaces);
	record(&t, json[0], sizeof(json[0]));
	record(&r, json[1], sizeof(json[1]));
	if (strcmp(strstr(json[0], "\"options\""), strstr(json[1], "\"options\"")))
		fprintf(stderr, "fuzz_conf: file:\n%.*s\nfile gives %s\nargv gives %s\n",
			(int)d.len, buf, json[0], json[1]);
	check(!strcmp(strstr(json[0], "\"options\""), strstr(json[1], "\"options\"")));
	xf_optset_free(&r.s);
out:
	xf_optset_free(&t.s);
	xf_optset_free(&o.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data + 1, size ? size - 1 : 0 };
	const struct xf_opt *c;
	uint32_t n = 0;

	if (!every_shared[0].name) {
		for (c = xf_common_opts; c->name; c++) {
			char padded[40];

			snprintf(padded, sizeof(padded), " %s ", c->name);
			if (!strstr(" config duration json verbose help version ", padded))
				every_shared[n++].name = c->name;
		}
	}
	if (!size)
		return 0;
	if (data[0] & 2)
		raw_run(data[0] & 1, data + 1, size - 1);
	else
		structured_run(data[0] & 1, data[0] & 4, &in);
	return 0;
}
