/*++
/* NAME
/*	fuzz_rules 1
/* SUMMARY
/*	libFuzzer target: the rules parser
/* SYNOPSIS
/*	fuzz_rules [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The input is a rules file (header_checks lines and native rules)
/*	given to rules_load_string() as exactly len bytes, not
/*	NUL-terminated. On success every rule is walked and the dispatch
/*	lists are checked against each other; on failure every diagnostic
/*	is formatted. Invariants: rules_load_string() returns NULL if and
/*	only if an error was reported; every diagnostic of the file names
/*	a line; every rule has an id, a line and a seq equal to its index;
/*	dispatch lists name rules in increasing seq.
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rules.h"
#include "util.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* check_seqs - a dispatch list is strictly increasing and in range */
static void
check_seqs(const struct ruleset *rs, const unsigned *seqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(seqs[i] < rules_count(rs));
		if (i > 0)
			FUZZ_ASSERT(seqs[i - 1] < seqs[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_options opts = {0};
	struct pm_diags diags = {0};
	struct ruleset *rs;
	const unsigned *seqs = NULL;
	char line[2048];
	char *text;
	size_t i, n;

	opts.strict = size > 0 && (data[0] & 1);
	opts.jit = 0;
	opts.match_limit = 10000;
	opts.depth_limit = 1000;
	text = fuzz_dup(data, size);
	rs = rules_load_string("fuzz.rules", text, size, &opts, &diags);
	FUZZ_ASSERT((rs == NULL) == (pm_diags_errors(&diags) > 0));
	for (i = 0; i < diags.n; i++) {
		FUZZ_ASSERT(diags.v[i].msg != NULL);
		if (diags.v[i].file != NULL &&
		    strcmp(diags.v[i].file, "fuzz.rules") == 0)
			FUZZ_ASSERT(diags.v[i].line > 0);
		pm_diag_format(&diags.v[i], line, sizeof(line));
		FUZZ_ASSERT(strlen(line) < sizeof(line));
	}
	if (rs != NULL) {
		n = rules_count(rs);
		for (i = 0; i < n; i++) {
			const struct rule *r = rules_get(rs, (unsigned)i);

			FUZZ_ASSERT(r != NULL);
			FUZZ_ASSERT(r->seq == i);
			FUZZ_ASSERT(r->file != NULL && r->line > 0);
			if (r->header != NULL) {
				const char *h;

				for (h = r->header; *h; h++)
					FUZZ_ASSERT(*h < 'A' || *h > 'Z');
				n = rules_for_header(
				    rs, r->header, strlen(r->header), &seqs);
				check_seqs(rs, seqs, n);
				n = rules_count(rs);
			}
		}
		n = rules_for_any_header(rs, &seqs);
		check_seqs(rs, seqs, n);
		n = rules_message_rules(rs, &seqs);
		check_seqs(rs, seqs, n);
		n = rules_for_header(rs, "Received", 8, &seqs);
		check_seqs(rs, seqs, n);
		(void)rules_max_captures(rs);
		rules_ref(rs);
		rules_unref(rs);
		rules_unref(rs);
	}
	pm_diags_free(&diags);
	free(text);
	return (0);
}
