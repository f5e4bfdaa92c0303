/*++
/* NAME
/*	rules_impl 3h
/* SUMMARY
/*	what rules.c, rules_hc.c and rules_native.c share (not a contract)
/* SYNOPSIS
/*	#include "rules_impl.h"
/* DESCRIPTION
/*	The ruleset and the parser state of one file, with the few helpers
/*	the two line parsers need. Nothing outside the three rules files
/*	includes this header; the public contract is include/rules.h.
/*
/*	rules_perr() reports a problem of the line being parsed (counting
/*	errors and warnings, giving up after RULES_MAX_ERRORS errors);
/*	rules_enomem() reports an allocation failure as such.
/*	rules_new_rule() appends a zeroed rule guarded by the open "if"
/*	blocks, rules_drop_last() takes it back after an error.
/*	rules_guard_header() gives a rule without a dispatch name the one
/*	of its innermost named "if". rules_compile() compiles a scanned
/*	pattern (column of a PCRE2 error included). rules_text() parses a
/*	replacement text into a template. rules_word_is() compares a
/*	counted word with a literal, ignoring case.
/*
/*	rules_scan_pattern() (rules_hc.c) reads "[!]DELIM re DELIM flags",
/*	the pcre_table(5) pattern syntax that native rules share.
/*--*/
#ifndef PM_RULES_IMPL_H
#define PM_RULES_IMPL_H

#include <stdatomic.h>

#include "rules.h"

#define RULES_MAX_ERRORS 100 /* per file, then give up */

/* Dispatch: header name -> seqs of its rules, open addressing. */
struct rules_bucket {
	char *name; /* lower case; NULL: empty slot */
	size_t namelen;
	unsigned *seqs;
	size_t n;
	size_t cap;
};

struct ruleset {
	atomic_uint refs;
	struct rules_options opts;
	struct rule *rules;
	size_t nrules;
	size_t caprules;
	char **files;
	size_t nfiles;
	size_t capfiles;
	struct rules_guard **guards; /* every "if" of every file */
	size_t nguards;
	size_t capguards;
	struct match_ctx mc;
	uint32_t maxcap;
	struct rules_bucket *tab; /* power of 2 */
	size_t tabsize;
	unsigned *any;
	size_t nany;
	unsigned *msg;
	size_t nmsg;
	unsigned detect_kinds; /* union of the rules' "find" kinds */
	struct pm_net *keep; /* "keep-networks" */
	size_t nkeep;
	size_t capkeep;
};

/* Parser state for one file. */
struct rules_parser {
	struct ruleset *rs;
	const char *file; /* owned by rs */
	struct pm_diags *diags;
	size_t nerrors; /* this file */
	size_t total_errors; /* whole load */
	size_t nwarnings;
	int gave_up;
	struct rules_guard **stack; /* open "if" blocks */
	size_t depth;
	size_t capstack;
};

/* A pattern as written, before compilation. */
struct rules_patsrc {
	int negate;
	const char *re; /* points into the line */
	size_t relen;
	uint32_t options;
	unsigned col; /* 1-based column of the delimiter */
	unsigned recol; /* 1-based column of the first re byte */
};

void rules_perr(struct rules_parser *, enum pm_severity, unsigned line,
    unsigned col, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void rules_enomem(struct rules_parser *, unsigned line);
struct rule *rules_new_rule(struct rules_parser *, unsigned line);
void rules_drop_last(struct rules_parser *);
int rules_guard_header(struct rules_parser *, struct rule *);
int rules_compile(struct rules_parser *, unsigned line,
    const struct rules_patsrc *, struct match_pattern *);
int rules_text(struct rules_parser *, unsigned line, unsigned col,
    const char *text, int native, struct template_text **);
int rules_word_is(const char *w, size_t len, const char *lit);

/* rules_hc.c */
int rules_scan_pattern(struct rules_parser *, unsigned line, const char *s,
    size_t *pos, int allow_negation, struct rules_patsrc *);
void rules_parse_hc(struct rules_parser *, unsigned line, const char *s);
void rules_parse_if(struct rules_parser *, unsigned line, const char *s);
void rules_parse_endif(struct rules_parser *, unsigned line, const char *s);

/* rules_native.c */
void rules_parse_native(struct rules_parser *, unsigned line, const char *s);
void rules_parse_keep_networks(
    struct rules_parser *, unsigned line, const char *s);

#endif
