/*++
/* NAME
/*	rules 3h
/* SUMMARY
/*	rules files: Postfix pcre header_checks lines and native rules
/* SYNOPSIS
/*	#include "rules.h"
/* DESCRIPTION
/*	rules_load() parses one or more rules files, in order, into one
/*	immutable, reference-counted struct ruleset. A file may mix
/*	Postfix pcre header_checks lines (pcre_table(5): "/re/flags ACTION",
/*	"!/re/", "if /re/" ... "endif") and native rules ("ACTION HEADER
/*	[/re/flags] [with "TEXT"] [when CONDITION] [OPTION ...]"); the
/*	syntax is specified in privacy-milter.rules(5).
/*
/*	Problems go to the diags list, each with file:line. Header_checks
/*	actions that make no sense in a milter (REJECT, DISCARD, HOLD,
/*	FILTER, REDIRECT, BCC, ...) are skipped with a warning, or are
/*	errors when opts->strict is set. rules_load() returns NULL when
/*	any error was reported.
/*
/*	Evaluation order is file order (rule->seq). For fast dispatch each
/*	rule records the literal header name it can only ever match
/*	(rule->header, lower case), or NULL when it may match any header.
/*	rules_for_header() returns, in evaluation order, the seqs of rules
/*	whose rule->header equals the name; rules_for_any_header() those
/*	with rule->header == NULL. The engine merges the two lists.
/*
/*	rules_cond_eval() evaluates a native rule's condition against the
/*	session. rules_expand() expands $1..$9, ${n}, $(n) and $$ in an
/*	action text with the captures of a match.
/*
/*	A ruleset is shared by threads once built: nothing in it changes
/*	but the reference count. rules_ref()/rules_unref() are atomic.
/*--*/
#ifndef PM_RULES_H
#define PM_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"
#include "util.h"

enum rules_action {
	RULES_REMOVE, /* IGNORE, native remove */
	RULES_REPLACE_LINE, /* REPLACE text: whole "Name: value" line */
	RULES_REPLACE_VALUE, /* native replace: new value, same name */
	RULES_PREPEND, /* PREPEND text: insert "Name: value" above */
	RULES_REDACT, /* every match in the value -> text */
	RULES_PSEUDONYMIZE, /* every match in the value -> keyed token */
	RULES_ADD, /* message level: add "name: text" at the end */
	RULES_LOG, /* WARN, INFO, native log */
	RULES_STOP, /* DUNNO, OK, native keep */
};

/* What the pattern is matched against. */
enum rules_subject {
	RULES_SUBJ_LINE, /* "Name:value" (header_checks) */
	RULES_SUBJ_VALUE, /* the value only (native rules) */
};

#define RULES_F_CONTINUE (1u << 0) /* next rules see the result */
#define RULES_F_LOGONLY (1u << 1) /* log the edit, do not make it */
#define RULES_F_FORCE (1u << 2) /* edit even DKIM-signed headers */

/* One pattern with its negation (header_checks "!/re/"). */
struct rules_pattern {
	pcre2_code *re;
	int negate;
	uint32_t ncapture; /* capture groups in re */
};

struct rules_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
};

enum rules_cond_kind {
	RULES_C_AND,
	RULES_C_OR,
	RULES_C_NOT,
	RULES_C_AUTHENTICATED,
	RULES_C_LOCAL,
	RULES_C_TLS,
	RULES_C_SERVICE, /* {daemon_name} in names */
	RULES_C_PORT, /* {daemon_port} in names */
	RULES_C_CLIENT, /* client address in cidrs */
	RULES_C_LOGIN, /* {auth_authen} in names, or re */
	RULES_C_SENDER_DOMAIN, /* sender domain in names (".dom": subdomains) */
};

struct rules_cond {
	enum rules_cond_kind kind;
	struct rules_cond *a, *b; /* AND/OR: a, b; NOT: a */
	char **names;
	size_t nnames;
	struct rules_cidr *cidrs;
	size_t ncidrs;
	pcre2_code *re; /* LOGIN /re/ */
};

struct rule {
	unsigned seq; /* evaluation order, 0-based */
	const char *file; /* owned by the ruleset */
	unsigned line;
	char *id; /* "file:line", for logs */
	enum rules_subject subject;
	char *header; /* lower-case dispatch name, NULL: any */
	char *name; /* native: header name as written */
	struct rules_pattern pat; /* pat.re NULL: matches every header */
	const struct rules_pattern **guards; /* enclosing "if" patterns */
	size_t nguards;
	struct rules_cond *when; /* NULL: always */
	enum rules_action action;
	char *action_word; /* as written: "IGNORE", "redact", ... */
	char *text; /* action text template, may hold $n */
	unsigned flags; /* RULES_F_* */
};

struct rules_options {
	int strict; /* unusable header_checks action: error */
	int jit; /* try PCRE2 JIT (falls back silently) */
	uint32_t match_limit; /* 0: library default */
	uint32_t depth_limit; /* 0: library default */
};

struct ruleset;

/* rules_load - parse files in order; NULL on error (see diags) */
struct ruleset *rules_load(const char *const *files, size_t nfiles,
    const struct rules_options *, struct pm_diags *);

/* rules_load_string - parse text as if read from a file named name */
struct ruleset *rules_load_string(const char *name, const char *text,
    size_t len, const struct rules_options *, struct pm_diags *);

void rules_ref(struct ruleset *);
void rules_unref(struct ruleset *); /* frees at zero; NULL is fine */

size_t rules_count(const struct ruleset *);
const struct rule *rules_get(const struct ruleset *, unsigned seq);

/* rules_for_header - seqs of rules dispatched on this name (any case) */
size_t rules_for_header(const struct ruleset *, const char *name,
    size_t namelen, const unsigned **seqs);

/* rules_for_any_header - seqs of rules with rule->header == NULL */
size_t rules_for_any_header(const struct ruleset *, const unsigned **seqs);

/* rules_message_rules - seqs of message-level rules (RULES_ADD) */
size_t rules_message_rules(const struct ruleset *, const unsigned **seqs);

/* rules_opts - the options the ruleset was built with */
const struct rules_options *rules_opts(const struct ruleset *);

/* rules_match_context - match context with the limits; use it for every match */
pcre2_match_context *rules_match_context(const struct ruleset *);

/* rules_max_captures - largest capture count of any pattern (for match data) */
uint32_t rules_max_captures(const struct ruleset *);

/*
 * rules_match - 1 if the rule's guards, pattern and condition all match,
 * 0 if not, -1 on a match limit or other error (err names file:line).
 * line is "Name:value" (what header_checks patterns see), value the value
 * alone (what native patterns see). md must hold rules_max_captures()+1
 * pairs; on 1 it holds the captures of the rule's own pattern against its
 * subject (none for a negated pattern or a rule without pattern).
 */
int rules_match(const struct ruleset *, const struct rule *, const char *line,
    size_t linelen, const char *value, size_t valuelen,
    const struct pm_session *, pcre2_match_data *md, struct pm_error *err);

/* rules_cond_eval - 1 if the condition holds (NULL holds) */
int rules_cond_eval(const struct rules_cond *, const struct pm_session *);

/* rules_expand - expand $n in text with captures of subject; -1: ENOMEM */
int rules_expand(const char *text, const char *subject,
    const PCRE2_SIZE *ovector, uint32_t npairs, struct pm_buf *out);

#endif
