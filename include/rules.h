/*++
/* NAME
/*	rules 3h
/* SUMMARY
/*	rules files: Postfix pcre header_checks lines and native rules
/* SYNOPSIS
/*	#include "rules.h"
/*
/*	struct ruleset *rules_load(files, nfiles, opts, diags)
/*	struct ruleset *rules_load_string(name, text, len, opts, diags)
/*	void	rules_ref(rs), rules_unref(rs)
/*	size_t	rules_count(rs)
/*	const struct rule *rules_get(rs, seq)
/*	size_t	rules_for_header(rs, name, namelen, &seqs)
/*	size_t	rules_for_any_header(rs, &seqs)
/*	size_t	rules_message_rules(rs, &seqs)
/*	const struct rules_options *rules_opts(rs)
/*	const struct match_ctx *rules_match_ctx(rs)
/*	uint32_t rules_max_captures(rs)
/*	unsigned rules_detect_kinds(rs)
/*	size_t	rules_keep_networks(rs, &nets)
/*	const struct rules_names *rules_detect_except(rs)
/*	int	rules_names_has(list, name, len)
/*	int	rules_match(rs, rule, line, linelen, value, valuelen, ev, err)
/* DESCRIPTION
/*	rules_load() parses one or more rules files, in order, into one
/*	immutable, reference-counted struct ruleset; rules_load_string()
/*	parses text as if read from a file named name. A file may mix
/*	Postfix pcre header_checks lines (pcre_table(5): "/re/flags ACTION",
/*	"!/re/", "if /re/" ... "endif"; parsed by rules_hc.c) and native
/*	rules ("ACTION HEADERS [/re/flags | find KIND, ...] [with "TEXT"]
/*	[except HEADERS] [when CONDITION] [OPTION ...]", and the statement
/*	"keep-networks CIDR, ..."; parsed by rules_native.c); the language
/*	is specified in privacy-milter.rules(5). Logical lines are read the way Postfix's
/*	readlline() does: a line that starts with white space continues the
/*	previous one; blank lines and lines whose first non-blank character
/*	is '#' are skipped, also between continued lines. A line that starts
/*	with a letter or digit is "if", "endif" (any case, as in Postfix) or
/*	a native rule; any other line is a header_checks line.
/*
/*	Patterns are compiled by match_compile() with the pcre_table(5)
/*	defaults (caseless and dotall on; each flag letter toggles), and
/*	JIT-compiled when opts->jit is set. Replacement texts are parsed
/*	once, into templates (template.h).
/*
/*	Evaluation order is file order (rule->seq). For dispatch each rule
/*	records the literal header name it can only ever match
/*	(rule->header, lower case), or NULL when it may match any header; a
/*	native rule with a list of literal names is dispatched under each;
/*	one with "*" or a glob ("X-MS-*") is tried for every header and
/*	tests the name itself, as it tests its "except" list:
/*	for header_checks lines the name of a pattern of the form "^Name:",
/*	only when nothing in the pattern or its flags could make it match
/*	another header, else that of an enclosing non-negated "if" of that
/*	form. rules_for_header() returns, in evaluation order, the seqs of
/*	the rules whose rule->header equals name (any case);
/*	rules_for_any_header() those with rule->header NULL;
/*	rules_message_rules() the message-level rules (RULES_ADD), which
/*	are in neither list. The engine merges the first two.
/*
/*	rules_count() and rules_get() give the rules by seq (NULL out of
/*	range). rules_opts() returns the options the set was built with,
/*	rules_match_ctx() its PCRE2 match context (limits) for every match,
/*	rules_max_captures() the largest capture count of its patterns
/*	(match data for the set needs that plus one pairs).
/*
/*	rules_detect_kinds() is the union of the DETECT_* kinds the set's
/*	"find" rules use (0: none; the engine then prepares no detectors).
/*	rules_keep_networks() gives the networks of the set's
/*	"keep-networks" statements, which the "address" kind leaves alone.
/*	rules_detect_except() gives the "except" list of the set's last
/*	rule that finds addresses (the headers the rules treat as the
/*	user's own content; NULL when there is none): the audit judges by
/*	the same line. rules_names_has() says whether a header name is in
/*	such a list (a glob "X-*" matches by prefix; any case).
/*
/*	rules_match() is the one question asked of a rule: do its header
/*	names, its condition (against ev->facts), its "if" guards (matched
/*	against line, "Name:value") and its pattern (against line for
/*	header_checks rules, value for native rules) all hold, or for a
/*	"find" rule, do its detectors find anything in value? 1 yes, 0 no,
/*	-1 on a match error. ev->md must hold rules_max_captures()+1
/*	pairs; on 1 it holds the captures of the rule's own pattern (none
/*	for a negated pattern or a rule without one), and ev->hits the
/*	parts of the value a "find" rule found. ev->detect must be
/*	prepared (detect_prepare()) when the set has "find" rules.
/*
/*	Each rule has a stable identity, rule->ident (never 0), for
/*	counters that must follow a rule across reloads (privacy-milter(8)
/*	"Monitoring"): a rule named with the native option "name NAME"
/*	(rule->label) is that name, wherever it stands and whatever it says;
/*	any other rule is its file's base name and its text, white space
/*	runs counted as one space, so a rule that moves, by lines added
/*	above it or by a change of directory, keeps it. The second and later
/*	rules with the same text in the same file add their rank among
/*	them. A name is letters, digits, '-', '_' and '.', at most
/*	RULES_NAME_MAX bytes, starting with a letter, and unique in the set.
/*
/*	A ruleset is shared by threads once built: nothing in it changes
/*	but the reference count. rules_ref()/rules_unref() are atomic;
/*	the last rules_unref() frees it; NULL is accepted.
/*
/*	Decisions beyond Postfix: lines Postfix would skip with a warning
/*	are errors (a skipped scrubbing rule means unscrubbed mail), but
/*	for actions a milter cannot do (REJECT, DISCARD, HOLD, FILTER,
/*	REDIRECT, BCC, 4NN/5NN replies, ...: a warning, or an error with
/*	opts->strict) and the obsolete X flag; a CIDR with host bits set
/*	beyond its prefix is an error, as in Postfix cidr tables;
/*	"sender-domain .dom" matches dom and its subdomains.
/* DIAGNOSTICS
/*	rules_load() and rules_load_string() return NULL when any error was
/*	reported. Every problem goes to diags with file:line (and a column
/*	when it helps); all problems of a file are reported, up to 100
/*	errors per file; a name used twice is an error at the second use.
/*	rules_match() fills err as match_exec() does,
/*	naming the file:line of the rule or of the "if" whose pattern
/*	failed.
/*--*/
#ifndef PM_RULES_H
#define PM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "match.h"
#include "net.h"
#include "session.h"
#include "template.h"
#include "util.h"

enum rules_action {
	RULES_REMOVE, /* IGNORE, native remove */
	RULES_REPLACE_LINE, /* REPLACE text: whole "Name: value" line */
	RULES_REPLACE_VALUE, /* native replace: new value, same name */
	RULES_PREPEND, /* PREPEND text: insert "Name: value" above */
	RULES_REDACT, /* native: every match in the value -> text */
	RULES_PSEUDONYMIZE, /* native: every match in the value -> token */
	RULES_ADD, /* native, message level: add "name: text" at the end */
	RULES_LOG, /* WARN, INFO, native log */
	RULES_STOP, /* DUNNO, OK, native keep */
	RULES_UTC, /* native utc: a date written in UTC */
};

/* What the pattern is matched against. */
enum rules_subject {
	RULES_SUBJ_LINE, /* "Name:value" (header_checks) */
	RULES_SUBJ_VALUE, /* the value only (native rules) */
};

#define RULES_NAME_MAX 64 /* bytes of a rule's "name" */

#define RULES_F_CONTINUE (1u << 0) /* next rules see the result */
#define RULES_F_LOGONLY (1u << 1) /* log the edit, do not make it */
#define RULES_F_FORCE (1u << 2) /* edit even DKIM-signed headers */

/* An "if /re/" block; the rules inside point at it. */
struct rules_guard {
	struct match_pattern pat; /* matched against "Name:value" */
	const char *file;
	unsigned line;
	char *header; /* dispatch name of the guard, or NULL */
};

/* A list of header names and prefix globs ("X-MS-Exchange-*", "*"). */
struct rules_names {
	char **v; /* as written */
	size_t *len; /* strlen(v[i]), without a glob's "*" */
	size_t n;
	size_t cap;
	size_t caplen;
	int globs; /* some entry ends in "*" */
};

struct rule {
	unsigned seq; /* evaluation order, 0-based */
	const char *file; /* owned by the ruleset */
	unsigned line;
	enum rules_subject subject;
	char *header; /* lower-case dispatch name, NULL: any */
	char *name; /* native: HEADERS as written */
	struct rules_names sel; /* native HEADERS with globs; n 0: header */
	struct rules_names except; /* native "except HEADERS" */
	unsigned find; /* DETECT_* kinds instead of a pattern; 0: none */
	struct match_pattern pat; /* pat.re NULL: matches every header */
	const struct rules_guard *
	    *guards; /* enclosing "if"s, outermost first */
	size_t nguards;
	struct match_cond *when; /* NULL: always */
	enum rules_action action;
	char *action_word; /* as written: "IGNORE", "redact", ... */
	struct template_text *text; /* NULL: none */
	unsigned flags; /* RULES_F_* */
	char *label; /* native "name NAME", NULL: none */
	uint64_t ident; /* stable identity, never 0 (see DESCRIPTION) */
};

struct rules_options {
	int strict; /* unusable header_checks action: error */
	int jit; /* try PCRE2 JIT (falls back silently) */
	uint32_t match_limit; /* 0: library default */
	uint32_t depth_limit; /* 0: library default */
};

struct ruleset;

/*
 * What a rule is evaluated against besides the header: the facts of one
 * message, the detectors prepared for its session, match data for the
 * set, and the hits of the last "find" rule that matched.
 */
struct rules_eval {
	struct match_facts facts;
	const struct detect_set *detect; /* NULL: the set has no "find" */
	pcre2_match_data *md; /* rules_max_captures() + 1 pairs */
	struct detect_hits hits;
};

struct ruleset *rules_load(const char *const *files, size_t nfiles,
    const struct rules_options *, struct pm_diags *);
struct ruleset *rules_load_string(const char *name, const char *text,
    size_t len, const struct rules_options *, struct pm_diags *);
void rules_ref(struct ruleset *);
void rules_unref(struct ruleset *);

size_t rules_count(const struct ruleset *);
const struct rule *rules_get(const struct ruleset *, unsigned seq);
size_t rules_for_header(const struct ruleset *, const char *name,
    size_t namelen, const unsigned **seqs);
size_t rules_for_any_header(const struct ruleset *, const unsigned **seqs);
size_t rules_message_rules(const struct ruleset *, const unsigned **seqs);
const struct rules_options *rules_opts(const struct ruleset *);
const struct match_ctx *rules_match_ctx(const struct ruleset *);
uint32_t rules_max_captures(const struct ruleset *);
unsigned rules_detect_kinds(const struct ruleset *);
size_t rules_keep_networks(const struct ruleset *, const struct pm_net **);
const struct rules_names *rules_detect_except(const struct ruleset *);
int rules_names_has(const struct rules_names *, const char *name, size_t len);

int rules_match(const struct ruleset *, const struct rule *, const char *line,
    size_t linelen, const char *value, size_t valuelen, struct rules_eval *,
    struct pm_error *err);

#endif
