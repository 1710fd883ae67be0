// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the option tables (user/core/opt.c, shared_opts.c): defaults
 * applied through the parser, every type stored where its offset says, a
 * mode's own default and help outranking the shared ones, --duration and
 * friends in every mode, the one wording and exit status 2 of every bad
 * argument (read back from stderr), --help generated from the table, and
 * the options in effect as JSON.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opt.h"
#include "opt_fixture.h"
#include "out.h"
#include "shared_opts.h"

static const struct xf_opt_use uses[] = {
	{ .name = "queues" },
	{ .name = "spin-us", .def = "0", .help = "spin less" },
	{ .name = "match" },
	{},
};

struct fixture {
	struct xf_optset s;
	struct xf_shared_opts c;
	struct ctx x;
	char err[512]; /* what went to stderr */
};

static int parse(struct fixture *f, const char *const *args)
{
	char *argv[32];
	int argc = 0, first, ret, fd, saved;
	FILE *tmp = tmpfile();
	size_t n;

	memset(&f->c, 0, sizeof(f->c));
	memset(&f->x, 0, sizeof(f->x));
	argv[argc++] = (char *)"test";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	assert_int_equal(xf_optset_init(&f->s, "test", uses, own, &f->c, &f->x), 0);
	fflush(stderr);
	saved = dup(2);
	fd = fileno(tmp);
	dup2(fd, 2);
	ret = xf_opt_parse(&f->s, argc, argv, &first);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(f->err, 1, sizeof(f->err) - 1, tmp);
	f->err[n] = '\0';
	fclose(tmp);
	return ret;
}

static void test_defaults_and_values(void **state)
{
	struct fixture f;
	const char *none[] = { NULL };
	const char *some[] = { "-c",	  "42",	       "--flag",     "--name",	"x\"y",
			       "--color", "azure",     "--list",     "3,1-2",	"--queues",
			       "0-3",	  "--spin-us", "7",	     "--match", "udp",
			       "--match", "ip6",       "--duration", "5",	NULL };

	(void)state;
	assert_int_equal(parse(&f, none), 0);
	assert_int_equal(f.x.n, 10);
	assert_int_equal(f.x.color, 1);
	assert_false(f.x.flag);
	assert_int_equal(f.c.spin_us, 0); /* the mode's default, not the shared 200 */
	assert_false(xf_opt_given(&f.s, "count"));
	xf_optset_free(&f.s);

	assert_int_equal(parse(&f, some), 0);
	assert_int_equal(f.x.n, 42);
	assert_true(f.x.flag);
	assert_string_equal(f.x.name, "x\"y");
	assert_int_equal(f.x.color, 2);
	assert_int_equal(f.x.nlist, 3);
	assert_int_equal(f.x.list[0], 1);
	assert_int_equal(f.x.list[2], 3);
	assert_int_equal(f.c.nqueues, 4);
	assert_int_equal(f.c.spin_us, 7);
	assert_int_equal(f.c.nrules, 2);
	assert_string_equal(f.c.rule_text[1], "ip6");
	assert_int_equal(f.c.duration, 5); /* every mode takes --duration */
	assert_true(xf_opt_given(&f.s, "count"));
	assert_string_equal(f.err, "");
	xf_optset_free(&f.s);
}

/* Every bad argument: 2, one line, "xskfwd: test: WHAT: WHY (see xskfwd test --help)". */
static void bad(const char *const *args, const char *line)
{
	struct fixture f;
	char want[300];

	assert_int_equal(parse(&f, args), 2);
	snprintf(want, sizeof(want), "xskfwd: test: %s (see xskfwd test --help)\n", line);
	assert_string_equal(f.err, want);
	xf_optset_free(&f.s);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	bad((const char *[]){ "--count", "0", NULL }, "--count: 0 is out of range (1..100)");
	bad((const char *[]){ "-c", "x", NULL }, "--count: 'x' is not a number");
	bad((const char *[]){ "--count", NULL }, "--count: needs an argument");
	bad((const char *[]){ "--color", "green", NULL },
	    "--color: 'green': must be one of red, blue");
	bad((const char *[]){ "--list", "5-2", NULL }, "--list: range '5-2' runs backwards");
	bad((const char *[]){ "--nope", NULL }, "--nope: unknown option");
	bad((const char *[]){ "--match", "bogus", NULL }, "--match: 'bogus': unknown word 'bogus'");
	bad((const char *[]){ "--ring-size", "64", NULL }, "--ring-size: unknown option");
}

static void test_help_and_version(void **state)
{
	struct fixture f;
	char buf[8192];
	FILE *m;
	size_t n;

	(void)state;
	assert_int_equal(parse(&f, (const char *[]){ "-h", "--nope", NULL }), XF_OPT_HELP);
	xf_optset_free(&f.s);
	assert_int_equal(parse(&f, (const char *[]){ "--version", NULL }), XF_OPT_VERSION);
	m = fmemopen(buf, sizeof(buf), "w");
	xf_opt_help(&f.s, m);
	n = (size_t)ftell(m);
	fclose(m);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "  -c, --count N         how many (default 10)\n"));
	assert_non_null(strstr(buf, "  --color red|blue      a color (default red)\n"));
	assert_non_null(strstr(buf, "  --spin-us N           spin less (default 0)\n"));
	assert_non_null(
		strstr(buf, "  --duration S          stop after S seconds (default: until"));
	assert_non_null(strstr(buf, "  -V, --version "));
	assert_null(strstr(buf, "azure")); /* an alias is not listed */
	xf_optset_free(&f.s);
}

static void test_record(void **state)
{
	struct fixture f;
	struct xf_out o;
	char buf[4096];
	FILE *m;

	(void)state;
	assert_int_equal(parse(&f, (const char *[]){ "--name", "a\"b\\c", "--match", "udp", NULL }),
			 0);
	m = fmemopen(buf, sizeof(buf), "w");
	xo_init(&o, m, true);
	xo_open(&o, "start");
	xf_opt_record(&f.s, &o);
	xo_close(&o);
	fclose(m);
	assert_non_null(strstr(buf,
			       "\"options\":{\"count\":10,\"flag\":false,\"name\":\"a\\\"b\\\\c\","
			       "\"color\":\"red\",\"list\":[],\"queues\":[],\"spin-us\":0,"
			       "\"match\":[\"udp\"],\"duration\":0,\"json\":false}"));
	xf_optset_free(&f.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
