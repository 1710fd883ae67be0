/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * check(cond) for the fuzz targets: a contract the code under test broke is
 * printed as "FUZZ_NAME: cond" and aborts, so libFuzzer keeps the input as a
 * crash. Define FUZZ_NAME (the target's name) before including this.
 */
#ifndef XF_FUZZ_CHECK_H
#define XF_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

__attribute__((noreturn)) static void failed(const char *what)
{
	fprintf(stderr, "%s: %s\n", FUZZ_NAME, what);
	abort();
}

#define check(cond)                    \
	do {                           \
		if (!(cond))           \
			failed(#cond); \
	} while (0)

#endif
