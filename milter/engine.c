/*++
/* NAME
/*	engine 3
/* SUMMARY
/*	pure header rewriting: (ruleset, session, headers) -> edits
/* DESCRIPTION
/*	The contract is in include/engine.h. engine_run() sets up one
/*	struct engine_state (its own pcre2_match_data, sized for the largest
/*	capture count of the ruleset) and walks the headers; engine_header()
/*	runs one header's candidate rules, each through engine_act(), which
/*	calls one function per action. Every action that would edit goes
/*	through engine_gate(), the one log-only/DKIM check. Values are made
/*	safe in fold.c; edits are ordered for libmilter in edits.c.
/*--*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "detect.h"
#include "dkim.h"
#include "engine.h"
#include "fold.h"
#include "pseudonym.h"
#include "tls.h"

/* Work state of one engine_run() call. */
struct engine_state {
	const struct engine_params *p;
	const struct engine_header *hdrs;
	size_t nheaders;
	struct engine_result *res;
	size_t edits_cap;
	size_t notes_cap;
	size_t matched_cap;
	struct dkim_signed dkim;
	pcre2_match_data *md;
	struct detect_set
	    *detect; /* engine_run()'s, prepared when rules find */
	const char *own[2]; /* this server's names, for detect */
	struct rules_eval ev; /* what rules are evaluated against */
	struct pm_error *err;
};

/* What happens to the header being evaluated. */
enum engine_fate {
	ENGINE_KEEP,
	ENGINE_CHANGED,
	ENGINE_DELETED,
};

/* The header being evaluated. */
struct engine_hdr {
	size_t pos;
	const struct engine_header *h;
	size_t namelen;
	size_t voff; /* the value in line: after "Name:" */
	struct pm_buf line; /* "Name:" and the current value */
	struct pm_buf nb; /* the text the acting rule builds */
	const struct rule **chain; /* rules whose work the value carries */
	size_t nchain;
	size_t capchain;
	enum engine_fate fate;
	const struct rule *by; /* the rule that decided the fate */
	int is_signed; /* named in a DKIM h= tag */
	int done; /* evaluation ends */
};

/* engine_nomem - the error of a failed allocation */
static int
engine_nomem(struct engine_state *st)
{
	pm_error_cause(st->err, PM_ERR_NOMEM,
	    "out of memory while computing header edits");
	return (-1);
}

/* engine_rule_nomem - a failed allocation while rule r rewrites a header */
static int
engine_rule_nomem(struct engine_state *st, const struct rule *r)
{
	pm_error_cause(st->err, PM_ERR_NOMEM,
	    "%s:%u: out of memory rewriting a header", r->file, r->line);
	return (-1);
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
	const struct rule **rv = NULL;
	struct engine_edit *e;
	char *n = NULL;

	if (pm_grow(&res->edits, &st->edits_cap, res->nedits + 1,
	        sizeof(*res->edits)) < 0 ||
	    (nrules > 0 && (rv = calloc(nrules, sizeof(*rv))) == NULL) ||
	    (n = strndup(name, namelen)) == NULL) {
		free(rv);
		free(value);
		return (engine_nomem(st));
	}
	if (nrules > 0)
		memcpy(rv, rules, nrules * sizeof(*rv));
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
}

/* engine_add_note - append a note */
static int
engine_add_note(struct engine_state *st, enum engine_note_kind kind, size_t pos,
    const struct rule *rule, enum engine_op op)
{
	struct engine_result *res = st->res;
	struct engine_note *n;

	if (pm_grow(&res->notes, &st->notes_cap, res->nnotes + 1,
	        sizeof(*res->notes)) < 0)
		return (engine_nomem(st));
	n = &res->notes[res->nnotes++];
	n->kind = kind;
	n->pos = pos;
	n->rule = rule;
	n->op = op;
	return (0);
}

/*
 * engine_matched - rule r matched: one more entry for the counters, and
 * the parts its detectors found (st->ev.hits), per kind
 */
static int
engine_matched(struct engine_state *st, const struct rule *r)
{
	struct engine_result *res = st->res;
	const struct detect_hits *h = &st->ev.hits;
	unsigned b;
	size_t i;

	if (pm_grow(&res->matched, &st->matched_cap, res->nmatched + 1,
	        sizeof(*res->matched)) < 0)
		return (engine_nomem(st));
	res->matched[res->nmatched++] = r;
	if (r->find == 0)
		return (0);
	for (i = 0; i < h->n; i++)
		for (b = 0; b < DETECT_NKINDS; b++)
			if (h->v[i].kind & (1u << b))
				res->found[b]++;
	return (0);
}

/* engine_new_value - safe, folded copy of a value for header name */
static int
engine_new_value(struct engine_state *st, size_t namelen, const char *v,
    size_t len, char **out)
{
	struct pm_buf b = PM_BUF_INIT;

	if (fold_value(namelen, v, len, &b) < 0 ||
	    (*out = pm_buf_steal(&b)) == NULL) {
		pm_buf_free(&b);
		return (engine_nomem(st));
	}
	return (0);
}

/* engine_is_forged_tls - a copy of our TLS header claiming our id? */
static int
engine_is_forged_tls(
    const struct engine_state *st, const struct engine_header *h)
{
	const struct engine_params *p = st->p;
	char id[512];

	/*
	 * Forwarded mail is left alone: our copy in it is the record of the
	 * hop that brought it in. (A user who makes a message look forwarded
	 * keeps a copy of their own making; for an SMTP session ours is
	 * inserted above it all the same.)
	 */
	if (p->tls_header_name == NULL || p->authserv_id == NULL ||
	    p->trusted_reinjection || st->ev.facts.forwarded)
		return (0);
	if (strcasecmp(h->name, p->tls_header_name) != 0)
		return (0);
	/* A token too long for id cannot be ours: tls.c cuts ours at 255. */
	if (tls_header_authserv_id(h->value, id, sizeof(id)) < 0)
		return (0);
	return (strcasecmp(id, p->authserv_id) == 0);
}

/* engine_host - this server's name for ${host}: {j}, else AuthservID */
static const char *
engine_host(const struct engine_state *st)
{
	return (st->p->own_host != NULL && *st->p->own_host != 0
	        ? st->p->own_host
	        : st->p->authserv_id);
}

/* engine_subject - what the rule's pattern saw: the line or the value */
static const char *
engine_subject(const struct engine_hdr *hs, const struct rule *r)
{
	return (
	    r->subject == RULES_SUBJ_LINE ? hs->line.s : hs->line.s + hs->voff);
}

/* engine_expand - hs->nb = the rule's text with the captures of md */
static int
engine_expand(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	uint32_t npairs = 0;

	if (r->pat.re != NULL && !r->pat.negate) {
		npairs = r->pat.ncapture + 1;
		if (npairs > pcre2_get_ovector_count(st->md))
			npairs = pcre2_get_ovector_count(st->md);
	}
	if (template_expand_host(r->text, engine_subject(hs, r),
	        npairs ? pcre2_get_ovector_pointer(st->md) : NULL, npairs,
	        engine_host(st), &hs->nb) < 0) {
		pm_error_cause(st->err, PM_ERR_NOMEM,
		    "%s:%u: out of memory expanding text", r->file, r->line);
		return (-1);
	}
	fold_scrub(&hs->nb, 0);
	return (0);
}

/* engine_replacement - what replaces one match [m0, m1) of subj */
static int
engine_replacement(struct engine_state *st, const struct rule *r,
    const char *subj, uint32_t npairs, struct pm_buf *out)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	char tok[PSEUDONYM_TOKEN_MAX];
	size_t from = out->len;

	if (r->action == RULES_PSEUDONYMIZE) {
		if (pseudonym_token(st->p->key, subj + ov[0], ov[1] - ov[0],
		        tok, sizeof(tok)) < 0) {
			pm_error_set(st->err, "%s:%u: cannot compute pseudonym",
			    r->file, r->line);
			return (-1);
		}
		return (pm_buf_puts(out, tok) < 0 ? 1 : 0);
	}
	if (template_expand_host(
	        r->text, subj, ov, npairs, engine_host(st), out) < 0)
		return (1);
	fold_scrub(out, from);
	return (0);
}

/*
 * engine_subst - hs->nb = the value with every match of the rule's pattern
 * replaced (s///g): by the expanded text (redact) or by the token of the
 * matched bytes (pseudonymize). Empty matches behave as in Perl: after an
 * empty match, the next match may not be empty at the same place; if
 * there is none, one byte is copied and matching goes on after it.
 */
static int
engine_subst(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	const struct match_ctx *mc = rules_match_ctx(st->p->rules);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	const char *subj = hs->line.s + hs->voff;
	size_t len = hs->line.len - hs->voff, off = 0, done = 0;
	uint32_t opts = 0;
	int rc;

	for (;;) {
		rc = match_exec(mc, r->pat.re, subj, len, off, opts, st->md,
		    r->file, r->line, st->err);
		if (rc < 0)
			return (-1);
		if (rc == 0) {
			if (opts == 0 || off >= len)
				break;
			off++;
			opts = 0;
			continue;
		}
		/* \K in a lookaround can move the start: never go back. */
		if (ov[0] < done || ov[1] < ov[0] || ov[1] > len)
			break;
		if (pm_buf_append(&hs->nb, subj + done, ov[0] - done) < 0 ||
		    (rc = engine_replacement(
		         st, r, subj, (uint32_t)rc, &hs->nb)) > 0)
			return (engine_rule_nomem(st, r));
		if (rc < 0)
			return (-1);
		done = off = ov[1];
		opts = ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED
		                      : 0;
	}
	if (pm_buf_append(&hs->nb, subj + done, len - done) < 0)
		return (engine_rule_nomem(st, r));
	return (0);
}

/*
 * engine_subst_hits - hs->nb = the value with every part the rule's
 * detectors found (st->ev.hits, from rules_match()) replaced by the
 * expanded text (redact) or by the token of the found bytes
 */
static int
engine_subst_hits(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	const struct detect_hits *h = &st->ev.hits;
	const char *subj = hs->line.s + hs->voff;
	size_t len = hs->line.len - hs->voff, done = 0, i, from;
	char tok[PSEUDONYM_TOKEN_MAX];

	for (i = 0; i < h->n; i++) {
		if (h->v[i].off < done || h->v[i].off + h->v[i].len > len)
			pm_panic(
			    "%s:%u: detector hit %zu+%zu outside %zu bytes",
			    r->file, r->line, h->v[i].off, h->v[i].len, len);
		if (pm_buf_append(&hs->nb, subj + done, h->v[i].off - done) < 0)
			return (engine_rule_nomem(st, r));
		if (r->action == RULES_PSEUDONYMIZE) {
			if (pseudonym_token(st->p->key, subj + h->v[i].off,
			        h->v[i].len, tok, sizeof(tok)) < 0) {
				pm_error_set(st->err,
				    "%s:%u: cannot compute pseudonym", r->file,
				    r->line);
				return (-1);
			}
			if (pm_buf_puts(&hs->nb, tok) < 0)
				return (engine_rule_nomem(st, r));
		} else {
			from = hs->nb.len;
			if (template_expand_host(r->text, subj, NULL, 0,
			        engine_host(st), &hs->nb) < 0)
				return (engine_rule_nomem(st, r));
			fold_scrub(&hs->nb, from);
		}
		done = h->v[i].off + h->v[i].len;
	}
	if (pm_buf_append(&hs->nb, subj + done, len - done) < 0)
		return (engine_rule_nomem(st, r));
	return (0);
}

/* engine_chain_push - one more rule whose work the value carries */
static int
engine_chain_push(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	if (pm_grow(&hs->chain, &hs->capchain, hs->nchain + 1,
	        sizeof(*hs->chain)) < 0)
		return (engine_nomem(st));
	hs->chain[hs->nchain++] = r;
	return (0);
}

/*
 * engine_gate - the one log-only/DKIM check before rule r makes edit op
 * on the header: 1 go on, 0 not made (a note says why), -1 error.
 * A delete ends evaluation, and so does a DKIM skip.
 */
static int
engine_gate(struct engine_state *st, struct engine_hdr *hs,
    const struct rule *r, enum engine_op op)
{
	if (r->flags & RULES_F_LOGONLY)
		return (
		    engine_add_note(st, ENGINE_NOTE_LOGONLY, hs->pos, r, op));
	if (op == ENGINE_DELETE)
		hs->done = 1;
	if (op == ENGINE_INSERT || !hs->is_signed || (r->flags & RULES_F_FORCE))
		return (1);
	hs->done = 1;
	return (engine_add_note(st, ENGINE_NOTE_DKIM_SKIP, hs->pos, r, op));
}

/*
 * engine_insert - insert the header line in hs->nb above the header; the
 * text saw the chain's result, so the edit names the chain and r
 */
static int
engine_insert(struct engine_state *st, struct engine_hdr *hs,
    const struct rule *r, size_t nl)
{
	char *v;

	if (engine_chain_push(st, hs, r) < 0 ||
	    engine_new_value(
	        st, nl, hs->nb.s + nl + 1, hs->nb.len - nl - 1, &v) < 0 ||
	    engine_add_edit(st, ENGINE_INSERT, hs->pos, hs->nb.s, nl, v,
	        hs->chain, hs->nchain, NULL) < 0)
		return (-1);
	return (0);
}

/*
 * engine_expand_line - hs->nb = the rule's text, which must be a header
 * line "Name: value"; the length of Name, or -1 (err set)
 */
static long
engine_expand_line(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	const char *colon;

	if (engine_expand(st, hs, r) < 0)
		return (-1);
	colon = memchr(hs->nb.s, ':', hs->nb.len);
	if (colon == NULL ||
	    !pm_field_name_ok(hs->nb.s, (size_t)(colon - hs->nb.s))) {
		pm_error_set(st->err,
		    "%s:%u: replacement text does not start with a header name and a colon",
		    r->file, r->line);
		return (-1);
	}
	return ((long)(colon - hs->nb.s));
}

/* engine_change - make hs->nb the header's new value */
static int
engine_change(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	const char *old = hs->line.s + hs->voff;
	size_t oldlen = hs->line.len - hs->voff;
	int rc;

	if ((rc = engine_gate(st, hs, r, ENGINE_CHANGE)) <= 0)
		return (rc);
	/* A rule whose rewrite changed nothing did not contribute. */
	if ((hs->nb.len != oldlen || memcmp(hs->nb.s, old, oldlen) != 0) &&
	    engine_chain_push(st, hs, r) < 0)
		return (-1);
	hs->line.len = hs->voff;
	if (pm_buf_append(&hs->line, hs->nb.s, hs->nb.len) < 0)
		return (engine_nomem(st));
	hs->fate = ENGINE_CHANGED;
	hs->by = r;
	return (0);
}

/* engine_act_remove - remove, IGNORE */
static int
engine_act_remove(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	int rc;

	if ((rc = engine_gate(st, hs, r, ENGINE_DELETE)) <= 0)
		return (rc);
	hs->fate = ENGINE_DELETED;
	hs->by = r;
	return (0);
}

/* engine_act_prepend - PREPEND: a new header above this one */
static int
engine_act_prepend(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	long nl;
	int rc;

	if ((nl = engine_expand_line(st, hs, r)) < 0)
		return (-1);
	if ((rc = engine_gate(st, hs, r, ENGINE_INSERT)) <= 0)
		return (rc);
	if (engine_insert(st, hs, r, (size_t)nl) < 0)
		return (-1);
	hs->nchain--; /* r made the insert, not the value */
	return (0);
}

/*
 * engine_act_replace_line - REPLACE: the same name gets the new value;
 * another name deletes this header and inserts the new one above it
 */
static int
engine_act_replace_line(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	long nl;
	int rc;

	if ((nl = engine_expand_line(st, hs, r)) < 0)
		return (-1);
	if ((size_t)nl == hs->namelen &&
	    strncasecmp(hs->nb.s, hs->h->name, hs->namelen) == 0) {
		/* Same name: keep only the value. */
		memmove(
		    hs->nb.s, hs->nb.s + nl + 1, hs->nb.len - (size_t)nl - 1);
		hs->nb.len -= (size_t)nl + 1;
		hs->nb.s[hs->nb.len] = 0;
		return (engine_change(st, hs, r));
	}
	if ((rc = engine_gate(st, hs, r, ENGINE_DELETE)) <= 0)
		return (rc);
	if (engine_insert(st, hs, r, (size_t)nl) < 0)
		return (-1);
	hs->fate = ENGINE_DELETED;
	hs->by = r;
	return (0);
}

/* engine_act_replace_value - replace: a new value, one leading space */
static int
engine_act_replace_value(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	if (engine_expand(st, hs, r) < 0)
		return (-1);
	if (hs->nb.len == 0 || (hs->nb.s[0] != ' ' && hs->nb.s[0] != '\t')) {
		if (pm_buf_putc(&hs->nb, ' ') < 0)
			return (engine_nomem(st));
		memmove(hs->nb.s + 1, hs->nb.s, hs->nb.len - 1);
		hs->nb.s[0] = ' ';
	}
	return (engine_change(st, hs, r));
}

/* engine_act_subst - redact, pseudonymize: every match in the value */
static int
engine_act_subst(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	if ((r->find == 0 && (r->pat.re == NULL || r->pat.negate)) ||
	    r->subject != RULES_SUBJ_VALUE)
		pm_panic(
		    "%s:%u: %s without a plain pattern or find on the value",
		    r->file, r->line, r->action_word);
	if (r->action == RULES_PSEUDONYMIZE && st->p->key == NULL) {
		pm_error_set(st->err,
		    "%s:%u: pseudonymize needs PseudonymKeyFile", r->file,
		    r->line);
		return (-1);
	}
	if ((r->find != 0 ? engine_subst_hits(st, hs, r)
	                  : engine_subst(st, hs, r)) < 0)
		return (-1);
	return (engine_change(st, hs, r));
}

/* engine_act_utc - utc: a date in UTC; a value that is no date stays */
static int
engine_act_utc(
    struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	int rc = date_to_utc(
	    hs->line.s + hs->voff, hs->line.len - hs->voff, &hs->nb);

	if (rc < 0)
		return (engine_nomem(st));
	return (rc == 0 ? 0 : engine_change(st, hs, r));
}

/* engine_act - what rule r, which matched, does to the header */
static int
engine_act(struct engine_state *st, struct engine_hdr *hs, const struct rule *r)
{
	switch (r->action) {
	case RULES_STOP:
		hs->done = 1;
		return (0);
	case RULES_LOG:
		return (engine_add_note(
		    st, ENGINE_NOTE_LOG, hs->pos, r, ENGINE_CHANGE));
	case RULES_REMOVE:
		return (engine_act_remove(st, hs, r));
	case RULES_PREPEND:
		return (engine_act_prepend(st, hs, r));
	case RULES_REPLACE_LINE:
		return (engine_act_replace_line(st, hs, r));
	case RULES_REPLACE_VALUE:
		return (engine_act_replace_value(st, hs, r));
	case RULES_REDACT:
	case RULES_PSEUDONYMIZE:
		return (engine_act_subst(st, hs, r));
	case RULES_UTC:
		return (engine_act_utc(st, hs, r));
	case RULES_ADD:
		break;
	}
	pm_panic("%s:%u: action %d in a header's rule list", r->file, r->line,
	    (int)r->action);
}

/* engine_outcome - at most one CHANGE or DELETE for the header */
static int
engine_outcome(struct engine_state *st, struct engine_hdr *hs)
{
	const struct engine_header *h = hs->h;
	char *v;

	if (hs->fate == ENGINE_DELETED)
		return (engine_add_edit(st, ENGINE_DELETE, hs->pos, h->name,
		    hs->namelen, NULL, &hs->by, 1, NULL));
	if (hs->fate != ENGINE_CHANGED)
		return (0);
	if (engine_new_value(st, hs->namelen, hs->line.s + hs->voff,
	        hs->line.len - hs->voff, &v) < 0)
		return (-1);
	if (strcmp(v, h->value) == 0) {
		free(v);
		return (0);
	}
	/* Only re-folding changed the value: the last rule that acted. */
	if (hs->nchain == 0)
		return (engine_add_edit(st, ENGINE_CHANGE, hs->pos, h->name,
		    hs->namelen, v, &hs->by, 1, NULL));
	return (engine_add_edit(st, ENGINE_CHANGE, hs->pos, h->name,
	    hs->namelen, v, hs->chain, hs->nchain, NULL));
}

/* The candidate rules of a header: two seq lists merged in file order. */
struct engine_cands {
	const unsigned *a, *b;
	size_t na, nb, ia, ib;
};

/* engine_next_rule - the next candidate in file order; 0 when none */
static int
engine_next_rule(struct engine_cands *c, unsigned *seq)
{
	if (c->ia >= c->na && c->ib >= c->nb)
		return (0);
	if (c->ib >= c->nb || (c->ia < c->na && c->a[c->ia] < c->b[c->ib])) {
		*seq = c->a[c->ia++];
		return (1);
	}
	if (c->ia < c->na && c->a[c->ia] == c->b[c->ib])
		c->ia++;
	*seq = c->b[c->ib++];
	return (1);
}

/*
 * engine_header - run the candidate rules over header pos
 *
 * hs.line holds "Name:" followed by the current value; a rule with
 * RULES_F_CONTINUE lets later rules see its result.
 */
static int
engine_header(struct engine_state *st, size_t pos)
{
	const struct ruleset *rs = st->p->rules;
	struct engine_cands c;
	struct engine_hdr hs;
	const struct rule *r;
	unsigned seq;
	int rc = -1;

	memset(&hs, 0, sizeof(hs));
	memset(&c, 0, sizeof(c));
	hs.pos = pos;
	hs.h = &st->hdrs[pos];
	hs.namelen = strlen(hs.h->name);
	hs.voff = hs.namelen + 1;
	c.na = rules_for_header(rs, hs.h->name, hs.namelen, &c.a);
	c.nb = rules_for_any_header(rs, &c.b);
	if (c.na + c.nb == 0)
		return (0);
	hs.is_signed = dkim_is_signed(&st->dkim, hs.h->name);
	if (pm_buf_append(&hs.line, hs.h->name, hs.namelen) < 0 ||
	    pm_buf_putc(&hs.line, ':') < 0 ||
	    pm_buf_puts(&hs.line, hs.h->value) < 0) {
		engine_nomem(st);
		goto out;
	}
	while (!hs.done && engine_next_rule(&c, &seq)) {
		if ((r = rules_get(rs, seq)) == NULL)
			pm_panic("rule seq %u of %zu in a header's rule list",
			    seq, rules_count(rs));
		rc = rules_match(rs, r, hs.line.s, hs.line.len,
		    hs.line.s + hs.voff, hs.line.len - hs.voff, &st->ev,
		    st->err);
		if (rc < 0)
			goto out;
		if (rc == 0)
			continue;
		if ((rc = engine_matched(st, r)) < 0)
			goto out;
		hs.done = !(r->flags & RULES_F_CONTINUE);
		pm_buf_reset(&hs.nb);
		if ((rc = engine_act(st, &hs, r)) < 0)
			goto out;
	}
	rc = engine_outcome(st, &hs);
out:
	pm_buf_free(&hs.line);
	pm_buf_free(&hs.nb);
	free(hs.chain);
	return (rc);
}

/* engine_message_rule - one RULES_ADD rule: add its header at the end */
static int
engine_message_rule(struct engine_state *st, const struct rule *r)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t nl;
	char *v;
	int rc;

	if (r->action != RULES_ADD || r->name == NULL ||
	    !pm_field_name_ok(r->name, strlen(r->name)))
		pm_panic("%s:%u: not a message-level rule", r->file, r->line);
	rc = match_cond(rules_match_ctx(st->p->rules), r->when, &st->ev.facts,
	    st->md, r->file, r->line, st->err);
	if (rc <= 0 || engine_matched(st, r) < 0)
		return (rc <= 0 ? rc : -1);
	if (r->flags & RULES_F_LOGONLY)
		return (engine_add_note(
		    st, ENGINE_NOTE_LOGONLY, st->nheaders, r, ENGINE_ADD));
	nl = strlen(r->name);
	if (pm_buf_putc(&b, ' ') < 0 ||
	    template_expand_host(r->text, "", NULL, 0, engine_host(st), &b) <
	        0) {
		pm_buf_free(&b);
		pm_error_cause(st->err, PM_ERR_NOMEM,
		    "%s:%u: out of memory expanding text", r->file, r->line);
		return (-1);
	}
	fold_scrub(&b, 0);
	rc = engine_new_value(st, nl, b.s, b.len, &v);
	pm_buf_free(&b);
	if (rc < 0)
		return (-1);
	return (engine_add_edit(
	    st, ENGINE_ADD, st->nheaders, r->name, nl, v, &r, 1, NULL));
}

/* engine_message_rules - the RULES_ADD rules, in order */
static int
engine_message_rules(struct engine_state *st)
{
	const struct ruleset *rs = st->p->rules;
	const struct rule *r;
	const unsigned *seqs;
	size_t i, n;

	n = rules_message_rules(rs, &seqs);
	for (i = 0; i < n; i++) {
		if ((r = rules_get(rs, seqs[i])) == NULL)
			pm_panic("rule seq %u of %zu in the message rules",
			    seqs[i], rules_count(rs));
		if (engine_message_rule(st, r) < 0)
			return (-1);
	}
	return (0);
}

/* engine_tls_header - our TLS header, the first insert above header 0 */
static int
engine_tls_header(struct engine_state *st)
{
	const struct engine_params *p = st->p;
	size_t nl;
	char *v;

	if (p->tls_header_name == NULL || p->tls_header_value == NULL ||
	    p->trusted_reinjection)
		return (0);
	nl = strlen(p->tls_header_name);
	if (engine_new_value(st, nl, p->tls_header_value,
	        strlen(p->tls_header_value), &v) < 0)
		return (-1);
	return (engine_add_edit(st, ENGINE_INSERT, 0, p->tls_header_name, nl, v,
	    NULL, 0, "tls-header"));
}

/*
 * engine_forwarded - the message is received mail leaving again (a Sieve
 * redirect, a .forward, procmail, a client's bounce) or a reply generated
 * for received mail (vacation, notify): what the delivery or the
 * forwarder wrote says so
 */
int
engine_forwarded(const struct engine_header *hdrs, size_t nheaders)
{
	static const char *const marks[] = {"X-Sieve-Redirected-From",
	    "Delivered-To", "X-Original-To", "Resent-From", "Resent-Sender",
	    "Resent-Date"};
	const char *v;
	size_t i, k;

	for (i = 0; i < nheaders; i++) {
		/* Most names start with none of their letters: skip those. */
		switch (hdrs[i].name[0] | 0x20) {
		case 'a':
		case 'd':
		case 'r':
		case 'x':
			break;
		default:
			continue;
		}
		for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (strcasecmp(hdrs[i].name, marks[k]) == 0)
				return (1);
		if (strcasecmp(hdrs[i].name, "Auto-Submitted") != 0)
			continue;
		for (v = hdrs[i].value; *v == ' ' || *v == '\t'; v++)
			;
		if (strncasecmp(v, "auto-replied", 12) == 0 ||
		    strncasecmp(v, "auto-notified", 13) == 0)
			return (1);
	}
	return (0);
}

/* engine_prepare_detect - the detectors of this session, when rules find */
static int
engine_prepare_detect(struct engine_state *st)
{
	const struct engine_params *p = st->p;
	const struct pm_session *s = p->session;
	struct detect_input in;

	memset(&in, 0, sizeof(in));
	if (s != NULL) {
		in.family = s->family;
		in.addr = s->family != 0 ? s->addr : NULL;
		in.client_name = s->client_name;
		in.helo = s->helo;
		in.login = s->auth_authen;
	}
	st->own[in.nown++] = p->authserv_id;
	st->own[in.nown++] = p->own_host;
	in.own = st->own;
	in.nkeep = rules_keep_networks(p->rules, &in.keep);
	if (detect_prepare(st->detect, &in) < 0)
		return (engine_nomem(st));
	st->ev.detect = st->detect;
	return (0);
}

/* engine_run - compute the edits for one message */
int
engine_run(const struct engine_params *params, const struct engine_header *hdrs,
    size_t nheaders, struct engine_result *res, struct pm_error *err)
{
	struct engine_state st;
	struct detect_set detect; /* not zeroed: detect_prepare() sets it up */
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	st.detect = &detect;
	st.p = params;
	st.hdrs = hdrs;
	st.nheaders = nheaders;
	st.res = res;
	st.err = err;
	if (params->rules != NULL &&
	    (st.md = pcre2_match_data_create(
	         rules_max_captures(params->rules) + 1, NULL)) == NULL) {
		engine_nomem(&st);
		goto out;
	}
	st.ev.md = st.md;
	st.ev.facts.session = params->session;
	st.ev.facts.forwarded = engine_forwarded(hdrs, nheaders);
	res->forwarded = st.ev.facts.forwarded;
	if (params->rules != NULL && rules_detect_kinds(params->rules) != 0 &&
	    engine_prepare_detect(&st) < 0)
		goto out;
	/* The signed headers, before anything is changed. */
	if (dkim_collect(&st.dkim, hdrs, nheaders) < 0) {
		engine_nomem(&st);
		goto out;
	}
	if (engine_tls_header(&st) < 0)
		goto out;
	/* A forged copy of our TLS header goes before any rule sees it. */
	for (i = 0; i < nheaders; i++) {
		if (engine_is_forged_tls(&st, &hdrs[i])) {
			if (engine_add_edit(&st, ENGINE_DELETE, i, hdrs[i].name,
			        strlen(hdrs[i].name), NULL, NULL, 0,
			        "forged-tls-header") < 0)
				goto out;
		} else if (params->rules != NULL && engine_header(&st, i) < 0)
			goto out;
	}
	if (params->rules != NULL && engine_message_rules(&st) < 0)
		goto out;
	rc = 0;

out:
	dkim_free(&st.dkim);
	pcre2_match_data_free(st.md);
	if (st.ev.detect != NULL)
		detect_free(&detect);
	detect_hits_free(&st.ev.hits);
	if (rc < 0) {
		engine_result_free(res);
		res->forwarded = st.ev.facts.forwarded;
	}
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
	free(res->matched);
	memset(res, 0, sizeof(*res));
}
