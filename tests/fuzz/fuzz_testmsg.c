/*++
/* NAME
/*	fuzz_testmsg 1
/* SUMMARY
/*	libFuzzer target: the offline tester's message reader
/* SYNOPSIS
/*	fuzz_testmsg [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The input is a message given to testmsg_parse() as exactly len
/*	bytes, not NUL-terminated.
/*
/*	Invariants: it never fails on bad input (returns 0 unless memory
/*	runs out); every header has a name and a value; a value never
/*	holds a line break that is not followed by space or tab (what the
/*	milter would see); the body lies inside the input; the header
/*	section and the body together never come from more bytes than the
/*	input has.
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "testmsg.h"

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
	struct testmsg m;
	char *buf;
	size_t i, j, total = 0;

	buf = fuzz_dup(data, size);
	memset(&m, 0, sizeof(m));
	if (testmsg_parse(buf, size, &m) == 0) {
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
		if (m.bodylen > 0) {
			FUZZ_ASSERT(m.body >= buf);
			FUZZ_ASSERT(m.body + m.bodylen <= buf + size);
		}
	}
	testmsg_free(&m);
	free(buf);
	return (0);
}
