/*++
/* NAME
/*	match 3h
/* SUMMARY
/*	the one PCRE2 wrapper, and rule conditions on the session
/* SYNOPSIS
/*	#include "match.h"
/*
/*	int	match_ctx_init(struct match_ctx *mc, uint32_t match_limit,
/*		    uint32_t depth_limit)
/*	void	match_ctx_free(struct match_ctx *mc)
/*
/*	int	match_compile(const char *re, size_t len, uint32_t options,
/*		    int jit, struct match_pattern *pat, char *why,
/*		    size_t whylen, size_t *erroff)
/*	void	match_pattern_free(struct match_pattern *pat)
/*
/*	int	match_exec(const struct match_ctx *mc, const pcre2_code *re,
/*		    const char *subj, size_t len, size_t start, uint32_t opts,
/*		    pcre2_match_data *md, const char *file, unsigned line,
/*		    struct pm_error *err)
/*	int	match_pattern(const struct match_ctx *mc,
/*		    const struct match_pattern *pat, const char *subj,
/*		    size_t len, pcre2_match_data *md, const char *file,
/*		    unsigned line, struct pm_error *err)
/*
/*	int	match_cond(const struct match_ctx *mc,
/*		    const struct match_cond *c, const struct match_facts *f,
/*		    pcre2_match_data *md, const char *file, unsigned line,
/*		    struct pm_error *err)
/*	void	match_cond_free(struct match_cond *c)
/* DESCRIPTION
/*	Every regular expression of the tree is compiled by
/*	match_compile() and run by match_exec(), so limits, the JIT
/*	fallback and the wording of errors exist once.
/*
/*	A struct match_ctx holds the PCRE2 match context with the match
/*	and depth limits (0: the library's default) of a rule set;
/*	match_ctx_init() creates it, match_ctx_free() releases it.
/*
/*	match_compile() compiles len bytes of re in byte mode (no
/*	PCRE2_UTF: header values may hold any bytes) with the PCRE2 options
/*	given (the rules parser turns pcre_table(5) flags into them), then,
/*	when jit is set, JIT-compiles it; a JIT compile that fails is
/*	ignored (the interpreter runs the pattern). pat->ncapture is the
/*	number of capture groups; pat->negate is left 0 for the caller.
/*
/*	match_exec() runs re over subj[0..len) from offset start with the
/*	PCRE2 options opts (PCRE2_NOTEMPTY_ATSTART, PCRE2_ANCHORED, ...),
/*	into md, under the limits of mc. When the JIT stack overflows the
/*	match is repeated by the interpreter (its stack is on the heap).
/*	It returns the number of capture pairs set (at least 1) on a
/*	match, 0 when there is none, -1 on an error.
/*
/*	match_pattern() is match_exec() of a whole subject that honours
/*	pat->negate (header_checks "!/re/"): 1 when the pattern (or its
/*	negation) matches, 0 if not, -1 on an error. After a match of a
/*	pattern that is not negated, md holds its captures.
/*
/*	match_cond() evaluates a native rule's condition (tree of AND, OR,
/*	NOT and criteria) against the facts of one message: its session and
/*	whether the message is forwarded (received mail leaving again, or
/*	a reply generated for it: the engine tells from its headers, see
/*	engine.h): 1 true, 0 false, -1 on an
/*	error of a "login /re/" match. A NULL condition is true. Each
/*	criterion is one small function; see privacy-milter.rules(5) for
/*	their meaning. md (at least one pair) is used by "login /re/" and
/*	may be clobbered. match_cond_free() frees a tree.
/* DIAGNOSTICS
/*	match_ctx_init() returns -1 when memory runs out. match_compile()
/*	returns -1 with PCRE2's reason in why ("bad pattern: ..." is the
/*	caller's to add) and the offset of the error in *erroff.
/*	match_exec(), match_pattern() and match_cond() fill err with
/*	"FILE:LINE: pattern hit the match limit (MatchLimit N); simplify
/*	the pattern or raise the limit", the same for the depth limit, or
/*	"FILE:LINE: pattern match failed: REASON": FILE:LINE name the rule
/*	whose pattern failed.
/*--*/
#ifndef PM_MATCH_H
#define PM_MATCH_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "session.h"
#include "util.h"

struct match_ctx {
	pcre2_match_context *mctx;
	uint32_t match_limit; /* for messages; 0: library default */
	uint32_t depth_limit;
};

/* A compiled pattern with its negation (header_checks "!/re/"). */
struct match_pattern {
	pcre2_code *re; /* NULL: no pattern */
	int negate;
	uint32_t ncapture; /* capture groups in re */
};

enum match_cond_kind {
	MATCH_C_AND,
	MATCH_C_OR,
	MATCH_C_NOT,
	MATCH_C_AUTHENTICATED,
	MATCH_C_LOCAL,
	MATCH_C_TLS,
	MATCH_C_SERVICE, /* {daemon_name} in names */
	MATCH_C_PORT, /* {daemon_port} in names (decimal) */
	MATCH_C_CLIENT, /* client address in cidrs */
	MATCH_C_LOGIN, /* {auth_authen} in names, or re */
	MATCH_C_SENDER_DOMAIN, /* sender domain in names (".dom": subdomains) */
	MATCH_C_FORWARDED, /* the message is forwarded or an auto-reply */
	MATCH_C_SUBMITTED, /* (authenticated or local) and not forwarded */
};

/* What a condition is evaluated against: one message. */
struct match_facts {
	const struct pm_session *session; /* NULL: nothing known */
	int forwarded;
};

struct match_cond {
	enum match_cond_kind kind;
	struct match_cond *a, *b; /* AND/OR: a, b; NOT: a */
	char **names;
	size_t nnames;
	struct pm_net *cidrs;
	size_t ncidrs;
	pcre2_code *re; /* LOGIN /re/ */
};

int match_ctx_init(
    struct match_ctx *, uint32_t match_limit, uint32_t depth_limit);
void match_ctx_free(struct match_ctx *);

int match_compile(const char *re, size_t len, uint32_t options, int jit,
    struct match_pattern *, char *why, size_t whylen, size_t *erroff);
void match_pattern_free(struct match_pattern *);

int match_exec(const struct match_ctx *, const pcre2_code *re, const char *subj,
    size_t len, size_t start, uint32_t opts, pcre2_match_data *md,
    const char *file, unsigned line, struct pm_error *err);
int match_pattern(const struct match_ctx *, const struct match_pattern *,
    const char *subj, size_t len, pcre2_match_data *md, const char *file,
    unsigned line, struct pm_error *err);

int match_cond(const struct match_ctx *, const struct match_cond *,
    const struct match_facts *, pcre2_match_data *md, const char *file,
    unsigned line, struct pm_error *err);
void match_cond_free(struct match_cond *);

#endif
