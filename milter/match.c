/*++
/* NAME
/*	match 3
/* SUMMARY
/*	the one PCRE2 wrapper, and rule conditions on the session
/* DESCRIPTION
/*	The contract is in include/match.h. Conditions are evaluated as
/*	OpenSMTPD's ruleset.c does it: one small function per criterion,
/*	match_cond() only walks the tree. The condition is cheap and comes
/*	before any pattern in rules_match().
/*--*/
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "match.h"

/* match_ctx_init - a match context with the limits */
int
match_ctx_init(struct match_ctx *mc, uint32_t match_limit, uint32_t depth_limit)
{
	memset(mc, 0, sizeof(*mc));
	if ((mc->mctx = pcre2_match_context_create(NULL)) == NULL)
		return (-1);
	mc->match_limit = match_limit;
	mc->depth_limit = depth_limit;
	if (match_limit > 0)
		pcre2_set_match_limit(mc->mctx, match_limit);
	if (depth_limit > 0)
		pcre2_set_depth_limit(mc->mctx, depth_limit);
	return (0);
}

/* match_ctx_free - release the match context */
void
match_ctx_free(struct match_ctx *mc)
{
	if (mc->mctx != NULL)
		pcre2_match_context_free(mc->mctx);
	mc->mctx = NULL;
}

/* match_compile - compile (and JIT-compile) a pattern */
int
match_compile(const char *re, size_t len, uint32_t options, int jit,
    struct match_pattern *pat, char *why, size_t whylen, size_t *erroff)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	int errcode;

	memset(pat, 0, sizeof(*pat));
	pat->re =
	    pcre2_compile((PCRE2_SPTR)re, len, options, &errcode, &off, NULL);
	if (pat->re == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", errcode);
		snprintf(why, whylen, "%s", (char *)msg);
		*erroff = off;
		return (-1);
	}
	if (pcre2_pattern_info(
	        pat->re, PCRE2_INFO_CAPTURECOUNT, &pat->ncapture) != 0)
		pat->ncapture = 0;
	if (jit)
		(void)pcre2_jit_compile(pat->re, PCRE2_JIT_COMPLETE);
	return (0);
}

/* match_pattern_free - release the compiled pattern */
void
match_pattern_free(struct match_pattern *pat)
{
	if (pat->re != NULL)
		pcre2_code_free(pat->re);
	pat->re = NULL;
}

/* match_error - the sentence for a failed match */
static void
match_error(const struct match_ctx *mc, int rc, const char *file, unsigned line,
    struct pm_error *err)
{
	PCRE2_UCHAR msg[256];

	if (rc == PCRE2_ERROR_MATCHLIMIT)
		pm_error_cause(err, PM_ERR_LIMIT,
		    "%s:%u: pattern hit the match limit (MatchLimit %u); simplify the pattern or raise the limit",
		    file, line, (unsigned)mc->match_limit);
	else if (rc == PCRE2_ERROR_DEPTHLIMIT)
		pm_error_cause(err, PM_ERR_LIMIT,
		    "%s:%u: pattern hit the depth limit (DepthLimit %u); simplify the pattern or raise the limit",
		    file, line, (unsigned)mc->depth_limit);
	else {
		if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", rc);
		pm_error_cause(err,
		    rc == PCRE2_ERROR_NOMEMORY        ? PM_ERR_NOMEM
		        : rc == PCRE2_ERROR_HEAPLIMIT ? PM_ERR_LIMIT
		                                      : PM_ERR_INTERNAL,
		    "%s:%u: pattern match failed: %s", file, line, (char *)msg);
	}
}

/* match_exec - one PCRE2 match with limits and the JIT fallback */
int
match_exec(const struct match_ctx *mc, const pcre2_code *re, const char *subj,
    size_t len, size_t start, uint32_t opts, pcre2_match_data *md,
    const char *file, unsigned line, struct pm_error *err)
{
	int rc;

	rc = pcre2_match(re, (PCRE2_SPTR)subj, len, start, opts, md, mc->mctx);
	/* JIT's small stack ran out: the interpreter uses the heap. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re, (PCRE2_SPTR)subj, len, start,
		    opts | PCRE2_NO_JIT, md, mc->mctx);
	if (rc > 0)
		return (rc);
	if (rc == 0) /* more groups than md holds: all pairs are set */
		return ((int)pcre2_get_ovector_count(md));
	if (rc == PCRE2_ERROR_NOMATCH)
		return (0);
	match_error(mc, rc, file, line, err);
	return (-1);
}

/* match_pattern - a whole subject against a pattern and its negation */
int
match_pattern(const struct match_ctx *mc, const struct match_pattern *pat,
    const char *subj, size_t len, pcre2_match_data *md, const char *file,
    unsigned line, struct pm_error *err)
{
	int rc = match_exec(mc, pat->re, subj, len, 0, 0, md, file, line, err);

	if (rc < 0)
		return (-1);
	return (pat->negate ? rc == 0 : rc > 0);
}

/*
 * Conditions: one function per criterion.
 */

/* match_in_names - s equals one of the names */
static int
match_in_names(const struct match_cond *c, const char *s)
{
	size_t i;

	if (s == NULL)
		return (0);
	for (i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], s) == 0)
			return (1);
	return (0);
}

/* match_port - {daemon_port} is one of the ports */
static int
match_port(const struct match_cond *c, const char *port)
{
	unsigned long have;
	char *end;
	size_t i;

	if (port == NULL || !isdigit((unsigned char)*port))
		return (0);
	errno = 0;
	have = strtoul(port, &end, 10);
	if (*end != 0 || errno != 0)
		return (0);
	for (i = 0; i < c->nnames; i++)
		if (strtoul(c->names[i], NULL, 10) == have)
			return (1);
	return (0);
}

/* match_client - the client address lies in one of the networks */
static int
match_client(const struct match_cond *c, const struct pm_session *s)
{
	size_t i;

	if (s->family != AF_INET && s->family != AF_INET6)
		return (0);
	for (i = 0; i < c->ncidrs; i++)
		if (pm_net_has(&c->cidrs[i], s->family, s->addr))
			return (1);
	return (0);
}

/* match_sender_domain - the sender domain is one of the names */
static int
match_sender_domain(const struct match_cond *c, const char *dom)
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

/* match_login - {auth_authen} is one of the names or matches re */
static int
match_login(const struct match_ctx *mc, const struct match_cond *c,
    const char *login, pcre2_match_data *md, const char *file, unsigned line,
    struct pm_error *err)
{
	int rc;

	if (c->re == NULL)
		return (match_in_names(c, login));
	if (login == NULL)
		return (0);
	rc = match_exec(
	    mc, c->re, login, strlen(login), 0, 0, md, file, line, err);
	return (rc < 0 ? -1 : rc > 0);
}

/* match_submitted - mail our user wrote: authenticated or local, and
 * not received mail leaving again */
static int
match_submitted(const struct match_facts *f)
{
	const struct pm_session *s = f->session;

	return (s != NULL && !f->forwarded &&
	    (session_is_authenticated(s) || session_is_local(s)));
}

/* match_cond - evaluate a condition tree */
int
match_cond(const struct match_ctx *mc, const struct match_cond *c,
    const struct match_facts *f, pcre2_match_data *md, const char *file,
    unsigned line, struct pm_error *err)
{
	const struct pm_session *s = f->session;
	int a;

	if (c == NULL)
		return (1);
	switch (c->kind) {
	case MATCH_C_AND:
	case MATCH_C_OR:
		a = match_cond(mc, c->a, f, md, file, line, err);
		if (a < 0 || a == (c->kind == MATCH_C_OR))
			return (a);
		return (match_cond(mc, c->b, f, md, file, line, err));
	case MATCH_C_NOT:
		a = match_cond(mc, c->a, f, md, file, line, err);
		return (a < 0 ? -1 : !a);
	case MATCH_C_FORWARDED:
		return (f->forwarded != 0);
	case MATCH_C_SUBMITTED:
		return (match_submitted(f));
	case MATCH_C_AUTHENTICATED:
		return (s != NULL && session_is_authenticated(s));
	case MATCH_C_LOCAL:
		return (s != NULL && session_is_local(s));
	case MATCH_C_TLS:
		return (s != NULL && session_has_tls(s));
	case MATCH_C_SERVICE:
		return (s != NULL && match_in_names(c, s->daemon_name));
	case MATCH_C_PORT:
		return (s != NULL && match_port(c, s->daemon_port));
	case MATCH_C_CLIENT:
		return (s != NULL && match_client(c, s));
	case MATCH_C_LOGIN:
		return (s == NULL ? 0
		                  : match_login(mc, c, s->auth_authen, md, file,
		                        line, err));
	case MATCH_C_SENDER_DOMAIN:
		return (s != NULL &&
		    match_sender_domain(c, session_sender_domain(s)));
	}
	pm_panic("match_cond: condition kind %d", (int)c->kind);
}

/* match_cond_free - free a condition tree */
void
match_cond_free(struct match_cond *c)
{
	size_t i;

	if (c == NULL)
		return;
	match_cond_free(c->a);
	match_cond_free(c->b);
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c->cidrs);
	if (c->re != NULL)
		pcre2_code_free(c->re);
	free(c);
}
