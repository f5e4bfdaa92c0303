/*++
/* NAME
/*	template 3
/* SUMMARY
/*	replacement text with $n references, parsed once when rules load
/* DESCRIPTION
/*	The contract is in include/template.h. A parsed template is a list
/*	of pieces: a run of literal text (in lit, with $$ already turned
/*	into $) followed by at most one capture reference. The scanner is
/*	template_ref(), the only code in the tree that reads $ syntax. A
/*	template is one allocation (10,000 rules have 10,000 of them).
/*--*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

/* One literal run and the reference after it (ref 0: none). */
struct template_piece {
	size_t off; /* into lit */
	size_t len;
	unsigned ref;
};

/* One block: the struct, its pieces, then lit and src. */
struct template_text {
	const char *src; /* as given */
	const char *lit; /* the literal runs, one after another */
	size_t npiece;
	unsigned maxref;
	struct template_piece piece[];
};

/* The parse in progress. */
struct template_scan {
	struct pm_buf lit;
	struct template_piece *piece;
	size_t npiece;
	size_t cap;
	unsigned maxref;
};

/*
 * template_ref - the reference that starts at p[0] == '$'
 *
 * Sets *end past it and returns the number, or 0 for "$$"; -1 with why for
 * anything else.
 */
static long
template_ref(
    const char *p, const char **end, int native, char *why, size_t whylen)
{
	const char *name, *e;
	char open, close;
	size_t len, i;
	unsigned long n;
	int level;

	if (p[1] == '$') {
		*end = p + 2;
		return (0);
	}
	if (p[1] == '{' || p[1] == '(') {
		open = p[1];
		close = open == '{' ? '}' : ')';
		name = p + 2;
		for (e = name, level = 1; *e; e++) {
			if (*e == open)
				level++;
			else if (*e == close && --level == 0)
				break;
		}
		if (*e == 0) {
			snprintf(why, whylen,
			    "missing \"%c\" after \"$%c\" in the text", close,
			    open);
			return (-1);
		}
		len = (size_t)(e - name);
		*end = e + 1;
	} else {
		name = p + 1;
		for (e = name; isalnum((unsigned char)*e) || *e == '_'; e++)
			;
		len = (size_t)(e - name);
		*end = e;
	}
	if (len == 0) {
		snprintf(why, whylen,
		    "\"$\" without a capture number in the text (write $$ for a literal $)");
		return (-1);
	}
	/* ${host}: this server's name (native rules only). */
	if (native && p[1] == '{' && len == 4 && strncmp(name, "host", 4) == 0)
		return (TEMPLATE_REF_HOST);
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)name[i]))
			break;
	if (i < len) {
		snprintf(why, whylen,
		    "\"$%.*s\" is not a capture number (use $1..$9 or ${n}; $$ for a literal $)",
		    (int)(len > 40 ? 40 : len), name);
		return (-1);
	}
	n = len > 3 ? TEMPLATE_MAX_REF + 1 : strtoul(name, NULL, 10);
	if (n < 1 || n > TEMPLATE_MAX_REF) {
		snprintf(why, whylen,
		    "capture number \"%.*s\" is out of range (1 to %d)",
		    (int)(len > 40 ? 40 : len), name, TEMPLATE_MAX_REF);
		return (-1);
	}
	return ((long)n);
}

/* template_add - close the literal run lit[off..) with reference ref */
static int
template_add(struct template_scan *sc, size_t off, unsigned ref)
{
	if (pm_grow(&sc->piece, &sc->cap, sc->npiece + 1, sizeof(*sc->piece)) <
	    0)
		return (-1);
	sc->piece[sc->npiece].off = off;
	sc->piece[sc->npiece].len = sc->lit.len - off;
	sc->piece[sc->npiece].ref = ref;
	sc->npiece++;
	if (ref > sc->maxref && ref <= TEMPLATE_MAX_REF)
		sc->maxref = ref;
	return (0);
}

/* template_scan - text into pieces and literal runs; -1 with why */
static int
template_scan(struct template_scan *sc, const char *text, int native, char *why,
    size_t whylen)
{
	const char *p, *run, *end;
	size_t off = 0;
	long ref;

	if (pm_buf_append(&sc->lit, "", 0) < 0)
		goto nomem;
	for (p = run = text; *p != 0; p = end) {
		if (*p != '$') {
			end = p + 1;
			continue;
		}
		if ((ref = template_ref(p, &end, native, why, whylen)) < 0)
			return (-1);
		if (pm_buf_append(&sc->lit, run, (size_t)(p - run)) < 0)
			goto nomem;
		run = end;
		if (ref == 0) { /* "$$" */
			if (pm_buf_putc(&sc->lit, '$') < 0)
				goto nomem;
			continue;
		}
		if (template_add(sc, off, (unsigned)ref) < 0)
			goto nomem;
		off = sc->lit.len;
	}
	if (pm_buf_puts(&sc->lit, run) < 0 || template_add(sc, off, 0) < 0)
		goto nomem;
	return (0);

nomem:
	snprintf(why, whylen, "out of memory");
	return (-1);
}

/* template_parse_as - scan text once; keep the pieces in one block */
static int
template_parse_as(const char *text, int native, struct template_text **tp,
    char *why, size_t whylen)
{
	struct template_scan sc;
	struct template_text *t = NULL;
	size_t pieces, srclen = strlen(text);
	char *lit;

	memset(&sc, 0, sizeof(sc));
	if (template_scan(&sc, text, native, why, whylen) == 0) {
		pieces = sc.npiece * sizeof(*sc.piece);
		if ((t = malloc(sizeof(*t) + pieces + sc.lit.len + 1 + srclen +
		         1)) == NULL)
			snprintf(why, whylen, "out of memory");
		else {
			memcpy(t->piece, sc.piece, pieces);
			lit = (char *)t->piece + pieces;
			memcpy(lit, sc.lit.s, sc.lit.len + 1);
			memcpy(lit + sc.lit.len + 1, text, srclen + 1);
			t->lit = lit;
			t->src = lit + sc.lit.len + 1;
			t->npiece = sc.npiece;
			t->maxref = sc.maxref;
		}
	}
	pm_buf_free(&sc.lit);
	free(sc.piece);
	*tp = t;
	return (t != NULL ? 0 : -1);
}

/* template_parse - a header_checks text: $n only, as in Postfix */
int
template_parse(
    const char *text, struct template_text **tp, char *why, size_t whylen)
{
	return (template_parse_as(text, 0, tp, why, whylen));
}

/* template_parse_native - a native rule's text: $n and ${host} */
int
template_parse_native(
    const char *text, struct template_text **tp, char *why, size_t whylen)
{
	return (template_parse_as(text, 1, tp, why, whylen));
}

/* template_free - release a template; NULL is fine */
void
template_free(struct template_text *t)
{
	free(t);
}

/* template_source - the text as given */
const char *
template_source(const struct template_text *t)
{
	return (t->src);
}

/* template_max_ref - the largest reference, 0 for none */
unsigned
template_max_ref(const struct template_text *t)
{
	return (t->maxref);
}

/* template_expand - append the expansion with the captures of subject */
int
template_expand(const struct template_text *t, const char *subject,
    const PCRE2_SIZE *ovector, uint32_t npairs, struct pm_buf *out)
{
	return (template_expand_host(t, subject, ovector, npairs, NULL, out));
}

/* template_expand_host - the same; ${host} is host */
int
template_expand_host(const struct template_text *t, const char *subject,
    const PCRE2_SIZE *ovector, uint32_t npairs, const char *host,
    struct pm_buf *out)
{
	const struct template_piece *pc;
	size_t i;
	unsigned n;

	if (pm_buf_append(out, "", 0) < 0)
		return (-1);
	for (i = 0; t != NULL && i < t->npiece; i++) {
		pc = &t->piece[i];
		if (pm_buf_append(out, t->lit + pc->off, pc->len) < 0)
			return (-1);
		n = pc->ref;
		if (n == TEMPLATE_REF_HOST) {
			if (host != NULL && pm_buf_puts(out, host) < 0)
				return (-1);
			continue;
		}
		if (n == 0 || ovector == NULL || subject == NULL ||
		    n >= npairs || ovector[2 * n] == PCRE2_UNSET ||
		    ovector[2 * n + 1] < ovector[2 * n])
			continue;
		if (pm_buf_append(out, subject + ovector[2 * n],
		        ovector[2 * n + 1] - ovector[2 * n]) < 0)
			return (-1);
	}
	return (0);
}
