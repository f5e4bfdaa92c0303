/*++
/* NAME
/*	template 3h
/* SUMMARY
/*	replacement text with $n references, parsed once when rules load
/* SYNOPSIS
/*	#include "template.h"
/*
/*	int	template_parse(const char *text, struct template_text **tp,
/*		    char *why, size_t whylen)
/*	void	template_free(struct template_text *t)
/*	const char *template_source(const struct template_text *t)
/*	unsigned template_max_ref(const struct template_text *t)
/*	int	template_parse_native(const char *text,
/*		    struct template_text **tp, char *why, size_t whylen)
/*	int	template_expand(const struct template_text *t, const char *subject,
/*		    const PCRE2_SIZE *ovector, uint32_t npairs,
/*		    struct pm_buf *out)
/*	int	template_expand_host(const struct template_text *t,
/*		    const char *subject, const PCRE2_SIZE *ovector,
/*		    uint32_t npairs, const char *host, struct pm_buf *out)
/* DESCRIPTION
/*	A template is the text of a REPLACE/PREPEND line or of a native
/*	"with" clause. Its syntax is mac_parse(3)'s, restricted to numbers:
/*	$n, ${n} and $(n) insert capture group n (1 to 99) of the match;
/*	$$ is a literal $. The text is scanned once, by template_parse();
/*	expansion walks the parsed pieces and never looks at the syntax
/*	again.
/*
/*	template_parse_native() also accepts ${host}, this server's own name
/*	(native rules only: Postfix's header_checks know no such thing).
/*
/*	template_parse() parses text into *tp. template_source() returns the
/*	text as given; template_max_ref() the largest n referenced (0: no
/*	reference), which the rules parser checks against the pattern's
/*	capture count.
/*
/*	template_expand() appends the expansion to out (which is a valid,
/*	possibly empty, string afterwards): the captures come from ovector
/*	(npairs pairs, as PCRE2 fills them) over subject. A reference to a
/*	group that did not take part in the match, or beyond npairs, or
/*	with ovector NULL, expands to nothing. A NULL template expands to
/*	the empty string. No byte is changed: making the result safe for a
/*	header is fold_scrub()'s job. template_expand_host() expands
/*	${host} to host (nothing when NULL); template_expand() is
/*	template_expand_host() with no host.
/* DIAGNOSTICS
/*	template_parse() returns -1 and writes a sentence to why ("\"$\"
/*	without a capture number in the text (write $$ for a literal $)",
/*	"missing \"}\" after \"${\" in the text", ...; "out of memory")
/*	for a text it refuses. template_expand() returns -1 when memory
/*	runs out.
/*--*/
#ifndef PM_TEMPLATE_H
#define PM_TEMPLATE_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define TEMPLATE_MAX_REF 99 /* largest $n accepted */
#define TEMPLATE_REF_HOST (TEMPLATE_MAX_REF + 1) /* ${host} */

struct template_text;

int template_parse(
    const char *text, struct template_text **tp, char *why, size_t whylen);
int template_parse_native(
    const char *text, struct template_text **tp, char *why, size_t whylen);
void template_free(struct template_text *);
const char *template_source(const struct template_text *);
unsigned template_max_ref(const struct template_text *);
int template_expand(const struct template_text *, const char *subject,
    const PCRE2_SIZE *ovector, uint32_t npairs, struct pm_buf *out);
int template_expand_host(const struct template_text *, const char *subject,
    const PCRE2_SIZE *ovector, uint32_t npairs, const char *host,
    struct pm_buf *out);

#endif
