/*++
/* NAME
/*	unit 3h
/* SUMMARY
/*	helpers shared by the unit tests of the engine, edits and fold
/* SYNOPSIS
/*	#include "unit.h"
/* DESCRIPTION
/*	load() and load_opts() parse rules from text (file "t.rules") or
/*	fail the test. run_full() is engine_run() with every parameter.
/*	edits_str(), notes_str(), rule_lines() and apply_str() render a
/*	result as text: "OP pos Name:value" per edit, "KIND pos line OP"
/*	per note, the lines of the rules an edit names, the header list
/*	edits_apply() gives. expect() runs rules over headers and compares
/*	all three renderings.
/*
/*	sim_run() simulates libmilter's header operations as Postfix and
/*	Sendmail carry them out: the list starts with `hidden' headers the
/*	milter never saw; smfi_insheader(idx) puts the header at position
/*	idx of the whole list (hidden ones included; past the end appends);
/*	smfi_chgheader(name, idx) acts on the idx-th (1-based) visible header
/*	of that name, a NULL value deletes it; smfi_addheader appends.
/*	check_ops_match_apply() checks that the simulated milter operations
/*	give edits_apply()'s list.
/*
/*	check_lines() asserts that every line of "Name:value" is within max
/*	octets and that every line break is a fold; it returns the number of
/*	lines. unfold() removes every "\n\t" fold, putting with instead.
/*--*/
#ifndef PM_UNIT_H
#define PM_UNIT_H

#include "edits.h"
#include "engine.h"
#include "pseudonym.h"
#include "rules.h"
#include "session.h"

#define F "t.rules"
#define NH(a) (sizeof(a) / sizeof((a)[0]))

/* The simulated header list (see sim_run()). */
struct sim {
	const char *name[256];
	const char *value[256];
	int hidden[256];
	size_t n;
};

struct ruleset *load_opts(const char *text, const struct rules_options *);
struct ruleset *load(const char *text);
const char *op_name(enum engine_op);
char *edits_str(const struct engine_result *);
char *notes_str(const struct engine_result *);
char *rule_lines(const struct engine_edit *);
char *apply_str(
    const struct engine_header *, size_t, const struct engine_result *);
int run_full(const struct ruleset *, const struct pm_session *,
    const struct pseudonym_key *, const struct engine_header *, size_t,
    struct engine_result *, struct pm_error *);
void expect(const char *rules, const struct engine_header *, size_t,
    const char *want_edits, const char *want_notes, const char *want_apply);
void sim_run(struct sim *, const struct engine_header *, size_t, size_t hidden,
    const struct edits_mop *, size_t);
char *sim_str(const struct sim *);
void check_ops_match_apply(const struct engine_header *, size_t,
    const struct engine_result *, size_t hidden);
size_t check_lines(size_t namelen, const char *v, size_t max);
char *unfold(const char *v, const char *with);

#endif
