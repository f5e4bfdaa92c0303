/*++
/* NAME
/*	rules_native 3
/* SUMMARY
/*	native rules: lexer, condition grammar, per-action checks
/* DESCRIPTION
/*	Part of the rules module (contract in include/rules.h, language in
/*	privacy-milter.rules(5)). A native rule is
/*
/*	    ACTION HEADERS [/PATTERN/FLAGS | find KIND[, KIND...]]
/*	        [with "TEXT"] [except HEADERS] [when CONDITION] [OPTION ...]
/*
/*	(HEADERS: "*", or names and prefix globs separated by commas) and
/*	the statement "keep-networks CIDR[, CIDR...]", read by a small lexer
/*	(words, double-quoted texts, patterns and parentheses); lists are
/*	words split at commas (rules_lex_list()); conditions go to a
/*	recursive-descent parser:
/*
/*	    CONDITION = AND { "or" AND }
/*	    AND       = ATOM { "and" ATOM }
/*	    ATOM      = "not" ATOM | "(" CONDITION ")" | CRITERION
/*
/*	What each action needs (a text, a pattern, none) is checked by one
/*	small function per action, named in rules_native_actions[].
/*--*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "rules_impl.h"

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

/* A native rule as read, before it is checked and built. */
struct rules_nat {
	enum rules_action act;
	const char *aw, *hw; /* action word, HEADERS as written */
	size_t awlen, hwlen;
	int any; /* HEADERS is "*" */
	struct rules_names sel; /* HEADERS */
	struct rules_names except;
	unsigned find; /* "find" kinds */
	unsigned findcol;
	int have_pat;
	struct rules_patsrc ps;
	char *text; /* decoded "with" text, NULL: none */
	unsigned textcol;
	struct match_cond *when;
	unsigned flags;
	char *label; /* "name NAME", NULL: none */
};

typedef int (*rules_check_fn)(
    struct rules_parser *, unsigned, const struct rules_nat *);

static int rules_check_replace(
    struct rules_parser *, unsigned, const struct rules_nat *);
static int rules_check_subst(
    struct rules_parser *, unsigned, const struct rules_nat *);
static int rules_check_add(
    struct rules_parser *, unsigned, const struct rules_nat *);
static int rules_check_plain(
    struct rules_parser *, unsigned, const struct rules_nat *);
static int rules_check_utc(
    struct rules_parser *, unsigned, const struct rules_nat *);

/* The native actions and what each needs. */
static const struct {
	const char *word;
	enum rules_action act;
	rules_check_fn check;
} rules_native_actions[] = {
    {"remove", RULES_REMOVE, rules_check_plain},
    {"replace", RULES_REPLACE_VALUE, rules_check_replace},
    {"redact", RULES_REDACT, rules_check_subst},
    {"pseudonymize", RULES_PSEUDONYMIZE, rules_check_subst},
    {"add", RULES_ADD, rules_check_add},
    {"log", RULES_LOG, rules_check_plain},
    {"keep", RULES_STOP, rules_check_plain},
    {"utc", RULES_UTC, rules_check_utc},
};

/* The criteria that take a list, with an example for messages. */
static const struct {
	const char *word;
	enum match_cond_kind kind;
	const char *example;
} rules_list_criteria[] = {
    {"service", MATCH_C_SERVICE, "submission"},
    {"port", MATCH_C_PORT, "587,465"},
    {"client", MATCH_C_CLIENT, "192.0.2.0/24,2001:db8::/32"},
    {"login", MATCH_C_LOGIN, "submission"},
    {"sender-domain", MATCH_C_SENDER_DOMAIN, "example.org,.example.net"},
};

/* The criteria without arguments. */
static const struct {
	const char *word;
	enum match_cond_kind kind;
} rules_flag_criteria[] = {
    {"authenticated", MATCH_C_AUTHENTICATED},
    {"local", MATCH_C_LOCAL},
    {"tls", MATCH_C_TLS},
    {"forwarded", MATCH_C_FORWARDED},
    {"submitted", MATCH_C_SUBMITTED},
};

#define RULES_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* rules_lex_string - a double-quoted text at s[i] == '"' */
static enum rules_tok
rules_lex_string(struct rules_lexer *lx, size_t i)
{
	struct pm_buf b = PM_BUF_INIT;
	const char *s = lx->s;

	for (i++; s[i] != 0 && s[i] != '"'; i++) {
		if (s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		if (pm_buf_putc(&b, s[i]) < 0) {
			pm_buf_free(&b);
			rules_enomem(lx->p, lx->line);
			return (lx->tok = RULES_T_BAD);
		}
	}
	if (s[i] == 0) {
		pm_buf_free(&b);
		rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
		    "unterminated text: missing closing '\"'");
		return (lx->tok = RULES_T_BAD);
	}
	lx->str = pm_buf_steal(&b);
	lx->pos = i + 1;
	lx->len = lx->pos - lx->start;
	return (lx->tok = RULES_T_STRING);
}

/* rules_lex_next - read the next token into lx */
static enum rules_tok
rules_lex_next(struct rules_lexer *lx)
{
	const char *s = lx->s;
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
		return (rules_lex_string(lx, i));
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

/* rules_lex_expected - "WHAT but found TOKEN" at the current token */
static void
rules_lex_expected(const struct rules_lexer *lx, const char *what)
{
	char found[100];

	if (lx->tok == RULES_T_BAD)
		return; /* reported by the lexer */
	rules_lex_what(lx, found, sizeof(found));
	rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
	    "%s but found %s", what, found);
}

/* rules_is_option - an OPTION word ends a condition or a list */
static int
rules_is_option(const struct rules_lexer *lx)
{
	return (rules_lex_is(lx, "continue") || rules_lex_is(lx, "log-only") ||
	    rules_lex_is(lx, "force") || rules_lex_is(lx, "with") ||
	    rules_lex_is(lx, "when") || rules_lex_is(lx, "except") ||
	    rules_lex_is(lx, "find"));
}

/*
 * rules_lex_list - a list "a, b,c" from the current word on, one call of
 * elem per element (its bytes and 1-based column); words go on while one
 * ends in ",". The lexer is left on the last word of the list. what is
 * the message when a list is missing, empty when an element is. -1
 * after an error.
 */
static int
rules_lex_list(struct rules_lexer *lx, const char *what, const char *empty,
    int (*elem)(struct rules_lexer *, void *, const char *, size_t, unsigned),
    void *arg)
{
	const char *w, *e, *end;
	int more = 1;

	for (;;) {
		if (lx->tok != RULES_T_WORD || rules_is_option(lx)) {
			rules_lex_expected(lx, what);
			return (-1);
		}
		w = lx->s + lx->start;
		end = w + lx->len;
		if ((more = end[-1] == ',') != 0) /* "a, b": goes on */
			end--;
		for (;; w = e + 1) {
			if ((e = memchr(w, ',', (size_t)(end - w))) == NULL)
				e = end;
			if (e == w) {
				rules_perr(lx->p, PM_ERROR, lx->line,
				    (unsigned)(w - lx->s) + 1, "%s", empty);
				return (-1);
			}
			if (elem(lx, arg, w, (size_t)(e - w),
			        (unsigned)(w - lx->s) + 1) < 0)
				return (-1);
			if (e == end)
				break;
		}
		if (!more)
			return (0);
		rules_lex_next(lx);
	}
}

/*
 * Conditions.
 */

static struct match_cond *rules_parse_or(struct rules_lexer *);

/* rules_cond_new - allocate a condition node */
static struct match_cond *
rules_cond_new(struct rules_lexer *lx, enum match_cond_kind kind)
{
	struct match_cond *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rules_enomem(lx->p, lx->line);
		return (NULL);
	}
	c->kind = kind;
	return (c);
}

/* rules_add_cidr - one network [w, w + len) of a client list */
static int
rules_add_cidr(
    struct rules_lexer *lx, struct match_cond *c, const char *w, size_t len)
{
	char why[300];
	void *v;

	if ((v = realloc(c->cidrs, (c->ncidrs + 1) * sizeof(*c->cidrs))) ==
	    NULL) {
		rules_enomem(lx->p, lx->line);
		return (-1);
	}
	c->cidrs = v;
	if (pm_net_parse(w, len, &c->cidrs[c->ncidrs], why, sizeof(why)) < 0) {
		rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)(w - lx->s) + 1,
		    "bad CIDR \"%.*s\": %s", (int)(len > 60 ? 60 : len), w,
		    why);
		return (-1);
	}
	c->ncidrs++;
	return (0);
}

/* rules_add_element - one list element [w, e) into c */
static int
rules_add_element(
    struct rules_lexer *lx, struct match_cond *c, const char *w, const char *e)
{
	size_t len = (size_t)(e - w), i;
	unsigned long n = 0;
	void *v;

	if (c->kind == MATCH_C_CLIENT)
		return (rules_add_cidr(lx, c, w, len));
	if (c->kind == MATCH_C_PORT) {
		for (i = 0;
		     i < len && isdigit((unsigned char)w[i]) && n <= 65535; i++)
			n = n * 10 + (unsigned long)(w[i] - '0');
		if (i < len || n > 65535) {
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)(w - lx->s) + 1,
			    "bad condition: port \"%.*s\" is not a number from 0 to 65535",
			    (int)(len > 60 ? 60 : len), w);
			return (-1);
		}
	}
	if ((v = realloc(c->names, (c->nnames + 1) * sizeof(*c->names))) ==
	    NULL)
		goto nomem;
	c->names = v;
	c->names[c->nnames] = c->kind == MATCH_C_SENDER_DOMAIN
	    ? pm_lower_dup(w, len)
	    : strndup(w, len);
	if (c->names[c->nnames] == NULL)
		goto nomem;
	c->nnames++;
	return (0);

nomem:
	rules_enomem(lx->p, lx->line);
	return (-1);
}

/* rules_cond_element - one element of a criterion's list */
static int
rules_cond_element(
    struct rules_lexer *lx, void *arg, const char *w, size_t len, unsigned col)
{
	(void)col;
	return (rules_add_element(lx, arg, w, w + len));
}

/* rules_parse_list - NAME[,NAME...] after criterion k */
static int
rules_parse_list(struct rules_lexer *lx, struct match_cond *c, size_t k)
{
	char what[200], empty[100];

	snprintf(what, sizeof(what),
	    "bad condition: expected a list after \"%s\" (e.g. %s %s)",
	    rules_list_criteria[k].word, rules_list_criteria[k].word,
	    rules_list_criteria[k].example);
	snprintf(empty, sizeof(empty),
	    "bad condition: empty element in the list after \"%s\"",
	    rules_list_criteria[k].word);
	rules_lex_next(lx);
	return (rules_lex_list(lx, what, empty, rules_cond_element, c));
}

/* rules_parse_login_re - "login /re/" (the lexer is on "login") */
static int
rules_parse_login_re(struct rules_lexer *lx, struct match_cond *c)
{
	struct match_pattern pat;

	rules_lex_next(lx);
	if (lx->tok != RULES_T_PATTERN ||
	    rules_compile(lx->p, lx->line, &lx->ps, &pat) < 0)
		return (-1);
	c->re = pat.re;
	return (0);
}

/* rules_parse_criterion - a criterion and its arguments */
static struct match_cond *
rules_parse_criterion(struct rules_lexer *lx)
{
	struct match_cond *c;
	size_t k, save;

	for (k = 0; k < RULES_NELEM(rules_flag_criteria); k++)
		if (rules_lex_is(lx, rules_flag_criteria[k].word)) {
			c = rules_cond_new(lx, rules_flag_criteria[k].kind);
			rules_lex_next(lx);
			return (c);
		}
	for (k = 0; k < RULES_NELEM(rules_list_criteria); k++)
		if (rules_lex_is(lx, rules_list_criteria[k].word))
			break;
	if (k == RULES_NELEM(rules_list_criteria)) {
		rules_lex_expected(lx,
		    "bad condition: expected authenticated, local, tls, forwarded, submitted, service, port, client, login, sender-domain, \"not\" or \"(\"");
		return (NULL);
	}
	if ((c = rules_cond_new(lx, rules_list_criteria[k].kind)) == NULL)
		return (NULL);
	for (save = lx->pos; isspace((unsigned char)lx->s[save]); save++)
		;
	if (c->kind == MATCH_C_LOGIN && lx->s[save] == '/') {
		if (rules_parse_login_re(lx, c) < 0)
			goto fail;
	} else if (rules_parse_list(lx, c, k) < 0)
		goto fail;
	rules_lex_next(lx);
	return (c);

fail:
	match_cond_free(c);
	return (NULL);
}

/* rules_parse_atom - not ATOM | ( CONDITION ) | CRITERION */
static struct match_cond *
rules_parse_atom(struct rules_lexer *lx)
{
	struct match_cond *c, *n;
	char what[100];

	if (lx->tok == RULES_T_BAD)
		return (NULL);
	if (rules_lex_is(lx, "not")) {
		rules_lex_next(lx);
		if ((c = rules_parse_atom(lx)) == NULL)
			return (NULL);
		if ((n = rules_cond_new(lx, MATCH_C_NOT)) == NULL) {
			match_cond_free(c);
			return (NULL);
		}
		n->a = c;
		return (n);
	}
	if (lx->tok != RULES_T_LPAREN)
		return (rules_parse_criterion(lx));
	rules_lex_next(lx);
	if ((c = rules_parse_or(lx)) == NULL)
		return (NULL);
	if (lx->tok != RULES_T_RPAREN) {
		rules_lex_what(lx, what, sizeof(what));
		rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
		    "bad condition: expected \")\" but found %s", what);
		match_cond_free(c);
		return (NULL);
	}
	rules_lex_next(lx);
	return (c);
}

/*
 * rules_parse_binary - OPERAND { word OPERAND }, left-associative; "and"
 * binds tighter than "or" because its operands are atoms.
 */
static struct match_cond *
rules_parse_binary(struct rules_lexer *lx, const char *word,
    enum match_cond_kind kind,
    struct match_cond *(*operand)(struct rules_lexer *))
{
	struct match_cond *l, *r, *n;

	if ((l = operand(lx)) == NULL)
		return (NULL);
	while (rules_lex_is(lx, word)) {
		rules_lex_next(lx);
		if ((r = operand(lx)) == NULL ||
		    (n = rules_cond_new(lx, kind)) == NULL) {
			match_cond_free(l);
			match_cond_free(r);
			return (NULL);
		}
		n->a = l;
		n->b = r;
		l = n;
	}
	return (l);
}

/* rules_parse_and - ATOM { and ATOM } */
static struct match_cond *
rules_parse_and(struct rules_lexer *lx)
{
	return (rules_parse_binary(lx, "and", MATCH_C_AND, rules_parse_atom));
}

/* rules_parse_or - AND { or AND } */
static struct match_cond *
rules_parse_or(struct rules_lexer *lx)
{
	return (rules_parse_binary(lx, "or", MATCH_C_OR, rules_parse_and));
}

/*
 * What each action needs.
 */

/* rules_check_replace - replace HEADERS [/pattern/] with "TEXT" */
static int
rules_check_replace(
    struct rules_parser *p, unsigned line, const struct rules_nat *n)
{
	if (n->find != 0) {
		rules_perr(p, PM_ERROR, line, n->findcol,
		    "\"replace\" takes no \"find\": use redact HEADERS find KIND with \"TEXT\"");
		return (-1);
	}
	if (n->text == NULL) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"replace\" needs a text: replace HEADER [/pattern/] with \"TEXT\"");
		return (-1);
	}
	return (0);
}

/* rules_check_subst - redact HEADER /pattern/ [with "TEXT"]; pseudonymize */
static int
rules_check_subst(
    struct rules_parser *p, unsigned line, const struct rules_nat *n)
{
	if (!n->have_pat && n->find == 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"%.*s\" needs a pattern or \"find\": %.*s HEADER /pattern/%s, or %.*s HEADER find KIND%s",
		    (int)n->awlen, n->aw, (int)n->awlen, n->aw,
		    n->act == RULES_REDACT ? " [with \"TEXT\"]" : "",
		    (int)n->awlen, n->aw,
		    n->act == RULES_REDACT ? " [with \"TEXT\"]" : "");
		return (-1);
	}
	if (n->act == RULES_PSEUDONYMIZE && n->text != NULL) {
		rules_perr(p, PM_ERROR, line, n->textcol,
		    "\"%.*s\" takes no text: every match becomes a pseudonym",
		    (int)n->awlen, n->aw);
		return (-1);
	}
	return (0);
}

/* rules_check_add - add HEADER with "TEXT", outside if ... endif */
static int
rules_check_add(
    struct rules_parser *p, unsigned line, const struct rules_nat *n)
{
	if (n->any || n->sel.n != 1 || n->sel.globs) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"add\" needs one header name, not \"%.*s\"",
		    (int)(n->hwlen > 60 ? 60 : n->hwlen), n->hw);
		return (-1);
	}
	if (n->find != 0) {
		rules_perr(p, PM_ERROR, line, n->findcol,
		    "\"add\" takes no \"find\": add HEADER with \"TEXT\"");
		return (-1);
	}
	if (n->have_pat) {
		rules_perr(p, PM_ERROR, line, n->ps.col,
		    "\"add\" takes no pattern: add HEADER with \"TEXT\"");
		return (-1);
	}
	if (n->text == NULL) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"add\" needs a text: add HEADER with \"TEXT\"");
		return (-1);
	}
	if (p->depth > 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "\"add\" cannot be used inside if ... endif: it runs once per message, not per header");
		return (-1);
	}
	return (0);
}

/* rules_check_plain - remove, log, keep: no text */
static int
rules_check_plain(
    struct rules_parser *p, unsigned line, const struct rules_nat *n)
{
	if (n->text != NULL) {
		rules_perr(p, PM_ERROR, line, n->textcol,
		    "\"%.*s\" takes no text (\"with\")", (int)n->awlen, n->aw);
		return (-1);
	}
	return (0);
}

/* rules_check_utc - utc HEADERS [/pattern/]: no text, no find */
static int
rules_check_utc(
    struct rules_parser *p, unsigned line, const struct rules_nat *n)
{
	if (n->find != 0) {
		rules_perr(p, PM_ERROR, line, n->findcol,
		    "\"utc\" takes no \"find\": utc HEADER [/pattern/]");
		return (-1);
	}
	return (rules_check_plain(p, line, n));
}

/*
 * Reading and building a native rule.
 */

/* rules_nat_names_free - free a list the rule did not take */
static void
rules_nat_names_free(struct rules_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

/* rules_names_add - append one name to a list */
static int
rules_names_add(
    struct rules_lexer *lx, struct rules_names *l, const char *w, size_t len)
{
	char *d;

	if (pm_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0 ||
	    pm_grow(&l->len, &l->caplen, l->n + 1, sizeof(*l->len)) < 0 ||
	    (d = strndup(w, len)) == NULL) {
		rules_enomem(lx->p, lx->line);
		return (-1);
	}
	if (len > 0 && w[len - 1] == '*') {
		l->globs = 1;
		len--;
	}
	l->len[l->n] = len;
	l->v[l->n++] = d;
	return (0);
}

/* rules_header_element - one name or glob of a HEADERS list */
static int
rules_header_element(
    struct rules_lexer *lx, void *arg, const char *w, size_t len, unsigned col)
{
	size_t nl = len > 0 && w[len - 1] == '*' ? len - 1 : len;

	if (!(len == 1 && w[0] == '*') && !pm_field_name_ok(w, nl)) {
		rules_perr(lx->p, PM_ERROR, lx->line, col,
		    "bad header name \"%.*s\" (printable characters without \":\", or \"*\" for any header)",
		    (int)(len > 60 ? 60 : len), w);
		return (-1);
	}
	return (rules_names_add(lx, arg, w, len));
}

/* rules_native_names - a HEADERS list into l; -1 after an error */
static int
rules_native_names(struct rules_lexer *lx, struct rules_names *l,
    const char *what, const char **start, size_t *len)
{
	*start = lx->s + lx->start;
	if (rules_lex_list(lx, what, "empty element in a list of header names",
	        rules_header_element, l) < 0)
		return (-1);
	*len = (size_t)(lx->s + lx->start + lx->len - *start);
	return (0);
}

/* rules_native_head - ACTION HEADERS; index of the action, -1 on error */
static int
rules_native_head(struct rules_lexer *lx, struct rules_nat *n)
{
	size_t k, i;
	char what[200];

	rules_lex_next(lx);
	n->aw = lx->s + lx->start;
	n->awlen = lx->len;
	for (k = 0; k < RULES_NELEM(rules_native_actions); k++)
		if (rules_word_is(
		        n->aw, n->awlen, rules_native_actions[k].word))
			break;
	if (k == RULES_NELEM(rules_native_actions)) {
		rules_perr(lx->p, PM_ERROR, lx->line, 1,
		    "unknown action \"%.*s\" (expected remove, replace, redact, pseudonymize, add, log, keep or utc; or a header_checks line: /pattern/ ACTION)",
		    (int)(n->awlen > 60 ? 60 : n->awlen), n->aw);
		return (-1);
	}
	n->act = rules_native_actions[k].act;
	rules_lex_next(lx);
	snprintf(what, sizeof(what),
	    "expected a header name or \"*\" after \"%.*s\"", (int)n->awlen,
	    n->aw);
	if (rules_native_names(lx, &n->sel, what, &n->hw, &n->hwlen) < 0)
		return (-1);
	for (i = 0; i < n->sel.n; i++)
		if (strcmp(n->sel.v[i], "*") == 0)
			n->any = 1;
	return ((int)k);
}

/* rules_find_element - one kind of a "find" list */
static int
rules_find_element(
    struct rules_lexer *lx, void *arg, const char *w, size_t len, unsigned col)
{
	struct rules_nat *n = arg;
	unsigned bits = detect_kind_parse(w, len);

	if (bits == 0) {
		rules_perr(lx->p, PM_ERROR, lx->line, col,
		    "unknown kind \"%.*s\" after \"find\" (expected session, client-address, client-name, helo, login, address, local-host, private-host, dynamic-host, account or product)",
		    (int)(len > 60 ? 60 : len), w);
		return (-1);
	}
	n->find |= bits;
	return (0);
}

/* rules_native_find - "find KIND, ..." (the lexer is on "find") */
static int
rules_native_find(struct rules_lexer *lx, struct rules_nat *n)
{
	n->findcol = (unsigned)lx->start + 1;
	rules_lex_next(lx);
	if (rules_lex_list(lx,
	        "expected what to find after \"find\" (e.g. find session, address)",
	        "empty element in the list after \"find\"", rules_find_element,
	        n) < 0)
		return (-1);
	rules_lex_next(lx);
	return (0);
}

/* rules_native_name - "name NAME": a word of RULES_NAME_MAX bytes at most */
static int
rules_native_name(struct rules_lexer *lx, struct rules_nat *n)
{
	const char *w;
	size_t i;

	rules_lex_next(lx);
	w = lx->s + lx->start;
	if (lx->tok != RULES_T_WORD || rules_is_option(lx)) {
		rules_lex_expected(lx, "expected a rule name after \"name\"");
		return (-1);
	}
	for (i = 0; i < lx->len; i++)
		if (!isalnum((unsigned char)w[i]) && w[i] != '-' &&
		    w[i] != '_' && w[i] != '.')
			break;
	if (i < lx->len || !isalpha((unsigned char)w[0]) ||
	    lx->len > RULES_NAME_MAX) {
		rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
		    "bad rule name \"%.*s\": letters, digits, '-', '_' and '.', starting with a letter, at most %d bytes",
		    (int)(lx->len > 80 ? 80 : lx->len), w, RULES_NAME_MAX);
		return (-1);
	}
	if ((n->label = strndup(w, lx->len)) == NULL) {
		rules_enomem(lx->p, lx->line);
		return (-1);
	}
	rules_lex_next(lx);
	return (0);
}

/* rules_native_option - one clause: with, when or an OPTION word */
static int
rules_native_option(struct rules_lexer *lx, struct rules_nat *n)
{
	static const struct {
		const char *word;
		unsigned flag;
	} opts[] = {
	    {"continue", RULES_F_CONTINUE},
	    {"log-only", RULES_F_LOGONLY},
	    {"force", RULES_F_FORCE},
	};
	char what[200];
	size_t k;

	if (rules_lex_is(lx, "with") && n->text == NULL) {
		rules_lex_next(lx);
		if (lx->tok != RULES_T_STRING) {
			rules_lex_expected(
			    lx, "expected a double-quoted text after \"with\"");
			return (-1);
		}
		n->text = lx->str;
		lx->str = NULL;
		n->textcol = (unsigned)lx->start + 1;
		rules_lex_next(lx);
		return (0);
	}
	if (rules_lex_is(lx, "except") && n->except.n == 0) {
		const char *w;
		size_t len;

		rules_lex_next(lx);
		if (rules_native_names(lx, &n->except,
		        "expected header names after \"except\"", &w, &len) < 0)
			return (-1);
		rules_lex_next(lx);
		return (0);
	}
	if (rules_lex_is(lx, "when") && n->when == NULL) {
		rules_lex_next(lx);
		if ((n->when = rules_parse_or(lx)) == NULL)
			return (-1);
		if (lx->tok == RULES_T_RPAREN) {
			rules_perr(lx->p, PM_ERROR, lx->line,
			    (unsigned)lx->start + 1,
			    "bad condition: \")\" without a matching \"(\"");
			return (-1);
		}
		return (0);
	}
	if (rules_lex_is(lx, "name") && n->label == NULL)
		return (rules_native_name(lx, n));
	for (k = 0; k < RULES_NELEM(opts); k++)
		if (rules_lex_is(lx, opts[k].word)) {
			n->flags |= opts[k].flag;
			rules_lex_next(lx);
			return (0);
		}
	rules_lex_what(lx, what, sizeof(what));
	rules_perr(lx->p, PM_ERROR, lx->line, (unsigned)lx->start + 1,
	    "unknown option %s (expected %s%s%s%scontinue, log-only or force)",
	    what, n->text == NULL ? "with \"TEXT\", " : "",
	    n->except.n == 0 ? "except HEADERS, " : "",
	    n->when == NULL ? "when CONDITION, " : "",
	    n->label == NULL ? "name NAME, " : "");
	return (-1);
}

/* rules_native_read - the whole line into n; -1 after an error */
static int
rules_native_read(struct rules_lexer *lx, struct rules_nat *n)
{
	int k;

	if ((k = rules_native_head(lx, n)) < 0)
		return (-1);
	rules_lex_next(lx);
	if (lx->tok == RULES_T_PATTERN) {
		n->ps = lx->ps;
		n->have_pat = 1;
		rules_lex_next(lx);
	} else if (rules_lex_is(lx, "find") && rules_native_find(lx, n) < 0)
		return (-1);
	while (lx->tok != RULES_T_END)
		if (lx->tok == RULES_T_BAD || rules_native_option(lx, n) < 0)
			return (-1);
	return (rules_native_actions[k].check(lx->p, lx->line, n));
}

/* rules_native_build - the rule from a checked line; -1 after an error */
static int
rules_native_build(struct rules_parser *p, unsigned line, struct rules_nat *n)
{
	struct template_text *t = NULL;
	struct rule *r;

	if (n->text != NULL) {
		if (rules_text(p, line, n->textcol, n->text, 1, &t) < 0)
			return (-1);
		if (template_max_ref(t) > 0 && !n->have_pat) {
			rules_perr(p, PM_ERROR, line, n->textcol,
			    "\"$%u\" needs a pattern with capture groups",
			    template_max_ref(t));
			template_free(t);
			return (-1);
		}
	} else if (n->act == RULES_REDACT &&
	    rules_text(p, line, n->textcol, "", 1, &t) < 0)
		return (-1);
	if ((r = rules_new_rule(p, line)) == NULL) {
		template_free(t);
		return (-1);
	}
	r->subject = RULES_SUBJ_VALUE;
	r->action = n->act;
	r->flags = n->flags;
	r->text = t;
	r->when = n->when;
	n->when = NULL;
	if (n->have_pat && rules_compile(p, line, &n->ps, &r->pat) < 0)
		goto drop;
	if (t != NULL && template_max_ref(t) > r->pat.ncapture) {
		rules_perr(p, PM_ERROR, line, n->textcol,
		    "\"$%u\" refers to a capture group the pattern does not have (it has %u)",
		    template_max_ref(t), (unsigned)r->pat.ncapture);
		goto drop;
	}
	r->name = strndup(n->hw, n->hwlen);
	r->action_word = pm_lower_dup(n->aw, n->awlen);
	if (r->name == NULL || r->action_word == NULL)
		goto nomem;
	r->find = n->find;
	r->label = n->label;
	n->label = NULL;
	r->except = n->except;
	memset(&n->except, 0, sizeof(n->except));
	/*
	 * Dispatch: one name is the rule's header; "*" may get the name of
	 * an enclosing "if ^Name:"; a list is kept for rules.c to dispatch
	 * (literal names) or test (globs).
	 */
	if (n->any) {
		if (rules_guard_header(p, r) < 0)
			goto nomem;
	} else if (n->sel.n == 1 && !n->sel.globs) {
		if ((r->header = pm_lower_dup(
		         n->sel.v[0], strlen(n->sel.v[0]))) == NULL)
			goto nomem;
	} else {
		r->sel = n->sel;
		memset(&n->sel, 0, sizeof(n->sel));
	}
	return (0);

nomem:
	rules_enomem(p, line);
drop:
	rules_drop_last(p);
	return (-1);
}

/*
 * rules_parse_native - ACTION HEADER [/re/flags] [with "TEXT"]
 * [when CONDITION] [OPTION ...]
 */
void
rules_parse_native(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_lexer lx;
	struct rules_nat n;

	memset(&lx, 0, sizeof(lx));
	lx.p = p;
	lx.line = line;
	lx.s = s;
	memset(&n, 0, sizeof(n));
	if (rules_native_read(&lx, &n) == 0)
		(void)rules_native_build(p, line, &n);
	free(lx.str);
	free(n.text);
	free(n.label);
	match_cond_free(n.when);
	rules_nat_names_free(&n.sel);
	rules_nat_names_free(&n.except);
}

/* rules_keep_element - one network of "keep-networks" */
static int
rules_keep_element(
    struct rules_lexer *lx, void *arg, const char *w, size_t len, unsigned col)
{
	struct ruleset *rs = arg;
	char why[300];

	if (pm_grow(&rs->keep, &rs->capkeep, rs->nkeep + 1, sizeof(*rs->keep)) <
	    0) {
		rules_enomem(lx->p, lx->line);
		return (-1);
	}
	if (pm_net_parse(w, len, &rs->keep[rs->nkeep], why, sizeof(why)) < 0) {
		rules_perr(lx->p, PM_ERROR, lx->line, col,
		    "bad network \"%.*s\" after keep-networks: %s",
		    (int)(len > 60 ? 60 : len), w, why);
		return (-1);
	}
	rs->nkeep++;
	return (0);
}

/*
 * rules_parse_keep_networks - "keep-networks CIDR[, CIDR...]": address
 * literals the "address" kind leaves alone, for the whole set
 */
void
rules_parse_keep_networks(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_lexer lx;

	memset(&lx, 0, sizeof(lx));
	lx.p = p;
	lx.line = line;
	lx.s = s;
	rules_lex_next(&lx); /* keep-networks */
	rules_lex_next(&lx);
	if (rules_lex_list(&lx,
	        "expected networks after \"keep-networks\" (e.g. keep-networks 192.0.2.0/24, 2001:db8::/32)",
	        "empty element in the list after \"keep-networks\"",
	        rules_keep_element, p->rs) == 0) {
		rules_lex_next(&lx);
		if (lx.tok != RULES_T_END)
			rules_lex_expected(&lx,
			    "expected a comma and a network or the end of the line");
	}
	free(lx.str);
}
