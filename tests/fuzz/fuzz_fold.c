/*++
/* NAME
/*	fuzz_fold 1
/* SUMMARY
/*	libFuzzer target: the CR/LF/NUL rule and re-folding of new values
/* SYNOPSIS
/*	fuzz_fold [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The first input byte is the length of the header name (0 to 255);
/*	the rest, exactly len bytes with any NUL, CR or LF in it, is a new
/*	value for fold_value() and a replacement text for fold_scrub()
/*	(which scrubs from the offset the second byte gives).
/*
/*	Invariants of fold_value(): the result is not empty; it holds no CR
/*	and no NUL; every LF is followed by SP or TAB and the line it starts
/*	holds a character that is not white space; no line is longer than
/*	998 octets, the first counted with "Name:"; without its line breaks
/*	the result holds the non-white-space bytes of the input, in order
/*	(CR, LF and NUL become white space, nothing else is lost).
/*
/*	Invariants of fold_scrub(): the length changes only by dropped CRs
/*	of kept CRLF folds; after the offset, no NUL and no CR is left, and
/*	every LF is followed by SP or TAB.
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* is_space - what fold_value() may add or drop */
static int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0);
}

/* check_value - the invariants of a fold_value() result */
static void
check_value(size_t namelen, const char *in, size_t len, const struct pm_buf *b)
{
	size_t i, j, line = namelen + 1;
	int content = 1;

	FUZZ_ASSERT(b->len > 0 && strlen(b->s) == b->len);
	for (i = 0; i < b->len; i++) {
		FUZZ_ASSERT(b->s[i] != '\r');
		if (b->s[i] == '\n') {
			FUZZ_ASSERT(content);
			FUZZ_ASSERT(b->s[i + 1] == ' ' || b->s[i + 1] == '\t');
			FUZZ_ASSERT(line <= FOLD_HARD);
			line = 0;
			content = 0;
			continue;
		}
		line++;
		if (b->s[i] != ' ' && b->s[i] != '\t')
			content = 1;
	}
	FUZZ_ASSERT(line <= FOLD_HARD && content);
	/* Nothing but white space is lost, nothing else is added. */
	for (i = j = 0; i < len; i++) {
		if (is_space((unsigned char)in[i]))
			continue;
		while (j < b->len && is_space((unsigned char)b->s[j]))
			j++;
		FUZZ_ASSERT(j < b->len && b->s[j] == in[i]);
		j++;
	}
	while (j < b->len && is_space((unsigned char)b->s[j]))
		j++;
	FUZZ_ASSERT(j == b->len);
}

/* check_scrub - the invariants of fold_scrub() from offset from */
static void
check_scrub(const char *in, size_t len, size_t from)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t i, crs = 0;

	if (pm_buf_append(&b, in, len) < 0)
		abort();
	for (i = from; i + 1 < len; i++)
		if (in[i] == '\r' && in[i + 1] == '\n')
			crs++;
	fold_scrub(&b, from);
	FUZZ_ASSERT(b.len <= len && b.len + crs >= len);
	FUZZ_ASSERT(memcmp(b.s, in, from) == 0);
	for (i = from; i < b.len; i++) {
		FUZZ_ASSERT(b.s[i] != 0 && b.s[i] != '\r');
		if (b.s[i] == '\n')
			FUZZ_ASSERT(b.s[i + 1] == ' ' || b.s[i + 1] == '\t');
	}
	pm_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t namelen, len;
	char *in;

	if (size < 2)
		return (0);
	namelen = data[0];
	len = size - 2;
	in = fuzz_dup(data + 2, len);
	if (fold_value(namelen, in, len, &b) < 0)
		abort();
	check_value(namelen, in, len, &b);
	pm_buf_free(&b);
	check_scrub(in, len, len > 0 ? data[1] % (len + 1) : 0);
	free(in);
	return (0);
}
