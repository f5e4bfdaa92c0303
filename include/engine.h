/*++
/* NAME
/*	engine 3h
/* SUMMARY
/*	pure header rewriting: (ruleset, session, headers) -> edits
/* SYNOPSIS
/*	#include "engine.h"
/* DESCRIPTION
/*	engine_run() is a pure function of its parameters and the ordered
/*	list of headers as the MTA showed them. It knows nothing of
/*	libmilter. A header value is the text after the colon exactly as
/*	the MTA gives it with SMFIP_HDR_LEADSPC (leading white space kept,
/*	folded lines joined by "\n" or "\r\n" followed by white space).
/*
/*	For each header, the candidate rules (dispatch on the header name,
/*	merged with the name-less rules, in file order) are tried; the
/*	first rule whose guards, pattern and condition match acts and ends
/*	evaluation for that header, unless it carries RULES_F_CONTINUE, in
/*	which case later rules see the rewritten value. Message-level
/*	rules (RULES_ADD) run once after the headers.
/*
/*	Edits refer to positions in the ORIGINAL header list:
/*	ENGINE_CHANGE and ENGINE_DELETE name header pos; ENGINE_INSERT
/*	puts a header above original header pos (pos == nheaders: after
/*	the last); ENGINE_ADD appends at the end. At most one CHANGE or
/*	DELETE exists per position. New values are safe: no CR, LF (but
/*	the "\n" of a fold) or NUL from replacement text, re-folded so no
/*	line exceeds 998 octets (folding at about 78).
/*
/*	Each edit names the rules that made it, in evaluation order
/*	(rules, nrules; rule is the last of them): for a CHANGE every
/*	rule of a continue chain whose rewrite changed the value (when
/*	only re-folding changed it, the last rule that acted); for an
/*	INSERT made while a header is evaluated, those rules and the
/*	inserting one (its text saw their result); for a DELETE the
/*	removing rule; for an ADD the adding rule. Built-in edits (TLS
/*	header) have none. A rule appears at most once per edit.
/*
/*	DKIM: a header named in the h= tag of a DKIM-Signature present in
/*	the message is not changed unless the rule has RULES_F_FORCE; the
/*	skip is reported as an ENGINE_NOTE_DKIM_SKIP note.
/*
/*	TLS header: when params->tls_header_name is set, copies of that
/*	header whose authserv-id equals params->authserv_id are deleted
/*	(forgery) and params->tls_header_value, if not NULL, is inserted
/*	above original header 0 (milter insert index 1: just below the
/*	MTA's own Received). With params->trusted_reinjection, existing
/*	copies are kept and nothing is inserted.
/*
/*	engine_milter_ops() turns edits into libmilter calls (still pure):
/*	first every insert, top-down (smfi_insheader index counts all
/*	headers from 0, including the `hidden' headers the MTA did not
/*	show: 1 for Postfix's own Received), then changes and deletes
/*	per name, bottom-up (smfi_chgheader index: 1-based occurrence of
/*	the name among the headers, counting inserted headers of the same
/*	name above it), then adds.
/* DIAGNOSTICS
/*	engine_run() returns -1 and fills err (naming the rule's
/*	file:line) when a match limit is hit, a pseudonym is asked for
/*	without a key, a REPLACE text does not form a header, or memory
/*	runs out. The caller applies the fail policy; result is empty.
/*--*/
#ifndef PM_ENGINE_H
#define PM_ENGINE_H

#include <stddef.h>

#include "rules.h"
#include "session.h"
#include "util.h"

struct pseudonym_key;

struct engine_header {
	const char *name;
	const char *value; /* after the colon, as given */
};

enum engine_op {
	ENGINE_CHANGE,
	ENGINE_DELETE,
	ENGINE_INSERT,
	ENGINE_ADD,
};

struct engine_edit {
	enum engine_op op;
	size_t pos; /* original position (see DESCRIPTION) */
	char *name; /* header name */
	char *value; /* new value with leading space; NULL: DELETE */
	const struct rule *rule; /* NULL: built-in (TLS header) */
	const char *why; /* built-in reason, e.g. "tls-header" */
	const struct rule **rules; /* contributing rules, see below */
	size_t nrules; /* 0: built-in; else rule == rules[n-1] */
};

enum engine_note_kind {
	ENGINE_NOTE_LOG, /* WARN/INFO/log rule matched */
	ENGINE_NOTE_LOGONLY, /* RULES_F_LOGONLY: edit not made */
	ENGINE_NOTE_DKIM_SKIP, /* edit skipped: header is DKIM-signed */
};

struct engine_note {
	enum engine_note_kind kind;
	size_t pos; /* original header position */
	const struct rule *rule;
	enum engine_op op; /* edit not made (LOG: CHANGE) */
};

struct engine_result {
	struct engine_edit *edits;
	size_t nedits;
	struct engine_note *notes;
	size_t nnotes;
};

struct engine_params {
	const struct ruleset *rules;
	const struct pm_session *session;
	const struct pseudonym_key *key; /* NULL: pseudonymize fails */
	const char *tls_header_name; /* NULL: no TLS header handling */
	const char *tls_header_value; /* value to insert, NULL: none */
	const char *authserv_id; /* our id in the TLS header */
	int trusted_reinjection;
};

/* engine_run - compute the edits for one message; see DIAGNOSTICS */
int engine_run(const struct engine_params *, const struct engine_header *,
    size_t nheaders, struct engine_result *, struct pm_error *);

void engine_result_free(struct engine_result *);

enum engine_mop_kind {
	ENGINE_MOP_CHGHEADER, /* smfi_chgheader(name, index, value) */
	ENGINE_MOP_INSHEADER, /* smfi_insheader(index, name, value) */
	ENGINE_MOP_ADDHEADER, /* smfi_addheader(name, value) */
};

struct engine_mop {
	enum engine_mop_kind kind;
	int index;
	const char *name; /* points into the result */
	const char *value; /* NULL with CHGHEADER: delete */
};

/* engine_milter_ops - order and index the edits for libmilter */
int engine_milter_ops(const struct engine_header *, size_t nheaders,
    const struct engine_result *, size_t hidden, struct engine_mop **ops,
    size_t *nops);

/* engine_apply - the rewritten header list (offline tester, tests) */
int engine_apply(const struct engine_header *, size_t nheaders,
    const struct engine_result *, struct engine_header **out,
    size_t *nout); /* out[i] strings point into inputs/result */

/*
 * engine_safe_value - append to out a safe, re-folded copy of a new value
 * for a header whose name is namelen octets long: no CR, LF or NUL but in
 * the "\n" + WSP of a fold, lines within 78 octets where white space
 * allows and never over 998, never an empty or white-space-only line.
 */
int engine_safe_value(
    size_t namelen, const char *value, size_t len, struct pm_buf *out);

#endif
