/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The config file, --config FILE: the command line's options as YAML, read
 * with libyaml's event parser (why YAML and libyaml: docs/design.md).
 *
 * The option tables are the schema. A key is an option's long name, or
 * "interfaces" for the positional arguments; the file is one mapping:
 *
 *   interfaces: [fwd0, fwd1]     # a list; one name may stand alone
 *   queues: 0-3                  # a list option: its text, or [0, 1, 2-3]
 *   frame-size: 2048             # a number, a name, a string: its text
 *   match: [udp dport 4789, ip6] # a repeatable option: always a list
 *   no-need-wakeup: true         # a flag: true or false
 *   busy-poll: true              # an optional argument: true, false, or it
 *
 * Every value goes through the option parser as the command-line argument
 * would (xf_opt_set), so the file and the command line accept the same
 * values and give the same start record. A key the command line gives is
 * checked for its type and otherwise left to the command line; the
 * command line's interfaces replace the file's. help, version and config
 * belong to the command line only. Anchors, aliases and a second document
 * are refused.
 *
 * Every error is one line, "xskfwd: FILE:LINE: KEY: WHY" (a YAML syntax
 * error: "xskfwd: FILE:LINE: yaml: WHY"), and exit status 2; a control
 * character in it (a key's or value's) is shown as '?'. A file that
 * cannot be read is "xskfwd: MODE: --config: FILE: WHY (see ...)".
 */
#ifndef XF_CONF_H
#define XF_CONF_H

#include <stddef.h>

#include "opt.h"

#define XF_CONF_IFACES "interfaces"
#define XF_CONF_MAX_SIZE (1u << 20) /* bytes */

/* Read @path into @s (after the command line). 0, or 2 after one line. */
int xf_conf_load(struct xf_optset *s, const char *path);

/* The same for the text @buf (@len bytes), named @file in errors. */
int xf_conf_parse(struct xf_optset *s, const char *file, const char *buf, size_t len);

#endif
