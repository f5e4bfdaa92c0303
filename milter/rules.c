/*++
/* NAME
/*	rules 3
/* SUMMARY
/*	rules files: Postfix pcre header_checks lines and native rules
/* SYNOPSIS
/*	#include "rules.h"
/*
/*	struct ruleset *rules_load(files, nfiles, opts, diags)
/*	struct ruleset *rules_load_string(name, text, len, opts, diags)
/*	void	rules_ref(rs), rules_unref(rs)
/*	const struct rule *rules_get(rs, seq)
/*	size_t	rules_for_header(rs, name, namelen, &seqs)
/*	size_t	rules_for_any_header(rs, &seqs)
/*	size_t	rules_message_rules(rs, &seqs)
/*	int	rules_match(rs, rule, line, linelen, value, valuelen,
/*		    session, md, err)
/*	int	rules_cond_eval(cond, session)
/*	int	rules_expand(text, subject, ovector, npairs, out)
/* DESCRIPTION
/*	The contract is in include/rules.h; the language in
/*	privacy-milter.rules(5). This file reads logical lines the way
/*	Postfix's readlline() does (a line that starts with white space
/*	continues the previous one; blank lines and lines whose first
/*	non-blank character is '#' are skipped, also between continued
/*	lines), then parses each logical line:
/* .IP \(bu
/*	a line that starts with a letter or digit is "if", "endif" (any
/*	case, as in Postfix) or a native rule;
/* .IP \(bu
/*	any other line is a pcre_table(5) line: [!]DELIM re DELIM flags
/*	ACTION [text].
/* .PP
/*	Patterns are compiled in byte mode (no PCRE2_UTF: header values
/*	may hold any bytes) with the pcre_table(5) defaults (caseless and
/*	dotall on; each flag letter toggles), and JIT-compiled when asked
/*	for and possible (a failed JIT compile is ignored; a match that
/*	overflows the JIT stack is repeated by the interpreter).
/*
/*	Decisions beyond Postfix: lines Postfix would skip with a warning
/*	are errors (a skipped scrubbing rule means unscrubbed mail), but
/*	for actions a milter cannot do (warning, or error with strict)
/*	and the obsolete X flag; a CIDR with host bits set beyond its
/*	prefix is an error, as in Postfix cidr tables; "sender-domain
/*	.dom" matches dom and its subdomains.
/*
/*	Each rule gets the lower-case header name it can only ever match
/*	(rule->header), or NULL. For header_checks lines the name comes
/*	from a pattern of the form "^Name:" and only when nothing in the
/*	pattern or its flags could make it match another header; failing
/*	that, from an enclosing non-negated "if" of that form. A hash
/*	table built at load time maps names to seq lists.
/* DIAGNOSTICS
/*	Every problem is added to the diags list with file:line (and a
/*	column when it helps); all problems of a file are reported, up
/*	to RULES_MAX_ERRORS errors per file. rules_match() reports a
/*	match limit or other PCRE2 failure with the rule's file:line.
/*--*/
#include "pm_autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fileset.h"
#include "rules.h"

#define RULES_MAX_ERRORS 100 /* per file, then give up */
#define RULES_MAX_REF 99 /* largest $n accepted */

/* Default pattern options of pcre_table(5): each flag letter toggles. */
#define RULES_DEF_OPTIONS (PCRE2_CASELESS | PCRE2_DOTALL)

/* An "if" pattern, kept by the ruleset; guards point at its pat. */
struct rules_ifpat {
	struct rules_pattern pat; /* must be first */
	const char *file;
	unsigned line;
	char *header; /* dispatch name of the guard, or NULL */
};

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
	struct rules_ifpat **ifpats;
	size_t nifpats;
	size_t capifpats;
	pcre2_match_context *mctx;
	uint32_t maxcap;
	struct rules_bucket *tab; /* open addressing, power of 2 */
	size_t tabsize;
	unsigned *any;
	size_t nany;
	unsigned *msg;
	size_t nmsg;
};

/* Parser state for one file. */
struct rules_parser {
	struct ruleset *rs;
	const char *file; /* owned by rs */
	struct pm_diags *diags;
	const struct rules_options *opts;
	size_t nerrors; /* this file */
	size_t total_errors; /* whole load */
	size_t nwarnings;
	int gave_up;
	struct rules_ifpat **stack; /* open "if" blocks */
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

static const char rules_hc_valid[] =
    "IGNORE, REPLACE text, PREPEND text, WARN [text], INFO [text], DUNNO or OK";

/* Header_checks actions a milter cannot carry out. */
static const char *const rules_hc_unusable[] = {
    "REJECT",
    "DEFER",
    "DEFER_IF_PERMIT",
    "DEFER_IF_REJECT",
    "DISCARD",
    "HOLD",
    "FILTER",
    "REDIRECT",
    "BCC",
    "PASS",
    "STRIP",
    NULL,
};

/* rules_perr - report a problem in the file being parsed */
static void __attribute__((format(printf, 5, 6)))
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
			    "too many warnings (%d); further warnings of this "
			    "file are not shown",
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
static void
rules_enomem(struct rules_parser *p, unsigned line)
{
	rules_perr(p, PM_ERROR, line, 0, "out of memory");
}

/* rules_lower_dup - lower-case copy of len bytes */
static char *
rules_lower_dup(const char *s, size_t len)
{
	char *d;
	size_t i;

	if ((d = malloc(len + 1)) == NULL)
		return (NULL);
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[len] = 0;
	return (d);
}

/* rules_strndup - copy of len bytes */
static char *
rules_strndup(const char *s, size_t len)
{
	char *d;

	if ((d = malloc(len + 1)) == NULL)
		return (NULL);
	memcpy(d, s, len);
	d[len] = 0;
	return (d);
}

/* rules_cond_free - free a condition tree */
static void
rules_cond_free(struct rules_cond *c)
{
	size_t i;

	if (c == NULL)
		return;
	rules_cond_free(c->a);
	rules_cond_free(c->b);
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c->cidrs);
	if (c->re != NULL)
		pcre2_code_free(c->re);
	free(c);
}

/* rules_rule_free - free what a rule owns */
static void
rules_rule_free(struct rule *r)
{
	free(r->id);
	free(r->header);
	free(r->name);
	if (r->pat.re != NULL)
		pcre2_code_free(r->pat.re);
	free(r->guards);
	rules_cond_free(r->when);
	free(r->action_word);
	free(r->text);
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
	for (i = 0; i < rs->nifpats; i++) {
		if (rs->ifpats[i]->pat.re != NULL)
			pcre2_code_free(rs->ifpats[i]->pat.re);
		free(rs->ifpats[i]->header);
		free(rs->ifpats[i]);
	}
	free(rs->ifpats);
	if (rs->mctx != NULL)
		pcre2_match_context_free(rs->mctx);
	if (rs->tab != NULL) {
		for (i = 0; i < rs->tabsize; i++) {
			free(rs->tab[i].name);
			free(rs->tab[i].seqs);
		}
		free(rs->tab);
	}
	free(rs->any);
	free(rs->msg);
	free(rs);
}

/* rules_grow - make room for one more element in a vector */
static int
rules_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return (0);
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > ((size_t)-1) / size)
		return (-1);
	if ((nv = realloc(*v, ncap * size)) == NULL)
		return (-1);
	*v = nv;
	*cap = ncap;
	return (0);
}

/*
 * Replacement text: $n, ${n}, $(n), $$ (mac_parse(3) syntax; the name
 * must be a number from 1).
 */

/* rules_scan_refs - validate $ references; max ref in *maxref */
static int
rules_scan_refs(const char *t, unsigned *maxref, char *why, size_t whylen)
{
	const char *p, *name, *end;
	char open, close;
	size_t len, i;
	unsigned long n;
	int level;

	*maxref = 0;
	for (p = t; *p; p++) {
		if (*p != '$')
			continue;
		if (p[1] == '$') {
			p++;
			continue;
		}
		if (p[1] == '{' || p[1] == '(') {
			open = p[1];
			close = open == '{' ? '}' : ')';
			name = p + 2;
			for (end = name, level = 1; *end; end++) {
				if (*end == open)
					level++;
				else if (*end == close && --level == 0)
					break;
			}
			if (*end == 0) {
				snprintf(why, whylen,
				    "missing \"%c\" after "
				    "\"$%c\" in the text",
				    close, open);
				return (-1);
			}
			len = (size_t)(end - name);
			p = end;
		} else {
			name = p + 1;
			for (end = name;
			     isalnum((unsigned char)*end) || *end == '_'; end++)
				;
			len = (size_t)(end - name);
			p = end - 1;
		}
		if (len == 0) {
			snprintf(why, whylen,
			    "\"$\" without a capture "
			    "number in the text (write $$ for a literal $)");
			return (-1);
		}
		for (i = 0; i < len; i++)
			if (!isdigit((unsigned char)name[i]))
				break;
		if (i < len) {
			snprintf(why, whylen,
			    "\"$%.*s\" is not a capture "
			    "number (use $1..$9 or ${n}; $$ for a literal $)",
			    (int)(len > 40 ? 40 : len), name);
			return (-1);
		}
		n = len > 3 ? RULES_MAX_REF + 1 : strtoul(name, NULL, 10);
		if (n < 1 || n > RULES_MAX_REF) {
			snprintf(why, whylen,
			    "capture number \"%.*s\" is out "
			    "of range (1 to %d)",
			    (int)(len > 40 ? 40 : len), name, RULES_MAX_REF);
			return (-1);
		}
		if (n > *maxref)
			*maxref = (unsigned)n;
	}
	return (0);
}

/* rules_expand - expand $n in text with the captures of subject */
int
rules_expand(const char *text, const char *subject, const PCRE2_SIZE *ovector,
    uint32_t npairs, struct pm_buf *out)
{
	const char *p, *name, *end, *lit, *dollar;
	char open, close;
	size_t len, i;
	unsigned long n;
	int level;

	if (out->s == NULL && pm_buf_append(out, "", 0) < 0)
		return (-1);
	for (p = lit = text; *p; p++) {
		if (*p != '$')
			continue;
		dollar = p;
		if (pm_buf_append(out, lit, (size_t)(p - lit)) < 0)
			return (-1);
		if (p[1] == '$') {
			if (pm_buf_putc(out, '$') < 0)
				return (-1);
			lit = p + 2;
			p++;
			continue;
		}
		if (p[1] == '{' || p[1] == '(') {
			open = p[1];
			close = open == '{' ? '}' : ')';
			name = p + 2;
			for (end = name, level = 1; *end; end++) {
				if (*end == open)
					level++;
				else if (*end == close && --level == 0)
					break;
			}
			if (*end == 0) { /* not validated: literal */
				lit = p;
				break;
			}
			len = (size_t)(end - name);
			lit = end + 1;
			p = end;
		} else {
			name = p + 1;
			for (end = name;
			     isalnum((unsigned char)*end) || *end == '_'; end++)
				;
			len = (size_t)(end - name);
			lit = end;
			p = end - 1;
		}
		for (i = 0; i < len; i++)
			if (!isdigit((unsigned char)name[i]))
				break;
		if (len == 0 || i < len || len > 3) {
			/* Not a reference (never loaded): keep as written. */
			if (pm_buf_append(out, dollar, (size_t)(lit - dollar)) <
			    0)
				return (-1);
			continue;
		}
		n = strtoul(name, NULL, 10);
		if (ovector == NULL || subject == NULL || n >= npairs ||
		    ovector[2 * n] == PCRE2_UNSET ||
		    ovector[2 * n + 1] < ovector[2 * n])
			continue;
		if (pm_buf_append(out, subject + ovector[2 * n],
		        ovector[2 * n + 1] - ovector[2 * n]) < 0)
			return (-1);
	}
	return (pm_buf_puts(out, lit));
}

/*
 * Patterns.
 */

/* rules_scan_pattern - find [!]DELIM re DELIM flags at *pos */
static int
rules_scan_pattern(struct rules_parser *p, unsigned line, const char *s,
    size_t *pos, int allow_negation, struct rules_patsrc *ps)
{
	size_t i = *pos, start;
	char delim;

	memset(ps, 0, sizeof(*ps));
	for (;;) {
		if (allow_negation && s[i] == '!')
			ps->negate = !ps->negate;
		else if (!isspace((unsigned char)s[i]))
			break;
		i++;
	}
	if (s[i] == 0) {
		rules_perr(p, PM_ERROR, line, (unsigned)i + 1,
		    "missing pattern after \"!\"");
		return (-1);
	}
	delim = s[i];
	ps->col = (unsigned)i + 1;
	if (isalnum((unsigned char)delim) || delim == '\\') {
		rules_perr(p, PM_ERROR, line, ps->col,
		    "bad pattern delimiter \"%c\": use a character that is "
		    "neither a letter, a digit nor a backslash, e.g. /pattern/",
		    delim);
		return (-1);
	}
	start = ++i;
	while (s[i] != 0 && s[i] != delim) {
		if (s[i] == '\\' && s[i + 1] != 0)
			i++;
		i++;
	}
	if (s[i] == 0) {
		rules_perr(p, PM_ERROR, line, ps->col,
		    "unterminated pattern: no closing \"%c\"", delim);
		return (-1);
	}
	ps->re = s + start;
	ps->relen = i - start;
	ps->recol = (unsigned)start + 1;
	i++;

	/* Flags: each letter toggles a pcre_table(5) default. */
	ps->options = RULES_DEF_OPTIONS;
	for (; s[i] != 0 && !isspace((unsigned char)s[i]); i++) {
		switch (s[i]) {
		case 'i':
			ps->options ^= PCRE2_CASELESS;
			break;
		case 'm':
			ps->options ^= PCRE2_MULTILINE;
			break;
		case 's':
			ps->options ^= PCRE2_DOTALL;
			break;
		case 'x':
			ps->options ^= PCRE2_EXTENDED;
			break;
		case 'A':
			ps->options ^= PCRE2_ANCHORED;
			break;
		case 'E':
			ps->options ^= PCRE2_DOLLAR_ENDONLY;
			break;
		case 'U':
			ps->options ^= PCRE2_UNGREEDY;
			break;
		case 'X':
			rules_perr(p, PM_WARNING, line, (unsigned)i + 1,
			    "ignoring flag \"X\": PCRE2 does not support it");
			break;
		default:
			if (isprint((unsigned char)s[i]))
				rules_perr(p, PM_ERROR, line, (unsigned)i + 1,
				    "unknown pattern flag \"%c\" (valid flags: "
				    "i m s x A E U)",
				    s[i]);
			else
				rules_perr(p, PM_ERROR, line, (unsigned)i + 1,
				    "unknown pattern flag \"\\x%02x\" (valid "
				    "flags: i m s x A E U)",
				    (unsigned char)s[i]);
			return (-1);
		}
	}
	*pos = i;
	return (0);
}

/* rules_compile - compile a scanned pattern; NULL after an error */
static pcre2_code *
rules_compile(struct rules_parser *p, unsigned line,
    const struct rules_patsrc *ps, uint32_t *ncapture)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	pcre2_code *re;
	int errcode;

	re = pcre2_compile((PCRE2_SPTR)ps->re, ps->relen, ps->options, &errcode,
	    &erroff, NULL);
	if (re == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", errcode);
		rules_perr(p, PM_ERROR, line, ps->recol + (unsigned)erroff,
		    "bad pattern: %s", (char *)msg);
		return (NULL);
	}
	if (ncapture != NULL &&
	    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, ncapture) != 0)
		*ncapture = 0;
	if (p->opts->jit)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (ncapture != NULL && *ncapture > p->rs->maxcap)
		p->rs->maxcap = *ncapture;
	return (re);
}

/*
 * rules_pattern_header - the header name a header_checks pattern can only
 * match, lower case, or NULL. Conservative: anything unclear gives NULL,
 * because a wrong name would make the engine skip the rule.
 */
static char *
rules_pattern_header(const struct rules_patsrc *ps)
{
	const char *re = ps->re, *q;
	size_t len = ps->relen, i, depth = 0;
	char name[256];
	size_t n = 0;

	if (ps->negate || (ps->options & (PCRE2_EXTENDED | PCRE2_MULTILINE)))
		return (NULL);

	/* The whole pattern: no top-level "|", no \Q, no (?x). */
	for (i = 0; i < len; i++) {
		switch (re[i]) {
		case '\\':
			if (i + 1 < len && re[i + 1] == 'Q')
				return (NULL);
			i++;
			break;
		case '[':
			i++;
			if (i < len && re[i] == '^')
				i++;
			if (i < len && re[i] == ']')
				i++;
			for (; i < len && re[i] != ']'; i++) {
				if (re[i] == '\\')
					i++;
				else if (re[i] == '[' && i + 1 < len &&
				    re[i + 1] == ':') {
					q = memchr(
					    re + i + 2, ']', len - i - 2);
					if (q == NULL)
						return (NULL);
					i = (size_t)(q - re);
				}
			}
			if (i >= len)
				return (NULL);
			break;
		case '(':
			if (i + 1 < len && re[i + 1] == '?') {
				for (q = re + i + 2; q < re + len &&
				     (isalpha((unsigned char)*q) || *q == '-' ||
				         *q == '^');
				     q++)
					if (*q == 'x')
						return (NULL);
			}
			depth++;
			break;
		case ')':
			if (depth == 0)
				return (NULL);
			depth--;
			break;
		case '|':
			if (depth == 0)
				return (NULL);
			break;
		}
	}

	/* "^Name:" with literal name characters. */
	if (len >= 1 && re[0] == '^')
		i = 1;
	else if (len >= 2 && re[0] == '\\' && re[1] == 'A')
		i = 2;
	else
		return (NULL);
	while (i < len && n < sizeof(name) - 1) {
		if (isalnum((unsigned char)re[i]) || re[i] == '-' ||
		    re[i] == '_') {
			name[n++] = re[i++];
		} else if (re[i] == '\\' && i + 1 < len &&
		    (re[i + 1] == '-' || re[i + 1] == '_' ||
		        re[i + 1] == '.')) {
			name[n++] = re[i + 1];
			i += 2;
		} else
			break;
	}
	if (n == 0 || i >= len || re[i] != ':')
		return (NULL);
	if (i + 1 < len &&
	    (re[i + 1] == '?' || re[i + 1] == '*' || re[i + 1] == '{'))
		return (NULL);
	return (rules_lower_dup(name, n));
}

/*
 * Rules.
 */

/* rules_new_rule - append a zeroed rule; NULL on ENOMEM */
static struct rule *
rules_new_rule(struct rules_parser *p, unsigned line)
{
	struct ruleset *rs = p->rs;
	struct rule *r;
	char id[64 + 4096];
	size_t i;

	if (rules_grow((void **)&rs->rules, &rs->caprules, rs->nrules,
	        sizeof(*rs->rules)) < 0) {
		rules_enomem(p, line);
		return (NULL);
	}
	r = &rs->rules[rs->nrules];
	memset(r, 0, sizeof(*r));
	r->seq = (unsigned)rs->nrules;
	r->file = p->file;
	r->line = line;
	snprintf(id, sizeof(id), "%s:%u", p->file, line);
	r->id = strdup(id);
	if (p->depth > 0) {
		r->guards = calloc(p->depth, sizeof(*r->guards));
		if (r->guards != NULL) {
			for (i = 0; i < p->depth; i++)
				r->guards[i] = &p->stack[i]->pat;
			r->nguards = p->depth;
		}
	}
	if (r->id == NULL || (p->depth > 0 && r->guards == NULL)) {
		rules_rule_free(r);
		rules_enomem(p, line);
		return (NULL);
	}
	rs->nrules++;
	return (r);
}

/* rules_drop_last - undo rules_new_rule after an error */
static void
rules_drop_last(struct rules_parser *p)
{
	p->rs->nrules--;
	rules_rule_free(&p->rs->rules[p->rs->nrules]);
}

/* rules_guard_header - dispatch name from the enclosing "if"s */
static int
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

/* rules_is_unusable - a header_checks action a milter cannot do */
static int
rules_is_unusable(const char *w, size_t len)
{
	size_t i;

	for (i = 0; rules_hc_unusable[i] != NULL; i++)
		if (strlen(rules_hc_unusable[i]) == len &&
		    strncasecmp(w, rules_hc_unusable[i], len) == 0)
			return (1);
	/* "4NN text" and "5NN text" (access(5) style replies). */
	if (len == 3 && (w[0] == '4' || w[0] == '5') &&
	    isdigit((unsigned char)w[1]) && isdigit((unsigned char)w[2]))
		return (1);
	return (0);
}

/* rules_word_is - case-insensitive compare of a counted word */
static int
rules_word_is(const char *w, size_t len, const char *lit)
{
	return (strlen(lit) == len && strncasecmp(w, lit, len) == 0);
}

/* rules_parse_hc - one pcre_table(5) line: [!]/re/flags ACTION [text] */
static void
rules_parse_hc(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_patsrc ps;
	enum rules_action act;
	const char *w, *text;
	size_t pos = 0, wlen;
	unsigned maxref, wcol;
	uint32_t ncap = 0;
	struct rule *r;
	char why[300];
	int need_text = 0, text_ignored = 0;

	if (rules_scan_pattern(p, line, s, &pos, 1, &ps) < 0)
		return;

	/* The action word and its text. */
	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] == 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "missing action after the "
		    "pattern (expected %s)",
		    rules_hc_valid);
		return;
	}
	w = s + pos;
	wcol = (unsigned)pos + 1;
	wlen = strcspn(w, " \t");
	text = w + wlen;
	while (isspace((unsigned char)*text))
		text++;
	if (rules_word_is(w, wlen, "IGNORE")) {
		act = RULES_REMOVE;
		text_ignored = 1;
	} else if (rules_word_is(w, wlen, "REPLACE")) {
		act = RULES_REPLACE_LINE;
		need_text = 1;
	} else if (rules_word_is(w, wlen, "PREPEND")) {
		act = RULES_PREPEND;
		need_text = 1;
	} else if (rules_word_is(w, wlen, "WARN") ||
	    rules_word_is(w, wlen, "INFO")) {
		act = RULES_LOG;
	} else if (rules_word_is(w, wlen, "DUNNO") ||
	    rules_word_is(w, wlen, "OK")) {
		act = RULES_STOP;
		text_ignored = 1;
	} else if (rules_is_unusable(w, wlen)) {
		if (p->opts->strict)
			rules_perr(p, PM_ERROR, line, wcol,
			    "action \"%.*s\" "
			    "cannot be carried out by a milter (Strict is "
			    "on); use it in Postfix's own header_checks",
			    (int)wlen, w);
		else
			rules_perr(p, PM_WARNING, line, wcol,
			    "action \"%.*s\" "
			    "cannot be carried out by a milter; line skipped",
			    (int)wlen, w);
		return;
	} else {
		rules_perr(p, PM_ERROR, line, wcol,
		    "unknown action \"%.*s\" "
		    "(expected %s)",
		    (int)(wlen > 60 ? 60 : wlen), w, rules_hc_valid);
		return;
	}
	if (need_text && *text == 0) {
		rules_perr(p, PM_ERROR, line, wcol,
		    "missing text after "
		    "\"%.*s\" (e.g. %.*s X-Header: new value)",
		    (int)wlen, w, (int)wlen, w);
		return;
	}
	if (text_ignored && *text != 0) {
		rules_perr(p, PM_WARNING, line, (unsigned)(text - s) + 1,
		    "text after \"%.*s\" is ignored", (int)wlen, w);
		text = "";
	}
	if (rules_scan_refs(text, &maxref, why, sizeof(why)) < 0) {
		rules_perr(
		    p, PM_ERROR, line, (unsigned)(text - s) + 1, "%s", why);
		return;
	}
	/* Static text (no $n): check it here, not on every message. */
	if (need_text && maxref == 0 &&
	    (text[strcspn(text, ":")] != ':' ||
	        !pm_field_name_ok(text, strcspn(text, ":")))) {
		rules_perr(p, PM_ERROR, line, (unsigned)(text - s) + 1,
		    "%.*s text must be a header line \"Name: value\", "
		    "got \"%.*s\"",
		    (int)wlen, w, (int)(strlen(text) > 60 ? 60 : strlen(text)),
		    text);
		return;
	}
	if (maxref > 0 && ps.negate) {
		rules_perr(p, PM_ERROR, line, (unsigned)(text - s) + 1,
		    "\"$%u\" cannot be used with a negated pattern (!/.../): "
		    "a pattern that does not match captures nothing",
		    maxref);
		return;
	}

	/* Compile, check the references against the capture count. */
	if ((r = rules_new_rule(p, line)) == NULL)
		return;
	r->subject = RULES_SUBJ_LINE;
	r->action = act;
	r->pat.negate = ps.negate;
	if ((r->pat.re = rules_compile(p, line, &ps, &ncap)) == NULL) {
		rules_drop_last(p);
		return;
	}
	r->pat.ncapture = ncap;
	if (maxref > ncap) {
		rules_perr(p, PM_ERROR, line, (unsigned)(text - s) + 1,
		    "\"$%u\" refers to a capture group the pattern does not "
		    "have (it has %u)",
		    maxref, (unsigned)ncap);
		rules_drop_last(p);
		return;
	}
	r->action_word = rules_strndup(w, wlen);
	r->text = *text ? strdup(text) : NULL;
	r->header = rules_pattern_header(&ps);
	if (r->action_word == NULL || (*text && r->text == NULL) ||
	    (r->header == NULL && rules_guard_header(p, r) < 0)) {
		rules_enomem(p, line);
		rules_drop_last(p);
	}
}

/* rules_parse_if - "if [!]/re/flags" */
static void
rules_parse_if(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_ifpat *ip;
	struct rules_patsrc ps;
	size_t pos = 2;

	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] == 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "missing pattern after "
		    "\"if\" (expected if /pattern/ or if !/pattern/)");
		goto push_dummy;
	}
	if (rules_scan_pattern(p, line, s, &pos, 1, &ps) < 0)
		goto push_dummy;
	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] != 0) {
		rules_perr(p, PM_ERROR, line, (unsigned)pos + 1,
		    "unexpected text after the \"if\" pattern; lines inside "
		    "if ... endif must not be indented (an indented line "
		    "continues the previous one)");
		goto push_dummy;
	}
	if ((ip = calloc(1, sizeof(*ip))) == NULL) {
		rules_enomem(p, line);
		goto push_dummy;
	}
	ip->file = p->file;
	ip->line = line;
	ip->pat.negate = ps.negate;
	if ((ip->pat.re = rules_compile(p, line, &ps, &ip->pat.ncapture)) ==
	    NULL) {
		free(ip);
		goto push_dummy;
	}
	ip->header = rules_pattern_header(&ps);
	if (rules_grow((void **)&p->rs->ifpats, &p->rs->capifpats,
	        p->rs->nifpats, sizeof(*p->rs->ifpats)) < 0) {
		pcre2_code_free(ip->pat.re);
		free(ip->header);
		free(ip);
		rules_enomem(p, line);
		goto push_dummy;
	}
	p->rs->ifpats[p->rs->nifpats++] = ip;
	goto push;

push_dummy:

	/*
	 * Keep the nesting right after a bad "if", so that its "endif"
	 * is not reported too. The load fails anyway.
	 */
	if ((ip = calloc(1, sizeof(*ip))) == NULL)
		return;
	ip->file = p->file;
	ip->line = line;
	if (rules_grow((void **)&p->rs->ifpats, &p->rs->capifpats,
	        p->rs->nifpats, sizeof(*p->rs->ifpats)) < 0) {
		free(ip);
		return;
	}
	p->rs->ifpats[p->rs->nifpats++] = ip;

push:
	if (rules_grow((void **)&p->stack, &p->capstack, p->depth,
	        sizeof(*p->stack)) < 0) {
		rules_enomem(p, line);
		return;
	}
	p->stack[p->depth++] = ip;
}

/* rules_parse_endif - "endif" */
static void
rules_parse_endif(struct rules_parser *p, unsigned line, const char *s)
{
	size_t pos = 5;

	if (p->depth == 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"endif\" without a matching \"if\"");
		return;
	}
	p->depth--;
	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] != 0)
		rules_perr(p, PM_WARNING, line, (unsigned)pos + 1,
		    "text after \"endif\" is ignored");
}

/*
 * Native rules: a small lexer over the logical line.
 */

enum rules_tok {
	RULES_T_END,
	RULES_T_WORD,
	RULES_T_STRING,
	RULES_T_PATTERN,
	RULES_T_LPAREN,
	RULES_T_RPAREN,
	RULES_T_BAD, /* error already reported */
};

struct rules_lexer {
	struct rules_parser *p;
	unsigned line;
	const char *s;
	size_t pos; /* next unread byte */
	/* The current token (after rules_lex_next). */
	enum rules_tok tok;
	size_t start; /* offset of the token */
	size_t len;
	char *str; /* RULES_T_STRING: the decoded text */
	struct rules_patsrc ps; /* RULES_T_PATTERN */
};

/* rules_lex_next - read the next token into lx */
static enum rules_tok
rules_lex_next(struct rules_lexer *lx)
{
	const char *s = lx->s;
	struct pm_buf b = PM_BUF_INIT;
	size_t i;

	free(lx->str);
	lx->str = NULL;
	while (isspace((unsigned char)s[lx->pos]))
		lx->pos++;
	i = lx->start = lx->pos;
	switch (s[i]) {
	case 0:
		lx->len = 0;
		return (lx->tok = RULES_T_END);
	case '(':
	case ')':
		lx->pos++;
		lx->len = 1;
		return (
		    lx->tok = s[i] == '(' ? RULES_T_LPAREN : RULES_T_RPAREN);
	case '/':
		if (rules_scan_pattern(
		        lx->p, lx->line, s, &lx->pos, 0, &lx->ps) < 0)
			return (lx->tok = RULES_T_BAD);
		lx->len = lx->pos - i;
		return (lx->tok = RULES_T_PATTERN);
	case '"':
		for (i++; s[i] != 0 && s[i] != '"'; i++) {
			if (s[i] == '\\' &&
			    (s[i + 1] == '"' || s[i + 1] == '\\'))
				i++;
			if (pm_buf_putc(&b, s[i]) < 0) {
				pm_buf_free(&b);
				rules_enomem(lx->p, lx->line);
				return (lx->tok = RULES_T_BAD);
			}
		}
		if (s[i] == 0) {
			pm_buf_free(&b);
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)lx->start + 1,
			    "unterminated text: "
			    "missing closing '\"'");
			return (lx->tok = RULES_T_BAD);
		}
		lx->str = pm_buf_steal(&b);
		lx->pos = i + 1;
		lx->len = lx->pos - lx->start;
		return (lx->tok = RULES_T_STRING);
	default:
		while (s[i] != 0 && !isspace((unsigned char)s[i]) &&
		    s[i] != '(' && s[i] != ')')
			i++;
		lx->pos = i;
		lx->len = i - lx->start;
		return (lx->tok = RULES_T_WORD);
	}
}

/* rules_lex_is - current token is this word (case-insensitive) */
static int
rules_lex_is(const struct rules_lexer *lx, const char *word)
{
	return (lx->tok == RULES_T_WORD &&
	    rules_word_is(lx->s + lx->start, lx->len, word));
}

/* rules_lex_what - describe the current token for a message */
static void
rules_lex_what(const struct rules_lexer *lx, char *buf, size_t len)
{
	if (lx->tok == RULES_T_END)
		snprintf(buf, len, "the end of the line");
	else
		snprintf(buf, len, "\"%.*s\"",
		    (int)(lx->len > 60 ? 60 : lx->len), lx->s + lx->start);
}

/* rules_is_option - an OPTION word ends a condition */
static int
rules_is_option(const struct rules_lexer *lx)
{
	return (rules_lex_is(lx, "continue") || rules_lex_is(lx, "log-only") ||
	    rules_lex_is(lx, "force") || rules_lex_is(lx, "with") ||
	    rules_lex_is(lx, "when"));
}

static struct rules_cond *rules_parse_or(struct rules_lexer *);

/* rules_cond_new - allocate a condition node */
static struct rules_cond *
rules_cond_new(struct rules_lexer *lx, enum rules_cond_kind kind)
{
	struct rules_cond *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rules_enomem(lx->p, lx->line);
		return (NULL);
	}
	c->kind = kind;
	return (c);
}

/* rules_parse_cidr - "addr[/prefix]" into c; -1 with why */
static int
rules_parse_cidr(
    const char *w, size_t len, struct rules_cidr *c, char *why, size_t whylen)
{
	char buf[128], *slash, *end, *a;
	unsigned long prefix;
	unsigned maxp, i, bits;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len >= sizeof(buf)) {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return (-1);
	}
	memcpy(buf, w, len);
	buf[len] = 0;
	a = buf;
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = 0;
	/* Allow [IPv6] as in Postfix cidr tables. */
	if (a[0] == '[' && a[strlen(a) - 1] == ']') {
		a[strlen(a) - 1] = 0;
		a++;
	}
	if (inet_pton(AF_INET, a, c->addr) == 1) {
		c->family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, a, c->addr) == 1) {
		c->family = AF_INET6;
		maxp = 128;
	} else {
		snprintf(
		    why, whylen, "\"%s\" is not an IPv4 or IPv6 address", a);
		return (-1);
	}
	if (slash == NULL) {
		c->prefix = maxp;
		return (0);
	}
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (slash[1] == 0 || *end != 0 || !isdigit((unsigned char)slash[1]) ||
	    errno != 0 || prefix > maxp) {
		snprintf(why, whylen,
		    "prefix length \"%s\" must be a number "
		    "from 0 to %u",
		    slash + 1, maxp);
		return (-1);
	}
	c->prefix = (unsigned)prefix;
	for (i = 0; i < maxp / 8; i++) {
		bits = i * 8 >= c->prefix
		    ? 0xff
		    : (i * 8 + 8 <= c->prefix ? 0
		                              : 0xffu >> (c->prefix - i * 8));
		if (c->addr[i] & bits) {
			struct rules_cidr net = *c;
			char ntext[INET6_ADDRSTRLEN];
			unsigned j;

			for (j = 0; j < maxp / 8; j++)
				net.addr[j] &=
				    (unsigned char)~(j * 8 >= c->prefix
				            ? 0xff
				            : (j * 8 + 8 <= c->prefix ? 0
				                                      : 0xffu >>
				                          (c->prefix - j * 8)));
			inet_ntop(c->family, net.addr, ntext, sizeof(ntext));
			snprintf(why, whylen,
			    "address has bits set beyond "
			    "the prefix length /%u (did you mean %s/%u?)",
			    c->prefix, ntext, c->prefix);
			return (-1);
		}
	}
	return (0);
}

/* rules_add_element - one list element [w, e) into c */
static int
rules_add_element(
    struct rules_lexer *lx, struct rules_cond *c, const char *w, const char *e)
{
	size_t len = (size_t)(e - w);
	int shown = (int)(len > 60 ? 60 : len);
	char why[300];
	void *v;

	if (c->kind == RULES_C_CLIENT) {
		if ((v = realloc(c->cidrs,
		         (c->ncidrs + 1) * sizeof(*c->cidrs))) == NULL)
			goto nomem;
		c->cidrs = v;
		if (rules_parse_cidr(
		        w, len, &c->cidrs[c->ncidrs], why, sizeof(why)) < 0) {
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)(w - lx->s) + 1, "bad CIDR \"%.*s\": %s",
			    shown, w, why);
			return (-1);
		}
		c->ncidrs++;
		return (0);
	}
	if (c->kind == RULES_C_PORT) {
		const char *d;
		unsigned long n = 0;

		for (d = w; d < e && isdigit((unsigned char)*d) && n <= 65535;
		     d++)
			n = n * 10 + (unsigned long)(*d - '0');
		if (d < e || n > 65535) {
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)(w - lx->s) + 1,
			    "bad condition: port "
			    "\"%.*s\" is not a number from 0 to 65535",
			    shown, w);
			return (-1);
		}
	}
	if ((v = realloc(c->names, (c->nnames + 1) * sizeof(*c->names))) ==
	    NULL)
		goto nomem;
	c->names = v;
	c->names[c->nnames] = c->kind == RULES_C_SENDER_DOMAIN
	    ? rules_lower_dup(w, len)
	    : rules_strndup(w, len);
	if (c->names[c->nnames] == NULL)
		goto nomem;
	c->nnames++;
	return (0);

nomem:
	rules_enomem(lx->p, lx->line);
	return (-1);
}

/* rules_parse_list - NAME[,NAME...] after a condition keyword */
static int
rules_parse_list(struct rules_lexer *lx, struct rules_cond *c, const char *kw)
{
	const char *w, *e, *end;
	char what[100];
	int more = 1;

	while (more) {
		rules_lex_next(lx);
		if (lx->tok != RULES_T_WORD || rules_is_option(lx)) {
			if (lx->tok == RULES_T_BAD)
				return (-1);
			rules_lex_what(lx, what, sizeof(what));
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)lx->start + 1,
			    "bad condition: expected "
			    "a list after \"%s\" (e.g. %s %s) but found %s",
			    kw, kw,
			    strcmp(kw, "client") == 0
			        ? "192.0.2.0/24,2001:db8::/32"
			        : strcmp(kw, "port") == 0 ? "587,465"
			        : strcmp(kw, "sender-domain") == 0
			        ? "example.org,.example.net"
			        : "submission",
			    what);
			return (-1);
		}
		w = lx->s + lx->start;
		end = w + lx->len;
		if ((more = end[-1] == ',') != 0) /* "a, b": goes on */
			end--;
		for (;;) {
			e = memchr(w, ',', (size_t)(end - w));
			if (e == NULL)
				e = end;
			if (e == w) {
				rules_perr(lx->p, PM_ERROR, lx->line,
				    (unsigned)(w - lx->s) + 1,
				    "bad condition: "
				    "empty element in the list after \"%s\"",
				    kw);
				return (-1);
			}
			if (rules_add_element(lx, c, w, e) < 0)
				return (-1);
			if (e == end)
				break;
			w = e + 1;
		}
	}
	return (0);
}

/* rules_parse_atom - [not] ATOM | ( CONDITION ) */
static struct rules_cond *
rules_parse_atom(struct rules_lexer *lx)
{
	struct rules_cond *c, *n;
	char what[100];
	const char *kw;
	uint32_t ncap;

	if (lx->tok == RULES_T_BAD)
		return (NULL);
	if (rules_lex_is(lx, "not")) {
		rules_lex_next(lx);
		if ((c = rules_parse_atom(lx)) == NULL)
			return (NULL);
		if ((n = rules_cond_new(lx, RULES_C_NOT)) == NULL) {
			rules_cond_free(c);
			return (NULL);
		}
		n->a = c;
		return (n);
	}
	if (lx->tok == RULES_T_LPAREN) {
		rules_lex_next(lx);
		if ((c = rules_parse_or(lx)) == NULL)
			return (NULL);
		if (lx->tok != RULES_T_RPAREN) {
			rules_lex_what(lx, what, sizeof(what));
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)lx->start + 1,
			    "bad condition: expected "
			    "\")\" but found %s",
			    what);
			rules_cond_free(c);
			return (NULL);
		}
		rules_lex_next(lx);
		return (c);
	}
	if (rules_lex_is(lx, "authenticated") || rules_lex_is(lx, "local") ||
	    rules_lex_is(lx, "tls")) {
		c = rules_cond_new(lx,
		    rules_lex_is(lx, "authenticated") ? RULES_C_AUTHENTICATED
		        : rules_lex_is(lx, "local")   ? RULES_C_LOCAL
		                                      : RULES_C_TLS);
		rules_lex_next(lx);
		return (c);
	}
	if (rules_lex_is(lx, "service"))
		c = rules_cond_new(lx, RULES_C_SERVICE), kw = "service";
	else if (rules_lex_is(lx, "port"))
		c = rules_cond_new(lx, RULES_C_PORT), kw = "port";
	else if (rules_lex_is(lx, "client"))
		c = rules_cond_new(lx, RULES_C_CLIENT), kw = "client";
	else if (rules_lex_is(lx, "login"))
		c = rules_cond_new(lx, RULES_C_LOGIN), kw = "login";
	else if (rules_lex_is(lx, "sender-domain"))
		c = rules_cond_new(lx, RULES_C_SENDER_DOMAIN),
		kw = "sender-domain";
	else {
		rules_lex_what(lx, what, sizeof(what));
		rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
		    "bad condition: expected authenticated, local, tls, "
		    "service, port, client, login, sender-domain, \"not\" or "
		    "\"(\" but found %s",
		    what);
		return (NULL);
	}
	if (c == NULL)
		return (NULL);
	if (c->kind == RULES_C_LOGIN) {
		size_t save = lx->pos;

		/* login /re/ */
		while (isspace((unsigned char)lx->s[save]))
			save++;
		if (lx->s[save] == '/') {
			rules_lex_next(lx);
			if (lx->tok != RULES_T_PATTERN) {
				rules_cond_free(c);
				return (NULL);
			}
			c->re = rules_compile(lx->p, lx->line, &lx->ps, &ncap);
			if (c->re == NULL) {
				rules_cond_free(c);
				return (NULL);
			}
			rules_lex_next(lx);
			return (c);
		}
	}
	if (rules_parse_list(lx, c, kw) < 0) {
		rules_cond_free(c);
		return (NULL);
	}
	rules_lex_next(lx);
	return (c);
}

/*
 * rules_parse_binary - OPERAND { word OPERAND }, left-associative; "and"
 * binds tighter than "or" because its operands are atoms.
 */
static struct rules_cond *
rules_parse_binary(struct rules_lexer *lx, const char *word,
    enum rules_cond_kind kind,
    struct rules_cond *(*operand)(struct rules_lexer *))
{
	struct rules_cond *l, *r, *n;

	if ((l = operand(lx)) == NULL)
		return (NULL);
	while (rules_lex_is(lx, word)) {
		rules_lex_next(lx);
		if ((r = operand(lx)) == NULL ||
		    (n = rules_cond_new(lx, kind)) == NULL) {
			rules_cond_free(l);
			rules_cond_free(r);
			return (NULL);
		}
		n->a = l;
		n->b = r;
		l = n;
	}
	return (l);
}

/* rules_parse_and - ATOM { and ATOM } */
static struct rules_cond *
rules_parse_and(struct rules_lexer *lx)
{
	return (rules_parse_binary(lx, "and", RULES_C_AND, rules_parse_atom));
}

/* rules_parse_or - AND { or AND } */
static struct rules_cond *
rules_parse_or(struct rules_lexer *lx)
{
	return (rules_parse_binary(lx, "or", RULES_C_OR, rules_parse_and));
}

/* rules_native_action - map a native action word */
static int
rules_native_action(const char *w, size_t len, enum rules_action *act)
{
	static const struct {
		const char *word;
		enum rules_action act;
	} map[] = {
	    {"remove", RULES_REMOVE},
	    {"replace", RULES_REPLACE_VALUE},
	    {"redact", RULES_REDACT},
	    {"pseudonymize", RULES_PSEUDONYMIZE},
	    {"add", RULES_ADD},
	    {"log", RULES_LOG},
	    {"keep", RULES_STOP},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (rules_word_is(w, len, map[i].word)) {
			*act = map[i].act;
			return (0);
		}
	}
	return (-1);
}

/*
 * rules_parse_native - ACTION HEADER [/re/flags] [with "TEXT"]
 * [when CONDITION] [OPTION ...]
 */
static void
rules_parse_native(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_lexer lx;
	struct rules_patsrc ps;
	enum rules_action act;
	struct rules_cond *when = NULL;
	const char *aw, *hw;
	size_t awlen, hwlen;
	unsigned flags = 0, maxref = 0, textcol = 0;
	int have_pat = 0, any = 0;
	char *text = NULL, what[100], why[300];
	uint32_t ncap = 0;
	struct rule *r;

	memset(&lx, 0, sizeof(lx));
	lx.p = p;
	lx.line = line;
	lx.s = s;

	/* ACTION */
	rules_lex_next(&lx);
	aw = s + lx.start;
	awlen = lx.len;
	if (rules_native_action(aw, awlen, &act) < 0) {
		rules_perr(p, PM_ERROR, line, 1,
		    "unknown action \"%.*s\" "
		    "(expected remove, replace, redact, pseudonymize, add, "
		    "log or keep; or a header_checks line: /pattern/ ACTION)",
		    (int)(awlen > 60 ? 60 : awlen), aw);
		goto out;
	}

	/* HEADER */
	rules_lex_next(&lx);
	hw = s + lx.start;
	hwlen = lx.len;
	if (lx.tok != RULES_T_WORD) {
		if (lx.tok != RULES_T_BAD) {
			rules_lex_what(&lx, what, sizeof(what));
			rules_perr(p, PM_ERROR, line, (unsigned)lx.start + 1,
			    "expected a header name or \"*\" after \"%.*s\" "
			    "but found %s",
			    (int)awlen, aw, what);
		}
		goto out;
	}
	any = hwlen == 1 && hw[0] == '*';
	if (!any && !pm_field_name_ok(hw, hwlen)) {
		rules_perr(p, PM_ERROR, line, (unsigned)lx.start + 1,
		    "bad header name \"%.*s\" (printable characters without "
		    "\":\", or \"*\" for any header)",
		    (int)(hwlen > 60 ? 60 : hwlen), hw);
		goto out;
	}

	/* [/re/flags] */
	rules_lex_next(&lx);
	if (lx.tok == RULES_T_PATTERN) {
		ps = lx.ps;
		have_pat = 1;
		rules_lex_next(&lx);
	}

	/* [with "TEXT"] [when CONDITION] [OPTION ...] */
	for (;;) {
		if (lx.tok == RULES_T_END)
			break;
		if (lx.tok == RULES_T_BAD)
			goto out;
		if (rules_lex_is(&lx, "with") && text == NULL) {
			rules_lex_next(&lx);
			if (lx.tok != RULES_T_STRING) {
				if (lx.tok != RULES_T_BAD) {
					rules_lex_what(&lx, what, sizeof(what));
					rules_perr(p, PM_ERROR, line,
					    (unsigned)lx.start + 1,
					    "expected a "
					    "double-quoted text after \"with\" "
					    "but found %s",
					    what);
				}
				goto out;
			}
			text = lx.str;
			lx.str = NULL;
			textcol = (unsigned)lx.start + 1;
			rules_lex_next(&lx);
		} else if (rules_lex_is(&lx, "when") && when == NULL) {
			rules_lex_next(&lx);
			if ((when = rules_parse_or(&lx)) == NULL)
				goto out;
			if (lx.tok == RULES_T_RPAREN) {
				rules_perr(p, PM_ERROR, line,
				    (unsigned)lx.start + 1,
				    "bad condition: "
				    "\")\" without a matching \"(\"");
				goto out;
			}
		} else if (rules_lex_is(&lx, "continue")) {
			flags |= RULES_F_CONTINUE;
			rules_lex_next(&lx);
		} else if (rules_lex_is(&lx, "log-only")) {
			flags |= RULES_F_LOGONLY;
			rules_lex_next(&lx);
		} else if (rules_lex_is(&lx, "force")) {
			flags |= RULES_F_FORCE;
			rules_lex_next(&lx);
		} else {
			rules_lex_what(&lx, what, sizeof(what));
			rules_perr(p, PM_ERROR, line, (unsigned)lx.start + 1,
			    "unknown option %s (expected %s%scontinue, "
			    "log-only or force)",
			    what, text == NULL ? "with \"TEXT\", " : "",
			    when == NULL ? "when CONDITION, " : "");
			goto out;
		}
	}

	/* What each action needs. */
	switch (act) {
	case RULES_REPLACE_VALUE:
		if (text == NULL) {
			rules_perr(p, PM_ERROR, line, 0,
			    "\"replace\" needs a "
			    "text: replace HEADER [/pattern/] with \"TEXT\"");
			goto out;
		}
		break;
	case RULES_REDACT:
	case RULES_PSEUDONYMIZE:
		if (!have_pat) {
			rules_perr(p, PM_ERROR, line, 0,
			    "\"%.*s\" needs a "
			    "pattern: %.*s HEADER /pattern/%s",
			    (int)awlen, aw, (int)awlen, aw,
			    act == RULES_REDACT ? " [with \"TEXT\"]" : "");
			goto out;
		}
		if (act == RULES_PSEUDONYMIZE && text != NULL) {
			rules_perr(p, PM_ERROR, line, textcol,
			    "\"%.*s\" takes "
			    "no text: every match becomes a pseudonym",
			    (int)awlen, aw);
			goto out;
		}
		break;
	case RULES_ADD:
		if (hwlen == 1 && hw[0] == '*') {
			rules_perr(p, PM_ERROR, line, 0,
			    "\"add\" needs a "
			    "header name, not \"*\"");
			goto out;
		}
		if (have_pat) {
			rules_perr(p, PM_ERROR, line, ps.col,
			    "\"add\" takes no "
			    "pattern: add HEADER with \"TEXT\"");
			goto out;
		}
		if (text == NULL) {
			rules_perr(p, PM_ERROR, line, 0,
			    "\"add\" needs a "
			    "text: add HEADER with \"TEXT\"");
			goto out;
		}
		if (p->depth > 0) {
			rules_perr(p, PM_ERROR, line, 0,
			    "\"add\" cannot be "
			    "used inside if ... endif: it runs once per "
			    "message, not per header");
			goto out;
		}
		break;
	default:
		if (text != NULL) {
			rules_perr(p, PM_ERROR, line, textcol,
			    "\"%.*s\" takes "
			    "no text (\"with\")",
			    (int)awlen, aw);
			goto out;
		}
		break;
	}
	if (text != NULL) {
		if (rules_scan_refs(text, &maxref, why, sizeof(why)) < 0) {
			rules_perr(p, PM_ERROR, line, textcol, "%s", why);
			goto out;
		}
		if (maxref > 0 && !have_pat) {
			rules_perr(p, PM_ERROR, line, textcol,
			    "\"$%u\" needs "
			    "a pattern with capture groups",
			    maxref);
			goto out;
		}
	}

	/* Build the rule. */
	if ((r = rules_new_rule(p, line)) == NULL)
		goto out;
	r->subject = RULES_SUBJ_VALUE;
	r->action = act;
	r->flags = flags;
	if (have_pat) {
		if ((r->pat.re = rules_compile(p, line, &ps, &ncap)) == NULL) {
			rules_drop_last(p);
			goto out;
		}
		r->pat.ncapture = ncap;
		if (maxref > ncap) {
			rules_perr(p, PM_ERROR, line, textcol,
			    "\"$%u\" refers "
			    "to a capture group the pattern does not have (it "
			    "has %u)",
			    maxref, (unsigned)ncap);
			rules_drop_last(p);
			goto out;
		}
	}
	r->name = rules_strndup(hw, hwlen);
	r->action_word = rules_lower_dup(aw, awlen);
	if (act == RULES_REDACT && text == NULL)
		text = strdup("");
	r->text = text;
	text = NULL;
	r->when = when;
	when = NULL;
	if (r->name == NULL || r->action_word == NULL ||
	    (act == RULES_REDACT && r->text == NULL)) {
		rules_drop_last(p);
		rules_enomem(p, line);
		goto out;
	}
	/* Dispatch: the HEADER, or for "*" an enclosing "if ^Name:". */
	if (!any && (r->header = rules_lower_dup(hw, hwlen)) == NULL)
		goto nomem;
	if (any && rules_guard_header(p, r) < 0)
		goto nomem;
	goto out;

nomem:
	rules_drop_last(p);
	rules_enomem(p, line);

out:
	free(lx.str);
	free(text);
	rules_cond_free(when);
}

/* rules_parse_line - one logical line, trailing white space removed */
static void
rules_parse_line(struct rules_parser *p, unsigned line, const char *s)
{
	if (isalnum((unsigned char)s[0])) {
		if (strncasecmp(s, "if", 2) == 0 &&
		    !isalnum((unsigned char)s[2]))
			rules_parse_if(p, line, s);
		else if (strncasecmp(s, "endif", 5) == 0 &&
		    !isalnum((unsigned char)s[5]))
			rules_parse_endif(p, line, s);
		else
			rules_parse_native(p, line, s);
	} else
		rules_parse_hc(p, line, s);
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
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
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
		if (q > s) { /* continuation */
			if (first == 0) {
				rules_perr(p, PM_WARNING, lineno, 0,
				    "indented line does not continue a "
				    "preceding line: ignored");
				continue;
			}
			if (pm_buf_append(&lbuf, s, plen) < 0)
				goto nomem;
			continue;
		}
		if (first != 0) {
			while (lbuf.len > 0 &&
			    isspace((unsigned char)lbuf.s[lbuf.len - 1]))
				lbuf.s[--lbuf.len] = 0;
			rules_parse_line(p, first, lbuf.s);
		}
		pm_buf_reset(&lbuf);
		first = lineno;
		if (pm_buf_append(&lbuf, s, plen) < 0)
			goto nomem;
	}
	if (first != 0 && !p->gave_up) {
		while (lbuf.len > 0 &&
		    isspace((unsigned char)lbuf.s[lbuf.len - 1]))
			lbuf.s[--lbuf.len] = 0;
		rules_parse_line(p, first, lbuf.s);
	}
	pm_buf_free(&lbuf);
	return;

nomem:
	pm_buf_free(&lbuf);
	rules_enomem(p, lineno);
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
	if ((rs->mctx = pcre2_match_context_create(NULL)) == NULL)
		goto nomem;
	if (rs->opts.match_limit > 0)
		pcre2_set_match_limit(rs->mctx, rs->opts.match_limit);
	if (rs->opts.depth_limit > 0)
		pcre2_set_depth_limit(rs->mctx, rs->opts.depth_limit);
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
	p.opts = &rs->opts;
	if (rules_grow((void **)&rs->files, &rs->capfiles, rs->nfiles,
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
			    "\"if\" has no matching \"endif\" (the file ends "
			    "first)");
	free(p.stack);
	return (p.total_errors);
}

/* rules_hash - FNV-1a of the lower-cased name */
static size_t
rules_hash(const char *name, size_t len)
{
	size_t i;
	uint64_t h = 14695981039346656037ULL;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)name[i]);
		h *= 1099511628211ULL;
	}
	return ((size_t)h);
}

/* rules_bucket_find - the slot for name: its bucket or an empty one */
static struct rules_bucket *
rules_bucket_find(const struct ruleset *rs, const char *name, size_t len)
{
	size_t i, mask = rs->tabsize - 1;
	struct rules_bucket *b;

	for (i = rules_hash(name, len) & mask;; i = (i + 1) & mask) {
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
	if (rules_grow((void **)v, cap, *n, sizeof(**v)) < 0)
		return (-1);
	(*v)[(*n)++] = seq;
	return (0);
}

/* rules_build_dispatch - the name hash table and the seq lists */
static int
rules_build_dispatch(struct ruleset *rs)
{
	size_t i, size = 16, capany = 0, capmsg = 0;
	struct rules_bucket *b;
	struct rule *r;

	while (size < rs->nrules * 2)
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
		if (r->header == NULL) {
			if (rules_push_seq(
			        &rs->any, &rs->nany, &capany, r->seq) < 0)
				return (-1);
			continue;
		}
		b = rules_bucket_find(rs, r->header, strlen(r->header));
		if (b->name == NULL) {
			if ((b->name = strdup(r->header)) == NULL)
				return (-1);
			b->namelen = strlen(b->name);
		}
		if (rules_push_seq(&b->seqs, &b->n, &b->cap, r->seq) < 0)
			return (-1);
	}
	return (0);
}

/* rules_finish - build dispatch; free rs and return NULL on errors */
static struct ruleset *
rules_finish(struct ruleset *rs, size_t errors, struct pm_diags *diags)
{
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

/* rules_match_context - the match context with the limits */
pcre2_match_context *
rules_match_context(const struct ruleset *rs)
{
	return (rs->mctx);
}

/* rules_max_captures - largest capture count of any pattern */
uint32_t
rules_max_captures(const struct ruleset *rs)
{
	return (rs->maxcap);
}

/* rules_match_one - 1 match, 0 no match, -1 error (err set) */
static int
rules_match_one(const struct ruleset *rs, const struct rules_pattern *pat,
    const char *file, unsigned line, const char *subj, size_t len,
    pcre2_match_data *md, struct pm_error *err)
{
	PCRE2_UCHAR msg[256];
	int rc;

	rc = pcre2_match(pat->re, (PCRE2_SPTR)subj, len, 0, 0, md, rs->mctx);
	/* JIT's small stack ran out: the interpreter uses the heap. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(pat->re, (PCRE2_SPTR)subj, len, 0,
		    PCRE2_NO_JIT, md, rs->mctx);
	if (rc >= 0)
		return (!pat->negate);
	if (rc == PCRE2_ERROR_NOMATCH)
		return (pat->negate);
	if (rc == PCRE2_ERROR_MATCHLIMIT)
		pm_error_set(err,
		    "%s:%u: pattern hit the match limit "
		    "(MatchLimit %u); simplify the pattern or raise the limit",
		    file, line, (unsigned)rs->opts.match_limit);
	else if (rc == PCRE2_ERROR_DEPTHLIMIT)
		pm_error_set(err,
		    "%s:%u: pattern hit the depth limit "
		    "(DepthLimit %u); simplify the pattern or raise the limit",
		    file, line, (unsigned)rs->opts.depth_limit);
	else {
		if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", rc);
		pm_error_set(err, "%s:%u: pattern match failed: %s", file, line,
		    (char *)msg);
	}
	return (-1);
}

/* rules_match - guards, condition and pattern of one rule */
int
rules_match(const struct ruleset *rs, const struct rule *r, const char *line,
    size_t linelen, const char *value, size_t valuelen,
    const struct pm_session *sess, pcre2_match_data *md, struct pm_error *err)
{
	const struct rules_ifpat *ip;
	size_t i;
	int rc;

	/* The condition is cheap: first. */
	if (r->when != NULL && !rules_cond_eval(r->when, sess))
		return (0);
	for (i = 0; i < r->nguards; i++) {
		ip = (const struct rules_ifpat *)r->guards[i];
		if ((rc = rules_match_one(rs, r->guards[i], ip->file, ip->line,
		         line, linelen, md, err)) <= 0)
			return (rc);
	}
	if (r->pat.re == NULL)
		return (1);
	if (r->subject == RULES_SUBJ_LINE)
		return (rules_match_one(
		    rs, &r->pat, r->file, r->line, line, linelen, md, err));
	return (rules_match_one(
	    rs, &r->pat, r->file, r->line, value, valuelen, md, err));
}

/* rules_in_names - s equals one of the names */
static int
rules_in_names(const struct rules_cond *c, const char *s, int nocase)
{
	size_t i;

	if (s == NULL)
		return (0);
	for (i = 0; i < c->nnames; i++)
		if ((nocase ? strcasecmp : strcmp)(c->names[i], s) == 0)
			return (1);
	return (0);
}

/* rules_port_in - the daemon port is one of the ports */
static int
rules_port_in(const struct rules_cond *c, const char *port)
{
	char *end;
	unsigned long want, have;
	size_t i;

	if (port == NULL || !isdigit((unsigned char)*port))
		return (0);
	errno = 0;
	have = strtoul(port, &end, 10);
	if (*end != 0 || errno != 0)
		return (0);
	for (i = 0; i < c->nnames; i++) {
		want = strtoul(c->names[i], NULL, 10);
		if (want == have)
			return (1);
	}
	return (0);
}

/* rules_cidr_has - the address is inside the network */
static int
rules_cidr_has(
    const struct rules_cidr *n, int family, const unsigned char *addr)
{
	static const unsigned char v4mapped[12] = {
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0xff,
	    0xff,
	};
	unsigned bits = n->prefix, i;

	/* An IPv4-mapped IPv6 client matches IPv4 networks. */
	if (family == AF_INET6 && n->family == AF_INET &&
	    memcmp(addr, v4mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	if (family != n->family)
		return (0);
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (addr[i] != n->addr[i])
			return (0);
	if (bits > 0 &&
	    ((addr[i] ^ n->addr[i]) & (unsigned char)(0xff << (8 - bits))))
		return (0);
	return (1);
}

/* rules_domain_in - the sender domain matches one of the names */
static int
rules_domain_in(const struct rules_cond *c, const char *dom)
{
	size_t i, dl, nl;
	const char *n;

	if (dom == NULL || *dom == 0)
		return (0);
	dl = strlen(dom);
	for (i = 0; i < c->nnames; i++) {
		n = c->names[i];
		if (n[0] != '.') {
			if (strcasecmp(n, dom) == 0)
				return (1);
			continue;
		}
		/* ".example.org": example.org and its subdomains. */
		nl = strlen(n);
		if (strcasecmp(n + 1, dom) == 0 ||
		    (dl > nl && strcasecmp(dom + dl - nl, n) == 0))
			return (1);
	}
	return (0);
}

/* rules_login_match - the login matches the pattern */
static int
rules_login_match(const pcre2_code *re, const char *login)
{
	pcre2_match_data *md;
	int rc;

	if (login == NULL)
		return (0);
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		return (0);
	rc = pcre2_match(re, (PCRE2_SPTR)login, strlen(login), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return (rc >= 0);
}

/* rules_cond_eval - 1 if the condition holds (NULL holds) */
int
rules_cond_eval(const struct rules_cond *c, const struct pm_session *s)
{
	size_t i;

	if (c == NULL)
		return (1);
	switch (c->kind) {
	case RULES_C_AND:
		return (rules_cond_eval(c->a, s) && rules_cond_eval(c->b, s));
	case RULES_C_OR:
		return (rules_cond_eval(c->a, s) || rules_cond_eval(c->b, s));
	case RULES_C_NOT:
		return (!rules_cond_eval(c->a, s));
	default:
		break;
	}
	if (s == NULL)
		return (0);
	switch (c->kind) {
	case RULES_C_AUTHENTICATED:
		return (session_is_authenticated(s));
	case RULES_C_LOCAL:
		return (session_is_local(s));
	case RULES_C_TLS:
		return (session_has_tls(s));
	case RULES_C_SERVICE:
		return (rules_in_names(c, s->daemon_name, 0));
	case RULES_C_PORT:
		return (rules_port_in(c, s->daemon_port));
	case RULES_C_CLIENT:
		if (s->family != AF_INET && s->family != AF_INET6)
			return (0);
		for (i = 0; i < c->ncidrs; i++)
			if (rules_cidr_has(&c->cidrs[i], s->family, s->addr))
				return (1);
		return (0);
	case RULES_C_LOGIN:
		if (c->re != NULL)
			return (rules_login_match(c->re, s->auth_authen));
		return (rules_in_names(c, s->auth_authen, 0));
	case RULES_C_SENDER_DOMAIN:
		return (rules_domain_in(c, session_sender_domain(s)));
	default:
		return (0);
	}
}
