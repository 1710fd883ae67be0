// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Options as data: parsing, --help, the man pages' OPTIONS, the start
 * record's options (opt.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "opt.h"
#include "out.h"

#define HELP_COL 24 /* where the help text of an option starts */
#define HELP_WIDTH 79

int xf_bad_arg(const char *mode, const char *what, const char *fmt, ...)
{
	char why[XF_ERRLEN * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	xf_err("%s: %s: %s (see xskfwd %s --help)", mode, what, why, mode);
	return 2;
}

const struct xf_opt *xf_common_opt(const char *name)
{
	const struct xf_opt *o;

	for (o = xf_common_opts; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* Every mode takes these, listed last in its --help. */
static const struct xf_opt_use always[] = {
	{ .name = "config" },
	{ .name = "duration" },
	{ .name = "json" },
	{ .name = "verbose" },
	{ .name = "help" },
	{ .name = "version" },
	{},
};

static int add_uses(struct xf_optset *s, const struct xf_opt_use *u, const char *mode)
{
	for (; u && u->name; u++) {
		s->e[s->n].opt = xf_common_opt(u->name);
		if (!s->e[s->n].opt) {
			xf_err("%s: no common option --%s (a bug)", mode, u->name);
			return -EINVAL;
		}
		s->e[s->n].use = u;
		s->e[s->n++].home = XF_OPT_HOME_COMMON;
	}
	return 0;
}

int xf_optset_init(struct xf_optset *s, const char *mode, const struct xf_opt_use *uses,
		   const struct xf_opt *opts, void *common, void *ctx)
{
	uint32_t n = sizeof(always) / sizeof(always[0]);
	const struct xf_opt_use *u;
	const struct xf_opt *o;

	for (u = uses; u && u->name; u++)
		n++;
	for (o = opts; o && o->name; o++)
		n++;
	memset(s, 0, sizeof(*s));
	s->e = calloc(n, sizeof(*s->e));
	if (!s->e)
		return -ENOMEM;
	for (o = opts; o && o->name; o++) {
		s->e[s->n].opt = o;
		s->e[s->n++].home = XF_OPT_HOME_MODE;
	}
	if (add_uses(s, uses, mode))
		goto err;
	if (add_uses(s, always, mode))
		goto err;
	s->mode = mode;
	s->common = common;
	s->ctx = ctx;
	return 0;
err:
	xf_optset_free(s);
	return -EINVAL;
}

void xf_optset_drop(struct xf_optset *s, const char *name)
{
	struct xf_opt_entry *e = xf_opt_find(s, name);

	if (!e)
		return;
	memmove(e, e + 1, (size_t)(s->e + s->n - (e + 1)) * sizeof(*e));
	s->n--;
}

char *xf_optset_keep(struct xf_optset *s, const char *text, size_t len)
{
	char **kept = realloc(s->kept, (s->nkept + 1) * sizeof(*kept));
	char *copy;

	if (!kept)
		return NULL;
	s->kept = kept;
	copy = strndup(text, len);
	if (copy)
		s->kept[s->nkept++] = copy;
	return copy;
}

void xf_optset_free(struct xf_optset *s)
{
	while (s->nkept)
		free(s->kept[--s->nkept]);
	free(s->kept);
	s->kept = NULL;
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

static const char *entry_def(const struct xf_opt_entry *e)
{
	return e->use && e->use->def ? e->use->def : e->opt->def;
}

static void *dst_of(const struct xf_optset *s, const struct xf_opt_entry *e)
{
	return e->home == XF_OPT_HOME_COMMON ? s->common : s->ctx;
}

static const char *choice_names(const struct xf_choice *c, const char *sep, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; c->name; c++)
		if (!c->alias && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? sep : "",
						 c->name);
	return buf;
}

/* Store @arg into the option's place. 0, or -EINVAL with @err. */
static int store(const struct xf_optset *s, struct xf_opt_entry *e, const char *arg, char *err)
{
	const struct xf_opt *o = e->opt;
	char *base = dst_of(s, e);
	const struct xf_choice *c;
	char names[128];

	switch (o->type) {
	case XF_OPT_FLAG:
		*(bool *)(base + o->off) = true;
		return 0;
	case XF_OPT_U32:
		if (xf_parse_u32(arg, o->min, o->max, (uint32_t *)(base + o->off), err))
			return -EINVAL;
		if (o->pow2) {
			uint32_t v = *(uint32_t *)(base + o->off);

			if (v & (v - 1)) {
				snprintf(err, XF_ERRLEN, "%s is not a power of two", arg);
				return -EINVAL;
			}
		}
		return 0;
	case XF_OPT_LIST:
		return xf_parse_list(arg, o->max, (uint32_t *)(base + o->off),
				     (uint32_t *)(base + o->off2), err);
	case XF_OPT_STR:
		*(const char **)(base + o->off) = arg;
		return 0;
	case XF_OPT_CHOICE:
		for (c = o->choices; c->name; c++) {
			if (!strcmp(c->name, arg)) {
				*(int *)(base + o->off) = c->value;
				return 0;
			}
		}
		snprintf(err, XF_ERRLEN, "'%s': must be one of %s", arg,
			 choice_names(o->choices, ", ", names, sizeof(names)));
		return -EINVAL;
	case XF_OPT_FN:
		return o->parse(base, o, arg, err);
	}
	return -EINVAL;
}

int xf_opt_set(struct xf_optset *s, struct xf_opt_entry *e, const char *arg, char *err)
{
	e->given = true;
	if (e->ntext < XF_OPT_MAX_VALUES)
		e->text[e->ntext++] = arg;
	return store(s, e, arg, err);
}

static int apply_defaults(struct xf_optset *s)
{
	char err[XF_ERRLEN];
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		const char *def = entry_def(&s->e[i]);

		if (!def)
			continue;
		if (store(s, &s->e[i], def, err))
			return xf_bad_arg(s->mode, "default", "--%s %s: %s (a bug)",
					  s->e[i].opt->name, def, err);
	}
	return 0;
}

int xf_opt_parse(struct xf_optset *s, int argc, char **argv, int *first)
{
	struct option *lo = calloc(s->n + 1, sizeof(*lo));
	struct xf_opt_entry *cfg;
	char shorts[2 * 64 + 2] = ":", err[XF_ERRLEN]; /* ':': a missing argument is ':' */
	int c, idx, ret = 0;
	size_t ns = 1;
	uint32_t i;

	if (!lo) {
		xf_err("out of memory");
		return 1;
	}
	for (i = 0; i < s->n; i++) {
		const struct xf_opt *o = s->e[i].opt;

		lo[i].name = o->name;
		lo[i].has_arg = o->type == XF_OPT_FLAG ? no_argument
				: o->optional_arg      ? optional_argument
						       : required_argument;
		lo[i].val = 256 + (int)i;
		if (o->short_name && ns + 2 < sizeof(shorts)) {
			shorts[ns++] = o->short_name;
			if (o->type != XF_OPT_FLAG)
				shorts[ns++] = ':';
		}
	}
	ret = apply_defaults(s);
	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		struct xf_opt_entry *e = NULL;

		if (c >= 256)
			e = &s->e[c - 256];
		for (i = 0; !e && c != '?' && c != ':' && i < s->n; i++)
			if (s->e[i].opt->short_name == c)
				e = &s->e[i];
		if (!e) {
			ret = xf_bad_arg(s->mode, argv[optind - 1], "%s",
					 c == ':' ? "needs an argument" : "unknown option");
			break;
		}
		if (!strcmp(e->opt->name, "help")) {
			ret = XF_OPT_HELP;
			break;
		}
		if (!strcmp(e->opt->name, "version")) {
			ret = XF_OPT_VERSION;
			break;
		}
		if (xf_opt_set(s, e, optarg, err)) {
			char what[80];

			snprintf(what, sizeof(what), "--%s", e->opt->name);
			ret = xf_bad_arg(s->mode, what, "%s", err);
		}
	}
	free(lo);
	*first = optind;
	cfg = xf_opt_find(s, "config");
	if (!ret && cfg && cfg->given)
		ret = xf_conf_load(s, cfg->text[cfg->ntext - 1]);
	return ret;
}

struct xf_opt_entry *xf_opt_find(struct xf_optset *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].opt->name, name))
			return &s->e[i];
	return NULL;
}

bool xf_opt_given(const struct xf_optset *s, const char *name)
{
	const struct xf_opt_entry *e = xf_opt_find((struct xf_optset *)s, name);

	return e && e->given;
}

/* @text wrapped to HELP_WIDTH, every line but the first indented to HELP_COL. */
static void wrap(FILE *f, int col, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t room = HELP_WIDTH - (size_t)col, len = strcspn(p, "\n"), cut = len;

		if (len > room) {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (!cut)
				cut = room;
		}
		fprintf(f, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ' || *p == '\n')
			p++;
		if (*p)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
}

/* What --help and the man page show of @e's argument (NULL: none). */
static const char *entry_arg(const struct xf_opt_entry *e, char *names, size_t len)
{
	const struct xf_opt *o = e->opt;

	if (o->type == XF_OPT_CHOICE && !o->arg)
		return choice_names(o->choices, "|", names, len);
	return o->arg;
}

/* @e's help text with its default, as --help and the man page show it. */
static void entry_text(const struct xf_opt_entry *e, char *text, size_t len)
{
	const struct xf_opt *o = e->opt;
	const char *help = e->use && e->use->help ? e->use->help : o->help;
	const char *def = entry_def(e);
	/* A mode's own default outranks the shared description of it. */
	const char *def_help = e->use && e->use->def_help ? e->use->def_help
			       : e->use && e->use->def	  ? NULL
							  : o->def_help;

	if (def_help)
		snprintf(text, len, "%s (default: %s)", help, def_help);
	else if (def && o->type != XF_OPT_FLAG)
		snprintf(text, len, "%s (default %s)", help, def);
	else
		snprintf(text, len, "%s", help);
}

void xf_opt_help(const struct xf_optset *s, FILE *f)
{
	char head[64], text[1024], names[128];
	uint32_t i;

	fprintf(f, "Options:\n");
	for (i = 0; i < s->n; i++) {
		const struct xf_opt *o = s->e[i].opt;
		const char *arg = entry_arg(&s->e[i], names, sizeof(names));
		int n;

		if (o->short_name)
			n = snprintf(head, sizeof(head), "  -%c, --%s", o->short_name, o->name);
		else
			n = snprintf(head, sizeof(head), "  --%s", o->name);
		if (arg)
			snprintf(head + n, sizeof(head) - (size_t)n,
				 o->optional_arg ? "[=%s]" : " %s", arg);
		entry_text(&s->e[i], text, sizeof(text));
		if (strlen(head) + 1 >= HELP_COL) {
			fprintf(f, "%s\n%*s", head, HELP_COL, "");
		} else {
			fprintf(f, "%-*s", HELP_COL, head);
		}
		wrap(f, HELP_COL, text);
	}
}

void xf_scdoc_text(FILE *f, const char *text)
{
	size_t len = strlen(text), i;

	while (len && text[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n') {
			/* A blank line ends a paragraph; a line break is a space. */
			if (text[i + 1] == '\n') {
				fputs("\n\n", f);
				while (text[i + 1] == '\n')
					i++;
			} else {
				fputc(' ', f);
			}
			continue;
		}
		if (strchr("\\*_", text[i]))
			fputc('\\', f);
		fputc(text[i], f);
	}
}

void xf_opt_scdoc(const struct xf_optset *s, FILE *f)
{
	char text[1024], names[128];
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		const struct xf_opt *o = s->e[i].opt;
		const char *arg = entry_arg(&s->e[i], names, sizeof(names));

		if (o->short_name)
			fprintf(f, "*-%c*, ", o->short_name);
		fprintf(f, "*--%s*", o->name);
		if (arg) {
			fputs(o->optional_arg ? "[=_" : " _", f);
			xf_scdoc_text(f, arg);
			fputs(o->optional_arg ? "_]" : "_", f);
		}
		entry_text(&s->e[i], text, sizeof(text));
		fputs("\n\t", f);
		xf_scdoc_text(f, text);
		fputs("\n\n", f);
	}
}

void xf_opt_record(const struct xf_optset *s, struct xf_out *o)
{
	uint32_t i, k;

	xo_obj_open(o, "options");
	for (i = 0; i < s->n; i++) {
		const struct xf_opt_entry *e = &s->e[i];
		const struct xf_opt *opt = e->opt;
		const char *base = dst_of(s, e);
		const struct xf_choice *c;

		if (opt->no_json)
			continue;
		switch (opt->type) {
		case XF_OPT_FLAG:
			xo_bool(o, opt->name, NULL, *(const bool *)(base + opt->off));
			break;
		case XF_OPT_U32:
			xo_u64(o, opt->name, NULL, *(const uint32_t *)(base + opt->off));
			break;
		case XF_OPT_LIST:
			xo_arr_open(o, opt->name);
			for (k = 0; k < *(const uint32_t *)(base + opt->off2); k++)
				xo_u64(o, NULL, NULL, ((const uint32_t *)(base + opt->off))[k]);
			xo_arr_close(o);
			break;
		case XF_OPT_STR:
			if (*(const char *const *)(base + opt->off))
				xo_str(o, opt->name, NULL, *(const char *const *)(base + opt->off));
			else
				xo_null(o, opt->name, NULL);
			break;
		case XF_OPT_CHOICE:
			for (c = opt->choices; c->name; c++)
				if (!c->alias && c->value == *(const int *)(base + opt->off))
					break;
			xo_str(o, opt->name, NULL, c->name ? c->name : "?");
			break;
		case XF_OPT_FN:
			/* What was given, as given: a list for a repeated option. */
			if (opt->repeat) {
				xo_arr_open(o, opt->name);
				for (k = 0; k < e->ntext; k++)
					xo_str(o, NULL, NULL, e->text[k]);
				xo_arr_close(o);
			} else if (e->ntext && e->text[0]) {
				xo_str(o, opt->name, NULL, e->text[0]);
			} else if (e->given) {
				xo_bool(o, opt->name, NULL, true);
			} else if (entry_def(e)) {
				xo_str(o, opt->name, NULL, entry_def(e));
			} else {
				xo_null(o, opt->name, NULL);
			}
			break;
		}
	}
	xo_obj_close(o);
}
