// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the config file loader (user/core/conf.c) against its
 * grammar (conf.h): every option type gives the same options in effect (the
 * start record's JSON) as the equivalent command line; lists, flags, an
 * optional argument, "interfaces"; the command line overriding the file;
 * and every error as its one line "xskfwd: FILE:LINE: KEY: WHY" with the
 * right line, exit status 2 (read back from stderr).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "opt.h"
#include "opt_fixture.h"
#include "out.h"
#include "shared_opts.h"

static const struct xf_opt_use uses[] = {
	{ .name = "queues" },
	{ .name = "match" },
	{ .name = "busy-poll" },
	{},
};

struct fixture {
	struct xf_optset s;
	struct xf_shared_opts c;
	struct ctx x;
	char err[512];	 /* what went to stderr */
	char json[2048]; /* the options in effect */
};

/* The command line @args, then (if @yaml) the text @yaml as file "t.yaml". */
static int run(struct fixture *f, const char *const *args, const char *yaml)
{
	char *argv[32];
	int argc = 0, first, ret, saved;
	FILE *tmp = tmpfile(), *m;
	struct xf_out o;
	size_t n;

	memset(f, 0, sizeof(*f));
	argv[argc++] = (char *)"test";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	assert_int_equal(xf_optset_init(&f->s, "test", uses, own, &f->c, &f->x), 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	ret = xf_opt_parse(&f->s, argc, argv, &first);
	if (!ret && yaml)
		ret = xf_conf_parse(&f->s, "t.yaml", yaml, strlen(yaml));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(f->err, 1, sizeof(f->err) - 1, tmp);
	f->err[n] = '\0';
	fclose(tmp);
	m = fmemopen(f->json, sizeof(f->json), "w");
	xo_init(&o, m, true);
	xo_open(&o, "start");
	xf_opt_record(&f->s, &o);
	xo_close(&o);
	fclose(m);
	return ret;
}

/* @yaml gives the options in effect @args give. */
static void same(const char *yaml, const char *const *args)
{
	struct fixture a, b;

	assert_int_equal(run(&a, (const char *[]){ NULL }, yaml), 0);
	assert_string_equal(a.err, "");
	assert_int_equal(run(&b, args, NULL), 0);
	assert_string_equal(strstr(a.json, "\"options\""), strstr(b.json, "\"options\""));
	xf_optset_free(&a.s);
	xf_optset_free(&b.s);
}

static void test_every_type(void **state)
{
	(void)state;
	same("", (const char *[]){ NULL });
	same("# nothing\n", (const char *[]){ NULL });
	same("---\n", (const char *[]){ NULL });
	same("count: 42\n", (const char *[]){ "--count", "42", NULL });
	same("count: '42'\n", (const char *[]){ "-c", "42", NULL });
	same("flag: true\n", (const char *[]){ "--flag", NULL });
	same("flag: false\n", (const char *[]){ NULL });
	same("name: \"a \\\"b\"\n", (const char *[]){ "--name", "a \"b", NULL });
	same("name: ''\n", (const char *[]){ "--name", "", NULL });
	same("color: blue\n", (const char *[]){ "--color", "blue", NULL });
	same("list: 3,1-2\n", (const char *[]){ "--list", "3,1-2", NULL });
	same("list: [3, 1-2]\n", (const char *[]){ "--list", "3,1-2", NULL });
	same("list:\n  - 7\n  - 0-1\n", (const char *[]){ "--list", "7,0-1", NULL });
	same("queues: [0]\n", (const char *[]){ "--queues", "0", NULL });
	same("match: [udp dport 4789, ip6]\n",
	     (const char *[]){ "--match", "udp dport 4789", "--match", "ip6", NULL });
	same("match: []\n", (const char *[]){ NULL });
	same("busy-poll: true\n", (const char *[]){ "--busy-poll", NULL });
	same("busy-poll: false\n", (const char *[]){ NULL });
	same("busy-poll: 50\n", (const char *[]){ "--busy-poll=50", NULL });
	same("duration: 5\njson: true\n", (const char *[]){ "--duration", "5", "--json", NULL });
}

static void test_interfaces(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(run(&f, (const char *[]){ NULL }, "interfaces: [a0, b0]\n"), 0);
	assert_int_equal(f.s.nfile_ifaces, 2);
	assert_string_equal(f.s.file_ifaces[1], "b0");
	xf_optset_free(&f.s);
	assert_int_equal(run(&f, (const char *[]){ NULL }, "interfaces: a0\n"), 0);
	assert_int_equal(f.s.nfile_ifaces, 1);
	assert_string_equal(f.s.file_ifaces[0], "a0");
	xf_optset_free(&f.s);
}

/* The command line wins, a repeatable option's list included. */
static void test_command_line_overrides(void **state)
{
	char path[] = "/tmp/xc_conf_XXXXXX";
	const char *yaml = "count: 5\nname: file\nmatch: [udp, tcp]\nflag: true\n";
	int fd = mkstemp(path);
	struct fixture f, g;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	assert_int_equal(
		run(&f,
		    (const char *[]){ "--count", "7", "--config", path, "--match", "ip6", NULL },
		    NULL),
		0);
	assert_int_equal(f.x.n, 7);
	assert_string_equal(f.x.name, "file");
	assert_true(f.x.flag);
	assert_int_equal(f.c.nrules, 1);
	assert_true(xf_opt_given(&f.s, "name"));
	assert_int_equal(run(&g,
			     (const char *[]){ "--count", "7", "--name", "file", "--match", "ip6",
					       "--flag", NULL },
			     NULL),
			 0);
	/* --config itself is not an option in effect */
	assert_string_equal(strstr(f.json, "\"options\""), strstr(g.json, "\"options\""));
	xf_optset_free(&f.s);
	xf_optset_free(&g.s);
	unlink(path);
}

/* @yaml fails with the one line "xskfwd: t.yaml:LINE" + @line. */
static void bad(const char *yaml, const char *line)
{
	struct fixture f;
	char want[300];

	assert_int_equal(run(&f, (const char *[]){ NULL }, yaml), 2);
	snprintf(want, sizeof(want), "xskfwd: t.yaml:%s\n", line);
	assert_string_equal(f.err, want);
	xf_optset_free(&f.s);
}

static void test_errors(void **state)
{
	(void)state;
	bad("count: 1\n\ncolour: red\n", "3: colour: unknown key (not an option of xskfwd test)");
	bad("ring-size: 64\n", "1: ring-size: unknown key (not an option of xskfwd test)");
	/* the option parser's own reasons, as on the command line */
	bad("count: 0\n", "1: count: 0 is out of range (1..100)");
	bad("count: x\n", "1: count: 'x' is not a number");
	bad("color: green\n", "1: color: 'green': must be one of red, blue");
	bad("list: 5-2\n", "1: list: range '5-2' runs backwards");
	bad("list:\n  - 1\n  - 64\n", "3: list: 64 is out of range (0..63)");
	bad("match:\n  - udp\n  - bogus\n", "3: match: 'bogus': unknown word 'bogus'");
	bad("busy-poll: 0\n", "1: busy-poll: 0 is out of range (1..1000000)");
	/* wrong types */
	bad("flag: yes\n", "1: flag: wrong type: true or false");
	bad("flag: [true]\n", "1: flag: wrong type: true or false");
	bad("count: [1, 2]\n", "1: count: wrong type: one value, not a list");
	bad("busy-poll: [1]\n", "1: busy-poll: wrong type: one value, not a list");
	bad("match: udp\n", "1: match: wrong type: a list ([A, B]), as the option repeats");
	bad("count:\n  a: 1\n", "2: count: wrong type: a value or a list of values, not a mapping");
	bad("list: [[1]]\n", "1: list: wrong type: a list of values, not of lists or mappings");
	bad("count:\n", "1: count: needs a value");
	/* the file's shape */
	bad("count: 1\ncount: 2\n", "2: count: given twice");
	bad("interfaces: a\ninterfaces: b\n", "2: interfaces: given twice");
	bad("help: true\n", "1: help: only on the command line");
	bad("config: x\n", "1: config: only on the command line");
	bad("- count\n", "1: yaml: the file must be a mapping of options");
	bad("[a]: 1\n", "1: yaml: a key must be an option's name");
	bad("count: &n 5\nlist: *n\n", "2: yaml: aliases are not supported");
	bad("count: 5\n---\ncount: 6\n", "2: yaml: one document only");
	bad("count: 1\n\tflag: true\n",
	    "2: yaml: found a tab character that violates indentation while scanning a plain "
	    "scalar");
}

/* What fuzz_conf found: each error is still one line with the right place. */
static void test_fuzz_findings(void **state)
{
	struct fixture f;

	(void)state;
	/* a control character in a value or key is shown as '?' */
	bad("count: \"1\\n2\"\n", "1: count: '1?2' is not a number");
	bad("\"a\\tb\\nc\": 1\n", "1: a?b?c: unknown key (not an option of xskfwd test)");
	/* libyaml ends a last line without a break on the next one: not named */
	bad("count: [1", "1: yaml: did not find expected ',' or ']' while parsing a flow sequence");
	bad("count: [1\n",
	    "1: yaml: did not find expected ',' or ']' while parsing a flow sequence");
	bad("{", "1: yaml: did not find expected node content while parsing a flow node");
	bad("count: 1\r\n{", "2: yaml: could not find expected ':' while scanning a simple key");
	/* a key with a NUL in it is no option, not the option before the NUL */
	bad("\"count\\0x\": 5\n", "1: yaml: a key holds a NUL character");
	/* a key twice in the file, though the command line gives it too */
	assert_int_equal(run(&f, (const char *[]){ "--count", "7", NULL }, "count: 1\ncount: 2\n"),
			 2);
	assert_string_equal(f.err, "xskfwd: t.yaml:2: count: given twice\n");
	xf_optset_free(&f.s);
}

static void test_unreadable(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(run(&f, (const char *[]){ "--config", "/nonexistent/x.yaml", NULL }, NULL),
			 2);
	assert_string_equal(f.err, "xskfwd: test: --config: /nonexistent/x.yaml: No such file or "
				   "directory (see xskfwd test --help)\n");
	xf_optset_free(&f.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_command_line_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fuzz_findings),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
