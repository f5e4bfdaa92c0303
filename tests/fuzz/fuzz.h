/*++
/* NAME
/*	fuzz 3h
/* SUMMARY
/*	shared helpers of the libFuzzer targets
/* SYNOPSIS
/*	#include "fuzz.h"
/* DESCRIPTION
/*	Every target in tests/fuzz/ defines LLVMFuzzerTestOneInput() and
/*	is linked twice: with libFuzzer (-fsanitize=fuzzer, built when
/*	configured with --enable-fuzz) and with replay_main.c, a plain
/*	main() that runs given files through the target without fuzzing
/*	(the regression tests, with any compiler).
/*
/*	FUZZ_ASSERT() turns a broken invariant into an abort, so the
/*	fuzzer reports it like a crash, with the input that caused it.
/*
/*	fuzz_dup() returns a heap copy of exactly len bytes, NOT
/*	NUL-terminated, so that ASan catches a read past the end of an
/*	input the code was told is len bytes long. fuzz_strdup() returns
/*	a NUL-terminated copy.
/*--*/
#ifndef PM_FUZZ_H
#define PM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c)                                                         \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
			    __FILE__, __LINE__, #c);                           \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int LLVMFuzzerInitialize(int *, char ***);

/* fuzz_dup - exact-length heap copy (never NULL for len 0) */
static inline char *
fuzz_dup(const uint8_t *data, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p == NULL)
		abort();
	if (len)
		memcpy(p, data, len);
	return (p);
}

/* fuzz_strdup - NUL-terminated heap copy */
static inline char *
fuzz_strdup(const uint8_t *data, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		abort();
	if (len)
		memcpy(p, data, len);
	p[len] = 0;
	return (p);
}

#endif
