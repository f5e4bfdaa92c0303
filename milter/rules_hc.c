/*++
/* NAME
/*	rules_hc 3
/* SUMMARY
/*	Postfix pcre header_checks lines: patterns, flags, actions, if/endif
/* DESCRIPTION
/*	Part of the rules module (contract in include/rules.h, language in
/*	privacy-milter.rules(5)). A header_checks line is "[!]DELIM re DELIM
/*	flags ACTION [text]" as in pcre_table(5); "if [!]/re/flags" ...
/*	"endif" guard the lines between them. rules_scan_pattern() reads
/*	the pattern syntax for native rules too.
/*
/*	rules_pattern_header() finds the one header name a pattern can
/*	match, for dispatch. It is conservative: anything unclear gives
/*	NULL (the rule is tried for every header), because a wrong name
/*	would make the engine skip the rule.
/*--*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_impl.h"

/* Default pattern options of pcre_table(5): each flag letter toggles. */
#define RULES_DEF_OPTIONS (PCRE2_CASELESS | PCRE2_DOTALL)

static const char rules_hc_valid[] =
    "IGNORE, REPLACE text, PREPEND text, WARN [text], INFO [text], DUNNO or OK";

/* The actions a header_checks line may name. */
static const struct {
	const char *word;
	enum rules_action act;
	int text; /* 1: needs text; -1: text is ignored; 0: optional */
} rules_hc_actions[] = {
    {"IGNORE", RULES_REMOVE, -1},
    {"REPLACE", RULES_REPLACE_LINE, 1},
    {"PREPEND", RULES_PREPEND, 1},
    {"WARN", RULES_LOG, 0},
    {"INFO", RULES_LOG, 0},
    {"DUNNO", RULES_STOP, -1},
    {"OK", RULES_STOP, -1},
};

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

/* rules_scan_flags - the flag letters at s[*pos]; -1 after an error */
static int
rules_scan_flags(struct rules_parser *p, unsigned line, const char *s,
    size_t *pos, uint32_t *options)
{
	static const struct {
		char letter;
		uint32_t option;
	} flags[] = {
	    {'i', PCRE2_CASELESS},
	    {'m', PCRE2_MULTILINE},
	    {'s', PCRE2_DOTALL},
	    {'x', PCRE2_EXTENDED},
	    {'A', PCRE2_ANCHORED},
	    {'E', PCRE2_DOLLAR_ENDONLY},
	    {'U', PCRE2_UNGREEDY},
	};
	size_t i = *pos, k;

	*options = RULES_DEF_OPTIONS;
	for (; s[i] != 0 && !isspace((unsigned char)s[i]); i++) {
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (s[i] == flags[k].letter)
				break;
		if (k < sizeof(flags) / sizeof(flags[0]))
			*options ^= flags[k].option;
		else if (s[i] == 'X')
			rules_perr(p, PM_WARNING, line, (unsigned)i + 1,
			    "ignoring flag \"X\": PCRE2 does not support it");
		else if (isprint((unsigned char)s[i])) {
			rules_perr(p, PM_ERROR, line, (unsigned)i + 1,
			    "unknown pattern flag \"%c\" (valid flags: i m s x A E U)",
			    s[i]);
			return (-1);
		} else {
			rules_perr(p, PM_ERROR, line, (unsigned)i + 1,
			    "unknown pattern flag \"\\x%02x\" (valid flags: i m s x A E U)",
			    (unsigned char)s[i]);
			return (-1);
		}
	}
	*pos = i;
	return (0);
}

/* rules_scan_pattern - find [!]DELIM re DELIM flags at *pos */
int
rules_scan_pattern(struct rules_parser *p, unsigned line, const char *s,
    size_t *pos, int allow_negation, struct rules_patsrc *ps)
{
	size_t i = *pos, start;
	char delim;

	memset(ps, 0, sizeof(*ps));
	for (;; i++) {
		if (allow_negation && s[i] == '!')
			ps->negate = !ps->negate;
		else if (!isspace((unsigned char)s[i]))
			break;
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
		    "bad pattern delimiter \"%c\": use a character that is neither a letter, a digit nor a backslash, e.g. /pattern/",
		    delim);
		return (-1);
	}
	for (start = ++i; s[i] != 0 && s[i] != delim; i++)
		if (s[i] == '\\' && s[i + 1] != 0)
			i++;
	if (s[i] == 0) {
		rules_perr(p, PM_ERROR, line, ps->col,
		    "unterminated pattern: no closing \"%c\"", delim);
		return (-1);
	}
	ps->re = s + start;
	ps->relen = i - start;
	ps->recol = (unsigned)start + 1;
	i++;
	if (rules_scan_flags(p, line, s, &i, &ps->options) < 0)
		return (-1);
	*pos = i;
	return (0);
}

/*
 * rules_pattern_whole_ok - nothing in the whole pattern could let it match
 * another header: no top-level "|", no \Q, no (?x), balanced
 */
static int
rules_pattern_whole_ok(const char *re, size_t len)
{
	size_t i, depth = 0;
	const char *q;

	for (i = 0; i < len; i++) {
		switch (re[i]) {
		case '\\':
			if (i + 1 < len && re[i + 1] == 'Q')
				return (0);
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
					if ((q = memchr(re + i + 2, ']',
					         len - i - 2)) == NULL)
						return (0);
					i = (size_t)(q - re);
				}
			}
			if (i >= len)
				return (0);
			break;
		case '(':
			if (i + 1 < len && re[i + 1] == '?')
				for (q = re + i + 2; q < re + len &&
				     (isalpha((unsigned char)*q) || *q == '-' ||
				         *q == '^');
				     q++)
					if (*q == 'x')
						return (0);
			depth++;
			break;
		case ')':
			if (depth == 0)
				return (0);
			depth--;
			break;
		case '|':
			if (depth == 0)
				return (0);
			break;
		default:
			break;
		}
	}
	return (1);
}

/*
 * rules_pattern_header - the header name a header_checks pattern can only
 * match, lower case, or NULL: "^Name:" (or "\AName:") with literal name
 * characters, not followed by a quantifier
 */
static char *
rules_pattern_header(const struct rules_patsrc *ps)
{
	const char *re = ps->re;
	size_t len = ps->relen, i, n = 0;
	char name[256];

	if (ps->negate || (ps->options & (PCRE2_EXTENDED | PCRE2_MULTILINE)) ||
	    !rules_pattern_whole_ok(re, len))
		return (NULL);
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
	return (pm_lower_dup(name, n));
}

/* rules_is_unusable - a header_checks action a milter cannot do */
static int
rules_is_unusable(const char *w, size_t len)
{
	size_t i;

	for (i = 0; rules_hc_unusable[i] != NULL; i++)
		if (rules_word_is(w, len, rules_hc_unusable[i]))
			return (1);
	/* "4NN text" and "5NN text" (access(5) style replies). */
	return (len == 3 && (w[0] == '4' || w[0] == '5') &&
	    isdigit((unsigned char)w[1]) && isdigit((unsigned char)w[2]));
}

/*
 * rules_hc_action - the action word w (wlen bytes, column wcol) and its
 * text: index into rules_hc_actions, -1 after a report
 */
static int
rules_hc_action(struct rules_parser *p, unsigned line, const char *w,
    size_t wlen, unsigned wcol, const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(rules_hc_actions) / sizeof(rules_hc_actions[0]);
	     i++)
		if (rules_word_is(w, wlen, rules_hc_actions[i].word))
			break;
	if (i == sizeof(rules_hc_actions) / sizeof(rules_hc_actions[0])) {
		if (!rules_is_unusable(w, wlen))
			rules_perr(p, PM_ERROR, line, wcol,
			    "unknown action \"%.*s\" (expected %s)",
			    (int)(wlen > 60 ? 60 : wlen), w, rules_hc_valid);
		else if (p->rs->opts.strict)
			rules_perr(p, PM_ERROR, line, wcol,
			    "action \"%.*s\" cannot be carried out by a milter (Strict is on); use it in Postfix's own header_checks",
			    (int)wlen, w);
		else
			rules_perr(p, PM_WARNING, line, wcol,
			    "action \"%.*s\" cannot be carried out by a milter; line skipped",
			    (int)wlen, w);
		return (-1);
	}
	if (rules_hc_actions[i].text > 0 && *text == 0) {
		rules_perr(p, PM_ERROR, line, wcol,
		    "missing text after \"%.*s\" (e.g. %.*s X-Header: new value)",
		    (int)wlen, w, (int)wlen, w);
		return (-1);
	}
	return ((int)i);
}

/*
 * rules_hc_text - check a text at column col: the static text of a
 * REPLACE or PREPEND (need) must be a header line (checked here, not per
 * message), and a negated pattern captures nothing
 */
static int
rules_hc_text(struct rules_parser *p, unsigned line, unsigned col,
    const struct template_text *t, int need, const char *w, size_t wlen,
    int negate)
{
	const char *text = template_source(t);
	size_t nl = strcspn(text, ":"), tl = strlen(text);

	if (need && template_max_ref(t) == 0 &&
	    (text[nl] != ':' || !pm_field_name_ok(text, nl))) {
		rules_perr(p, PM_ERROR, line, col,
		    "%.*s text must be a header line \"Name: value\", got \"%.*s\"",
		    (int)wlen, w, (int)(tl > 60 ? 60 : tl), text);
		return (-1);
	}
	if (template_max_ref(t) > 0 && negate) {
		rules_perr(p, PM_ERROR, line, col,
		    "\"$%u\" cannot be used with a negated pattern (!/.../): a pattern that does not match captures nothing",
		    template_max_ref(t));
		return (-1);
	}
	return (0);
}

/* rules_parse_hc - one pcre_table(5) line: [!]/re/flags ACTION [text] */
void
rules_parse_hc(struct rules_parser *p, unsigned line, const char *s)
{
	struct template_text *t = NULL;
	struct rules_patsrc ps;
	const char *w, *text;
	size_t pos = 0, wlen;
	unsigned wcol, tcol;
	struct rule *r;
	int a;

	if (rules_scan_pattern(p, line, s, &pos, 1, &ps) < 0)
		return;

	/* The action word and its text. */
	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] == 0) {
		rules_perr(p, PM_ERROR, line, 0,
		    "missing action after the pattern (expected %s)",
		    rules_hc_valid);
		return;
	}
	w = s + pos;
	wcol = (unsigned)pos + 1;
	wlen = strcspn(w, " \t");
	for (text = w + wlen; isspace((unsigned char)*text); text++)
		;
	tcol = (unsigned)(text - s) + 1;
	if ((a = rules_hc_action(p, line, w, wlen, wcol, text)) < 0)
		return;
	if (rules_hc_actions[a].text < 0 && *text != 0) {
		rules_perr(p, PM_WARNING, line, tcol,
		    "text after \"%.*s\" is ignored", (int)wlen, w);
		text = "";
	}
	if (*text != 0 && rules_text(p, line, tcol, text, 0, &t) < 0)
		return;
	if (t != NULL &&
	    rules_hc_text(p, line, tcol, t, rules_hc_actions[a].text > 0, w,
	        wlen, ps.negate) < 0)
		goto fail;

	/* Compile, check the references against the capture count. */
	if ((r = rules_new_rule(p, line)) == NULL)
		goto fail;
	r->subject = RULES_SUBJ_LINE;
	r->action = rules_hc_actions[a].act;
	r->text = t;
	if (rules_compile(p, line, &ps, &r->pat) < 0) {
		rules_drop_last(p);
		return;
	}
	if (t != NULL && template_max_ref(t) > r->pat.ncapture) {
		rules_perr(p, PM_ERROR, line, tcol,
		    "\"$%u\" refers to a capture group the pattern does not have (it has %u)",
		    template_max_ref(t), (unsigned)r->pat.ncapture);
		rules_drop_last(p);
		return;
	}
	r->action_word = strndup(w, wlen);
	r->header = rules_pattern_header(&ps);
	if (r->action_word == NULL ||
	    (r->header == NULL && rules_guard_header(p, r) < 0)) {
		rules_enomem(p, line);
		rules_drop_last(p);
	}
	return;

fail:
	template_free(t);
}

/* rules_push_guard - keep an "if" in the ruleset and open its block */
static void
rules_push_guard(struct rules_parser *p, unsigned line, struct rules_guard *g)
{
	struct ruleset *rs = p->rs;

	if (pm_grow(&rs->guards, &rs->capguards, rs->nguards + 1,
	        sizeof(*rs->guards)) < 0) {
		match_pattern_free(&g->pat);
		free(g->header);
		free(g);
		rules_enomem(p, line);
		return;
	}
	rs->guards[rs->nguards++] = g;
	if (pm_grow(&p->stack, &p->capstack, p->depth + 1, sizeof(*p->stack)) <
	    0) {
		rules_enomem(p, line);
		return;
	}
	p->stack[p->depth++] = g;
}

/*
 * rules_parse_if - "if [!]/re/flags"
 *
 * After a bad "if" a guard without pattern is pushed all the same, so that
 * its "endif" is not reported too. The load fails anyway.
 */
void
rules_parse_if(struct rules_parser *p, unsigned line, const char *s)
{
	struct rules_guard *g;
	struct rules_patsrc ps;
	size_t pos = 2;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		rules_enomem(p, line);
		return;
	}
	g->file = p->file;
	g->line = line;
	while (isspace((unsigned char)s[pos]))
		pos++;
	if (s[pos] == 0)
		rules_perr(p, PM_ERROR, line, 0,
		    "missing pattern after \"if\" (expected if /pattern/ or if !/pattern/)");
	else if (rules_scan_pattern(p, line, s, &pos, 1, &ps) == 0) {
		while (isspace((unsigned char)s[pos]))
			pos++;
		if (s[pos] != 0)
			rules_perr(p, PM_ERROR, line, (unsigned)pos + 1,
			    "unexpected text after the \"if\" pattern; lines inside if ... endif must not be indented (an indented line continues the previous one)");
		else if (rules_compile(p, line, &ps, &g->pat) == 0)
			g->header = rules_pattern_header(&ps);
	}
	rules_push_guard(p, line, g);
}

/* rules_parse_endif - "endif" */
void
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
