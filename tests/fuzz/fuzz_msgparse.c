/*++
/* NAME
/*	fuzz_msgparse 1
/* SUMMARY
/*	libFuzzer target: the message parser (--test-message reads with it)
/* SYNOPSIS
/*	fuzz_msgparse [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The input is a message given to msgparse_parse() as exactly len
/*	bytes, not NUL-terminated.
/*
/*	Invariants: it never fails on bad input (returns 0 unless memory
/*	runs out); every header has a name and a value; a value never
/*	holds a line break that is not followed by space or tab (what the
/*	milter would see); the body lies inside the input; the header
/*	section and the body together never come from more bytes than the
/*	input has; the spans of the headers, the empty line and the body
/*	follow each other inside the input, in that order, without
/*	overlapping.
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msgparse.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msgparse m;
	const char *end;
	char *buf;
	size_t i, j, total = 0;

	buf = fuzz_dup(data, size);
	memset(&m, 0, sizeof(m));
	if (msgparse_parse(buf, size, &m) == 0) {
		for (i = 0; i < m.nhdrs; i++) {
			const char *v = m.hdrs[i].value;

			FUZZ_ASSERT(m.hdrs[i].name != NULL);
			FUZZ_ASSERT(v != NULL);
			for (j = 0; v[j]; j++)
				if (v[j] == '\n')
					FUZZ_ASSERT(v[j + 1] == ' ' ||
					    v[j + 1] == '\t');
			total += strlen(m.hdrs[i].name) + strlen(v);
		}
		FUZZ_ASSERT(total <= size);
		for (i = 0, end = buf; i < m.nhdrs; i++) {
			FUZZ_ASSERT(m.spans[i].start >= end);
			FUZZ_ASSERT(m.spans[i].len > 0);
			end = m.spans[i].start + m.spans[i].len;
			FUZZ_ASSERT(end <= buf + size);
		}
		if (m.seplen > 0) {
			FUZZ_ASSERT(m.sep >= end);
			end = m.sep + m.seplen;
		}
		FUZZ_ASSERT(m.body >= end || m.bodylen == 0);
		if (m.bodylen > 0) {
			FUZZ_ASSERT(m.body >= buf);
			FUZZ_ASSERT(m.body + m.bodylen <= buf + size);
		}
	}
	msgparse_free(&m);
	free(buf);
	return (0);
}
