/*++
/* NAME
/*	engine 3
/* SUMMARY
/*	pure header rewriting: (ruleset, session, headers) -> edits
/* SYNOPSIS
/*	#include "engine.h"
/*
/*	int	engine_run(params, headers, nheaders, result, err)
/*	const struct engine_params *params;
/*	const struct engine_header *headers;
/*	size_t	nheaders;
/*	struct engine_result *result;
/*	struct pm_error *err;
/*
/*	void	engine_result_free(result)
/*
/*	int	engine_milter_ops(headers, nheaders, result, hidden, ops, nops)
/*
/*	int	engine_apply(headers, nheaders, result, out, nout)
/*
/*	int	engine_safe_value(namelen, value, len, out)
/* DESCRIPTION
/*	engine_run() computes the edits for one message (see engine.h for
/*	the contract). It is a pure function: no libmilter, no logging, no
/*	global state. Each call allocates its own pcre2_match_data, sized
/*	for the largest capture count of the ruleset, and matches with the
/*	ruleset's match context (limits), so threads may share a ruleset.
/*
/*	Order of work: DKIM-Signature h= tags are collected; the TLS header
/*	is inserted (first insert above header 0) and forged copies of it
/*	are deleted before any rule sees them; each other header goes
/*	through its candidate rules (dispatch list merged with the
/*	name-less rules, by seq); then the message-level RULES_ADD rules.
/*
/*	engine_milter_ops() translates edits into libmilter calls;
/*	engine_apply() computes the header list the edits produce.
/*
/*	engine_safe_value() makes a new value safe to hand to the MTA and
/*	re-folds it; every value the engine creates goes through it.
/* DECISIONS
/*	A REPLACE text naming another header deletes this one and inserts
/*	the new one above it; that ends evaluation like a removal. A
/*	change whose final value equals the original is no edit. A
/*	log-only rule leaves the header as it was and ends evaluation
/*	unless it has "continue". A DKIM skip ends evaluation and keeps
/*	what forced rules already did. Forged copies of our TLS header are
/*	deleted even when DKIM-signed: a signature vouches for the
/*	sender's text, not for our authserv-id. redact and pseudonymize
/*	substitute every match as Perl's s///g does, empty matches
/*	included. An edit names every rule whose work its value carries
/*	(a continue chain), not only the last: an admin must see which
/*	rule removed what; a rewrite that changed nothing is not named.
/* SECURITY
/*	A header value must never gain a line break the engine did not
/*	make itself: a CR or LF copied from a capture or from replacement
/*	text would start a new header (header injection: a Bcc: line, a
/*	forged Received), and a NUL would truncate the value on its way
/*	through the milter protocol. Such bytes are replaced by a space
/*	when the text is expanded, except a fold of the original value
/*	that a capture carries ("\n" or "\r\n", then SP or TAB, with text
/*	on both sides): that stays a fold, as Postfix keeps it, and cannot
/*	start a header. engine_safe_value() replaces any
/*	left (a bare CR or LF, or CRLF not followed by white space, in the
/*	original value) so the only line breaks in a new value are folds:
/*	"\n" followed by white space.
/* DIAGNOSTICS
/*	engine_run() returns -1 with err "FILE:LINE: reason" on a match
/*	limit, a pseudonymize rule without a key, a replacement text that
/*	does not form a header, or ENOMEM; the result is then empty.
/*--*/
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "pseudonym.h"
#include "tls.h"

#define ENGINE_FOLD_SOFT 78 /* RFC 5322 2.1.1 SHOULD */
#define ENGINE_FOLD_HARD 998 /* RFC 5322 2.1.1 MUST */
#define ENGINE_OCC_DIRECT 8 /* up to this many changes: no sort of names */

/* Work state of one engine_run() call. */
struct engine_state {
	const struct engine_params *p;
	const struct engine_header *hdrs;
	size_t nheaders;
	struct engine_result *res;
	size_t edits_cap;
	size_t notes_cap;
	char **dkim; /* header names from every h= tag */
	size_t ndkim;
	size_t dkim_cap;
	pcre2_match_data *md;
	struct pm_error *err;
};

/* The rules whose work a header's new value carries, in order. */
struct engine_chain {
	const struct rule **v;
	size_t n;
	size_t cap;
};

/* What happens to the header being evaluated. */
enum engine_fate {
	ENGINE_KEEP,
	ENGINE_CHANGED,
	ENGINE_DELETED,
};

static int engine_is_wsp(int);
static int engine_add_edit(struct engine_state *, enum engine_op, size_t,
    const char *, size_t, char *, const struct rule *const *, size_t,
    const char *);
static int engine_add_note(struct engine_state *, enum engine_note_kind, size_t,
    const struct rule *, enum engine_op);
static int engine_dkim_collect(struct engine_state *, const char *);
static int engine_dkim_signed(const struct engine_state *, const char *);
static int engine_is_forged_tls(
    const struct engine_state *, const struct engine_header *);
static void engine_scrub(struct pm_buf *, size_t);
static long engine_field_name(const char *, size_t);
static int engine_expand(
    struct engine_state *, const struct rule *, const char *, struct pm_buf *);
static void engine_match_error(struct engine_state *, const struct rule *, int);
static int engine_subst(struct engine_state *, const struct rule *,
    const char *, size_t, struct pm_buf *);
static int engine_chain_push(struct engine_chain *, const struct rule *);
static int engine_header(struct engine_state *, size_t);
static int engine_message_rules(struct engine_state *);
static int engine_new_value(
    struct engine_state *, size_t, const char *, size_t, char **);

/* engine_is_wsp - RFC 5322 WSP */
static int
engine_is_wsp(int c)
{
	return (c == ' ' || c == '\t');
}

/*
 * engine_add_edit - append an edit; takes value (freed on failure)
 *
 * rules[0..nrules) are the contributing rules in evaluation order (copied);
 * nrules 0 is a built-in edit, explained by why.
 */
static int
engine_add_edit(struct engine_state *st, enum engine_op op, size_t pos,
    const char *name, size_t namelen, char *value,
    const struct rule *const *rules, size_t nrules, const char *why)
{
	struct engine_result *res = st->res;
	struct engine_edit *e;
	const struct rule **rv = NULL;
	char *n;

	if (res->nedits == st->edits_cap) {
		size_t cap = st->edits_cap ? st->edits_cap * 2 : 8;

		if ((e = realloc(res->edits, cap * sizeof(*e))) == NULL)
			goto nomem;
		res->edits = e;
		st->edits_cap = cap;
	}
	if (nrules > 0) {
		if ((rv = calloc(nrules, sizeof(*rv))) == NULL)
			goto nomem;
		memcpy(rv, rules, nrules * sizeof(*rv));
	}
	if ((n = strndup(name, namelen)) == NULL)
		goto nomem;
	e = &res->edits[res->nedits++];
	e->op = op;
	e->pos = pos;
	e->name = n;
	e->value = value;
	e->rule = nrules > 0 ? rules[nrules - 1] : NULL;
	e->why = why;
	e->rules = rv;
	e->nrules = nrules;
	return (0);

nomem:
	free(rv);
	free(value);
	pm_error_set(st->err, "out of memory while computing header edits");
	return (-1);
}

/* engine_add_note - append a note */
static int
engine_add_note(struct engine_state *st, enum engine_note_kind kind, size_t pos,
    const struct rule *rule, enum engine_op op)
{
	struct engine_result *res = st->res;
	struct engine_note *n;

	if (res->nnotes == st->notes_cap) {
		size_t cap = st->notes_cap ? st->notes_cap * 2 : 8;

		if ((n = realloc(res->notes, cap * sizeof(*n))) == NULL) {
			pm_error_set(st->err,
			    "out of memory while computing header edits");
			return (-1);
		}
		res->notes = n;
		st->notes_cap = cap;
	}
	n = &res->notes[res->nnotes++];
	n->kind = kind;
	n->pos = pos;
	n->rule = rule;
	n->op = op;
	return (0);
}

/* engine_dkim_add - remember one signed header name */
static int
engine_dkim_add(struct engine_state *st, const char *name, size_t len)
{
	char **v, *s;

	if (st->ndkim == st->dkim_cap) {
		size_t cap = st->dkim_cap ? st->dkim_cap * 2 : 16;

		if ((v = realloc(st->dkim, cap * sizeof(*v))) == NULL)
			return (-1);
		st->dkim = v;
		st->dkim_cap = cap;
	}
	if ((s = strndup(name, len)) == NULL)
		return (-1);
	st->dkim[st->ndkim++] = s;
	return (0);
}

/*
 * engine_dkim_collect - add the names of the h= tag of a DKIM-Signature
 *
 * RFC 6376 3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]; tag-spec =
 * [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]; tag names are
 * case-sensitive. h= is a ':'-separated list of header names, FWS allowed
 * around each. A malformed tag is skipped, not fatal: a broken signature
 * costs nothing to honour.
 */
static int
engine_dkim_collect(struct engine_state *st, const char *v)
{
	const char *p = v, *tag, *val, *end, *q, *nb, *ne;

#define FWS(c) (engine_is_wsp(c) || (c) == '\r' || (c) == '\n')
	while (*p != 0) {
		while (FWS(*p))
			p++;
		tag = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		end = p;
		while (FWS(*p))
			p++;
		if (*p != '=') {
			/* Not a tag-spec: skip to the next ';'. */
			while (*p != 0 && *p != ';')
				p++;
			if (*p == ';')
				p++;
			continue;
		}
		val = ++p;
		while (*p != 0 && *p != ';')
			p++;
		if (end - tag == 1 && *tag == 'h') {
			for (q = val; q < p;) {
				while (q < p && FWS(*q))
					q++;
				nb = q;
				while (q < p && *q != ':')
					q++;
				ne = q;
				while (ne > nb && FWS(ne[-1]))
					ne--;
				if (ne > nb &&
				    engine_dkim_add(st, nb, (size_t)(ne - nb)) <
				        0) {
					pm_error_set(st->err,
					    "out of memory "
					    "while computing header edits");
					return (-1);
				}
				if (q < p)
					q++;
			}
		}
		if (*p == ';')
			p++;
	}
#undef FWS
	return (0);
}

/* engine_cmp_str - qsort: strings, case-insensitively */
static int
engine_cmp_str(const void *a, const void *b)
{
	return (strcasecmp(*(char *const *)a, *(char *const *)b));
}

/* engine_dkim_signed - is this header name in some h= tag? */
static int
engine_dkim_signed(const struct engine_state *st, const char *name)
{
	return (st->ndkim > 0 &&
	    bsearch(&name, st->dkim, st->ndkim, sizeof(*st->dkim),
	        engine_cmp_str) != NULL);
}

/* engine_is_forged_tls - a copy of our TLS header claiming our id? */
static int
engine_is_forged_tls(
    const struct engine_state *st, const struct engine_header *h)
{
	const struct engine_params *p = st->p;
	char id[512];

	if (p->tls_header_name == NULL || p->authserv_id == NULL ||
	    p->trusted_reinjection)
		return (0);
	if (strcasecmp(h->name, p->tls_header_name) != 0)
		return (0);
	/* A token too long for id cannot be ours: tls.c cuts ours at 255. */
	if (tls_header_authserv_id(h->value, id, sizeof(id)) < 0)
		return (0);
	return (strcasecmp(id, p->authserv_id) == 0);
}

/*
 * engine_scrub - neutralise CR, LF and NUL from offset on
 *
 * Used on every expanded replacement text (which contains the captures):
 * see SECURITY above. A fold copied from the original value through a
 * capture ("\n" or "\r\n" followed by SP or TAB, with non-white-space
 * text on both sides) is kept as "\n" followed by its white space, as
 * Postfix keeps it; every other CR, LF and NUL becomes a space. "Both
 * sides": going back from the break over SP and TAB reaches a byte that
 * is not CR, LF or NUL (b->s[0..from) counts: it is the text the expansion
 * continues), and going forward over the white space after it reaches one
 * too. So a kept break always starts a continuation line with content.
 */
static void
engine_scrub(struct pm_buf *b, size_t from)
{
	size_t i, j, k, w;
	char c;

	for (i = from; i < b->len; i++) {
		c = b->s[i];
		if (c != '\r' && c != '\n' && c != 0)
			continue;
		/* The break: "\n" or "\r\n". */
		j = i + (c == '\r' && i + 1 < b->len && b->s[i + 1] == '\n');
		if (c != 0 && b->s[j] == '\n') {
			for (w = j + 1; w < b->len && engine_is_wsp(b->s[w]);
			     w++)
				;
			for (k = i; k > 0 && engine_is_wsp(b->s[k - 1]); k--)
				;
			if (w > j + 1 && w < b->len && b->s[w] != '\r' &&
			    b->s[w] != '\n' && b->s[w] != 0 && k > 0 &&
			    b->s[k - 1] != '\r' && b->s[k - 1] != '\n' &&
			    b->s[k - 1] != 0) {
				if (j > i) {
					/* "\r\n" -> "\n": drop the CR. */
					memmove(b->s + i, b->s + j, b->len - j);
					b->len--;
					b->s[b->len] = '\0';
				}
				i = w - 1 - (j - i);
				continue;
			}
		}
		b->s[i] = ' ';
	}
}

/*
 * engine_field_name - length of the field name of "Name: value", or -1
 *
 * RFC 5322 ftext: printable ASCII 33..126 except ':', at least one, then
 * the colon.
 */
static long
engine_field_name(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);

	if (colon == NULL || !pm_field_name_ok(s, (size_t)(colon - s)))
		return (-1);
	return ((long)(colon - s));
}

/* engine_expand - expand the rule's text with the captures of md */
static int
engine_expand(struct engine_state *st, const struct rule *r,
    const char *subject, struct pm_buf *out)
{
	uint32_t npairs = 0;
	size_t from = out->len;

	if (r->pat.re != NULL && !r->pat.negate) {
		npairs = r->pat.ncapture + 1;
		if (npairs > pcre2_get_ovector_count(st->md))
			npairs = pcre2_get_ovector_count(st->md);
	}
	if (rules_expand(r->text != NULL ? r->text : "", subject,
	        npairs ? pcre2_get_ovector_pointer(st->md) : NULL, npairs,
	        out) < 0) {
		pm_error_set(st->err, "%s:%u: out of memory expanding text",
		    r->file, r->line);
		return (-1);
	}
	engine_scrub(out, from);
	return (0);
}

/* engine_match_error - a failed match, worded as rules_match() does */
static void
engine_match_error(struct engine_state *st, const struct rule *r, int rc)
{
	const struct rules_options *o = rules_opts(st->p->rules);
	PCRE2_UCHAR msg[256];

	if (rc == PCRE2_ERROR_MATCHLIMIT)
		pm_error_set(st->err,
		    "%s:%u: pattern hit the match limit (MatchLimit %u); "
		    "simplify the pattern or raise the limit",
		    r->file, r->line, (unsigned)o->match_limit);
	else if (rc == PCRE2_ERROR_DEPTHLIMIT)
		pm_error_set(st->err,
		    "%s:%u: pattern hit the depth limit (DepthLimit %u); "
		    "simplify the pattern or raise the limit",
		    r->file, r->line, (unsigned)o->depth_limit);
	else {
		pcre2_get_error_message(rc, msg, sizeof(msg));
		pm_error_set(st->err, "%s:%u: pattern match failed: %s",
		    r->file, r->line, (const char *)msg);
	}
}

/*
 * engine_subst - every match of the rule's pattern replaced (s///g)
 *
 * RULES_REDACT: by the expanded text; RULES_PSEUDONYMIZE: by the token of
 * the matched bytes. Empty matches behave as in Perl: after an empty
 * match, the next match may not be empty at the same place; if there is
 * none, one byte is copied and matching goes on after it.
 */
static int
engine_subst(struct engine_state *st, const struct rule *r, const char *subj,
    size_t len, struct pm_buf *out)
{
	pcre2_match_context *mctx = rules_match_context(st->p->rules);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	char tok[PSEUDONYM_TOKEN_MAX];
	size_t off = 0, done = 0;
	uint32_t opts = 0;
	int rc;

	if (r->pat.re == NULL || r->pat.negate)
		return (pm_buf_append(out, subj, len) < 0 ? -1 : 0);
	for (;;) {
		rc = pcre2_match(
		    r->pat.re, (PCRE2_SPTR)subj, len, off, opts, st->md, mctx);
		/* As rules_match(): JIT's small stack ran out, use the heap. */
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
			rc = pcre2_match(r->pat.re, (PCRE2_SPTR)subj, len, off,
			    opts | PCRE2_NO_JIT, st->md, mctx);
		if (rc == PCRE2_ERROR_NOMATCH) {
			if (opts == 0 || off >= len)
				break;
			off++;
			opts = 0;
			continue;
		}
		if (rc < 0) {
			engine_match_error(st, r, rc);
			return (-1);
		}
		/* \K in a lookaround can move the start: never go back. */
		if (ov[0] < done || ov[1] < ov[0] || ov[1] > len)
			break;
		if (pm_buf_append(out, subj + done, ov[0] - done) < 0)
			goto nomem;
		if (r->action == RULES_PSEUDONYMIZE) {
			if (pseudonym_token(st->p->key, subj + ov[0],
			        ov[1] - ov[0], tok, sizeof(tok)) < 0) {
				pm_error_set(st->err,
				    "%s:%u: cannot compute pseudonym", r->file,
				    r->line);
				return (-1);
			}
			if (pm_buf_puts(out, tok) < 0)
				goto nomem;
		} else {
			size_t from = out->len;

			if (rules_expand(r->text != NULL ? r->text : "", subj,
			        ov,
			        rc > 0 ? (uint32_t)rc
			               : pcre2_get_ovector_count(st->md),
			        out) < 0)
				goto nomem;
			engine_scrub(out, from);
		}
		done = ov[1];
		off = ov[1];
		opts = ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED
		                      : 0;
	}
	if (pm_buf_append(out, subj + done, len - done) < 0)
		goto nomem;
	return (0);

nomem:
	pm_error_set(st->err, "%s:%u: out of memory rewriting a header",
	    r->file, r->line);
	return (-1);
}

/* engine_new_value - safe, folded copy of a value for header name */
static int
engine_new_value(struct engine_state *st, size_t namelen, const char *v,
    size_t len, char **out)
{
	struct pm_buf b = PM_BUF_INIT;

	if (engine_safe_value(namelen, v, len, &b) < 0 ||
	    (*out = pm_buf_steal(&b)) == NULL) {
		pm_buf_free(&b);
		pm_error_set(st->err,
		    "out of memory while computing header "
		    "edits");
		return (-1);
	}
	return (0);
}

/* engine_chain_push - append a rule to a chain */
static int
engine_chain_push(struct engine_chain *c, const struct rule *r)
{
	const struct rule **v;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;

		if ((v = realloc(c->v, cap * sizeof(*v))) == NULL)
			return (-1);
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = r;
	return (0);
}

/*
 * engine_header - run the candidate rules over header pos
 *
 * line holds "Name:" followed by the current value; a rule with
 * RULES_F_CONTINUE lets later rules see its result. chain collects the
 * rules that changed the value so far: the edits made from it name them.
 */
static int
engine_header(struct engine_state *st, size_t pos)
{
	const struct engine_header *h = &st->hdrs[pos];
	const struct ruleset *rs = st->p->rules;
	const unsigned *a, *b;
	const struct rule *r = NULL, *by = NULL;
	struct pm_buf line = PM_BUF_INIT, nb = PM_BUF_INIT;
	struct engine_chain chain = {NULL, 0, 0};
	enum engine_fate fate = ENGINE_KEEP;
	size_t namelen = strlen(h->name), voff = namelen + 1;
	size_t na, nbs, ia = 0, ib = 0;
	int is_signed = engine_dkim_signed(st, h->name);
	int done = 0, rc;
	unsigned seq;
	char *v;

	na = rules_for_header(rs, h->name, namelen, &a);
	nbs = rules_for_any_header(rs, &b);
	if (na + nbs == 0)
		return (0);
	if (pm_buf_append(&line, h->name, namelen) < 0 ||
	    pm_buf_putc(&line, ':') < 0 || pm_buf_puts(&line, h->value) < 0)
		goto nomem;

	while (!done && (ia < na || ib < nbs)) {
		const char *subj;
		int logonly, force, cont;
		long nl;

		/* Next candidate in file order. */
		if (ib >= nbs || (ia < na && a[ia] < b[ib]))
			seq = a[ia++];
		else {
			if (ia < na && a[ia] == b[ib])
				ia++;
			seq = b[ib++];
		}
		if ((r = rules_get(rs, seq)) == NULL || r->action == RULES_ADD)
			continue;
		rc = rules_match(rs, r, line.s, line.len, line.s + voff,
		    line.len - voff, st->p->session, st->md, st->err);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			continue;

		subj = r->subject == RULES_SUBJ_LINE ? line.s : line.s + voff;
		logonly = (r->flags & RULES_F_LOGONLY) != 0;
		force = (r->flags & RULES_F_FORCE) != 0;
		cont = (r->flags & RULES_F_CONTINUE) != 0;
		done = !cont;
		pm_buf_reset(&nb);

		switch (r->action) {
		case RULES_STOP:
			done = 1;
			continue;
		case RULES_LOG:
			if (engine_add_note(
			        st, ENGINE_NOTE_LOG, pos, r, ENGINE_CHANGE) < 0)
				goto fail;
			continue;
		case RULES_ADD:
			continue;
		case RULES_REMOVE:
			if (logonly) {
				if (engine_add_note(st, ENGINE_NOTE_LOGONLY,
				        pos, r, ENGINE_DELETE) < 0)
					goto fail;
				continue;
			}
			done = 1;
			if (is_signed && !force) {
				if (engine_add_note(st, ENGINE_NOTE_DKIM_SKIP,
				        pos, r, ENGINE_DELETE) < 0)
					goto fail;
				continue;
			}
			fate = ENGINE_DELETED;
			by = r;
			continue;
		case RULES_PREPEND:
			if (engine_expand(st, r, subj, &nb) < 0)
				goto fail;
			if ((nl = engine_field_name(nb.s, nb.len)) < 0)
				goto badtext;
			if (logonly) {
				if (engine_add_note(st, ENGINE_NOTE_LOGONLY,
				        pos, r, ENGINE_INSERT) < 0)
					goto fail;
				continue;
			}
			/* The text saw the chain's result: name it too. */
			if (engine_chain_push(&chain, r) < 0)
				goto nomem;
			if (engine_new_value(st, (size_t)nl, nb.s + nl + 1,
			        nb.len - (size_t)nl - 1, &v) < 0 ||
			    engine_add_edit(st, ENGINE_INSERT, pos, nb.s,
			        (size_t)nl, v, chain.v, chain.n, NULL) < 0)
				goto fail;
			chain.n--;
			continue;
		case RULES_REPLACE_VALUE:
			if (engine_expand(st, r, subj, &nb) < 0)
				goto fail;
			if (nb.len == 0 || !engine_is_wsp(nb.s[0])) {
				if (pm_buf_putc(&nb, ' ') < 0)
					goto nomem;
				memmove(nb.s + 1, nb.s, nb.len - 1);
				nb.s[0] = ' ';
			}
			break;
		case RULES_REDACT:
		case RULES_PSEUDONYMIZE:
			if (r->action == RULES_PSEUDONYMIZE &&
			    st->p->key == NULL) {
				pm_error_set(st->err,
				    "%s:%u: pseudonymize "
				    "needs PseudonymKeyFile",
				    r->file, r->line);
				goto fail;
			}
			if (engine_subst(st, r, subj,
			        r->subject == RULES_SUBJ_LINE ? line.len
			                                      : line.len - voff,
			        &nb) < 0)
				goto fail;
			if (r->subject == RULES_SUBJ_VALUE)
				break;
			/* The whole line was rewritten: like REPLACE. */
			/* FALLTHROUGH */
		case RULES_REPLACE_LINE:
			if (r->action == RULES_REPLACE_LINE &&
			    engine_expand(st, r, subj, &nb) < 0)
				goto fail;
			if ((nl = engine_field_name(nb.s, nb.len)) < 0)
				goto badtext;
			if ((size_t)nl != namelen ||
			    strncasecmp(nb.s, h->name, namelen) != 0) {
				/* Another name: delete, insert the new one. */
				if (logonly) {
					if (engine_add_note(st,
					        ENGINE_NOTE_LOGONLY, pos, r,
					        ENGINE_DELETE) < 0)
						goto fail;
					continue;
				}
				done = 1;
				if (is_signed && !force) {
					if (engine_add_note(st,
					        ENGINE_NOTE_DKIM_SKIP, pos, r,
					        ENGINE_DELETE) < 0)
						goto fail;
					continue;
				}
				if (engine_chain_push(&chain, r) < 0)
					goto nomem;
				if (engine_new_value(st, (size_t)nl,
				        nb.s + nl + 1, nb.len - (size_t)nl - 1,
				        &v) < 0 ||
				    engine_add_edit(st, ENGINE_INSERT, pos,
				        nb.s, (size_t)nl, v, chain.v, chain.n,
				        NULL) < 0)
					goto fail;
				fate = ENGINE_DELETED;
				by = r;
				continue;
			}
			/* Same name: keep only the value. */
			memmove(nb.s, nb.s + nl + 1, nb.len - (size_t)nl - 1);
			nb.len -= (size_t)nl + 1;
			nb.s[nb.len] = 0;
			break;
		}

		/* A new value for this header (nb). */
		if (logonly) {
			if (engine_add_note(st, ENGINE_NOTE_LOGONLY, pos, r,
			        ENGINE_CHANGE) < 0)
				goto fail;
			continue;
		}
		if (is_signed && !force) {
			done = 1;
			if (engine_add_note(st, ENGINE_NOTE_DKIM_SKIP, pos, r,
			        ENGINE_CHANGE) < 0)
				goto fail;
			continue;
		}
		/* A rule whose rewrite changed nothing did not contribute. */
		if ((nb.len != line.len - voff ||
		        (nb.len > 0 &&
		            memcmp(nb.s, line.s + voff, nb.len) != 0)) &&
		    engine_chain_push(&chain, r) < 0)
			goto nomem;
		line.len = voff;
		if (pm_buf_append(&line, nb.s, nb.len) < 0)
			goto nomem;
		fate = ENGINE_CHANGED;
		by = r;
	}

	/* The outcome: at most one CHANGE or DELETE for this position. */
	if (fate == ENGINE_DELETED) {
		if (engine_add_edit(st, ENGINE_DELETE, pos, h->name, namelen,
		        NULL, &by, 1, NULL) < 0)
			goto fail;
	} else if (fate == ENGINE_CHANGED) {
		if (engine_new_value(
		        st, namelen, line.s + voff, line.len - voff, &v) < 0)
			goto fail;
		if (strcmp(v, h->value) == 0)
			free(v);
		else if (chain.n > 0
		        ? engine_add_edit(st, ENGINE_CHANGE, pos, h->name,
		              namelen, v, chain.v, chain.n, NULL) < 0
		        : engine_add_edit(st, ENGINE_CHANGE, pos, h->name,
		              namelen, v, &by, 1, NULL) < 0)
			goto fail;
	}
	pm_buf_free(&line);
	pm_buf_free(&nb);
	free(chain.v);
	return (0);

badtext:
	pm_error_set(st->err,
	    "%s:%u: replacement text does not start with "
	    "a header name and a colon",
	    r->file, r->line);
	goto fail;
nomem:
	pm_error_set(st->err, "out of memory while computing header edits");
fail:
	pm_buf_free(&line);
	pm_buf_free(&nb);
	free(chain.v);
	return (-1);
}

/* engine_message_rules - the RULES_ADD rules whose condition holds */
static int
engine_message_rules(struct engine_state *st)
{
	const struct ruleset *rs = st->p->rules;
	const struct rule *r;
	const unsigned *seqs;
	struct pm_buf b = PM_BUF_INIT;
	size_t i, n, nl;
	char *v;

	n = rules_message_rules(rs, &seqs);
	for (i = 0; i < n; i++) {
		if ((r = rules_get(rs, seqs[i])) == NULL ||
		    r->action != RULES_ADD || r->name == NULL)
			continue;
		if (!rules_cond_eval(r->when, st->p->session))
			continue;
		if (r->flags & RULES_F_LOGONLY) {
			if (engine_add_note(st, ENGINE_NOTE_LOGONLY,
			        st->nheaders, r, ENGINE_ADD) < 0)
				goto fail;
			continue;
		}
		nl = strlen(r->name);
		if (!pm_field_name_ok(r->name, nl)) {
			pm_error_set(st->err,
			    "%s:%u: \"%s\" is not a header "
			    "name",
			    r->file, r->line, r->name);
			goto fail;
		}
		pm_buf_reset(&b);
		if (pm_buf_putc(&b, ' ') < 0 ||
		    rules_expand(
		        r->text != NULL ? r->text : "", "", NULL, 0, &b) < 0) {
			pm_error_set(st->err,
			    "%s:%u: out of memory expanding "
			    "text",
			    r->file, r->line);
			goto fail;
		}
		engine_scrub(&b, 0);
		if (engine_new_value(st, nl, b.s, b.len, &v) < 0 ||
		    engine_add_edit(st, ENGINE_ADD, st->nheaders, r->name, nl,
		        v, &r, 1, NULL) < 0)
			goto fail;
	}
	pm_buf_free(&b);
	return (0);

fail:
	pm_buf_free(&b);
	return (-1);
}

/* engine_run - compute the edits for one message */
int
engine_run(const struct engine_params *params, const struct engine_header *hdrs,
    size_t nheaders, struct engine_result *res, struct pm_error *err)
{
	struct engine_state st;
	size_t i;
	char *v;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	st.p = params;
	st.hdrs = hdrs;
	st.nheaders = nheaders;
	st.res = res;
	st.err = err;

	if (params->rules != NULL) {
		st.md = pcre2_match_data_create(
		    rules_max_captures(params->rules) + 1, NULL);
		if (st.md == NULL) {
			pm_error_set(err,
			    "out of memory while computing "
			    "header edits");
			goto out;
		}
	}

	/* The signed headers, before anything is changed. */
	for (i = 0; i < nheaders; i++)
		if (strcasecmp(hdrs[i].name, "DKIM-Signature") == 0 &&
		    engine_dkim_collect(&st, hdrs[i].value) < 0)
			goto out;
	if (st.ndkim > 0)
		qsort(st.dkim, st.ndkim, sizeof(*st.dkim), engine_cmp_str);

	/* Our TLS header: the first insert above header 0. */
	if (params->tls_header_name != NULL &&
	    params->tls_header_value != NULL && !params->trusted_reinjection) {
		size_t nl = strlen(params->tls_header_name);

		if (engine_new_value(&st, nl, params->tls_header_value,
		        strlen(params->tls_header_value), &v) < 0 ||
		    engine_add_edit(&st, ENGINE_INSERT, 0,
		        params->tls_header_name, nl, v, NULL, 0,
		        "tls-header") < 0)
			goto out;
	}

	/*
	 * Each header. A forged copy of our TLS header goes before any rule
	 * sees it, DKIM-signed or not: a signature vouches for the sender's
	 * text, not for our authserv-id.
	 */
	for (i = 0; i < nheaders; i++) {
		if (engine_is_forged_tls(&st, &hdrs[i])) {
			if (engine_add_edit(&st, ENGINE_DELETE, i, hdrs[i].name,
			        strlen(hdrs[i].name), NULL, NULL, 0,
			        "forged-tls-header") < 0)
				goto out;
			continue;
		}
		if (params->rules != NULL && engine_header(&st, i) < 0)
			goto out;
	}
	if (params->rules != NULL && engine_message_rules(&st) < 0)
		goto out;
	rc = 0;

out:
	for (i = 0; i < st.ndkim; i++)
		free(st.dkim[i]);
	free(st.dkim);
	pcre2_match_data_free(st.md);
	if (rc < 0)
		engine_result_free(res);
	return (rc);
}

/* engine_result_free - release the edits and notes */
void
engine_result_free(struct engine_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nedits; i++) {
		free(res->edits[i].name);
		free(res->edits[i].value);
		free(res->edits[i].rules);
	}
	free(res->edits);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

/*
 * engine_safe_value - sanitise and re-fold a new value
 *
 * The value follows "Name:" (namelen octets) on the first line. Folds
 * ("\n" or "\r\n" followed by WSP) are kept as "\n" + WSP; every other
 * CR, LF or NUL becomes a space (see SECURITY). Trailing white space of
 * each line is dropped and a line that would hold only white space
 * disappears (RFC 5322 3.2.2: a folded line must contain a non-WSP
 * character). A line longer than 78 octets is folded at white space:
 * the white space becomes "\n\t". When no white space comes within 78
 * octets, the line is folded at the first white space after, as long as
 * the line stays within 998 octets; only a token longer than that is
 * split, by inserting "\n\t" inside it (without splitting a UTF-8
 * sequence). An empty result is " ": libmilter and the MTAs treat an
 * empty value as a deletion.
 */
int
engine_safe_value(
    size_t namelen, const char *in, size_t len, struct pm_buf *out)
{
	struct pm_buf flat = PM_BUF_INIT;
	size_t i, run, seg, segend, cur, n, prefix, start = out->len, w, best,
	                                            h;
	const char *s;
	int first = 1, rc = -1;

	/*
	 * Folds become "\n"; any other CR, LF, NUL a space. Runs of other
	 * bytes are copied at once.
	 */
	for (i = 0; i < len; i++) {
		char c;

		for (run = i;
		     i < len && in[i] != '\r' && in[i] != '\n' && in[i] != 0;
		     i++)
			;
		if (i > run && pm_buf_append(&flat, in + run, i - run) < 0)
			goto out;
		if (i == len)
			break;
		c = in[i];
		if (c == '\r' && i + 2 < len && in[i + 1] == '\n' &&
		    engine_is_wsp(in[i + 2])) {
			c = '\n';
			i++;
		} else if (c == '\n' && i + 1 < len && engine_is_wsp(in[i + 1]))
			c = '\n';
		else
			c = ' ';
		if (pm_buf_putc(&flat, c) < 0)
			goto out;
	}
	if (pm_buf_putc(&flat, '\n') < 0)
		goto out;

	/* One segment (physical line) at a time. */
	for (seg = 0; seg < flat.len; seg = segend + 1) {
		segend = seg + strcspn(flat.s + seg, "\n");
		s = flat.s + seg;
		n = segend - seg;
		while (n > 0 && engine_is_wsp(s[n - 1]))
			n--;
		if (n == 0 && !first)
			continue; /* white space only */
		if (first) {
			/* Nothing but white space: start with the next. */
			for (i = 0; i < n && engine_is_wsp(s[i]); i++)
				;
			if (i == n) {
				if (pm_buf_putc(out, ' ') < 0)
					goto out;
				prefix = namelen + 2;
				for (;;) {
					seg = segend + 1;
					if (seg >= flat.len)
						break;
					segend =
					    seg + strcspn(flat.s + seg, "\n");
					s = flat.s + seg;
					n = segend - seg;
					while (n > 0 && engine_is_wsp(s[n - 1]))
						n--;
					for (i = 0;
					     i < n && engine_is_wsp(s[i]); i++)
						;
					if (i < n)
						break;
				}
				if (seg >= flat.len)
					break;
				s += i;
				n -= i;
			} else
				prefix = namelen + 1;
		} else {
			if (pm_buf_putc(out, '\n') < 0)
				goto out;
			prefix = 0;
		}
		first = 0;
		/* An absurd indentation would leave a blank line: one WSP. */
		for (i = 0; i < n && engine_is_wsp(s[i]); i++)
			;
		if (i > ENGINE_FOLD_SOFT) {
			s += i - 1;
			n -= i - 1;
		}

		/* Fold this line. */
		for (cur = 0; prefix + (n - cur) > ENGINE_FOLD_SOFT;) {
			best = 0;
			for (w = cur + 1;
			     w < n && prefix + (w - cur) <= ENGINE_FOLD_HARD;
			     w++) {
				if (!engine_is_wsp(s[w]) ||
				    engine_is_wsp(s[w - 1]))
					continue;
				if (prefix + (w - cur) <= ENGINE_FOLD_SOFT)
					best = w;
				else {
					if (best == 0 &&
					    prefix + (w - cur) <=
					        ENGINE_FOLD_HARD)
						best = w;
					break;
				}
			}
			if (best == 0 && prefix + (n - cur) <= ENGINE_FOLD_HARD)
				break;
			if (best == 0) {
				/* One token over 998 octets: split it. */
				h = cur +
				    (prefix < ENGINE_FOLD_HARD
				            ? ENGINE_FOLD_HARD - prefix
				            : 1);
				if (h >= n)
					break;
				while (h > cur + 1 &&
				    ((unsigned char)s[h] & 0xc0) == 0x80)
					h--;
				if (pm_buf_append(out, s + cur, h - cur) < 0 ||
				    pm_buf_append(out, "\n\t", 2) < 0)
					goto out;
				cur = h;
			} else {
				if (pm_buf_append(out, s + cur, best - cur) <
				        0 ||
				    pm_buf_append(out, "\n\t", 2) < 0)
					goto out;
				for (cur = best; engine_is_wsp(s[cur]); cur++)
					;
			}
			prefix = 1;
		}
		if (pm_buf_append(out, s + cur, n - cur) < 0)
			goto out;
	}
	if (out->len == start && pm_buf_putc(out, ' ') < 0)
		goto out;
	rc = 0;

out:
	pm_buf_free(&flat);
	return (rc);
}

/* Sort helpers for engine_milter_ops() and engine_apply(). */
struct engine_sortkey {
	const char *name; /* header name (case-insensitive) */
	size_t pos;
	size_t idx; /* edit order, for ties */
	const struct engine_edit *e;
};

/* engine_cmp_pos - by position, then edit order */
static int
engine_cmp_pos(const void *x, const void *y)
{
	const struct engine_sortkey *a = x, *b = y;

	if (a->pos != b->pos)
		return (a->pos < b->pos ? -1 : 1);
	return (a->idx < b->idx ? -1 : a->idx > b->idx);
}

/* engine_cmp_name_up - by name, then top-down */
static int
engine_cmp_name_up(const void *x, const void *y)
{
	const struct engine_sortkey *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	if (c != 0)
		return (c);
	return (engine_cmp_pos(x, y));
}

/* engine_cmp_name_down - by name, then bottom-up */
static int
engine_cmp_name_down(const void *x, const void *y)
{
	const struct engine_sortkey *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	if (c != 0)
		return (c);
	if (a->pos != b->pos)
		return (a->pos > b->pos ? -1 : 1);
	return (a->idx < b->idx ? -1 : a->idx > b->idx);
}

/*
 * engine_count_above - in v (sorted by name, then pos), the entries with
 * this name and a position <= pos
 */
static size_t
engine_count_above(
    const struct engine_sortkey *v, size_t n, const char *name, size_t pos)
{
	size_t lo = 0, hi = n, mid, first;
	int c;

	/* First entry with the name. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcasecmp(v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	/* First entry past (name, pos). */
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcasecmp(v[mid].name, name);
		if (c < 0 || (c == 0 && v[mid].pos <= pos))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo - first);
}

/*
 * engine_occurrence - the occurrence (1, 2, ...) of original header pos
 * among the original headers of its name
 */
static size_t
engine_occurrence(const struct engine_header *hdrs, size_t pos)
{
	const char *name = hdrs[pos].name;
	int c0 = tolower((unsigned char)name[0]);
	size_t j, occ = 1;

	for (j = 0; j < pos; j++)
		if (tolower((unsigned char)hdrs[j].name[0]) == c0 &&
		    strcasecmp(hdrs[j].name, name) == 0)
			occ++;
	return (occ);
}

/*
 * engine_milter_ops - order and index the edits for libmilter
 *
 * Inserts go first, top-down: an insert above original header pos lands
 * at pos + hidden + the inserts already placed (all above it). Then the
 * changes and deletes, per name bottom-up, so that no index is disturbed
 * by an earlier delete: the index is the occurrence of the name among
 * the original headers down to pos, plus the inserted headers of the
 * same name above pos. Sorting keeps this O(n log n) for a message with
 * many headers.
 */
int
engine_milter_ops(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, size_t hidden, struct engine_mop **ops,
    size_t *nops)
{
	struct engine_sortkey *ins = NULL, *insn = NULL, *chg = NULL;
	struct engine_sortkey *orig = NULL;
	struct engine_mop *v = NULL, *m;
	size_t nins = 0, nchg = 0, i, n = 0, occ;
	size_t *occurrence = NULL;

	*ops = NULL;
	*nops = 0;
	if (res->nedits == 0)
		return (0);
	if ((v = calloc(res->nedits, sizeof(*v))) == NULL ||
	    (ins = calloc(res->nedits, sizeof(*ins))) == NULL ||
	    (insn = calloc(res->nedits, sizeof(*insn))) == NULL ||
	    (chg = calloc(res->nedits, sizeof(*chg))) == NULL)
		goto nomem;
	for (i = 0; i < res->nedits; i++) {
		const struct engine_edit *e = &res->edits[i];
		struct engine_sortkey k = {e->name, e->pos, i, e};

		if (e->op == ENGINE_INSERT && e->pos <= nheaders)
			ins[nins++] = k;
		else if ((e->op == ENGINE_CHANGE || e->op == ENGINE_DELETE) &&
		    e->pos < nheaders) {
			k.name = hdrs[e->pos].name;
			chg[nchg++] = k;
		}
	}
	qsort(ins, nins, sizeof(*ins), engine_cmp_pos);
	memcpy(insn, ins, nins * sizeof(*ins));
	qsort(insn, nins, sizeof(*insn), engine_cmp_name_up);
	qsort(chg, nchg, sizeof(*chg), engine_cmp_name_down);

	/*
	 * Occurrence of each original header among those of its name: for
	 * a few changes counted directly (linear), else by sorting.
	 */
	if (nchg > ENGINE_OCC_DIRECT) {
		if ((orig = calloc(nheaders, sizeof(*orig))) == NULL ||
		    (occurrence = calloc(nheaders, sizeof(*occurrence))) ==
		        NULL)
			goto nomem;
		for (i = 0; i < nheaders; i++) {
			orig[i].name = hdrs[i].name;
			orig[i].pos = orig[i].idx = i;
		}
		qsort(orig, nheaders, sizeof(*orig), engine_cmp_name_up);
		for (occ = 0, i = 0; i < nheaders; i++) {
			if (i == 0 ||
			    strcasecmp(orig[i].name, orig[i - 1].name) != 0)
				occ = 0;
			occurrence[orig[i].pos] = ++occ;
		}
	}

	/* Inserts, top-down: each lands below the ones placed before. */
	for (i = 0; i < nins; i++) {
		if (ins[i].pos > (size_t)INT_MAX - hidden - i)
			goto nomem;
		m = &v[n++];
		m->kind = ENGINE_MOP_INSHEADER;
		m->index = (int)(ins[i].pos + hidden + i);
		m->name = ins[i].e->name;
		m->value = ins[i].e->value;
	}

	/* Changes and deletes, per name, bottom-up. */
	for (i = 0; i < nchg; i++) {
		occ =
		    (occurrence != NULL ? occurrence[chg[i].pos]
		                        : engine_occurrence(hdrs, chg[i].pos)) +
		    engine_count_above(insn, nins, chg[i].name, chg[i].pos);
		if (occ > INT_MAX)
			goto nomem;
		m = &v[n++];
		m->kind = ENGINE_MOP_CHGHEADER;
		m->index = (int)occ;
		m->name = chg[i].name;
		m->value =
		    chg[i].e->op == ENGINE_DELETE ? NULL : chg[i].e->value;
	}

	/* Adds, in order. */
	for (i = 0; i < res->nedits; i++) {
		if (res->edits[i].op != ENGINE_ADD)
			continue;
		m = &v[n++];
		m->kind = ENGINE_MOP_ADDHEADER;
		m->index = 0;
		m->name = res->edits[i].name;
		m->value = res->edits[i].value;
	}
	free(ins);
	free(insn);
	free(chg);
	free(orig);
	free(occurrence);
	*ops = v;
	*nops = n;
	return (0);

nomem:
	free(v);
	free(ins);
	free(insn);
	free(chg);
	free(orig);
	free(occurrence);
	return (-1);
}

/* engine_apply - the header list after the edits */
int
engine_apply(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, struct engine_header **out, size_t *nout)
{
	struct engine_sortkey *k;
	struct engine_header *v;
	size_t i, j, nk = 0, n = 0, max = nheaders + res->nedits;
	const struct engine_edit *e, *fate;

	*out = NULL;
	*nout = 0;
	if ((v = calloc(max ? max : 1, sizeof(*v))) == NULL)
		return (-1);
	if ((k = calloc(res->nedits ? res->nedits : 1, sizeof(*k))) == NULL) {
		free(v);
		return (-1);
	}
	for (j = 0; j < res->nedits; j++) {
		e = &res->edits[j];
		if (e->op != ENGINE_ADD && e->pos <= nheaders) {
			k[nk].pos = e->pos;
			k[nk].idx = j;
			k[nk++].e = e;
		}
	}
	qsort(k, nk, sizeof(*k), engine_cmp_pos);
	for (i = 0, j = 0; i <= nheaders; i++) {
		for (fate = NULL; j < nk && k[j].pos == i; j++) {
			e = k[j].e;
			if (e->op == ENGINE_INSERT) {
				v[n].name = e->name;
				v[n++].value = e->value;
			} else if (i < nheaders)
				fate = e;
		}
		if (i == nheaders)
			break;
		if (fate != NULL && fate->op == ENGINE_DELETE)
			continue;
		v[n].name = hdrs[i].name;
		v[n++].value = fate != NULL ? fate->value : hdrs[i].value;
	}
	for (j = 0; j < res->nedits; j++) {
		e = &res->edits[j];
		if (e->op == ENGINE_ADD) {
			v[n].name = e->name;
			v[n++].value = e->value;
		}
	}
	free(k);
	*out = v;
	*nout = n;
	return (0);
}
