/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Options as data (after xdp-tools' DEFINE_OPTION and lib/util/params.c).
 *
 * Each option is declared once: long and short name, type, range, default,
 * help. From the declarations come the getopt table, the parsing and its
 * errors, the --help text, the OPTIONS section of the man pages, and the
 * "options" object of the JSON start record (the options in effect). The
 * options every mode shares (queues, cpus, bind mode, XDP mode, duration,
 * json, verbose, help, version, and the ring and poller knobs some modes take) are declared once, in shared_opts.c, and
 * stored in struct xf_common; a mode lists those it takes (struct
 * xf_opt_use, which may give its own default and help text for that mode)
 * and declares its own options, stored at an offset in its context.
 *
 * Defaults are text, applied through the same parser as the command line
 * before it is read, so a default can never be a value the user could not
 * give. Every parse error is one line, "xskfwd: MODE: --OPT: WHY (see xskfwd
 * MODE --help)", and exit status 2, before anything is set up.
 *
 * The config file (--config FILE, conf.h) gives the same options by their
 * long names, through the same parser; the command line overrides it.
 */
#ifndef XF_OPT_H
#define XF_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"

struct xf_out;

enum xf_opt_type {
	XF_OPT_FLAG,   /* bool, set to true (no argument) */
	XF_OPT_U32,    /* uint32_t in [min, max]; .pow2: a power of two */
	XF_OPT_LIST,   /* uint32_t[XF_MAX_LIST] at .off, count at .off2; values 0..max */
	XF_OPT_STR,    /* const char * (the argument itself) */
	XF_OPT_CHOICE, /* int at .off: .choices[i].value for the name given */
	XF_OPT_FN,     /* .parse does it all (repeatable options, addresses, ...) */
};

struct xf_choice {
	const char *name;
	int value;
	bool alias; /* accepted, not listed in --help */
};

#define XF_OPT_MAX_VALUES 64 /* arguments kept per option, for the start record */

struct xf_opt {
	const char *name; /* long name, without "--"; NULL ends a table */
	char short_name;  /* 0: none */
	enum xf_opt_type type;
	const char *arg; /* what --help shows for the argument ("N", "LIST") */
	size_t off, off2;
	uint32_t min, max;
	bool pow2;
	bool optional_arg;		 /* --name[=ARG]; FN only, called with NULL alone */
	bool repeat;			 /* FN: may be given several times (a list in the record) */
	bool no_json;			 /* not listed in the start record's options */
	const struct xf_choice *choices; /* CHOICE: NULL-name terminated */
	/* FN: parse @arg (NULL for an optional argument left out) into @dst, the
	 * struct this option's offsets refer to. 0, or -EINVAL with a reason in @err. */
	int (*parse)(void *dst, const struct xf_opt *opt, const char *arg, char *err);
	const char *def;      /* default, as command-line text; NULL: none */
	const char *def_help; /* what --help says of the default instead of @def */
	const char *help;
};

/* A common option a mode takes, with what is special about it there. */
struct xf_opt_use {
	const char *name;
	const char *def;      /* NULL: the common default */
	const char *def_help; /* NULL: the common one */
	const char *help;     /* NULL: the common one */
};

/* Where an option's value lives. */
enum xf_opt_home { XF_OPT_HOME_COMMON, XF_OPT_HOME_MODE };

/* One option as a mode sees it: its declaration and the overrides. */
struct xf_opt_entry {
	const struct xf_opt *opt;
	const struct xf_opt_use *use; /* NULL for a mode's own option */
	enum xf_opt_home home;
	bool given;   /* on the command line or in the config file */
	bool in_file; /* in the config file (conf.c) */
	uint32_t ntext;
	const char *text[XF_OPT_MAX_VALUES]; /* the arguments given, in order */
};

struct xf_optset {
	const char *mode;
	struct xf_opt_entry *e;
	uint32_t n;
	void *common, *ctx;
	/* The config file's "interfaces" (conf.h), used when the command line
	 * names none. */
	const char *file_ifaces[XF_OPT_MAX_VALUES];
	uint32_t nfile_ifaces;
	char **kept; /* text the options point into (xf_optset_keep) */
	uint32_t nkept;
};

/* The shared declarations (shared_opts.c). */
extern const struct xf_opt xf_common_opts[];
const struct xf_opt *xf_common_opt(const char *name);

/*
 * Build @s for @mode from its own @opts and the common @uses (either may be
 * NULL), in that order, as --help lists them; --duration, --json, --verbose,
 * --help and --version come last, in every mode. Returns 0 or -errno; xf_optset_free() frees it.
 */
int xf_optset_init(struct xf_optset *s, const char *mode, const struct xf_opt_use *uses,
		   const struct xf_opt *opts, void *common, void *ctx);
void xf_optset_free(struct xf_optset *s);

/* Take option @name out of @s (a command that runs once has no --duration). */
void xf_optset_drop(struct xf_optset *s, const char *name);

/*
 * Apply the defaults, then parse argv (argv[0] is the mode's name), then the
 * file --config names (conf.h) for every option the command line left out.
 * The positional arguments are left in argv[*first .. argc-1]. Returns 0, 2
 * after one line naming the option (or the file and line), or XF_OPT_HELP /
 * XF_OPT_VERSION when --help / --version was given (nothing else is checked
 * then).
 */
#define XF_OPT_HELP (-1)
#define XF_OPT_VERSION (-2)
int xf_opt_parse(struct xf_optset *s, int argc, char **argv, int *first);

/* Whether option @name was given (on the command line or in the config file). */
bool xf_opt_given(const struct xf_optset *s, const char *name);

/* Option @name's entry in @s, or NULL. */
struct xf_opt_entry *xf_opt_find(struct xf_optset *s, const char *name);

/*
 * Give option @e the argument @arg (NULL: an optional argument left out),
 * exactly as the command line does: it is recorded for the start record and
 * parsed into its place. 0, or -EINVAL with the reason in @err (XF_ERRLEN).
 */
int xf_opt_set(struct xf_optset *s, struct xf_opt_entry *e, const char *arg, char *err);

/* A copy of @len bytes of @text, NUL-terminated, freed with @s; NULL: no memory. */
char *xf_optset_keep(struct xf_optset *s, const char *text, size_t len);

/* The options part of `xskfwd MODE --help`. */
void xf_opt_help(const struct xf_optset *s, FILE *f);

/*
 * The same options as an scdoc(5) list, for the OPTIONS section of
 * xskfwd-MODE(8) (the Makefile builds the man pages from it).
 */
void xf_opt_scdoc(const struct xf_optset *s, FILE *f);

/*
 * @text as scdoc(5) text: '\\', '*' and '_' escaped, a line break a space, a
 * blank line a paragraph break, trailing line breaks dropped.
 */
void xf_scdoc_text(FILE *f, const char *text);

/* The options in effect, as JSON members of the current object. */
void xf_opt_record(const struct xf_optset *s, struct xf_out *o);

/*
 * One line for a bad argument, worded like every other:
 * "xskfwd: MODE: WHAT: WHY (see xskfwd MODE --help)". Returns 2.
 */
int xf_bad_arg(const char *mode, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
