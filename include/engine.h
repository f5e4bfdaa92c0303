/*++
/* NAME
/*	engine 3h
/* SUMMARY
/*	pure header rewriting: (ruleset, session, headers) -> edits
/* SYNOPSIS
/*	#include "engine.h"
/*
/*	int	engine_run(const struct engine_params *params,
/*		    const struct engine_header *headers, size_t nheaders,
/*		    struct engine_result *result, struct pm_error *err)
/*	void	engine_result_free(struct engine_result *result)
/*	int	engine_forwarded(const struct engine_header *headers,
/*		    size_t nheaders)
/* DESCRIPTION
/*	engine_run() is a pure function of its parameters and the ordered
/*	list of headers as the MTA showed them: no libmilter, no logging,
/*	no global state; threads may share a ruleset. A header value is the
/*	text after the colon exactly as the MTA gives it with
/*	SMFIP_HDR_LEADSPC (leading white space kept, folded lines joined by
/*	"\n" or "\r\n" followed by white space).
/*
/*	Facts of the message, before any rule runs: whether it is
/*	forwarded (engine_forwarded(): it carries X-Sieve-Redirected-From,
/*	Delivered-To, X-Original-To, Resent-From, Resent-Sender or
/*	Resent-Date, or Auto-Submitted: auto-replied or auto-notified; the
/*	"forwarded" and "submitted" conditions read it), and, when the rules
/*	"find", the detectors of the session (detect.h: its client address,
/*	names and login; this server's names params->authserv_id and
/*	params->own_host are never found; the address kind leaves the
/*	rules' keep-networks alone).
/*
/*	Order of work: the DKIM-signed header names are collected (dkim.h);
/*	the TLS header is inserted and forged copies of it are deleted
/*	before any rule sees them; each other header goes through its
/*	candidate rules (dispatch on the header name merged with the
/*	name-less rules, in file order): the first rule that matches
/*	(rules_match()) acts and ends evaluation for that header, unless it
/*	carries RULES_F_CONTINUE, in which case later rules see the
/*	rewritten value. Then the message-level rules (RULES_ADD) run once.
/*
/*	Edits refer to positions in the ORIGINAL header list:
/*	ENGINE_CHANGE and ENGINE_DELETE name header pos; ENGINE_INSERT
/*	puts a header above original header pos (pos == nheaders: after
/*	the last); ENGINE_ADD appends at the end. At most one CHANGE or
/*	DELETE exists per position. Every new value goes through
/*	fold_value(): no CR, LF or NUL but in the "\n" + WSP of a fold,
/*	re-folded so no line exceeds 998 octets (folding at about 78).
/*	edits.h turns edits into libmilter calls or a new header list.
/*
/*	Each edit names the rules that made it, in evaluation order
/*	(rules, nrules; rule is the last of them): for a CHANGE every
/*	rule of a continue chain whose rewrite changed the value (when
/*	only re-folding changed it, the last rule that acted); for an
/*	INSERT made while a header is evaluated, those rules and the
/*	inserting one (its text saw their result); for a DELETE the
/*	removing rule; for an ADD the adding rule. Built-in edits (TLS
/*	header) have none and say why ("tls-header", "forged-tls-header").
/*	A rule appears at most once per edit: an admin must see which rule
/*	removed what; a rewrite that changed nothing is not named.
/*
/*	What each action does (one function each in engine.c): remove
/*	deletes the header; REPLACE text naming the same header replaces
/*	its value, naming another deletes it and inserts the new one above
/*	(which ends evaluation like a removal); replace sets a new value
/*	(with one leading space); redact and pseudonymize substitute every
/*	match of the pattern in the value as Perl's s///g does, empty
/*	matches included, or every part the rule's detectors found ("find"),
/*	by the expanded text or by a keyed token (pseudonym.h); PREPEND
/*	inserts above; log records a note; keep and
/*	DUNNO/OK end evaluation. A change whose final value equals the
/*	original is no edit. Expanded texts go through fold_scrub().
/*
/*	One check decides whether an edit is made: a rule with
/*	RULES_F_LOGONLY records an ENGINE_NOTE_LOGONLY note with the edit it
/*	would have made, leaves the header as it was and ends evaluation
/*	unless it has "continue"; a change or delete of a DKIM-signed
/*	header without RULES_F_FORCE records an ENGINE_NOTE_DKIM_SKIP note
/*	and ends evaluation, keeping what forced rules already did. An
/*	insert above a signed header changes nothing a verifier hashes.
/*
/*	TLS header: when params->tls_header_name is set, copies of that
/*	header whose authserv-id equals params->authserv_id are deleted
/*	(forgery), DKIM-signed or not: a signature vouches for the sender's
/*	text, not for our authserv-id; params->tls_header_value, if not
/*	NULL, is inserted above original header 0 (milter insert index 1:
/*	just below the MTA's own Received). With
/*	params->trusted_reinjection, existing copies are kept and nothing is
/*	inserted. In forwarded mail existing copies are kept: they record
/*	the hop that brought the message in.
/*
/*	What the counters need (privacy-milter(8) "Monitoring"), also in
/*	the result: matched lists every rule that matched, once for each
/*	header it matched (a message-level rule: once when its condition
/*	held), in evaluation order, whatever it then did (an edit, a note,
/*	nothing: keep, or a rewrite that changed nothing); found[i] counts
/*	the parts of values that the detectors of matching "find" rules
/*	found, for kind bit (1u << i) (detect.h; a part found by two kinds
/*	counts for each); forwarded is engine_forwarded() of the message.
/*
/*	engine_result_free() releases the edits, notes and matched rules.
/* DIAGNOSTICS
/*	engine_run() returns -1 and fills err, naming the rule's file:line,
/*	when a match limit is hit, a pseudonym is asked for without a key,
/*	a REPLACE or PREPEND text does not form a header, or memory runs
/*	out; err->cause says which of these (util.h). The caller applies
/*	the fail policy; result is then empty but for forwarded.
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
	const struct rule **rules; /* contributing rules, see above */
	size_t nrules; /* 0: built-in; else rule == rules[n-1] */
};

enum engine_note_kind {
	ENGINE_NOTE_LOG, /* WARN/INFO/log rule matched */
	ENGINE_NOTE_LOGONLY, /* RULES_F_LOGONLY: edit not made */
	ENGINE_NOTE_DKIM_SKIP, /* edit skipped: header is DKIM-signed */
};

struct engine_note {
	enum engine_note_kind kind;
	size_t pos; /* original header position; nheaders: message */
	const struct rule *rule;
	enum engine_op op; /* edit not made (LOG: CHANGE) */
};

struct engine_result {
	struct engine_edit *edits;
	size_t nedits;
	struct engine_note *notes;
	size_t nnotes;
	const struct rule **matched; /* see DESCRIPTION */
	size_t nmatched;
	unsigned long found[DETECT_NKINDS]; /* parts found, per kind bit */
	int forwarded; /* engine_forwarded() */
};

struct engine_params {
	const struct ruleset *rules; /* NULL: TLS header only */
	const struct pm_session *session;
	const struct pseudonym_key *key; /* NULL: pseudonymize fails */
	const char *tls_header_name; /* NULL: no TLS header handling */
	const char *tls_header_value; /* value to insert, NULL: none */
	const char *authserv_id; /* our id in the TLS header */
	const char *own_host; /* the MTA's own name ({j}); NULL: unknown */
	int trusted_reinjection;
};

int engine_run(const struct engine_params *, const struct engine_header *,
    size_t nheaders, struct engine_result *, struct pm_error *);
void engine_result_free(struct engine_result *);
int engine_forwarded(const struct engine_header *, size_t nheaders);

#endif
