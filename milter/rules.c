/*++
/* NAME
/*	rules 3
/* SUMMARY
/*	the ruleset: files, logical lines, dispatch, accessors
/* DESCRIPTION
/*	The contract is in include/rules.h, the language in
/*	privacy-milter.rules(5). This file owns the ruleset object: it
/*	reads files, splits them into logical lines (rules_parse_text(),
/*	after Postfix's readlline()), hands each line to its parser
/*	(rules_hc.c for header_checks lines and if/endif, rules_native.c
/*	for native rules), keeps the helpers both parsers share, builds
/*	the dispatch table and answers rules_match(). Each line's rule gets
/*	the hash of its text at once (rules_text_ident()); the ranks of
/*	copies and the names' identities come once every file is read
/*	(rules_identities(), one sort of the rules).
/*
/*	Dispatch is a hash table from the lower-case header name to the
/*	seqs of its rules (FNV-1a, open addressing, at most half full),
/*	built once after the last file. It is what keeps the cost of a
/*	header independent of rules for other names (BENCHMARKS.md: 10,000
/*	rules for absent names cost what 10 do).
/*--*/
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileset.h"
#include "rules_impl.h"

/* rules_perr - report a problem in the file being parsed */
void
rules_perr(struct rules_parser *p, enum pm_severity sev, unsigned line,
    unsigned col, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	if (p->gave_up)
		return;
	if (sev == PM_WARNING && ++p->nwarnings > RULES_MAX_ERRORS) {
		if (p->nwarnings == RULES_MAX_ERRORS + 1)
			pm_diag_add(p->diags, PM_WARNING, p->file, line, 0,
			    "too many warnings (%d); further warnings of this file are not shown",
			    RULES_MAX_ERRORS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pm_diag_add(p->diags, sev, p->file, line, col, "%s", msg);
	if (sev != PM_ERROR)
		return;
	p->total_errors++;
	if (++p->nerrors >= RULES_MAX_ERRORS) {
		pm_diag_add(p->diags, PM_ERROR, p->file, line, 0,
		    "too many errors (%d); the rest of the file was not read",
		    RULES_MAX_ERRORS);
		p->gave_up = 1;
	}
}

/* rules_enomem - report an allocation failure */
void
rules_enomem(struct rules_parser *p, unsigned line)
{
	rules_perr(p, PM_ERROR, line, 0, "out of memory");
}

/* rules_word_is - case-insensitive compare of a counted word */
int
rules_word_is(const char *w, size_t len, const char *lit)
{
	return (strlen(lit) == len && strncasecmp(w, lit, len) == 0);
}

/* rules_names_free - free a list of header names */
static void
rules_names_free(struct rules_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
}

/* rules_rule_free - free what a rule owns */
static void
rules_rule_free(struct rule *r)
{
	free(r->header);
	free(r->name);
	rules_names_free(&r->sel);
	rules_names_free(&r->except);
	match_pattern_free(&r->pat);
	free(r->guards);
	match_cond_free(r->when);
	free(r->action_word);
	free(r->label);
	template_free(r->text);
	memset(r, 0, sizeof(*r));
}

/* rules_free - free a ruleset and everything it owns */
static void
rules_free(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		rules_rule_free(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	for (i = 0; i < rs->nguards; i++) {
		match_pattern_free(&rs->guards[i]->pat);
		free(rs->guards[i]->header);
		free(rs->guards[i]);
	}
	free(rs->guards);
	match_ctx_free(&rs->mc);
	for (i = 0; rs->tab != NULL && i < rs->tabsize; i++) {
		free(rs->tab[i].name);
		free(rs->tab[i].seqs);
	}
	free(rs->tab);
	free(rs->any);
	free(rs->msg);
	free(rs->keep);
	free(rs);
}

/* rules_new_rule - append a zeroed rule inside the open "if"s */
struct rule *
rules_new_rule(struct rules_parser *p, unsigned line)
{
	struct ruleset *rs = p->rs;
	struct rule *r;
	size_t i;

	if (pm_grow(&rs->rules, &rs->caprules, rs->nrules + 1,
	        sizeof(*rs->rules)) < 0) {
		rules_enomem(p, line);
		return (NULL);
	}
	r = &rs->rules[rs->nrules];
	memset(r, 0, sizeof(*r));
	r->seq = (unsigned)rs->nrules;
	r->file = p->file;
	r->line = line;
	if (p->depth > 0) {
		if ((r->guards = calloc(p->depth, sizeof(*r->guards))) ==
		    NULL) {
			rules_enomem(p, line);
			return (NULL);
		}
		for (i = 0; i < p->depth; i++)
			r->guards[i] = p->stack[i];
		r->nguards = p->depth;
	}
	rs->nrules++;
	return (r);
}

/* rules_drop_last - undo rules_new_rule after an error */
void
rules_drop_last(struct rules_parser *p)
{
	p->rs->nrules--;
	rules_rule_free(&p->rs->rules[p->rs->nrules]);
}

/* rules_guard_header - dispatch name from the enclosing "if"s */
int
rules_guard_header(struct rules_parser *p, struct rule *r)
{
	size_t i;

	for (i = p->depth; i-- > 0;) {
		if (p->stack[i]->header != NULL) {
			r->header = strdup(p->stack[i]->header);
			return (r->header == NULL ? -1 : 0);
		}
	}
	return (0);
}

/* rules_compile - compile a scanned pattern; -1 after an error */
int
rules_compile(struct rules_parser *p, unsigned line,
    const struct rules_patsrc *ps, struct match_pattern *pat)
{
	char why[256];
	size_t erroff = 0;

	if (match_compile(ps->re, ps->relen, ps->options, p->rs->opts.jit, pat,
	        why, sizeof(why), &erroff) < 0) {
		rules_perr(p, PM_ERROR, line, ps->recol + (unsigned)erroff,
		    "bad pattern: %s", why);
		return (-1);
	}
	pat->negate = ps->negate;
	if (pat->ncapture > p->rs->maxcap)
		p->rs->maxcap = pat->ncapture;
	return (0);
}

/* rules_text - parse a replacement text; -1 after an error */
int
rules_text(struct rules_parser *p, unsigned line, unsigned col,
    const char *text, int native, struct template_text **tp)
{
	char why[300];

	if ((native ? template_parse_native(text, tp, why, sizeof(why))
	            : template_parse(text, tp, why, sizeof(why))) < 0) {
		rules_perr(p, PM_ERROR, line, col, "%s", why);
		return (-1);
	}
	return (0);
}

/* rules_parse_kind - hand one logical line to its parser */
static void
rules_parse_kind(struct rules_parser *p, unsigned line, const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		rules_parse_hc(p, line, s);
	else if (strncasecmp(s, "if", 2) == 0 && !isalnum((unsigned char)s[2]))
		rules_parse_if(p, line, s);
	else if (strncasecmp(s, "endif", 5) == 0 &&
	    !isalnum((unsigned char)s[5]))
		rules_parse_endif(p, line, s);
	else if (strncasecmp(s, "keep-networks", 13) == 0 &&
	    (s[13] == 0 || isspace((unsigned char)s[13])))
		rules_parse_keep_networks(p, line, s);
	else
		rules_parse_native(p, line, s);
}

/*
 * rules_text_ident - the identity of an unnamed rule before its rank: the
 * file's base name and the text, each run of white space as one space
 */
static uint64_t
rules_text_ident(const char *file, const char *s)
{
	const char *base = strrchr(file, '/');
	uint64_t h;

	base = base != NULL ? base + 1 : file;
	h = pm_hash_more(pm_hash(base, strlen(base), 0), "", 1, 0);
	while (*s != 0) {
		if (!isspace((unsigned char)*s)) {
			h = pm_hash_more(h, s++, 1, 0);
			continue;
		}
		while (isspace((unsigned char)*s))
			s++;
		if (*s != 0)
			h = pm_hash_more(h, " ", 1, 0);
	}
	return (h);
}

/* rules_parse_line - one logical line, trailing white space removed */
static void
rules_parse_line(struct rules_parser *p, unsigned line, char *s)
{
	size_t n = strlen(s), before = p->rs->nrules;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	rules_parse_kind(p, line, s);
	/* The rule the line made, if any: its identity before its rank. */
	for (n = before; n < p->rs->nrules; n++)
		p->rs->rules[n].ident = rules_text_ident(p->file, s);
}

/*
 * rules_parse_text - split text into logical lines as Postfix's
 * readlline() does, and parse each.
 */
static void
rules_parse_text(struct rules_parser *p, const char *text, size_t len)
{
	struct pm_buf lbuf = PM_BUF_INIT;
	const char *s, *e, *end = text + len, *q;
	unsigned lineno = 0, first = 0;
	size_t plen;

	for (s = text; s < end && !p->gave_up; s = e + 1) {
		lineno++;
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		plen = (size_t)(e - s);
		if (plen > 0 && s[plen - 1] == '\r')
			plen--;
		if (memchr(s, 0, plen) != NULL) {
			rules_perr(
			    p, PM_ERROR, lineno, 0, "line contains a NUL byte");
			continue;
		}
		for (q = s; q < s + plen && isspace((unsigned char)*q); q++)
			;
		if (q == s + plen || *q == '#')
			continue; /* blank or comment */
		if (q > s && first == 0) {
			rules_perr(p, PM_WARNING, lineno, 0,
			    "indented line does not continue a preceding line: ignored");
			continue;
		}
		if (q == s) { /* a new logical line: parse the last one */
			if (first != 0)
				rules_parse_line(p, first, lbuf.s);
			pm_buf_reset(&lbuf);
			first = lineno;
		}
		if (pm_buf_append(&lbuf, s, plen) < 0) {
			rules_enomem(p, lineno);
			first = 0;
			break;
		}
	}
	if (first != 0 && !p->gave_up)
		rules_parse_line(p, first, lbuf.s);
	pm_buf_free(&lbuf);
}

/* rules_new_set - an empty ruleset */
static struct ruleset *
rules_new_set(const struct rules_options *opts, struct pm_diags *diags)
{
	struct ruleset *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		goto nomem;
	atomic_init(&rs->refs, 1);
	if (opts != NULL)
		rs->opts = *opts;
	if (match_ctx_init(
	        &rs->mc, rs->opts.match_limit, rs->opts.depth_limit) < 0)
		goto nomem;
	return (rs);

nomem:
	if (rs != NULL)
		rules_free(rs);
	pm_diag_add(
	    diags, PM_ERROR, NULL, 0, 0, "out of memory while loading rules");
	return (NULL);
}

/* rules_add_file - parse text as file name into rs; returns errors */
static size_t
rules_add_file(struct ruleset *rs, const char *name, const char *text,
    size_t len, struct pm_diags *diags)
{
	struct rules_parser p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.rs = rs;
	p.diags = diags;
	if (pm_grow(&rs->files, &rs->capfiles, rs->nfiles + 1,
	        sizeof(*rs->files)) < 0 ||
	    (rs->files[rs->nfiles] = strdup(name)) == NULL) {
		pm_diag_add(diags, PM_ERROR, name, 0, 0, "out of memory");
		return (1);
	}
	p.file = rs->files[rs->nfiles++];
	rules_parse_text(&p, text, len);
	if (!p.gave_up)
		for (i = p.depth; i-- > 0;)
			rules_perr(&p, PM_ERROR, p.stack[i]->line, 0,
			    "\"if\" has no matching \"endif\" (the file ends first)");
	free(p.stack);
	return (p.total_errors);
}

/* rules_bucket_find - the slot for name: its bucket or an empty one */
static struct rules_bucket *
rules_bucket_find(const struct ruleset *rs, const char *name, size_t len)
{
	size_t i, mask = rs->tabsize - 1;
	struct rules_bucket *b;

	for (i = (size_t)pm_hash(name, len, 1) & mask;; i = (i + 1) & mask) {
		b = &rs->tab[i];
		if (b->name == NULL ||
		    (b->namelen == len && strncasecmp(b->name, name, len) == 0))
			return (b);
	}
}

/* rules_push_seq - append a seq to a vector */
static int
rules_push_seq(unsigned **v, size_t *n, size_t *cap, unsigned seq)
{
	if (pm_grow(v, cap, *n + 1, sizeof(**v)) < 0)
		return (-1);
	(*v)[(*n)++] = seq;
	return (0);
}

/* rules_dispatch_name - rule seq is a candidate for header name */
static int
rules_dispatch_name(struct ruleset *rs, const char *name, unsigned seq)
{
	struct rules_bucket *b = rules_bucket_find(rs, name, strlen(name));

	if (b->name == NULL) {
		if ((b->name = pm_lower_dup(name, strlen(name))) == NULL)
			return (-1);
		b->namelen = strlen(b->name);
	}
	/* A name listed twice in one rule: once. */
	if (b->n > 0 && b->seqs[b->n - 1] == seq)
		return (0);
	return (rules_push_seq(&b->seqs, &b->n, &b->cap, seq));
}

/* rules_build_dispatch - the name hash table and the seq lists */
static int
rules_build_dispatch(struct ruleset *rs)
{
	size_t i, j, size = 16, capany = 0, capmsg = 0, names = 0;
	struct rule *r;

	for (i = 0; i < rs->nrules; i++)
		names += rs->rules[i].sel.n > 0 ? rs->rules[i].sel.n : 1;
	while (size < names * 2)
		size *= 2;
	if ((rs->tab = calloc(size, sizeof(*rs->tab))) == NULL)
		return (-1);
	rs->tabsize = size;
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->action == RULES_ADD) {
			if (rules_push_seq(
			        &rs->msg, &rs->nmsg, &capmsg, r->seq) < 0)
				return (-1);
			continue;
		}
		rs->detect_kinds |= r->find;
		if (r->header != NULL) {
			if (rules_dispatch_name(rs, r->header, r->seq) < 0)
				return (-1);
		} else if (r->sel.n > 0 && !r->sel.globs) {
			/* A list of literal names: under each of them. */
			for (j = 0; j < r->sel.n; j++)
				if (rules_dispatch_name(
				        rs, r->sel.v[j], r->seq) < 0)
					return (-1);
		} else if (rules_push_seq(
		               &rs->any, &rs->nany, &capany, r->seq) < 0)
			return (-1);
	}
	return (0);
}

/* rules_by_ident - qsort: text identity, then file order */
static int
rules_by_ident(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;

	if (x->ident != y->ident)
		return (x->ident < y->ident ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* rules_by_label - qsort: named rules by name, then file order */
static int
rules_by_label(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;
	int c = strcmp(x->label, y->label);

	return (c != 0 ? c : x->seq < y->seq ? -1 : x->seq > y->seq);
}

/*
 * rules_identities - final identities: a named rule's is its name (each
 * name once in the set); the k-th unnamed rule with one text adds k when
 * k > 0, so the first keeps its identity when copies are added below it.
 * Returns the number of errors; -1 when memory ran out.
 */
static long
rules_identities(struct ruleset *rs, struct pm_diags *diags)
{
	struct rule **v;
	size_t i, n = 0, named = 0, rank = 0;
	long errors = 0;
	char buf[32];

	if (rs->nrules == 0)
		return (0);
	if ((v = calloc(rs->nrules, sizeof(*v))) == NULL)
		return (-1);
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].label == NULL)
			v[n++] = &rs->rules[i];
	qsort(v, n, sizeof(*v), rules_by_ident);
	for (i = 0; i < n; i++) {
		rank = i > 0 && v[i - 1]->ident == v[i]->ident ? rank + 1 : 0;
		if (rank > 0) {
			snprintf(buf, sizeof(buf), "#%zu", rank);
			v[i]->ident =
			    pm_hash_more(v[i]->ident, buf, strlen(buf), 0);
		}
	}
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].label != NULL) {
			v[named++] = &rs->rules[i];
			rs->rules[i].ident = pm_hash_more(
			    pm_hash("name:", 5, 0), rs->rules[i].label,
			    strlen(rs->rules[i].label), 0);
		}
	qsort(v, named, sizeof(*v), rules_by_label);
	for (i = 1; i < named; i++)
		if (strcmp(v[i - 1]->label, v[i]->label) == 0) {
			pm_diag_add(diags, PM_ERROR, v[i]->file, v[i]->line, 0,
			    "rule name \"%s\" is already used at %s:%u",
			    v[i]->label, v[i - 1]->file, v[i - 1]->line);
			errors++;
		}
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].ident == 0)
			rs->rules[i].ident = 1;
	free(v);
	return (errors);
}

/* rules_finish - identities, dispatch; free rs and return NULL on errors */
static struct ruleset *
rules_finish(struct ruleset *rs, size_t errors, struct pm_diags *diags)
{
	long e;

	if (errors == 0 && (e = rules_identities(rs, diags)) != 0) {
		if (e < 0)
			pm_diag_add(diags, PM_ERROR, NULL, 0, 0,
			    "out of memory while loading rules");
		errors++;
	}
	if (errors == 0 && rules_build_dispatch(rs) < 0) {
		pm_diag_add(diags, PM_ERROR, NULL, 0, 0,
		    "out of memory while loading rules");
		errors++;
	}
	if (errors > 0) {
		rules_free(rs);
		return (NULL);
	}
	return (rs);
}

/* rules_read_file - whole file into buf; -1 with a diagnostic */
static int
rules_read_file(const char *path, struct pm_buf *buf, struct pm_diags *diags)
{
	/* Through fileset_read(): a restarted child replays the bytes. */
	if (fileset_read(path, buf, NULL) == 0)
		return (0);
	if (errno == EFBIG)
		pm_diag_add(diags, PM_ERROR, path, 0, 0,
		    "rules files are larger than %d MiB together",
		    FILESET_MAX / 1024 / 1024);
	else
		pm_diag_add(diags, PM_ERROR, path, 0, 0,
		    "cannot open rules file: %s", strerror(errno));
	return (-1);
}

/* rules_load - parse files in order */
struct ruleset *
rules_load(const char *const *files, size_t nfiles,
    const struct rules_options *opts, struct pm_diags *diags)
{
	struct pm_buf buf = PM_BUF_INIT;
	struct ruleset *rs;
	size_t i, errors = 0;

	if ((rs = rules_new_set(opts, diags)) == NULL)
		return (NULL);
	for (i = 0; i < nfiles; i++) {
		pm_buf_reset(&buf);
		if (rules_read_file(files[i], &buf, diags) < 0) {
			errors++;
			continue;
		}
		errors += rules_add_file(
		    rs, files[i], buf.s ? buf.s : "", buf.len, diags);
	}
	pm_buf_free(&buf);
	return (rules_finish(rs, errors, diags));
}

/* rules_load_string - parse text as if read from a file named name */
struct ruleset *
rules_load_string(const char *name, const char *text, size_t len,
    const struct rules_options *opts, struct pm_diags *diags)
{
	struct ruleset *rs;
	size_t errors;

	if ((rs = rules_new_set(opts, diags)) == NULL)
		return (NULL);
	errors = rules_add_file(rs, name, text, len, diags);
	return (rules_finish(rs, errors, diags));
}

/* rules_ref - one more reference */
void
rules_ref(struct ruleset *rs)
{
	if (rs != NULL)
		atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
}

/* rules_unref - one reference less; free at zero */
void
rules_unref(struct ruleset *rs)
{
	if (rs == NULL)
		return;
	if (atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_acq_rel) == 1)
		rules_free(rs);
}

/* rules_count - number of rules */
size_t
rules_count(const struct ruleset *rs)
{
	return (rs->nrules);
}

/* rules_get - rule by seq, NULL if out of range */
const struct rule *
rules_get(const struct ruleset *rs, unsigned seq)
{
	return (seq < rs->nrules ? &rs->rules[seq] : NULL);
}

/* rules_for_header - seqs of the rules dispatched on name */
size_t
rules_for_header(const struct ruleset *rs, const char *name, size_t namelen,
    const unsigned **seqs)
{
	const struct rules_bucket *b;

	*seqs = NULL;
	if (rs->tab == NULL || name == NULL)
		return (0);
	b = rules_bucket_find(rs, name, namelen);
	if (b->name == NULL)
		return (0);
	*seqs = b->seqs;
	return (b->n);
}

/* rules_for_any_header - seqs of the rules without a header name */
size_t
rules_for_any_header(const struct ruleset *rs, const unsigned **seqs)
{
	*seqs = rs->any;
	return (rs->nany);
}

/* rules_message_rules - seqs of RULES_ADD rules */
size_t
rules_message_rules(const struct ruleset *rs, const unsigned **seqs)
{
	*seqs = rs->msg;
	return (rs->nmsg);
}

/* rules_opts - the options the ruleset was built with */
const struct rules_options *
rules_opts(const struct ruleset *rs)
{
	return (&rs->opts);
}

/* rules_match_ctx - the match context with the limits */
const struct match_ctx *
rules_match_ctx(const struct ruleset *rs)
{
	return (&rs->mc);
}

/* rules_max_captures - largest capture count of any pattern */
uint32_t
rules_max_captures(const struct ruleset *rs)
{
	return (rs->maxcap);
}

/* rules_detect_kinds - the kinds the set's "find" rules use */
unsigned
rules_detect_kinds(const struct ruleset *rs)
{
	return (rs->detect_kinds);
}

/* rules_keep_networks - the networks "address" leaves alone */
size_t
rules_keep_networks(const struct ruleset *rs, const struct pm_net **nets)
{
	*nets = rs->keep;
	return (rs->nkeep);
}

/* rules_detect_except - the except list of the last rule finding addresses */
const struct rules_names *
rules_detect_except(const struct ruleset *rs)
{
	size_t i;

	for (i = rs->nrules; i > 0; i--)
		if (rs->rules[i - 1].find & DETECT_ADDRESS)
			return (rs->rules[i - 1].except.n > 0
			        ? &rs->rules[i - 1].except
			        : NULL);
	return (NULL);
}

/* rules_names_has - name (len bytes) is in the list (globs: prefixes) */
int
rules_names_has(const struct rules_names *l, const char *name, size_t len)
{
	size_t i, n;
	int c = name[0] | 0x20;

	for (i = 0; i < l->n; i++) {
		n = l->len[i];
		/* The first letter decides for most names: no call. */
		if (n > len || (n > 0 && (l->v[i][0] | 0x20) != c))
			continue;
		if (l->v[i][n] == '*') {
			if (strncasecmp(l->v[i], name, n) == 0)
				return (1);
		} else if (n == len && strncasecmp(l->v[i], name, len) == 0)
			return (1);
	}
	return (0);
}

/* rules_name_ok - the rule's HEADERS and "except" let this header in */
static int
rules_name_ok(const struct rule *r, const char *line, size_t linelen)
{
	const char *colon = memchr(line, ':', linelen);
	size_t len = colon != NULL ? (size_t)(colon - line) : linelen;

	if (r->sel.globs && !rules_names_has(&r->sel, line, len))
		return (0);
	return (r->except.n == 0 || !rules_names_has(&r->except, line, len));
}

/* rules_find - a "find" rule: do its detectors find anything? */
static int
rules_find(const struct rule *r, const char *line, size_t linelen,
    const char *value, size_t valuelen, struct rules_eval *ev,
    struct pm_error *err)
{
	char name[256];
	const char *colon = memchr(line, ':', linelen);
	size_t len = colon != NULL ? (size_t)(colon - line) : 0;
	int n;

	if (ev->detect == NULL)
		pm_panic(
		    "%s:%u: find without prepared detectors", r->file, r->line);
	if (len >= sizeof(name))
		len = 0; /* no header name that long is one a detector knows */
	memcpy(name, line, len);
	name[len] = 0;
	if ((n = detect_scan(
	         ev->detect, r->find, name, value, valuelen, &ev->hits)) < 0) {
		pm_error_cause(err, PM_ERR_NOMEM,
		    "%s:%u: out of memory looking for personal data", r->file,
		    r->line);
		return (-1);
	}
	return (n > 0);
}

/* rules_match - names, condition, guards, pattern or detectors of a rule */
int
rules_match(const struct ruleset *rs, const struct rule *r, const char *line,
    size_t linelen, const char *value, size_t valuelen, struct rules_eval *ev,
    struct pm_error *err)
{
	const struct rules_guard *g;
	size_t i;
	int rc;

	if (!rules_name_ok(r, line, linelen))
		return (0);
	/* The condition is cheap: first. */
	if ((rc = match_cond(&rs->mc, r->when, &ev->facts, ev->md, r->file,
	         r->line, err)) <= 0)
		return (rc);
	for (i = 0; i < r->nguards; i++) {
		g = r->guards[i];
		if ((rc = match_pattern(&rs->mc, &g->pat, line, linelen, ev->md,
		         g->file, g->line, err)) <= 0)
			return (rc);
	}
	if (r->find != 0)
		return (rules_find(r, line, linelen, value, valuelen, ev, err));
	if (r->pat.re == NULL)
		return (1);
	if (r->subject == RULES_SUBJ_LINE)
		return (match_pattern(&rs->mc, &r->pat, line, linelen, ev->md,
		    r->file, r->line, err));
	return (match_pattern(
	    &rs->mc, &r->pat, value, valuelen, ev->md, r->file, r->line, err));
}
